package bench

import (
	"fmt"
	"testing"

	"github.com/wangge/wangge/bench/synth"
	"github.com/wangge/wangge/geo"
)

// BenchmarkLoadLattice: Validate and NewIndex of synthetic subdivisions of
// n grids of 20 vertices under 16 streets and a district (synth.Lattice).
// bench/memload measures the same in a fresh process, with memory.
func BenchmarkLoadLattice(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("grids=%d", n), func(b *testing.B) {
			if n > 100_000 && testing.Short() {
				b.Skip("skipped in -short")
			}
			spec := synth.Lattice(n)
			grids := spec.Grids(synth.Rand(1))
			b.Run("Validate", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					set := &geo.Set{Levels: synth.LatticeLevels, Grids: spec.Grids(synth.Rand(1))}
					b.StartTimer()
					if _, err := set.Validate(); err != nil {
						b.Fatal(err)
					}
				}
			})
			set := &geo.Set{Levels: synth.LatticeLevels, Grids: grids}
			if _, err := set.Validate(); err != nil {
				b.Fatal(err)
			}
			b.Run("NewIndex", func(b *testing.B) {
				for b.Loop() {
					if _, err := geo.NewIndex(set); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

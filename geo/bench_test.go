package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// benchPoints are uniform points in b, fixed by the seed.
func benchPoints(rng *rand.Rand, b orb.Bound, n int) []orb.Point {
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
	}
	return pts
}

func benchIndex(b *testing.B, grids []Grid) *Index {
	b.Helper()
	s := &Set{Levels: DefaultLevels, Grids: grids}
	if _, err := s.Validate(); err != nil {
		b.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		b.Fatal(err)
	}
	return ix
}

func runLocate(b *testing.B, ix *Index, pts []orb.Point, opts LocateOptions) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.Locate(pts[i%len(pts)], opts); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// roughCircle is a closed ring of n vertices round c, radius r degrees with
// 1% noise: the shape of a digitised boundary, counter-clockwise.
func roughCircle(rng *rand.Rand, c orb.Point, r float64, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		rad := r * (1 + 0.01*rng.Float64())
		ring = append(ring, orb.Point{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// BenchmarkLocate: one grid whose ring has n vertices (a rough circle about
// 2 km across, as a street's boundary might be), points uniform in its
// bounding box.
func BenchmarkLocate(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			r := roughCircle(rng, orb.Point{113.65, 34.75}, 0.01, n)
			ix := benchIndex(b, []Grid{{Code: "g", Level: "grid", Geometry: orb.MultiPolygon{{r}}}})
			runLocate(b, ix, benchPoints(rng, r.Bound(), 1024), LocateOptions{})
		})
	}
}

// BenchmarkLocateSpiky is the strip index's worst case: a star whose every
// edge spans up to half its height, so each band holds O(n) edges; the cell
// index answers most points without it.
func BenchmarkLocateSpiky(b *testing.B) {
	for _, n := range []int{100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			r := starRing(rng, orb.Point{113.65, 34.75}, 0.01, n)
			ix := benchIndex(b, []Grid{{Code: "g", Level: "grid", Geometry: orb.MultiPolygon{{r}}}})
			runLocate(b, ix, benchPoints(rng, r.Bound(), 1024), LocateOptions{})
		})
	}
}

// BenchmarkLocateGrids: a city of g grids of 64 vertices each, tiling a
// square (neighbours share edges), points uniform over it.
func BenchmarkLocateGrids(b *testing.B) {
	for _, side := range []int{10, 30, 100} {
		b.Run(fmt.Sprintf("grids=%d", side*side), func(b *testing.B) {
			const cell = 0.002 // about 200 m
			var grids []Grid
			for i := range side {
				for j := range side {
					x, y := 113+float64(i)*cell, 34+float64(j)*cell
					var r orb.Ring
					for k := range 16 { // 16 points a side, on the shared lines
						f := cell * float64(k) / 16
						r = append(r, orb.Point{x + f, y})
					}
					for k := range 16 {
						f := cell * float64(k) / 16
						r = append(r, orb.Point{x + cell, y + f})
					}
					for k := range 16 {
						f := cell * float64(k) / 16
						r = append(r, orb.Point{x + cell - f, y + cell})
					}
					for k := range 16 {
						f := cell * float64(k) / 16
						r = append(r, orb.Point{x, y + cell - f})
					}
					r = append(r, r[0])
					grids = append(grids, Grid{Code: fmt.Sprintf("g%05d", i*side+j), Level: "grid", Geometry: orb.MultiPolygon{{r}}})
				}
			}
			ix := benchIndex(b, grids)
			rng := rand.New(rand.NewPCG(2, uint64(side)))
			bound := orb.Bound{Min: orb.Point{113, 34}, Max: orb.Point{113 + float64(side)*cell, 34 + float64(side)*cell}}
			b.Run("inside", func(b *testing.B) { runLocate(b, ix, benchPoints(rng, bound, 1024), LocateOptions{}) })
			outside := benchPoints(rng, orb.Bound{Min: orb.Point{112.9996, 34}, Max: orb.Point{112.99999, 34 + float64(side)*cell}}, 1024)
			b.Run("nearest", func(b *testing.B) { runLocate(b, ix, outside, LocateOptions{NearestM: DefaultNearestM}) })
		})
	}
}

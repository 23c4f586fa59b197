package topology

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/wangge/wangge/bench"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/topology"
)

var (
	nationalOnce sync.Once
	nationalSet  *geo.Set
	nationalErr  error
)

// national returns cn-all-districts, validated (normalised) as the import
// does, read once.
func national(b *testing.B) *geo.Set {
	b.Helper()
	dir := bench.SharedDir()
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("skipped: shared data missing (set WANGGE_SHARED_DATA): %v", err)
	}
	nationalOnce.Do(func() {
		nationalSet, nationalErr = bench.NationalSet(dir)
		if nationalErr == nil {
			_, nationalErr = nationalSet.Validate()
		}
	})
	if nationalErr != nil {
		b.Fatal(nationalErr)
	}
	return nationalSet
}

// prefix returns an index of the first n grids of set.
func prefix(b *testing.B, set *geo.Set, n int) *geo.Index {
	b.Helper()
	sub := &geo.Set{Layer: set.Layer, Levels: set.Levels, Grids: set.Grids[:n]}
	ix, err := geo.NewIndex(sub)
	if err != nil {
		b.Fatal(err)
	}
	return ix
}

func vertices(ix *geo.Index) int {
	n := 0
	for i := range ix.Len() {
		for _, p := range ix.Grid(int32(i)).Geometry {
			for _, r := range p {
				n += len(r)
			}
		}
	}
	return n
}

func benchValidate(b *testing.B, ix *geo.Index) {
	b.ReportAllocs()
	var rep *topology.Report
	for b.Loop() {
		var err error
		if rep, err = topology.Validate(context.Background(), ix, topology.Options{MinAreaM2: topology.DefaultMinAreaM2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(vertices(ix)), "vertices")
	b.ReportMetric(float64(len(rep.Problems)), "problems")
}

// BenchmarkValidate validates the demo district (1 district, 16 streets,
// 176 communities, about 1,000 grids, noded) and the national districts.
func BenchmarkValidate(b *testing.B) {
	b.Run("demo", func(b *testing.B) {
		grids, err := data.ReadGrids(bytes.NewReader(demo.Grids()), data.GridFields{}, 0)
		if err != nil {
			b.Fatal(err)
		}
		set := &geo.Set{Layer: geo.DefaultLayer, Levels: data.DemoLevels, Grids: grids}
		if _, err := set.Validate(); err != nil {
			b.Fatal(err)
		}
		ix, err := geo.NewIndex(set)
		if err != nil {
			b.Fatal(err)
		}
		benchValidate(b, ix)
	})
	for _, n := range []int{300, 1000, 3253} {
		b.Run(fmt.Sprintf("national/n=%d", n), func(b *testing.B) {
			benchValidate(b, prefix(b, national(b), n))
		})
	}
}

// BenchmarkRepair repairs every national polygon, one goroutine.
func BenchmarkRepair(b *testing.B) {
	set := national(b)
	b.ReportAllocs()
	for b.Loop() {
		for i := range set.Grids {
			topology.Repair(set.Grids[i].Geometry)
		}
	}
}

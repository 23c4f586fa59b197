package bench

import (
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/bench/synth"
	"github.com/wangge/wangge/geo"
)

var national struct {
	once sync.Once
	set  *geo.Set
	ix   *geo.Index
	err  error
}

func nationalIndex(b *testing.B) (*geo.Set, *geo.Index) {
	b.Helper()
	dir := SharedDir()
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("skipped: shared data not found (%v); set WANGGE_SHARED_DATA", err)
	}
	national.once.Do(func() {
		national.set, national.err = NationalSet(dir)
		if national.err == nil {
			_, national.err = national.set.Validate()
		}
		if national.err == nil {
			national.ix, national.err = geo.NewIndex(national.set)
		}
	})
	if national.err != nil {
		b.Fatal(national.err)
	}
	return national.set, national.ix
}

// runLocate benchmarks Locate over pts (a power of two of them), reporting
// besides ns/op the thread's CPU time per lookup (cpu-ns/op), which leaves
// out the time spent waiting for a core when other jobs share the machine.
func runLocate(b *testing.B, ix *geo.Index, pts []orb.Point) {
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := ThreadCPU()
	i := 0
	for b.Loop() {
		if _, err := ix.Locate(pts[i&(len(pts)-1)], geo.LocateOptions{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64((ThreadCPU()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

func runPlain(b *testing.B, pl *Plain, pts []orb.Point) {
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := ThreadCPU()
	var buf [16]int32
	i := 0
	for b.Loop() {
		pl.Covering(pts[i&(len(pts)-1)], buf[:0])
		i++
	}
	b.ReportMetric(float64((ThreadCPU()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkNational: Locate on cn-all-districts (3,253 polygons, 4.5 M
// vertices), seeded uniform points over the data's bounding box.
func BenchmarkNational(b *testing.B) {
	set, ix := nationalIndex(b)
	pts := synth.Points(synth.Rand(1), SetBound(set), 1<<16)
	b.Run("wangge", func(b *testing.B) { runLocate(b, ix, pts) })
	b.Run("plain", func(b *testing.B) { runPlain(b, NewPlain(set), pts) })
}

var holes struct {
	once sync.Once
	set  *geo.Set
	ix   *geo.Index
	err  error
}

// BenchmarkHoles: Locate on the synthetic polygon of synth.DefaultHoles
// (1.1 M vertices, 100,000+ holes), seeded uniform points over its bounding box.
func BenchmarkHoles(b *testing.B) {
	holes.once.Do(func() {
		pg := synth.HolesPolygon(synth.Rand(7), synth.DefaultHoles)
		holes.set = &geo.Set{Levels: geo.Levels{"district"}, Grids: []geo.Grid{{Code: "holes", Level: "district", Geometry: orb.MultiPolygon{pg}}}}
		if _, holes.err = holes.set.Validate(); holes.err == nil {
			holes.ix, holes.err = geo.NewIndex(holes.set)
		}
	})
	if holes.err != nil {
		b.Fatal(holes.err)
	}
	pts := synth.Points(synth.Rand(2), SetBound(holes.set), 1<<16)
	b.Run("wangge", func(b *testing.B) { runLocate(b, holes.ix, pts) })
	b.Run("plain", func(b *testing.B) {
		if testing.Short() {
			b.Skip("skipped in -short: about 10 ms a point")
		}
		runPlain(b, NewPlain(holes.set), pts)
	})
}

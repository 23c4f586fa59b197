package address_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/wangge/wangge/bench/addrgen"
	"github.com/wangge/wangge/geo/address"
)

// BenchmarkGeocode geocodes queries written from a generated gazetteer of
// n addresses (bench/addrgen: 12 districts, 4,800 communities, 4,000 road
// names recurring across districts), one goroutine. It reports the index's
// heap, its build time, and the share of queries answered at the right
// building ("right").
func BenchmarkGeocode(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			as := addrgen.Generate(n, 1)
			recs := make([]address.Record, len(as))
			for i, a := range as {
				recs[i] = address.Record{Address: a.Text, Point: a.Point, Components: a.C}
			}
			runtime.GC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			start := time.Now()
			ix := address.NewIndex(recs, nil)
			build := time.Since(start)
			runtime.GC()
			runtime.ReadMemStats(&m1)
			runtime.KeepAlive(recs)
			recs = nil
			rng := rand.New(rand.NewPCG(2, 3))
			const nq = 4096
			qs := make([]string, nq)
			want := make([]addrgen.Addr, nq)
			for i := range qs {
				want[i] = as[rng.IntN(len(as))]
				qs[i] = addrgen.Query(want[i], i, rng)
			}
			right := 0
			for i, q := range qs {
				if ms := ix.Geocode(q, 5); len(ms) > 0 && ms[0].Components.Road == want[i].C.Road &&
					ms[0].Components.Number == want[i].C.Number && ms[0].Components.Building == want[i].C.Building &&
					ms[0].Components.Community == want[i].C.Community {
					right++
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			i := 0
			for b.Loop() {
				ix.Geocode(qs[i%nq], 5)
				i++
			}
			cpu := cpuTime() - cpu0
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "geocodes/s")
			// CPU time of the process per geocode (GC included): the
			// figure that does not depend on other load on the machine
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64(m1.HeapAlloc-min(m0.HeapAlloc, m1.HeapAlloc))/(1<<20), "index-MiB")
			b.ReportMetric(build.Seconds(), "build-s")
			b.ReportMetric(float64(right)/nq, "right")
			runtime.KeepAlive(ix)
		})
	}
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

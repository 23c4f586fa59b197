package siting

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

// cpuTime is the process's user+system CPU time so far. On a shared machine
// it shows the work done when the wall time is inflated by others' load.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSiting: MCLP, k = 20, radius 500 m, demand (weights 1..1000) and
// candidates uniform over the demo district, no existing service sites; the
// whole plan.Siting call (neighbour lists, lazy greedy, restarts, swaps,
// per-grid rows at level grid). The target: demand=100000,
// candidates=10000 in ≤ 2 s.
func BenchmarkSiting(b *testing.B) {
	for _, size := range []struct{ demand, cands int }{{1000, 100}, {10_000, 1000}, {100_000, 10_000}} {
		b.Run(fmt.Sprintf("demand=%d/candidates=%d", size.demand, size.cands), func(b *testing.B) {
			in, err := Uniform(6, size.demand, size.cands)
			if err != nil {
				b.Fatal(err)
			}
			q := plan.SitingQuery{Demand: in.Demand, Candidates: in.Candidates, RadiusM: 500, K: 20, Index: in.Index, Level: "grid"}
			b.ReportAllocs()
			var rep *plan.SitingReport
			cpu0 := cpuTime()
			for b.Loop() {
				if rep, err = plan.Siting(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(rep.PairCount), "pairs")
			b.ReportMetric(rep.After.CoveredWeight/rep.UpperBoundWeight, "of-bound")
		})
	}
}

// BenchmarkCoverage: 100,000 demand points and 1,000 service sites uniform
// over the demo district, radius 500 m, rows at level grid.
func BenchmarkCoverage(b *testing.B) {
	in, err := Uniform(7, 100_000, 1000)
	if err != nil {
		b.Fatal(err)
	}
	svc := make([]geo.Site, len(in.Candidates))
	for j, c := range in.Candidates {
		svc[j] = geo.Site{Kind: "station", ID: fmt.Sprint(j), Point: c.Point}
	}
	q := plan.CoverageQuery{Service: svc, Demand: in.Demand, RadiusM: 500, Index: in.Index, Level: "grid"}
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := plan.Coverage(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

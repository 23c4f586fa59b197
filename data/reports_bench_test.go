package data

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// BenchmarkImportReports: the store side of `wangge reports import`, per
// report: Add in batches of 4096 and Commit, into an empty store.
func BenchmarkImportReports(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ctx := context.Background()
			_, _, ix := openReports(b, kindSQLite)
			rs := make([]*geo.Report, n)
			for i := range rs {
				p := orb.Point{0.1 + 1.8*float64(i%997)/997, 0.5}
				r := newReport(b, ix, p, day0.Add(time.Duration(i*7919%n)*time.Minute), "")
				r.Events = nil
				rs[i] = r
			}
			b.ResetTimer()
			for k := 0; k < b.N; k++ {
				b.StopTimer()
				st, err := OpenSQLite(ctx, filepath.Join(b.TempDir(), fmt.Sprint(k, ".db")))
				if err != nil {
					b.Fatal(err)
				}
				store := NewReports(st)
				for _, r := range rs {
					r.ID, r.Events = 0, nil
				}
				b.StartTimer()
				imp, err := store.BeginImport(ctx, ImportOptions{Expected: n, By: "import", Note: "bench"})
				if err != nil {
					b.Fatal(err)
				}
				for i := 0; i < n; i += 4096 {
					if err := imp.Add(rs[i:min(i+4096, n)]); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := imp.Commit(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				store.Close()
				st.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}

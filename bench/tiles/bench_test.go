package tiles

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/bench"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/arcs"
)

// densestTile is the z14 tile over the densest part of the demo: 258
// features (the district, 5 streets, 66 communities, 186 grids centred in it
// and those reaching in), about 20 KB.
const densestTile = "/tiles/grids/14/13364/6503.mvt"

// demoServer serves the embedded demo from a fresh SQLite file.
func demoServer(b *testing.B, cfg api.Config) (*api.Server, *geo.Index) {
	b.Helper()
	ctx := context.Background()
	st, err := data.OpenSQLite(ctx, filepath.Join(b.TempDir(), "demo.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := data.SeedDemo(ctx, st); err != nil {
		b.Fatal(err)
	}
	set, err := st.CurrentSet(ctx, geo.DefaultLayer)
	if err != nil {
		b.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		b.Fatal(err)
	}
	holder := new(geo.Holder)
	holder.Store(ix)
	cfg.Boundaries, cfg.Grids = holder, st
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := api.New(cfg)
	if err := srv.LoadSites(ctx); err != nil {
		b.Fatal(err)
	}
	return srv, ix
}

func get(b *testing.B, h http.Handler, target string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("GET %s = %d %s", target, rec.Code, rec.Body.String())
	}
	return rec
}

// BenchmarkTile serves the densest z14 tile through the gin engine (every
// middleware included): uncached (the cache off; the topology and the
// zoom's simplified arcs made by a first request, as on a running server),
// and from the cache, plain and gzipped.
func BenchmarkTile(b *testing.B) {
	cases := []struct {
		name  string
		cache int64
		hdr   []string
	}{
		{"uncached", -1, nil},
		{"uncached-gcj02", -1, nil},
		{"cached", 0, nil},
		{"cached-gzip", 0, []string{"Accept-Encoding", "gzip"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			srv, _ := demoServer(b, api.Config{TileCacheBytes: c.cache})
			h := srv.Handler()
			target := densestTile
			if c.name == "uncached-gcj02" {
				target += "?crs=gcj02"
			}
			n := get(b, h, target, c.hdr...).Body.Len() // warm: topology, arcs, cache
			b.ReportAllocs()
			for b.Loop() {
				get(b, h, target, c.hdr...)
			}
			b.ReportMetric(float64(n), "bytes/tile")
		})
	}
}

// BenchmarkOGCItems streams whole collections as one page (limit=10000)
// over loopback HTTP (a real client reading the body) and reports
// features per second: the 896 demo grids (polygons with their attributes)
// and the 995 residential points.
func BenchmarkOGCItems(b *testing.B) {
	srv, _ := demoServer(b, api.Config{})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, col := range []string{"grids-grid", "grids-community", "sites-residential"} {
		b.Run(col, func(b *testing.B) {
			url := ts.URL + "/ogc/collections/" + col + "/items?limit=10000"
			var page struct {
				NumberReturned int `json:"numberReturned"`
			}
			res, err := http.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			json.NewDecoder(res.Body).Decode(&page)
			res.Body.Close()
			b.ReportAllocs()
			var bytes int64
			for b.Loop() {
				res, err := http.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				bytes = n
			}
			b.ReportMetric(float64(page.NumberReturned)*float64(b.N)/b.Elapsed().Seconds(), "features/s")
			b.ReportMetric(float64(bytes), "bytes/page")
		})
	}
}

// BenchmarkNationalArcs builds the shared-arc topology of the 3,253 real
// national district polygons (cn-all-districts, 4.49 M vertices) and
// simplifies all of it at 100 m, reporting how many vertices remain. It
// skips without ../shared/data.
func BenchmarkNationalArcs(b *testing.B) {
	set, err := bench.NationalSet(bench.SharedDir())
	if err != nil {
		b.Skipf("skipped: national data not available: %v", err)
	}
	shapes := make([]orb.MultiPolygon, len(set.Grids))
	n := 0
	for i := range set.Grids {
		shapes[i] = set.Grids[i].Geometry
		for _, pg := range shapes[i] {
			for _, r := range pg {
				n += len(r)
			}
		}
	}
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			arcs.Build(shapes)
		}
	})
	topo := arcs.Build(shapes)
	for _, tol := range []float64{10, 100, 1000} {
		b.Run(fmt.Sprintf("simplify_m=%g", tol), func(b *testing.B) {
			m := 0
			for b.Loop() {
				s := topo.SimplifyM(tol)
				m = 0
				for i := range shapes {
					for _, pg := range s.Shape(i) {
						for _, r := range pg {
							m += len(r)
						}
					}
				}
			}
			b.ReportMetric(100*float64(m)/float64(n), "%vertices")
		})
	}
}

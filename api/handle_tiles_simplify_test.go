package api_test

import (
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
)

type pt [2]float64

// fetchLevel pages through GET /v1/grids?level=...&simplify_m=... and
// returns each grid's rings and parent.
func fetchLevel(t *testing.T, f *fixture, query string) (rings map[string][][]pt, parent map[string]string, vertices int) {
	t.Helper()
	rings, parent = map[string][][]pt{}, map[string]string{}
	target := "/v1/grids?limit=200&" + query
	for target != "" {
		code, _, body := f.do("GET", target, "", "")
		if code != 200 {
			t.Fatalf("GET %s = %d %s", target, code, body)
		}
		m := decodeJSON(t, body)
		for _, ft := range m["features"].([]any) {
			ft := ft.(map[string]any)
			props := ft["properties"].(map[string]any)
			code := props["code"].(string)
			p, _ := props["parent"].(string)
			parent[code] = p
			geom := ft["geometry"].(map[string]any)
			var polys []any
			if geom["type"] == "Polygon" {
				polys = []any{geom["coordinates"]}
			} else {
				polys = geom["coordinates"].([]any)
			}
			for _, pg := range polys {
				for _, r := range pg.([]any) {
					var ring []pt
					for _, c := range r.([]any) {
						c := c.([]any)
						ring = append(ring, pt{c[0].(float64), c[1].(float64)})
					}
					vertices += len(ring)
					rings[code] = append(rings[code], ring)
				}
			}
		}
		target = ""
		if cur, ok := m["next_cursor"].(string); ok {
			target = "/v1/grids?limit=200&" + query + "&cursor=" + cur
		}
	}
	return rings, parent, vertices
}

// TestGridsSimplifyKeepsSharedEdges: simplified GeoJSON of the demo's
// grids, fetched page by page, and of their communities, fetched apart,
// still fit: every edge of a grid is the reverse of a neighbour's edge or an
// edge of its community, every community edge is a grid's, and the grids'
// areas add up to their community's. In WGS-84 and GCJ-02.
func TestGridsSimplifyKeepsSharedEdges(t *testing.T) {
	f := newDemoFixture(t, api.Config{})
	for _, sys := range []string{"wgs84", "gcj02"} {
		for _, tol := range []string{"5", "50", "500"} {
			q := "&crs=" + sys + "&simplify_m=" + tol
			grids, parent, nGrid := fetchLevel(t, f, "level=grid"+q)
			comms, _, _ := fetchLevel(t, f, "level=community"+q)
			_, _, nExact := fetchLevel(t, f, "level=grid&crs="+sys)
			if nGrid >= nExact {
				t.Errorf("%s simplify_m=%s: %d vertices, want fewer than the exact %d", sys, tol, nGrid, nExact)
			}
			kid := map[[2]pt]int{}
			area := map[string]float64{}
			for code, rs := range grids {
				for _, r := range rs {
					for k := 0; k+1 < len(r); k++ {
						kid[[2]pt{r[k], r[k+1]}]++
					}
					area[parent[code]] += shoelace(r)
				}
			}
			comm := map[[2]pt]int{}
			for code, rs := range comms {
				var a float64
				for _, r := range rs {
					for k := 0; k+1 < len(r); k++ {
						comm[[2]pt{r[k], r[k+1]}]++
					}
					a += shoelace(r)
				}
				if d := a - area[code]; d > 1e-12 || d < -1e-12 {
					t.Errorf("%s simplify_m=%s: grids of %s add up to %g, the community is %g", sys, tol, code, area[code], a)
				}
			}
			for e, n := range kid {
				rev := kid[[2]pt{e[1], e[0]}]
				if n != 1 || rev > 1 || rev == 0 && comm[e] != 1 {
					t.Fatalf("%s simplify_m=%s: grid edge %v used %d times, reversed %d times, %d times by communities", sys, tol, e, n, rev, comm[e])
				}
			}
			for e := range comm {
				if kid[e] != 1 {
					t.Fatalf("%s simplify_m=%s: community edge %v is no grid's edge (a gap)", sys, tol, e)
				}
			}
			t.Logf("%s simplify_m=%s: %d grid vertices (exact: %d)", sys, tol, nGrid, nExact)
		}
	}
	for _, bad := range []string{"-1", "x", "NaN", "1e9"} {
		if code, m := f.get("/v1/grids?simplify_m=" + bad); code != 400 || !strings.Contains(m["error"].(map[string]any)["field"].(string), "simplify_m") {
			t.Errorf("simplify_m=%s = %d %v, want 400", bad, code, m)
		}
	}
}

// shoelace is a ring's signed area in square degrees.
func shoelace(r []pt) float64 {
	var a float64
	for k := 0; k+1 < len(r); k++ {
		a += r[k][0]*r[k+1][1] - r[k+1][0]*r[k][1]
	}
	return a / 2
}

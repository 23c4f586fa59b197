package arcs_test

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo/arcs"
)

func mustWKT(t testing.TB, s string) orb.MultiPolygon {
	t.Helper()
	g, err := wkt.Unmarshal(s)
	if err != nil {
		t.Fatalf("wkt %q: %v", s, err)
	}
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	t.Fatalf("wkt %q: not a polygon", s)
	return nil
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name   string
		shapes []string
		arcs   int
	}{
		{"one square", []string{"POLYGON((0 0,1 0,1 1,0 1,0 0))"}, 1},
		{"two squares sharing an edge", []string{
			"POLYGON((0 0,1 0,1 1,0 1,0 0))",
			"POLYGON((1 0,2 0,2 1,1 1,1 0))"}, 3},
		{"three squares meeting at a T", []string{
			"POLYGON((0 0,1 0,1 1,0 1,0 0))",
			"POLYGON((1 0,2 0,2 1,1 1,1 0))",
			"POLYGON((0 1,1 1,2 1,2 2,0 2,0 1))"}, 6},
		{"parent and its only child", []string{
			"POLYGON((0 0,1 0,1 1,0 1,0 0))",
			"POLYGON((0 0,1 0,1 1,0 1,0 0))"}, 1},
		{"same ring started elsewhere", []string{
			"POLYGON((0 0,1 0,1 1,0 1,0 0))",
			"POLYGON((1 1,0 1,0 0,1 0,1 1))"}, 1},
		{"island filling a hole", []string{
			"POLYGON((0 0,3 0,3 3,0 3,0 0),(1 1,1 2,2 2,2 1,1 1))",
			"POLYGON((1 1,2 1,2 2,1 2,1 1))"}, 2},
		{"parent split in two: outline arcs shared with the children", []string{
			"POLYGON((0 0,1 0,2 0,2 1,1 1,0 1,0 0))",
			"POLYGON((0 0,1 0,1 1,0 1,0 0))",
			"POLYGON((1 0,2 0,2 1,1 1,1 0))"}, 3},
		{"repeated points skipped", []string{"POLYGON((0 0,1 0,1 0,1 1,0 1,0 0,0 0))"}, 1},
		{"degenerate ring: no arcs", []string{"POLYGON((0 0,1 0,0 0))"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shapes := make([]orb.MultiPolygon, len(tt.shapes))
			for i, s := range tt.shapes {
				shapes[i] = mustWKT(t, s)
			}
			topo := arcs.Build(shapes)
			if topo.Len() != tt.arcs {
				t.Errorf("Build(%v) has %d arcs, want %d", tt.shapes, topo.Len(), tt.arcs)
			}
			for i, mp := range shapes {
				checkSameShape(t, i, mp, topo)
			}
		})
	}
}

// checkSameShape: shape i reassembled from the original arcs is mp, each
// ring the same cycle of points (possibly starting elsewhere).
func checkSameShape(t *testing.T, i int, mp orb.MultiPolygon, topo *arcs.Topology) {
	t.Helper()
	polys := topo.Shape(i)
	if len(polys) != len(mp) {
		t.Fatalf("shape %d: %d polygons, want %d", i, len(polys), len(mp))
	}
	for p, pg := range mp {
		for r, ring := range pg {
			got := arcs.AppendRing(nil, polys[p][r], topo.Arc)
			want := dedupe(ring)
			if len(want) < 4 {
				if len(got) != 0 {
					t.Errorf("shape %d ring %d/%d: degenerate ring reassembled as %v", i, p, r, got)
				}
				continue
			}
			if !sameCycle(got, want) {
				t.Errorf("shape %d ring %d/%d = %v, want the cycle %v", i, p, r, got, want)
			}
		}
	}
}

func dedupe(r orb.Ring) orb.Ring {
	var out orb.Ring
	for _, p := range r {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	if len(out) < 4 {
		return nil
	}
	return out
}

// sameCycle reports whether closed rings a and b visit the same points in
// the same order, from any start.
func sameCycle(a, b orb.Ring) bool {
	if len(a) != len(b) || len(a) == 0 || a[0] != a[len(a)-1] {
		return false
	}
	n := len(a) - 1
	for s := range n {
		if b[s] != a[0] {
			continue
		}
		ok := true
		for k := range n {
			if a[k] != b[(s+k)%n] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// demoGrid is one grid of the embedded demo.
type demoGrid struct {
	code, parent, level string
	geom                orb.MultiPolygon
}

func loadDemo(t testing.TB) []demoGrid {
	t.Helper()
	fc, err := geojson.UnmarshalFeatureCollection(demo.Grids())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]demoGrid, len(fc.Features))
	for i, f := range fc.Features {
		g := demoGrid{code: f.Properties.MustString("code"), parent: f.Properties.MustString("parent", ""), level: f.Properties.MustString("level")}
		switch geom := f.Geometry.(type) {
		case orb.Polygon:
			g.geom = orb.MultiPolygon{geom}
		case orb.MultiPolygon:
			g.geom = geom
		}
		out[i] = g
	}
	return out
}

func demoTopology(t testing.TB) ([]demoGrid, *arcs.Topology) {
	grids := loadDemo(t)
	shapes := make([]orb.MultiPolygon, len(grids))
	for i := range grids {
		shapes[i] = grids[i].geom
	}
	return grids, arcs.Build(shapes)
}

func TestBuildDemoReassembles(t *testing.T) {
	grids, topo := demoTopology(t)
	npts := 0
	for _, g := range grids {
		for _, pg := range g.geom {
			for _, r := range pg {
				npts += len(r)
			}
		}
	}
	t.Logf("demo: %d grids, %d vertices, %d arcs, %d arc points", len(grids), npts, topo.Len(), len(topo.Points()))
	if len(topo.Points()) >= npts {
		t.Errorf("arcs hold %d points, want fewer than the %d of the rings (shared edges stored once)", len(topo.Points()), npts)
	}
	for i, g := range grids {
		checkSameShape(t, i, g.geom, topo)
	}
}

// TestSimplifyKeepsSharedEdges: at every tolerance, the simplified children
// of every demo grid tile it combinatorially (each directed edge of a child
// is either the reverse of an edge of a sibling or an edge of the parent),
// and their areas add up to the parent's.
func TestSimplifyKeepsSharedEdges(t *testing.T) {
	grids, topo := demoTopology(t)
	byCode := map[string]int{}
	for i, g := range grids {
		byCode[g.code] = i
	}
	children := map[int][]int{}
	for i, g := range grids {
		if g.parent != "" {
			children[byCode[g.parent]] = append(children[byCode[g.parent]], i)
		}
	}
	orig := 0
	for _, tolM := range []float64{0, 1, 10, 50, 200, 1000, 5000} {
		s := topo.SimplifyM(tolM)
		simple := make([]orb.MultiPolygon, len(grids))
		n := 0
		for i := range grids {
			simple[i] = s.Shape(i)
			for _, pg := range simple[i] {
				for _, r := range pg {
					n += len(r)
				}
			}
		}
		if tolM == 0 {
			orig = n
		} else if n >= orig {
			t.Errorf("simplify_m=%g: %d vertices, want fewer than %d", tolM, n, orig)
		}
		t.Logf("simplify_m=%g: %d vertices", tolM, n)
		for p, kids := range children {
			parentEdges := edges(simple[p])
			kidEdges := map[[2]orb.Point]int{}
			var sum float64
			for _, k := range kids {
				for e, c := range edges(simple[k]) {
					kidEdges[e] += c
				}
				sum += signedArea(simple[k])
			}
			for e, c := range kidEdges {
				rev := kidEdges[[2]orb.Point{e[1], e[0]}]
				if c != 1 || rev+parentEdges[e] != 1 {
					t.Fatalf("simplify_m=%g: grid %s: child edge %v used %d times, reverse %d times by siblings, %d times by the parent",
						tolM, grids[p].code, e, c, rev, parentEdges[e])
				}
			}
			for e := range parentEdges {
				if kidEdges[e] == 0 {
					t.Fatalf("simplify_m=%g: grid %s: parent edge %v is no child's edge (a gap)", tolM, grids[p].code, e)
				}
			}
			if pa := signedArea(simple[p]); !near(sum, pa, 1e-9) {
				t.Errorf("simplify_m=%g: grid %s: children's areas add up to %g, parent's is %g", tolM, grids[p].code, sum, pa)
			}
		}
	}
}

// edges counts the directed edges of mp's rings.
func edges(mp orb.MultiPolygon) map[[2]orb.Point]int {
	m := map[[2]orb.Point]int{}
	for _, pg := range mp {
		for _, r := range pg {
			for k := 0; k+1 < len(r); k++ {
				m[[2]orb.Point{r[k], r[k+1]}]++
			}
		}
	}
	return m
}

// signedArea is the planar shoelace area of mp in square degrees, holes
// (clockwise) counting negative.
func signedArea(mp orb.MultiPolygon) float64 {
	var a float64
	for _, pg := range mp {
		for _, r := range pg {
			for k := 0; k+1 < len(r); k++ {
				a += r[k][0]*r[k+1][1] - r[k+1][0]*r[k][1]
			}
		}
	}
	return a / 2
}

func near(a, b, rel float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= rel*max(abs(a), abs(b))
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestKeep(t *testing.T) {
	line := func(s string) []orb.Point {
		g, err := wkt.Unmarshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return g.(orb.LineString)
	}
	tests := []struct {
		name  string
		line  string
		tol   float64
		force bool
		want  []int32
	}{
		{"two points", "LINESTRING(0 0,1 1)", 10, false, []int32{0, 1}},
		{"straight: only the ends", "LINESTRING(0 0,1 0,2 0,3 0)", 0.1, false, []int32{0, 3}},
		{"straight, forced: the farthest interior point", "LINESTRING(0 0,1 0.01,2 0,3 0)", 0.1, true, []int32{0, 1, 3}},
		{"a bump above the tolerance", "LINESTRING(0 0,1 0,2 1,3 0,4 0)", 0.5, false, []int32{0, 2, 4}},
		{"a bump below the tolerance", "LINESTRING(0 0,1 0,2 0.1,3 0,4 0)", 0.5, false, []int32{0, 4}},
		{"closed square: stays a ring", "LINESTRING(0 0,1 0,1 1,0 1,0 0)", 100, false, []int32{0, 1, 2, 3, 4}},
		{"closed: the corners", "LINESTRING(0 0,1 0,2 0,2 1,2 2,1 2,0 2,0 1,0 0)", 100, false, []int32{0, 2, 4, 6, 8}},
		{"closed triangle", "LINESTRING(0 0,2 0,0 1,0 0)", 100, false, []int32{0, 1, 2, 3}},
		{"zero tolerance keeps corners only", "LINESTRING(0 0,1 0,2 0,2 1)", 0, false, []int32{0, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := arcs.Keep(nil, line(tt.line), tt.tol, tt.force)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Keep(%s, %g, %v) = %v, want %v", tt.line, tt.tol, tt.force, got, tt.want)
			}
		})
	}
}

package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// cellProbe is a point at or next to a cell corner or side of ci: where a
// float mapping of the point to a cell could go either way.
func cellProbes(rng *rand.Rand, ci *cellIndex, n int) []orb.Point {
	var cells []cell
	var walk func(ch *cellChunk, w uint64, c cell)
	walk = func(ch *cellChunk, w uint64, c cell) {
		cells = append(cells, c)
		if w&cellChild == 0 {
			return
		}
		cw, chh := c.w/cellFan, c.h/cellFan
		for j := range cellFan {
			for i := range cellFan {
				walk(ch, ch.cells[int(uint32(w))+j*cellFan+i], cell{c.x0 + float64(i)*cw, c.y0 + float64(j)*chh, cw, chh})
			}
		}
	}
	for j := range ci.ny {
		for i := range ci.nx {
			walk(&ci.chunks[j/cellChunkRows], ci.roots[j*ci.nx+i], cell{ci.x0 + float64(i)*ci.cw, ci.y0 + float64(j)*ci.ch, ci.cw, ci.ch})
		}
	}
	pts := make([]orb.Point, 0, n)
	for len(pts) < n {
		c := cells[rng.IntN(len(cells))]
		p := orb.Point{c.x0, c.y0}
		switch rng.IntN(4) {
		case 1:
			p[0] += c.w * rng.Float64()
		case 2:
			p[1] += c.h * rng.Float64()
		case 3:
			p = c.centre()
		}
		for k := range 2 {
			for range rng.IntN(3) {
				p[k] = math.Nextafter(p[k], math.Inf(2*rng.IntN(2)-1))
			}
		}
		pts = append(pts, p)
	}
	return pts
}

// shapeProbes are points that stress the exact test on the index's grids:
// vertices, points on and one ulp beside edges, points at vertex latitudes,
// uniform points over (a margin round) the extent.
func shapeProbes(rng *rand.Rand, ix *Index, n int) []orb.Point {
	var rings []orb.Ring
	for _, g := range ix.set.Grids {
		for _, pg := range g.Geometry {
			rings = append(rings, pg...)
		}
	}
	b := ix.cells.bound.Pad(0.01 * (ix.cells.bound.Max[0] - ix.cells.bound.Min[0]))
	pts := make([]orb.Point, 0, n)
	for len(pts) < n {
		r := rings[rng.IntN(len(rings))]
		e := rng.IntN(len(r) - 1)
		var p orb.Point
		switch rng.IntN(5) {
		case 0:
			p = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		case 1:
			p = r[e]
		case 2:
			s := 0.5
			if rng.IntN(2) == 0 {
				s = rng.Float64()
			}
			p = orb.Point{r[e][0] + s*(r[e+1][0]-r[e][0]), r[e][1] + s*(r[e+1][1]-r[e][1])}
		case 3:
			p = r[e]
			k := rng.IntN(2)
			p[k] = math.Nextafter(p[k], math.Inf(2*rng.IntN(2)-1))
		case 4:
			p = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), r[e][1]}
		}
		pts = append(pts, p)
	}
	return pts
}

// checkCells compares, for every point, the grids and positions Locate's
// cell path finds with every grid's exact shape test (itself checked against
// the brute-force reference in ring_test.go); with ref, also with refShape.
func checkCells(t *testing.T, ix *Index, pts []orb.Point, seed uint64, ref bool) map[Position]int {
	t.Helper()
	seen := map[Position]int{}
	var buf [16]candidate
	for _, p := range pts {
		got := map[int32]Position{}
		for _, c := range ix.covering(p, buf[:0]) {
			if _, dup := got[c.i]; dup {
				t.Fatalf("covering(%v) lists grid %s twice (seed %d)", p, ix.Grid(c.i).Code, seed)
			}
			got[c.i] = c.pos
		}
		for i := range ix.nodes {
			want := ix.nodes[i].shape.locate(p)
			if ref && want != refShape(ix.set.Grids[i].Geometry, p) {
				t.Fatalf("shape.locate(%v) on %s = %v, reference %v (seed %d)", p, ix.Grid(int32(i)).Code, want, refShape(ix.set.Grids[i].Geometry, p), seed)
			}
			if g, ok := got[int32(i)]; g != want || (ok && want == Exterior) {
				t.Fatalf("covering(%.17g, %.17g): grid %s at %v, want %v (seed %d)", p[0], p[1], ix.Grid(int32(i)).Code, g, want, seed)
			}
			seen[want]++
		}
	}
	return seen
}

// reversed returns r reversed (a hole's winding).
func reversed(r orb.Ring) orb.Ring {
	out := slices.Clone(r)
	slices.Reverse(out)
	return out
}

// TestCellIndexVsShapes builds indexes over sets that make the cell index
// split (big rings, many holes, many small grids sharing edges, overlapping
// levels, multipolygons, quantised and degenerate rings) and compares Locate's
// cell path with the exact shape test on points at vertices, on and beside
// edges, at cell corners and sides, and uniform.
func TestCellIndexVsShapes(t *testing.T) {
	rng, seed := testRand(t)
	c := orb.Point{113.6, 34.7}
	q := func(r orb.Ring) orb.Ring { // quantise to 1/1024°, as the national data
		out := make(orb.Ring, len(r))
		for i, p := range r {
			out[i] = orb.Point{math.Round(p[0]*1024) / 1024, math.Round(p[1]*1024) / 1024}
		}
		out[len(out)-1] = out[0]
		return dedupe(out)
	}
	sets := map[string]func() []Grid{
		"big star with star holes": func() []Grid {
			pg := orb.Polygon{starRing(rng, c, 0.5, 5000)}
			for k := range 30 {
				hc := orb.Point{c[0] + 0.2*math.Cos(float64(k)), c[1] + 0.2*math.Sin(float64(k))}
				pg = append(pg, reversed(starRing(rng, hc, 0.01+0.02*rng.Float64(), 5+rng.IntN(200))))
			}
			return []Grid{{Code: "A", Level: "district", Geometry: orb.MultiPolygon{pg}}}
		},
		"lattice of grids in streets": func() []Grid {
			var gs []Grid
			gs = append(gs, Grid{Code: "D", Level: "district", Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}})
			gs = append(gs, Grid{Code: "S1", Level: "street", Parent: "D", Geometry: orb.MultiPolygon{{{{0, 0}, {0.5, 0}, {0.5, 1}, {0, 1}, {0, 0}}}}})
			gs = append(gs, Grid{Code: "S2", Level: "street", Parent: "D", Geometry: orb.MultiPolygon{{{{0.5, 0}, {1, 0}, {1, 1}, {0.5, 1}, {0.5, 0}}}}})
			const n = 16
			for i := range n {
				for j := range n {
					x, y := float64(i)/n, float64(j)/n
					var r orb.Ring
					for _, s := range [][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}} {
						r = append(r, orb.Point{x + s[0]/n, y + s[1]/n})
					}
					// A few points along the south side, shared by the
					// neighbour below on its north side.
					r = slices.Insert(r, 1, orb.Point{x + 0.25/n, y}, orb.Point{x + 0.5/n, y})
					r = append(r, r[0])
					parent := "S1"
					if i >= n/2 {
						parent = "S2"
					}
					gs = append(gs, Grid{Code: fmt.Sprintf("G%02d%02d", i, j), Level: "grid", Parent: parent, Geometry: orb.MultiPolygon{{r}}})
				}
			}
			return gs
		},
		"quantised overlapping stars and islands": func() []Grid {
			var gs []Grid
			for k := range 12 {
				cc := orb.Point{c[0] + 0.3*rng.Float64(), c[1] + 0.3*rng.Float64()}
				mp := orb.MultiPolygon{{q(starRing(rng, cc, 0.05+0.1*rng.Float64(), 20+rng.IntN(3000)))}}
				for range rng.IntN(5) { // islands
					ic := orb.Point{cc[0] + 0.3*rng.Float64(), cc[1] + 0.3*rng.Float64()}
					mp = append(mp, orb.Polygon{q(starRing(rng, ic, 0.01, 8+rng.IntN(60)))})
				}
				gs = append(gs, Grid{Code: fmt.Sprintf("Q%02d", k), Level: "district", Geometry: mp})
			}
			return gs
		},
		"many small holes": func() []Grid {
			pg := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
			for i := range 40 {
				for j := range 40 {
					hc := orb.Point{(float64(i) + 0.5 + 0.2*(rng.Float64()-0.5)) / 40, (float64(j) + 0.5 + 0.2*(rng.Float64()-0.5)) / 40}
					h := reversed(starRing(rng, hc, 0.3/40, 4+rng.IntN(6)))
					if (i+j)%7 == 0 { // holes touching: a shared vertex
						h = orb.Ring{{float64(i) / 40, float64(j) / 40}, {float64(i) / 40, float64(j+1) / 40}, {float64(i+1) / 40, float64(j) / 40}, {float64(i) / 40, float64(j) / 40}}
					}
					pg = append(pg, h)
				}
			}
			return []Grid{{Code: "H", Level: "district", Geometry: orb.MultiPolygon{pg}}}
		},
		"staircase and flat ring": func() []Grid {
			return []Grid{
				{Code: "stairs", Level: "grid", Geometry: orb.MultiPolygon{{stairRing(400)}}},
				{Code: "flat", Level: "grid", Geometry: orb.MultiPolygon{{{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {0, 1}}}}},
			}
		},
	}
	for name, gen := range sets {
		t.Run(name, func(t *testing.T) {
			s := &Set{Levels: DefaultLevels, Grids: gen()}
			if _, err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			ix, err := NewIndex(s)
			if err != nil {
				t.Fatal(err)
			}
			split, recs := 0, 0
			for _, ch := range ix.cells.chunks {
				split, recs = split+len(ch.cells), recs+len(ch.recs)
			}
			t.Logf("root %d×%d, %d child cells, %d record words", ix.cells.nx, ix.cells.ny, split, recs)
			pts := append(shapeProbes(rng, ix, 20000), cellProbes(rng, ix.cells, 20000)...)
			seen := checkCells(t, ix, pts, seed, false)
			checkCells(t, ix, pts[:500], seed, true)
			for _, pos := range []Position{Exterior, Boundary, Interior} {
				if seen[pos] == 0 && name != "staircase and flat ring" {
					t.Errorf("no probe was %v (seed %d)", pos, seed)
				}
			}
		})
	}
}

// TestCellIndexTiny: sets whose extent is tiny or flat, where the cells reach
// their minimum size, and a ring 1e-300 degrees high.
func TestCellIndexTiny(t *testing.T) {
	rng, seed := testRand(t)
	thin := orb.Ring{{0, 0}, {1, 1e-300}}
	for k := 1; k <= 30; k++ {
		thin = append(thin, orb.Point{1 + 0.3*float64(k), 1e-300})
	}
	thin = append(thin, orb.Point{10, 0.5e-300}, orb.Point{1.5, 0.5e-300}, orb.Point{0, 0})
	for name, mp := range map[string]orb.MultiPolygon{
		"thin":  {{thin}},
		"tiny":  {{starRing(rng, orb.Point{113.6, 34.7}, 1e-10, 500)}},
		"flat":  {{{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {0, 1}}}},
		"point": {{{{0, 0}, {1e-300, 0}, {0, 1e-300}, {0, 0}}}},
	} {
		t.Run(name, func(t *testing.T) {
			s := &Set{Levels: DefaultLevels, Grids: []Grid{{Code: name, Level: "grid", Geometry: mp}}}
			if _, err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			ix, err := NewIndex(s)
			if err != nil {
				t.Fatal(err)
			}
			pts := append(shapeProbes(rng, ix, 3000), cellProbes(rng, ix.cells, 3000)...)
			checkCells(t, ix, pts, seed, true)
		})
	}
}

// TestCellIndexEmpty: a set without grids answers none.
func TestCellIndexEmpty(t *testing.T) {
	ix, err := NewIndex(&Set{Levels: DefaultLevels})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Locate(orb.Point{1, 1}, LocateOptions{NearestM: 50})
	if err != nil || res.Match != MatchNone {
		t.Errorf("Locate on an empty index = %+v, %v; want none", res, err)
	}
}

// TestLocateNoAlloc: Locate allocates nothing when the point has no
// "others", with or without the nearest-grid fallback.
func TestLocateNoAlloc(t *testing.T) {
	rng, _ := testRand(t)
	ix := buildSet(t, []row{
		{"A", "grid", "", "POLYGON((0 0, 2 0, 2 2, 0 2, 0 0), (0.5 0.5, 0.5 1, 1 1, 1 0.5, 0.5 0.5))"},
	})
	pts := benchPoints(rng, orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{3, 3}}, 256)
	for _, opts := range []LocateOptions{{}, {NearestM: 10000}} {
		i := 0
		if n := testing.AllocsPerRun(1000, func() {
			ix.Locate(pts[i%len(pts)], opts)
			i++
		}); n != 0 {
			t.Errorf("Locate(%+v) allocates %v times per call, want 0", opts, n)
		}
	}
}

// TestNearestManyHoles: the nearest-grid distance of a point in one of many
// holes goes through the hole index; it must equal the distance over every
// ring.
func TestNearestManyHoles(t *testing.T) {
	rng, seed := testRand(t)
	pg := orb.Polygon{{{113, 34}, {113.1, 34}, {113.1, 34.1}, {113, 34.1}, {113, 34}}}
	for i := range 30 {
		for j := range 30 {
			c := orb.Point{113 + (float64(i)+0.5)/300, 34 + (float64(j)+0.5)/300}
			pg = append(pg, reversed(starRing(rng, c, 0.4/300, 5+rng.IntN(40))))
		}
	}
	s := &Set{Levels: DefaultLevels, Grids: []Grid{{Code: "H", Level: "grid", Geometry: orb.MultiPolygon{pg}}}}
	if _, err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	sh := &ix.nodes[0].shape
	if sh.parts[0].hidx == nil {
		t.Fatal("no hole index")
	}
	flat := shape{bound: sh.bound, parts: []polygon{{shell: sh.parts[0].shell, holes: sh.parts[0].holes}}}
	for range 2000 {
		h := pg[1+rng.IntN(len(pg)-1)]
		p := orb.Point{h[0][0]*0.9 + h[len(h)/2][0]*0.1, h[0][1]*0.9 + h[len(h)/2][1]*0.1}
		res, err := ix.Locate(p, LocateOptions{NearestM: 50})
		if err != nil {
			t.Fatal(err)
		}
		kx, ky := metresPerDegree(p[1])
		dLat, dLon := 50/ky*1.01, 50/kx*1.01
		want := flat.distanceM(p, kx, ky, [2]float64{p[0] - dLon, p[1] - dLat}, [2]float64{p[0] + dLon, p[1] + dLat})
		switch {
		case res.Match == MatchNearest && res.DistanceM != want:
			t.Fatalf("Locate(%v, NearestM 50) = %v m, want %v m (seed %d)", p, res.DistanceM, want, seed)
		case res.Match == MatchNone && want <= 50:
			t.Fatalf("Locate(%v, NearestM 50) = none, want nearest at %v m (seed %d)", p, want, seed)
		}
	}
}

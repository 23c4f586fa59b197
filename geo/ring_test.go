package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// starRing is a closed irregular star of n vertices around c with radii in
// [0.5r, r] degrees, counter-clockwise.
func starRing(rng *rand.Rand, c orb.Point, r float64, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := 2 * math.Pi * float64(k) / float64(n)
		rad := r * (0.5 + 0.5*rng.Float64())
		ring = append(ring, orb.Point{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// stairRing is a closed staircase of n steps on a dyadic lattice: every edge
// is horizontal or vertical, so many share the y of a query point.
func stairRing(n int) orb.Ring {
	const s = 1.0 / 64
	var ring orb.Ring
	ring = append(ring, orb.Point{0, 0})
	for k := range n {
		ring = append(ring, orb.Point{float64(k+1) * s, float64(k) * s}, orb.Point{float64(k+1) * s, float64(k+1) * s})
	}
	return append(ring, orb.Point{0, float64(n) * s}, orb.Point{0, 0})
}

// probePoints draws points that stress a point-in-ring test: uniform ones in
// (a margin around) the bounding box, the vertices themselves, points at a
// vertex's y (the ray passes through a vertex or along a horizontal edge),
// one ulp beside a vertex, points interpolated along edges (a rounding away
// from them, or exactly on them), and points on the strip index's band
// boundaries when it has some.
func probePoints(rng *rand.Rand, r orb.Ring, pr ring, n int) []orb.Point {
	b := r.Bound().Pad(0.01 * (r.Bound().Max[0] - r.Bound().Min[0]))
	uni := func() float64 { return b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]) }
	vtx := func() orb.Point { return r[rng.IntN(len(r)-1)] }
	pts := make([]orb.Point, 0, n)
	for len(pts) < n {
		var p orb.Point
		switch rng.IntN(7) {
		case 0:
			p = orb.Point{uni(), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		case 1:
			p = vtx()
		case 2:
			p = orb.Point{uni(), vtx()[1]}
		case 3:
			p = vtx()
			k := rng.IntN(2)
			p[k] = math.Nextafter(p[k], math.Inf(2*rng.IntN(2)-1))
		case 4:
			e := rng.IntN(len(r) - 1)
			s := rng.Float64()
			if rng.IntN(2) == 0 {
				s = 0.5
			}
			p = orb.Point{r[e][0] + s*(r[e+1][0]-r[e][0]), r[e][1] + s*(r[e+1][1]-r[e][1])}
		case 5:
			if pr.strip == nil {
				continue
			}
			s := rng.IntN(len(pr.start))
			p = orb.Point{uni(), pr.minY + float64(s)/pr.invH}
		case 6: // just outside the bounding box
			p = orb.Point{uni(), math.Nextafter(b.Min[1], -90)}
		}
		pts = append(pts, p)
	}
	return pts
}

// TestRingLocateVsReference compares ring.locate (through its strip index
// for the big rings) with the naive exact reference on seeded random points.
func TestRingLocateVsReference(t *testing.T) {
	rng, seed := testRand(t)
	rings := []struct {
		name string
		r    orb.Ring
	}{
		{"star of 10000", starRing(rng, orb.Point{113.6, 34.7}, 0.01, 10000)},
		{"star of 30", starRing(rng, orb.Point{113.6, 34.7}, 0.01, 30)},
		{"star of 12 (no strip index)", starRing(rng, orb.Point{113.6, 34.7}, 0.01, 12)},
		{"staircase of 500 steps", stairRing(500)},
		{"pentagram", mustWKT(t, selfRows[1].wkt)[0][0]},
		{"flat ring", orb.Ring{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {9, 1}, {10, 1}, {11, 1}, {12, 1}, {13, 1}, {14, 1}, {15, 1}, {16, 1}, {17, 1}, {18, 1}, {19, 1}, {20, 1}, {21, 1}, {22, 1}, {23, 1}, {24, 1}, {25, 1}, {0, 1}}},
	}
	for _, tc := range rings {
		t.Run(tc.name, func(t *testing.T) {
			pr := prepareRing(tc.r)
			if big := len(tc.r)-1 > smallRing; big != (pr.strip != nil) {
				t.Fatalf("%d edges: strip index built = %v, want %v", len(tc.r)-1, pr.strip != nil, big)
			}
			seen := map[Position]int{}
			for _, p := range probePoints(rng, tc.r, pr, 4000) {
				want := refRing(tc.r, p)
				if got := pr.locate(p); got != want {
					t.Fatalf("ring.locate(%v) = %v, want %v (seed %d)", p, got, want, seed)
				}
				seen[want]++
			}
			// Every answer must have been exercised, or the comparison is weak.
			for _, pos := range []Position{Exterior, Boundary, Interior} {
				if seen[pos] == 0 && tc.name != "flat ring" {
					t.Errorf("no probe point was %v (seed %d)", pos, seed)
				}
			}
		})
	}
}

// TestRingDensified: splitting every edge into collinear pieces (so the ring
// goes over smallRing and uses its strip index) must not change any answer.
func TestRingDensified(t *testing.T) {
	for _, r := range flatRows {
		mp := mustWKT(t, r.wkt)
		for _, pg := range mp {
			for _, ring0 := range pg {
				dense := orb.Ring{ring0[0]}
				for i := 0; i+1 < len(ring0); i++ {
					a, b := ring0[i], ring0[i+1]
					for k := 1; k <= 16; k++ { // k/16 is exact: the pieces stay on the edge
						s := float64(k) / 16
						dense = append(dense, orb.Point{a[0] + s*(b[0]-a[0]), a[1] + s*(b[1]-a[1])})
					}
				}
				small, big := prepareRing(ring0), prepareRing(dense)
				if big.strip == nil {
					t.Fatalf("%s: densified ring of %d edges has no strip index", r.code, len(dense)-1)
				}
				bd := ring0.Bound()
				for x := bd.Min[0] - 0.125; x <= bd.Max[0]+0.125; x += 0.0625 {
					for y := bd.Min[1] - 0.125; y <= bd.Max[1]+0.125; y += 0.0625 {
						p := orb.Point{x, y}
						if got, want := big.locate(p), small.locate(p); got != want {
							t.Errorf("%s densified: locate(%v) = %v, want %v", r.code, p, got, want)
						}
					}
				}
			}
		}
	}
}

// TestPolygonManyHoles compares polygon.locate, which searches the holes
// through an R-tree when there are more than manyHoles, with the reference.
func TestPolygonManyHoles(t *testing.T) {
	rng, seed := testRand(t)
	const cells = 8 // 64 holes, some of them big enough for a strip index
	pg := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	for i := range cells {
		for j := range cells {
			c := orb.Point{(float64(i) + 0.5) / cells, (float64(j) + 0.5) / cells}
			n := 4 + rng.IntN(40)
			h := starRing(rng, c, 0.45/cells, n)
			// Holes run clockwise, as Validate leaves them.
			for a, b := 0, len(h)-1; a < b; a, b = a+1, b-1 {
				h[a], h[b] = h[b], h[a]
			}
			pg = append(pg, h)
		}
	}
	s := prepareShape(orb.MultiPolygon{pg})
	if s.parts[0].hidx == nil {
		t.Fatalf("%d holes: no hole index (manyHoles = %d)", len(pg)-1, manyHoles)
	}
	seen := map[Position]int{}
	var all orb.Ring
	for _, r := range pg {
		all = append(all, r[:len(r)-1]...)
	}
	all = append(all, all[0])
	for _, p := range probePoints(rng, all, ring{}, 20000) {
		want := refPolygon(pg, p)
		if got := s.locate(p); got != want {
			t.Fatalf("polygon.locate(%v) = %v, want %v (seed %d)", p, got, want, seed)
		}
		seen[want]++
	}
	for _, pos := range []Position{Exterior, Boundary, Interior} {
		if seen[pos] == 0 {
			t.Errorf("no probe point was %v (seed %d)", pos, seed)
		}
	}
}

// TestNearestThinRing: a ring so thin that its strip index's bands are
// ~6e-302 degrees high. Regression: the band of p.y±dLat overflowed int and
// wrapped to band 0 on amd64, so nearest missed the edges near p and
// answered none.
func TestNearestThinRing(t *testing.T) {
	const h = 1e-300
	r := orb.Ring{{0, 0}, {1, h}}
	for k := 1; k <= 30; k++ {
		r = append(r, orb.Point{1 + 0.3*float64(k), h})
	}
	r = append(r, orb.Point{10, h / 2}, orb.Point{1.5, h / 2}, orb.Point{0, 0})
	s := &Set{Levels: DefaultLevels, Grids: []Grid{{Code: "thin", Level: "grid", Geometry: orb.MultiPolygon{{r}}}}}
	if _, err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	if ix.nodes[0].shape.parts[0].shell.strip == nil {
		t.Fatal("the thin ring has no strip index; the test does not reach it")
	}
	p := orb.Point{10.00001, 0}
	res, err := ix.Locate(p, LocateOptions{NearestM: 50})
	if err != nil {
		t.Fatal(err)
	}
	want := haversineM(p, orb.Point{10, 0})
	if res.Match != MatchNearest || math.Abs(res.DistanceM-want) > 0.005*want {
		t.Errorf("Locate(%v, NearestM 50) = %s %.4f m, want nearest %.4f m", p, res.Match, res.DistanceM, want)
	}
}

// TestBandMonotone: band must be monotone in y and stay within [0, bands)
// whatever y is, including far outside the ring and with huge scales.
func TestBandMonotone(t *testing.T) {
	for _, r := range []strip{
		{minY: 34, invH: 100},
		{minY: 0, invH: 1.7e301},
		{minY: 0, invH: math.Inf(1)},
	} {
		const bands = 17
		prev := -1
		for _, y := range []float64{-90, -1, -1e-300, 0, 5e-324, 1e-301, 1e-300, 34, 34.001, 34.16, 34.17, 35, 90} {
			s := r.band(y, bands)
			if s < 0 || s >= bands || s < prev {
				t.Errorf("strip{minY %v, invH %v}.band(%v) = %d after %d; want monotone within [0,%d)", r.minY, r.invH, y, s, prev, bands)
			}
			prev = s
		}
	}
}

// TestNearestPrefersFinerOnSlantedSharedEdge: a community whose slanted
// outer edge is one segment, cut into two grids whose edges split it at a
// point on it. Points just outside are equally near the community and a grid,
// but the float distances to the long and the short segment differ in the
// last bits; the finer grid must still win. Regression: 19,944 of 20,000
// such points went to the community.
func TestNearestPrefersFinerOnSlantedSharedEdge(t *testing.T) {
	ix := buildSet(t, []row{
		{"C", "community", "", "POLYGON((113.6 34.7, 113.7 34.73, 113.7 34.8, 113.6 34.8, 113.6 34.7))"},
		{"C1", "grid", "C", "POLYGON((113.6 34.7, 113.65 34.715, 113.65 34.8, 113.6 34.8, 113.6 34.7))"},
		{"C2", "grid", "C", "POLYGON((113.65 34.715, 113.7 34.73, 113.7 34.8, 113.65 34.8, 113.65 34.715))"},
	})
	rng, _ := testRand(t)
	wrong := 0
	const n = 2000
	for range n {
		x := 113.6 + 0.1*rng.Float64()
		y := 34.7 + 0.3*(x-113.6) - 0.0002*rng.Float64() // up to ~22 m south of the edge
		res, err := ix.Locate(orb.Point{x, y}, LocateOptions{NearestM: 50})
		if err != nil {
			t.Fatal(err)
		}
		if res.Match == MatchNearest && ix.Grid(res.Owner).Level != "grid" {
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d points just outside the slanted edge went to the community, want the grid", wrong, n)
	}
}

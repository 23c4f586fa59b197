package topology

import (
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

var overlaySeed = flag.Uint64("overlay.seed", 0, "seed of TestOverlayAgainstSimplefeatures (0: from the clock)")

func TestOverlay(t *testing.T) {
	tests := []struct {
		name               string
		a, b               string
		inter, diff, union float64 // square degrees: a∩b, a−b, a∪b
	}{
		{"disjoint", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((2 0,3 0,3 1,2 1,2 0))", 0, 1, 2},
		{"shared edge", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 0,2 0,2 1,1 1,1 0))", 0, 1, 2},
		{"shared edge, other vertices", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 -1,2 -1,2 2,1 2,1 0.5,1 -1))", 0, 1, 4},
		{"overlap", "POLYGON((0 0,2 0,2 2,0 2,0 0))", "POLYGON((1 1,3 1,3 3,1 3,1 1))", 1, 3, 7},
		{"equal", "POLYGON((0 0,2 0,2 2,0 2,0 0))", "POLYGON((0 0,2 0,2 2,0 2,0 0))", 4, 0, 4},
		{"inside", "POLYGON((0 0,4 0,4 4,0 4,0 0))", "POLYGON((1 1,2 1,2 2,1 2,1 1))", 1, 15, 16},
		{"inside, touching", "POLYGON((0 0,4 0,4 4,0 4,0 0))", "POLYGON((0 0,2 0,2 2,0 2,0 0))", 4, 12, 16},
		{"hole filled", "POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,1 3,3 3,3 1,1 1))", "POLYGON((1 1,3 1,3 3,1 3,1 1))", 0, 12, 16},
		{"crossing bars", "POLYGON((0 1,3 1,3 2,0 2,0 1))", "POLYGON((1 0,2 0,2 3,1 3,1 0))", 1, 2, 5},
		{"touching at a point", "POLYGON((0 0,1 0,1 1,0 1,0 0))", "POLYGON((1 1,2 1,2 2,1 2,1 1))", 0, 1, 2},
		{"multipolygon", "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((2 0,3 0,3 1,2 1,2 0)))", "POLYGON((0.5 0,2.5 0,2.5 1,0.5 1,0.5 0))", 1, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := mustWKT(t, tt.a), mustWKT(t, tt.b)
			for _, c := range []struct {
				op   string
				got  orb.MultiPolygon
				want float64
			}{
				{"Intersection", Intersection(a, b), tt.inter},
				{"Difference", Difference(a, b), tt.diff},
				{"Union", Union(append(cloneMP(a), b...)), tt.union},
			} {
				if got := planarArea(c.got); math.Abs(got-c.want) > 1e-12 {
					t.Errorf("%s = %v, area %v, want %v", c.op, c.got, got, c.want)
				}
				checkOrientation(t, c.got)
				if len(c.got) > 0 {
					if err := toSF(c.got).Validate(); err != nil {
						t.Errorf("%s = %v, not valid: %v", c.op, c.got, err)
					}
				}
			}
		})
	}
}

// TestOverlayAgainstSimplefeatures compares the overlay with
// simplefeatures' on random star-shaped polygons in general position, which
// it handles.
func TestOverlayAgainstSimplefeatures(t *testing.T) {
	seed := *overlaySeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -overlay.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	n := 300
	if testing.Short() || raceEnabled {
		n = 40
	}
	skipped := 0
	for i := range n {
		a := randomStar(rng, orb.Point{rng.Float64(), rng.Float64()}, 0.3+rng.Float64()*0.5, 3+rng.IntN(20))
		b := randomStar(rng, orb.Point{rng.Float64(), rng.Float64()}, 0.3+rng.Float64()*0.5, 3+rng.IntN(20))
		ga, gb := toSF(orb.MultiPolygon{a}), toSF(orb.MultiPolygon{b})
		if ga.Validate() != nil || gb.Validate() != nil {
			continue
		}
		for _, c := range []struct {
			op   string
			ours orb.MultiPolygon
			ref  func() (geom.Geometry, error)
		}{
			{"Intersection", Intersection(orb.MultiPolygon{a}, orb.MultiPolygon{b}), func() (geom.Geometry, error) { return geom.Intersection(ga, gb) }},
			{"Difference", Difference(orb.MultiPolygon{a}, orb.MultiPolygon{b}), func() (geom.Geometry, error) { return geom.Difference(ga, gb) }},
			{"Union", Union(orb.MultiPolygon{a, b}), func() (geom.Geometry, error) { return geom.Union(ga, gb) }},
		} {
			ref, err := sfOp(c.ref)
			if err != nil {
				skipped++
				continue
			}
			want, got := planarArea(fromSF(ref)), planarArea(c.ours)
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("case %d: %s area %v, simplefeatures %v\na = %v\nb = %v", i, c.op, got, want, a, b)
			}
			if len(c.ours) != len(fromSF(ref)) {
				t.Errorf("case %d: %s has %d polygons, simplefeatures %d", i, c.op, len(c.ours), len(fromSF(ref)))
			}
		}
	}
	if skipped > 0 {
		t.Logf("%d simplefeatures errors skipped", skipped)
	}
}

// randomStar returns a polygon whose k vertices are in angular order
// around c (star-shaped when it winds around c; either winding).
func randomStar(rng *rand.Rand, c orb.Point, r float64, k int) orb.Polygon {
	angles := make([]float64, k)
	for i := range angles {
		angles[i] = rng.Float64() * 2 * math.Pi
	}
	slices.Sort(angles)
	ring := make(orb.Ring, 0, k+1)
	for _, a := range angles {
		d := r * (0.3 + 0.7*rng.Float64())
		ring = append(ring, orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	return orb.Polygon{ring}
}

// TestSimplefeaturesSnapFailure keeps the case that made wangge compute its
// own overlay: a valid polygon of 青浦区 (310118, shared data), reduced to the
// six vertices that matter. (121.105469 31.102539) lies 1e-14° off the edge
// before it, so the ring turns back almost onto itself; simplefeatures
// v0.50.0 snaps the vertex onto the edge and its overlay then fails ("no
// rings to extract") or, on the whole district, returns its neighbour
// 吴江区 entire as their intersection. The overlay here takes the polygon as
// it is.
func TestSimplefeaturesSnapFailure(t *testing.T) {
	p := mustWKT(t, "POLYGON((120.858398 31.109375,121.104492 31.103516,121.106445 31.101563,121.105469 31.102539,121.107422 31.277344,120.858398 31.109375))")
	if err := toSF(p).Validate(); err != nil {
		t.Fatalf("the polygon should be valid: %v", err)
	}
	if _, err := sfOp(func() (geom.Geometry, error) { return geom.UnaryUnion(toSF(p)) }); err != nil {
		t.Logf("simplefeatures: %v", err)
	}
	u := Union(p)
	if got, want := planarArea(u), planarArea(p); math.Abs(got-want) > 1e-15 {
		t.Errorf("Union(p) area = %v, want %v", got, want)
	}
	if got := planarArea(Intersection(p, p)); math.Abs(got-planarArea(p)) > 1e-15 {
		t.Errorf("Intersection(p, p) area = %v, want %v", got, planarArea(p))
	}
}

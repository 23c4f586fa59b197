package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// naiveOrient is the textbook float determinant, for showing where it fails.
func naiveOrient(a, b, c orb.Point) int {
	return sign((b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0]))
}

// TestOrientShewchukGrid is Shewchuk's classic: the points (0.5+i·2⁻⁵³,
// 0.5+j·2⁻⁵³) against the line through (12,12) and (24,24). Naive float
// arithmetic gets many of them wrong (even the sign of collinear ones);
// orient must agree with big.Rat on every one.
func TestOrientShewchukGrid(t *testing.T) {
	a, b := orb.Point{12, 12}, orb.Point{24, 24}
	const ulp = 1.0 / (1 << 53)
	naiveWrong := 0
	const n = 128 // Shewchuk plots 256×256; a quarter of it is enough here
	for i := range n {
		for j := range n {
			c := orb.Point{0.5 + float64(i)*ulp, 0.5 + float64(j)*ulp}
			want := crossSign(a, b, c)
			for _, perm := range [][3]orb.Point{{a, b, c}, {b, c, a}, {c, a, b}} {
				if got := orient(perm[0], perm[1], perm[2]); got != want {
					t.Fatalf("orient(%v, %v, %v) = %d, want %d", perm[0], perm[1], perm[2], got, want)
				}
			}
			if got := orient(b, a, c); got != -want {
				t.Fatalf("orient(%v, %v, %v) = %d, want %d", b, a, c, got, -want)
			}
			if naiveOrient(a, b, c) != want {
				naiveWrong++
			}
		}
	}
	// The test only means something if the inputs defeat float arithmetic.
	if naiveWrong == 0 {
		t.Fatal("naive float orientation was right on every point; the grid does not test the exact path")
	}
	t.Logf("naive float orientation wrong on %d of %d points", naiveWrong, n*n)
}

// TestOrientRandomNearCollinear: points a few ulps off lines of random slope,
// in lon/lat ranges, compared with big.Rat.
func TestOrientRandomNearCollinear(t *testing.T) {
	rng, _ := testRand(t)
	for range 20000 {
		a := orb.Point{rng.Float64()*360 - 180, rng.Float64()*180 - 90}
		b := orb.Point{rng.Float64()*360 - 180, rng.Float64()*180 - 90}
		s := rng.Float64()
		c := orb.Point{a[0] + s*(b[0]-a[0]), a[1] + s*(b[1]-a[1])}
		for range rng.IntN(4) {
			k := rng.IntN(2)
			c[k] = math.Nextafter(c[k], math.Inf(2*rng.IntN(2)-1))
		}
		if got, want := orient(a, b, c), crossSign(a, b, c); got != want {
			t.Fatalf("orient(%v, %v, %v) = %d, want %d", a, b, c, got, want)
		}
	}
}

// TestOrientTiny: products of coordinate differences that underflow (near
// null island) must not fool the float filter. Regression: orient returned 0
// ("collinear") for the first case, whose products 3e-340 and 2e-340 both
// underflow to zero.
func TestOrientTiny(t *testing.T) {
	tests := []struct{ a, b, c orb.Point }{
		{orb.Point{0, 0}, orb.Point{1e-170, 1e-170}, orb.Point{2e-170, 3e-170}},
		{orb.Point{0, 0}, orb.Point{1e-170, 1e-170}, orb.Point{3e-170, 2e-170}},
		{orb.Point{0, 0}, orb.Point{1e-170, 1e-170}, orb.Point{2e-170, 2e-170}},
		{orb.Point{0, 0}, orb.Point{3e-160, 1e-160}, orb.Point{6e-160, 2.0000000000000004e-160}},
		{orb.Point{1e-300, 0}, orb.Point{0, 1e-300}, orb.Point{5e-324, 5e-324}},
		{orb.Point{0, 0}, orb.Point{0, 1e-200}, orb.Point{-1e-200, 5e-201}},
		{orb.Point{0, 0}, orb.Point{1e-200, 0}, orb.Point{5e-201, -1e-300}},
	}
	for _, tc := range tests {
		for _, perm := range [][3]orb.Point{{tc.a, tc.b, tc.c}, {tc.b, tc.c, tc.a}, {tc.c, tc.a, tc.b}, {tc.b, tc.a, tc.c}} {
			if got, want := orient(perm[0], perm[1], perm[2]), crossSign(perm[0], perm[1], perm[2]); got != want {
				t.Errorf("orient(%v, %v, %v) = %d, want %d", perm[0], perm[1], perm[2], got, want)
			}
		}
	}
	// The same through Locate: a tiny triangle that strictly contains p.
	ix := buildSet(t, []row{{"tiny", "grid", "", "POLYGON((0 0, 4e-170 4e-170, 0 4e-170, 0 0))"}})
	p := orb.Point{2e-170, 3e-170}
	if r, err := ix.Locate(p, LocateOptions{}); err != nil || r.Match != MatchInside {
		t.Errorf("Locate(%v) = %+v, %v; want inside", p, r, err)
	}
}

func TestOnSegment(t *testing.T) {
	third := 1.0 / 3
	tests := []struct {
		name    string
		p, a, b orb.Point
		want    bool
	}{
		{"interior point", orb.Point{1, 1}, orb.Point{0, 0}, orb.Point{2, 2}, true},
		{"start", orb.Point{0, 0}, orb.Point{0, 0}, orb.Point{2, 2}, true},
		{"end", orb.Point{2, 2}, orb.Point{0, 0}, orb.Point{2, 2}, true},
		{"beyond the end, collinear", orb.Point{3, 3}, orb.Point{0, 0}, orb.Point{2, 2}, false},
		{"before the start, collinear", orb.Point{-1, -1}, orb.Point{0, 0}, orb.Point{2, 2}, false},
		{"one ulp off", orb.Point{1, math.Nextafter(1, 2)}, orb.Point{0, 0}, orb.Point{2, 2}, false},
		{"horizontal", orb.Point{1.5, 34.5}, orb.Point{1, 34.5}, orb.Point{2, 34.5}, true},
		{"horizontal, beyond", orb.Point{2.5, 34.5}, orb.Point{1, 34.5}, orb.Point{2, 34.5}, false},
		{"vertical", orb.Point{113, 34.25}, orb.Point{113, 34.5}, orb.Point{113, 34}, true},
		{"degenerate segment, same point", orb.Point{1, 1}, orb.Point{1, 1}, orb.Point{1, 1}, true},
		{"degenerate segment, other point", orb.Point{1, 2}, orb.Point{1, 1}, orb.Point{1, 1}, false},
		// Decimal fractions are rounded: float64(2/3) is exactly twice
		// float64(1/3), but float64(0.3) is not three times float64(0.1).
		{"rounded third on y=x", orb.Point{third, third}, orb.Point{0, 0}, orb.Point{1, 1}, true},
		{"rounded thirds on y=2x", orb.Point{third, 2.0 / 3}, orb.Point{0, 0}, orb.Point{1, 2}, true},
		{"0.3 is not 3·0.1", orb.Point{0.1, 0.3}, orb.Point{0, 0}, orb.Point{1, 3}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := onSegment(tc.p, tc.a, tc.b); got != tc.want {
				t.Errorf("onSegment(%v, %v, %v) = %v, want %v", tc.p, tc.a, tc.b, got, tc.want)
			}
			if got := onSegment(tc.p, tc.b, tc.a); got != tc.want {
				t.Errorf("onSegment(%v, %v, %v) = %v, want %v", tc.p, tc.b, tc.a, got, tc.want)
			}
		})
	}
}

// TestOnSegmentShewchukGrid: the near-collinear grid against a segment of
// the line y=x that reaches it; exactly the points with i == j are on it.
func TestOnSegmentShewchukGrid(t *testing.T) {
	a, b := orb.Point{0.25, 0.25}, orb.Point{24, 24}
	const ulp = 1.0 / (1 << 53)
	for i := range 64 {
		for j := range 64 {
			p := orb.Point{0.5 + float64(i)*ulp, 0.5 + float64(j)*ulp}
			if got, want := onSegment(p, a, b), i == j; got != want {
				t.Fatalf("onSegment(%v, %v, %v) = %v, want %v", p, a, b, got, want)
			}
		}
	}
}

// TestOnSegmentRandom: float points interpolated along random segments are
// usually a rounding away from the segment; onSegment must say exactly which.
func TestOnSegmentRandom(t *testing.T) {
	rng, _ := testRand(t)
	on := 0
	for range 20000 {
		a := orb.Point{113 + rng.Float64(), 34 + rng.Float64()}
		b := orb.Point{113 + rng.Float64(), 34 + rng.Float64()}
		if rng.IntN(4) == 0 { // axis-parallel or dyadic slopes hit the segment often
			k := rng.IntN(2)
			b[k] = a[k]
		}
		s := rng.Float64()*1.2 - 0.1
		p := orb.Point{a[0] + s*(b[0]-a[0]), a[1] + s*(b[1]-a[1])}
		want := refOnSegment(p, a, b)
		if got := onSegment(p, a, b); got != want {
			t.Fatalf("onSegment(%v, %v, %v) = %v, want %v", p, a, b, got, want)
		}
		if want {
			on++
		}
	}
	if on == 0 {
		t.Fatal("no sample landed on its segment; the test exercises only one answer")
	}
}

// TestOrientExactFastPath compares orientExact (error-free products when the
// differences are exact) with big.Rat on collinear and near-collinear
// triples: on a quantised lattice (all differences exact), at lon/lat scale
// with random slopes, and with tiny and mixed-magnitude coordinates where the
// fast path must step aside.
func TestOrientExactFastPath(t *testing.T) {
	rng, seed := testRand(t)
	q := func(v float64) float64 { return math.Round(v*1024) / 1024 }
	for k := range 200000 {
		var a, b, c orb.Point
		switch k % 4 {
		case 0: // a quantised boundary: c on the line a–b or one step off
			a = orb.Point{q(113 + rng.Float64()), q(34 + rng.Float64())}
			d := orb.Point{q(rng.Float64()*0.01 - 0.005), q(rng.Float64()*0.01 - 0.005)}
			m := float64(rng.IntN(7) - 3)
			b = orb.Point{a[0] + d[0], a[1] + d[1]}
			c = orb.Point{a[0] + m*d[0], a[1] + m*d[1]}
			if rng.IntN(2) == 0 {
				c[rng.IntN(2)] += float64(rng.IntN(3)-1) / 1024
			}
		case 1: // interpolated along a random edge, a few ulps off
			a = orb.Point{rng.Float64()*360 - 180, rng.Float64()*180 - 90}
			b = orb.Point{a[0] + rng.Float64()*0.1, a[1] + rng.Float64()*0.1}
			s := rng.Float64()
			c = orb.Point{a[0] + s*(b[0]-a[0]), a[1] + s*(b[1]-a[1])}
			c[rng.IntN(2)] = math.Nextafter(c[rng.IntN(2)], math.Inf(2*rng.IntN(2)-1))
		case 2: // tiny coordinates: products near underflow
			e := math.Ldexp(1, -480-rng.IntN(100))
			a = orb.Point{e * float64(rng.IntN(5)), e * float64(rng.IntN(5))}
			b = orb.Point{e * float64(rng.IntN(5)), e * float64(rng.IntN(5))}
			c = orb.Point{e * float64(rng.IntN(9)) / 2, e * float64(rng.IntN(9)) / 2}
		case 3: // mixed magnitudes: inexact differences
			a = orb.Point{rng.Float64() * 1e-20, rng.Float64() * 180}
			b = orb.Point{rng.Float64() * 180, rng.Float64() * 1e-20}
			s := rng.Float64()
			c = orb.Point{a[0] + s*(b[0]-a[0]), a[1] + s*(b[1]-a[1])}
		}
		if got, want := orientExact(a, b, c), crossSign(a, b, c); got != want {
			t.Fatalf("orientExact(%v, %v, %v) = %d, want %d (seed %d)", a, b, c, got, want, seed)
		}
	}
}

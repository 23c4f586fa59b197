package plan

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

var seedFlag = flag.Uint64("seed", 0, "seed of the randomised tests (0: a fixed default)")

// rng returns the generator of a randomised test and logs its seed.
func rng(t testing.TB, def uint64) *rand.Rand {
	seed := def
	if *seedFlag != 0 {
		seed = *seedFlag
	}
	t.Logf("seed %d (rerun with -seed %d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func TestDistanceM(t *testing.T) {
	oneDeg := EarthRadiusM * math.Pi / 180
	tests := []struct {
		name string
		a, b orb.Point
		want float64
	}{
		{"same point", orb.Point{113.6584, 34.7464}, orb.Point{113.6584, 34.7464}, 0},
		{"one degree of latitude", orb.Point{113, 34}, orb.Point{113, 35}, oneDeg},
		{"one degree of longitude on the equator", orb.Point{0, 0}, orb.Point{1, 0}, oneDeg},
		{"antipodes", orb.Point{0, 0}, orb.Point{180, 0}, math.Pi * EarthRadiusM},
		{"pole to pole", orb.Point{0, 90}, orb.Point{0, -90}, math.Pi * EarthRadiusM},
		{"across the antimeridian", orb.Point{179.5, 0}, orb.Point{-179.5, 0}, oneDeg},
		// 郑州站 to 二七塔, about 1.3 km (checked against the spherical law of
		// cosines below).
		{"Zhengzhou", orb.Point{113.6584, 34.7464}, orb.Point{113.6713, 34.7536}, lawOfCosines(orb.Point{113.6584, 34.7464}, orb.Point{113.6713, 34.7536})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DistanceM(tt.a, tt.b)
			if math.Abs(got-tt.want) > 1e-6*max(1, tt.want) {
				t.Errorf("DistanceM(%v, %v) = %.6f, want %.6f", tt.a, tt.b, got, tt.want)
			}
			if back := DistanceM(tt.b, tt.a); back != got {
				t.Errorf("DistanceM is not symmetric: %v vs %v", back, got)
			}
		})
	}
}

func lawOfCosines(a, b orb.Point) float64 {
	p1, p2 := a[1]*rad, b[1]*rad
	c := math.Sin(p1)*math.Sin(p2) + math.Cos(p1)*math.Cos(p2)*math.Cos((b[0]-a[0])*rad)
	return EarthRadiusM * math.Acos(min(c, 1))
}

// TestSinSmall: the Taylor shortcut agrees with math.Sin to within one ulp.
func TestSinSmall(t *testing.T) {
	r := rng(t, 1)
	for n := 0; n < 200_000; n++ {
		x := (r.Float64()*2 - 1) * 0.012 * math.Pow(10, -float64(r.IntN(8)))
		got, want := sinSmall(x), math.Sin(x)
		if math.Abs(got-want) > math.Abs(want)*2.3e-16 {
			t.Fatalf("sinSmall(%g) = %g, math.Sin = %g", x, got, want)
		}
	}
}

// TestCapBound: every point within r of p lies in capBound(p, r), for random
// centres (poles and the antimeridian included) and bearings.
func TestCapBound(t *testing.T) {
	r := rng(t, 2)
	for n := 0; n < 100_000; n++ {
		c := orb.Point{r.Float64()*360 - 180, r.Float64()*180 - 90}
		if n%10 == 0 {
			c[1] = math.Copysign(89.9+r.Float64()*0.1, c[1])
		}
		radius := math.Pow(10, r.Float64()*5) // 1 m .. 100 km
		q := destination(c, r.Float64()*2*math.Pi, radius*(1-1e-9))
		lo, hi := capBound(mkPt(c), radius)
		if q[0] < lo[0] || q[0] > hi[0] || q[1] < lo[1] || q[1] > hi[1] {
			t.Fatalf("point %v at %.3f m from %v is outside capBound %v..%v", q, DistanceM(c, q), c, lo, hi)
		}
	}
}

// destination walks d metres from p on the sphere along bearing theta.
func destination(p orb.Point, theta, d float64) orb.Point {
	phi1, l1 := p[1]*rad, p[0]*rad
	delta := d / EarthRadiusM
	phi2 := math.Asin(math.Sin(phi1)*math.Cos(delta) + math.Cos(phi1)*math.Sin(delta)*math.Cos(theta))
	l2 := l1 + math.Atan2(math.Sin(theta)*math.Sin(delta)*math.Cos(phi1), math.Cos(delta)-math.Sin(phi1)*math.Sin(phi2))
	lon := math.Mod(l2/rad+540, 360) - 180
	return orb.Point{lon, phi2 / rad}
}

// TestPointSet compares within, any and nearest with a scan of every point.
func TestPointSet(t *testing.T) {
	r := rng(t, 3)
	for round := 0; round < 20; round++ {
		// Clusters near Zhengzhou, plus a few far away and near the antimeridian.
		var pts []orb.Point
		for range 300 {
			pts = append(pts, orb.Point{113.6 + r.NormFloat64()*0.02, 34.75 + r.NormFloat64()*0.02})
		}
		for range 5 {
			pts = append(pts, orb.Point{r.Float64()*360 - 180, r.Float64()*170 - 85})
		}
		pts = append(pts, orb.Point{179.999, 0}, pts[0]) // a duplicate too
		s := newPointSet(pts)
		for range 200 {
			p := orb.Point{113.6 + r.NormFloat64()*0.05, 34.75 + r.NormFloat64()*0.05}
			if r.IntN(10) == 0 {
				p = orb.Point{-179.999, r.Float64() * 0.001}
			}
			radius := []float64{0, 50, 500, 3000}[r.IntN(4)]
			want := map[int32]bool{}
			bestJ, bestD := int32(-1), math.Inf(1)
			for j, q := range pts {
				d := DistanceM(p, q)
				if d <= radius {
					want[int32(j)] = true
				}
				if d < bestD {
					bestJ, bestD = int32(j), d
				}
			}
			got := map[int32]bool{}
			s.within(mkPt(p), radius, func(j int32, _ float64) { got[j] = true })
			if len(got) != len(want) {
				t.Fatalf("within(%v, %g) found %d points, a scan finds %d", p, radius, len(got), len(want))
			}
			for j := range want {
				if !got[j] {
					t.Fatalf("within(%v, %g) misses point %d at %.3f m", p, radius, j, DistanceM(p, pts[j]))
				}
			}
			if s.any(mkPt(p), radius) != (len(want) > 0) {
				t.Fatalf("any(%v, %g) = %v, a scan finds %d", p, radius, !(len(want) > 0), len(want))
			}
			j, h := s.nearest(mkPt(p), radius)
			if j != bestJ || math.Abs(havToM(h)-bestD) > 1e-6 {
				t.Fatalf("nearest(%v) = %d at %.3f m, a scan finds %d at %.3f m", p, j, havToM(h), bestJ, bestD)
			}
		}
	}
	if j, _ := newPointSet(nil).nearest(mkPt(orb.Point{0, 0}), 1); j != -1 {
		t.Errorf("nearest in an empty set = %d, want -1", j)
	}
}

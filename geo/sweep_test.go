package geo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// randomLatticeRing is a closed ring of n random points on a k×k integer
// lattice, repeated consecutive points removed: full of touching vertices,
// collinear overlaps, vertical and horizontal edges and spikes.
func randomLatticeRing(rng *rand.Rand, n, k int) orb.Ring {
	var r orb.Ring
	for range n {
		r = append(r, orb.Point{float64(rng.IntN(k)), float64(rng.IntN(k))})
	}
	r = append(r, r[0])
	return dedupe(r)
}

// TestRingIsSimpleVsCount: the Shamos–Hoey sweep must say "simple" exactly
// when the exhaustive count finds no place where the ring touches or crosses
// itself, on degenerate lattice rings, simple stars and stars with one vertex
// pushed across the ring.
func TestRingIsSimpleVsCount(t *testing.T) {
	rng, seed := testRand(t)
	simple, notSimple := 0, 0
	check := func(name string, r orb.Ring) {
		t.Helper()
		if len(r) < 4 {
			return
		}
		_, count := countSelfIntersections(r)
		if got, want := ringIsSimple(r), count == 0; got != want {
			t.Fatalf("%s: ringIsSimple(%v) = %v, want %v (%d places; seed %d)", name, r, got, want, count, seed)
		}
		if count == 0 {
			simple++
		} else {
			notSimple++
		}
	}
	for range 20000 {
		check("lattice", randomLatticeRing(rng, 3+rng.IntN(8), 2+rng.IntN(5)))
	}
	for range 5000 {
		// Lattice points sorted by angle round a centre: mostly simple,
		// with collinear runs, vertical edges and near-touches.
		k := 4 + rng.IntN(30)
		c := orb.Point{float64(k) / 2, float64(k)/2 + 0.25}
		var r orb.Ring
		for range 4 + rng.IntN(60) {
			r = append(r, orb.Point{float64(rng.IntN(k)), float64(rng.IntN(k))})
		}
		slices.SortFunc(r, func(a, b orb.Point) int {
			return cmp.Compare(math.Atan2(a[1]-c[1], a[0]-c[0]), math.Atan2(b[1]-c[1], b[0]-c[0]))
		})
		r = slices.Compact(r)
		check("angle-sorted lattice", dedupe(append(r, r[0])))
	}
	for range 2000 {
		check("big lattice", randomLatticeRing(rng, 10+rng.IntN(100), 10+rng.IntN(40)))
	}
	for range 300 {
		n := 3 + rng.IntN(300)
		r := starRing(rng, orb.Point{113.6, 34.7}, 0.01, n)
		check("star", r)
		// Quantised: neighbouring spikes may now touch or overlap.
		q := make(orb.Ring, len(r))
		for i, p := range r {
			q[i] = orb.Point{float64(int(p[0] * 2000)), float64(int(p[1] * 2000))}
		}
		check("quantised star", dedupe(q))
		// One vertex moved to the other side of the centre.
		k := rng.IntN(n)
		r[k] = orb.Point{2*113.6 - r[k][0], 2*34.7 - r[k][1]}
		if k == 0 {
			r[n] = r[0]
		}
		check("broken star", r)
	}
	check("staircase", stairRing(300))
	if simple == 0 || notSimple == 0 {
		t.Errorf("simple rings %d, others %d: want some of each", simple, notSimple)
	}
	t.Logf("%d simple rings, %d that touch or cross themselves", simple, notSimple)
}

// TestSelfIntersectionsBigStar: a 100,000-vertex star is simple; the sweep
// decides it in n·log n (the exhaustive count took tens of seconds).
func TestSelfIntersectionsBigStar(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short")
	}
	rng, _ := testRand(t)
	r := starRing(rng, orb.Point{113.6, 34.7}, 0.01, 100000)
	if at, n := selfIntersections(r); n != 0 {
		t.Errorf("selfIntersections(star) = %v, %d; want no place", at, n)
	}
	// A smaller star with a spike folded back on itself: not simple, so
	// counted exhaustively.
	r = starRing(rng, orb.Point{113.6, 34.7}, 0.01, 2000)
	r = append(r[:1000:1000], append(orb.Ring{r[1000], r[999]}, r[1000:]...)...)
	if _, n := selfIntersections(r); n == 0 {
		t.Error("selfIntersections(star with a folded spike) found no place")
	}
}

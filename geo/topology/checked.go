package topology

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// The overlay is exact but for rounded crossing points, and on inputs that
// are themselves overlay results (full of such points) it has been seen to
// go wrong: a difference that removed 373 km² instead of 0.03 km², a union
// with crossing rings. Repair and merge therefore check each overlay
// result they keep: it must be valid (Repair finds no defect) and its area
// must be what the operation implies, within overlayTolM2. When it is not,
// the same result is computed another way (other operands, or one at a
// time); when no way gives a sane result, the change is not made.

// overlayTol is the slack in m² allowed on the area of an overlay result
// of a grid of area a: AreaM2 follows edges longer than 500 m along their
// geodesic, so cutting them moves the area by up to about 1e-5.
func overlayTol(a float64) float64 { return max(1, 2e-5*a) }

// sane reports whether mp is valid and its area lies in [lo−tol, hi+tol].
func sane(mp orb.MultiPolygon, lo, hi, tol float64) bool {
	if len(mp) == 0 {
		return false
	}
	a := AreaM2(mp)
	if a < lo-tol || a > hi+tol {
		return false
	}
	return len(Repair(mp).Defects) == 0
}

// firstSane returns the first result of tries that is sane (see sane).
func firstSane(lo, hi, tol float64, tries ...func() orb.MultiPolygon) (orb.MultiPolygon, bool) {
	for _, try := range tries {
		if mp := try(); sane(mp, lo, hi, tol) {
			return mp, true
		}
	}
	return nil, false
}

// checkedUnion is Union(g ∪ add) for add disjoint from g (their interiors),
// checked: its area must be that of g plus add's. It tries the union of
// all, then adding the polygons one at a time.
func checkedUnion(g, add orb.MultiPolygon) (orb.MultiPolygon, bool) {
	a0, da := AreaM2(g), AreaM2(add)
	tol := overlayTol(a0 + da)
	return firstSane(a0+da, a0+da, tol,
		func() orb.MultiPolygon { return Union(append(slices.Clone(g), add...)) },
		func() orb.MultiPolygon {
			return Union(append(slices.Clone(Repair(onGrid(g)).Geometry), Repair(onGrid(add)).Geometry...))
		},
		func() orb.MultiPolygon {
			cur := g
			for _, p := range add {
				cur = Union(append(slices.Clone(cur), p))
			}
			return cur
		})
}

// checkedDifference is g less what others cover, checked: it removes no
// more than maxLoss m² (and adds nothing). alt, when not nil, is another
// operand covering the same part of g (the overlap pieces themselves),
// tried next; then others one polygon at a time.
func checkedDifference(g, others, alt orb.MultiPolygon, maxLoss float64) (orb.MultiPolygon, bool) {
	a0 := AreaM2(g)
	tries := []func() orb.MultiPolygon{func() orb.MultiPolygon { return Difference(g, others) }}
	if len(alt) > 0 {
		tries = append(tries, func() orb.MultiPolygon { return Difference(g, alt) })
	}
	tries = append(tries, func() orb.MultiPolygon {
		// Both operands on a grid of 1e-9° (0.1 mm), repaired: points an
		// ulp off an edge, where the overlay goes wrong, mostly land on it.
		return Difference(Repair(onGrid(g)).Geometry, Repair(onGrid(others)).Geometry)
	}, func() orb.MultiPolygon {
		cur := g
		for _, p := range others {
			if len(cur) == 0 {
				break
			}
			if ringBound(p[0]).Intersects(cur.Bound()) {
				cur = Difference(cur, orb.MultiPolygon{p})
			}
		}
		return cur
	})
	return firstSane(a0-maxLoss, a0, overlayTol(a0), tries...)
}

// onGrid returns a copy of mp with every coordinate rounded to 1e-9°,
// dropping repeated points and rings left with fewer than 4 positions.
func onGrid(mp orb.MultiPolygon) orb.MultiPolygon {
	const q = 1e9
	var out orb.MultiPolygon
	for _, p := range mp {
		var pg orb.Polygon
		for ri, r := range p {
			nr := make(orb.Ring, 0, len(r))
			for _, pt := range r {
				pt = orb.Point{math.Round(pt[0]*q) / q, math.Round(pt[1]*q) / q}
				if len(nr) == 0 || nr[len(nr)-1] != pt {
					nr = append(nr, pt)
				}
			}
			if len(nr) < 4 {
				if ri == 0 {
					break
				}
				continue
			}
			pg = append(pg, nr)
		}
		if len(pg) > 0 {
			out = append(out, pg)
		}
	}
	return out
}

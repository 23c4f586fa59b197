package tile

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Meets reports whether multipolygon mp and box b have a point in common
// (boundaries included): the OGC API bbox test, exact rather than by
// bounding boxes. It reads mp without modifying it.
func Meets(mp orb.MultiPolygon, b orb.Bound) bool {
	if !mp.Bound().Intersects(b) {
		return false
	}
	for _, pg := range mp {
		for _, r := range pg {
			for k, p := range r {
				if b.Contains(p) {
					return true
				}
				if k > 0 && segmentMeetsBound(r[k-1], p, b) {
					return true
				}
			}
		}
	}
	// No vertex inside and no edge across: b is wholly inside or outside.
	return planar.MultiPolygonContains(mp, b.Center())
}

// segmentMeetsBound reports whether segment p–q meets box b (Liang–Barsky).
func segmentMeetsBound(p, q orb.Point, b orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	d := orb.Point{q[0] - p[0], q[1] - p[1]}
	for axis := range 2 {
		for _, side := range [2]struct {
			num, den float64
		}{
			{p[axis] - b.Min[axis], -d[axis]},
			{b.Max[axis] - p[axis], d[axis]},
		} {
			if side.den == 0 {
				if side.num < 0 {
					return false
				}
				continue
			}
			t := side.num / side.den
			if side.den < 0 {
				t0 = max(t0, t)
			} else {
				t1 = min(t1, t)
			}
			if t0 > t1 {
				return false
			}
		}
	}
	return true
}

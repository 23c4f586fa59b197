package arcs

import (
	"math"

	"github.com/paulmach/orb"
)

// Keep appends to dst the positions of the points of line that the
// Douglas–Peucker algorithm keeps at tolerance tol (in the unit of the
// coordinates, which should be planar: projected, not degrees), in order.
// Both ends are always kept. A closed line (first point = last) is split at
// the point farthest from its start and each half keeps at least its
// farthest interior point, so it stays a ring of three or more points; with
// force, an open line of three or more points keeps at least its farthest
// interior point too. The result depends only on line, tol and force, so an
// arc shared by several rings simplifies the same way for all of them.
func Keep(dst []int32, line []orb.Point, tol float64, force bool) []int32 {
	n := len(line)
	if n == 0 {
		return dst
	}
	dst = append(dst, 0)
	if n == 1 {
		return dst
	}
	tol2 := tol * tol
	if n > 3 && line[0] == line[n-1] {
		f, best := 1, -1.0
		for k := 1; k < n-1; k++ {
			if d := dist2(line[k], line[0]); d > best {
				f, best = k, d
			}
		}
		dst = keepForced(dst, line, 0, f, tol2)
		dst = append(dst, int32(f))
		dst = keepForced(dst, line, f, n-1, tol2)
	} else if force {
		dst = keepForced(dst, line, 0, n-1, tol2)
	} else {
		dst = douglasPeucker(dst, line, 0, n-1, tol2)
	}
	return append(dst, int32(n-1))
}

// keepForced appends the kept interior points of line[lo..hi], at least
// the one farthest from the chord when there is one.
func keepForced(dst []int32, line []orb.Point, lo, hi int, tol2 float64) []int32 {
	if hi-lo < 2 {
		return dst
	}
	k, _ := farthest(line, lo, hi)
	dst = douglasPeucker(dst, line, lo, k, tol2)
	dst = append(dst, int32(k))
	return douglasPeucker(dst, line, k, hi, tol2)
}

// douglasPeucker appends the interior points of line[lo..hi] farther than
// the tolerance from the simplified line, in order.
func douglasPeucker(dst []int32, line []orb.Point, lo, hi int, tol2 float64) []int32 {
	if hi-lo < 2 {
		return dst
	}
	k, d := farthest(line, lo, hi)
	if d <= tol2 {
		return dst
	}
	dst = douglasPeucker(dst, line, lo, k, tol2)
	dst = append(dst, int32(k))
	return douglasPeucker(dst, line, k, hi, tol2)
}

// farthest returns the interior point of line[lo..hi] farthest from the
// segment line[lo]–line[hi] and its squared distance.
func farthest(line []orb.Point, lo, hi int) (int, float64) {
	a, b := line[lo], line[hi]
	k, best := lo+1, -1.0
	for i := lo + 1; i < hi; i++ {
		if d := segDist2(line[i], a, b); d > best {
			k, best = i, d
		}
	}
	return k, best
}

func dist2(p, q orb.Point) float64 {
	dx, dy := p[0]-q[0], p[1]-q[1]
	return dx*dx + dy*dy
}

// segDist2 is the squared distance from p to the segment a–b.
func segDist2(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return dist2(p, a)
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / l2
	switch {
	case t <= 0:
		return dist2(p, a)
	case t >= 1:
		return dist2(p, b)
	}
	return dist2(p, orb.Point{a[0] + t*dx, a[1] + t*dy})
}

// metresPerDegree is the length of a degree of latitude on the WGS-84 mean
// sphere (R = 6,371,008.8 m).
const metresPerDegree = 6371008.8 * math.Pi / 180

// Simplified is a Topology's arcs simplified at one tolerance in metres,
// computed on first use and kept. It is not safe for concurrent use: make
// one per request (or guard it).
type Simplified struct {
	t     *Topology
	tolM  float64
	memo  map[int][]orb.Point
	keep  []int32
	local []orb.Point
}

// SimplifyM returns the arcs of t simplified by Douglas–Peucker with a
// tolerance of tolM metres, each arc measured in a local equirectangular
// plane centred on its first point (good to a fraction of a percent over a
// district). tolM ≤ 0 keeps every point.
func (t *Topology) SimplifyM(tolM float64) *Simplified {
	return &Simplified{t: t, tolM: tolM, memo: map[int][]orb.Point{}}
}

// Arc returns arc a simplified, in stored order (lon/lat). Shared: do not
// modify.
func (s *Simplified) Arc(a int) []orb.Point {
	if s.tolM <= 0 {
		return s.t.Arc(a)
	}
	if pts, ok := s.memo[a]; ok {
		return pts
	}
	arc := s.t.Arc(a)
	lon0, lat0 := arc[0][0], arc[0][1]
	kx := metresPerDegree * math.Cos(lat0*math.Pi/180)
	s.local = s.local[:0]
	for _, p := range arc {
		s.local = append(s.local, orb.Point{(p[0] - lon0) * kx, (p[1] - lat0) * metresPerDegree})
	}
	s.keep = Keep(s.keep[:0], s.local, s.tolM, s.t.Forced(a))
	pts := make([]orb.Point, len(s.keep))
	for i, k := range s.keep {
		pts[i] = arc[k]
	}
	s.memo[a] = pts
	return pts
}

// Shape returns shape i with its arcs simplified, as a new MultiPolygon
// (shell first, then holes). Rings that end up with fewer than four points
// are left out, and so is a polygon whose shell is.
func (s *Simplified) Shape(i int) orb.MultiPolygon {
	polys := s.t.Shape(i)
	mp := make(orb.MultiPolygon, 0, len(polys))
	for _, pg := range polys {
		var out orb.Polygon
		for k, refs := range pg {
			r := AppendRing(nil, refs, s.Arc)
			if len(r) < 4 {
				if k == 0 {
					break
				}
				continue
			}
			out = append(out, r)
		}
		if len(out) > 0 {
			mp = append(mp, out)
		}
	}
	return mp
}

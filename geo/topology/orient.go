package topology

import (
	"math"
	"math/big"

	"github.com/wangge/wangge/geo"

	"github.com/paulmach/orb"
)

// Helpers for exact predicates; the orientation test itself is geo.Orient.

// orient returns the sign of (b−a)×(c−a): +1 when c lies to the left of the
// directed line a→b, −1 to the right, 0 when exactly collinear (geo.Orient).
func orient(a, b, c orb.Point) int { return geo.Orient(a, b, c) }

// strictlyBetween reports whether p, known to be collinear with a and b,
// lies strictly between them. Exact.
func strictlyBetween(p, a, b orb.Point) bool {
	if a[0] != b[0] {
		return (a[0] < p[0] && p[0] < b[0]) || (b[0] < p[0] && p[0] < a[0])
	}
	return (a[1] < p[1] && p[1] < b[1]) || (b[1] < p[1] && p[1] < a[1])
}

// along is p's position along the segment a→b, for ordering points that lie
// on it: monotone in the distance from a, exact for points on the segment.
func along(p, a, b orb.Point) float64 {
	if math.Abs(b[0]-a[0]) >= math.Abs(b[1]-a[1]) {
		if b[0] > a[0] {
			return p[0] - a[0]
		}
		return a[0] - p[0]
	}
	if b[1] > a[1] {
		return p[1] - a[1]
	}
	return a[1] - p[1]
}

// crossing returns the point where segments a–b and c–d cross (they are
// known to cross properly), rounded, and kept inside both segments' boxes.
// The result does not depend on the order of the segments or of their ends,
// so the same two lines always cross at the same float64 point.
func crossing(a, b, c, d orb.Point) orb.Point {
	if comparePoints(b, a) < 0 {
		a, b = b, a
	}
	if comparePoints(d, c) < 0 {
		c, d = d, c
	}
	if k := comparePoints(c, a); k < 0 || (k == 0 && comparePoints(d, b) < 0) {
		a, b, c, d = c, d, a, b
	}
	return crossingOrdered(a, b, c, d)
}

func crossingOrdered(a, b, c, d orb.Point) orb.Point {
	rx, ry := b[0]-a[0], b[1]-a[1]
	sx, sy := d[0]-c[0], d[1]-c[1]
	den := rx*sy - ry*sx
	t := ((c[0]-a[0])*sy - (c[1]-a[1])*sx) / den
	if math.IsNaN(t) || math.IsInf(t, 0) || math.Abs(den) < 1e-12*(math.Abs(rx*sy)+math.Abs(ry*sx)) {
		t = crossingParam(a, b, c, d) // nearly parallel: exactly
	}
	t = min(max(t, 0), 1)
	p := orb.Point{a[0] + t*rx, a[1] + t*ry}
	lo0 := max(min(a[0], b[0]), min(c[0], d[0]))
	hi0 := min(max(a[0], b[0]), max(c[0], d[0]))
	lo1 := max(min(a[1], b[1]), min(c[1], d[1]))
	hi1 := min(max(a[1], b[1]), max(c[1], d[1]))
	p[0] = min(max(p[0], lo0), hi0)
	p[1] = min(max(p[1], lo1), hi1)
	return p
}

// ringPosition tells where p lies relative to the closed ring r under the
// non-zero winding rule: -1 outside, 0 on an edge, +1 inside. Exact.
func ringPosition(p orb.Point, r []orb.Point) int {
	w := 0
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if a == p {
			return 0
		}
		if a[1] <= p[1] {
			if b[1] > p[1] {
				switch o := orient(a, b, p); {
				case o > 0:
					w++
				case o == 0:
					return 0
				}
			} else if b[1] == p[1] && onSegment(p, a, b) {
				return 0
			}
		} else {
			if b[1] <= p[1] {
				switch o := orient(a, b, p); {
				case o < 0:
					w--
				case o == 0:
					return 0
				}
			}
		}
	}
	if w != 0 {
		return 1
	}
	return -1
}

// onSegment reports whether p lies on the closed segment a–b. Exact.
func onSegment(p, a, b orb.Point) bool {
	if p[0] < min(a[0], b[0]) || p[0] > max(a[0], b[0]) ||
		p[1] < min(a[1], b[1]) || p[1] > max(a[1], b[1]) {
		return false
	}
	return orient(a, b, p) == 0
}

// snapper merges computed crossing points lying within about 1e-12° of one
// another: three edges crossing at one point give three float64 points
// (one per pair), which would leave needle-thin loops between them.
type snapper struct {
	m map[[2]int64]orb.Point
}

// snapCell is the side of the cells points are merged in, in degrees.
const snapCell = 0x1p-40

func (s *snapper) point(p orb.Point) orb.Point {
	if s.m == nil {
		s.m = make(map[[2]int64]orb.Point)
	}
	kx, ky := int64(math.Floor(p[0]/snapCell)), int64(math.Floor(p[1]/snapCell))
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			if q, ok := s.m[[2]int64{kx + dx, ky + dy}]; ok {
				return q
			}
		}
	}
	s.m[[2]int64{kx, ky}] = p
	return p
}

// crossingParam is the parameter along a→b of its crossing with c–d,
// computed exactly and rounded (the segments cross properly, so the
// denominator is not zero).
func crossingParam(a, b, c, d orb.Point) float64 {
	r := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	rx := new(big.Rat).Sub(r(b[0]), r(a[0]))
	ry := new(big.Rat).Sub(r(b[1]), r(a[1]))
	sx := new(big.Rat).Sub(r(d[0]), r(c[0]))
	sy := new(big.Rat).Sub(r(d[1]), r(c[1]))
	den := new(big.Rat).Sub(new(big.Rat).Mul(rx, sy), new(big.Rat).Mul(ry, sx))
	if den.Sign() == 0 {
		return 0.5
	}
	cx := new(big.Rat).Sub(r(c[0]), r(a[0]))
	cy := new(big.Rat).Sub(r(c[1]), r(a[1]))
	num := new(big.Rat).Sub(new(big.Rat).Mul(cx, sy), new(big.Rat).Mul(cy, sx))
	t, _ := num.Quo(num, den).Float64()
	return t
}

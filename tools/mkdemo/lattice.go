package main

import (
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
)

// unitsPerDeg is the lattice every output vertex sits on: 1e-7 degree (about
// 1 cm), the precision the GeoJSON is written with. Working on integers makes
// "the same vertex" an exact notion and the orientation tests exact.
const unitsPerDeg = 1e7

// pt is a lattice point: lon and lat in units of 1e-7 degree.
type pt struct{ X, Y int64 }

// ring is a closed ring of lattice points, stored open (the first point is
// not repeated at the end). Shells run counter-clockwise, holes clockwise.
type ring []pt

// poly is a polygon: the shell first, then the holes.
type poly []ring

// mpoly is a multipolygon.
type mpoly []poly

func toLattice(p orb.Point) pt {
	return pt{int64(math.Round(p[0] * unitsPerDeg)), int64(math.Round(p[1] * unitsPerDeg))}
}

// deg returns the point in degrees. Division of two exactly representable
// integers is correctly rounded, so this is exactly the float64 a reader gets
// from parsing the 7-decimal text that formatCoord writes.
func (p pt) deg() orb.Point {
	return orb.Point{float64(p.X) / unitsPerDeg, float64(p.Y) / unitsPerDeg}
}

func (p pt) sub(q pt) pt { return pt{p.X - q.X, p.Y - q.Y} }

// formatCoord appends v/1e7 in decimal with at most 7 decimals and no
// trailing zeros.
func formatCoord(dst []byte, v int64) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	dst = strconv.AppendInt(dst, v/unitsPerDeg, 10)
	frac := v % unitsPerDeg
	if frac == 0 {
		return dst
	}
	digits := []byte(strconv.FormatInt(frac+unitsPerDeg, 10))[1:] // 7 digits, zero-padded
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	dst = append(dst, '.')
	return append(dst, digits...)
}

// cross is the z of (a-o)×(b-o); exact for lattice points of one city.
func cross(o, a, b pt) int64 {
	return (a.X-o.X)*(b.Y-o.Y) - (a.Y-o.Y)*(b.X-o.X)
}

// area2 is twice the signed area of r, exact: positive counter-clockwise.
func (r ring) area2() int64 {
	var s int64
	for i := 1; i+1 < len(r); i++ {
		s += cross(r[0], r[i], r[i+1])
	}
	return s
}

// area2 of a polygon: shell minus holes (holes wind the other way).
func (p poly) area2() int64 {
	var s int64
	for _, r := range p {
		s += r.area2()
	}
	return s
}

func (m mpoly) area2() int64 {
	var s int64
	for _, p := range m {
		s += p.area2()
	}
	return s
}

// onSegment reports whether p lies on the closed segment ab, exactly.
func onSegment(p, a, b pt) bool {
	if cross(a, b, p) != 0 {
		return false
	}
	return min(a.X, b.X) <= p.X && p.X <= max(a.X, b.X) && min(a.Y, b.Y) <= p.Y && p.Y <= max(a.Y, b.Y)
}

// winding returns the winding number of r around p and whether p lies on r.
func (r ring) winding(p pt) (int, bool) {
	wn := 0
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		if onSegment(p, a, b) {
			return 0, true
		}
		if a.Y <= p.Y {
			if b.Y > p.Y && cross(a, b, p) > 0 {
				wn++
			}
		} else if b.Y <= p.Y && cross(a, b, p) < 0 {
			wn--
		}
	}
	return wn, false
}

// covers reports whether the polygon has p inside or on its boundary.
func (p poly) covers(q pt) bool {
	wn, on := p[0].winding(q)
	if on {
		return true
	}
	if wn == 0 {
		return false
	}
	for _, h := range p[1:] {
		wn, on := h.winding(q)
		if on {
			return true
		}
		if wn != 0 {
			return false
		}
	}
	return true
}

func (m mpoly) covers(q pt) bool {
	for _, p := range m {
		if p.covers(q) {
			return true
		}
	}
	return false
}

// bound returns the lattice bounding box of m.
func (m mpoly) bound() (lo, hi pt) {
	lo = pt{math.MaxInt64, math.MaxInt64}
	hi = pt{math.MinInt64, math.MinInt64}
	for _, p := range m {
		for _, q := range p[0] {
			lo = pt{min(lo.X, q.X), min(lo.Y, q.Y)}
			hi = pt{max(hi.X, q.X), max(hi.Y, q.Y)}
		}
	}
	return lo, hi
}

// clean removes repeated consecutive points and spikes (a vertex where the
// ring turns straight back) until none is left; it returns nil when nothing
// with an area is left. Straight-through collinear vertices are kept: a
// neighbour may share them.
func (r ring) clean() ring {
	out := append(ring(nil), r...)
	for changed := true; changed; {
		changed = false
		dedup := out[:0]
		for _, p := range out {
			if len(dedup) == 0 || dedup[len(dedup)-1] != p {
				dedup = append(dedup, p)
			}
		}
		for len(dedup) > 1 && dedup[0] == dedup[len(dedup)-1] {
			dedup = dedup[:len(dedup)-1]
		}
		changed = len(dedup) != len(out)
		out = dedup
		if len(out) < 3 {
			return nil
		}
		for i, n := 0, len(out); i < n; i++ {
			prev, cur, next := out[(i+n-1)%n], out[i], out[(i+1)%n]
			u, v := cur.sub(prev), next.sub(cur)
			if cross(prev, cur, next) == 0 && u.X*v.X+u.Y*v.Y < 0 {
				out = append(out[:i], out[i+1:]...)
				changed = true
				break
			}
		}
	}
	if len(out) < 3 || out.area2() == 0 {
		return nil
	}
	return out
}

// orient turns the shell of p counter-clockwise and its holes clockwise, in
// place.
func orient(p poly) poly {
	for i, r := range p {
		if (r.area2() > 0) != (i == 0) {
			slices.Reverse(r)
		}
	}
	return p
}

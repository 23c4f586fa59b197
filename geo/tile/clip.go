package tile

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
)

// cutter projects rings into one tile, clips them to the buffered tile and
// rounds them to integers. Its scratch buffers make it single-goroutine.
type cutter struct {
	f      frame
	lo, hi float64     // the buffered tile, [lo,hi]² in tile coordinates
	buf    []orb.Point // the ring being cut, open (no closing point)
	tmp    []orb.Point
}

func newCutter(t Tile, sys crs.System, bufferPx float64) cutter {
	return cutter{f: newFrame(t, sys), lo: -bufferPx, hi: Extent + bufferPx}
}

// ring clips c.buf to the buffered tile and rounds it, returning a closed
// ring in MVT orientation (exterior positive by the spec's surveyor's
// formula, holes negative), or nil when nothing of it is left, it has no
// area, or simplification turned it over. Input rings follow RFC 7946:
// shells counter-clockwise and holes clockwise in lon/lat, which is the
// other way round in tile coordinates (y down).
func (c *cutter) ring(hole bool) orb.Ring {
	if len(c.buf) < 3 {
		return nil
	}
	b := orb.Bound{Min: c.buf[0], Max: c.buf[0]}
	for _, p := range c.buf[1:] {
		b = b.Extend(p)
	}
	if b.Max[0] < c.lo || b.Min[0] > c.hi || b.Max[1] < c.lo || b.Min[1] > c.hi {
		return nil
	}
	if b.Min[0] < c.lo || b.Max[0] > c.hi || b.Min[1] < c.lo || b.Max[1] > c.hi {
		c.clip()
	}
	r := make(orb.Ring, 0, len(c.buf)+1)
	for _, p := range c.buf {
		q := orb.Point{math.Round(p[0]), math.Round(p[1])}
		if len(r) > 0 && r[len(r)-1] == q {
			continue
		}
		r = append(r, q)
	}
	for len(r) > 1 && r[len(r)-1] == r[0] {
		r = r[:len(r)-1]
	}
	if len(r) < 3 {
		return nil
	}
	var area2 float64 // exact: small integers
	for k := range r {
		p, q := r[k], r[(k+1)%len(r)]
		area2 += p[0]*q[1] - q[0]*p[1]
	}
	if area2 == 0 || (area2 < 0) == hole {
		return nil
	}
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return append(r, r[0])
}

// clip cuts c.buf to [lo,hi]² (Sutherland–Hodgman, one side at a time).
func (c *cutter) clip() {
	c.buf, c.tmp = clipSide(c.tmp[:0], c.buf, 0, c.lo, false), c.buf
	c.buf, c.tmp = clipSide(c.tmp[:0], c.buf, 0, c.hi, true), c.buf
	c.buf, c.tmp = clipSide(c.tmp[:0], c.buf, 1, c.lo, false), c.buf
	c.buf, c.tmp = clipSide(c.tmp[:0], c.buf, 1, c.hi, true), c.buf
}

// clipSide keeps the part of the open ring src on one side of the line
// p[axis] = v: below it when upper, else above it.
func clipSide(dst, src []orb.Point, axis int, v float64, upper bool) []orb.Point {
	if len(src) == 0 {
		return dst
	}
	in := func(p orb.Point) bool {
		if upper {
			return p[axis] <= v
		}
		return p[axis] >= v
	}
	prev := src[len(src)-1]
	prevIn := in(prev)
	for _, cur := range src {
		curIn := in(cur)
		if curIn != prevIn {
			dst = append(dst, crossing(prev, cur, axis, v))
		}
		if curIn {
			dst = append(dst, cur)
		}
		prev, prevIn = cur, curIn
	}
	return dst
}

// crossing is where segment a–b meets the line p[axis] = v, computed from
// the lesser end so that a segment shared by two rings in opposite
// directions gives the same point to both.
func crossing(a, b orb.Point, axis int, v float64) orb.Point {
	if b[0] < a[0] || b[0] == a[0] && b[1] < a[1] {
		a, b = b, a
	}
	t := (v - a[axis]) / (b[axis] - a[axis])
	var p orb.Point
	p[axis] = v
	o := 1 - axis
	p[o] = a[o] + t*(b[o]-a[o])
	return p
}

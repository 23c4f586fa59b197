package topology

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// The pair test decides, exactly and without overlay, that two grids
// cannot overlap (or that a child cannot stick out of its parent), so that
// the overlay library runs only on the few pairs that might. It works on
// the repaired geometry (every ring simple, interior on its left):
//
//   - if two boundaries cross properly, both answers are yes;
//   - otherwise each boundary is cut at the points where it touches the
//     other, and each piece lies wholly inside, outside or on the other
//     grid: pieces along the other's boundary are judged by direction,
//     the others by one exact point test each (consecutive pieces that touch
//     nothing share one test).
//
// Interiors overlap exactly when a piece of either boundary is inside the
// other grid, or the two run along each other in the same direction
// (interiors on the same side). A child sticks out exactly when a piece of
// its boundary is outside the parent, a piece of the parent's boundary is
// inside the child, or they run along each other in opposite directions.

type relation uint8

const (
	relOverlap relation = iota // may the interiors of a and b overlap?
	relOutside                 // may a have area outside b?
)

// edgeContact is what the sweep found on one edge.
type edgeContact struct {
	splits []orb.Point    // points inside the edge where the other boundary touches it
	along  [][2]orb.Point // stretches of the edge along the other boundary
	hit    bool           // the edge meets the other boundary at all
}

// pairScratch is one worker's reusable memory for pair tests.
type pairScratch struct {
	segs     []seg
	contacts [2][]edgeContact
}

// ringsOf flattens the rings of mp.
func ringsOf(mp orb.MultiPolygon) [][]orb.Point {
	var rs [][]orb.Point
	for _, p := range mp {
		for _, r := range p {
			rs = append(rs, r)
		}
	}
	return rs
}

// suspect reports whether grids a and b (repaired geometry ga, gb, both
// positions in rix) may stand in relation rel; false is certain.
func suspect(rix *geo.Index, a, b int32, ga, gb orb.MultiPolygon, rel relation, sc *pairScratch) bool {
	ba, bb := rix.Bound(a), rix.Bound(b)
	if rel == relOutside && !(bb.Contains(ba.Min) && bb.Contains(ba.Max)) {
		return true
	}
	if !ba.Intersects(bb) {
		return rel == relOutside
	}
	w := orb.Bound{Min: orb.Point{max(ba.Min[0], bb.Min[0]), max(ba.Min[1], bb.Min[1])},
		Max: orb.Point{min(ba.Max[0], bb.Max[0]), min(ba.Max[1], bb.Max[1])}}
	rings := [2][][]orb.Point{ringsOf(ga), ringsOf(gb)}
	sc.segs = sc.segs[:0]
	for side, rs := range rings {
		n := 0
		for _, r := range rs {
			n += len(r) - 1
		}
		cs := sc.contacts[side][:0]
		for range n {
			cs = append(cs, edgeContact{splits: nil, along: nil})
		}
		sc.contacts[side] = cs
		id := int32(0)
		for _, r := range rs {
			for k := 0; k+1 < len(r); k++ {
				p, q := r[k], r[k+1]
				if max(p[0], q[0]) >= w.Min[0] && min(p[0], q[0]) <= w.Max[0] &&
					max(p[1], q[1]) >= w.Min[1] && min(p[1], q[1]) <= w.Max[1] {
					sc.segs = append(sc.segs, newSeg(p, q, id, uint8(side)))
				}
				id++
			}
		}
	}
	crossed := false
	sweepPairs(sc.segs, true, func(s, t *seg) bool {
		if s.set == 1 {
			s, t = t, s
		}
		c := contactOf(s.a, s.b, t.a, t.b)
		switch c.kind {
		case contactNone:
			return true
		case contactCross:
			crossed = true
			return false
		case contactOverlap:
			same := (s.b[0]-s.a[0])*(t.b[0]-t.a[0])+(s.b[1]-s.a[1])*(t.b[1]-t.a[1]) > 0
			if same == (rel == relOverlap) {
				crossed = true // interiors on the same side, or a's outside b
				return false
			}
			lo, hi := overlapSpan(s.a, s.b, t.a, t.b)
			ea, eb := &sc.contacts[0][s.id], &sc.contacts[1][t.id]
			ea.hit, eb.hit = true, true
			ea.along = append(ea.along, [2]orb.Point{lo, hi})
			eb.along = append(eb.along, [2]orb.Point{lo, hi})
			ea.addSplit(lo, s.a, s.b)
			ea.addSplit(hi, s.a, s.b)
			eb.addSplit(lo, t.a, t.b)
			eb.addSplit(hi, t.a, t.b)
		case contactTouch:
			ea, eb := &sc.contacts[0][s.id], &sc.contacts[1][t.id]
			ea.hit, eb.hit = true, true
			ea.addSplit(c.at, s.a, s.b)
			eb.addSplit(c.at, t.a, t.b)
		}
		return true
	})
	if crossed {
		return true
	}
	// a's boundary against b: inside b (overlap) or outside b (outside).
	bad := geo.Interior
	if rel == relOutside {
		bad = geo.Exterior
	}
	if piecesAre(rix, b, rings[0], sc.contacts[0], w, bad, rel == relOutside) {
		return true
	}
	// b's boundary inside a, in both relations.
	return piecesAre(rix, a, rings[1], sc.contacts[1], w, geo.Interior, false)
}

// addSplit records p as a split point when it lies strictly inside a–b.
func (e *edgeContact) addSplit(p, a, b orb.Point) {
	if p != a && p != b {
		e.splits = append(e.splits, p)
	}
}

// overlapSpan returns the common stretch of collinear overlapping segments
// a–b and c–d, in a→b order.
func overlapSpan(a, b, c, d orb.Point) (orb.Point, orb.Point) {
	pts := []orb.Point{a, b, c, d}
	slices.SortFunc(pts, func(p, q orb.Point) int { return cmp.Compare(along(p, a, b), along(q, a, b)) })
	return pts[1], pts[2]
}

// piecesAre reports whether some piece of the rings' boundary is at
// position want relative to grid other. Edges outside the window w are
// outside other; outsideW says whether that counts (want == Exterior).
func piecesAre(rix *geo.Index, other int32, rings [][]orb.Point, cs []edgeContact, w orb.Bound, want geo.Position, outsideW bool) bool {
	id := 0
	for _, r := range rings {
		known := false // the previous edge touched nothing; its position is pos
		var pos geo.Position
		for k := 0; k+1 < len(r); k++ {
			p, q := r[k], r[k+1]
			c := &cs[id]
			id++
			inW := max(p[0], q[0]) >= w.Min[0] && min(p[0], q[0]) <= w.Max[0] &&
				max(p[1], q[1]) >= w.Min[1] && min(p[1], q[1]) <= w.Max[1]
			if !inW {
				if outsideW {
					return true
				}
				known, pos = true, geo.Exterior
				continue
			}
			if !c.hit {
				if !known {
					pos = rix.Position(other, midpoint(p, q))
					known = true
				}
				if pos == want {
					return true
				}
				continue
			}
			known = false
			if piecesOfEdge(rix, other, p, q, c, want) {
				return true
			}
		}
	}
	return false
}

// piecesOfEdge cuts edge p–q at its split points and tests each piece not
// lying along the other boundary.
func piecesOfEdge(rix *geo.Index, other int32, p, q orb.Point, c *edgeContact, want geo.Position) bool {
	pts := append([]orb.Point{p}, c.splits...)
	pts = append(pts, q)
	slices.SortFunc(pts[1:len(pts)-1], func(x, y orb.Point) int { return cmp.Compare(along(x, p, q), along(y, p, q)) })
	for k := 0; k+1 < len(pts); k++ {
		x, y := pts[k], pts[k+1]
		if x == y || c.isAlong(x, y, p, q) {
			continue
		}
		if rix.Position(other, midpoint(x, y)) == want {
			return true
		}
	}
	return false
}

// isAlong reports whether the piece x–y of edge p–q lies in one of the
// stretches along the other boundary.
func (e *edgeContact) isAlong(x, y, p, q orb.Point) bool {
	ax, ay := along(x, p, q), along(y, p, q)
	for _, s := range e.along {
		lo, hi := along(s[0], p, q), along(s[1], p, q)
		if lo > hi {
			lo, hi = hi, lo
		}
		if lo <= ax && ay <= hi {
			return true
		}
	}
	return false
}

func midpoint(p, q orb.Point) orb.Point {
	return orb.Point{(p[0] + q[0]) / 2, (p[1] + q[1]) / 2}
}

package topology

import (
	"fmt"
	"slices"

	"github.com/paulmach/orb"
)

// Defect is one reason a grid's geometry is not valid in the OGC sense
// (simple rings, holes inside their shell, parts that do not overlap),
// with where it is.
type Defect struct {
	What string    // see the What* constants
	At   orb.Point // where (lon, lat)
}

// What a Defect can be.
const (
	WhatSelfIntersection = "self-intersection"      // a ring crosses itself
	WhatSelfTouch        = "self-touch"             // a ring passes through one of its points again
	WhatSelfOverlap      = "self-overlap"           // a ring runs along one of its own edges
	WhatSpike            = "spike"                  // a ring turns back on itself at a vertex
	WhatDuplicatePoint   = "duplicate point"        // the same point twice in a row
	WhatZeroArea         = "zero-area part"         // a ring or part with no area
	WhatRingsCross       = "rings cross"            // two rings of one polygon cross or overlap
	WhatHoleOutside      = "hole outside its shell" // a hole not inside its polygon's shell
	WhatNestedHoles      = "hole inside another hole"
	WhatPartsOverlap     = "parts overlap" // two parts of a multipolygon overlap or share an edge
)

// Repaired is a grid's geometry made valid, with what was wrong with it.
type Repaired struct {
	// Geometry covers the same points as the input under wangge's boundary
	// rule (non-zero winding per ring; a polygon is its shell less its holes;
	// a multipolygon is the union of its parts), less zero-area pieces:
	// rings are simple, shells counter-clockwise, holes clockwise, parts do
	// not overlap. Crossing points are rounded to float64.
	Geometry orb.MultiPolygon
	Defects  []Defect
}

// Repair makes mp valid (see Repaired) without modifying it. Rings need at
// least 4 positions and must be closed (as after geo.NormaliseGeometry).
// Rings that are already simple are used as they are (shared, not copied).
func Repair(mp orb.MultiPolygon) Repaired {
	var r repairer
	return r.repair(mp)
}

// ringRef is one ring of the geometry being repaired.
type ringRef struct {
	part, ring int
	pts        orb.Ring // closed, without consecutive duplicates
	first      int32    // the id of its first edge
}

type repairer struct {
	rings   []ringRef
	ringOf  []int32       // edge id → ring
	inserts [][]orb.Point // edge id → points to insert (self contacts)
	self    []bool        // ring → has self contacts
	defects []Defect
	segs    []seg
	snap    snapper
}

func (r *repairer) defect(what string, at orb.Point) {
	r.defects = append(r.defects, Defect{What: what, At: at})
}

func (r *repairer) repair(mp orb.MultiPolygon) Repaired {
	r.flatten(mp)
	partBad := make([]bool, len(mp)) // rings of the part cross, or a ring is not simple
	gridBad := false                 // parts overlap
	r.sweep(func(ri, rj int, crossOrOverlap bool) {
		a, b := r.rings[ri], r.rings[rj]
		if a.part != b.part {
			gridBad = true
			return
		}
		partBad[a.part] = true
	})
	for i, rr := range r.rings {
		if r.self[i] {
			partBad[rr.part] = true
		}
	}
	out := Repaired{}
	var parts orb.MultiPolygon
	for pi := range mp {
		parts = append(parts, r.part(pi, partBad[pi])...)
	}
	if !gridBad && len(mp) > 1 {
		gridBad = r.partsNest(mp)
	}
	if gridBad && len(parts) > 1 {
		parts = Union(parts)
	}
	out.Geometry = parts
	out.Defects = r.defects
	return out
}

// flatten lists the rings, dropping consecutive duplicates (a defect) and
// rings with fewer than three distinct points (zero area).
func (r *repairer) flatten(mp orb.MultiPolygon) {
	var edges int32
	for pi, pg := range mp {
		for ki, ring := range pg {
			pts := ring
			for k := 1; k < len(ring); k++ {
				if ring[k] == ring[k-1] {
					r.defect(WhatDuplicatePoint, ring[k])
					pts = dedupe(ring)
					break
				}
			}
			if len(pts) < 4 {
				if len(ring) > 0 {
					r.defect(WhatZeroArea, ring[0])
				}
				if ki == 0 {
					break // the part has no shell
				}
				continue
			}
			r.rings = append(r.rings, ringRef{part: pi, ring: ki, pts: pts, first: edges})
			edges += int32(len(pts) - 1)
		}
	}
	r.ringOf = make([]int32, edges)
	r.inserts = make([][]orb.Point, edges)
	r.self = make([]bool, len(r.rings))
	for i, rr := range r.rings {
		for k := range len(rr.pts) - 1 {
			r.ringOf[rr.first+int32(k)] = int32(i)
		}
	}
}

func dedupe(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r))
	for _, p := range r {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	return out
}

// edge returns the ends of edge id.
func (r *repairer) edge(id int32) (orb.Point, orb.Point) {
	rr := &r.rings[r.ringOf[id]]
	k := id - rr.first
	return rr.pts[k], rr.pts[k+1]
}

// adjacent reports whether edges i and j of the same ring follow each other.
func (r *repairer) adjacent(i, j int32) bool {
	rr := &r.rings[r.ringOf[i]]
	n := int32(len(rr.pts) - 1)
	d := i - j
	return d == 1 || d == -1 || d == n-1 || d == 1-n
}

// sweep finds every contact between edges. Contacts of a ring with itself
// become defects and insertion points (for splitting the ring into simple
// loops); contacts between rings are reported to between, with whether they
// cross or overlap (a defect) rather than touch at a point (allowed).
func (r *repairer) sweep(between func(ri, rj int, crossOrOverlap bool)) {
	r.segs = r.segs[:0]
	for i, rr := range r.rings {
		n := len(rr.pts) - 1
		for k := range n {
			r.segs = append(r.segs, newSeg(rr.pts[k], rr.pts[k+1], rr.first+int32(k), 0))
		}
		r.spikes(i)
	}
	sweepPairs(r.segs, false, func(s, t *seg) bool {
		ri, rj := r.ringOf[s.id], r.ringOf[t.id]
		if ri == rj && r.adjacent(s.id, t.id) {
			return true // spikes were found above
		}
		c := contactOf(s.a, s.b, t.a, t.b)
		if c.kind == contactNone {
			return true
		}
		if ri != rj {
			if c.kind == contactTouch && !r.crossAt(c.at, s.id, t.id) {
				// Two rings may touch at a point: a hole's vertex on its
				// shell's edge, two parts sharing a vertex. (They still
				// leave the fast path: a touch may hide a ring inside
				// another.)
				between(int(ri), int(rj), false)
				return true
			}
			between(int(ri), int(rj), true)
			what := WhatRingsCross
			if r.rings[ri].part != r.rings[rj].part {
				what = WhatPartsOverlap
			}
			r.defect(what, c.at)
			return true
		}
		r.self[ri] = true
		switch c.kind {
		case contactCross:
			at := r.snap.point(c.at)
			r.defect(WhatSelfIntersection, at)
			r.inserts[s.id] = append(r.inserts[s.id], at)
			r.inserts[t.id] = append(r.inserts[t.id], at)
		case contactTouch, contactOverlap:
			what := WhatSelfTouch
			if c.kind == contactOverlap {
				what = WhatSelfOverlap
			}
			r.defect(what, c.at)
			r.insertOnEdge(s.id, t.a, t.b)
			r.insertOnEdge(t.id, s.a, s.b)
		}
		return true
	})
}

// insertOnEdge records the points among p, q that lie strictly inside edge
// id (collinear touches and overlaps).
func (r *repairer) insertOnEdge(id int32, p, q orb.Point) {
	a, b := r.edge(id)
	for _, x := range [2]orb.Point{p, q} {
		if orient(a, b, x) == 0 && strictlyBetween(x, a, b) {
			r.inserts[id] = append(r.inserts[id], x)
		}
	}
}

// spikes finds the vertices of ring i where it turns back on itself (the
// two edges there overlap), recording them and the points to insert.
func (r *repairer) spikes(i int) {
	rr := &r.rings[i]
	n := len(rr.pts) - 1
	for k := range n {
		prev, cur, next := rr.pts[(k+n-1)%n], rr.pts[k], rr.pts[k+1]
		if orient(prev, cur, next) != 0 {
			continue
		}
		if (cur[0]-prev[0])*(next[0]-cur[0])+(cur[1]-prev[1])*(next[1]-cur[1]) >= 0 {
			continue // straight on
		}
		r.defect(WhatSpike, cur)
		r.self[i] = true
		in, out := rr.first+int32((k+n-1)%n), rr.first+int32(k)
		if strictlyBetween(next, prev, cur) {
			r.inserts[in] = append(r.inserts[in], next)
		} else if strictlyBetween(prev, cur, next) {
			r.inserts[out] = append(r.inserts[out], prev)
		}
	}
}

type contactKind uint8

const (
	contactNone    contactKind = iota
	contactTouch               // meet at a point that is an end of one of them
	contactCross               // cross at a point inside both
	contactOverlap             // collinear, sharing more than a point
)

type contact struct {
	kind contactKind
	at   orb.Point
}

// contactOf classifies how segments a–b and c–d meet. Exact, but for the
// crossing point, which is rounded.
func contactOf(a, b, c, d orb.Point) contact {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	if o1 != 0 && o1 == o2 {
		return contact{}
	}
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o3 != 0 && o3 == o4 {
		return contact{}
	}
	if o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 {
		return contact{kind: contactCross, at: crossing(a, b, c, d)}
	}
	if o1 == 0 && o2 == 0 { // collinear
		var in []orb.Point
		for _, p := range [4]struct {
			p, s, e orb.Point
		}{{c, a, b}, {d, a, b}, {a, c, d}, {b, c, d}} {
			if strictlyBetween(p.p, p.s, p.e) {
				in = append(in, p.p)
			}
		}
		same := (a == c && b == d) || (a == d && b == c)
		if len(in) > 0 || same {
			at := a
			if len(in) > 0 {
				at = in[0]
			}
			return contact{kind: contactOverlap, at: at}
		}
		switch {
		case a == c || a == d:
			return contact{kind: contactTouch, at: a}
		case b == c || b == d:
			return contact{kind: contactTouch, at: b}
		}
		return contact{}
	}
	// One end lies on the other segment.
	switch {
	case o1 == 0 && onSegment(c, a, b):
		return contact{kind: contactTouch, at: c}
	case o2 == 0 && onSegment(d, a, b):
		return contact{kind: contactTouch, at: d}
	case o3 == 0 && onSegment(a, c, d):
		return contact{kind: contactTouch, at: a}
	case o4 == 0 && onSegment(b, c, d):
		return contact{kind: contactTouch, at: b}
	}
	return contact{}
}

// part assembles part pi: fast when its rings are simple, do not cross, and
// its holes lie inside its shell and outside each other; otherwise each
// ring's region is computed (ringRegion) and the holes are cut out
// (Difference). The polygons it returns do not overlap each other.
func (r *repairer) part(pi int, bad bool) orb.MultiPolygon {
	var shell *ringRef
	var holes []*ringRef
	var shellIdx int
	var holeIdx []int
	for i := range r.rings {
		rr := &r.rings[i]
		if rr.part != pi {
			continue
		}
		if rr.ring == 0 {
			shell, shellIdx = rr, i
		} else {
			holes = append(holes, rr)
			holeIdx = append(holeIdx, i)
		}
	}
	if shell == nil {
		return nil
	}
	if !bad {
		bad = r.holesMisplaced(shell, holes)
	}
	if !bad {
		pg := make(orb.Polygon, 0, 1+len(holes))
		pg = append(pg, oriented(shell.pts, true))
		for _, h := range holes {
			pg = append(pg, oriented(h.pts, false))
		}
		return orb.MultiPolygon{pg}
	}
	shellMP := r.ringRegion(shellIdx)
	var holeMP orb.MultiPolygon
	for _, hi := range holeIdx {
		holeMP = append(holeMP, r.ringRegion(hi)...)
	}
	if len(shellMP) == 0 || len(holeMP) == 0 {
		return shellMP
	}
	return Difference(shellMP, holeMP)
}

// oriented returns r counter-clockwise (ccw) or clockwise, reversing a copy
// when needed.
func oriented(r orb.Ring, ccw bool) orb.Ring {
	if (shoelace(r) > 0) == ccw {
		return r
	}
	c := slices.Clone(r)
	slices.Reverse(c)
	return c
}

// shoelace is the signed area of a closed ring in square degrees, relative to
// its first point.
func shoelace(r []orb.Point) float64 {
	var a float64
	for i := 1; i+1 < len(r); i++ {
		a += (r[i][0]-r[0][0])*(r[i+1][1]-r[0][1]) - (r[i+1][0]-r[0][0])*(r[i][1]-r[0][1])
	}
	return a / 2
}

// holesMisplaced reports (and records as defects) holes outside the shell
// and holes inside other holes, for rings known not to cross.
func (r *repairer) holesMisplaced(shell *ringRef, holes []*ringRef) bool {
	bad := false
	for i, h := range holes {
		if insideRing(h.pts, shell.pts) < 0 {
			r.defect(WhatHoleOutside, h.pts[0])
			bad = true
		}
		hb := ringBound(h.pts)
		for j, g := range holes {
			if i == j || !ringBound(g.pts).Contains(hb.Min) || !ringBound(g.pts).Contains(hb.Max) {
				continue
			}
			if insideRing(h.pts, g.pts) > 0 {
				r.defect(WhatNestedHoles, h.pts[0])
				bad = true
			}
		}
	}
	return bad
}

// insideRing tells whether ring a (which does not cross ring b) lies inside
// b (+1), outside (-1), or could not be told (0: every vertex on b).
func insideRing(a, b []orb.Point) int {
	for _, p := range a[:len(a)-1] {
		if pos := ringPosition(p, b); pos != 0 {
			return pos
		}
	}
	for k := 0; k+1 < len(a); k++ {
		m := orb.Point{(a[k][0] + a[k+1][0]) / 2, (a[k][1] + a[k+1][1]) / 2}
		if pos := ringPosition(m, b); pos != 0 {
			return pos
		}
	}
	return 0
}

func ringBound(r []orb.Point) orb.Bound {
	b := orb.Bound{Min: r[0], Max: r[0]}
	for _, p := range r[1:] {
		b = b.Extend(p)
	}
	return b
}

// partsNest reports (and records) parts whose shell lies inside another
// part (and not in one of its holes): parts that do not cross may still
// overlap that way.
func (r *repairer) partsNest(parts orb.MultiPolygon) bool {
	bounds := make([]orb.Bound, len(parts))
	for i, p := range parts {
		bounds[i] = ringBound(p[0])
	}
	for i, p := range parts {
		for j, q := range parts {
			if i == j || !bounds[j].Contains(bounds[i].Min) || !bounds[j].Contains(bounds[i].Max) {
				continue
			}
			if insideRing(p[0], q[0]) <= 0 {
				continue
			}
			inHole := false
			for _, h := range q[1:] {
				if insideRing(p[0], h) > 0 {
					inHole = true
					break
				}
			}
			if !inHole {
				r.defect(WhatPartsOverlap, p[0][0])
				return true
			}
		}
	}
	return false
}

// ringRegion returns the region ring i encloses under the non-zero rule as
// valid polygons: the ring is cut at its self contacts, the pieces with
// wound ground on one side and not on the other are kept (boundary), cut
// into simple loops and nested into shells and holes.
func (r *repairer) ringRegion(i int) orb.MultiPolygon {
	rr := &r.rings[i]
	if !r.self[i] {
		return orb.MultiPolygon{{oriented(rr.pts, true)}}
	}
	edges := splitEdges(nil, rr.pts, r.inserts[rr.first:rr.first+int32(len(rr.pts)-1)])
	out := regionOf(nestLoops(simpleLoops(boundary(edges, func(w int) bool { return w != 0 }))))
	if len(out) == 0 {
		r.defect(WhatZeroArea, rr.pts[0])
	}
	return out
}

// collinear reports whether every point of the closed loop l lies on one
// line (a loop with no area).
func collinear(l []orb.Point) bool {
	a := l[0]
	k := 1
	for k < len(l) && l[k] == a {
		k++
	}
	if k == len(l) {
		return true
	}
	b := l[k]
	for _, p := range l[k+1:] {
		if orient(a, b, p) != 0 {
			return false
		}
	}
	return true
}

// String describes d.
func (d Defect) String() string {
	return fmt.Sprintf("%s at (%v %v)", d.What, d.At[0], d.At[1])
}

// crossAt reports whether the rings of edges e and f, which meet at x (a
// vertex of one or both), cross there: the ring of f passes from one side
// of the ring of e to the other. Exact.
func (r *repairer) crossAt(x orb.Point, e, f int32) bool {
	ep, en := r.around(x, e)
	fp, fn := r.around(x, f)
	sp, okp := side(x, en, ep, fp)
	sn, okn := side(x, en, ep, fn)
	return okp && okn && sp != sn
}

// around returns the points before and after x along the ring of edge e,
// where x is on e.
func (r *repairer) around(x orb.Point, e int32) (orb.Point, orb.Point) {
	rr := &r.rings[r.ringOf[e]]
	n := int32(len(rr.pts) - 1)
	k := e - rr.first
	a, b := rr.pts[k], rr.pts[k+1]
	switch x {
	case a:
		return rr.pts[(k+n-1)%n], b
	case b:
		return a, rr.pts[(k+2)%n]
	}
	return a, b
}

// side tells in which of the two sectors the rays from o through from and
// through to divide the plane p lies: true for the one swept
// counter-clockwise from from to to. ok is false when p is on either ray.
func side(o, from, to, p orb.Point) (in, ok bool) {
	// rel orders directions by the counter-clockwise angle from from.
	rel := func(q orb.Point) (int, bool) {
		switch s := orient(o, from, q); {
		case s > 0:
			return 0, true
		case s < 0:
			return 1, true
		}
		// On from's line: the same way (angle 0) or the other (π).
		same := (q[0]-o[0])*(from[0]-o[0])+(q[1]-o[1])*(from[1]-o[1]) > 0
		if same {
			return 0, false
		}
		return 1, true
	}
	hp, okp := rel(p)
	if !okp {
		return false, false // on the ray through from
	}
	ht, _ := rel(to)
	if hp != ht {
		return hp < ht, true
	}
	switch s := orient(o, to, p); {
	case s < 0:
		return true, true // p comes before to
	case s > 0:
		return false, true
	}
	return false, false // on the ray through to
}

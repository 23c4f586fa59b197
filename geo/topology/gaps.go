package topology

import (
	"math"

	"github.com/paulmach/orb"
)

// Gaps are found without overlaying the grids themselves one with another.
// Every ring of a repaired grid has the grid's interior on its left, so the
// number of grids covering a point is the winding number of all their rings
// together; an edge and its reverse (two neighbours sharing a boundary)
// change nothing and cancel. What is left is the free boundary: the outline
// of the whole group plus whatever does not match (about 4% of the edges of
// the national data). The free edges are noded and the boundary of the
// covered ground is found as in overlay.go; its clockwise loops enclose the
// ground covered by none. A gap is a bounded connected region covered by
// none: such a loop less the covered islands directly in it. Regions that meet at a single point are not connected, so a pocket of
// uncovered ground that opens onto the outside through one point only is a
// gap. Each gap is still confirmed by an exact point test against the grids
// before it is reported, in case rounding at a computed crossing point left
// two loops crossing.
//
// The gaps in a parent are simply the parent less its children
// (Difference), computed the same way.

// rootGaps returns the bounded regions covered by none of the polygons of
// mp (valid each; they may overlap), each as a polygon (shell
// counter-clockwise, with the covered islands inside it as holes).
func rootGaps(mp orb.MultiPolygon) orb.MultiPolygon {
	return holesOf(nestLoops(simpleLoops(boundary(polygonEdges(nil, mp, false), atLeast(1)))))
}

// node cuts the edges wherever another edge touches or crosses them, so
// that edges meet only at their ends. A cut at a computed (rounded)
// crossing point bends the edge by an ulp, which may make it cross a
// nearly parallel neighbour: the sweep is repeated until a round cuts
// nothing (two rounds, nearly always; at most maxNodeRounds).
func node(edges []dedge) []dedge {
	for range maxNodeRounds {
		var cut bool
		if edges, cut = nodeOnce(edges); !cut {
			break
		}
	}
	return edges
}

const maxNodeRounds = 6

// nodeOnce cuts the edges at every contact found in one sweep and reports
// whether it cut any.
func nodeOnce(edges []dedge) ([]dedge, bool) {
	segs := make([]seg, len(edges))
	for i, e := range edges {
		segs[i] = newSeg(e.a, e.b, int32(i), 0)
	}
	inserts := make(map[int32][]orb.Point)
	var snap snapper
	sweepPairs(segs, false, func(s, t *seg) bool {
		c := contactOf(s.a, s.b, t.a, t.b)
		switch c.kind {
		case contactCross:
			at, ok := nearEnd(c.at, s, t)
			if !ok {
				at = snap.point(c.at)
			}
			if at != s.a && at != s.b {
				inserts[s.id] = append(inserts[s.id], at)
			}
			if at != t.a && at != t.b {
				inserts[t.id] = append(inserts[t.id], at)
			}
		case contactTouch, contactOverlap:
			for _, x := range [2]orb.Point{t.a, t.b} {
				if orient(s.a, s.b, x) == 0 && strictlyBetween(x, s.a, s.b) {
					inserts[s.id] = append(inserts[s.id], x)
				}
			}
			for _, x := range [2]orb.Point{s.a, s.b} {
				if orient(t.a, t.b, x) == 0 && strictlyBetween(x, t.a, t.b) {
					inserts[t.id] = append(inserts[t.id], x)
				}
			}
		}
		return true
	})
	if len(inserts) == 0 {
		return edges, false
	}
	out := make([]dedge, 0, len(edges)+2*len(inserts))
	var one [1][]orb.Point
	for i, e := range edges {
		ins, ok := inserts[int32(i)]
		if !ok {
			out = append(out, e)
			continue
		}
		one[0] = ins
		out = splitEdges(out, []orb.Point{e.a, e.b}, one[:])
	}
	return out, true
}

// nearEnd returns the end of s or t that the computed crossing point at
// lies within snapCell of, if any. Two nearly collinear edges starting an
// ulp apart cross next to their ends; cutting them there at a new rounded
// point makes two new such edges, round after round, so the crossing is
// moved onto the end instead (which bends the other edge by an ulp).
func nearEnd(at orb.Point, s, t *seg) (orb.Point, bool) {
	for _, q := range [4]orb.Point{s.a, s.b, t.a, t.b} {
		if math.Abs(q[0]-at[0]) <= snapCell && math.Abs(q[1]-at[1]) <= snapCell {
			return q, true
		}
	}
	return orb.Point{}, false
}

package topology

import (
	"cmp"
	"slices"

	"github.com/paulmach/orb"
)

// dedge is a directed edge.
type dedge struct{ a, b orb.Point }

// comparePoints orders points by x, then y.
func comparePoints(p, q orb.Point) int {
	if c := cmp.Compare(p[0], q[0]); c != 0 {
		return c
	}
	return cmp.Compare(p[1], q[1])
}

// simpleLoops turns a balanced set of directed edges (as many leaving as
// entering each point, as the edges of closed rings are) that meet only at
// their ends (noded), with no edge given twice or with its reverse (as
// boundary returns them), into closed loops that neither pass through a
// point twice nor cross each other, each edge keeping its direction:
//
//   - at each point the entering edges are paired with the leaving ones
//     without crossing (in angular order, as brackets are matched);
//   - the resulting closed walks are cut where they pass through a point
//     again.
//
// Loops of fewer than three distinct points are dropped.
func simpleLoops(edges []dedge) [][]orb.Point {
	if len(edges) == 0 {
		return nil
	}
	next := pairAtPoints(edges)
	var loops [][]orb.Point
	used := make([]bool, len(edges))
	var walk []orb.Point
	for s := range edges {
		if used[s] {
			continue
		}
		walk = walk[:0]
		for e := int32(s); !used[e]; e = next[e] {
			used[e] = true
			walk = append(walk, edges[e].a)
		}
		walk = append(walk, walk[0])
		loops = appendSplit(loops, walk)
	}
	return loops
}

// cancelOpposite removes pairs of an edge and its reverse, keeping the
// net number of copies of each segment in its net direction.
func cancelOpposite(edges []dedge) []dedge {
	out := edges[:0] // netEdges has copied what it needs
	for _, w := range netEdges(edges) {
		for n := w.m; n > 0; n-- {
			out = append(out, dedge{w.a, w.b})
		}
		for n := w.m; n < 0; n++ {
			out = append(out, dedge{w.b, w.a})
		}
	}
	return out
}

// pairAtPoints returns, for each edge, the edge to follow it at its end
// point: around each point the ends of the edges are sorted by angle and
// each entering edge is matched with a leaving one as brackets are, so that
// no two pairs cross.
func pairAtPoints(edges []dedge) []int32 {
	type end struct {
		at, to orb.Point // the point, and the other end of the edge
		e      int32
		in     bool // the edge enters the point
	}
	ends := make([]end, 0, 2*len(edges))
	for i, e := range edges {
		ends = append(ends, end{at: e.a, to: e.b, e: int32(i)}, end{at: e.b, to: e.a, e: int32(i), in: true})
	}
	slices.SortFunc(ends, func(p, q end) int {
		if c := comparePoints(p.at, q.at); c != 0 {
			return c
		}
		return compareAngle(p.at, p.to, q.to)
	})
	next := make([]int32, len(edges))
	var stack []int32
	for i := 0; i < len(ends); {
		j := i
		for j < len(ends) && ends[j].at == ends[i].at {
			j++
		}
		group := ends[i:j]
		// Start after the lowest running count, so that matching never
		// meets a leaving edge with no entering one open.
		start, run, low := 0, 0, 0
		for k, x := range group {
			if x.in {
				run++
			} else {
				run--
			}
			if run < low {
				low, start = run, k+1
			}
		}
		stack = stack[:0]
		for k := range group {
			x := group[(start+k)%len(group)]
			if x.in {
				stack = append(stack, x.e)
			} else if len(stack) > 0 {
				next[stack[len(stack)-1]] = x.e
				stack = stack[:len(stack)-1]
			}
		}
		i = j
	}
	return next
}

// compareAngle orders the directions from o towards p and q
// counter-clockwise from the positive x axis (exact).
func compareAngle(o, p, q orb.Point) int {
	hp, hq := half(o, p), half(o, q)
	if hp != hq {
		return cmp.Compare(hp, hq)
	}
	return -orient(o, p, q)
}

// half is 0 for directions from o in [0°, 180°), 1 for [180°, 360°).
func half(o, p orb.Point) int {
	if p[1] > o[1] || (p[1] == o[1] && p[0] > o[0]) {
		return 0
	}
	return 1
}

// appendSplit cuts the closed walk w where it passes through a point again
// and appends the loops of three or more distinct points.
func appendSplit(loops [][]orb.Point, w []orb.Point) [][]orb.Point {
	stack := make([]orb.Point, 0, len(w))
	var pos map[orb.Point]int
	if len(w) > 32 {
		pos = make(map[orb.Point]int, len(w))
	}
	find := func(p orb.Point) (int, bool) {
		if pos != nil {
			k, ok := pos[p]
			return k, ok
		}
		for k, q := range stack {
			if q == p {
				return k, true
			}
		}
		return 0, false
	}
	for _, p := range w {
		if k, ok := find(p); ok {
			if len(stack)-k >= 3 {
				l := make([]orb.Point, 0, len(stack)-k+1)
				l = append(l, stack[k:]...)
				loops = append(loops, append(l, p))
			}
			if pos != nil {
				for _, q := range stack[k+1:] {
					delete(pos, q)
				}
			}
			stack = stack[:k+1]
			continue
		}
		if pos != nil {
			pos[p] = len(stack)
		}
		stack = append(stack, p)
	}
	return loops
}

// splitEdges returns the edges of the closed ring pts with the points of
// inserts[k] (lying on edge k) inserted, in order along each edge.
func splitEdges(dst []dedge, pts []orb.Point, inserts [][]orb.Point) []dedge {
	for k := 0; k+1 < len(pts); k++ {
		a, b := pts[k], pts[k+1]
		var ins []orb.Point
		if inserts != nil {
			ins = inserts[k]
		}
		if len(ins) > 1 {
			slices.SortFunc(ins, func(p, q orb.Point) int { return cmp.Compare(along(p, a, b), along(q, a, b)) })
		}
		prev := a
		for _, p := range ins {
			if p != prev && p != b {
				dst = append(dst, dedge{prev, p})
				prev = p
			}
		}
		dst = append(dst, dedge{prev, b})
	}
	return dst
}

package topology

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Loops that neither cross nor pass through a point twice (simpleLoops)
// nest: each lies inside or outside each other one. The region just inside
// a loop is wound once more (a counter-clockwise loop) or once less
// (clockwise) than the region just outside it, so the winding number of
// every region follows from the nesting tree, and with it which regions a
// set of rings covers under the non-zero rule, or how many grids cover each
// region when the loops come from the free boundary of a group of grids.

// loop is one loop of a nesting tree.
type loop struct {
	pts    []orb.Point // closed
	area   float64     // signed shoelace area in square degrees
	bound  orb.Bound
	parent int // the smallest loop containing it, -1 for none
	w      int // winding number just inside it
	prep   *prepRing
}

// nestLoops returns the loops with their parents and winding numbers,
// larger loops first (so parents come before their children). Loops with
// no area are dropped.
func nestLoops(loops [][]orb.Point) []loop {
	ls := make([]loop, 0, len(loops))
	for _, l := range loops {
		if len(l) < 4 {
			continue
		}
		a := shoelace(l)
		if a == 0 || collinear(l) {
			continue
		}
		ls = append(ls, loop{pts: l, area: a, bound: ringBound(l), parent: -1})
	}
	slices.SortStableFunc(ls, func(a, b loop) int { return cmp.Compare(math.Abs(b.area), math.Abs(a.area)) })
	if len(ls) > 1 {
		findParents(ls)
	}
	for k := range ls {
		s := 1
		if ls[k].area < 0 {
			s = -1
		}
		if p := ls[k].parent; p >= 0 {
			ls[k].w = ls[p].w + s
		} else {
			ls[k].w = s
		}
	}
	return ls
}

// findParents sets each loop's parent: among the larger loops whose box
// holds its box, the smallest one it lies in or on.
func findParents(ls []loop) {
	var tr rtree.RTreeG[int32]
	for k := range ls {
		tr.Insert(ls[k].bound.Min, ls[k].bound.Max, int32(k))
	}
	var cands []int32
	for k := 1; k < len(ls); k++ {
		b := ls[k].bound
		cands = cands[:0]
		tr.Search(b.Min, b.Max, func(min, max [2]float64, j int32) bool {
			if int(j) < k && min[0] <= b.Min[0] && min[1] <= b.Min[1] && max[0] >= b.Max[0] && max[1] >= b.Max[1] {
				cands = append(cands, j)
			}
			return true
		})
		slices.Sort(cands) // larger index: smaller loop
		for c := len(cands) - 1; c >= 0; c-- {
			// Inside, or on it all along: a loop running over another
			// (an edge of two polygons, same way round) winds once more.
			j := cands[c]
			if ls[j].inside(ls[k].pts) >= 0 {
				ls[k].parent = int(j)
				break
			}
		}
	}
}

// inside tells whether loop a (which does not cross l) lies inside l (+1),
// outside (-1), or could not be told (0: every vertex and midpoint on l).
func (l *loop) inside(a []orb.Point) int {
	if l.prep == nil && len(l.pts) > 64 {
		l.prep = prepare(l.pts)
	}
	pos := func(p orb.Point) int {
		if l.prep != nil {
			return l.prep.position(p)
		}
		return ringPosition(p, l.pts)
	}
	for _, p := range a[:len(a)-1] {
		if v := pos(p); v != 0 {
			return v
		}
	}
	for k := 0; k+1 < len(a); k++ {
		if v := pos(midpoint(a[k], a[k+1])); v != 0 {
			return v
		}
	}
	return 0
}

// covered tells whether the region just inside loop k is covered (wound a
// non-zero number of times); -1 stands for the outside of every loop.
func covered(ls []loop, k int) bool { return k >= 0 && ls[k].w != 0 }

// regionOf returns the region the loops cover under the non-zero rule.
func regionOf(ls []loop) orb.MultiPolygon {
	return coverRegion(ls, func(w int) bool { return w != 0 })
}

// coverRegion returns the regions whose winding number satisfies in (which
// must be false for 0, the outside of every loop) as valid polygons: a loop
// between a region outside the result and one inside it is a shell, one
// between a region inside and one outside is a hole of the nearest shell
// around it.
func coverRegion(ls []loop, in func(int) bool) orb.MultiPolygon {
	inside := func(k int) bool {
		if k < 0 {
			return false
		}
		return in(ls[k].w)
	}
	shellOf := make([]int, len(ls))
	var out orb.MultiPolygon
	for k := range ls {
		shellOf[k] = -1
		if inside(k) && !inside(ls[k].parent) {
			shellOf[k] = len(out)
			out = append(out, orb.Polygon{oriented(ls[k].pts, true)})
		}
	}
	for k := range ls {
		if inside(k) || !inside(ls[k].parent) {
			continue
		}
		a := ls[k].parent
		for shellOf[a] < 0 {
			a = ls[a].parent
		}
		out[shellOf[a]] = append(out[shellOf[a]], oriented(ls[k].pts, false))
	}
	return out
}

// holesOf returns the bounded uncovered regions as polygons: a loop with a
// covered region outside and an uncovered one inside, less the covered
// regions directly inside it.
func holesOf(ls []loop) orb.MultiPolygon {
	holeOf := make([]int, len(ls))
	var out orb.MultiPolygon
	for k := range ls {
		holeOf[k] = -1
		if !covered(ls, k) && covered(ls, ls[k].parent) {
			holeOf[k] = len(out)
			out = append(out, orb.Polygon{oriented(ls[k].pts, true)})
		}
	}
	for k := range ls {
		if !covered(ls, k) || covered(ls, ls[k].parent) || ls[k].parent < 0 {
			continue
		}
		a := ls[k].parent
		for holeOf[a] < 0 && a >= 0 {
			a = ls[a].parent
		}
		if a >= 0 {
			out[holeOf[a]] = append(out[holeOf[a]], oriented(ls[k].pts, false))
		}
	}
	return out
}

// prepRing is a closed ring with a strip index: for each horizontal band of
// its box, the edges whose y-range meets it, so that a point test looks at a
// few edges whatever the ring's size.
type prepRing struct {
	pts        []orb.Point
	minY, invH float64
	start      []int32
	edges      []int32
	bands      int
	minX, maxX float64
	maxY       float64
}

func prepare(pts []orb.Point) *prepRing {
	b := ringBound(pts)
	n := len(pts) - 1
	bands := max(1, n/4)
	r := &prepRing{pts: pts, minY: b.Min[1], maxY: b.Max[1], minX: b.Min[0], maxX: b.Max[0], bands: bands}
	h := (b.Max[1] - b.Min[1]) / float64(bands)
	if h <= 0 {
		r.bands, bands, h = 1, 1, 1
	}
	r.invH = 1 / h
	band := func(y float64) int { return min(max(int((y-r.minY)*r.invH), 0), bands-1) }
	count := make([]int32, bands+1)
	for k := range n {
		lo, hi := band(min(pts[k][1], pts[k+1][1])), band(max(pts[k][1], pts[k+1][1]))
		for s := lo; s <= hi; s++ {
			count[s+1]++
		}
	}
	for s := range bands {
		count[s+1] += count[s]
	}
	r.start = slices.Clone(count)
	r.edges = make([]int32, count[bands])
	for k := range n {
		lo, hi := band(min(pts[k][1], pts[k+1][1])), band(max(pts[k][1], pts[k+1][1]))
		for s := lo; s <= hi; s++ {
			r.edges[count[s]] = int32(k)
			count[s]++
		}
	}
	return r
}

// position is ringPosition through the strip index.
func (r *prepRing) position(p orb.Point) int {
	if p[1] < r.minY || p[1] > r.maxY || p[0] < r.minX || p[0] > r.maxX {
		return -1
	}
	s := min(max(int((p[1]-r.minY)*r.invH), 0), r.bands-1)
	w := 0
	for _, k := range r.edges[r.start[s]:r.start[s+1]] {
		a, b := r.pts[k], r.pts[k+1]
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
		} else if b[1] <= p[1] {
			switch o := orient(a, b, p); {
			case o < 0:
				w--
			case o == 0:
				return 0
			}
		}
	}
	if w != 0 {
		return 1
	}
	return -1
}

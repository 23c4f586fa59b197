package main

import (
	"fmt"
	"math"
	"slices"

	"github.com/tidwall/rtree"
)

// The topology step: after the overlay every vertex is rounded to the
// lattice, which leaves the two sides of a shared boundary with vertices that
// may differ by a unit or lack each other's vertices. weld merges vertices
// closer than weldTol; node inserts into every edge each vertex lying within
// nodeTol of it. After both, neighbours have bit-identical vertices along
// their common boundary, which checkTiling verifies exactly.

const (
	weldTol = 2 // lattice units (Chebyshev distance)
	nodeTol = 2 // lattice units (distance from the edge)
)

// weld maps every vertex of rings to a canonical vertex: the first one seen
// within weldTol, with the vertices of fixed taking precedence. The rings are
// rewritten in place and cleaned.
func weld(fixed []pt, rings []*ring) {
	type cell struct{ X, Y int64 }
	const size = 64
	grid := map[cell][]pt{}
	find := func(p pt) (pt, bool) {
		c := cell{floorDiv(p.X, size), floorDiv(p.Y, size)}
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for _, q := range grid[cell{c.X + dx, c.Y + dy}] {
					if abs(q.X-p.X) <= weldTol && abs(q.Y-p.Y) <= weldTol {
						return q, true
					}
				}
			}
		}
		return p, false
	}
	add := func(p pt) pt {
		if q, ok := find(p); ok {
			return q
		}
		c := cell{floorDiv(p.X, size), floorDiv(p.Y, size)}
		grid[c] = append(grid[c], p)
		return p
	}
	for _, p := range fixed {
		add(p)
	}
	for _, r := range rings {
		for i, p := range *r {
			(*r)[i] = add(p)
		}
		*r = r.clean()
	}
}

// node inserts into every edge of rings each vertex of rings (and of extra)
// that lies within nodeTol of the edge's interior, in order along the edge,
// and repeats until nothing changes. It returns the number of vertices
// inserted.
func node(rings []*ring, extra []pt) int {
	total := 0
	for range 8 {
		var tr rtree.RTreeGN[int64, pt]
		seen := map[pt]bool{}
		addPt := func(p pt) {
			if !seen[p] {
				seen[p] = true
				tr.Insert([2]int64{p.X, p.Y}, [2]int64{p.X, p.Y}, p)
			}
		}
		for _, p := range extra {
			addPt(p)
		}
		for _, r := range rings {
			for _, p := range *r {
				addPt(p)
			}
		}
		n := 0
		for _, r := range rings {
			var k int
			*r, k = nodeRing(*r, &tr)
			n += k
		}
		total += n
		if n == 0 {
			break
		}
	}
	return total
}

func nodeRing(r ring, tr *rtree.RTreeGN[int64, pt]) (ring, int) {
	out := make(ring, 0, len(r))
	added := 0
	type cut struct {
		t int64
		p pt
	}
	var cuts []cut
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		out = append(out, a)
		d := b.sub(a)
		dd := d.X*d.X + d.Y*d.Y
		lo := [2]int64{min(a.X, b.X) - nodeTol, min(a.Y, b.Y) - nodeTol}
		hi := [2]int64{max(a.X, b.X) + nodeTol, max(a.Y, b.Y) + nodeTol}
		cuts = cuts[:0]
		tr.Search(lo, hi, func(_, _ [2]int64, v pt) bool {
			if v == a || v == b {
				return true
			}
			w := v.sub(a)
			t := w.X*d.X + w.Y*d.Y
			if t <= 0 || t >= dd {
				return true
			}
			c := float64(d.X*w.Y - d.Y*w.X)
			if c*c <= nodeTol*nodeTol*float64(dd) {
				cuts = append(cuts, cut{t, v})
			}
			return true
		})
		slices.SortFunc(cuts, func(x, y cut) int {
			switch {
			case x.t != y.t:
				return cmpInt(x.t, y.t)
			case x.p.X != y.p.X:
				return cmpInt(x.p.X, y.p.X)
			}
			return cmpInt(x.p.Y, y.p.Y)
		})
		for _, c := range cuts {
			out = append(out, c.p)
		}
		added += len(cuts)
	}
	if added == 0 {
		return r, 0
	}
	return out.clean(), added
}

type edge struct{ a, b pt }

// dissolve merges polygons that tile a region without overlapping (sharing
// edges exactly) into one multipolygon: edges that occur in both directions
// cancel, the rest are traced into rings.
func dissolve(ps []poly) (mpoly, error) {
	count := map[edge]int{}
	var order []edge
	for _, p := range ps {
		for _, r := range p {
			for i := range r {
				e := edge{r[i], r[(i+1)%len(r)]}
				if count[e] == 0 {
					order = append(order, e)
				}
				count[e]++
			}
		}
	}
	var edges []edge
	for _, e := range order {
		back := edge{e.b, e.a}
		n := count[e] - count[back]
		for range n {
			edges = append(edges, e)
		}
	}
	slices.SortFunc(edges, func(x, y edge) int {
		if x.a != y.a {
			return cmpPt(x.a, y.a)
		}
		return cmpPt(x.b, y.b)
	})
	rings, err := trace(edges)
	if err != nil {
		return nil, err
	}
	return assemble(rings), nil
}

// trace follows directed edges (region on the left) into closed rings. At a
// vertex with several ways out it takes the first one clockwise from the way
// back, so rings that touch at a vertex come out as separate rings.
func trace(edges []edge) ([]ring, error) {
	out := map[pt][]int{}
	for i, e := range edges {
		out[e.a] = append(out[e.a], i)
	}
	used := make([]bool, len(edges))
	var rings []ring
	for s := range edges {
		if used[s] {
			continue
		}
		var r ring
		cur := s
		for {
			used[cur] = true
			e := edges[cur]
			r = append(r, e.a)
			back := math.Atan2(float64(e.a.Y-e.b.Y), float64(e.a.X-e.b.X))
			next, best := -1, -1.0
			for _, j := range out[e.b] {
				f := edges[j]
				th := math.Atan2(float64(f.b.Y-f.a.Y), float64(f.b.X-f.a.X)) - back
				for th < 0 {
					th += 2 * math.Pi
				}
				for th >= 2*math.Pi {
					th -= 2 * math.Pi
				}
				if th > best {
					next, best = j, th
				}
			}
			if next == s {
				break
			}
			if next < 0 || used[next] {
				return nil, fmt.Errorf("trace: open boundary at %v", e.b.deg())
			}
			cur = next
		}
		if r = r.clean(); r != nil {
			rings = append(rings, r)
		}
	}
	return rings, nil
}

// assemble sorts rings into shells (counter-clockwise) and holes (clockwise)
// and puts each hole in the smallest shell that covers it. A ring that
// passes twice through a vertex (trace gives one where a hole touches the
// shell) is first split there into simple loops, as OGC validity wants.
func assemble(rings []ring) mpoly {
	var shells, holes []ring
	for _, r := range rings {
		for _, l := range splitLoops(r) {
			if l = l.clean(); l == nil {
				continue
			}
			if l.area2() > 0 {
				shells = append(shells, l)
			} else {
				holes = append(holes, l)
			}
		}
	}
	slices.SortStableFunc(shells, func(a, b ring) int { return cmpInt(b.area2(), a.area2()) })
	out := make(mpoly, len(shells))
	for i, s := range shells {
		out[i] = poly{s}
	}
	for _, h := range holes {
		best := -1
		for i := range out {
			if coversRing(out[i][0], h) && (best < 0 || out[i][0].area2() < out[best][0].area2()) {
				best = i
			}
		}
		if best >= 0 {
			out[best] = append(out[best], h)
		}
	}
	return out
}

// checkTiling verifies exactly that children tile parent: every directed
// edge of the parent is an edge of exactly one child, and every other child
// edge is matched by the reverse edge of another child. With valid rings this
// means the children cover the parent, do not overlap and share their
// boundaries vertex for vertex.
func checkTiling(parent mpoly, children []mpoly) error {
	type use struct{ n, child int }
	count := map[edge]*use{}
	for ci, c := range children {
		for _, p := range c {
			for _, r := range p {
				for i := range r {
					e := edge{r[i], r[(i+1)%len(r)]}
					if u := count[e]; u != nil {
						return fmt.Errorf("edge %v-%v used twice in the same direction (children %d and %d)", e.a.deg(), e.b.deg(), u.child, ci)
					}
					count[e] = &use{1, ci}
				}
			}
		}
	}
	for _, p := range parent {
		for _, r := range p {
			for i := range r {
				e := edge{r[i], r[(i+1)%len(r)]}
				u := count[e]
				if u == nil || u.n != 1 {
					return fmt.Errorf("parent edge %v-%v is not an edge of a child", e.a.deg(), e.b.deg())
				}
				u.n = 0
			}
		}
	}
	for e, u := range count {
		if u.n == 0 {
			continue
		}
		v := count[edge{e.b, e.a}]
		if v == nil || v.n == 0 {
			return fmt.Errorf("edge %v-%v of child %d has no neighbour and is not on the parent's boundary", e.a.deg(), e.b.deg(), u.child)
		}
		if v.child == u.child {
			return fmt.Errorf("edge %v-%v is inside child %d", e.a.deg(), e.b.deg(), u.child)
		}
	}
	return nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func abs(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpPt(a, b pt) int {
	if a.X != b.X {
		return cmpInt(a.X, b.X)
	}
	return cmpInt(a.Y, b.Y)
}

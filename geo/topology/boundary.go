package topology

import (
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// The boundary of a coverage region. Given directed edges whose winding
// number at a point is the (signed) number of polygons covering it, and a
// test in on that number, boundary returns the edges separating ground in
// the result from ground outside it, each once, directed with the result on
// its left: a balanced set without duplicates, which simpleLoops cuts into
// loops that nest (no two share an edge), so nestLoops and regionOf turn
// them into polygons.
//
// The winding numbers on the two sides of an edge differ by its net
// multiplicity (copies of it minus copies of its reverse), and one of them
// is found by casting a ray from the edge's midpoint along +x through a
// strip index of the edges: the count of signed crossings by the other
// edges (with the half-open rule on y, so a vertex on the ray is counted
// once) is the winding number on the edge's east side for a slanted or
// vertical edge, just above it for a horizontal one. The edges must be
// noded (no edge touching another but at their ends), so the midpoint lies
// on no other edge.

// wedge is a directed edge with its net multiplicity.
type wedge struct {
	a, b orb.Point
	m    int32
}

// boundary returns the edges between the regions whose winding number
// satisfies in and those whose does not (see above). in(0) must be false.
func boundary(edges []dedge, in func(int) bool) []dedge {
	ws := netEdges(node(cancelOpposite(edges)))
	if len(ws) == 0 {
		return nil
	}
	st := newStrips(ws)
	var out []dedge
	for i, e := range ws {
		c := st.crossings(i, e.a, e.b)
		var left, right int
		switch {
		case e.a[1] == e.b[1]: // c is the winding just above
			if e.b[0] > e.a[0] { // eastward: its left is above
				left, right = c, c-int(e.m)
			} else {
				left, right = c+int(e.m), c
			}
		case e.b[1] > e.a[1]: // northward: c is on its right (east)
			left, right = c+int(e.m), c
		default: // southward: c is on its left (east)
			left, right = c, c-int(e.m)
		}
		switch li, ri := in(left), in(right); {
		case li && !ri:
			out = append(out, dedge{e.a, e.b})
		case ri && !li:
			out = append(out, dedge{e.b, e.a})
		}
	}
	return out
}

// netEdges merges equal segments into one edge each with its net
// multiplicity (copies one way less copies the other), dropping those that
// cancel.
func netEdges(edges []dedge) []wedge {
	type keyed struct {
		lo, hi orb.Point
		fwd    bool
	}
	ks := make([]keyed, len(edges))
	for i, e := range edges {
		if comparePoints(e.a, e.b) < 0 {
			ks[i] = keyed{e.a, e.b, true}
		} else {
			ks[i] = keyed{e.b, e.a, false}
		}
	}
	slices.SortFunc(ks, func(p, q keyed) int {
		if c := comparePoints(p.lo, q.lo); c != 0 {
			return c
		}
		return comparePoints(p.hi, q.hi)
	})
	var out []wedge
	for i := 0; i < len(ks); {
		j, net := i, int32(0)
		// (comparePoints, not ==: it holds for NaN too, so j always moves.)
		for ; j < len(ks) && comparePoints(ks[j].lo, ks[i].lo) == 0 && comparePoints(ks[j].hi, ks[i].hi) == 0; j++ {
			if ks[j].fwd {
				net++
			} else {
				net--
			}
		}
		if net != 0 {
			out = append(out, wedge{ks[i].lo, ks[i].hi, net})
		}
		i = j
	}
	return out
}

// strips is a strip index of edges by latitude: band s lists the edges
// whose y-range meets it.
type strips struct {
	ws         []wedge
	minY, invH float64
	bands      int
	start      []int32
	edges      []int32
}

func newStrips(ws []wedge) *strips {
	minY, maxY := ws[0].a[1], ws[0].a[1]
	for _, e := range ws {
		minY = min(minY, e.a[1], e.b[1])
		maxY = max(maxY, e.a[1], e.b[1])
	}
	bands := max(1, len(ws)/4)
	h := (maxY - minY) / float64(bands)
	if h <= 0 {
		bands, h = 1, 1
	}
	s := &strips{ws: ws, minY: minY, invH: 1 / h, bands: bands}
	count := make([]int32, bands+1)
	for _, e := range ws {
		lo, hi := s.band(min(e.a[1], e.b[1])), s.band(max(e.a[1], e.b[1]))
		for b := lo; b <= hi; b++ {
			count[b+1]++
		}
	}
	for b := range bands {
		count[b+1] += count[b]
	}
	s.start = slices.Clone(count)
	s.edges = make([]int32, count[bands])
	for i, e := range ws {
		lo, hi := s.band(min(e.a[1], e.b[1])), s.band(max(e.a[1], e.b[1]))
		for b := lo; b <= hi; b++ {
			s.edges[count[b]] = int32(i)
			count[b]++
		}
	}
	return s
}

func (s *strips) band(y float64) int {
	return min(max(int((y-s.minY)*s.invH), 0), s.bands-1)
}

// crossings counts, with their multiplicities and signs, the edges other
// than skip crossing the ray along +x from the midpoint of a–b (half-open
// in y: an edge counts when one end is at or below the point and the other
// above). The midpoint is taken exactly, (a+b)/2, not rounded: on a
// needle-thin spike the rounded midpoint of one side can fall beyond the
// other.
func (s *strips) crossings(skip int, a, b orb.Point) int {
	my := a[1]/2 + b[1]/2 // for the band only
	bd := s.band(my)
	w := 0
	for _, k := range s.edges[s.start[bd]:s.start[bd+1]] {
		if int(k) == skip {
			continue
		}
		e := &s.ws[k]
		lo, hi := e.a, e.b
		up := true
		if lo[1] > hi[1] {
			lo, hi, up = hi, lo, false
		}
		// lo.y ≤ y < hi.y, with y = (a.y + b.y)/2.
		if geo.HalfSumCmp(lo[1], a[1], b[1]) > 0 || geo.HalfSumCmp(hi[1], a[1], b[1]) <= 0 {
			continue
		}
		// The point is left of the upward lo→hi: the ray crosses it.
		if geo.OrientMid(lo, hi, a, b) > 0 {
			if up {
				w += int(e.m)
			} else {
				w -= int(e.m)
			}
		}
	}
	return w
}

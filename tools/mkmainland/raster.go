package main

import (
	"slices"

	"github.com/paulmach/orb"
)

// crossing is where a ring's edge crosses a row's centre line: the
// longitude and +1 for an upward edge, -1 for a downward one.
type crossing struct {
	x   float64
	dir int8
}

// rasterizer turns polygons into mask spans. It keeps its scratch space
// between polygons; it is not safe for concurrent use.
type rasterizer struct {
	g     grid
	cross [][]crossing
}

// add adds to m the cells whose centres lie inside any of polys. Each
// polygon (its outer ring and holes together) is filled by the non-zero
// winding rule, so rings that touch or cross themselves, or holes wound
// either way, are handled; the polygons are then united. m is left
// unnormalised: call m.normalize when done.
func (z *rasterizer) add(m *mask, polys []orb.Polygon) {
	for _, poly := range polys {
		z.polygon(poly, func(r int, s span) { m.rows[r] = append(m.rows[r], s) })
	}
}

// polygon calls emit for every span of cells whose centres lie inside poly,
// row by row from the south; the spans of one row come sorted.
func (z *rasterizer) polygon(poly orb.Polygon, emit func(r int, s span)) {
	b := poly.Bound()
	r0, r1 := z.g.firstRow(b.Min[1]), z.g.firstRow(b.Max[1])
	if r0 >= r1 {
		return // thinner than a row: no cell centre inside
	}
	z.reset(r1 - r0)
	for _, ring := range poly {
		z.addRing(ring, r0)
	}
	for i, cs := range z.cross[:r1-r0] {
		z.sweep(cs, func(s span) { emit(r0+i, s) })
	}
}

func (z *rasterizer) reset(n int) {
	for len(z.cross) < n {
		z.cross = append(z.cross, nil)
	}
	for i := range z.cross[:n] {
		z.cross[i] = z.cross[i][:0]
	}
}

// addRing records the crossings of ring's edges with the centre lines of
// rows r0 onwards. A row's centre line counts as crossed by an edge if it
// lies in [lower end, upper end): an edge's rows depend only on its two
// vertices, so consecutive edges agree about a shared vertex and every
// row sees balanced crossings. An unclosed ring is closed.
func (z *rasterizer) addRing(ring orb.Ring, r0 int) {
	n := len(ring)
	for i := range n {
		p, q := ring[i], ring[(i+1)%n]
		if p[1] == q[1] {
			continue
		}
		dir := int8(1)
		lo, hi := p, q
		if q[1] < p[1] {
			dir, lo, hi = -1, q, p
		}
		ra, rb := z.g.firstRow(lo[1]), z.g.firstRow(hi[1])
		for r := ra; r < rb; r++ {
			yc := z.g.rowCentre(r)
			x := lo[0] + (yc-lo[1])*(hi[0]-lo[0])/(hi[1]-lo[1])
			z.cross[r-r0] = append(z.cross[r-r0], crossing{x, dir})
		}
	}
}

// sweep calls emit for the spans of cells whose centres have a non-zero
// winding number, given one row's crossings.
func (z *rasterizer) sweep(cs []crossing, emit func(span)) {
	slices.SortFunc(cs, func(a, b crossing) int {
		switch {
		case a.x < b.x:
			return -1
		case a.x > b.x:
			return 1
		}
		return int(a.dir) - int(b.dir)
	})
	w := 0
	var start float64
	for _, c := range cs {
		prev := w
		w += int(c.dir)
		switch {
		case prev == 0 && w != 0:
			start = c.x
		case prev != 0 && w == 0:
			if s, e := z.g.firstCol(start), z.g.firstCol(c.x); s < e {
				emit(span{s, e})
			}
		}
	}
}

// normalize normalises every row of m.
func (m *mask) normalize() {
	for i, r := range m.rows {
		m.rows[i] = normalize(r)
	}
}

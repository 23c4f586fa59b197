package geo

import (
	"github.com/paulmach/orb"
)

// cellIndex answers "which polygons may cover p, and which of their rings
// must be tested" in a couple of memory reads. It is an adaptive grid over the
// extent of a set: a root grid of square-ish cells, and cells crossed by many
// edges split 4×4, recursively. Each leaf cell lists, for every polygon that
// covers part of it,
//
//   - "interior": no ring of the polygon comes near the cell and the cell is
//     inside the shell and outside every hole, so every point of the cell is
//     strictly inside the polygon; or
//   - "test rings r1…rk": those rings come near the cell, every other ring is
//     known to leave the cell on the right side (inside the shell, outside the
//     holes), so the polygon's answer is that of the listed rings alone, each
//     decided exactly by its own strip index (ring.locate).
//
// Polygons that cover no point of the cell are not listed. Most points of a
// large set fall in interior cells, whatever the size of the rings.
//
// Exactness. Cell boundaries are floats and a point is mapped to a cell by
// float arithmetic, so every classification is made for the cell enlarged by
// a margin far above the rounding error of that mapping; an edge that might
// come within the margin counts as coming near. A ring that does not come
// near the enlarged cell has the same winding number over all of it (the
// enlarged cell is connected), which is its winding number at the cell's
// centre, decided by the exact ring test. So an "interior" claim holds for
// every point that maps to the cell, and the "test" answers are exact.
//
// Layout: roots holds the root cells row by row; the children and records of
// the root cells of rows [8c, 8c+8) (cellChunkRows) are in chunks[c], built by
// one worker. A word with cellChild set holds the index in its chunk's cells
// of its first child, a block of 16; a word with cellInline set is a leaf of
// one record, its first word in the low 32 bits and, for a record testing one
// ring, that ring in the next 30; otherwise the word is a leaf whose records
// are its chunk's recs[lo:lo+n], lo the low 32 bits and n the next 30 (0: an
// empty leaf). A record is poly<<2|recInterior, poly<<2|recShell (test the
// shell only) or poly<<2|recRings, k, r1…rk (test those rings; ring 0 is the
// shell, ring j the hole j−1). Records are in polygon order. used has a bit
// per root cell that is not an empty leaf: it is small enough to stay in
// cache, so points far from every polygon cost no memory access beyond it.
// The index is read-only once built.
type cellIndex struct {
	bound          orb.Bound // of every polygon; points outside it meet none
	x0, y0, cw, ch float64   // root grid origin and cell size, degrees
	invW, invH     float64
	nx, ny         int
	used           []uint64
	roots          []uint64
	chunks         []cellChunk
}

// cellChunk holds the child cells and records of a chunk of root rows.
type cellChunk struct {
	cells []uint64
	recs  []uint32
}

// Record kinds (the low two bits of a record's first word).
const (
	recInterior = 0
	recShell    = 1
	recRings    = 2
)

const (
	cellChild  = 1 << 63
	cellInline = 1 << 62
	inlineRing = 1<<30 - 1 // mask of the ring of an inline record (after >>32)
	cellFan    = 4         // children per side of a split cell
	// A cell is split when more than cellMaxEdges edges come near it and
	// they belong to a ring with a strip index (whose test costs a few cache
	// misses) or to more than cellMaxRings rings; ...
	cellMaxEdges = 16
	cellMaxRings = 4
	cellMaxDepth = 5 // ... at most this many times (4⁵ = 1024 times finer)
	// cellMaxHoleDepth: a cell near several rings of one polygon is split
	// whatever its edges, down to this depth.
	cellMaxHoleDepth = 2
	// cellRootEdges: the root grid has about one cell per this many edges
	// (and at least one per polygon).
	cellRootEdges = 8
	cellMaxRoot   = 1 << 22
	// cellMinSize: cells are not split below this size, degrees.
	cellMinSize = 1e-9
)

// cellMargin is how far beyond its boundary a cell is classified, degrees:
// far above the float error of mapping a point to a cell (below 1e-13 for
// coordinates within ±180), far below any meaningful distance.
func cellMargin(size float64) float64 { return 1e-11 + 1e-9*size }

// leaf returns the word of the leaf cell holding p, 0 when p is outside the
// indexed extent or in an empty cell, and the chunk holding its records.
func (ci *cellIndex) leaf(p orb.Point) (uint64, *cellChunk) {
	if !boundCovers(ci.bound, p) {
		return 0, nil
	}
	i := cellIdx((p[0]-ci.x0)*ci.invW, ci.nx)
	j := cellIdx((p[1]-ci.y0)*ci.invH, ci.ny)
	r := j*ci.nx + i
	if ci.used[r>>6]&(1<<(r&63)) == 0 {
		return 0, nil
	}
	w := ci.roots[r]
	ch := &ci.chunks[j/cellChunkRows]
	if w&cellChild != 0 {
		x0, y0 := ci.x0+float64(i)*ci.cw, ci.y0+float64(j)*ci.ch
		cw, chh, invW, invH := ci.cw, ci.ch, ci.invW, ci.invH
		for w&cellChild != 0 {
			cw, chh, invW, invH = cw/cellFan, chh/cellFan, invW*cellFan, invH*cellFan
			i := cellIdx((p[0]-x0)*invW, cellFan)
			j := cellIdx((p[1]-y0)*invH, cellFan)
			x0, y0 = x0+float64(i)*cw, y0+float64(j)*chh
			w = ch.cells[int(uint32(w))+j*cellFan+i]
		}
	}
	return w, ch
}

// records returns the records of a leaf word that is not inline.
func (ch *cellChunk) records(w uint64) []uint32 {
	lo := uint32(w)
	return ch.recs[lo : lo+uint32(w>>32)]
}

// cellIdx is floor(f) clamped to [0, n).
func cellIdx(f float64, n int) int {
	if !(f > 0) {
		return 0
	}
	if f >= float64(n) {
		return n - 1
	}
	return int(f)
}

// locateRings is polygon.locate told which rings to test: the others are
// known to leave p inside the shell and outside the holes.
func (pg *polygon) locateRings(p orb.Point, rings []uint32) Position {
	pos := Interior
	if len(rings) > 0 && rings[0] == 0 {
		if pos = pg.shell.locate(p); pos == Exterior {
			return Exterior
		}
		rings = rings[1:]
	}
	for _, h := range rings {
		switch pg.holes[h-1].locate(p) {
		case Interior:
			return Exterior
		case Boundary:
			pos = Boundary
		}
	}
	return pos
}

// ringOf returns ring r of the polygon: 0 the shell, j the hole j−1.
func (pg *polygon) ringOf(r uint32) *ring {
	if r == 0 {
		return &pg.shell
	}
	return &pg.holes[r-1]
}

// cell is a cell of the grid: south-west corner and size, computed exactly
// as leaf computes them.
type cell struct{ x0, y0, w, h float64 }

// rect is an axis-aligned rectangle.
type rect struct{ x0, y0, x1, y1 float64 }

// grown is the cell enlarged by its margin.
func (c cell) grown() rect {
	m := cellMargin(max(c.w, c.h))
	return rect{c.x0 - m, c.y0 - m, c.x0 + c.w + m, c.y0 + c.h + m}
}

func (c cell) centre() orb.Point { return orb.Point{c.x0 + c.w/2, c.y0 + c.h/2} }

// segMeets reports whether segment a–b may meet rectangle c: true whenever it
// does, and possibly when it misses by less than about 1e-12 degrees.
func segMeets(a, b orb.Point, c rect) bool {
	if max(a[0], b[0]) < c.x0 || min(a[0], b[0]) > c.x1 || max(a[1], b[1]) < c.y0 || min(a[1], b[1]) > c.y1 {
		return false
	}
	if a[0] == b[0] {
		return true // vertical: the bounding boxes overlap
	}
	// The y-range of the segment over [c.x0, c.x1], with a little slack for
	// the rounding of the clip.
	t0 := (c.x0 - a[0]) / (b[0] - a[0])
	t1 := (c.x1 - a[0]) / (b[0] - a[0])
	if t0 > t1 {
		t0, t1 = t1, t0
	}
	t0, t1 = max(t0, 0), min(t1, 1)
	ya, yb := a[1]+t0*(b[1]-a[1]), a[1]+t1*(b[1]-a[1])
	const slack = 1e-12
	return max(ya, yb)+slack >= c.y0 && min(ya, yb)-slack <= c.y1
}

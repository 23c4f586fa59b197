package geo

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// Building a cellIndex. The root grid is classified in chunks of rows, in
// parallel; each chunk keeps its own child cells and records, so the index
// does not depend on scheduling. Within a row, the edges near each root cell
// are gathered through the rings' strip indexes; a cell's rings without edges
// near it are decided at its centre; a busy cell is split 4×4 and its
// children are classified from the parent's edges alone, depth first.

// cellChunkRows is the number of root rows a worker classifies at a time.
const cellChunkRows = 8

// crossRing is one ring of one polygon that comes near a cell, with the
// edges that do (edges[lo:hi] of the content).
type crossRing struct {
	poly, ring uint32
	lo, hi     uint32
}

// cellContent is what one cell holds during the build: the polygons covering
// all of it (full) and the rings coming near it, both sorted by polygon (and
// ring).
type cellContent struct {
	full  []uint32
	cross []crossRing
	edges []uint32
}

func (c *cellContent) reset() {
	c.full, c.cross, c.edges = c.full[:0], c.cross[:0], c.edges[:0]
}

// newCellIndex indexes polys (prepared polygons, in the order their
// records will name them).
func newCellIndex(polys []polygon) *cellIndex {
	ci := &cellIndex{}
	if len(polys) == 0 {
		ci.nx, ci.ny, ci.cw, ci.ch, ci.invW, ci.invH = 1, 1, 1, 1, 1, 1
		ci.bound = orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}} // covers nothing
		ci.roots = make([]uint64, 1)
		ci.used = make([]uint64, 1)
		ci.chunks = make([]cellChunk, 1)
		return ci
	}
	edges := 0
	ci.bound = polys[0].shell.bound
	for k := range polys {
		ci.bound = ci.bound.Union(polys[k].shell.bound)
		edges += len(polys[k].shell.pts) - 1
		for h := range polys[k].holes {
			edges += len(polys[k].holes[h].pts) - 1
		}
	}
	// Root grid: about max(polygons, edges/cellRootEdges) square cells.
	w, h := ci.bound.Max[0]-ci.bound.Min[0], ci.bound.Max[1]-ci.bound.Min[1]
	want := float64(min(max(len(polys), edges/cellRootEdges), cellMaxRoot))
	side := math.Sqrt(max(w, cellMinSize) * max(h, cellMinSize) / want)
	ci.nx = max(1, min(int(math.Ceil(w/side)), cellMaxRoot))
	ci.ny = max(1, min(int(math.Ceil(h/side)), cellMaxRoot/ci.nx))
	ci.x0, ci.y0 = ci.bound.Min[0], ci.bound.Min[1]
	ci.cw = max(w/float64(ci.nx), cellMinSize)
	ci.ch = max(h/float64(ci.ny), cellMinSize)
	ci.invW, ci.invH = 1/ci.cw, 1/ci.ch

	// Polygons by the chunk of rows they may touch, in polygon order.
	nchunks := (ci.ny + cellChunkRows - 1) / cellChunkRows
	chunkPolys := make([][]uint32, nchunks)
	rows := make([][2]int32, len(polys))
	for k := range polys {
		bd := polys[k].shell.bound
		j0, j1 := ci.span(bd.Min[1], bd.Max[1], ci.y0, ci.ch, ci.ny)
		rows[k] = [2]int32{int32(j0), int32(j1)}
		for c := j0 / cellChunkRows; c <= j1/cellChunkRows; c++ {
			chunkPolys[c] = append(chunkPolys[c], uint32(k))
		}
	}
	ci.roots = make([]uint64, ci.nx*ci.ny)
	ci.chunks = make([]cellChunk, nchunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), nchunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := &cellBuilder{ci: ci, polys: polys}
			for {
				c := int(next.Add(1) - 1)
				if c >= nchunks {
					return
				}
				j0 := c * cellChunkRows
				b.buildChunk(&ci.chunks[c], j0, min(j0+cellChunkRows, ci.ny), chunkPolys[c], rows)
				chunkPolys[c] = nil
			}
		}()
	}
	wg.Wait()
	ci.used = make([]uint64, (ci.nx*ci.ny+63)/64)
	for r, w := range ci.roots {
		if w != 0 {
			ci.used[r>>6] |= 1 << (r & 63)
		}
	}
	return ci
}

// span returns the cells [i0, i1] (of n, origin o, size size) whose
// enlarged extent may meet [lo, hi]. The margin is far above the rounding
// of the division, so no cell is missed.
func (ci *cellIndex) span(lo, hi, o, size float64, n int) (int, int) {
	m := cellMargin(max(ci.cw, ci.ch))
	return cellIdx((lo-m-o)/size, n), cellIdx((hi+m-o)/size, n)
}

// cellBuilder classifies chunks of rows; one per worker.
type cellBuilder struct {
	ci    *cellIndex
	polys []polygon
	out   *cellChunk
	kids  [cellMaxDepth + 1][cellFan * cellFan]cellContent // children's contents, per depth
	last  []uint32                                         // the previous leaf's records, for sharing
	lastW uint64
	holes []int32 // scratch for hole searches

	sizeCells, sizeRecs int // of the previous chunk

	// Per row: the edges near each root cell, and the polygons whose boxes
	// reach it, as counting-sorted lists.
	items     []rowItem
	itemStart []int32
	sorted    []rowItem
	parts     []uint32
	partStart []int32
	partCol   [][2]int32
}

// rowItem is an edge of a ring near a root cell of the current row.
type rowItem struct {
	cell             int32
	poly, ring, edge uint32
}

func (b *cellBuilder) rootCell(i, j int) cell {
	ci := b.ci
	return cell{ci.x0 + float64(i)*ci.cw, ci.y0 + float64(j)*ci.ch, ci.cw, ci.ch}
}

// setWord sets a cell word: w ≥ 0 is out.cells[w], w < 0 the root word
// roots[-1-w].
func (b *cellBuilder) setWord(w int, v uint64) {
	if w < 0 {
		b.ci.roots[-1-w] = v
		return
	}
	b.out.cells[w] = v
}

// buildChunk classifies root rows [j0, j1) from the polygons that may touch
// them (in polygon order).
func (b *cellBuilder) buildChunk(out *cellChunk, j0, j1 int, polys []uint32, rows [][2]int32) {
	ci := b.ci
	b.out, b.last = out, nil
	// Start from the previous chunk's sizes: chunks are alike, so the arrays
	// seldom grow (and leave garbage) or need trimming.
	out.cells = make([]uint64, 0, b.sizeCells+b.sizeCells/8)
	out.recs = make([]uint32, 0, b.sizeRecs+b.sizeRecs/8)
	var content cellContent
	active := make([]uint32, 0, len(polys))
	for j := j0; j < j1; j++ {
		active = active[:0]
		for _, k := range polys {
			if int(rows[k][0]) <= j && j <= int(rows[k][1]) {
				active = append(active, k)
			}
		}
		if len(active) == 0 {
			continue
		}
		b.gatherRow(active, j)
		for i := range ci.nx {
			parts := b.parts[b.partStart[i]:b.partStart[i+1]]
			if len(parts) == 0 {
				continue
			}
			r := b.rootCell(i, j)
			content.reset()
			b.rootContent(&content, parts, b.sorted[b.itemStart[i]:b.itemStart[i+1]], r)
			b.process(&content, r, 0, -1-(j*ci.nx+i))
		}
	}
	b.sizeCells, b.sizeRecs = len(out.cells), len(out.recs)
	if cap(out.cells) > len(out.cells)+len(out.cells)/4 {
		out.cells = slices.Clone(out.cells)
	}
	if cap(out.recs) > len(out.recs)+len(out.recs)/4 {
		out.recs = slices.Clone(out.recs)
	}
}

// gatherRow fills, for row j, the polygons whose boxes reach each root cell
// and the edges near each root cell, both in polygon order (and ring and
// edge order within a polygon).
func (b *cellBuilder) gatherRow(active []uint32, j int) {
	ci := b.ci
	row := b.rootCell(0, j).grown()
	b.items = b.items[:0]
	b.partCol = b.partCol[:0]
	for _, k := range active {
		pg := &b.polys[k]
		bd := pg.shell.bound
		i0, i1 := ci.span(bd.Min[0], bd.Max[0], ci.x0, ci.cw, ci.nx)
		b.partCol = append(b.partCol, [2]int32{int32(i0), int32(i1)})
		b.rowEdges(k, 0, &pg.shell, row.y0, row.y1, j)
		for _, h := range b.holesIn(pg, orb.Bound{Min: orb.Point{bd.Min[0], row.y0}, Max: orb.Point{bd.Max[0], row.y1}}) {
			b.rowEdges(k, uint32(h)+1, &pg.holes[h], row.y0, row.y1, j)
		}
	}
	// Counting sorts by cell, stable.
	b.partStart = slices.Grow(b.partStart[:0], ci.nx+1)[:ci.nx+1]
	clear(b.partStart)
	for _, c := range b.partCol {
		for i := c[0]; i <= c[1]; i++ {
			b.partStart[i+1]++
		}
	}
	for i := range ci.nx {
		b.partStart[i+1] += b.partStart[i]
	}
	b.parts = slices.Grow(b.parts[:0], int(b.partStart[ci.nx]))[:b.partStart[ci.nx]]
	for n, c := range b.partCol {
		for i := c[0]; i <= c[1]; i++ {
			b.parts[b.partStart[i]] = active[n]
			b.partStart[i]++
		}
	}
	copy(b.partStart[1:], b.partStart[:ci.nx])
	b.partStart[0] = 0

	b.itemStart = slices.Grow(b.itemStart[:0], ci.nx+1)[:ci.nx+1]
	clear(b.itemStart)
	for _, it := range b.items {
		b.itemStart[it.cell+1]++
	}
	for i := range ci.nx {
		b.itemStart[i+1] += b.itemStart[i]
	}
	b.sorted = slices.Grow(b.sorted[:0], len(b.items))[:len(b.items)]
	for _, it := range b.items {
		b.sorted[b.itemStart[it.cell]] = it
		b.itemStart[it.cell]++
	}
	copy(b.itemStart[1:], b.itemStart[:ci.nx])
	b.itemStart[0] = 0
}

// rowEdges adds the edges of ring rg (ring ri of polygon k) whose y-range
// meets [ylo, yhi], once for each root cell of row j they may come near, in
// edge order.
func (b *cellBuilder) rowEdges(k, ri uint32, rg *ring, ylo, yhi float64, j int) {
	if rg.bound.Max[1] < ylo || rg.bound.Min[1] > yhi {
		return
	}
	ci := b.ci
	add := func(e uint32) {
		a, c := rg.pts[e], rg.pts[e+1]
		if max(a[1], c[1]) < ylo || min(a[1], c[1]) > yhi {
			return
		}
		i0, i1 := ci.span(min(a[0], c[0]), max(a[0], c[0]), ci.x0, ci.cw, ci.nx)
		for i := i0; i <= i1; i++ {
			if i0 == i1 || segMeets(a, c, b.rootCell(i, j).grown()) {
				b.items = append(b.items, rowItem{int32(i), k, ri, e})
			}
		}
	}
	if rg.strip == nil {
		for e := range uint32(len(rg.pts) - 1) {
			add(e)
		}
		return
	}
	// Through the strip index: each edge once, from the first band of the
	// range that lists it; then back in edge order.
	n := len(b.items)
	bands := len(rg.start) - 1
	s0, s1 := rg.band(ylo, bands), rg.band(yhi, bands)
	for s := s0; s <= s1; s++ {
		for _, e := range rg.edges[rg.start[s]:rg.start[s+1]] {
			a, c := rg.pts[e], rg.pts[e+1]
			if s == s0 || rg.band(min(a[1], c[1]), bands) == s {
				add(e)
			}
		}
	}
	slices.SortFunc(b.items[n:], func(x, y rowItem) int { return int(x.edge) - int(y.edge) })
}

// holesIn returns the positions of the holes of pg whose bounding boxes meet
// bd, in order.
func (b *cellBuilder) holesIn(pg *polygon, bd orb.Bound) []int32 {
	b.holes = b.holes[:0]
	if pg.hidx != nil {
		pg.hidx.Search(bd.Min, bd.Max, func(_, _ [2]float64, h int32) bool {
			b.holes = append(b.holes, h)
			return true
		})
		slices.Sort(b.holes)
		return b.holes
	}
	for h := range pg.holes {
		if pg.holes[h].bound.Intersects(bd) {
			b.holes = append(b.holes, int32(h))
		}
	}
	return b.holes
}

// rootContent fills c for root cell r from the polygons whose boxes reach it
// (in order) and the edges near it (in polygon, ring and edge order): rings
// without edges near the cell are decided at its centre.
func (b *cellBuilder) rootContent(c *cellContent, parts []uint32, items []rowItem, r cell) {
	ctr := r.centre()
	g := r.grown()
	gb := orb.Bound{Min: orb.Point{g.x0, g.y0}, Max: orb.Point{g.x1, g.y1}}
	at := 0
	for _, k := range parts {
		pg := &b.polys[k]
		for at < len(items) && items[at].poly < k {
			at++
		}
		first := at
		for at < len(items) && items[at].poly == k {
			at++
		}
		its := items[first:at]
		cross0, edges0 := len(c.cross), len(c.edges)
		if len(its) > 0 && its[0].ring == 0 {
			n := 0
			for n < len(its) && its[n].ring == 0 {
				n++
			}
			b.addCross(c, k, 0, its[:n])
			its = its[n:]
		} else if !pg.shell.bound.Intersects(gb) {
			continue
		} else {
			switch pg.shell.locate(ctr) {
			case Exterior:
				continue
			case Boundary: // cannot happen; test it to be safe
				c.cross = append(c.cross, crossRing{k, 0, uint32(len(c.edges)), uint32(len(c.edges))})
			}
		}
		// Holes near the cell, then holes that might hold all of it.
		for len(its) > 0 {
			h := its[0].ring
			n := 0
			for n < len(its) && its[n].ring == h {
				n++
			}
			b.addCross(c, k, h, its[:n])
			its = its[n:]
		}
		if b.inHole(pg, ctr, c.cross[cross0:]) {
			c.cross, c.edges = c.cross[:cross0], c.edges[:edges0]
			continue
		}
		if len(c.cross) == cross0 {
			c.full = append(c.full, k)
		}
	}
}

// inHole reports whether p is strictly inside a hole of pg that is not among
// the crossing rings (crossing is sorted by ring). Such a hole holds the
// whole cell.
func (b *cellBuilder) inHole(pg *polygon, p orb.Point, crossing []crossRing) bool {
	if len(pg.holes) == 0 {
		return false
	}
	for _, h := range b.holesIn(pg, orb.Bound{Min: p, Max: p}) {
		if _, near := slices.BinarySearchFunc(crossing, uint32(h)+1, func(c crossRing, r uint32) int { return int(c.ring) - int(r) }); near {
			continue
		}
		if pg.holes[h].locate(p) != Exterior {
			return true // Boundary cannot happen for a hole that is not near
		}
	}
	return false
}

// addCross appends ring ri of polygon k with the edges of its items.
func (b *cellBuilder) addCross(c *cellContent, k, ri uint32, its []rowItem) {
	lo := len(c.edges)
	for _, it := range its {
		c.edges = append(c.edges, it.edge)
	}
	c.cross = append(c.cross, crossRing{k, ri, uint32(lo), uint32(len(c.edges))})
}

// process makes the cell at word w a leaf holding c, or splits it.
func (b *cellBuilder) process(c *cellContent, r cell, depth, w int) {
	if !b.split(c, r, depth) {
		b.leaf(c, w)
		return
	}
	first := len(b.out.cells)
	b.out.cells = append(b.out.cells, make([]uint64, cellFan*cellFan)...)
	b.setWord(w, cellChild|uint64(first))
	kids := &b.kids[depth+1]
	var cells [cellFan * cellFan]cell
	var grown [cellFan * cellFan]rect
	cw, ch := r.w/cellFan, r.h/cellFan // as leaf computes them
	for q := range kids {
		cells[q] = cell{r.x0 + float64(q%cellFan)*cw, r.y0 + float64(q/cellFan)*ch, cw, ch}
		grown[q] = cells[q].grown()
		kids[q].reset()
	}
	m := cellMargin(max(cw, ch))
	span := func(lo, hi, o, size float64) (int, int) { // children [i0, i1] that [lo, hi] may reach
		return cellIdx((lo-m-o)/size, cellFan), cellIdx((hi+m-o)/size, cellFan)
	}
	fi := 0
	for at := 0; at < len(c.cross); {
		k := c.cross[at].poly
		for ; fi < len(c.full) && c.full[fi] < k; fi++ {
			for q := range kids {
				kids[q].full = append(kids[q].full, c.full[fi])
			}
		}
		pg := &b.polys[k]
		var cross0, edges0 [cellFan * cellFan]int
		var dropped [cellFan * cellFan]bool
		for q := range kids {
			cross0[q], edges0[q] = len(kids[q].cross), len(kids[q].edges)
		}
		for ; at < len(c.cross) && c.cross[at].poly == k; at++ {
			cr := c.cross[at]
			rg := pg.ringOf(cr.ring)
			var lo [cellFan * cellFan]int
			for q := range kids {
				lo[q] = len(kids[q].edges)
			}
			for _, e := range c.edges[cr.lo:cr.hi] {
				a, z := rg.pts[e], rg.pts[e+1]
				i0, i1 := span(min(a[0], z[0]), max(a[0], z[0]), r.x0, cw)
				j0, j1 := span(min(a[1], z[1]), max(a[1], z[1]), r.y0, ch)
				for j := j0; j <= j1; j++ {
					for i := i0; i <= i1; i++ {
						q := j*cellFan + i
						if !dropped[q] && ((i0 == i1 && j0 == j1) || segMeets(a, z, grown[q])) {
							kids[q].edges = append(kids[q].edges, e)
						}
					}
				}
			}
			for q := range kids {
				kq := &kids[q]
				switch {
				case dropped[q]:
				case len(kq.edges) > lo[q]:
					kq.cross = append(kq.cross, crossRing{k, cr.ring, uint32(lo[q]), uint32(len(kq.edges))})
				default:
					// No edge of the ring near the child: it leaves all of
					// the child on one side, that of the child's centre.
					switch pos := rg.locate(cells[q].centre()); {
					case pos == Boundary: // cannot happen; test it to be safe
						kq.cross = append(kq.cross, crossRing{k, cr.ring, uint32(lo[q]), uint32(lo[q])})
					case (cr.ring == 0) == (pos == Exterior): // outside the shell or in a hole
						dropped[q] = true
					}
				}
			}
		}
		for q := range kids {
			switch kq := &kids[q]; {
			case dropped[q]:
				kq.cross, kq.edges = kq.cross[:cross0[q]], kq.edges[:edges0[q]]
			case len(kq.cross) == cross0[q]:
				kq.full = append(kq.full, k)
			}
		}
	}
	for q := range kids {
		kids[q].full = append(kids[q].full, c.full[fi:]...)
		b.process(&kids[q], cells[q], depth+1, first+q)
	}
}

// split decides whether cell r, holding c, is worth splitting: several
// rings of one polygon come near it (holes, which one or two splits usually
// separate; rings that touch never separate, hence cellMaxHoleDepth), or
// many edges do and testing the rings they belong to would cost more than a
// cell lookup (a ring with a strip index, or many rings).
func (b *cellBuilder) split(c *cellContent, r cell, depth int) bool {
	if depth >= cellMaxDepth || min(r.w, r.h)/cellFan < cellMinSize {
		return false
	}
	for k := 1; k < len(c.cross) && depth < cellMaxHoleDepth; k++ {
		if c.cross[k-1].poly == c.cross[k].poly {
			return true
		}
	}
	if len(c.edges) <= cellMaxEdges {
		return false
	}
	if len(c.cross) > cellMaxRings {
		return true
	}
	for _, cr := range c.cross {
		if b.polys[cr.poly].ringOf(cr.ring).strip != nil {
			return true
		}
	}
	return false
}

// leaf writes c's records and points word w at them, sharing the previous
// leaf's records when they are the same.
func (b *cellBuilder) leaf(c *cellContent, w int) {
	out := b.out
	lo := len(out.recs)
	fi, xi := 0, 0
	for fi < len(c.full) || xi < len(c.cross) {
		if xi == len(c.cross) || (fi < len(c.full) && c.full[fi] < c.cross[xi].poly) {
			out.recs = append(out.recs, c.full[fi]<<2|recInterior)
			fi++
			continue
		}
		k := c.cross[xi].poly
		n := 0
		for xi+n < len(c.cross) && c.cross[xi+n].poly == k {
			n++
		}
		if n == 1 && c.cross[xi].ring == 0 {
			out.recs = append(out.recs, k<<2|recShell)
		} else {
			out.recs = append(out.recs, k<<2|recRings, uint32(n))
			for _, cr := range c.cross[xi : xi+n] {
				out.recs = append(out.recs, cr.ring)
			}
		}
		xi += n
	}
	recs := out.recs[lo:]
	switch {
	case len(recs) == 0:
		b.setWord(w, 0)
	case len(recs) == 1:
		out.recs = out.recs[:lo]
		b.setWord(w, cellInline|uint64(recs[0]))
	case len(recs) == 3 && recs[0]&3 == recRings && recs[1] == 1 && recs[2] <= inlineRing:
		out.recs = out.recs[:lo]
		b.setWord(w, cellInline|uint64(recs[2])<<32|uint64(recs[0]))
	case slices.Equal(recs, b.last):
		out.recs = out.recs[:lo]
		b.setWord(w, b.lastW)
	default:
		b.last = recs
		b.lastW = uint64(lo) | uint64(len(recs))<<32
		b.setWord(w, b.lastW)
	}
}

package geo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Index answers "which grid owns this point" for one Set. It is built once by
// NewIndex and never changed afterwards, so it is safe for any number of
// concurrent readers.
//
// Layout: every part (polygon) of every grid is prepared once, in one array
// (polys): each ring carries a strip index so the exact point test looks at a
// handful of edges whatever the ring's size, and polygons with many holes
// index their holes. Locate goes through an adaptive cell index over the
// polygons (cells.go), which for most points answers from one leaf cell
// without touching an edge, and otherwise names the few rings to test. An
// R-tree (tidwall/rtree, chosen for its allocation-free search) over each
// grid's bounding box serves the box searches (SearchBound, the nearest-grid
// fallback). The hierarchy (parent, children, path root first) is resolved to
// positions at build time and kept in flat arrays.
type Index struct {
	set      *Set
	nodes    []node
	polys    []polygon // every part of every grid, grid by grid
	polyGrid []int32   // the grid of each polygon
	cells    *cellIndex
	byCode   map[string]int32
	tree     rtree.RTreeG[int32]
	counts   []int   // grids per level rank
	sorted   []int32 // positions in code order
	kids     []int32 // every grid's children, parent by parent
	paths    []int32 // every grid's path, grid by grid
}

type node struct {
	rank           int32
	parent         int32     // -1 for a root
	kidLo, kidHi   uint32    // children: kids[kidLo:kidHi]
	pathLo, pathHi uint32    // paths[pathLo:pathHi]: root first, ending with the node itself
	shape          shape     // parts share polys
	label          orb.Point // strictly inside; see LabelPoint
}

// maxPolygons is the most polygons (parts of grids) an index holds: the
// cell index names a polygon in 30 bits.
const maxPolygons = 1<<30 - 1

// NewIndex builds the index of a validated set (see Set.Validate; an
// unvalidated set may make NewIndex fail or answer wrongly). The set and its
// geometry are kept by reference and must not be modified afterwards.
func NewIndex(s *Set) (*Index, error) {
	ix := &Index{
		set:    s,
		nodes:  make([]node, len(s.Grids)),
		byCode: make(map[string]int32, len(s.Grids)),
		counts: make([]int, len(s.Levels)),
	}
	nparts := 0
	for i := range s.Grids {
		g := &s.Grids[i]
		if _, dup := ix.byCode[g.Code]; dup {
			return nil, &GridError{Index: i, Code: g.Code, Reason: "duplicate code"}
		}
		ix.byCode[g.Code] = int32(i)
		rank := s.Levels.Rank(g.Level)
		if rank < 0 {
			return nil, &GridError{Index: i, Code: g.Code, Reason: fmt.Sprintf("unknown level %q", g.Level)}
		}
		if len(g.Geometry) == 0 {
			return nil, &GridError{Index: i, Code: g.Code, Reason: "empty geometry"}
		}
		ix.counts[rank]++
		ix.nodes[i] = node{rank: int32(rank), parent: -1}
		nparts += len(g.Geometry)
	}
	if nparts > maxPolygons {
		return nil, fmt.Errorf("%w: %d polygons, at most %d can be indexed", ErrInvalidGrid, nparts, maxPolygons)
	}
	if err := ix.linkHierarchy(); err != nil {
		return nil, err
	}
	ix.polys = make([]polygon, nparts)
	ix.polyGrid = make([]int32, 0, nparts)
	first := make([]int, len(s.Grids)+1) // grid i's polygons: polys[first[i]:first[i+1]]
	for i := range s.Grids {
		for range s.Grids[i].Geometry {
			ix.polyGrid = append(ix.polyGrid, int32(i))
		}
		first[i+1] = len(ix.polyGrid)
	}
	// Each grid's preparation and label point are independent of the others.
	parallelFor(len(s.Grids), func(lo, hi int) {
		var xs []float64
		for i := lo; i < hi; i++ {
			n := &ix.nodes[i]
			n.shape = prepareShapeInto(s.Grids[i].Geometry, ix.polys[first[i]:first[i+1]:first[i+1]])
			var p orb.Point
			var ok bool
			if p, ok, xs = n.shape.labelPoint(xs[:0]); ok {
				n.label = p
			} else { // no interior: any vertex is on the grid at least
				n.label = s.Grids[i].Geometry[0][0][0]
			}
		}
	})
	ix.sorted = make([]int32, len(ix.nodes))
	for i := range ix.nodes {
		b := ix.nodes[i].shape.bound
		ix.tree.Insert(b.Min, b.Max, int32(i))
		ix.sorted[i] = int32(i)
	}
	slices.SortFunc(ix.sorted, func(a, b int32) int { return strings.Compare(s.Grids[a].Code, s.Grids[b].Code) })
	ix.cells = newCellIndex(ix.polys)
	return ix, nil
}

// linkHierarchy resolves parents to positions and fills children and paths.
func (ix *Index) linkHierarchy() error {
	s := ix.set
	for i := range s.Grids {
		if p := s.Grids[i].Parent; p != "" {
			j, ok := ix.byCode[p]
			if !ok {
				return &GridError{Index: i, Code: s.Grids[i].Code, Reason: fmt.Sprintf("unknown parent %q", p)}
			}
			ix.nodes[i].parent = j
			ix.nodes[j].kidHi++ // a count for now
		}
	}
	at := uint32(0)
	for i := range ix.nodes {
		n := &ix.nodes[i]
		n.kidLo, n.kidHi, at = at, at, at+n.kidHi
	}
	ix.kids = make([]int32, at)
	depth := 0
	for i := range ix.nodes {
		if p := ix.nodes[i].parent; p >= 0 {
			ix.kids[ix.nodes[p].kidHi] = int32(i)
			ix.nodes[p].kidHi++
		}
		d := 0
		for j := int32(i); j >= 0; j = ix.nodes[j].parent {
			if d++; d > len(ix.nodes) {
				return &GridError{Index: i, Code: s.Grids[i].Code, Reason: "parent cycle"}
			}
		}
		depth += d
	}
	ix.paths = make([]int32, depth)
	at = 0
	for i := range ix.nodes {
		n := &ix.nodes[i]
		n.pathLo, n.pathHi = at, at
		for j := int32(i); j >= 0; j = ix.nodes[j].parent {
			n.pathHi++
		}
		k := n.pathHi
		for j := int32(i); j >= 0; j = ix.nodes[j].parent {
			k--
			ix.paths[k] = j
		}
		at = n.pathHi
	}
	return nil
}

// Set returns the set the index was built from. Do not modify it.
func (ix *Index) Set() *Set { return ix.set }

// Len is the number of grids.
func (ix *Index) Len() int { return len(ix.nodes) }

// Grid returns grid i (0 ≤ i < Len). Do not modify it.
func (ix *Index) Grid(i int32) *Grid { return &ix.set.Grids[i] }

// Lookup returns the position of the grid with the given code.
func (ix *Index) Lookup(code string) (int32, bool) {
	i, ok := ix.byCode[code]
	return i, ok
}

// Path returns the positions of grid i's chain, root first, ending with i.
// The slice is shared: do not modify it.
func (ix *Index) Path(i int32) []int32 {
	n := &ix.nodes[i]
	return ix.paths[n.pathLo:n.pathHi:n.pathHi]
}

// Children returns the positions of grid i's children. Shared: do not modify.
func (ix *Index) Children(i int32) []int32 {
	n := &ix.nodes[i]
	if n.kidLo == n.kidHi {
		return nil
	}
	return ix.kids[n.kidLo:n.kidHi:n.kidHi]
}

// Parent returns the position of grid i's parent, or -1 for a root.
func (ix *Index) Parent(i int32) int32 { return ix.nodes[i].parent }

// LevelCounts returns the number of grids at each level, in rank order.
func (ix *Index) LevelCounts() []int { return ix.counts }

// LabelPoint returns a point strictly inside grid i, never on an edge, for
// placing its map label (for a grid without interior, one of its vertices).
func (ix *Index) LabelPoint(i int32) orb.Point { return ix.nodes[i].label }

// Bound returns the bounding box of grid i.
func (ix *Index) Bound(i int32) orb.Bound { return ix.nodes[i].shape.bound }

// Sorted returns the positions of all grids in code order (byte order). The
// slice is shared: do not modify it.
func (ix *Index) Sorted() []int32 { return ix.sorted }

// SearchBound calls fn for each grid whose bounding box meets b, until fn
// returns false.
func (ix *Index) SearchBound(b orb.Bound, fn func(i int32) bool) {
	ix.tree.Search(b.Min, b.Max, func(_, _ [2]float64, i int32) bool { return fn(i) })
}

// Position tells where p lies relative to grid i's geometry.
func (ix *Index) Position(i int32, p orb.Point) Position {
	return ix.nodes[i].shape.locate(p)
}

// Holder keeps the current Index and swaps in a new one atomically: readers
// call Load and keep using the snapshot they got, so a reload never shows
// them half a set and never blocks them.
type Holder struct{ p atomic.Pointer[Index] }

// Load returns the current index, or nil before the first Store.
func (h *Holder) Load() *Index { return h.p.Load() }

// Store makes ix the current index.
func (h *Holder) Store(ix *Index) { h.p.Store(ix) }

// checkPoint rejects NaN, infinite and out-of-range coordinates.
func checkPoint(p orb.Point) error {
	switch {
	case math.IsNaN(p[0]) || math.IsInf(p[0], 0):
		return fmt.Errorf("%w: lon must be a finite number", ErrInvalidPoint)
	case math.IsNaN(p[1]) || math.IsInf(p[1], 0):
		return fmt.Errorf("%w: lat must be a finite number", ErrInvalidPoint)
	case p[0] < -180 || p[0] > 180:
		return fmt.Errorf("%w: lon must be within [-180,180]", ErrInvalidPoint)
	case p[1] < -90 || p[1] > 90:
		return fmt.Errorf("%w: lat must be within [-90,90]", ErrInvalidPoint)
	}
	return nil
}

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
// Layout: an R-tree (tidwall/rtree, chosen for its allocation-free search and
// O(1) copy-on-write) over each grid's bounding box finds the candidates; each
// candidate's rings carry a strip index so the exact point test looks at a
// handful of edges whatever the ring's size; polygons with many holes index
// their holes too. The hierarchy (parent, children, path root first) is
// resolved to slice positions at build time.
type Index struct {
	set    *Set
	nodes  []node
	byCode map[string]int32
	tree   rtree.RTreeG[int32]
	counts []int   // grids per level rank
	sorted []int32 // positions in code order
}

type node struct {
	rank     int
	parent   int32 // -1 for a root
	children []int32
	path     []int32 // root first, ending with the node itself
	shape    shape
	label    orb.Point // strictly inside; see LabelPoint
}

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
		ix.nodes[i] = node{rank: rank, parent: -1, shape: prepareShape(g.Geometry)}
		b := ix.nodes[i].shape.bound
		ix.tree.Insert(b.Min, b.Max, int32(i))
	}
	for i := range s.Grids {
		if p := s.Grids[i].Parent; p != "" {
			j, ok := ix.byCode[p]
			if !ok {
				return nil, &GridError{Index: i, Code: s.Grids[i].Code, Reason: fmt.Sprintf("unknown parent %q", p)}
			}
			ix.nodes[i].parent = j
			ix.nodes[j].children = append(ix.nodes[j].children, int32(i))
		}
	}
	ix.sorted = make([]int32, len(ix.nodes))
	for i := range ix.nodes {
		ix.sorted[i] = int32(i)
		if p, ok := ix.nodes[i].shape.labelPoint(); ok {
			ix.nodes[i].label = p
		} else { // no interior: any vertex is on the grid at least
			ix.nodes[i].label = s.Grids[i].Geometry[0][0][0]
		}
	}
	slices.SortFunc(ix.sorted, func(a, b int32) int { return strings.Compare(s.Grids[a].Code, s.Grids[b].Code) })
	for i := range ix.nodes {
		var rev []int32
		for j := int32(i); j >= 0; j = ix.nodes[j].parent {
			if len(rev) > len(ix.nodes) {
				return nil, &GridError{Index: i, Code: s.Grids[i].Code, Reason: "parent cycle"}
			}
			rev = append(rev, j)
		}
		path := make([]int32, len(rev))
		for k, j := range rev {
			path[len(rev)-1-k] = j
		}
		ix.nodes[i].path = path
	}
	return ix, nil
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
func (ix *Index) Path(i int32) []int32 { return ix.nodes[i].path }

// Children returns the positions of grid i's children. Shared: do not modify.
func (ix *Index) Children(i int32) []int32 { return ix.nodes[i].children }

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

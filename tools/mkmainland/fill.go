package main

import "slices"

// hole is a filled component: its size and where it is.
type hole struct {
	cells          int64
	rowMin, rowMax int
	colMin, colMax int32
	sumRow, sumCol float64 // for the centroid
}

// fillHoles adds to m every 4-connected set of cells outside m that
// touches neither the edge of the grid nor a cell of keepOut, and returns
// those sets in a deterministic order (by their first cell, row-major).
//
// It works on runs: the gaps of each row are the nodes of a union-find,
// and gaps of adjacent rows sharing a column are joined.
func fillHoles(g grid, m, keepOut *mask) []hole {
	n := int32(g.ncols)
	gaps := make([][]span, g.nrows)
	first := make([]int, g.nrows+1) // node id of each row's first gap
	for r := range g.nrows {
		gaps[r] = complement(m.rows[r], n)
		first[r+1] = first[r] + len(gaps[r])
	}
	uf := newUnionFind(first[g.nrows])
	for r := 1; r < g.nrows; r++ {
		a, b := gaps[r-1], gaps[r]
		for i, j := 0, 0; i < len(a) && j < len(b); {
			if max(a[i].s, b[j].s) < min(a[i].e, b[j].e) {
				uf.union(first[r-1]+i, first[r]+j)
			}
			if a[i].e < b[j].e {
				i++
			} else {
				j++
			}
		}
	}

	// Mark the components that must stay open.
	open := make([]bool, len(uf.parent))
	for r := range g.nrows {
		for i, s := range gaps[r] {
			if r == 0 || r == g.nrows-1 || s.s == 0 || s.e == n || len(intersect([]span{s}, keepOut.rows[r])) > 0 {
				open[uf.find(first[r]+i)] = true
			}
		}
	}

	byRoot := map[int]int{} // root -> index in holes
	var holes []hole
	for r := range g.nrows {
		var add []span
		for i, s := range gaps[r] {
			root := uf.find(first[r] + i)
			if open[root] {
				continue
			}
			add = append(add, s)
			k, ok := byRoot[root]
			if !ok {
				k = len(holes)
				byRoot[root] = k
				holes = append(holes, hole{rowMin: r, colMin: s.s, colMax: s.e})
			}
			h := &holes[k]
			cells := int64(s.e - s.s)
			h.cells += cells
			h.rowMax = r
			h.colMin, h.colMax = min(h.colMin, s.s), max(h.colMax, s.e)
			h.sumRow += float64(r) * float64(cells)
			h.sumCol += (float64(s.s) + float64(s.e-1)) / 2 * float64(cells)
		}
		if len(add) > 0 {
			m.rows[r] = union(m.rows[r], add)
		}
	}
	return slices.Clip(holes)
}

// unionFind is a disjoint-set forest with path halving and union by size.
type unionFind struct{ parent, size []int32 }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = int32(i), 1
	}
	return u
}

func (u *unionFind) find(x int) int {
	for int(u.parent[x]) != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = int(u.parent[x])
	}
	return x
}

func (u *unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = int32(a)
	u.size[a] += u.size[b]
}

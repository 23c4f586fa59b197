package plan

import (
	"context"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// grouping sorts sites into rows: one per grid at one level, in code order,
// and a last row for sites outside every grid at that level.
type grouping struct {
	ix    *geo.Index // nil: no grids, every site is outside
	level string
	grids []int32 // grid positions at level, code order
	rowOf []int32 // grid position → row; -1 for grids at other levels
}

// newGrouping checks level against ix's vocabulary; "" picks the finest level
// that has grids.
func newGrouping(ix *geo.Index, level string) (*grouping, error) {
	g := &grouping{ix: ix, level: level}
	if ix == nil {
		return g, nil
	}
	levels := ix.Set().Levels
	if level == "" {
		counts := ix.LevelCounts()
		for r := len(counts) - 1; r >= 0; r-- {
			if counts[r] > 0 {
				g.level = levels[r]
				break
			}
		}
	} else if levels.Rank(level) < 0 {
		return nil, inputErr("unknown_level", "level", "level must be one of %s", strings.Join(levels, ", "))
	}
	g.rowOf = make([]int32, ix.Len())
	for i := range g.rowOf {
		g.rowOf[i] = -1
	}
	for _, i := range ix.Sorted() {
		if ix.Grid(i).Level == g.level {
			g.rowOf[i] = int32(len(g.grids))
			g.grids = append(g.grids, i)
		}
	}
	return g, nil
}

// outside is the row of sites outside every grid at the level.
func (g *grouping) outside() int { return len(g.grids) }

// row returns the row of the grid owning p at the level.
func (g *grouping) row(p orb.Point) int {
	if g.ix == nil {
		return g.outside()
	}
	if o := g.ix.SiteOwner(p, g.level); o >= 0 && g.rowOf[o] >= 0 {
		return int(g.rowOf[o])
	}
	return g.outside()
}

// rows returns the row of each site, locating them in parallel.
func (g *grouping) rows(ctx context.Context, sites []geo.Site) ([]int32, error) {
	out := make([]int32, len(sites))
	chunks(len(sites), 4096, func(_, lo, hi int) {
		for k := lo; k < hi; k++ {
			if (k-lo)%4096 == 0 && ctx.Err() != nil {
				return
			}
			out[k] = int32(g.row(sites[k].Point))
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// code returns the code of a row's grid, nil for the outside row.
func (g *grouping) code(row int) *string {
	if row >= len(g.grids) {
		return nil
	}
	c := g.ix.Grid(g.grids[row]).Code
	return &c
}

// name returns the name of a row's grid, nil for the outside row.
func (g *grouping) name(row int) *string {
	if row >= len(g.grids) {
		return nil
	}
	n := g.ix.Grid(g.grids[row]).Name
	return &n
}

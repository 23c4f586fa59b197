package tile

import (
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/arcs"
	"github.com/wangge/wangge/geo/crs"
)

// GridsLayer is the name of the MVT layer of grids.
const GridsLayer = "grids"

// Grids makes the grid tiles of one index. Build it with NewGrids; it is
// safe for concurrent use and computes what it needs (the arc topology of the
// visible levels, each zoom's simplified arcs) on first use.
type Grids struct {
	ix      *geo.Index
	opt     Options
	rank    []int8   // level rank per grid position
	minZoom []int    // per level rank
	ids     []uint64 // MVT feature id per grid position
	topos   []lazyTopo
}

// lazyTopo is the topology of the grids at level rank ≤ r, built on first use.
type lazyTopo struct {
	once sync.Once
	t    *levelTopo
}

// levelTopo is the arc topology of some levels and its simplified arcs.
type levelTopo struct {
	topo  *arcs.Topology
	shape []int32     // grid position → shape number in topo, -1 when not in it
	merc  []orb.Point // world Mercator positions of topo.Points()
	zooms [MaxZoom + 1]zoomArcs
	// shifted holds the world Mercator positions of topo.Points() shifted
	// to GCJ-02 and BD-09, each made on the first tile cut in that system.
	shifted [2]struct {
		once sync.Once
		merc []orb.Point
	}
}

// mercIn returns the world Mercator positions of the topology's points in
// sys.
func (lt *levelTopo) mercIn(sys crs.System) []orb.Point {
	k := 0
	switch sys {
	case crs.GCJ02:
	case crs.BD09:
		k = 1
	default:
		return lt.merc
	}
	sh := &lt.shifted[k]
	sh.once.Do(func() {
		pts := lt.topo.Points()
		sh.merc = make([]orb.Point, len(pts))
		for i, p := range pts {
			sh.merc[i] = worldXY(crs.Convert(p, crs.WGS84, sys))
		}
	})
	return sh.merc
}

// zoomArcs holds one zoom's simplified arcs as the positions of the kept
// points, each computed on first use.
type zoomArcs struct {
	once sync.Once
	keep []atomic.Pointer[[]int32]
}

// NewGrids prepares the grid tiles of ix. ix must not change afterwards (a
// geo.Index never does).
func NewGrids(ix *geo.Index, opt Options) *Grids {
	opt = opt.withDefaults()
	levels := ix.Set().Levels
	g := &Grids{
		ix:      ix,
		opt:     opt,
		rank:    make([]int8, ix.Len()),
		minZoom: opt.minZooms(levels),
		ids:     gridIDs(ix),
		topos:   make([]lazyTopo, len(levels)),
	}
	for i := range g.rank {
		g.rank[i] = int8(levels.Rank(ix.Grid(int32(i)).Level))
	}
	return g
}

// Index is the index the tiles are made of.
func (g *Grids) Index() *geo.Index { return g.ix }

// MinZoom returns the zoom a level appears from (-1 for a level the set does
// not have).
func (g *Grids) MinZoom(level string) int {
	r := g.ix.Set().Levels.Rank(level)
	if r < 0 {
		return -1
	}
	return g.minZoom[r]
}

// ID returns the MVT feature id of grid i: its code when every code of the
// set is a decimal number (as Chinese administrative codes are), else its
// position in code order plus one.
func (g *Grids) ID(i int32) uint64 { return g.ids[i] }

func gridIDs(ix *geo.Index) []uint64 {
	ids := make([]uint64, ix.Len())
	numeric := true
	for i := range ids {
		c := ix.Grid(int32(i)).Code
		v, err := strconv.ParseUint(c, 10, 64)
		if err != nil || c[0] == '+' || len(c) > 1 && c[0] == '0' {
			numeric = false
			break
		}
		ids[i] = v
	}
	if !numeric {
		for k, i := range ix.Sorted() {
			ids[i] = uint64(k) + 1
		}
	}
	return ids
}

// visibleRank is the finest level rank shown at zoom z, -1 for none.
func (g *Grids) visibleRank(z uint32) int {
	r := -1
	for k, mz := range g.minZoom {
		if int(z) >= mz {
			r = k
		}
	}
	return r
}

// topology returns the arc topology of the grids at rank ≤ r.
func (g *Grids) topology(r int) *levelTopo {
	lt := &g.topos[r]
	lt.once.Do(func() {
		var shapes []orb.MultiPolygon
		shape := make([]int32, len(g.rank))
		for i := range shape {
			shape[i] = -1
			if int(g.rank[i]) <= r {
				shape[i] = int32(len(shapes))
				shapes = append(shapes, g.ix.Grid(int32(i)).Geometry)
			}
		}
		t := &levelTopo{topo: arcs.Build(shapes), shape: shape}
		pts := t.topo.Points()
		t.merc = make([]orb.Point, len(pts))
		for k, p := range pts {
			t.merc[k] = worldXY(p)
		}
		lt.t = t
	})
	return lt.t
}

// kept returns the positions (within arc a) of the points arc a keeps at
// zoom z.
func (lt *levelTopo) kept(z uint32, a int, tolPx float64) []int32 {
	za := &lt.zooms[z]
	za.once.Do(func() { za.keep = make([]atomic.Pointer[[]int32], lt.topo.Len()) })
	if k := za.keep[a].Load(); k != nil {
		return *k
	}
	lo, hi := lt.topo.Range(a)
	tol := tolPx / (256 * float64(uint64(1)<<z))
	k := arcs.Keep(make([]int32, 0, 8), lt.merc[lo:hi], tol, lt.topo.Forced(a))
	za.keep[a].Store(&k) // a racing goroutine stores the same positions
	return k
}

// Prepare builds the topologies and simplifies every arc at every zoom
// from minZoom to maxZoom, so that the first tiles do not pay for it.
func (g *Grids) Prepare(minZoom, maxZoom int) {
	for z := max(minZoom, 0); z <= min(maxZoom, MaxZoom); z++ {
		r := g.visibleRank(uint32(z))
		if r < 0 {
			continue
		}
		lt := g.topology(r)
		for a := range lt.topo.Len() {
			lt.kept(uint32(z), a, g.opt.TolerancePx)
		}
	}
}

// Layer returns tile t's grids layer cut in sys, nil when no grid shows in
// it. Features come coarsest level first, then in set order; properties
// code, name, level and parent (left out for a root); ids as ID says.
func (g *Grids) Layer(t Tile, sys crs.System) *mvt.Layer {
	r := g.visibleRank(t.Z)
	if r < 0 {
		return nil
	}
	var found []int32
	g.ix.SearchBound(searchBound(t, sys, g.opt.BufferPx), func(i int32) bool {
		if int(g.rank[i]) <= r {
			found = append(found, i)
		}
		return true
	})
	if len(found) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b int32) int {
		if g.rank[a] != g.rank[b] {
			return int(g.rank[a]) - int(g.rank[b])
		}
		return int(a - b)
	})
	lt := g.topology(r)
	c := newCutter(t, sys, g.opt.BufferPx)
	layer := &mvt.Layer{Name: GridsLayer, Version: 2, Extent: Extent}
	for _, i := range found {
		geom := g.cutShape(lt, lt.shape[i], t.Z, &c)
		if geom == nil {
			continue
		}
		gr := g.ix.Grid(i)
		props := geojson.Properties{"code": gr.Code, "name": gr.Name, "level": gr.Level}
		if gr.Parent != "" {
			props["parent"] = gr.Parent
		}
		layer.Features = append(layer.Features, &geojson.Feature{Type: "Feature", ID: g.ids[i], Geometry: geom, Properties: props})
	}
	if len(layer.Features) == 0 {
		return nil
	}
	return layer
}

// cutShape returns shape s simplified for zoom z, projected, clipped and
// rounded into c's tile: a Polygon, a MultiPolygon, or nil when nothing of it
// is left.
func (g *Grids) cutShape(lt *levelTopo, s int32, z uint32, c *cutter) orb.Geometry {
	merc := lt.mercIn(c.f.sys)
	var mp orb.MultiPolygon
	for _, pg := range lt.topo.Shape(int(s)) {
		var out orb.Polygon
		for k, refs := range pg {
			c.buf = c.buf[:0]
			for _, ref := range refs {
				a := ref.Arc()
				lo, _ := lt.topo.Range(a)
				kept := lt.kept(z, a, g.opt.TolerancePx)
				if ref.Reversed() {
					for j := len(kept) - 1; j > 0; j-- {
						c.buf = append(c.buf, c.f.world(merc[lo+int(kept[j])]))
					}
				} else {
					for _, j := range kept[:len(kept)-1] {
						c.buf = append(c.buf, c.f.world(merc[lo+int(j)]))
					}
				}
			}
			ring := c.ring(k > 0)
			if ring == nil {
				if k == 0 {
					break // no shell, no polygon
				}
				continue
			}
			out = append(out, ring)
		}
		if len(out) > 0 {
			mp = append(mp, out)
		}
	}
	switch len(mp) {
	case 0:
		return nil
	case 1:
		return mp[0]
	}
	return mp
}

// Arcs returns the shared-arc topology of the grids at level rank ≤ r (all
// of them for r ≥ the number of levels) and the shape number of each grid
// position in it (-1 for a grid finer than r), built on first use. Shared:
// do not modify.
func (g *Grids) Arcs(r int) (*arcs.Topology, []int32) {
	if len(g.topos) == 0 {
		return arcs.Build(nil), nil
	}
	lt := g.topology(max(0, min(r, len(g.topos)-1)))
	return lt.topo, lt.shape
}

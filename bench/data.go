package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/tidwall/rtree"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// NationalFiles are the three parts of cn-all-districts (3,253 polygons,
// 4.5 M vertices, GCJ-02; loaded untransformed).
var NationalFiles = []string{
	"cn-all-districts-01.geojson.gz",
	"cn-all-districts-02.geojson.gz",
	"cn-all-districts-03.geojson.gz",
}

// SharedDir is the shared data directory: $WANGGE_SHARED_DATA, else
// ../shared/data relative to the module root.
func SharedDir() string {
	if d := os.Getenv("WANGGE_SHARED_DATA"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "shared", "data")
}

// NationalSet reads cn-all-districts as one level "district" (codes from
// uid, no CRS transform). It does not validate the set.
func NationalSet(dir string) (*geo.Set, error) {
	set := &geo.Set{Levels: geo.Levels{"district"}}
	for _, f := range NationalFiles {
		grids, err := data.ReadGridsFile(filepath.Join(dir, f), data.GridFields{Code: "uid", DefaultLevel: "district"}, len(set.Grids))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		set.Grids = append(set.Grids, grids...)
	}
	return set, nil
}

// SetBound is the bounding box of every grid of the set.
func SetBound(s *geo.Set) orb.Bound {
	b := s.Grids[0].Geometry.Bound()
	for _, g := range s.Grids[1:] {
		b = b.Union(g.Geometry.Bound())
	}
	return b
}

// Plain is "the plain approach": tidwall/rtree over the bounding box of every
// polygon (each part of a multipolygon on its own), and orb's
// planar.PolygonContains on every candidate.
type Plain struct {
	tree  rtree.RTreeG[int32]
	polys []orb.Polygon
	grid  []int32 // grid of each polygon
}

// NewPlain indexes the set's polygons.
func NewPlain(s *geo.Set) *Plain {
	pl := &Plain{}
	for i, g := range s.Grids {
		for _, pg := range g.Geometry {
			b := pg.Bound()
			pl.tree.Insert(b.Min, b.Max, int32(len(pl.polys)))
			pl.polys = append(pl.polys, pg)
			pl.grid = append(pl.grid, int32(i))
		}
	}
	return pl
}

// Covering appends to buf the grids whose polygons contain p (boundary
// included, as planar.PolygonContains has it), testing every candidate.
func (pl *Plain) Covering(p orb.Point, buf []int32) []int32 {
	pl.tree.Search(p, p, func(_, _ [2]float64, k int32) bool {
		if planar.PolygonContains(pl.polys[k], p) {
			buf = append(buf, pl.grid[k])
		}
		return true
	})
	return buf
}

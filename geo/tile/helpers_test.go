package tile_test

import (
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/tile"
)

// densest is the z14 tile over the densest part of the demo (186 grids
// centred in it, around Zhengzhou station).
const densestZ, densestX, densestY = 14, 13364, 6503

var demoOnce struct {
	sync.Once
	ix  *geo.Index
	err error
}

// demoIndex is the index of the embedded demo district, read with orb's
// GeoJSON reader (package geo's tests do not import package data).
func demoIndex(t testing.TB) *geo.Index {
	t.Helper()
	demoOnce.Do(func() {
		fc, err := geojson.UnmarshalFeatureCollection(demo.Grids())
		if err != nil {
			demoOnce.err = err
			return
		}
		set := &geo.Set{Layer: geo.DefaultLayer, Version: 1, Levels: geo.Levels{"district", "street", "community", "grid"}}
		for _, f := range fc.Features {
			g := geo.Grid{Code: f.Properties.MustString("code"), Name: f.Properties.MustString("name"),
				Level: f.Properties.MustString("level"), Parent: f.Properties.MustString("parent", "")}
			switch geom := f.Geometry.(type) {
			case orb.Polygon:
				g.Geometry = orb.MultiPolygon{geom}
			case orb.MultiPolygon:
				g.Geometry = geom
			}
			set.Grids = append(set.Grids, g)
		}
		if _, err := set.Validate(); err != nil {
			demoOnce.err = err
			return
		}
		demoOnce.ix, demoOnce.err = geo.NewIndex(set)
	})
	if demoOnce.err != nil {
		t.Fatal(demoOnce.err)
	}
	return demoOnce.ix
}

func maptileOf(t tile.Tile) maptile.Tile { return maptile.New(t.X, t.Y, maptile.Zoom(t.Z)) }

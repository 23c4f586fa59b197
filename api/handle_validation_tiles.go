package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/geo/tile"
	"github.com/wangge/wangge/geo/topology"
)

// The validation tile layer: the problems of the served boundaries (at
// every level, the default area threshold) with a geometry, from
// validationMinZoom (below it the tiles are empty: the problems are small
// and many). Polygons for overlaps, gaps, parts outside a parent and
// slivers; points where a geometry is invalid. Properties kind, level,
// grids (codes joined by commas), area_m2 and detail; feature ids number
// the problems from 1 in report order.
const (
	layerValidation   = "validation"
	validationMinZoom = 8
)

// validationTile returns the validation tile of key, from the cache or cut
// now.
func (s *Server) validationTile(ctx context.Context, key tileKey) (*tileEntry, error) {
	ix, err := s.index()
	if err != nil {
		return nil, err
	}
	v, err := s.validation(ctx, ix, topology.Options{MinAreaM2: topology.DefaultMinAreaM2})
	if err != nil {
		return nil, err
	}
	if e := s.maps.cache.get(key, v, time.Time{}); e != nil {
		return e, nil
	}
	var layer *mvt.Layer
	if key.t.Z >= validationMinZoom {
		layer = validationLayer(v, key.t, key.sys)
	}
	raw, err := tile.Encode(layer)
	if err != nil {
		return nil, fmt.Errorf("validation tile %v: %w", key.t, err)
	}
	e := newTileEntry(key, v, v.rep.Version, raw)
	s.maps.cache.put(e)
	return e, nil
}

// validationLayer cuts the problems of v that meet tile t (in sys) into an
// MVT layer, or returns nil when none does.
func validationLayer(v *validationEntry, t tile.Tile, sys crs.System) *mvt.Layer {
	b := tile.SearchBound(t, sys, 0)
	fc := geojson.NewFeatureCollection()
	for i := range v.rep.Problems {
		p := &v.rep.Problems[i]
		if p.Geometry == nil || !v.bounds[i].Intersects(b) {
			continue
		}
		g := orb.Clone(p.Geometry) // projection and clipping work in place
		if sys != crs.WGS84 {
			g = project.Geometry(g, func(q orb.Point) orb.Point { return crs.Convert(q, crs.WGS84, sys) })
		}
		f := geojson.NewFeature(g)
		f.ID = uint64(i + 1)
		f.Properties = geojson.Properties{"kind": string(p.Kind), "level": p.Level, "grids": strings.Join(p.Grids, ","),
			"area_m2": p.AreaM2, "detail": p.Detail}
		fc.Append(f)
	}
	if len(fc.Features) == 0 {
		return nil
	}
	layer := mvt.NewLayer(layerValidation, fc)
	layer.Version = 2
	layer.Extent = tile.Extent
	layer.ProjectToTile(maptile.New(t.X, t.Y, maptile.Zoom(t.Z)))
	for _, f := range layer.Features {
		// A problem too small to see at this zoom stays on the map as a
		// point.
		if f.Geometry.Dimensions() == 2 && planar.Area(f.Geometry) < 1 {
			f.Geometry = f.Geometry.Bound().Center()
		}
	}
	const buf = 64
	layer.Clip(orb.Bound{Min: orb.Point{-buf, -buf}, Max: orb.Point{tile.Extent + buf, tile.Extent + buf}})
	layer.RemoveEmpty(0, 0)
	if len(layer.Features) == 0 {
		return nil
	}
	return layer
}

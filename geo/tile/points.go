package tile

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo/crs"
)

// Point is one feature of a point layer (a site, a report).
type Point struct {
	ID    uint64             // the MVT feature id
	P     orb.Point          // WGS-84 lon/lat
	Props geojson.Properties // string, number or bool values
}

// SearchBound returns the WGS-84 box holding every point that may show in
// tile t cut in sys with a buffer of bufferPx tile coordinates (0: 64): the
// box to pass to a spatial query before PointsLayer.
func SearchBound(t Tile, sys crs.System, bufferPx float64) orb.Bound {
	if bufferPx <= 0 {
		bufferPx = 64
	}
	return searchBound(t, sys, bufferPx)
}

// PointsLayer returns the MVT layer name of tile t cut in sys holding the
// points that fall in it (with a buffer of bufferPx, 0: 64), in the order
// given, or nil when none does.
func PointsLayer(name string, t Tile, sys crs.System, bufferPx float64, pts []Point) *mvt.Layer {
	if bufferPx <= 0 {
		bufferPx = 64
	}
	f := newFrame(t, sys)
	lo, hi := -bufferPx, Extent+bufferPx
	layer := &mvt.Layer{Name: name, Version: 2, Extent: Extent}
	for i := range pts {
		p := f.lonLat(pts[i].P)
		p = orb.Point{math.Round(p[0]), math.Round(p[1])}
		if p[0] < lo || p[0] > hi || p[1] < lo || p[1] > hi {
			continue
		}
		layer.Features = append(layer.Features, &geojson.Feature{Type: "Feature", ID: pts[i].ID, Geometry: p, Properties: pts[i].Props})
	}
	if len(layer.Features) == 0 {
		return nil
	}
	return layer
}

// Encode writes the non-nil layers as one MVT tile (uncompressed). It
// returns nil, nil when there are no features at all: an empty tile.
func Encode(layers ...*mvt.Layer) ([]byte, error) {
	var ls mvt.Layers
	for _, l := range layers {
		if l != nil && len(l.Features) > 0 {
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 {
		return nil, nil
	}
	return mvt.Marshal(ls)
}

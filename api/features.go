package api

import (
	"encoding/json"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// appendGridFeature appends grid i as a GeoJSON Feature whose geometry and
// label point are in sys. Properties: code, name, level, parent, path,
// children, attributes, label_point. The index's geometry is not modified.
func appendGridFeature(b []byte, ix *geo.Index, i int32, sys crs.System) ([]byte, error) {
	return appendGridFeatureGeom(b, ix, i, ix.Grid(i).Geometry, sys)
}

// appendGridFeatureGeom is appendGridFeature with the geometry given (in
// WGS-84): a simplified one, say.
func appendGridFeatureGeom(b []byte, ix *geo.Index, i int32, geom orb.MultiPolygon, sys crs.System) ([]byte, error) {
	g := ix.Grid(i)
	b = append(b, `{"type":"Feature","id":`...)
	b = appendString(b, g.Code)
	b = append(b, `,"geometry":`...)
	b = appendGeometry(b, geom, sys)
	b = append(b, `,"properties":{"code":`...)
	b = appendString(b, g.Code)
	b = append(b, `,"name":`...)
	b = appendString(b, g.Name)
	b = append(b, `,"level":`...)
	b = appendString(b, g.Level)
	b = append(b, `,"parent":`...)
	if g.Parent == "" {
		b = append(b, "null"...)
	} else {
		b = appendString(b, g.Parent)
	}
	b = append(b, `,"path":`...)
	b = appendRefs(b, ix, ix.Path(i))
	b = append(b, `,"children":`...)
	b = appendRefs(b, ix, ix.Children(i))
	b = append(b, `,"attributes":`...)
	attrs, err := json.Marshal(nonNilAttrs(g.Attrs))
	if err != nil {
		return b, err
	}
	b = append(b, attrs...)
	b = append(b, `,"label_point":`...)
	b = appendPoint(b, crs.Convert(ix.LabelPoint(i), crs.WGS84, sys))
	return append(b, "}}"...), nil
}

func nonNilAttrs(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// appendGeometry appends mp as a GeoJSON Polygon (one part) or MultiPolygon,
// converted from WGS-84 to sys.
func appendGeometry(b []byte, mp orb.MultiPolygon, sys crs.System) []byte {
	if len(mp) == 1 {
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, mp[0], sys)
		return append(b, '}')
	}
	b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
	for k, pg := range mp {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendPolygon(b, pg, sys)
	}
	return append(b, "]}"...)
}

func appendPolygon(b []byte, pg orb.Polygon, sys crs.System) []byte {
	b = append(b, '[')
	for k, r := range pg {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, p := range r {
			if j > 0 {
				b = append(b, ',')
			}
			if sys != crs.WGS84 {
				p = crs.Convert(p, crs.WGS84, sys)
			}
			b = appendPoint(b, p)
		}
		b = append(b, ']')
	}
	return append(b, ']')
}

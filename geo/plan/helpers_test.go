package plan_test

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// strip is a district 0.03° × 0.01° near Zhengzhou (about 2.7 km × 1.1 km)
// cut into three grids west to east: W 113.60-113.61, M 113.61-113.62 and
// E 113.62-113.63. 0.01° of longitude is about 914 m there.
func strip(t testing.TB) *geo.Index {
	t.Helper()
	box := func(x0, x1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, 34.70}, {x1, 34.70}, {x1, 34.71}, {x0, 34.71}, {x0, 34.70}}}}
	}
	set := &geo.Set{Layer: "main", Levels: geo.Levels{"district", "grid"}, Grids: []geo.Grid{
		{Code: "410103", Name: "二七区", Level: "district", Geometry: box(113.60, 113.63)},
		{Code: "410103001", Name: "西格", Level: "grid", Parent: "410103", Geometry: box(113.60, 113.61)},
		{Code: "410103002", Name: "中格", Level: "grid", Parent: "410103", Geometry: box(113.61, 113.62)},
		{Code: "410103003", Name: "东格", Level: "grid", Parent: "410103", Geometry: box(113.62, 113.63)},
	}}
	if _, err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func site(kind, id string, lon, lat, weight float64) geo.Site {
	return geo.Site{Kind: kind, ID: id, Name: id, Point: orb.Point{lon, lat}, Weight: weight}
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func num(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

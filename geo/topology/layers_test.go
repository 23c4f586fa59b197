package topology

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
)

// Two departments' layers of the same ground: the 12 districts of 郑州 from
// cn-districts-wgs84.geojson, each simplified on its own (Douglas–Peucker)
// with tolerance tolDeg degrees, so that neighbours no longer share their
// border: the simplified layer has overlaps and gaps along every border, as
// two departments that drew the same streets by hand.
func zhengzhou(t testing.TB, tolDeg float64) *geo.Set {
	t.Helper()
	set := readShared(t, "adcode", func(p geojson.Properties) bool { return p.MustString("city", "") == "郑州市" }, "cn-districts-wgs84.geojson")
	if len(set.Grids) != 12 {
		t.Fatalf("郑州: %d districts, want 12", len(set.Grids))
	}
	return simplified(t, set, tolDeg)
}

// simplified returns a copy of set with every grid simplified on its own.
func simplified(t testing.TB, set *geo.Set, tolDeg float64) *geo.Set {
	t.Helper()
	out := &geo.Set{Layer: set.Layer, Levels: set.Levels, Grids: make([]geo.Grid, len(set.Grids))}
	for i, g := range set.Grids {
		g.Geometry = orb.Clone(g.Geometry).(orb.MultiPolygon)
		if tolDeg > 0 {
			g.Geometry = simplify.DouglasPeucker(tolDeg).MultiPolygon(g.Geometry)
		}
		out.Grids[i] = g
	}
	if _, err := out.Validate(); err != nil {
		t.Fatalf("simplified set: %v", err)
	}
	return out
}

// demoSet returns the embedded demo's grids of one level (as roots), or
// with level "" the whole hierarchy.
func demoSet(t testing.TB, level string) *geo.Set {
	t.Helper()
	fc, err := geojson.UnmarshalFeatureCollection(demo.Grids())
	if err != nil {
		t.Fatal(err)
	}
	set := &geo.Set{Levels: geo.Levels{level}}
	if level == "" {
		set.Levels = geo.Levels{"district", "street", "community", "grid"}
	}
	for _, f := range fc.Features {
		l := f.Properties.MustString("level", "")
		if level != "" && l != level {
			continue
		}
		g := geo.Grid{Code: f.Properties.MustString("code", ""), Name: f.Properties.MustString("name", ""), Level: l}
		if level == "" {
			g.Parent = f.Properties.MustString("parent", "")
		}
		switch gm := f.Geometry.(type) {
		case orb.Polygon:
			g.Geometry = orb.MultiPolygon{gm}
		case orb.MultiPolygon:
			g.Geometry = gm
		}
		set.Grids = append(set.Grids, g)
	}
	if _, err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	return set
}

// displaced returns a copy of set with every vertex moved by a smooth field
// of up to ampM metres (the same move for a vertex two grids share, so the
// copy still tiles the ground, with borders drawn a little elsewhere).
func displaced(t testing.TB, set *geo.Set, ampM float64) *geo.Set {
	t.Helper()
	out := &geo.Set{Layer: set.Layer, Levels: set.Levels, Grids: make([]geo.Grid, len(set.Grids))}
	d := ampM / metresPerDegree
	move := func(p orb.Point) orb.Point {
		return orb.Point{p[0] + d*math.Sin(p[1]*700)/math.Cos(p[1]*math.Pi/180), p[1] + d*math.Cos(p[0]*900)}
	}
	for i, g := range set.Grids {
		mp := orb.Clone(g.Geometry).(orb.MultiPolygon)
		for _, pg := range mp {
			for _, r := range pg {
				for k := range r {
					r[k] = move(r[k])
				}
			}
		}
		g.Geometry = mp
		out.Grids[i] = g
	}
	if _, err := out.Validate(); err != nil {
		t.Fatalf("displaced set: %v", err)
	}
	return out
}

// unionArea is the area covered by the grids of set (m²).
func unionArea(set *geo.Set) float64 {
	var all orb.MultiPolygon
	for _, g := range set.Grids {
		all = append(all, Repair(g.Geometry).Geometry...)
	}
	return AreaM2(Union(all))
}

func sumArea(set *geo.Set) float64 {
	s := 0.0
	for _, g := range set.Grids {
		s += AreaM2(g.Geometry)
	}
	return s
}

func mustRepairSet(t testing.TB, set *geo.Set, opt RepairOptions) *RepairResult {
	t.Helper()
	res, err := RepairSet(context.Background(), set, opt)
	if err != nil {
		t.Fatalf("RepairSet: %v", err)
	}
	return res
}

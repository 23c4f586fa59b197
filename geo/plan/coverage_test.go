package plan_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

func TestCoverage(t *testing.T) {
	ix := strip(t)
	service := []geo.Site{site("station", "s1", 113.605, 34.705, 1)}
	demand := []geo.Site{
		site("residential", "d1", 113.605, 34.7055, 10), // 56 m from s1
		site("residential", "d2", 113.615, 34.705, 20),  // in M, 914 m away
		site("residential", "d3", 113.64, 34.705, 5),    // outside every grid
		site("residential", "d4", 113.6095, 34.705, 0),  // 411 m, weight 0
		site("residential", "d5", 113.61, 34.708, 7),    // on the W/M edge: W owns it (lowest code); 536 m
	}
	rep, err := plan.Coverage(context.Background(), plan.CoverageQuery{
		Service: service, Demand: demand, ServiceKind: "station", DemandKind: "residential", RadiusM: 500, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Level != "grid" {
		t.Errorf("default level = %q, want the finest with grids, grid", rep.Level)
	}
	want := plan.Totals{DemandWeight: 42, CoveredWeight: 10, Ratio: 10.0 / 42, DemandCount: 5, CoveredCount: 2}
	if rep.Totals != want {
		t.Errorf("totals = %+v, want %+v", rep.Totals, want)
	}
	d := func(a, b orb.Point) float64 { return math.Round(plan.DistanceM(a, b)*10) / 10 }
	s1 := service[0].Point
	rows := []struct {
		code            string
		demand, covered float64
		services, count int
		maxNearest      float64
	}{
		{"410103001", 17, 10, 1, 3, d(s1, demand[4].Point)},
		{"410103002", 20, 0, 0, 1, d(s1, demand[1].Point)},
		{"410103003", 0, 0, 0, 0, -1},
		{"<nil>", 5, 0, 0, 1, d(s1, demand[2].Point)},
	}
	if len(rep.Grids) != len(rows) {
		t.Fatalf("%d grid rows, want %d: %+v", len(rep.Grids), len(rows), rep.Grids)
	}
	for k, w := range rows {
		g := rep.Grids[k]
		if str(g.Code) != w.code || g.DemandWeight != w.demand || g.CoveredWeight != w.covered ||
			g.ServiceCount != w.services || g.DemandCount != w.count || num(g.MaxNearestServiceM) != w.maxNearest {
			t.Errorf("row %d = %s demand %v covered %v services %d count %d max %v; want %+v",
				k, str(g.Code), g.DemandWeight, g.CoveredWeight, g.ServiceCount, g.DemandCount, num(g.MaxNearestServiceM), w)
		}
	}
	if rep.Grids[3].Name != nil {
		t.Errorf("outside row name = %q, want null", *rep.Grids[3].Name)
	}
	// Uncovered: heaviest first.
	wantU := []struct {
		id, grid string
		near     float64
	}{{"d2", "410103002", d(s1, demand[1].Point)}, {"d5", "410103001", d(s1, demand[4].Point)}, {"d3", "<nil>", d(s1, demand[2].Point)}}
	if len(rep.Uncovered) != len(wantU) {
		t.Fatalf("uncovered = %+v, want %v", rep.Uncovered, wantU)
	}
	for k, w := range wantU {
		u := rep.Uncovered[k]
		if u.ID != w.id || str(u.Grid) != w.grid || num(u.NearestServiceM) != w.near || num(u.NeededRadiusM) != math.Ceil(w.near-0.05) && num(u.NeededRadiusM) != math.Ceil(w.near) {
			t.Errorf("uncovered[%d] = %s grid %s nearest %v needed %v; want %+v", k, u.ID, str(u.Grid), num(u.NearestServiceM), num(u.NeededRadiusM), w)
		}
		if num(u.NeededRadiusM) < num(u.NearestServiceM)-0.05 || num(u.NeededRadiusM) != math.Trunc(num(u.NeededRadiusM)) {
			t.Errorf("uncovered[%d]: needed_radius_m %v is not the whole metres above %v", k, num(u.NeededRadiusM), num(u.NearestServiceM))
		}
	}
	// M and E have no station inside and none within 500 m of their label
	// points (1.0 km and 1.9 km from s1).
	if len(rep.GridsWithoutService) != 2 || rep.GridsWithoutService[0].Code != "410103002" || rep.GridsWithoutService[1].Code != "410103003" {
		t.Errorf("grids_without_service = %+v, want 410103002 and 410103003", rep.GridsWithoutService)
	}

	// A wider radius reaches M's label point (113.615, 34.70125; 1,005 m from
	// s1): M is no longer without service, though no station lies inside it.
	rep, _ = plan.Coverage(context.Background(), plan.CoverageQuery{Service: service, Demand: demand, RadiusM: 1100, Index: ix})
	if len(rep.GridsWithoutService) != 1 || rep.GridsWithoutService[0].Code != "410103003" {
		t.Errorf("radius 1100: grids_without_service = %+v, want only 410103003", rep.GridsWithoutService)
	}
	if rep.Totals.CoveredCount != 4 {
		t.Errorf("radius 1100: covered_count = %d, want 4 (all but d3)", rep.Totals.CoveredCount)
	}
}

func TestCoverageLevelsAndEdges(t *testing.T) {
	ix := strip(t)
	demand := []geo.Site{site("residential", "in", 113.605, 34.705, 3), site("residential", "out", 113.64, 34.705, 2)}
	tests := []struct {
		name    string
		service []geo.Site
		level   string
		radius  float64
		covered float64
		rows    []string
	}{
		{"district level", []geo.Site{site("station", "s", 113.605, 34.705, 1)}, "district", 100, 3, []string{"410103", "<nil>"}},
		// A service site outside every grid still covers demand inside
		// and outside: reach ignores grids.
		{"service outside the district", []geo.Site{site("station", "s", 113.635, 34.705, 1)}, "", 500, 2, []string{"410103001", "410103002", "410103003", "<nil>"}},
		{"radius 0 covers only the same point", []geo.Site{site("station", "s", 113.605, 34.705, 1)}, "", 0, 3, nil},
		{"no service at all", nil, "", 500, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := plan.Coverage(context.Background(), plan.CoverageQuery{Service: tt.service, Demand: demand, RadiusM: tt.radius, Index: ix, Level: tt.level})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Totals.CoveredWeight != tt.covered {
				t.Errorf("covered = %v, want %v", rep.Totals.CoveredWeight, tt.covered)
			}
			if tt.rows != nil {
				var got []string
				for _, g := range rep.Grids {
					got = append(got, str(g.Code))
				}
				if len(got) != len(tt.rows) {
					t.Errorf("rows = %v, want %v", got, tt.rows)
				}
			}
			if tt.service == nil {
				for _, u := range rep.Uncovered {
					if u.NearestServiceM != nil || u.NeededRadiusM != nil {
						t.Errorf("without service, %s has nearest %v", u.ID, num(u.NearestServiceM))
					}
				}
				if len(rep.GridsWithoutService) != 3 {
					t.Errorf("without service, %d grids without service, want 3", len(rep.GridsWithoutService))
				}
			}
		})
	}
}

func TestCoverageNothingToCover(t *testing.T) {
	rep, err := plan.Coverage(context.Background(), plan.CoverageQuery{RadiusM: 500, Index: strip(t)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals != (plan.Totals{}) || len(rep.Uncovered) != 0 || len(rep.Grids) != 4 {
		t.Errorf("empty demand: totals %+v, %d uncovered, %d rows; want zeros and 4 rows", rep.Totals, len(rep.Uncovered), len(rep.Grids))
	}
	// No index: one row, the outside one.
	rep, err = plan.Coverage(context.Background(), plan.CoverageQuery{RadiusM: 500, Demand: []geo.Site{site("r", "a", 1, 1, 1)}})
	if err != nil || len(rep.Grids) != 1 || rep.Grids[0].Code != nil || rep.Grids[0].DemandWeight != 1 {
		t.Errorf("no index: %v %+v, want one outside row", err, rep)
	}
}

func TestCoverageBadInput(t *testing.T) {
	ix := strip(t)
	tests := []struct {
		name  string
		q     plan.CoverageQuery
		field string
	}{
		{"negative radius", plan.CoverageQuery{RadiusM: -1, Index: ix}, "radius_m"},
		{"radius over 100 km", plan.CoverageQuery{RadiusM: 100_001, Index: ix}, "radius_m"},
		{"NaN radius", plan.CoverageQuery{RadiusM: math.NaN(), Index: ix}, "radius_m"},
		{"unknown level", plan.CoverageQuery{RadiusM: 1, Index: ix, Level: "street"}, "level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plan.Coverage(context.Background(), tt.q)
			var ie *plan.InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Errorf("Coverage = %v, want an InputError naming %s", err, tt.field)
			}
		})
	}
}

func TestPresets(t *testing.T) {
	ps := plan.DefaultPresets
	for name, want := range map[string]float64{"5min": 300, "10min": 500, "15min": 1000, "kindergarten": 300, "primary_school": 500, "middle_school": 1000} {
		if r, err := ps.Radius("radius_m", nil, name); err != nil || r != want {
			t.Errorf("preset %s = %v %v, want %v", name, r, err, want)
		}
	}
	r800 := 800.0
	if r, _ := ps.Radius("radius_m", &r800, "15min"); r != 800 {
		t.Errorf("radius_m overrides the preset: got %v, want 800", r)
	}
	over, err := plan.ParsePresets([]byte(`{"15min": 800, "clinic": 1500}`))
	if err != nil {
		t.Fatal(err)
	}
	ps = ps.With(over)
	if r, _ := ps.Radius("radius_m", nil, "15min"); r != 800 {
		t.Errorf("overridden 15min = %v, want 800", r)
	}
	if r, _ := ps.Radius("radius_m", nil, "clinic"); r != 1500 {
		t.Errorf("added clinic = %v, want 1500", r)
	}
	if _, err := ps.Radius("radius_m", nil, "20min"); err == nil {
		t.Error("unknown preset accepted")
	}
	if _, err := ps.Radius("radius_m", nil, ""); err == nil {
		t.Error("no radius and no preset accepted")
	}
	for _, bad := range []string{`{"x": -1}`, `{"x": 1e9}`, `[{"radius_m": 5}]`, `nope`} {
		if _, err := plan.ParsePresets([]byte(bad)); err == nil {
			t.Errorf("ParsePresets(%s) accepted", bad)
		}
	}
	if got, _ := plan.ParsePresets([]byte(`[{"name":"x","radius_m":5,"note":"n"}]`)); len(got) != 1 || got[0].Note != "n" {
		t.Errorf("array form = %+v", got)
	}
}

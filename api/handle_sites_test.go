package api_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo/plan"
)

// In the zhengzhou fixture (west street 410103001 with a hole, east street
// 410103002, split at lon 113.65):
const (
	stationsCSV = "id,name,lon,lat\n" +
		"s-w,西站,113.63,34.75\n" + // west street
		"s-e,东站,113.68,34.75\n" // east street
	residentialGeoJSON = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"r1","name":"近西站","weight":100},"geometry":{"type":"Point","coordinates":[113.631,34.75]}},
{"type":"Feature","properties":{"id":"r2","name":"远","weight":50,"households":17},"geometry":{"type":"Point","coordinates":[113.66,34.75]}},
{"type":"Feature","properties":{"id":"r3","name":"洞里","weight":30},"geometry":{"type":"Point","coordinates":[113.615,34.715]}},
{"type":"Feature","properties":{"id":"r4","name":"区外","weight":5},"geometry":{"type":"Point","coordinates":[114,35]}}
]}`
)

var admin = []string{"Authorization", "Bearer s3cret"}

// sitesFixture is the zhengzhou server with stations and residential points.
func sitesFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, api.Config{AdminToken: "s3cret"}, zhengzhou)
	if code, m, body := f.do("PUT", "/v1/sites?kind=station", "text/csv", stationsCSV, admin...); code != 200 || m["sites"] != 2.0 {
		t.Fatalf("PUT stations = %d %s", code, body)
	}
	if code, m, body := f.do("PUT", "/v1/sites?kind=residential", "application/geo+json", residentialGeoJSON, admin...); code != 200 || m["outside_count"] != 1.0 {
		t.Fatalf("PUT residential = %d %s; want 200 and one site outside every grid", code, body)
	}
	return f
}

// featureOwners maps id → grid code ("" for null) of a site collection.
func featureOwners(t *testing.T, m map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, ft := range m["features"].([]any) {
		p := ft.(map[string]any)["properties"].(map[string]any)
		g, _ := p["grid"].(string)
		out[p["id"].(string)] = g
	}
	return out
}

func TestSites(t *testing.T) {
	f := sitesFixture(t)
	code, m := f.get("/v1/sites")
	if code != 200 || m["count"] != 6.0 {
		t.Fatalf("GET /v1/sites = %d %v", code, m)
	}
	want := map[string]string{"s-w": "410103001", "s-e": "410103002", "r1": "410103001", "r2": "410103002", "r3": "410103", "r4": ""}
	if got := featureOwners(t, m); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("owners = %v, want %v (the hole belongs to the district only)", got, want)
	}
	first := m["features"].([]any)[0].(map[string]any)["properties"].(map[string]any)
	if first["kind"] != "residential" || first["weight"] != 100.0 || first["capacity"] != nil || first["name"] != "近西站" {
		t.Errorf("first feature = %v, want r1 (kinds in order, input order within)", first)
	}
	tests := []struct {
		query string
		ids   string
	}{
		{"kind=station", "s-e s-w"},
		{"grid=410103002", "r2 s-e"},
		{"grid=410103", "r1 r2 r3 s-e s-w"},
		{"kind=residential&bbox=113.62,34.7,113.7,34.8", "r1 r2"},
		{"kind=clinic", ""}, // a usual kind without sites
	}
	for _, tt := range tests {
		code, m := f.get("/v1/sites?" + tt.query)
		var ids []string
		for id := range featureOwners(t, m) {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		if code != 200 || strings.Join(ids, " ") != tt.ids {
			t.Errorf("GET /v1/sites?%s = %d %v, want %q", tt.query, code, ids, tt.ids)
		}
	}
	// GCJ-02 output is shifted by a few hundred metres in Zhengzhou.
	_, m = f.get("/v1/sites?kind=station&crs=gcj02")
	lon := m["features"].([]any)[0].(map[string]any)["geometry"].(map[string]any)["coordinates"].([]any)[0].(float64)
	if d := lon - 113.63; d < 0.003 || d > 0.009 {
		t.Errorf("gcj02 lon of s-w = %v, want shifted east by about 0.006°", lon)
	}
	bad := []struct{ query, code, field string }{
		{"kind=castle", "unknown_kind", "kind"},
		{"grid=999", "unknown_grid", "grid"},
		{"bbox=1,2,3", "invalid_bbox", "bbox"},
		{"crs=mercator", "invalid_crs", "crs"},
	}
	for _, tt := range bad {
		code, m := f.get("/v1/sites?" + tt.query)
		if c, fl := errorOf(m); code != 400 || c != tt.code || fl != tt.field {
			t.Errorf("GET /v1/sites?%s = %d %s/%s, want 400 %s/%s", tt.query, code, c, fl, tt.code, tt.field)
		}
	}
}

func TestPutSites(t *testing.T) {
	f := sitesFixture(t)
	tests := []struct {
		name, target, ctype, body string
		hdr                       []string
		status                    int
		code, field               string
	}{
		{"no token", "/v1/sites?kind=station", "text/csv", stationsCSV, nil, 401, "unauthorized", ""},
		{"wrong token", "/v1/sites?kind=station", "text/csv", stationsCSV, []string{"Authorization", "Bearer nope"}, 401, "unauthorized", ""},
		{"bad line", "/v1/sites?kind=station", "text/csv", "id,lon,lat\na,113.6,34.7\nb,113.6,north\n", admin, 400, "invalid_site", "line 3"},
		{"bad feature", "/v1/sites?kind=station", "application/geo+json",
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":null}]}`, admin, 400, "invalid_site", "features[0]"},
		{"kind conflict", "/v1/sites?kind=station", "text/csv", "id,lon,lat,kind\na,113.6,34.7,school\n", admin, 400, "invalid_site", "line 2"},
		{"duplicate id", "/v1/sites?kind=station", "text/csv", "id,lon,lat\na,113.6,34.7\na,113.6,34.7\n", admin, 400, "invalid_site", "line 3"},
		{"empty", "/v1/sites?kind=station", "text/csv", "id,lon,lat\n", admin, 400, "invalid_site", ""},
		{"bad kind", "/v1/sites?kind=two%20words", "text/csv", stationsCSV, admin, 400, "invalid_kind", "kind"},
		{"bad append", "/v1/sites?kind=station&append=maybe", "text/csv", stationsCSV, admin, 400, "invalid_append", "append"},
		{"plain text", "/v1/sites?kind=station", "text/plain", stationsCSV, admin, 415, "unsupported_media_type", "Content-Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m, body := f.do("PUT", tt.target, tt.ctype, tt.body, tt.hdr...)
			if c, fl := errorOf(m); code != tt.status || c != tt.code || fl != tt.field {
				t.Errorf("PUT %s = %d %s/%s, want %d %s/%s\n%s", tt.target, code, c, fl, tt.status, tt.code, tt.field, body)
			}
		})
	}
	// Nothing above changed the sites.
	if _, m := f.get("/v1/sites?kind=station"); m["count"] != 2.0 {
		t.Errorf("after rejected PUTs: %v stations, want 2", m["count"])
	}
	// append adds one and replaces one in place; without it the kind is replaced.
	code, m, body := f.do("PUT", "/v1/sites?kind=station&append=true", "text/csv", "id,name,lon,lat\ns-n,新站,113.66,34.75\ns-w,西站改,113.63,34.75\n", admin...)
	if code != 200 || m["sites"] != 2.0 {
		t.Fatalf("PUT append = %d %s", code, body)
	}
	if _, m := f.get("/v1/sites?kind=station"); m["count"] != 3.0 {
		t.Errorf("after append: %v stations, want 3", m["count"])
	}
	f.do("PUT", "/v1/sites?kind=station", "text/csv", "id,lon,lat\nonly,113.66,34.75\n", admin...)
	if _, m := f.get("/v1/sites?kind=station"); m["count"] != 1.0 {
		t.Errorf("after replace: %v stations, want 1", m["count"])
	}
	if _, m := f.get("/v1/sites?kind=residential"); m["count"] != 4.0 {
		t.Errorf("replacing stations changed residential: %v, want 4", m["count"])
	}
}

func TestPutSitesTooLarge(t *testing.T) {
	f := newFixture(t, api.Config{AdminToken: "s3cret", MaxUploadBytes: 200}, zhengzhou)
	big := `{"type":"FeatureCollection","features":[` + strings.Repeat(`{"type":"Feature","properties":{"id":"x"},"geometry":{"type":"Point","coordinates":[113.6,34.7]}},`, 20) + `]}`
	for _, ct := range []string{"application/geo+json", "text/csv"} {
		body := big
		if ct == "text/csv" {
			body = "id,lon,lat\n" + strings.Repeat("a,113.6,34.7\n", 40)
		}
		if code, m, _ := f.do("PUT", "/v1/sites?kind=station", ct, body, admin...); code != 413 {
			t.Errorf("PUT %s over the limit = %d %v, want 413", ct, code, m)
		}
	}
}

// TestSitesFollowBoundaries: owners are computed against the served index,
// so a boundary change regroups the sites at once.
func TestSitesFollowBoundaries(t *testing.T) {
	f := sitesFixture(t)
	// Move the street split from 113.65 to 113.67: r2 (113.66) moves west.
	moved := strings.NewReplacer("113.65", "113.67").Replace(zhengzhou)
	if code, _, body := f.do("PUT", "/v1/grids", "application/geo+json", moved, admin...); code != 200 {
		t.Fatalf("PUT /v1/grids = %d %s", code, body)
	}
	_, m := f.get("/v1/sites?kind=residential")
	if got := featureOwners(t, m)["r2"]; got != "410103001" {
		t.Errorf("after the boundary change r2 is owned by %q, want 410103001", got)
	}
}

func coverageTotals(m map[string]any) map[string]any {
	t, _ := m["totals"].(map[string]any)
	return t
}

func TestCoverage(t *testing.T) {
	f := sitesFixture(t)
	code, m := f.get("/v1/coverage?service=station&demand=residential&radius_m=500&level=street")
	if code != 200 {
		t.Fatalf("GET /v1/coverage = %d %v", code, m)
	}
	tot := coverageTotals(m)
	if tot["demand_weight"] != 185.0 || tot["covered_weight"] != 100.0 || tot["demand_count"] != 4.0 || tot["covered_count"] != 1.0 {
		t.Errorf("totals = %v, want 185 demand, 100 covered, 4 sites, 1 covered", tot)
	}
	var rows []string
	for _, g := range m["grids"].([]any) {
		r := g.(map[string]any)
		code, _ := r["code"].(string)
		rows = append(rows, fmt.Sprintf("%s:%v/%v:%v", code, r["covered_weight"], r["demand_weight"], r["service_count"]))
	}
	// The hole (r3) and the outside (r4) are outside every street.
	if got := strings.Join(rows, " "); got != "410103001:100/100:1 410103002:0/50:1 :0/35:0" {
		t.Errorf("grid rows = %s", got)
	}
	var unc []string
	for _, u := range m["uncovered"].([]any) {
		r := u.(map[string]any)
		unc = append(unc, fmt.Sprintf("%v:%v", r["id"], r["needed_radius_m"]))
	}
	// r2 is 0.02° of longitude (1,829 m) from s-e and 2,743 m from s-w.
	if len(unc) != 3 || !strings.HasPrefix(unc[0], "r2:18") {
		t.Errorf("uncovered = %v, want r2 (needing about 1,830 m) first", unc)
	}
	if gws := m["grids_without_service"].([]any); len(gws) != 0 {
		t.Errorf("grids_without_service = %v, want none (each street has a station)", gws)
	}
	// Presets, and radius_m overriding them.
	if _, m := f.get("/v1/coverage?service=station&demand=residential&preset=5min"); m["radius_m"] != 300.0 {
		t.Errorf("preset 5min: radius_m = %v, want 300", m["radius_m"])
	}
	if _, m := f.get("/v1/coverage?service=station&demand=residential&preset=5min&radius_m=2000"); m["radius_m"] != 2000.0 || coverageTotals(m)["covered_count"] != 2.0 {
		t.Errorf("preset 5min with radius_m 2000: %v %v", m["radius_m"], coverageTotals(m))
	}
	// Nothing to cover: a usual kind with no sites.
	code, m = f.get("/v1/coverage?service=station&demand=clinic&radius_m=500")
	if tot := coverageTotals(m); code != 200 || tot["demand_weight"] != 0.0 || tot["ratio"] != 0.0 || tot["demand_count"] != 0.0 {
		t.Errorf("no demand: %d %v, want 200 with zero totals", code, m)
	}
	// No service at all: every street is without service.
	_, m = f.get("/v1/coverage?service=clinic&demand=residential&radius_m=500&level=street")
	if gws := m["grids_without_service"].([]any); len(gws) != 2 {
		t.Errorf("no clinics: grids_without_service = %v, want both streets", gws)
	}
	bad := []struct{ query, code, field string }{
		{"demand=residential&radius_m=500", "missing_service", "service"},
		{"service=station&radius_m=500", "missing_demand", "demand"},
		{"service=castle&demand=residential&radius_m=500", "unknown_kind", "service"},
		{"service=station&demand=castle&radius_m=500", "unknown_kind", "demand"},
		{"service=station&demand=residential", "missing_radius_m", "radius_m"},
		{"service=station&demand=residential&radius_m=-1", "invalid_radius_m", "radius_m"},
		{"service=station&demand=residential&radius_m=100001", "invalid_radius_m", "radius_m"},
		{"service=station&demand=residential&radius_m=far", "invalid_number", "radius_m"},
		{"service=station&demand=residential&radius_m=NaN", "invalid_number", "radius_m"},
		{"service=station&demand=residential&preset=20min", "unknown_preset", "preset"},
		{"service=station&demand=residential&radius_m=5&level=province", "unknown_level", "level"},
		{"service=station&demand=residential&radius_m=5&crs=mercator", "invalid_crs", "crs"},
	}
	for _, tt := range bad {
		code, m := f.get("/v1/coverage?" + tt.query)
		if c, fl := errorOf(m); code != 400 || c != tt.code || fl != tt.field {
			t.Errorf("GET /v1/coverage?%s = %d %s/%s, want 400 %s/%s", tt.query, code, c, fl, tt.code, tt.field)
		}
	}
}

func TestCoveragePresetsOverridden(t *testing.T) {
	ps := plan.DefaultPresets.With(plan.Presets{{Name: "15min", RadiusM: 800}, {Name: "clinic", RadiusM: 1500}})
	f := newFixture(t, api.Config{Presets: ps}, zhengzhou)
	for preset, want := range map[string]float64{"15min": 800, "clinic": 1500, "5min": 300} {
		if code, m := f.get("/v1/coverage?service=station&demand=residential&preset=" + preset); code != 200 || m["radius_m"] != want {
			t.Errorf("preset %s = %d %v, want %v", preset, code, m["radius_m"], want)
		}
	}
}

func TestSiting(t *testing.T) {
	f := sitesFixture(t)
	post := func(body string) (int, map[string]any) {
		code, m, _ := f.do("POST", "/v1/siting", "application/json", body)
		return code, m
	}
	// r2 (50 people, 1.8 km from any station) is what a new site can add.
	code, m := post(`{"service":"station","demand":"residential","radius_m":500,"k":1,"candidates":[[113.6605,34.75],[113.64,34.79]]}`)
	if code != 200 {
		t.Fatalf("POST /v1/siting = %d %v", code, m)
	}
	chosen := m["chosen"].([]any)
	c0 := chosen[0].(map[string]any)
	if len(chosen) != 1 || c0["lon"] != 113.6605 || c0["marginal_gain"] != 50.0 || c0["grid"] != "410103002" || c0["candidate_id"] != nil {
		t.Errorf("chosen = %v, want the candidate next to r2 gaining 50", chosen)
	}
	before, after := m["before"].(map[string]any), m["after"].(map[string]any)
	if before["covered_weight"] != 100.0 || after["covered_weight"] != 150.0 || m["upper_bound_weight"].(float64) < 150 {
		t.Errorf("before %v after %v bound %v", before, after, m["upper_bound_weight"])
	}
	// Candidate sites of a kind, with their ids.
	f.do("PUT", "/v1/sites?kind=candidate", "text/csv", "id,lon,lat\nc-far,113.61,34.79\nc-r2,113.661,34.7501\n", admin...)
	_, m = post(`{"service":"station","demand":"residential","radius_m":500,"k":1,"candidates":{"kind":"candidate"}}`)
	if c := m["chosen"].([]any)[0].(map[string]any); c["candidate_id"] != "c-r2" {
		t.Errorf("kind candidates: chose %v, want c-r2", c)
	}
	// A lattice and the grids' label points, in GCJ-02.
	for _, cands := range []string{`{"lattice_m":1000}`, `{"grid_label_points":true}`} {
		code, m := post(`{"service":"station","demand":"residential","radius_m":3000,"k":1,"level":"street","crs":"gcj02","candidates":` + cands + `}`)
		if code != 200 || m["candidate_count"].(float64) < 2 {
			t.Errorf("candidates %s: %d %v", cands, code, m)
		}
	}
	// min_sites: the fewest new sites reaching 90% (r1 + r2 + r3 of 185).
	code, m = post(`{"service":"station","demand":"residential","radius_m":500,"objective":"min_sites","target_ratio":0.9,
		"candidates":[[113.6605,34.75],[113.615,34.7151],[113.64,34.79]]}`)
	if code != 200 || len(m["chosen"].([]any)) != 2 || m["target_reached"] != true || m["lower_bound_sites"] != 2.0 {
		t.Errorf("min_sites = %d chosen %v reached %v lower %v", code, m["chosen"], m["target_reached"], m["lower_bound_sites"])
	}
	// Nothing to cover: no clinics.
	code, m = post(`{"service":"station","demand":"clinic","radius_m":500,"k":1,"candidates":[[113.66,34.75]]}`)
	if code != 200 || len(m["chosen"].([]any)) != 0 || m["after"].(map[string]any)["ratio"] != 0.0 {
		t.Errorf("nothing to cover: %d %v", code, m)
	}
}

func TestSitingBadInput(t *testing.T) {
	f := sitesFixture(t)
	const ok = `"service":"station","demand":"residential","radius_m":500`
	tests := []struct{ name, body, code, field string }{
		{"k 0", `{` + ok + `,"k":0,"candidates":[[113.66,34.75]]}`, "invalid_k", "k"},
		{"k over the candidates", `{` + ok + `,"k":2,"candidates":[[113.66,34.75]]}`, "invalid_k", "k"},
		{"no k", `{` + ok + `,"candidates":[[113.66,34.75]]}`, "missing_k", "k"},
		{"k not a number", `{` + ok + `,"k":"two","candidates":[[113.66,34.75]]}`, "invalid_body", "k"},
		{"negative radius", `{"service":"station","demand":"residential","radius_m":-5,"k":1,"candidates":[[113.66,34.75]]}`, "invalid_radius_m", "radius_m"},
		{"radius over 100 km", `{"service":"station","demand":"residential","radius_m":1e6,"k":1,"candidates":[[113.66,34.75]]}`, "invalid_radius_m", "radius_m"},
		{"unknown service", `{"service":"castle","demand":"residential","radius_m":5,"k":1,"candidates":[[113.66,34.75]]}`, "unknown_kind", "service"},
		{"unknown candidate kind", `{` + ok + `,"k":1,"candidates":{"kind":"castle"}}`, "unknown_kind", "candidates.kind"},
		{"misspelt member", `{` + ok + `,"k":1,"candidates":[[113.66,34.75]],"raduis_m":5}`, "invalid_body", "raduis_m"},
		{"two candidate kinds", `{` + ok + `,"k":1,"candidates":{"kind":"candidate","lattice_m":100}}`, "invalid_candidates", "candidates"},
		{"no candidates", `{` + ok + `,"k":1}`, "missing_candidates", "candidates"},
		{"candidate out of range", `{` + ok + `,"k":1,"candidates":[[200,0]]}`, "invalid_point", "candidates[0].lon"},
		{"candidate not a pair", `{` + ok + `,"k":1,"candidates":[[1,2,3]]}`, "invalid_candidates", "candidates[0]"},
		{"lattice too fine", `{` + ok + `,"k":1,"candidates":{"lattice_m":1}}`, "too_many_candidates", "candidates.lattice_m"},
		{"unknown objective", `{` + ok + `,"k":1,"objective":"cheapest","candidates":[[113.66,34.75]]}`, "invalid_objective", "objective"},
		{"min_sites without target", `{` + ok + `,"objective":"min_sites","candidates":[[113.66,34.75]]}`, "missing_target_ratio", "target_ratio"},
		{"target over 1", `{` + ok + `,"objective":"min_sites","target_ratio":2,"candidates":[[113.66,34.75]]}`, "invalid_target_ratio", "target_ratio"},
		{"not JSON", `{"service":`, "invalid_body", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m, body := f.do("POST", "/v1/siting", "application/json", tt.body)
			if c, fl := errorOf(m); code != 400 || c != tt.code || fl != tt.field {
				t.Errorf("POST /v1/siting %s = %d %s/%s, want 400 %s/%s\n%s", tt.body, code, c, fl, tt.code, tt.field, body)
			}
		})
	}
	if code, _, _ := f.do("POST", "/v1/siting", "text/plain", `{}`); code != 415 {
		t.Errorf("text/plain body = %d, want 415", code)
	}
}

func TestSitesNotReady(t *testing.T) {
	f := newFixture(t, api.Config{}, "")
	if code, _ := f.get("/v1/coverage?service=station&demand=residential&radius_m=5"); code != 503 {
		t.Errorf("coverage before a boundary set = %d, want 503", code)
	}
	if code, _ := f.get("/v1/sites"); code != 200 {
		t.Errorf("sites before a boundary set = %d, want 200 (owners null)", code)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Sites in the twoGrids district (D1 west of lon 1, D2 east, D covering both).
const (
	stationsCSV = "id,name,lon,lat,capacity\n" +
		"s1,西站,0.5,0.5,100\n" +
		"s2,东站,1.5,0.5,\n"
	homesGeoJSON = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"h1","name":"近","weight":10},"geometry":{"type":"Point","coordinates":[0.501,0.5]}},
{"type":"Feature","properties":{"id":"h2","name":"远","weight":20},"geometry":{"type":"Point","coordinates":[1.2,0.8]}},
{"type":"Feature","properties":{"id":"h3","name":"区外","weight":5},"geometry":{"type":"Point","coordinates":[3,3]}}
]}`
)

// sitesDB is a store of kind k with the twoGrids boundaries, stations and
// homes.
func sitesDB(t *testing.T, k storeKind) string {
	t.Helper()
	db := storeDB(t, k, "w.db")
	if code, _, errs := run(t, "", "import", "grids", writeFile(t, "grids.geojson", twoGrids), "--db", db, "--levels", "district,grid"); code != 0 {
		t.Fatalf("import grids: %s", errs)
	}
	code, out, errs := run(t, "", "import", "sites", writeFile(t, "stations.csv", stationsCSV), "--kind", "station", "--db", db)
	if code != 0 || !strings.Contains(out, "sites station: 2 read, 2 added") {
		t.Fatalf("import stations: exit %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, "", "import", "sites", "--db", db, writeFile(t, "homes.geojson", homesGeoJSON), "--kind", "residential")
	if code != 0 || !strings.Contains(out, "1 outside every grid") || !strings.Contains(errs, `homes.geojson: feature 2 (id "h3"): outside every grid`) {
		t.Fatalf("import homes: exit %d %q %q; want one warning for h3", code, out, errs)
	}
	return db
}

func TestImportSitesAndList(t *testing.T) { forEachStore(t, testImportSitesAndList) }

func testImportSitesAndList(t *testing.T, k storeKind) {
	db := sitesDB(t, k)
	code, out, _ := run(t, "", "sites", "--db", db)
	rows := readCSV(t, out)
	if code != 0 || len(rows) != 5 {
		t.Fatalf("sites: exit %d, %d rows\n%s", code, len(rows), out)
	}
	want := map[string]string{"h1": "D1 D/D1", "h2": "D2 D/D2", "h3": " ", "s1": "D1 D/D1", "s2": "D2 D/D2"}
	for _, r := range rows {
		if got := r["grid"] + " " + r["path"]; got != want[r["id"]] {
			t.Errorf("site %s: grid/path %q, want %q", r["id"], got, want[r["id"]])
		}
	}
	if rows[3]["capacity"] != "100" || rows[4]["capacity"] != "" {
		t.Errorf("capacities = %q %q, want 100 and empty", rows[3]["capacity"], rows[4]["capacity"])
	}
	_, out, _ = run(t, "", "sites", "--db", db, "--grid", "D2", "--format", "geojson")
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil || len(fc.Features) != 2 {
		t.Errorf("sites --grid D2 --format geojson: %v, %d features\n%s", err, len(fc.Features), out)
	}
	if code, _, errs := run(t, "", "sites", "--db", db, "--grid", "X"); code != 2 || !strings.Contains(errs, `no grid "X"`) {
		t.Errorf("sites --grid X: exit %d %q", code, errs)
	}
}

func TestImportSitesErrors(t *testing.T) { forEachStore(t, testImportSitesErrors) }

func testImportSitesErrors(t *testing.T, k storeKind) {
	db := sitesDB(t, k)
	tests := []struct {
		name, file, body string
		args             []string
		exit             int
		want             string
	}{
		{"bad line", "bad.csv", "id,lon,lat\na,1,1\nb,1,north\n", []string{"--kind", "station"}, 1, `bad.csv: line 3 (id "b"): lat "north" is not a number (nothing imported)`},
		{"bad feature", "bad.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"a"},"geometry":{"type":"Polygon","coordinates":[]}}]}`,
			[]string{"--kind", "station"}, 1, `bad.geojson: feature 0 (id "a"): geometry type Polygon, want Point`},
		{"no kind", "nokind.csv", "id,lon,lat\na,1,1\n", nil, 1, `nokind.csv: line 2 (id "a"): missing kind`},
		{"kind conflict", "k.csv", "id,lon,lat,kind\na,1,1,school\n", []string{"--kind", "station"}, 1, `kind "school" differs`},
		{"duplicate", "dup.csv", "id,lon,lat\na,1,1\na,1,1\n", []string{"--kind", "station"}, 1, `dup.csv: line 3 (id "a"): duplicate id in kind "station" (first at`},
		{"bad --kind", "ok.csv", "id,lon,lat\na,1,1\n", []string{"--kind", "a b"}, 2, "--kind"},
		{"bad --crs", "ok.csv", "id,lon,lat\na,1,1\n", []string{"--kind", "x", "--crs", "utm"}, 2, "--crs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"import", "sites", writeFile(t, tt.file, tt.body), "--db", db}, tt.args...)
			code, _, errs := run(t, "", args...)
			if code != tt.exit || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.exit, tt.want)
			}
		})
	}
	if code, out, _ := run(t, "", "sites", "--db", db, "--kind", "station"); code != 0 || strings.Count(out, "\n") != 3 {
		t.Errorf("after failed imports the stations changed:\n%s", out)
	}
	// --append adds; a plain import replaces the kind; GCJ-02 input is converted.
	run(t, "", "import", "sites", writeFile(t, "more.csv", "id,lon,lat\ns3,1.9,0.9\n"), "--db", db, "--kind", "station", "--append")
	if _, out, _ := run(t, "", "sites", "--db", db, "--kind", "station"); strings.Count(out, "\n") != 4 {
		t.Errorf("after --append: %s, want 3 stations", out)
	}
	code, out, _ := run(t, "", "import", "sites", writeFile(t, "gcj.csv", "id,lon,lat\nz,113.6584,34.7464\n"), "--db", db, "--kind", "station", "--crs", "gcj02")
	if code != 0 || !strings.Contains(out, "1 added") || !strings.Contains(out, "3 removed") {
		t.Errorf("replace: exit %d %q, want 1 added, 3 removed", code, out)
	}
	_, out, _ = run(t, "", "sites", "--db", db, "--kind", "station")
	if rows := readCSV(t, out); len(rows) != 1 || rows[0]["lon"] == "113.6584" {
		t.Errorf("gcj02 import stored %v unconverted", rows)
	}
}

func TestCoverageCommand(t *testing.T) { forEachStore(t, testCoverageCommand) }

func testCoverageCommand(t *testing.T, k storeKind) {
	db := sitesDB(t, k)
	// 0.001° of longitude at the equator is 111 m: h1 is covered at 200 m.
	code, out, errs := run(t, "", "coverage", "--db", db, "--service", "station", "--demand", "residential", "--radius-m", "200")
	if code != 0 {
		t.Fatalf("coverage: exit %d %s", code, errs)
	}
	var rep struct {
		Totals    map[string]float64
		Grids     []map[string]any
		Uncovered []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Totals["covered_weight"] != 10 || rep.Totals["demand_weight"] != 35 || len(rep.Grids) != 3 || rep.Grids[2]["code"] != nil || len(rep.Uncovered) != 2 {
		t.Errorf("coverage json = %s", out)
	}
	if !strings.Contains(errs, "weight 10 of 35 (28.6%)") {
		t.Errorf("summary %q", errs)
	}
	_, out, _ = run(t, "", "coverage", "--db", db, "--service", "station", "--demand", "residential", "--radius-m", "200", "--format", "csv", "--level", "grid")
	rows := readCSV(t, out)
	if len(rows) != 3 || rows[0]["code"] != "D1" || rows[0]["ratio"] != "1" || rows[2]["name"] != "(outside every grid)" || rows[2]["demand_weight"] != "5" {
		t.Errorf("coverage csv = %v", rows)
	}
	_, out, _ = run(t, "", "coverage", "--db", db, "--service", "station", "--demand", "residential", "--preset", "15min", "--format", "geojson")
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil || len(fc.Features) != 2 || fc.Features[0].Properties["id"] != "h2" {
		t.Errorf("coverage geojson: %v\n%s", err, out)
	}
	// A presets file overrides 15min: 50 km reaches h2 (47 km from s2).
	presets := writeFile(t, "presets.json", `{"15min": 50000}`)
	_, out, _ = run(t, "", "coverage", "--db", db, "--service", "station", "--demand", "residential", "--preset", "15min", "--presets", presets)
	if !strings.Contains(out, `"radius_m": 50000`) || !strings.Contains(out, `"covered_weight": 30`) {
		t.Errorf("--presets override: %s", out)
	}
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"--service", "castle", "--demand", "residential", "--radius-m", "5"}, `--service: unknown kind "castle"`},
		{[]string{"--demand", "residential", "--radius-m", "5"}, "--service is required"},
		{[]string{"--service", "station", "--demand", "residential", "--radius-m", "-1"}, "--radius-m must be within [0,100000]"},
		{[]string{"--service", "station", "--demand", "residential", "--radius-m", "100001"}, "--radius-m must be within"},
		{[]string{"--service", "station", "--demand", "residential"}, "--radius-m (or preset) is required"},
		{[]string{"--service", "station", "--demand", "residential", "--preset", "2min"}, "--preset must be one of"},
		{[]string{"--service", "station", "--demand", "residential", "--radius-m", "5", "--level", "street"}, "--level must be one of district, grid"},
		{[]string{"--service", "station", "--demand", "residential", "--radius-m", "5", "--format", "xml"}, "--format"},
	}
	for _, tt := range bad {
		code, _, errs := run(t, "", append([]string{"coverage", "--db", db}, tt.args...)...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("coverage %v: exit %d %q, want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
	// Nothing to cover.
	if code, out, _ := run(t, "", "coverage", "--db", db, "--service", "station", "--demand", "clinic", "--radius-m", "5"); code != 0 || !strings.Contains(out, `"demand_weight": 0`) {
		t.Errorf("no clinics: exit %d %s", code, out)
	}
}

func TestSiteCommand(t *testing.T) { forEachStore(t, testSiteCommand) }

func testSiteCommand(t *testing.T, k storeKind) {
	db := sitesDB(t, k)
	cands := writeFile(t, "cands.csv", "id,lon,lat\nnear-h2,1.2,0.801\nfar,1.9,0.1\n")
	code, out, errs := run(t, "", "site", "--db", db, "--service", "station", "--demand", "residential", "--radius-m", "200",
		"--k", "1", "--candidates-file", cands, "--format", "csv")
	rows := readCSV(t, out)
	if code != 0 || len(rows) != 1 || rows[0]["candidate_id"] != "near-h2" || rows[0]["marginal_gain"] != "20" || rows[0]["grid"] != "D2" || rows[0]["covered_weight"] != "30" {
		t.Fatalf("site: exit %d %v %s", code, rows, errs)
	}
	run(t, "", "import", "sites", cands, "--db", db, "--kind", "candidate")
	for _, c := range [][]string{{"--candidates", "candidate"}, {"--label-points"}, {"--lattice-m", "20000"}} {
		args := append([]string{"site", "--db", db, "--service", "station", "--demand", "residential", "--radius-m", "200", "--k", "1"}, c...)
		code, out, errs := run(t, "", args...)
		var rep struct{ Chosen []map[string]any }
		if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
			t.Errorf("site %v: exit %d %s %s", c, code, out, errs)
		}
	}
	code, out, _ = run(t, "", "site", "--db", db, "--service", "station", "--demand", "residential", "--radius-m", "200",
		"--objective", "min_sites", "--target-ratio", "0.8", "--candidates", "candidate", "--format", "geojson")
	if code != 0 || strings.Count(out, `"Feature"`) != 1 {
		t.Errorf("min_sites: exit %d %s", code, out)
	}
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"--k", "0", "--candidates", "candidate"}, "--k must be within [1,2]"},
		{[]string{"--k", "3", "--candidates", "candidate"}, "--k must be within [1,2]"},
		{[]string{"--k", "1"}, "exactly one of --candidates"},
		{[]string{"--k", "1", "--candidates", "candidate", "--label-points"}, "exactly one of --candidates"},
		{[]string{"--k", "1", "--candidates", "castle"}, `--candidates: unknown kind "castle"`},
		{[]string{"--k", "1", "--lattice-m", "0"}, "--lattice-m must be within"},
		{[]string{"--objective", "min_sites", "--candidates", "candidate"}, "--target-ratio is required"},
		{[]string{"--objective", "cheap", "--k", "1", "--candidates", "candidate"}, "--objective must be max_coverage or min_sites"},
	}
	for _, tt := range bad {
		args := append([]string{"site", "--db", db, "--service", "station", "--demand", "residential", "--radius-m", "200"}, tt.args...)
		code, _, errs := run(t, "", args...)
		if code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("site %v: exit %d %q, want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}

// TestServeDemoSitesEndToEnd: the real binary with --demo serves the demo
// sites, their coverage and siting over HTTP.
func TestServeDemoSitesEndToEnd(t *testing.T) { forEachStore(t, testServeDemoSitesEndToEnd) }

func testServeDemoSitesEndToEnd(t *testing.T, k storeKind) {
	db := storeDB(t, k, "demo.db")
	s := startServer(t, nil, "--demo", "--db", db, "--log-level", "warn")
	var sites struct{ Count int }
	if code := getJSON(t, s.url+"/v1/sites?kind=station", &sites); code != 200 || sites.Count != 162 {
		t.Errorf("GET /v1/sites?kind=station = %d, %d stations; want the demo's 162", code, sites.Count)
	}
	var cov struct {
		Totals              map[string]float64
		GridsWithoutService []map[string]string `json:"grids_without_service"`
	}
	if code := getJSON(t, s.url+"/v1/coverage?service=station&demand=construction_site&radius_m=1000&level=community", &cov); code != 200 ||
		cov.Totals["demand_count"] != 19 || cov.Totals["ratio"] <= 0 || cov.Totals["ratio"] > 1 {
		t.Errorf("GET /v1/coverage = %d %+v", code, cov.Totals)
	}
	// The demo leaves 27 communities without a station; at 300 m some of
	// them are without service.
	if len(cov.GridsWithoutService) == 0 {
		getJSON(t, s.url+"/v1/coverage?service=station&demand=residential&preset=5min&level=community", &cov)
		if len(cov.GridsWithoutService) == 0 {
			t.Errorf("no community without service in the demo, which has 27 without a station")
		}
	}
	body := `{"service":"station","demand":"residential","radius_m":500,"k":3,"candidates":{"kind":"candidate"}}`
	resp, err := http.Post(s.url+"/v1/siting", "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep struct {
		Chosen           []map[string]any
		Before, After    map[string]float64
		UpperBoundWeight float64 `json:"upper_bound_weight"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /v1/siting = %d %v", resp.StatusCode, err)
	}
	if len(rep.Chosen) != 3 || rep.After["covered_weight"] <= rep.Before["covered_weight"] || rep.UpperBoundWeight < rep.After["covered_weight"] {
		t.Errorf("siting on the demo: %+v", rep)
	}
}

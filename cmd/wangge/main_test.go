package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// run executes wangge in-process, as the binary would, and returns its exit
// status and output.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

// twoGrids: a district 0..2 × 0..1 cut into two grids along lon 1, plus a
// lonely grid far away.
const twoGrids = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"D","name":"区","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"D1","name":"西格","level":"grid","parent":"D","leader":"王芳"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"D2","name":"东格","level":"grid","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}
]}`

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readCSV(t *testing.T, s string) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, s)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestImportAndLocate(t *testing.T) { forEachStore(t, testImportAndLocate) }

func testImportAndLocate(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	src := writeFile(t, "grids.geojson", twoGrids)
	// Flags after the positional argument, as the CLI conventions allow.
	code, out, errs := run(t, "", "import", "grids", src, "--db", db, "--levels", "district,grid")
	if code != 0 {
		t.Fatalf("import: exit %d, stderr %s", code, errs)
	}
	if !strings.Contains(out, "version 1: 3 grids") {
		t.Errorf("import stdout = %q, want the version and count", out)
	}
	in := "id,lon,lat\n" +
		"in-west,0.5,0.5\n" +
		"edge,1,0.5\n" +
		"corner,2,1\n" +
		"near,2.0001,0.5\n" +
		"far,3,3\n" +
		"nan,NaN,0\n" +
		"range,0.5,91\n" +
		"\"q,uoted\",1.5,0.5\n"
	code, out, errs = run(t, in, "locate", "--db", db)
	if code != 1 {
		t.Errorf("locate with bad rows: exit %d, want 1", code)
	}
	for _, want := range []string{"line 7:", "line 8:"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q does not report %s", errs, want)
		}
	}
	rows := readCSV(t, out)
	want := []struct{ id, lon, code, match, path string }{
		{"in-west", "0.5", "D1", "inside", "D/D1"},
		{"edge", "1", "D1", "boundary", "D/D1"}, // shared edge: lowest code
		{"corner", "2", "D2", "boundary", "D/D2"},
		{"near", "2.0001", "D2", "nearest", "D/D2"},
		{"far", "3", "", "none", ""},
		{"nan", "NaN", "", "error", ""},
		{"range", "0.5", "", "error", ""},
		{"q,uoted", "1.5", "D2", "inside", "D/D2"},
	}
	if len(rows) != len(want) {
		t.Fatalf("locate wrote %d rows, want %d:\n%s", len(rows), len(want), out)
	}
	for i, w := range want {
		r := rows[i]
		if r["id"] != w.id || r["lon"] != w.lon || r["code"] != w.code || r["match"] != w.match || r["path"] != w.path {
			t.Errorf("row %d = %v, want id %s lon %s code %s match %s path %s", i, r, w.id, w.lon, w.code, w.match, w.path)
		}
	}
	// 0.0001° of longitude at the equator is about 11.13 m.
	if d, _ := strconv.ParseFloat(rows[3]["distance_m"], 64); d < 11 || d > 11.3 {
		t.Errorf("near: distance_m = %s, want about 11.13", rows[3]["distance_m"])
	}
	// --level and --nearest-m 0.
	_, out, _ = run(t, "id,lon,lat\na,0.5,0.5\nb,2.0001,0.5\n", "locate", "--db", db, "--level", "district", "--nearest-m", "0")
	rows = readCSV(t, out)
	if rows[0]["code"] != "D" || rows[0]["match"] != "inside" || rows[1]["match"] != "none" {
		t.Errorf("locate --level district --nearest-m 0 = %v", rows)
	}
	if code, _, errs := run(t, "id,lon,lat\n", "locate", "--db", db, "--level", "street"); code != 2 || !strings.Contains(errs, "unknown level") {
		t.Errorf("locate --level street: exit %d, stderr %q; want 2 and unknown level", code, errs)
	}
}

func TestImportIsAllOrNothing(t *testing.T) { forEachStore(t, testImportIsAllOrNothing) }

func testImportIsAllOrNothing(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	good := writeFile(t, "good.geojson", twoGrids)
	if code, _, errs := run(t, "", "import", "grids", "--db", db, good, "--levels", "district,grid"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	tests := []struct{ name, body, want string }{
		{"bad ring", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"D3","level":"grid","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}]}`,
			`feature 0 (code "D3"): polygon 0 ring 0: ring has 3 positions`},
		{"unknown parent", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"D3","level":"grid","parent":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
			`unknown parent "X"`},
		{"duplicate code", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"D3","level":"grid","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"D3","level":"grid","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`,
			`feature 1 (code "D3"): duplicate code`},
		{"lat out of range", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"D4","level":"grid","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,100],[0,0]]]}}]}`,
			`lat 100 outside [-90,90]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := writeFile(t, "bad.geojson", tt.body)
			code, _, errs := run(t, "", "import", "grids", src, "--db", db)
			if code != 1 || !strings.Contains(errs, tt.want) || !strings.Contains(errs, "bad.geojson") {
				t.Errorf("import: exit %d, stderr %q; want 1 naming the file and %q", code, errs, tt.want)
			}
		})
	}
	_, out, _ := run(t, "", "versions", "--db", db)
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("after failed imports, versions lists %d lines, want the header and one version:\n%s", n, out)
	}
}

func TestImportUpsertAndReplace(t *testing.T) { forEachStore(t, testImportUpsertAndReplace) }

func testImportUpsertAndReplace(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	src := writeFile(t, "grids.geojson", twoGrids)
	run(t, "", "import", "grids", src, "--db", db, "--levels", "district,grid")
	extra := writeFile(t, "extra.geojson", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"E","name":"远区","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[10,10],[11,10],[11,11],[10,11],[10,10]]]}}]}`)
	if code, out, errs := run(t, "", "import", "grids", "--db", db, extra); code != 0 || !strings.Contains(out, "version 2: 4 grids") {
		t.Fatalf("upsert: exit %d, %q %q; want version 2 with 4 grids", code, out, errs)
	}
	if code, out, errs := run(t, "", "import", "grids", "--db", db, "--replace", extra); code != 0 || !strings.Contains(out, "version 3: 1 grids") {
		t.Fatalf("replace: exit %d, %q %q; want version 3 with 1 grid", code, out, errs)
	}
	_, out, _ := run(t, "id,lon,lat\na,0.5,0.5\nb,10.5,10.5\n", "locate", "--db", db)
	rows := readCSV(t, out)
	if rows[0]["match"] != "none" || rows[1]["code"] != "E" {
		t.Errorf("after --replace, locate = %v; want the old grids gone and E found", rows)
	}
}

func TestConvert(t *testing.T) {
	// 天安门 in WGS-84; GCJ-02 moves it by a few hundred metres and the round
	// trip brings it back to within a centimetre.
	code, out, errs := run(t, "id,lon,lat\ntam,116.391278,39.907375\nhk,114.1694,22.3193\nbad,x,1\n", "convert", "--from", "wgs84", "--to", "gcj02")
	if code != 1 || !strings.Contains(errs, "line 4") {
		t.Errorf("convert with a bad row: exit %d, stderr %q; want 1 and line 4", code, errs)
	}
	rows := readCSV(t, out)
	if len(rows) != 3 {
		t.Fatalf("convert wrote %d rows, want 3 (the bad one with empty coordinates)", len(rows))
	}
	lon, _ := strconv.ParseFloat(rows[0]["lon"], 64)
	if d := lon - 116.391278; d < 0.005 || d > 0.008 {
		t.Errorf("GCJ-02 lon shift at Tiananmen = %v°, want about 0.006°", d)
	}
	if rows[1]["lon"] != "114.1694" || rows[1]["lat"] != "22.3193" {
		t.Errorf("Hong Kong moved: %v; GCJ-02 applies only in the mainland", rows[1])
	}
	if rows[2]["lon"] != "" {
		t.Errorf("bad row = %v, want empty coordinates", rows[2])
	}
	back := "id,lon,lat\n" + rows[0]["id"] + "," + rows[0]["lon"] + "," + rows[0]["lat"] + "\n"
	_, out, _ = run(t, back, "convert", "--to", "wgs84", "--from", "gcj02")
	rows = readCSV(t, out)
	lon, _ = strconv.ParseFloat(rows[0]["lon"], 64)
	lat, _ := strconv.ParseFloat(rows[0]["lat"], 64)
	if dLon, dLat := (lon-116.391278)*85000, (lat-39.907375)*111000; dLon*dLon+dLat*dLat > 1e-4 {
		t.Errorf("round trip = %v,%v; want within 1 cm of 116.391278,39.907375", lon, lat)
	}
	if code, _, _ := run(t, "", "convert", "--from", "wgs84", "--to", "mercator"); code != 2 {
		t.Errorf("convert --to mercator: exit %d, want 2", code)
	}
}

func TestUsage(t *testing.T) {
	if code, out, _ := run(t, ""); code != 0 || !strings.Contains(out, "import grids") {
		t.Errorf("wangge with no args: exit %d, %q", code, out)
	}
	if code, _, errs := run(t, "", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, errs)
	}
	if code, _, errs := run(t, "", "import", "grids", "--db", "x.db"); code != 2 || !strings.Contains(errs, "no input files") {
		t.Errorf("import without files: exit %d, %q", code, errs)
	}
}

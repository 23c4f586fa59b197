package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// gappyGrids: district D (0..2 × 0..1) whose grid D2 stops at lat 0.9,
// leaving a gap, and whose grid D3 overlaps D1.
const gappyGrids = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"D","name":"区","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"D1","name":"西格","level":"grid","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"D2","name":"东格","level":"grid","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,0.9],[1,0.9],[1,0]]]}},
{"type":"Feature","properties":{"code":"D3","name":"中格","level":"grid","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[0.9,0],[1,0],[1,0.1],[0.9,0.1],[0.9,0]]]}}
]}`

func TestValidateCommand(t *testing.T) { forEachStore(t, testValidateCommand) }

func testValidateCommand(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	if code, _, errs := run(t, "", "import", "grids", writeFile(t, "g.geojson", gappyGrids), "--db", db, "--levels", "district,grid"); code != 0 {
		t.Fatalf("import: %s", errs)
	}

	code, out, errs := run(t, "", "validate", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("validate --format json: exit %d, stderr %s", code, errs)
	}
	var doc struct {
		Version  int            `json:"version"`
		Counts   map[string]int `json:"counts"`
		Problems []struct {
			Kind   string   `json:"kind"`
			Level  string   `json:"level"`
			Grids  []string `json:"grids"`
			AreaM2 float64  `json:"area_m2"`
		} `json:"problems"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if dec.More() {
		t.Errorf("stdout holds more than one JSON document:\n%s", out)
	}
	if doc.Version != 1 || doc.Counts["overlap"] != 1 || doc.Counts["gap"] != 1 || len(doc.Problems) != 2 {
		t.Errorf("report: version %d, counts %v, %d problems; want version 1, one overlap, one gap", doc.Version, doc.Counts, len(doc.Problems))
	}
	for _, p := range doc.Problems {
		switch p.Kind {
		case "overlap":
			if strings.Join(p.Grids, ",") != "D1,D3" || p.Level != "grid" {
				t.Errorf("overlap: grids %v level %q, want D1,D3 grid", p.Grids, p.Level)
			}
		case "gap":
			// 1° × 0.1° at the equator: about 1,231 km².
			if strings.Join(p.Grids, ",") != "D" || p.AreaM2 < 1.2e9 || p.AreaM2 > 1.25e9 {
				t.Errorf("gap: grids %v area %.0f m², want D, about 1.23e9", p.Grids, p.AreaM2)
			}
		}
	}
	if !strings.Contains(errs, "2 problems (overlap 1, gap 1)") {
		t.Errorf("stderr %q, want a summary", errs)
	}

	code, out, _ = run(t, "", "validate", "--db", db)
	if code != 0 || !strings.HasPrefix(out, "layer main version 1: 4 grids checked, 2 problems") || strings.Count(out, "\n") != 3 {
		t.Errorf("validate (text): exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "validate", "--db", db, "--format", "geojson", "--level", "district")
	if code != 0 || !strings.Contains(out, `"type":"FeatureCollection"`) || !strings.Contains(out, `"features":[]`) {
		t.Errorf("validate --format geojson --level district: exit %d\n%s", code, out)
	}
	// Above both areas: only D3 is left, smaller than the threshold.
	code, out, _ = run(t, "", "validate", "--db", db, "--min-area-m2", "2e9")
	if code != 0 || !strings.Contains(out, "1 problems (sliver 1)") {
		t.Errorf("validate --min-area-m2 2e9: exit %d\n%s", code, out)
	}
}

func TestValidateCommandErrors(t *testing.T) { forEachStore(t, testValidateCommandErrors) }

func testValidateCommandErrors(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	if code, _, errs := run(t, "", "import", "grids", writeFile(t, "g.geojson", twoGrids), "--db", db, "--levels", "district,grid"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"clean", nil, 0, "0 problems"},
		{"bad format", []string{"--format", "csv"}, 2, "--format must be text, json or geojson"},
		{"bad level", []string{"--level", "province"}, 2, `unknown level "province"`},
		{"negative area", []string{"--min-area-m2", "-1"}, 2, "--min-area-m2"},
		{"no such layer", []string{"--layer", "other"}, 1, `layer "other" has no boundary set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, "", append([]string{"validate", "--db", db}, tt.args...)...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("validate %v: exit %d, stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.want)
			}
		})
	}
}

func TestImportStrict(t *testing.T) { forEachStore(t, testImportStrict) }

func testImportStrict(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	src := writeFile(t, "g.geojson", gappyGrids)
	code, _, errs := run(t, "", "import", "grids", src, "--db", db, "--levels", "district,grid", "--strict")
	if code != 1 || !strings.Contains(errs, "--strict: the set has 1 × overlap, 1 × gap of at least 1 m² (nothing imported)") ||
		!strings.Contains(errs, "overlap D1,D3:") || !strings.Contains(errs, "gap D:") {
		t.Errorf("import --strict: exit %d, stderr %q; want a refusal listing the overlap and the gap", code, errs)
	}
	if _, out, _ := run(t, "", "versions", "--db", db); strings.Count(out, "\n") != 1 {
		t.Errorf("after a refused import, versions = %q, want none", out)
	}
	// A threshold above both lets it through.
	if code, _, errs := run(t, "", "import", "grids", src, "--db", db, "--levels", "district,grid", "--strict", "--min-area-m2", "2e9"); code != 0 {
		t.Errorf("import --strict --min-area-m2 2e9: exit %d, stderr %q", code, errs)
	}
	// Without --strict the import goes on and reports them.
	code, out, errs := run(t, "", "import", "grids", src, "--db", db, "--replace")
	if code != 0 || !strings.Contains(out, "version 2") || !strings.Contains(errs, "topology: 1 × overlap, 1 × gap of at least 1 m² (imported anyway") {
		t.Errorf("import: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

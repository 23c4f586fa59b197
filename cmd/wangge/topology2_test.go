package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"github.com/wangge/wangge/data/demo"
)

// validateCounts runs wangge validate --format json on layer and returns
// the problem counts.
func validateCounts(t *testing.T, db, layer string) map[string]int {
	t.Helper()
	code, out, errs := run(t, "", "validate", "--db", db, "--layer", layer, "--format", "json")
	if code != 0 {
		t.Fatalf("validate --layer %s: exit %d: %s", layer, code, errs)
	}
	var doc struct {
		Counts map[string]int `json:"counts"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("validate --layer %s: %v", layer, err)
	}
	return doc.Counts
}

func versionCount(t *testing.T, db, layer string) int {
	t.Helper()
	_, out, _ := run(t, "", "versions", "--db", db, "--layer", layer)
	return strings.Count(out, "\n") - 1
}

func TestRepairCommand(t *testing.T) { forEachStore(t, testRepairCommand) }

func testRepairCommand(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	if code, _, errs := run(t, "", "import", "grids", writeFile(t, "g.geojson", gappyGrids), "--db", db, "--levels", "district,grid"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	// Without --apply: the changes, nothing saved.
	code, out, errs := run(t, "", "repair", "--db", db)
	if code != 0 || !strings.Contains(out, "overlap grid D1,D3") && !strings.Contains(out, "overlap grid D3,D1") || !strings.Contains(out, "gap grid") ||
		!strings.Contains(errs, "nothing saved") || versionCount(t, db, "main") != 1 {
		t.Fatalf("repair: exit %d, %d versions\n%s\n%s", code, versionCount(t, db, "main"), out, errs)
	}
	code, out, errs = run(t, "", "repair", "--db", db, "--apply", "--format", "json")
	var doc struct {
		Applied    bool           `json:"applied"`
		NewVersion int64          `json:"new_version"`
		Before     map[string]int `json:"before"`
		After      map[string]int `json:"after"`
		Changes    []struct {
			Kind  string   `json:"kind"`
			Grids []string `json:"grids"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil {
		t.Fatalf("repair --apply --format json: exit %d, %v\n%s\n%s", code, err, out, errs)
	}
	if !doc.Applied || doc.NewVersion != 2 || doc.Before["overlap"] != 1 || doc.Before["gap"] != 1 || doc.After["overlap"] != 0 || doc.After["gap"] != 0 {
		t.Errorf("repair --apply: %+v", doc)
	}
	if c := validateCounts(t, db, "main"); c["overlap"]+c["gap"]+c["invalid"] != 0 {
		t.Errorf("validate after repair --apply: %v", c)
	}
	// The old version comes back as a new one.
	if code, _, errs := run(t, "", "versions", "--db", db, "--restore", "1"); code != 0 || !strings.Contains(errs, "version 1 restored as version 3") {
		t.Errorf("versions --restore 1: exit %d, %s", code, errs)
	}
	if c := validateCounts(t, db, "main"); c["overlap"] != 1 || c["gap"] != 1 {
		t.Errorf("validate after --restore 1: %v, want the overlap and the gap back", c)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"repair", "--rule", "biggest"}, "--rule"},
		{[]string{"repair", "--snap-m", "-1"}, "--snap-m"},
		{[]string{"repair", "--format", "csv"}, "--format"},
		{[]string{"versions", "--restore", "1", "--layer", "other"}, `belongs to layer "main"`},
		{[]string{"compare", "--layer", "main"}, "give two layers"},
		{[]string{"merge", "--layer", "main", "--layer", "x"}, "--into"},
		{[]string{"merge", "--layer", "main", "--layer", "x", "--into", "y", "--prefer", "z"}, "--prefer z"},
	} {
		if code, _, errs := run(t, "", append(tt.args, "--db", db)...); code != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errs, tt.want)
		}
	}
}

// sharedFile returns a file of the shared data, skipping t when missing.
func sharedFile(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("WANGGE_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data")
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("WANGGE_REQUIRE_EXTERNAL") == "1" {
			t.Fatalf("WANGGE_REQUIRE_EXTERNAL=1 but %v", err)
		}
		t.Skipf("skipped: shared data missing (set WANGGE_SHARED_DATA): %v", err)
	}
	return p
}

// zhengzhouLayer writes 郑州's 12 districts, each simplified on its own with
// tolDeg, as a GeoJSON file: one department's drawing.
func zhengzhouLayer(t *testing.T, tolDeg float64) string {
	t.Helper()
	raw, err := os.ReadFile(sharedFile(t, "cn-districts-wgs84.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	out := geojson.NewFeatureCollection()
	for _, f := range fc.Features {
		if f.Properties.MustString("city", "") != "郑州市" {
			continue
		}
		nf := geojson.NewFeature(simplify.DouglasPeucker(tolDeg).Simplify(orb.Clone(f.Geometry)))
		nf.Properties = geojson.Properties{"code": f.Properties["adcode"], "name": f.Properties["name"], "level": "district"}
		out.Append(nf)
	}
	b, _ := out.MarshalJSON()
	return writeFile(t, "zz-"+strconv.FormatFloat(tolDeg, 'g', -1, 64)+".geojson", string(b))
}

// Two departments' drawings of 郑州's districts: repair each (validate then
// finds nothing), compare them (every district's shares add up to 1), merge
// them both ways (the result validates).
func TestRepairCompareMergeZhengzhou(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	for layer, tol := range map[string]float64{"police": 0.001, "civil": 0.003} {
		if code, _, errs := run(t, "", "import", "grids", zhengzhouLayer(t, tol), "--db", db, "--layer", layer, "--levels", "district"); code != 0 {
			t.Fatalf("import %s: %s", layer, errs)
		}
		if c := validateCounts(t, db, layer); c["overlap"] == 0 || c["gap"] == 0 {
			t.Fatalf("layer %s before repair: %v; want overlaps and gaps", layer, c)
		}
		if code, _, errs := run(t, "", "repair", "--db", db, "--layer", layer, "--apply"); code != 0 {
			t.Fatalf("repair --layer %s --apply: %s", layer, errs)
		}
		if c := validateCounts(t, db, layer); c["overlap"]+c["gap"]+c["invalid"]+c["sliver"] != 0 {
			t.Errorf("layer %s after repair --apply: %v", layer, c)
		}
	}
	code, out, errs := run(t, "", "compare", "--db", db, "--layer", "police", "--layer", "civil")
	if code != 0 {
		t.Fatalf("compare: %s", errs)
	}
	sum := map[string]float64{}
	for _, r := range readCSV(t, out) {
		switch r["kind"] {
		case "pair", "only_a":
			s, _ := strconv.ParseFloat(r["share_a"], 64)
			sum[r["a"]] += s
		}
	}
	if len(sum) != 12 {
		t.Errorf("compare: %d districts of police in the crosswalk, want 12", len(sum))
	}
	for code, s := range sum {
		if math.Abs(s-1) > 1e-4 {
			t.Errorf("compare: the shares of police district %s add up to %.6f", code, s)
		}
	}
	code, out, _ = run(t, "", "compare", "--db", db, "--layer", "police", "--layer", "civil", "--format", "geojson")
	if fc, err := geojson.UnmarshalFeatureCollection([]byte(out)); code != 0 || err != nil || len(fc.Features) < 12 {
		t.Errorf("compare --format geojson: exit %d, %v", code, err)
	}
	for _, args := range [][]string{
		{"--prefer", "civil", "--into", "unified"},
		{"--refine", "--into", "refined"},
	} {
		code, out, errs := run(t, "", append([]string{"merge", "--db", db, "--layer", "police", "--layer", "civil"}, args...)...)
		if code != 0 || !strings.Contains(out, "layer "+args[len(args)-1]) {
			t.Fatalf("merge %v: exit %d\n%s\n%s", args, code, out, errs)
		}
		if c := validateCounts(t, db, args[len(args)-1]); c["overlap"]+c["gap"]+c["invalid"]+c["sliver"] != 0 {
			t.Errorf("merge %v: validate %v", args, c)
		}
	}
}

// The demo's communities against a copy drawn up to 30 m elsewhere.
func TestCompareMergeDemo(t *testing.T) { forEachStore(t, testCompareMergeDemo) }

func testCompareMergeDemo(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	src := writeFile(t, "demo.geojson", string(demo.Grids()))
	if code, _, errs := run(t, "", "import", "grids", src, "--db", db, "--layer", "a"); code != 0 {
		t.Fatalf("import demo: %s", errs)
	}
	fc, err := geojson.UnmarshalFeatureCollection(demo.Grids())
	if err != nil {
		t.Fatal(err)
	}
	moved := geojson.NewFeatureCollection()
	d := 30 / 111195.0
	for _, f := range fc.Features {
		if f.Properties.MustString("level", "") != "community" {
			continue
		}
		g := orb.Clone(f.Geometry)
		for _, p := range g.(orb.Polygon) {
			for k, q := range p {
				p[k] = orb.Point{q[0] + d*math.Sin(q[1]*700), q[1] + d*math.Cos(q[0]*900)}
			}
		}
		nf := geojson.NewFeature(g)
		nf.Properties = geojson.Properties{"code": f.Properties["code"], "name": f.Properties["name"], "level": "community"}
		moved.Append(nf)
	}
	b, _ := moved.MarshalJSON()
	if code, _, errs := run(t, "", "import", "grids", writeFile(t, "b.geojson", string(b)), "--db", db, "--layer", "b", "--levels", "community"); code != 0 {
		t.Fatalf("import moved: %s", errs)
	}
	code, out, errs := run(t, "", "compare", "--db", db, "--layer", "a", "--layer", "b", "--level", "community")
	if code != 0 {
		t.Fatalf("compare: %s", errs)
	}
	rows := readCSV(t, out)
	self := 0
	for _, r := range rows {
		if r["kind"] == "pair" && r["a"] == r["b"] {
			if s, _ := strconv.ParseFloat(r["share_a"], 64); s > 0.8 {
				self++
			}
		}
	}
	if self != 176 {
		t.Errorf("compare: %d of 176 communities hold more than 80%% of their copy", self)
	}
	if code, _, errs := run(t, "", "merge", "--db", db, "--layer", "a", "--layer", "b", "--level", "community", "--refine", "--into", "m"); code != 0 {
		t.Fatalf("merge: %s", errs)
	}
	if c := validateCounts(t, db, "m"); c["overlap"]+c["gap"]+c["invalid"] != 0 {
		t.Errorf("merged demo: validate %v", c)
	}
}

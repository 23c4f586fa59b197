package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

const square = `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`

func fc(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func feat(props, geom string) string {
	return `{"type":"Feature","properties":` + props + `,"geometry":` + geom + `}`
}

func TestReadGrids(t *testing.T) {
	in := fc(
		feat(`{"code":"a","name":"A","level":"district","leader":"王芳"}`, square),
		feat(`{"code":410103,"name":"B","parent":"a"}`, `{"type":"MultiPolygon","coordinates":[[[[0,0,5],[1,0,5],[1,1,5],[0,0,5]]]]}`),
	)
	grids, err := ReadGrids(strings.NewReader(in), GridFields{DefaultLevel: "street"}, 0)
	if err != nil {
		t.Fatalf("ReadGrids: %v", err)
	}
	if len(grids) != 2 {
		t.Fatalf("ReadGrids read %d grids, want 2", len(grids))
	}
	a, b := grids[0], grids[1]
	if a.Code != "a" || a.Name != "A" || a.Level != "district" || a.Parent != "" || a.Attrs["leader"] != "王芳" {
		t.Errorf("grid 0 = %+v", a)
	}
	if b.Code != "410103" || b.Level != "street" || b.Parent != "a" {
		t.Errorf("grid 1: code %q level %q parent %q, want 410103 street a", b.Code, b.Level, b.Parent)
	}
	if got := b.Geometry[0][0][1]; got != (orb.Point{1, 0}) {
		t.Errorf("grid 1 second position = %v, want [1 0] (z dropped)", got)
	}
	if len(a.Geometry) != 1 || len(a.Geometry[0][0]) != 5 {
		t.Errorf("grid 0 geometry = %v, want one polygon of 5 positions", a.Geometry)
	}
}

func TestReadGridsFieldsAndTransform(t *testing.T) {
	in := fc(feat(`{"uid":"x1","title":"X","kind":"grid","up":"root"}`, square))
	shift := func(p orb.Point) orb.Point { return orb.Point{p[0] + 10, p[1]} }
	grids, err := ReadGrids(strings.NewReader(in), GridFields{Code: "uid", Name: "title", Level: "kind", Parent: "up", Transform: shift}, 0)
	if err != nil {
		t.Fatal(err)
	}
	g := grids[0]
	if g.Code != "x1" || g.Name != "X" || g.Level != "grid" || g.Parent != "root" || len(g.Attrs) != 0 {
		t.Errorf("grid = %+v, want fields mapped and no attributes left", g)
	}
	if g.Geometry[0][0][2] != (orb.Point{11, 1}) {
		t.Errorf("transformed position = %v, want [11 1]", g.Geometry[0][0][2])
	}
}

func TestReadGridsSingleFeature(t *testing.T) {
	grids, err := ReadGrids(strings.NewReader(feat(`{"code":"solo","level":"grid"}`, square)), GridFields{}, 0)
	if err != nil || len(grids) != 1 || grids[0].Code != "solo" {
		t.Fatalf("ReadGrids(Feature) = %v, %v; want one grid solo", grids, err)
	}
}

func TestReadGridsErrors(t *testing.T) {
	tests := []struct {
		name, in string
		index    int // -1: not a feature error
		want     string
	}{
		{"not json", `nope`, -1, "GeoJSON"},
		{"not an object", `[1,2]`, -1, "expected"},
		{"no type", `{"features":[]}`, -1, "missing type"},
		{"wrong type", `{"type":"GeometryCollection","geometries":[]}`, -1, "want FeatureCollection"},
		{"no features", `{"type":"FeatureCollection"}`, -1, "no features"},
		{"null geometry", fc(feat(`{"code":"a"}`, square), feat(`{"code":"b"}`, `null`)), 1, "null geometry"},
		{"point geometry", fc(feat(`{"code":"p"}`, `{"type":"Point","coordinates":[1,2]}`)), 0, "want Polygon or MultiPolygon"},
		{"missing code", fc(feat(`{"name":"x"}`, square)), 0, "missing code"},
		{"object code", fc(feat(`{"code":{"a":1}}`, square)), 0, "string or number"},
		{"short position", fc(feat(`{"code":"a"}`, `{"type":"Polygon","coordinates":[[[0],[1,0],[1,1],[0,0]]]}`)), 0, "need 2"},
		{"string coordinate", fc(feat(`{"code":"a"}`, `{"type":"Polygon","coordinates":[[["0",0],[1,0],[1,1],[0,0]]]}`)), 0, "coordinates"},
		{"not a feature", fc(`{"type":"Polygon"}`), 0, `want "Feature"`},
		{"truncated", `{"type":"FeatureCollection","features":[` + feat(`{"code":"a"}`, square), -1, "features"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadGrids(strings.NewReader(tt.in), GridFields{}, 0)
			if err == nil {
				t.Fatalf("ReadGrids succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			var ge *geo.GridError
			if tt.index >= 0 && (!errors.As(err, &ge) || ge.Index != tt.index) {
				t.Errorf("error %v: want a GridError for feature %d", err, tt.index)
			}
		})
	}
}

func TestReadGridsFileGzip(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(fc(feat(`{"code":"a","level":"grid"}`, square))))
	zw.Close()
	path := filepath.Join(dir, "grids.geojson.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	grids, err := ReadGridsFile(path, GridFields{}, 7)
	if err != nil || len(grids) != 1 {
		t.Fatalf("ReadGridsFile(.gz) = %v, %v", grids, err)
	}
	if _, err := ReadGridsFile(filepath.Join(dir, "missing.geojson"), GridFields{}, 0); err == nil {
		t.Error("ReadGridsFile(missing) succeeded")
	}
}

// FuzzReadGrids: any input either fails with an error or yields grids that,
// once validated, index and answer lookups without panicking.
func FuzzReadGrids(f *testing.F) {
	f.Add(fc(feat(`{"code":"a","level":"district"}`, square)))
	f.Add(fc(feat(`{"code":"a","level":"district"}`, `{"type":"MultiPolygon","coordinates":[[[[0,0],[2,0],[0,2],[2,2],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`)))
	f.Add(fc(feat(`{"code":"a","level":"district"}`, square), feat(`{"code":"b","level":"street","parent":"a"}`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2],[0.1,0.1]]]}`)))
	f.Add(`{"type":"Feature","properties":{"code":1,"level":"grid"},"geometry":` + square + `}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		grids, err := ReadGrids(strings.NewReader(in), GridFields{}, 0)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		set := &geo.Set{Grids: grids}
		if _, err := set.Validate(); err != nil {
			return
		}
		ix, err := geo.NewIndex(set)
		if err != nil {
			t.Fatalf("NewIndex after a successful Validate: %v", err)
		}
		for i := range set.Grids {
			for _, pg := range set.Grids[i].Geometry {
				for _, p := range pg[0] {
					res, err := ix.Locate(p, geo.LocateOptions{})
					if err != nil {
						t.Fatalf("Locate(vertex %v): %v", p, err)
					}
					covered := ix.Position(int32(i), p) != geo.Exterior
					if covered && res.Owner < 0 {
						t.Fatalf("Locate(vertex %v of %q) found no owner, though the grid covers it", p, set.Grids[i].Code)
					}
				}
			}
		}
	})
}

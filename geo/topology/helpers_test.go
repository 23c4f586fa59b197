package topology

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
)

// skipExternal skips t for a missing external resource, or fails it when
// WANGGE_REQUIRE_EXTERNAL=1 (as in data's tests).
func skipExternal(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("WANGGE_REQUIRE_EXTERNAL") == "1" {
		t.Fatalf("WANGGE_REQUIRE_EXTERNAL=1 but "+format, args...)
	}
	t.Skipf("skipped: "+format, args...)
}

// sharedDir returns the shared data directory (WANGGE_SHARED_DATA, else
// ../shared/data beside the repository), skipping t when a file is missing.
func sharedDir(t testing.TB, names ...string) string {
	t.Helper()
	dir := os.Getenv("WANGGE_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data")
	}
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			skipExternal(t, "shared data file missing (set WANGGE_SHARED_DATA): %v", err)
		}
	}
	return dir
}

var allDistricts = []string{"cn-all-districts-01.geojson.gz", "cn-all-districts-02.geojson.gz", "cn-all-districts-03.geojson.gz"}

// readShared reads GeoJSON files of the shared data as one level of grids
// (coordinates as stored, GCJ-02 for most), coded by codeField, with keep
// choosing features by their properties (nil: all).
func readShared(t testing.TB, codeField string, keep func(geojson.Properties) bool, files ...string) *geo.Set {
	t.Helper()
	dir := sharedDir(t, files...)
	set := &geo.Set{Levels: geo.Levels{"district"}}
	for _, f := range files {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = fh
		if strings.HasSuffix(f, ".gz") {
			if r, err = gzip.NewReader(fh); err != nil {
				t.Fatal(err)
			}
		}
		raw, err := io.ReadAll(r)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, ft := range fc.Features {
			if keep != nil && !keep(ft.Properties) {
				continue
			}
			g := geo.Grid{Code: ft.Properties.MustString(codeField, ""), Name: ft.Properties.MustString("name", ""), Level: "district", Attrs: ft.Properties}
			switch gm := ft.Geometry.(type) {
			case orb.Polygon:
				g.Geometry = orb.MultiPolygon{gm}
			case orb.MultiPolygon:
				g.Geometry = gm
			default:
				t.Fatalf("%s: feature %q is a %T", f, g.Code, gm)
			}
			set.Grids = append(set.Grids, g)
		}
	}
	if _, err := set.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return set
}

var (
	nationalOnce sync.Once
	nationalSet  *geo.Set
	nationalIx   *geo.Index
)

// national returns the 3,253 districts of cn-all-districts as one level of
// roots, indexed (read once per test binary).
func national(t testing.TB) (*geo.Set, *geo.Index) {
	t.Helper()
	sharedDir(t, allDistricts...)
	nationalOnce.Do(func() {
		nationalSet = readShared(t, "uid", nil, allDistricts...)
		ix, err := geo.NewIndex(nationalSet)
		if err != nil {
			t.Fatalf("NewIndex: %v", err)
		}
		nationalIx = ix
	})
	if nationalIx == nil {
		t.Fatal("national data failed to load")
	}
	return nationalSet, nationalIx
}

// mustWKT parses a WKT polygon or multipolygon.
func mustWKT(t testing.TB, s string) orb.MultiPolygon {
	t.Helper()
	g, err := wkt.Unmarshal(s)
	if err != nil {
		t.Fatalf("wkt %q: %v", s, err)
	}
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	t.Fatalf("wkt %q is a %T", s, g)
	return nil
}

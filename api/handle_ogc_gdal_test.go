package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/wangge/wangge/api"
)

// needGDAL returns the path of a GDAL tool (gdal-bin), skipping the test
// with a visible message when it is missing, or failing it when
// WANGGE_REQUIRE_EXTERNAL=1 (as CI sets).
func needGDAL(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	msg := tool + " (Debian gdal-bin) is not installed: apt-get install -y gdal-bin"
	if os.Getenv("WANGGE_REQUIRE_EXTERNAL") == "1" {
		t.Fatalf("WANGGE_REQUIRE_EXTERNAL=1 but %s", msg)
	}
	t.Skip("skipped: " + msg)
	return ""
}

// gdal runs a GDAL tool with a deadline and returns its standard output.
func gdal(t *testing.T, tool string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "CPL_CURL_VERBOSE=NO", "GDAL_HTTP_PROXY=", "HTTP_PROXY=", "http_proxy=", "NO_PROXY=*")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s\n%s", tool, strings.Join(args, " "), err, out, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "ERROR") {
		t.Fatalf("%s %s reported errors:\n%s", tool, strings.Join(args, " "), s)
	}
	return string(out)
}

// TestGDALReadsOGC: GDAL's OAPIF driver lists every collection of the demo
// and reads every feature of each, paging through the next links.
func TestGDALReadsOGC(t *testing.T) {
	ogrinfo := needGDAL(t, "ogrinfo")
	ogr2ogr := needGDAL(t, "ogr2ogr")
	f := newDemoFixture(t, api.Config{})
	srv := httptest.NewServer(f.srv.Handler()) // on 127.0.0.1
	defer srv.Close()
	ds := "OAPIF:" + srv.URL + "/ogc"

	// The collections, and the count of each, from the API itself.
	res, err := http.Get(srv.URL + "/ogc/collections")
	if err != nil {
		t.Fatal(err)
	}
	var cols struct {
		Collections []struct{ ID string } `json:"collections"`
	}
	json.NewDecoder(res.Body).Decode(&cols)
	res.Body.Close()
	want := map[string]int{}
	ix := f.holder.Load()
	for r, l := range ix.Set().Levels {
		want["grids-"+l] = ix.LevelCounts()[r]
	}
	set, _ := f.store.Sites(context.Background(), "")
	for _, s := range set {
		want["sites-"+s.Kind]++
	}
	if len(cols.Collections) != len(want) {
		t.Fatalf("/ogc/collections lists %d collections, want %d (%v)", len(cols.Collections), len(want), want)
	}

	out := gdal(t, ogrinfo, "-ro", "-so", ds)
	listed := regexp.MustCompile(`(?m)^\d+: (\S+)`).FindAllStringSubmatch(out, -1)
	var names []string
	for _, m := range listed {
		names = append(names, m[1])
	}
	for id := range want {
		if !slices.Contains(names, id) {
			t.Errorf("ogrinfo -so %s does not list %s; it lists %v", ds, id, names)
		}
	}
	if len(names) != len(want) {
		t.Errorf("ogrinfo lists %d layers, want %d:\n%s", len(names), len(want), out)
	}

	dir := t.TempDir()
	for id, n := range want {
		t.Run(id, func(t *testing.T) {
			// The feature count ogrinfo reports (numberMatched).
			sum := gdal(t, ogrinfo, "-ro", "-so", ds, id)
			if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(sum); m == nil || m[1] != strconv.Itoa(n) {
				t.Errorf("ogrinfo -so %s: feature count %v, want %d\n%s", id, m, n, sum)
			}
			// Every feature, read page by page into a GeoJSON file.
			dst := filepath.Join(dir, id+".geojson")
			gdal(t, ogr2ogr, "-f", "GeoJSON", dst, ds, id)
			b, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			var fc struct {
				Features []struct {
					Properties map[string]any `json:"properties"`
					Geometry   struct {
						Type string `json:"type"`
					} `json:"geometry"`
				} `json:"features"`
			}
			if err := json.Unmarshal(b, &fc); err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != n {
				t.Fatalf("ogr2ogr read %d features of %s, want %d", len(fc.Features), id, n)
			}
			seen := map[string]bool{}
			for _, ft := range fc.Features {
				key, _ := ft.Properties["code"].(string)
				if strings.HasPrefix(id, "sites-") {
					key, _ = ft.Properties["id"].(string)
				}
				if key == "" || seen[key] || ft.Geometry.Type == "" {
					t.Fatalf("feature %v: missing or repeated id, or no geometry", ft.Properties)
				}
				seen[key] = true
			}
		})
	}
}

// TestGDALReadsMVT: a z14 tile over the densest part of the demo, written
// to a file, is read by GDAL's MVT driver with every feature and its
// properties.
func TestGDALReadsMVT(t *testing.T) {
	ogrinfo := needGDAL(t, "ogrinfo")
	f := newDemoFixture(t, api.Config{})
	srv := httptest.NewServer(f.srv.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/tiles/grids/" + densestTile + ".mvt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET tile = %d", res.StatusCode)
	}
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{} // code → properties
	for _, ft := range ls[0].Features {
		want[ft.Properties.MustString("code")] = ft.Properties
	}
	// GDAL georeferences a lone tile by its z/x/y path.
	path := filepath.Join(t.TempDir(), filepath.FromSlash(densestTile)+".mvt")
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	// CLIP=NO: GDAL would otherwise drop the features that lie in the
	// tile's buffer only.
	out := gdal(t, ogrinfo, "-ro", "-al", "-oo", "CLIP=NO", path)
	if !strings.Contains(out, "Layer name: grids") || !strings.Contains(out, "Geometry: Multi Polygon") && !strings.Contains(out, "Geometry: Polygon") {
		t.Errorf("ogrinfo: no grids polygon layer:\n%.2000s", out)
	}
	if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out); m == nil || m[1] != strconv.Itoa(len(want)) {
		t.Errorf("ogrinfo feature count %v, want %d", m, len(want))
	}
	// Each feature block: OGRFeature(grids):FID, then "  name (Type) = value"
	// lines (mvt_id is the MVT feature id), then the geometry.
	blocks := strings.Split(out, "OGRFeature(grids):")[1:]
	if len(blocks) != len(want) {
		t.Fatalf("ogrinfo printed %d features, want %d", len(blocks), len(want))
	}
	field := regexp.MustCompile(`(?m)^\s+(\w+) \((\w+)\) = (.*)$`)
	for _, blk := range blocks {
		got := map[string]string{}
		for _, m := range field.FindAllStringSubmatch(blk, -1) {
			got[m[1]] = m[3]
		}
		props, ok := want[got["code"]]
		if !ok {
			t.Fatalf("GDAL read a feature with code %q, not in the tile", got["code"])
		}
		if got["mvt_id"] != got["code"] {
			t.Errorf("feature %s: GDAL's mvt_id %q, want the numeric code", got["code"], got["mvt_id"])
		}
		for _, k := range []string{"name", "level", "parent"} {
			if w, _ := props[k].(string); got[k] != w && !(w == "" && (got[k] == "" || got[k] == "(null)")) {
				t.Errorf("feature %s: %s = %q, want %q", got["code"], k, got[k], w)
			}
		}
		if !strings.Contains(blk, "POLYGON") {
			t.Errorf("feature %s has no polygon geometry", got["code"])
		}
		delete(want, got["code"])
	}
	if len(want) > 0 {
		t.Errorf("GDAL did not read %d features", len(want))
	}
}

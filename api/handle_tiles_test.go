package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/geo/tile"
)

// densestTile is the z14 tile over the densest part of the demo (around
// Zhengzhou station: 186 grids centred in it).
const densestTile = "14/13364/6503"

// newDemoFixture serves the embedded demo district (grids and sites, as
// data.SeedDemo writes them into a fresh SQLite file).
func newDemoFixture(t testing.TB, cfg api.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := data.OpenSQLite(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := data.SeedDemo(ctx, st); err != nil {
		t.Fatal(err)
	}
	set, err := st.CurrentSet(ctx, geo.DefaultLayer)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	holder := new(geo.Holder)
	holder.Store(ix)
	cfg.Boundaries, cfg.Grids = holder, st
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	tt, _ := t.(*testing.T)
	return &fixture{t: tt, srv: api.New(cfg), holder: holder, store: st}
}

// raw sends a GET with headers and returns the recorder.
func (f *fixture) raw(target string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// decodeTile decodes an MVT body (gzipped or not) into its layers by name.
func decodeTile(t *testing.T, body []byte) map[string]*mvt.Layer {
	t.Helper()
	ls, err := mvt.UnmarshalGzipped(body)
	if err != nil {
		if ls, err = mvt.Unmarshal(body); err != nil {
			t.Fatalf("not a vector tile: %v", err)
		}
	}
	out := map[string]*mvt.Layer{}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

func TestTileValidation(t *testing.T) {
	f := newFixture(t, api.Config{}, zhengzhou)
	tests := []struct {
		name, target string
		status       int
		code, field  string
	}{
		{"zoom beyond 22", "/tiles/grids/23/0/0.mvt", 400, "invalid_tile", "z"},
		{"x outside the pyramid", "/tiles/grids/1/2/0.mvt", 400, "invalid_tile", "x"},
		{"y outside the pyramid", "/tiles/grids/1/0/2.mvt", 400, "invalid_tile", "y"},
		{"x = 2^z", "/tiles/grids/14/16384/0.mvt", 400, "invalid_tile", "x"},
		{"z not a number", "/tiles/grids/a/0/0.mvt", 400, "invalid_tile", "z"},
		{"negative x", "/tiles/grids/3/-1/0.mvt", 400, "invalid_tile", "x"},
		{"no .mvt", "/tiles/grids/1/0/0", 400, "invalid_tile", "y"},
		{"other suffix", "/tiles/grids/1/0/0.png", 400, "invalid_tile", "y"},
		{"y.mvt with junk", "/tiles/grids/1/0/0x.mvt", 400, "invalid_tile", "y"},
		{"unknown layer", "/tiles/roads/1/0/0.mvt", 404, "not_found", ""},
		{"bad crs", "/tiles/grids/1/0/0.mvt?crs=utm", 400, "invalid_crs", "crs"},
		{"empty tile far away", "/tiles/grids/14/0/0.mvt", 204, "", ""},
		{"empty tile below the district's zoom", "/tiles/grids/7/104/51.mvt", 204, "", ""},
		{"empty tile at the deepest zoom", "/tiles/grids/22/0/4194303.mvt", 204, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m, body := f.do("GET", tt.target, "", "")
			if code != tt.status {
				t.Fatalf("GET %s = %d %s, want %d", tt.target, code, body, tt.status)
			}
			if c, fl := errorOf(m); c != tt.code || fl != tt.field {
				t.Errorf("GET %s error = %q field %q, want %q %q", tt.target, c, fl, tt.code, tt.field)
			}
			if tt.status == 204 && body != "" {
				t.Errorf("GET %s: 204 with a body %q", tt.target, body)
			}
		})
	}
}

func TestTileGrids(t *testing.T) {
	f := newDemoFixture(t, api.Config{})
	ix := f.holder.Load()
	rec := f.raw("/tiles/grids/" + densestTile + ".mvt")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("GET densest tile = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	etag, cc := rec.Header().Get("ETag"), rec.Header().Get("Cache-Control")
	if !strings.HasPrefix(etag, `"grids-`) || !strings.Contains(cc, "max-age=") || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("headers ETag %q Cache-Control %q Content-Encoding %q", etag, cc, rec.Header().Get("Content-Encoding"))
	}
	raw := rec.Body.Bytes()
	layers := decodeTile(t, raw)
	grids := layers["grids"]
	if grids == nil || len(layers) != 1 {
		t.Fatalf("layers %v, want grids only", layers)
	}
	levels := map[string]int{}
	for _, ft := range grids.Features {
		code := ft.Properties.MustString("code")
		i, ok := ix.Lookup(code)
		if !ok {
			t.Fatalf("unknown code %q", code)
		}
		g := ix.Grid(i)
		if ft.Properties.MustString("name") != g.Name || ft.Properties.MustString("level") != g.Level || ft.Properties.MustString("parent", "") != g.Parent {
			t.Errorf("feature %s: properties %v", code, ft.Properties)
		}
		if id, _ := ft.ID.(float64); id == 0 || formatID(id) != code {
			t.Errorf("feature %s: id %v, want the numeric code", code, ft.ID)
		}
		levels[g.Level]++
	}
	if levels["grid"] < 150 || levels["district"] != 1 {
		t.Errorf("levels %v, want 150+ grids and the district", levels)
	}

	// gzip, with its own ETag; the same tile inside.
	gz := f.raw("/tiles/grids/"+densestTile+".mvt", "Accept-Encoding", "br, gzip;q=0.8")
	if gz.Code != 200 || gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == etag || gz.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip: %d Content-Encoding %q ETag %q Vary %q", gz.Code, gz.Header().Get("Content-Encoding"), gz.Header().Get("ETag"), gz.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	if !bytes.Equal(unz, raw) {
		t.Errorf("gunzipped tile differs from the plain one")
	}
	if no := f.raw("/tiles/grids/"+densestTile+".mvt", "Accept-Encoding", "gzip;q=0"); no.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got Content-Encoding %q", no.Header().Get("Content-Encoding"))
	}

	// Revalidation.
	for _, inm := range []string{etag, `"x", ` + etag, "W/" + etag, "*"} {
		if r := f.raw("/tiles/grids/"+densestTile+".mvt", "If-None-Match", inm); r.Code != 304 || r.Body.Len() != 0 || r.Header().Get("ETag") != etag {
			t.Errorf("If-None-Match %s = %d (%d bytes), want 304", inm, r.Code, r.Body.Len())
		}
	}
	if r := f.raw("/tiles/grids/"+densestTile+".mvt", "If-None-Match", `"other"`); r.Code != 200 {
		t.Errorf("If-None-Match other = %d, want 200", r.Code)
	}
	// Cached: the same bytes again.
	if again := f.raw("/tiles/grids/" + densestTile + ".mvt"); !bytes.Equal(again.Body.Bytes(), raw) || again.Header().Get("ETag") != etag {
		t.Errorf("second GET differs from the first")
	}
}

func formatID(v float64) string {
	b, _ := json.Marshal(uint64(v))
	return string(b)
}

// TestTileInvalidatedOnReload: after the boundary set changes, the same
// z/x/y is cut from the new set (new ETag, new geometry), not served from
// the cache.
func TestTileInvalidatedOnReload(t *testing.T) {
	f := newFixture(t, api.Config{}, zhengzhou)
	target := "/tiles/grids/12/3341/1625.mvt" // holds both streets of the fixture
	first := f.raw(target)
	if first.Code != 200 {
		t.Fatalf("GET %s = %d", target, first.Code)
	}
	codes := func(body []byte) map[string]bool {
		out := map[string]bool{}
		for _, ft := range decodeTile(t, body)["grids"].Features {
			out[ft.Properties.MustString("code")] = true
		}
		return out
	}
	if c := codes(first.Body.Bytes()); !c["410103001"] || !c["410103002"] {
		t.Fatalf("first tile holds %v, want both streets", c)
	}
	moved := strings.ReplaceAll(strings.ReplaceAll(zhengzhou, `"code":"410103002","name":"东街道"`, `"code":"410103003","name":"新东街道"`), "113.65", "113.66")
	set, _, err := f.store.ReplaceGrids(context.Background(), geo.DefaultLayer, strings.NewReader(moved), "wgs84")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	f.holder.Store(ix)
	second := f.raw(target, "If-None-Match", first.Header().Get("ETag"))
	if second.Code != 200 || second.Header().Get("ETag") == first.Header().Get("ETag") {
		t.Fatalf("after reload: %d ETag %q (was %q), want 200 and a new ETag", second.Code, second.Header().Get("ETag"), first.Header().Get("ETag"))
	}
	if c := codes(second.Body.Bytes()); !c["410103003"] || c["410103002"] {
		t.Errorf("after reload the tile holds %v, want the new street only", c)
	}
}

func TestTileSites(t *testing.T) {
	f := newDemoFixture(t, api.Config{})
	rec := f.raw("/tiles/sites/" + densestTile + ".mvt")
	if rec.Code != 200 {
		t.Fatalf("GET sites tile = %d %s", rec.Code, rec.Body.String())
	}
	l := decodeTile(t, rec.Body.Bytes())["sites"]
	if l == nil || len(l.Features) == 0 {
		t.Fatalf("no sites in the densest tile")
	}
	kinds := map[string]int{}
	for _, ft := range l.Features {
		if _, ok := ft.Geometry.(orb.Point); !ok {
			t.Fatalf("site geometry %T, want a point", ft.Geometry)
		}
		if ft.Properties.MustString("id", "") == "" || ft.ID == nil {
			t.Errorf("site without id: %v %v", ft.ID, ft.Properties)
		}
		kinds[ft.Properties.MustString("kind")]++
	}
	t.Logf("sites in %s: %v", densestTile, kinds)
	if kinds["residential"] == 0 || len(kinds) < 3 {
		t.Errorf("kinds %v, want residential points and more", kinds)
	}
	if r := f.raw("/tiles/sites/9/417/203.mvt"); r.Code != 204 {
		t.Errorf("sites below z10 = %d, want 204", r.Code)
	}
}

func TestTileReports(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	code, m, body := f.call("reporter", "POST", "/v1/reports",
		`{"lon":113.62,"lat":34.72,"category":"`+string(geo.DefaultCategories[0].Name)+`","title":"井盖丢失","description":"人行道井盖丢失","reporter":{"name":"王小明","phone":"`+phone+`"}}`)
	if code != 201 {
		t.Fatalf("POST /v1/reports = %d %s", code, body)
	}
	tl := tile.At(orb.Point{113.62, 34.72}, 15)
	target := "/tiles/reports/" + tl.String() + ".mvt"
	code, _, body = f.call("", "GET", target, "")
	if code != 200 {
		t.Fatalf("GET %s = %d %s", target, code, body)
	}
	l := decodeTile(t, []byte(body))["reports"]
	if l == nil || len(l.Features) != 1 {
		t.Fatalf("reports layer %v, want one report", l)
	}
	ft := l.Features[0]
	if ft.ID != m["id"] || ft.Properties.MustString("status") == "" || ft.Properties.MustString("category") != geo.DefaultCategories[0].Name {
		t.Errorf("report feature id %v properties %v, want id %v, status and category", ft.ID, ft.Properties, m["id"])
	}
	if len(ft.Properties) != 2 {
		t.Errorf("report feature properties %v, want status and category only (no personal data)", ft.Properties)
	}
	if !strings.Contains(f.lastHeader(target, "Cache-Control"), "max-age=10") {
		t.Errorf("reports tile Cache-Control %q, want max-age=10", f.lastHeader(target, "Cache-Control"))
	}

	plain := newFixture(t, api.Config{}, zhengzhou)
	if code, m := plain.get("/tiles/reports/" + tl.String() + ".mvt"); code != 503 {
		t.Errorf("reports tile without a report store = %d %v, want 503", code, m)
	}
}

func (f *rfix) lastHeader(target, name string) string {
	req := httptest.NewRequest("GET", target, nil)
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec.Header().Get(name)
}

// TestTileCRS: a gcj02 tile is cut in the GCJ-02 pyramid: the grid under a
// GCJ-02 point of the base map is the grid owning that point in WGS-84.
func TestTileCRS(t *testing.T) {
	f := newDemoFixture(t, api.Config{})
	ix := f.holder.Load()
	i, _ := ix.Lookup("410103100213003")
	wgs := ix.LabelPoint(i)
	for _, sys := range []crs.System{crs.WGS84, crs.GCJ02, crs.BD09} {
		p := crs.Convert(wgs, crs.WGS84, sys)
		tl := tile.At(p, 16)
		rec := f.raw("/tiles/grids/" + tl.String() + ".mvt?crs=" + string(sys))
		if rec.Code != 200 {
			t.Fatalf("%s: %d", sys, rec.Code)
		}
		found := false
		for _, ft := range decodeTile(t, rec.Body.Bytes())["grids"].Features {
			found = found || ft.Properties.MustString("code") == "410103100213003"
		}
		if !found {
			t.Errorf("%s tile %v (holding the grid's label point in %s) lacks the grid", sys, tl, sys)
		}
	}
	a := f.raw("/tiles/grids/" + densestTile + ".mvt").Header().Get("ETag")
	b := f.raw("/tiles/grids/" + densestTile + ".mvt?crs=gcj02").Header().Get("ETag")
	if a == b {
		t.Errorf("wgs84 and gcj02 tiles have the same ETag %s", a)
	}
}

func TestTileJSON(t *testing.T) {
	f := newDemoFixture(t, api.Config{})
	code, m := f.get("/tiles/grids.json?crs=gcj02")
	if code != 200 {
		t.Fatalf("GET /tiles/grids.json = %d %v", code, m)
	}
	tiles := m["tiles"].([]any)
	if m["tilejson"] != "3.0.0" || len(tiles) != 1 || tiles[0] != "http://example.com/tiles/grids/{z}/{x}/{y}.mvt?crs=gcj02" {
		t.Errorf("tilejson %v tiles %v", m["tilejson"], tiles)
	}
	if m["minzoom"] != 8.0 || m["maxzoom"] != 16.0 || len(m["bounds"].([]any)) != 4 {
		t.Errorf("minzoom %v maxzoom %v bounds %v", m["minzoom"], m["maxzoom"], m["bounds"])
	}
	zooms := map[string]float64{}
	for _, l := range m["levels"].([]any) {
		l := l.(map[string]any)
		zooms[l["level"].(string)] = l["minzoom"].(float64)
	}
	want := map[string]float64{"district": 8, "street": 11, "community": 12, "grid": 13}
	for l, z := range want {
		if zooms[l] != z {
			t.Errorf("levels: %s from z%v, want z%v", l, zooms[l], z)
		}
	}
	vl := m["vector_layers"].([]any)[0].(map[string]any)
	fields := vl["fields"].(map[string]any)
	if vl["id"] != "grids" || fields["code"] == nil || fields["name"] == nil || fields["level"] == nil || fields["parent"] == nil {
		t.Errorf("vector_layers %v", vl)
	}
	if code, m := f.get("/tiles/sites.json"); code != 200 || m["minzoom"] != 10.0 || m["vector_layers"].([]any)[0].(map[string]any)["fields"].(map[string]any)["kind"] == nil {
		t.Errorf("GET /tiles/sites.json = %d %v", code, m)
	}
	if code, _ := f.get("/tiles/reports.json"); code != 503 {
		t.Errorf("GET /tiles/reports.json without reports = %d, want 503", code)
	}
	if code, _ := f.get("/tiles/roads.json"); code != 404 {
		t.Errorf("GET /tiles/roads.json = %d, want 404", code)
	}
	custom := newDemoFixture(t, api.Config{TileMinZoom: map[string]int{"district": 6, "street": 9, "community": 11, "grid": 12}})
	if _, m := custom.get("/tiles/grids.json"); m["minzoom"] != 6.0 {
		t.Errorf("configured minzoom = %v, want 6", m["minzoom"])
	}
	if r := custom.raw("/tiles/grids/12/3341/1625.mvt"); r.Code != 200 {
		t.Errorf("configured grid zoom 12: %d", r.Code)
	}
}

// TestTilesArePublic: with tokens configured, tiles and /ogc need none,
// and answer any origin.
func TestTilesArePublic(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	for _, target := range []string{"/tiles/grids/12/3341/1625.mvt", "/tiles/grids.json", "/ogc", "/ogc/collections", "/ogc/collections/grids-street/items"} {
		if code, _, body := f.call("", "GET", target, ""); code != 200 {
			t.Errorf("GET %s without a token = %d %s", target, code, body)
		}
		if o := f.lastHeader(target, "Access-Control-Allow-Origin"); o != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q, want *", target, o)
		}
	}
}

// TestTileConcurrentReload: tiles and items served while the boundary set
// is swapped back and forth are always whole answers of one set or the
// other (run with -race).
func TestTileConcurrentReload(t *testing.T) {
	f := newFixture(t, api.Config{TileCacheBytes: 64 << 10}, zhengzhou)
	a := f.holder.Load()
	moved := strings.ReplaceAll(zhengzhou, "113.65", "113.66")
	set, _, err := f.store.ReplaceGrids(context.Background(), geo.DefaultLayer, strings.NewReader(moved), "wgs84")
	if err != nil {
		t.Fatal(err)
	}
	b, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			if i%2 == 0 {
				f.holder.Store(b)
			} else {
				f.holder.Store(a)
			}
		}
	}()
	errs := make(chan string, 64)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				z := uint32(12 + (i+w)%5)
				tl := tile.At(orb.Point{113.65, 34.75}, z)
				for _, target := range []string{"/tiles/grids/" + tl.String() + ".mvt?crs=gcj02", "/ogc/collections/grids-street/items"} {
					req := httptest.NewRequest("GET", target, nil)
					rec := httptest.NewRecorder()
					f.srv.Handler().ServeHTTP(rec, req)
					if rec.Code != 200 {
						errs <- fmt.Sprintf("GET %s = %d", target, rec.Code)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	<-done
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

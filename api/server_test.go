package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// zhengzhou is a small district in Zhengzhou (inside the mainland, so GCJ-02
// shifts apply): a 0.1° square cut into a west and an east grid along lon
// 113.65, the west grid holding a hole.
const zhengzhou = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"410103","name":"二七区","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.7,34.7],[113.7,34.8],[113.6,34.8],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001","name":"西街道","level":"street","parent":"410103","leader":"王芳","members":4},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.65,34.7],[113.65,34.8],[113.6,34.8],[113.6,34.7]],[[113.61,34.71],[113.62,34.71],[113.62,34.72],[113.61,34.72],[113.61,34.71]]]}},
{"type":"Feature","properties":{"code":"410103002","name":"东街道","level":"street","parent":"410103"},"geometry":{"type":"Polygon","coordinates":[[[113.65,34.7],[113.7,34.7],[113.7,34.8],[113.65,34.8],[113.65,34.7]]]}}
]}`

type fixture struct {
	t      *testing.T
	srv    *api.Server
	holder *geo.Holder
	store  *data.SQLite
}

func newFixture(t *testing.T, cfg api.Config, geojson string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := data.OpenSQLite(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	holder := new(geo.Holder)
	if geojson != "" {
		set, _, err := st.ReplaceGrids(ctx, geo.DefaultLayer, strings.NewReader(geojson), "wgs84")
		if err != nil {
			t.Fatal(err)
		}
		ix, err := geo.NewIndex(set)
		if err != nil {
			t.Fatal(err)
		}
		holder.Store(ix)
	}
	cfg.Boundaries = holder
	if cfg.Grids == nil {
		cfg.Grids = st
	}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return &fixture{t: t, srv: api.New(cfg), holder: holder, store: st}
}

// do sends a request to the real gin engine and decodes a JSON body.
func (f *fixture) do(method, target, contentType, body string, hdr ...string) (int, map[string]any, string) {
	f.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	var m map[string]any
	if strings.Contains(rec.Header().Get("Content-Type"), "json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			f.t.Fatalf("%s %s: body is not JSON: %v\n%s", method, target, err, rec.Body.String())
		}
	}
	return rec.Code, m, rec.Body.String()
}

func (f *fixture) get(target string) (int, map[string]any) {
	code, m, _ := f.do("GET", target, "", "")
	return code, m
}

func errorOf(m map[string]any) (code, field string) {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	fl, _ := e["field"].(string)
	return c, fl
}

func ownerCode(m map[string]any) string {
	o, _ := m["owner"].(map[string]any)
	c, _ := o["code"].(string)
	return c
}

func TestLocate(t *testing.T) {
	f := newFixture(t, api.Config{}, zhengzhou)
	west := orb.Point{113.647, 34.75}
	gcj := formatPoint(crs.Convert(west, crs.WGS84, crs.GCJ02))
	bd := formatPoint(crs.Convert(west, crs.WGS84, crs.BD09))
	tests := []struct {
		name, query, owner, match string
		path                      []string
	}{
		{"west interior", "lon=113.63&lat=34.75", "410103001", "inside", []string{"410103", "410103001"}},
		{"east interior", "lon=113.68&lat=34.75", "410103002", "inside", []string{"410103", "410103002"}},
		{"shared edge: lowest code", "lon=113.65&lat=34.75", "410103001", "boundary", []string{"410103", "410103001"}},
		{"equator-like zero is a value", "lon=0&lat=0", "", "none", nil},
		{"hole interior: the district only", "lon=113.615&lat=34.715", "410103", "inside", []string{"410103"}},
		{"hole edge", "lon=113.61&lat=34.715", "410103001", "boundary", []string{"410103", "410103001"}},
		{"level district", "lon=113.68&lat=34.75&level=district", "410103", "inside", []string{"410103"}},
		{"nearest", "lon=113.7003&lat=34.75", "410103002", "nearest", []string{"410103", "410103002"}},
		{"nearest off", "lon=113.7003&lat=34.75&nearest_m=0", "", "none", nil},
		// WGS-84 113.647,34.75 lies 270 m west of the shared edge; its GCJ-02
		// and BD-09 coordinates lie east of it, so only a converted lookup
		// finds the west street.
		{"gcj02 input", "lon=" + gcj[0] + "&lat=" + gcj[1] + "&crs=gcj02", "410103001", "inside", []string{"410103", "410103001"}},
		{"bd09 input", "lon=" + bd[0] + "&lat=" + bd[1] + "&crs=bd09", "410103001", "inside", []string{"410103", "410103001"}},
		{"gcj02 coordinates taken as wgs84", "lon=" + gcj[0] + "&lat=" + gcj[1], "410103002", "inside", []string{"410103", "410103002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := f.get("/v1/locate?" + tt.query)
			if code != 200 {
				t.Fatalf("GET /v1/locate?%s = %d %v", tt.query, code, m)
			}
			if ownerCode(m) != tt.owner || m["match"] != tt.match {
				t.Errorf("locate(%s) = owner %q match %v, want %q %s", tt.query, ownerCode(m), m["match"], tt.owner, tt.match)
			}
			var path []string
			for _, p := range m["path"].([]any) {
				path = append(path, p.(map[string]any)["code"].(string))
			}
			if strings.Join(path, "/") != strings.Join(tt.path, "/") {
				t.Errorf("locate(%s) path = %v, want %v", tt.query, path, tt.path)
			}
		})
	}
	// The shared edge lists the neighbour in others.
	_, m := f.get("/v1/locate?lon=113.65&lat=34.75")
	if others := m["others"].([]any); len(others) != 1 || others[0].(map[string]any)["code"] != "410103002" {
		t.Errorf("shared edge others = %v, want [410103002]", m["others"])
	}
}

func TestLocateBadInput(t *testing.T) {
	f := newFixture(t, api.Config{}, zhengzhou)
	tests := []struct{ name, query, code, field string }{
		{"missing lon", "lat=34.7", "missing_lon", "lon"},
		{"missing lat", "lon=113.6", "missing_lat", "lat"},
		{"empty lat", "lon=113.6&lat=", "missing_lat", "lat"},
		{"lon not a number", "lon=abc&lat=34.7", "invalid_number", "lon"},
		{"lat NaN", "lon=113.6&lat=NaN", "invalid_number", "lat"},
		{"lon Inf", "lon=Inf&lat=34.7", "invalid_number", "lon"},
		{"lon 181", "lon=181&lat=34.7", "invalid_point", "lon"},
		{"lat -91", "lon=113.6&lat=-91", "invalid_point", "lat"},
		{"unknown crs", "lon=113.6&lat=34.7&crs=mercator", "invalid_crs", "crs"},
		{"unknown level", "lon=113.6&lat=34.7&level=province", "unknown_level", "level"},
		{"negative nearest", "lon=113.6&lat=34.7&nearest_m=-1", "invalid_nearest_m", "nearest_m"},
		{"huge nearest", "lon=113.6&lat=34.7&nearest_m=1e9", "invalid_nearest_m", "nearest_m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m := f.get("/v1/locate?" + tt.query)
			gotCode, gotField := errorOf(m)
			if code != 400 || gotCode != tt.code || gotField != tt.field {
				t.Errorf("GET /v1/locate?%s = %d %s/%s, want 400 %s/%s (%v)", tt.query, code, gotCode, gotField, tt.code, tt.field, m)
			}
		})
	}
}

func TestNotReady(t *testing.T) {
	f := newFixture(t, api.Config{}, "")
	if code, m := f.get("/readyz"); code != 503 {
		t.Errorf("/readyz before load = %d %v, want 503", code, m)
	}
	if code, m := f.get("/v1/locate?lon=1&lat=1"); code != 503 {
		t.Errorf("/v1/locate before load = %d %v, want 503", code, m)
	}
	if code, _ := f.get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d, want 200", code)
	}
}

func TestLocateBatch(t *testing.T) {
	f := newFixture(t, api.Config{MaxBatchPoints: 5, MaxBodyBytes: 4096}, zhengzhou)
	body := `{"crs":"wgs84","points":[{"id":"a","lon":113.63,"lat":34.75},{"id":7,"lon":113.68,"lat":34.75},{"id":"far","lon":0,"lat":0}]}`
	code, m, raw := f.do("POST", "/v1/locate", "application/json", body)
	if code != 200 {
		t.Fatalf("POST /v1/locate = %d %s", code, raw)
	}
	res := m["results"].([]any)
	want := []struct {
		id    any
		owner string
		match string
	}{{"a", "410103001", "inside"}, {float64(7), "410103002", "inside"}, {"far", "", "none"}}
	if len(res) != len(want) {
		t.Fatalf("%d results, want %d", len(res), len(want))
	}
	for i, w := range want {
		r := res[i].(map[string]any)
		if r["id"] != w.id || ownerCode(r) != w.owner || r["match"] != w.match {
			t.Errorf("result %d = %v, want id %v owner %q match %s", i, r, w.id, w.owner, w.match)
		}
	}
	// Batch answers equal single answers.
	_, single := f.get("/v1/locate?lon=113.63&lat=34.75")
	r0 := res[0].(map[string]any)
	delete(r0, "id")
	if a, b := mustJSON(r0), mustJSON(single); a != b {
		t.Errorf("batch result %s != single result %s", a, b)
	}
	// fields trims the results.
	_, m, _ = f.do("POST", "/v1/locate", "application/json", `{"fields":"code,match","level":"district","points":[{"id":"a","lon":113.63,"lat":34.75}]}`)
	if got := mustJSON(m["results"]); got != `[{"code":"410103","id":"a","match":"inside"}]` {
		t.Errorf("fields=code,match results = %s", got)
	}

	bad := []struct {
		name, ct, body string
		status         int
		code, field    string
	}{
		{"wrong content type", "text/plain", body, 415, "unsupported_media_type", "Content-Type"},
		{"not json", "application/json", `{"points":[`, 400, "invalid_body", ""},
		{"trailing garbage", "application/json", `{"points":[]} x`, 400, "invalid_body", ""},
		{"extra point member", "application/json", `{"points":[{"id":"a","lon":1,"lat":1,"alt":3}]}`, 400, "invalid_point", "points[0].alt"},
		{"bool id", "application/json", `{"points":[{"id":true,"lon":1,"lat":1}]}`, 400, "invalid_point", "points[0].id"},
		{"point not an object", "application/json", `{"points":[[1,2]]}`, 400, "invalid_point", "points[0]"},
		{"bad number", "application/json", `{"points":[{"id":"a","lon":1.2.3,"lat":1}]}`, 400, "invalid_body", ""},
		{"not an object", "application/json", `[1]`, 400, "invalid_body", ""},
		{"no points", "application/json", `{"crs":"wgs84"}`, 400, "invalid_body", "points"},
		{"unknown member", "application/json", `{"pointz":[]}`, 400, "invalid_body", "pointz"},
		{"bad lat", "application/json", `{"points":[{"id":"a","lon":1,"lat":1},{"id":"b","lon":1,"lat":95}]}`, 400, "invalid_point", "points[1].lat"},
		{"missing lon", "application/json", `{"points":[{"id":"a","lat":1}]}`, 400, "invalid_point", "points[0].lon"},
		{"string lon", "application/json", `{"points":[{"id":"a","lon":"1","lat":1}]}`, 400, "invalid_point", "points[0].lon"},
		{"missing id", "application/json", `{"points":[{"lon":1,"lat":1}]}`, 400, "invalid_point", "points[0].id"},
		{"bad crs", "application/json", `{"crs":"x","points":[]}`, 400, "invalid_crs", "crs"},
		{"bad level", "application/json", `{"level":"x","points":[]}`, 400, "unknown_level", "level"},
		{"bad fields", "application/json", `{"fields":"code,secret","points":[]}`, 400, "invalid_body", "fields"},
		{"too many points", "application/json", `{"points":[` + strings.Repeat(`{"id":1,"lon":1,"lat":1},`, 5) + `{"id":1,"lon":1,"lat":1}]}`, 413, "too_many_points", "points"},
		{"body too large", "application/json", `{"points":[` + strings.Repeat(" ", 5000) + `]}`, 413, "body_too_large", ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			code, m, raw := f.do("POST", "/v1/locate", tt.ct, tt.body)
			gotCode, gotField := errorOf(m)
			if code != tt.status || gotCode != tt.code || gotField != tt.field {
				t.Errorf("POST = %d %s/%s, want %d %s/%s: %s", code, gotCode, gotField, tt.status, tt.code, tt.field, raw)
			}
		})
	}
}

func formatPoint(p orb.Point) [2]string {
	return [2]string{strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64)}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestGridFeature(t *testing.T) {
	f := newFixture(t, api.Config{}, zhengzhou)
	code, m := f.get("/v1/grids/410103001")
	if code != 200 {
		t.Fatalf("GET /v1/grids/410103001 = %d %v", code, m)
	}
	props := m["properties"].(map[string]any)
	if props["code"] != "410103001" || props["name"] != "西街道" || props["level"] != "street" || props["parent"] != "410103" {
		t.Errorf("properties = %v", props)
	}
	if a := props["attributes"].(map[string]any); a["leader"] != "王芳" || a["members"] != float64(4) {
		t.Errorf("attributes = %v", a)
	}
	if p := props["path"].([]any); len(p) != 2 || p[0].(map[string]any)["code"] != "410103" {
		t.Errorf("path = %v", p)
	}
	lp := props["label_point"].([]any)
	pt := orb.Point{lp[0].(float64), lp[1].(float64)}
	ix := f.holder.Load()
	i, _ := ix.Lookup("410103001")
	if pos := ix.Position(i, pt); pos != geo.Interior {
		t.Errorf("label_point %v is not strictly inside (position %v)", pt, pos)
	}
	if g := m["geometry"].(map[string]any); g["type"] != "Polygon" || len(g["coordinates"].([]any)) != 2 {
		t.Errorf("geometry = %v, want a Polygon with its hole", g)
	}
	_, dm := f.get("/v1/grids/410103")
	if c := dm["properties"].(map[string]any)["children"].([]any); len(c) != 2 {
		t.Errorf("district children = %v, want 2", c)
	}
	// GCJ-02 output shifts every coordinate by a few hundred metres.
	_, gm := f.get("/v1/grids/410103001?crs=gcj02")
	first := gm["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)[0].([]any)
	if d := first[0].(float64) - 113.6; d < 0.004 || d > 0.008 {
		t.Errorf("gcj02 first lon = %v, want about 0.006° east of 113.6", first[0])
	}
	if code, m := f.get("/v1/grids/nope"); code != 404 {
		t.Errorf("unknown grid = %d %v, want 404", code, m)
	} else if c, _ := errorOf(m); c != "not_found" {
		t.Errorf("unknown grid error code %q", c)
	}
}

func TestGridsPaging(t *testing.T) {
	f := newFixture(t, api.Config{}, zhengzhou)
	var codes []string
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		code, m := f.get("/v1/grids?limit=1&cursor=" + cursor)
		if code != 200 {
			t.Fatalf("page %d = %d %v", pages, code, m)
		}
		for _, ft := range m["features"].([]any) {
			codes = append(codes, ft.(map[string]any)["properties"].(map[string]any)["code"].(string))
		}
		next, ok := m["next_cursor"].(string)
		if !ok {
			break
		}
		cursor = next
	}
	if got := strings.Join(codes, ","); got != "410103,410103001,410103002" {
		t.Errorf("paged codes = %s, want all three in code order", got)
	}
	filters := []struct{ query, want string }{
		{"level=street", "410103001,410103002"},
		{"parent=410103", "410103001,410103002"},
		{"bbox=113.66,34.71,113.69,34.72", "410103,410103002"},
		{"bbox=113.66,34.71,113.69,34.72&level=district", "410103"},
		{"parent=none", ""},
	}
	for _, tt := range filters {
		_, m := f.get("/v1/grids?" + tt.query)
		var got []string
		for _, ft := range m["features"].([]any) {
			got = append(got, ft.(map[string]any)["properties"].(map[string]any)["code"].(string))
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("/v1/grids?%s = %v, want %s", tt.query, got, tt.want)
		}
	}
	bad := []struct{ query, code, field string }{
		{"limit=0", "invalid_limit", "limit"},
		{"limit=1001", "invalid_limit", "limit"},
		{"limit=x", "invalid_limit", "limit"},
		{"cursor=!!!", "invalid_cursor", "cursor"},
		{"bbox=1,2,3", "invalid_bbox", "bbox"},
		{"bbox=3,2,1,4", "invalid_bbox", "bbox"},
		{"bbox=1,2,3,NaN", "invalid_bbox", "bbox"},
		{"bbox=1,2,3,95", "invalid_bbox", "bbox"},
		{"level=x", "unknown_level", "level"},
		{"crs=x", "invalid_crs", "crs"},
	}
	for _, tt := range bad {
		code, m := f.get("/v1/grids?" + tt.query)
		if c, fl := errorOf(m); code != 400 || c != tt.code || fl != tt.field {
			t.Errorf("/v1/grids?%s = %d %s/%s, want 400 %s/%s", tt.query, code, c, fl, tt.code, tt.field)
		}
	}
}

func TestLevelsVersionMetrics(t *testing.T) {
	f := newFixture(t, api.Config{Version: "1.2.3"}, zhengzhou)
	_, m := f.get("/v1/levels")
	if got := mustJSON(m["levels"]); !strings.HasPrefix(got, `[{"count":1,"name":"district","rank":0},{"count":2,"name":"street","rank":1},{"count":0,"name":"community","rank":2}`) {
		t.Errorf("levels = %s", got)
	}
	_, m = f.get("/v1/version")
	if m["version"] != "1.2.3" || m["boundary_version"] != float64(1) || m["grids"] != float64(3) {
		t.Errorf("version = %v", m)
	}
	f.get("/v1/locate?lon=113.63&lat=34.75")
	_, _, body := f.do("GET", "/metrics", "", "")
	for _, want := range []string{
		`wangge_http_requests_total{method="GET",route="/v1/locate",status="200"} 1`,
		`wangge_lookups_total{match="inside"} 1`,
		`wangge_index_grids 3`,
		`wangge_http_request_duration_seconds_bucket{route="/v1/locate"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, m := f.get("/nowhere"); code != 404 {
		t.Errorf("unknown route = %d %v", code, m)
	}
	if code, _, _ := f.do("DELETE", "/v1/locate", "", ""); code != 405 {
		t.Errorf("DELETE /v1/locate = %d, want 405", code)
	}
}

func TestRequestID(t *testing.T) {
	f := newFixture(t, api.Config{}, zhengzhou)
	req := httptest.NewRequest("GET", "/healthz", nil)
	req.Header.Set("X-Request-Id", "abc-123")
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); got != "abc-123" {
		t.Errorf("X-Request-Id echoed %q, want abc-123", got)
	}
	req.Header.Set("X-Request-Id", "bad id\nwith newline")
	rec = httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); len(got) != 16 {
		t.Errorf("insane X-Request-Id replaced by %q, want a fresh 16-hex id", got)
	}
}

func TestPutGrids(t *testing.T) {
	off := newFixture(t, api.Config{}, zhengzhou)
	if code, _, _ := off.do("PUT", "/v1/grids", "application/json", zhengzhou); code != 405 && code != 404 {
		t.Errorf("PUT without an admin token configured = %d, want the route off", code)
	}
	f := newFixture(t, api.Config{AdminToken: "s3cret"}, zhengzhou)
	auth := []string{"Authorization", "Bearer s3cret"}
	if code, _, _ := f.do("PUT", "/v1/grids", "application/json", zhengzhou); code != 401 {
		t.Errorf("PUT without token = %d, want 401", code)
	}
	if code, _, _ := f.do("PUT", "/v1/grids", "application/json", zhengzhou, "Authorization", "Bearer nope"); code != 401 {
		t.Errorf("PUT with a bad token = %d, want 401", code)
	}
	if code, _, _ := f.do("PUT", "/v1/grids", "text/csv", zhengzhou, auth...); code != 415 {
		t.Errorf("PUT text/csv = %d, want 415", code)
	}
	badSet := strings.Replace(zhengzhou, `"parent":"410103"}`, `"parent":"999"}`, 1)
	code, m, _ := f.do("PUT", "/v1/grids", "application/geo+json", badSet, auth...)
	if c, field := errorOf(m); code != 400 || c != "invalid_grid" || field != "features[2]" {
		t.Errorf("PUT with an unknown parent = %d %s/%s, want 400 invalid_grid features[2]: %v", code, c, field, m)
	}
	if code, m, _ := f.do("PUT", "/v1/grids", "application/json", `{"type":"FeatureCollection","features":[`, auth...); code != 400 {
		t.Errorf("PUT truncated JSON = %d %v, want 400", code, m)
	}
	if v := f.holder.Load().Set().Version; v != 1 {
		t.Fatalf("after rejected PUTs the served version is %d, want 1", v)
	}
	moved := strings.ReplaceAll(zhengzhou, "113.65", "113.66")
	code, m, raw := f.do("PUT", "/v1/grids", "application/json", moved, auth...)
	if code != 200 || m["boundary_version"] != float64(2) || m["grids"] != float64(3) {
		t.Fatalf("PUT = %d %s, want 200 with version 2", code, raw)
	}
	_, lm := f.get("/v1/locate?lon=113.655&lat=34.75")
	if ownerCode(lm) != "410103001" {
		t.Errorf("after the PUT, 113.655 belongs to %q, want the widened west street", ownerCode(lm))
	}
}

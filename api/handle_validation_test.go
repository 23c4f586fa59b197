package api_test

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/wangge/wangge/api"
)

// gappy: the zhengzhou square cut into two streets that leave a 0.01° strip
// uncovered along its north edge, and a third street overlapping both.
const gappy = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"410103","name":"二七区","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.7,34.7],[113.7,34.8],[113.6,34.8],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001","name":"西街道","level":"street","parent":"410103"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.65,34.7],[113.65,34.79],[113.6,34.79],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103002","name":"东街道","level":"street","parent":"410103"},"geometry":{"type":"Polygon","coordinates":[[[113.65,34.7],[113.7,34.7],[113.7,34.79],[113.65,34.79],[113.65,34.7]]]}},
{"type":"Feature","properties":{"code":"410103003","name":"中街道","level":"street","parent":"410103"},"geometry":{"type":"Polygon","coordinates":[[[113.64,34.7],[113.66,34.7],[113.66,34.71],[113.64,34.71],[113.64,34.7]]]}}
]}`

func TestValidationRoute(t *testing.T) {
	f := newFixture(t, api.Config{AdminToken: "tok"}, gappy)
	auth := []string{"Authorization", "Bearer tok"}

	if code, _, _ := f.do("GET", "/v1/validation", "", ""); code != 401 {
		t.Errorf("GET /v1/validation without a token = %d, want 401", code)
	}
	code, m, body := f.do("GET", "/v1/validation", "", "", auth...)
	if code != 200 {
		t.Fatalf("GET /v1/validation = %d %s", code, body)
	}
	counts, _ := m["counts"].(map[string]any)
	if m["version"] != float64(1) || counts["overlap"] != float64(2) || counts["gap"] != float64(1) {
		t.Errorf("report: version %v, counts %v; want 1, two overlaps, one gap", m["version"], counts)
	}
	for _, p := range m["problems"].([]any) {
		p := p.(map[string]any)
		if p["kind"] == "gap" {
			if g := p["geometry"].(map[string]any); g["type"] != "MultiPolygon" || p["level"] != "street" {
				t.Errorf("gap: %v", p)
			}
			// 0.1° × 0.01° at 34.8°N: about 10.2 km².
			if a := p["area_m2"].(float64); a < 1.0e7 || a > 1.04e7 {
				t.Errorf("gap area %v m², want about 1.02e7", a)
			}
		}
	}

	code, m, body = f.do("GET", "/v1/validation?format=geojson&level=street&min_area_m2=0", "", "", auth...)
	if code != 200 || m["type"] != "FeatureCollection" || len(m["features"].([]any)) != 3 {
		t.Errorf("GET /v1/validation?format=geojson = %d %s", code, body)
	}

	for _, tt := range []struct{ query, code, field string }{
		{"level=province", "unknown_level", "level"},
		{"min_area_m2=-1", "invalid_number", "min_area_m2"},
		{"min_area_m2=NaN", "invalid_number", "min_area_m2"},
		{"format=csv", "invalid_format", "format"},
	} {
		code, m, _ := f.do("GET", "/v1/validation?"+tt.query, "", "", auth...)
		if c, fl := errorOf(m); code != 400 || c != tt.code || fl != tt.field {
			t.Errorf("GET /v1/validation?%s = %d %s/%s, want 400 %s/%s", tt.query, code, c, fl, tt.code, tt.field)
		}
	}
}

func TestValidationRouteNotReady(t *testing.T) {
	f := newFixture(t, api.Config{AdminToken: "tok"}, "")
	if code, _, _ := f.do("GET", "/v1/validation", "", "", "Authorization", "Bearer tok"); code != 503 {
		t.Errorf("GET /v1/validation before a load = %d, want 503", code)
	}
}

func TestValidationTiles(t *testing.T) {
	f := newFixture(t, api.Config{}, gappy)
	// The tile holding the gap (113.65, 34.795) at z12.
	tl := maptile.At(orb.Point{113.65, 34.795}, 12)
	target := "/tiles/validation/12/" + strconv.Itoa(int(tl.X)) + "/" + strconv.Itoa(int(tl.Y)) + ".mvt"
	req := httptest.NewRequest("GET", target, nil)
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("GET %s = %d %s", target, rec.Code, rec.Body.String())
	}
	ls, err := mvt.Unmarshal(rec.Body.Bytes())
	if err != nil || len(ls) != 1 || ls[0].Name != "validation" {
		t.Fatalf("GET %s: layers %v, %v", target, ls, err)
	}
	kinds := map[string]int{}
	for _, ft := range ls[0].Features {
		kinds[ft.Properties.MustString("kind", "")]++
		if ft.Properties.MustString("grids", "") == "" || ft.ID == nil {
			t.Errorf("feature %v lacks grids or an id", ft.Properties)
		}
	}
	if kinds["gap"] != 1 {
		t.Errorf("tile kinds %v, want the gap", kinds)
	}
	// Below z8 the layer is empty.
	tl = maptile.At(orb.Point{113.65, 34.795}, 6)
	req = httptest.NewRequest("GET", "/tiles/validation/6/"+strconv.Itoa(int(tl.X))+"/"+strconv.Itoa(int(tl.Y))+".mvt", nil)
	rec = httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 204 {
		t.Errorf("z6 validation tile = %d, want 204", rec.Code)
	}
	code, m, _ := f.do("GET", "/tiles/validation.json", "", "")
	if code != 200 || m["minzoom"] != float64(8) || !strings.Contains(m["tiles"].([]any)[0].(string), "/tiles/validation/{z}/{x}/{y}.mvt") {
		t.Errorf("GET /tiles/validation.json = %d %v", code, m)
	}
}

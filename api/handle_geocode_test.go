package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

// newGeocodeFixture is the reports fixture with a small gazetteer: 幸福路
// 12号 (buildings 1 and 3) in the south grid, 14号 (no building) in the north
// grid, 和平路5号 in the east street.
func newGeocodeFixture(t *testing.T) *rfix {
	t.Helper()
	h := new(api.AddressHolder)
	var recs []address.Record
	for _, r := range []struct {
		text     string
		lon, lat float64
	}{
		{"郑州市二七区幸福路12号1栋", 113.62, 34.72},
		{"郑州市二七区幸福路12号3栋", 113.621, 34.721},
		{"郑州市二七区幸福路14号", 113.62, 34.78},
		{"郑州市二七区和平路5号", 113.68, 34.75},
	} {
		recs = append(recs, address.Record{Address: r.text, Point: orb.Point{r.lon, r.lat}, Components: address.Parse(r.text)})
	}
	loader := func(_ context.Context, ix *geo.Index) (api.AddressIndex, error) {
		return address.NewIndex(recs, ix), nil
	}
	f := newReportsFixture(t, api.Config{Addresses: h, AddressLoader: loader})
	h.Store(address.NewIndex(recs, f.holder.Load()))
	return f
}

func TestGeocode(t *testing.T) {
	f := newGeocodeFixture(t)
	tests := []struct {
		name, q, precision, grid, address string
	}{
		{"building, Chinese numerals", "西社区幸福路十二号三栋", "building", "410103001001001", "郑州市二七区幸福路12号3栋"},
		{"building unknown: the number", "幸福路12号9号楼", "number", "410103001001001", "郑州市二七区西街道西社区幸福路12号"},
		{"number without buildings", "二七区幸福路１４号", "number", "410103001001002", "郑州市二七区幸福路14号"},
		{"community name", "西社区居民委员会", "community", "410103001001", "二七区西街道西社区"},
		{"grid name", "西社区第2网格", "grid", "410103001001002", "二七区西街道西社区第2网格"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m, raw := f.call("", "GET", "/v1/geocode?q="+url.QueryEscape(tt.q), "")
			if code != 200 {
				t.Fatalf("GET /v1/geocode = %d %s", code, raw)
			}
			rs := m["results"].([]any)
			if len(rs) == 0 {
				t.Fatalf("no results: %s", raw)
			}
			top := rs[0].(map[string]any)
			grid, _ := top["grid"].(map[string]any)
			if top["precision"] != tt.precision || grid["code"] != tt.grid || top["address"] != tt.address {
				t.Errorf("top = %s %v in %v, want %s %q in %s", top["precision"], top["address"], grid["code"], tt.precision, tt.address, tt.grid)
			}
			if len(top["path"].([]any)) == 0 {
				t.Errorf("no path: %s", raw)
			}
		})
	}
	// crs: the same answer in GCJ-02 is some hundred metres off
	_, w, _ := f.call("", "GET", "/v1/geocode?limit=1&q="+url.QueryEscape("幸福路12号3栋"), "")
	_, g, _ := f.call("", "GET", "/v1/geocode?limit=1&crs=gcj02&q="+url.QueryEscape("幸福路12号3栋"), "")
	wl := w["results"].([]any)[0].(map[string]any)["lon"].(float64)
	gl := g["results"].([]any)[0].(map[string]any)["lon"].(float64)
	if wl != 113.621 || gl-wl < 0.001 {
		t.Errorf("lon wgs84 %v gcj02 %v: want 113.621 and a shifted one", wl, gl)
	}
	code, m, _ := f.call("", "GET", "/v1/geocode?q="+url.QueryEscape("火星上的某个地方"), "")
	if code != 200 || len(m["results"].([]any)) != 0 {
		t.Errorf("unknown text: %d %v, want 200 and no results", code, m)
	}
}

func TestGeocodeBadInput(t *testing.T) {
	f := newGeocodeFixture(t)
	tests := []struct {
		name, target string
		status       int
		code, field  string
	}{
		{"missing q", "/v1/geocode", 400, "missing_q", "q"},
		{"q too long", "/v1/geocode?q=" + strings.Repeat("路", 201), 400, "invalid_text", "q"},
		{"limit 0", "/v1/geocode?q=x&limit=0", 400, "invalid_limit", "limit"},
		{"limit too large", "/v1/geocode?q=x&limit=21", 400, "invalid_limit", "limit"},
		{"bad crs", "/v1/geocode?q=x&crs=utm", 400, "invalid_crs", "crs"},
		{"reverse without lat", "/v1/reverse?lon=113.6", 400, "missing_lat", "lat"},
		{"reverse lat out of range", "/v1/reverse?lon=113.6&lat=91", 400, "invalid_point", "lat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m, raw := f.call("", "GET", tt.target, "")
			c, fl := errorOf(m)
			if code != tt.status || c != tt.code || fl != tt.field {
				t.Errorf("GET %s = %d %s", tt.target, code, raw)
			}
		})
	}
	// no gazetteer loaded: 503
	g := newReportsFixture(t, api.Config{})
	if code, m, _ := g.call("", "GET", "/v1/geocode?q=x", ""); code != 503 {
		t.Errorf("without addresses: %d %v, want 503", code, m)
	}
}

func TestReverse(t *testing.T) {
	f := newGeocodeFixture(t)
	code, m, raw := f.call("", "GET", "/v1/reverse?lon=113.6201&lat=34.7201", "")
	if code != 200 {
		t.Fatalf("GET /v1/reverse = %d %s", code, raw)
	}
	a := m["address"].(map[string]any)
	if a["address"] != "郑州市二七区幸福路12号1栋" || a["distance_m"].(float64) > 20 || a["precision"] != "building" {
		t.Errorf("reverse = %s", raw)
	}
	if g := m["grid"].(map[string]any); g["code"] != "410103001001001" {
		t.Errorf("grid = %v, want the south grid", g)
	}
	_, m, raw = f.call("", "GET", "/v1/reverse?lon=120&lat=30", "")
	if m["address"] != nil || m["grid"] != nil {
		t.Errorf("reverse far away = %s, want no address and no grid", raw)
	}
}

// TestReportByAddress: a report sent with an address is geocoded, then
// assigned; a weak match goes to a dispatcher with the candidates; no match
// is a 422.
func TestReportByAddress(t *testing.T) {
	f := newGeocodeFixture(t)
	body := func(addr string) string {
		return `{"address":"` + addr + `","category":"general","title":"楼道灯坏了"}`
	}
	code, m, raw := f.call("reporter", "POST", "/v1/reports", body("西社区幸福路12号3栋"))
	if code != 201 || m["status"] != "assigned" || gridCode(m) != "410103001001001" {
		t.Fatalf("by address = %d %s", code, raw)
	}
	gc := m["geocode"].(map[string]any)
	if gc["precision"] != "building" || gc["score"].(float64) != 1 || gc["address"] != "郑州市二七区幸福路12号3栋" || m["lon"].(float64) != 113.621 {
		t.Errorf("geocode = %v lon %v", gc, m["lon"])
	}
	// persisted: read back
	_, back, _ := f.call("dispatcher", "GET", "/v1/reports/"+idString(m["id"]), "")
	if g2, _ := back["geocode"].(map[string]any); g2 == nil || g2["precision"] != "building" {
		t.Errorf("read back: geocode %v", back["geocode"])
	}
	// a community name: assigned to the community itself
	code, m, raw = f.call("reporter", "POST", "/v1/reports", body("西社区"))
	if code != 201 || m["status"] != "assigned" || gridCode(m) != "410103001001" {
		t.Errorf("community = %d %s", code, raw)
	}
	// an unknown number on a known road with a district that contradicts:
	// too weak, unassigned with candidates
	code, m, raw = f.call("reporter", "POST", "/v1/reports", body("金水区幸福路99号"))
	if code != 201 || m["status"] != "unassigned" || m["grid"] != nil {
		t.Fatalf("weak = %d %s", code, raw)
	}
	gc = m["geocode"].(map[string]any)
	if gc["score"].(float64) >= api.DefaultAddressThreshold || len(gc["candidates"].([]any)) == 0 {
		t.Errorf("weak geocode = %v", gc)
	}
	evs := m["events"].([]any)
	if note := evs[len(evs)-1].(map[string]any)["note"].(string); !strings.Contains(note, "below") {
		t.Errorf("unassigned note %q", note)
	}
	// nothing matches: 422; both address and lon: 400
	code, m, _ = f.call("reporter", "POST", "/v1/reports", body("完全不知道的地方"))
	if c, fl := errorOf(m); code != 422 || c != "address_not_found" || fl != "address" {
		t.Errorf("no match = %d %v", code, m)
	}
	code, m, _ = f.call("reporter", "POST", "/v1/reports", `{"address":"幸福路12号",`+southGrid+`,"category":"general","title":"t"}`)
	if c, fl := errorOf(m); code != 400 || c != "invalid_body" || fl != "address" {
		t.Errorf("address and lon = %d %v", code, m)
	}
	code, m, _ = f.call("reporter", "POST", "/v1/reports", `{"address":"  ","category":"general","title":"t"}`)
	if c, fl := errorOf(m); code != 400 || c != "missing_address" || fl != "address" {
		t.Errorf("blank address = %d %v", code, m)
	}
}

// TestGeocodeAfterReload: new boundaries (PUT /v1/grids) make the address
// index be built again in the background: the renamed community is found by
// its new name.
func TestGeocodeAfterReload(t *testing.T) {
	f := newGeocodeFixture(t)
	renamed := strings.ReplaceAll(district, "西社区", "新华社区")
	if code, _, raw := f.call("admin", "PUT", "/v1/grids", renamed); code != 200 {
		t.Fatalf("PUT /v1/grids = %d %s", code, raw)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, m, raw := f.call("", "GET", "/v1/geocode?limit=1&q="+url.QueryEscape("新华社区"), "")
		if rs := m["results"].([]any); len(rs) > 0 && rs[0].(map[string]any)["precision"] == "community" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the renamed community is not found after the reload: %s", raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

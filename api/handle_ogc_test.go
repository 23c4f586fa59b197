package api_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
)

func links(m map[string]any) map[string]string {
	out := map[string]string{}
	ls, _ := m["links"].([]any)
	for _, l := range ls {
		l := l.(map[string]any)
		out[l["rel"].(string)] = l["href"].(string)
	}
	return out
}

func TestOGCLandingAndConformance(t *testing.T) {
	f := newFixture(t, api.Config{}, zhengzhou)
	code, m := f.get("/ogc")
	if code != 200 {
		t.Fatalf("GET /ogc = %d", code)
	}
	l := links(m)
	for rel, want := range map[string]string{
		"self": "http://example.com/ogc", "service-desc": "http://example.com/openapi.json",
		"conformance": "http://example.com/ogc/conformance", "data": "http://example.com/ogc/collections",
	} {
		if l[rel] != want {
			t.Errorf("landing link %s = %q, want %q", rel, l[rel], want)
		}
	}
	_, m = f.get("/ogc/conformance")
	var classes []string
	for _, c := range m["conformsTo"].([]any) {
		classes = append(classes, c.(string))
	}
	for _, want := range []string{"conf/core", "conf/geojson", "conf/oas30"} {
		if !slices.ContainsFunc(classes, func(c string) bool { return strings.HasSuffix(c, want) }) {
			t.Errorf("conformsTo %v lacks %s", classes, want)
		}
	}
}

func TestOGCCollections(t *testing.T) {
	f := newDemoFixture(t, api.Config{})
	ix := f.holder.Load()
	code, m := f.get("/ogc/collections")
	if code != 200 {
		t.Fatalf("GET /ogc/collections = %d", code)
	}
	var ids []string
	for _, c := range m["collections"].([]any) {
		c := c.(map[string]any)
		ids = append(ids, c["id"].(string))
		if l := links(c); l["items"] != "http://example.com/ogc/collections/"+c["id"].(string)+"/items" {
			t.Errorf("collection %s items link %q", c["id"], l["items"])
		}
		bbox := c["extent"].(map[string]any)["spatial"].(map[string]any)["bbox"].([]any)[0].([]any)
		if len(bbox) != 4 || bbox[0].(float64) < 113 || bbox[2].(float64) > 114 {
			t.Errorf("collection %s bbox %v", c["id"], bbox)
		}
	}
	for _, l := range ix.Set().Levels {
		if !slices.Contains(ids, "grids-"+l) {
			t.Errorf("collections %v lack grids-%s", ids, l)
		}
	}
	for _, k := range []string{"station", "school", "residential"} {
		if !slices.Contains(ids, "sites-"+k) {
			t.Errorf("collections %v lack sites-%s", ids, k)
		}
	}
	if code, m := f.get("/ogc/collections/grids-street"); code != 200 || m["id"] != "grids-street" || m["itemType"] != "feature" {
		t.Errorf("GET /ogc/collections/grids-street = %d %v", code, m)
	}
	for _, bad := range []string{"grids-nope", "roads", "sites-nope"} {
		if code, m := f.get("/ogc/collections/" + bad); code != 404 {
			t.Errorf("GET /ogc/collections/%s = %d %v, want 404", bad, code, m)
		}
		if code, _ := f.get("/ogc/collections/" + bad + "/items"); code != 404 {
			t.Errorf("GET /ogc/collections/%s/items = %d, want 404", bad, code)
		}
	}
}

// TestOGCItemsPaging walks the next links of every grid collection and
// finds each grid of the level exactly once; prev goes back.
func TestOGCItemsPaging(t *testing.T) {
	f := newDemoFixture(t, api.Config{})
	ix := f.holder.Load()
	for r, level := range ix.Set().Levels {
		want := ix.LevelCounts()[r]
		seen := map[string]bool{}
		target := "/ogc/collections/grids-" + level + "/items?limit=100"
		pages := 0
		for target != "" {
			code, _, body := f.do("GET", target, "", "")
			rec := f.raw(target)
			if code != 200 || rec.Header().Get("Content-Type") != "application/geo+json" {
				t.Fatalf("GET %s = %d %q", target, code, rec.Header().Get("Content-Type"))
			}
			m := decodeJSON(t, body)
			feats := m["features"].([]any)
			if m["numberMatched"] != float64(want) || m["numberReturned"] != float64(len(feats)) {
				t.Fatalf("%s: numberMatched %v numberReturned %v (%d features), want %d matched", target, m["numberMatched"], m["numberReturned"], len(feats), want)
			}
			for _, ft := range feats {
				ft := ft.(map[string]any)
				id := ft["id"].(string)
				if seen[id] || ft["properties"].(map[string]any)["level"] != level {
					t.Fatalf("%s: feature %s twice or at the wrong level", target, id)
				}
				seen[id] = true
			}
			l := links(m)
			if pages > 0 && l["prev"] == "" {
				t.Errorf("page %d has no prev link", pages)
			}
			target = ""
			if next := l["next"]; next != "" {
				if !strings.HasPrefix(next, "http://example.com/ogc/collections/grids-"+level+"/items?") {
					t.Fatalf("next link %q is not absolute on the request's host", next)
				}
				target = strings.TrimPrefix(next, "http://example.com")
			}
			pages++
		}
		if len(seen) != want {
			t.Errorf("grids-%s: %d features over %d pages, want %d", level, len(seen), pages, want)
		}
	}
}

func TestOGCItemsQuery(t *testing.T) {
	f := newDemoFixture(t, api.Config{})
	ix := f.holder.Load()
	i, _ := ix.Lookup("410103100213003")
	p := ix.LabelPoint(i)
	box := formatPoint(p)
	tiny := url.QueryEscape(box[0] + "," + box[1] + "," + box[0] + "," + box[1])
	code, _, body := f.do("GET", "/ogc/collections/grids-grid/items?bbox="+tiny, "", "")
	m := decodeJSON(t, body)
	if code != 200 || m["numberMatched"] != 1.0 || m["features"].([]any)[0].(map[string]any)["id"] != "410103100213003" {
		t.Errorf("bbox at the label point of 410103100213003 = %d %v", code, m["numberMatched"])
	}
	// Six numbers (with heights) are accepted.
	six := url.QueryEscape(box[0] + "," + box[1] + ",0," + box[0] + "," + box[1] + ",10")
	if code, _, body := f.do("GET", "/ogc/collections/grids-grid/items?bbox="+six, "", ""); code != 200 || decodeJSON(t, body)["numberMatched"] != 1.0 {
		t.Errorf("bbox with heights = %d %s", code, body)
	}
	// The whole district's box: every grid.
	if _, _, body := f.do("GET", "/ogc/collections/grids-grid/items?limit=1&bbox=113,34,114,35", "", ""); decodeJSON(t, body)["numberMatched"] != float64(ix.LevelCounts()[3]) {
		t.Errorf("bbox over the district matched %v", decodeJSON(t, body)["numberMatched"])
	}
	// A limit above the maximum is served as the maximum.
	if _, _, body := f.do("GET", "/ogc/collections/sites-residential/items?limit=50000", "", ""); decodeJSON(t, body)["numberReturned"].(float64) < 900 {
		t.Errorf("limit=50000 returned %v", decodeJSON(t, body)["numberReturned"])
	}
	for _, bad := range []string{"limit=0", "limit=x", "offset=-1", "bbox=1,2,3", "bbox=114,35,113,34", "bbox-crs=EPSG:4326"} {
		if code, m := f.get("/ogc/collections/grids-grid/items?" + bad); code != 400 {
			t.Errorf("items?%s = %d %v, want 400", bad, code, m)
		}
	}
	// One feature.
	code, _, body = f.do("GET", "/ogc/collections/grids-grid/items/410103100213003", "", "")
	m = decodeJSON(t, body)
	if code != 200 || m["id"] != "410103100213003" || m["properties"].(map[string]any)["leader"] == nil || links(m)["collection"] != "http://example.com/ogc/collections/grids-grid" {
		t.Errorf("one feature = %d %v", code, m)
	}
	for _, target := range []string{
		"/ogc/collections/grids-grid/items/nope",
		"/ogc/collections/grids-street/items/410103100213003", // a grid, not a street
		"/ogc/collections/sites-school/items/nope",
	} {
		if code, _ := f.get(target); code != 404 {
			t.Errorf("GET %s = %d, want 404", target, code)
		}
	}
	// A site, with its owning grid.
	_, _, body = f.do("GET", "/ogc/collections/sites-station/items?limit=1", "", "")
	st := decodeJSON(t, body)["features"].([]any)[0].(map[string]any)
	id := st["id"].(string)
	code, _, body = f.do("GET", "/ogc/collections/sites-station/items/"+url.PathEscape(id), "", "")
	if m := decodeJSON(t, body); code != 200 || m["properties"].(map[string]any)["kind"] != "station" || m["properties"].(map[string]any)["grid"] == nil {
		t.Errorf("GET site %s = %d %v", id, code, m)
	}
}

func decodeJSON(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %v\n%.300s", err, body)
	}
	return m
}

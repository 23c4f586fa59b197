package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// district: 二七区 cut into a west and an east street (along lon 113.65);
// the west street holds one community of two grids (along lat 34.75):
//
//	410103             district, leader 区长
//	├ 410103001        west street (no team named)
//	│ └ 410103001001   community, secretary 书记
//	│   ├ …001001001   south grid, leader 王芳, 5 members
//	│   └ …001001002   north grid (no team named: the secretary's)
//	└ 410103002        east street, leader 李强
const district = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"410103","name":"二七区","level":"district","leader":"区长","leader_phone":"13900000000"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.7,34.7],[113.7,34.8],[113.6,34.8],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001","name":"西街道","level":"street","parent":"410103"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.65,34.7],[113.65,34.8],[113.6,34.8],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001001","name":"西社区","level":"community","parent":"410103001","secretary":"书记","secretary_phone":"13700000000"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.65,34.7],[113.65,34.8],[113.6,34.8],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001001001","name":"第1网格","level":"grid","parent":"410103001001","leader":"王芳","leader_phone":"13800001111","members":5},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.65,34.7],[113.65,34.75],[113.6,34.75],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001001002","name":"第2网格","level":"grid","parent":"410103001001"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.75],[113.65,34.75],[113.65,34.8],[113.6,34.8],[113.6,34.75]]]}},
{"type":"Feature","properties":{"code":"410103002","name":"东街道","level":"street","parent":"410103","leader":"李强","leader_phone":"13600000000"},"geometry":{"type":"Polygon","coordinates":[[[113.65,34.7],[113.7,34.7],[113.7,34.8],[113.65,34.8],[113.65,34.7]]]}}
]}`

// movedDistrict is district after a boundary change: the streets meet at
// lon 113.64 instead of 113.65, and the district reaches south-east to
// cover 120,30.
const movedDistrict = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"410103","name":"二七区","level":"district","leader":"区长","leader_phone":"13900000000"},"geometry":{"type":"Polygon","coordinates":[[[113.6,29.9],[120.1,29.9],[120.1,34.8],[113.6,34.8],[113.6,29.9]]]}},
{"type":"Feature","properties":{"code":"410103001","name":"西街道","level":"street","parent":"410103"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.64,34.7],[113.64,34.8],[113.6,34.8],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001001","name":"西社区","level":"community","parent":"410103001","secretary":"书记","secretary_phone":"13700000000"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.64,34.7],[113.64,34.8],[113.6,34.8],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001001001","name":"第1网格","level":"grid","parent":"410103001001","leader":"王芳","leader_phone":"13800001111","members":5},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.7],[113.64,34.7],[113.64,34.75],[113.6,34.75],[113.6,34.7]]]}},
{"type":"Feature","properties":{"code":"410103001001002","name":"第2网格","level":"grid","parent":"410103001001"},"geometry":{"type":"Polygon","coordinates":[[[113.6,34.75],[113.64,34.75],[113.64,34.8],[113.6,34.8],[113.6,34.75]]]}},
{"type":"Feature","properties":{"code":"410103002","name":"东街道","level":"street","parent":"410103","leader":"李强","leader_phone":"13600000000"},"geometry":{"type":"Polygon","coordinates":[[[113.64,34.7],[113.7,34.7],[113.7,34.8],[113.64,34.8],[113.64,34.7]]]}}
]}`

// Points of the fixture.
const (
	southGrid = `"lon":113.62,"lat":34.72`
	northGrid = `"lon":113.62,"lat":34.78`
	eastSt    = `"lon":113.68,"lat":34.75`
	outside   = `"lon":120,"lat":30`
	phone     = "13812345678"
)

// rfix is a server with reports and tokens on a real store: a SQLite file,
// or a PostgreSQL database when fixturePG names one (see
// TestReportsAPIOnPostgres).
type rfix struct {
	t       *testing.T
	srv     *api.Server
	holder  *geo.Holder
	store   data.Store
	reports *data.Reports
	tokens  map[string]string // role name → token
	mu      sync.Mutex
	now     time.Time
}

var start = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// newReportsFixture serves the district with reports and one token per
// role: admin, dispatcher, worker (the south grid), street (a worker of the
// east street), community (a worker of the community), reporter, reporter2.
func newReportsFixture(t *testing.T, cfg api.Config) *rfix {
	t.Helper()
	ctx := context.Background()
	var st data.Store
	var err error
	if fixturePG != nil {
		st, err = data.OpenPostgres(ctx, fixturePG(t))
	} else {
		st, err = data.OpenSQLite(ctx, filepath.Join(t.TempDir(), "r.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	set, _, err := st.ReplaceGrids(ctx, geo.DefaultLayer, strings.NewReader(district), "wgs84")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	f := &rfix{t: t, holder: new(geo.Holder), store: st, reports: data.NewReports(st), tokens: map[string]string{}, now: start}
	f.holder.Store(ix)
	t.Cleanup(func() {
		f.reports.Close()
		st.Close()
	})
	for _, tk := range []struct{ name, role, grid string }{
		{"admin", "admin", ""}, {"dispatcher", "dispatcher", ""}, {"worker", "worker", "410103001001001"},
		{"street", "worker", "410103002"}, {"community", "worker", "410103001001"},
		{"reporter", "reporter", ""}, {"reporter2", "reporter", ""},
	} {
		tok, _, err := st.CreateToken(ctx, geo.Role(tk.role), tk.grid, tk.name, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[tk.name] = tok
	}
	cfg.Boundaries, cfg.Grids, cfg.Reports, cfg.Tokens = f.holder, st, f.reports, st
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = f.clock
	f.srv = api.New(cfg)
	return f
}

func (f *rfix) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// advance moves the server's clock on.
func (f *rfix) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// call sends a request as who (a token name of the fixture, "" for no
// token, or a whole Authorization header such as "Bearer ...") and decodes
// the JSON answer.
func (f *rfix) call(who, method, target, body string, hdr ...string) (int, map[string]any, string) {
	f.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case strings.Contains(who, " "): // "Bearer TOKEN", "Basic ..."
		req.Header.Set("Authorization", who)
	case who != "":
		tok, ok := f.tokens[who]
		if !ok {
			f.t.Fatalf("no token %q", who)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
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

// post creates a report at a point of the fixture as who and returns it.
func (f *rfix) post(who, point, category string) map[string]any {
	f.t.Helper()
	code, m, raw := f.call(who, "POST", "/v1/reports", `{`+point+`,"category":"`+category+`","title":"井盖缺失","description":"人行道上",`+
		`"reporter":{"name":"王小明","phone":"`+phone+`"},"source":"hotline"}`)
	if code != 201 {
		f.t.Fatalf("POST /v1/reports as %s = %d %s", who, code, raw)
	}
	return m
}

// move posts an event as who and returns the status and answer.
func (f *rfix) move(who string, id any, body string) (int, map[string]any) {
	f.t.Helper()
	code, m, _ := f.call(who, "POST", "/v1/reports/"+idString(id)+"/events", body)
	return code, m
}

func idString(id any) string {
	switch v := id.(type) {
	case float64:
		return strings.TrimSuffix(strings.TrimSuffix(jsonString(v), ".0"), ".")
	case string:
		return v
	}
	return jsonString(id)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func mustCategories(t *testing.T, s string) geo.Categories {
	t.Helper()
	cs, err := geo.ParseCategories(s)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func gridCode(m map[string]any) string {
	g, _ := m["grid"].(map[string]any)
	c, _ := g["code"].(string)
	return c
}

func errCode(m map[string]any) (code, field string) {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	fl, _ := e["field"].(string)
	return c, fl
}

func reportIDs(m map[string]any) []string {
	var out []string
	rs, _ := m["reports"].([]any)
	for _, r := range rs {
		out = append(out, idString(r.(map[string]any)["id"]))
	}
	return out
}

package api_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo/crs"
)

func TestCreateReport(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	tests := []struct {
		name, point, category string
		status, grid, team    string
		leader                string
		path                  string
		due                   time.Duration
	}{
		{"south grid: its leader", southGrid, "utilities", "assigned", "410103001001001", "410103001001001", "王芳",
			"410103/410103001/410103001001/410103001001001", 24 * time.Hour},
		{"north grid: the community's secretary", northGrid, "emergency", "assigned", "410103001001002", "410103001001", "书记",
			"410103/410103001/410103001001/410103001001002", 2 * time.Hour},
		{"east street", eastSt, "general", "assigned", "410103002", "410103002", "李强", "410103/410103002", 7 * 24 * time.Hour},
		{"outside every grid", outside, "complex", "unassigned", "", "", "", "", 15 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := f.post("reporter", tt.point, tt.category)
			if m["status"] != tt.status || gridCode(m) != tt.grid {
				t.Errorf("status %v grid %q, want %s %q", m["status"], gridCode(m), tt.status, tt.grid)
			}
			var team, leader string
			if a, ok := m["assignee"].(map[string]any); ok {
				team, leader = a["grid"].(map[string]any)["code"].(string), a["leader"].(string)
			}
			if team != tt.team || leader != tt.leader {
				t.Errorf("assignee %v, want team %s leader %s", m["assignee"], tt.team, tt.leader)
			}
			var path []string
			for _, g := range m["path"].([]any) {
				path = append(path, g.(map[string]any)["code"].(string))
			}
			if strings.Join(path, "/") != tt.path {
				t.Errorf("path %v, want %s", path, tt.path)
			}
			created, _ := time.Parse(time.RFC3339, m["created_at"].(string))
			due, _ := time.Parse(time.RFC3339, m["due_at"].(string))
			if !created.Equal(start) || due.Sub(created) != tt.due {
				t.Errorf("created %v due %v, want %v and %v later", created, due, start, tt.due)
			}
			evs := m["events"].([]any)
			if len(evs) != 2 || evs[0].(map[string]any)["to"] != "reported" || evs[0].(map[string]any)["from"] != nil ||
				evs[1].(map[string]any)["to"] != tt.status || evs[0].(map[string]any)["by"] != "reporter:reporter" {
				t.Errorf("events %v", evs)
			}
			if tt.grid == "" {
				if m["grid"] != nil || m["boundary_version"] != nil {
					t.Errorf("unassigned report has grid %v version %v", m["grid"], m["boundary_version"])
				}
			} else if m["boundary_version"] != float64(1) {
				t.Errorf("boundary_version %v, want 1", m["boundary_version"])
			}
			// GET returns the same object.
			_, _, posted := f.call("reporter", "GET", "/v1/reports/"+idString(m["id"]), "")
			if got := jsonString(m); !strings.Contains(posted, `"id":`+idString(m["id"])) || jsonString(mustDecode(t, posted)) != got {
				t.Errorf("GET differs from POST:\n%s\n%s", posted, got)
			}
		})
	}
	// The 201 says where the report lives.
	_, _, raw := f.call("admin", "POST", "/v1/reports", `{`+southGrid+`,"category":"general","title":"x"}`)
	if !strings.Contains(raw, `"source":"app"`) || !strings.Contains(raw, `"reporter":null`) {
		t.Errorf("defaults: %s", raw)
	}
	// GCJ-02 input: stored in WGS-84, answered in the crs of the request.
	wgs := orb.Point{113.647, 34.72} // 270 m west of the street boundary
	gcj := crs.Convert(wgs, crs.WGS84, crs.GCJ02)
	code, m, raw := f.call("admin", "POST", "/v1/reports", fmt.Sprintf(`{"lon":%v,"lat":%v,"crs":"gcj02","category":"general","title":"x"}`, gcj[0], gcj[1]))
	if lon, _ := m["lon"].(float64); code != 201 || gridCode(m) != "410103001001001" || m["crs"] != "gcj02" || lon < gcj[0]-1e-6 || lon > gcj[0]+1e-6 {
		t.Errorf("gcj02 report = %d %s", code, raw)
	}
	_, m, _ = f.call("admin", "GET", "/v1/reports/"+idString(m["id"]), "")
	if lon := m["lon"].(float64); lon < wgs[0]-1e-6 || lon > wgs[0]+1e-6 || m["crs"] != "wgs84" {
		t.Errorf("stored lon %v (%v), want the WGS-84 %v", lon, m["crs"], wgs[0])
	}
}

func mustDecode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := jsonUnmarshal(s, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCreateReportBadInput(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	ok := `"category":"general","title":"t"`
	long := strings.Repeat("长", 201)
	tests := []struct {
		name, ct, body string
		hdr            []string
		status         int
		code, field    string
	}{
		{"not json content type", "text/plain", `{` + southGrid + `,` + ok + `}`, nil, 415, "unsupported_media_type", "Content-Type"},
		{"broken json", "", `{"lon":`, nil, 400, "invalid_body", ""},
		{"array", "", `[1]`, nil, 400, "invalid_body", ""},
		{"two objects", "", `{` + southGrid + `,` + ok + `} {}`, nil, 400, "invalid_body", ""},
		{"unknown member", "", `{` + southGrid + `,` + ok + `,"colour":"red"}`, nil, 400, "invalid_body", "colour"},
		{"missing lon", "", `{"lat":34.7,` + ok + `}`, nil, 400, "missing_lon", "lon"},
		{"missing lat", "", `{"lon":113.6,` + ok + `}`, nil, 400, "missing_lat", "lat"},
		{"lon a string", "", `{"lon":"113.6","lat":34.7,` + ok + `}`, nil, 400, "invalid_body", "lon"},
		{"lon null", "", `{"lon":null,"lat":34.7,` + ok + `}`, nil, 400, "missing_lon", "lon"},
		{"lon 181", "", `{"lon":181,"lat":34.7,` + ok + `}`, nil, 400, "invalid_point", "lon"},
		{"lat -91", "", `{"lon":113,"lat":-91,` + ok + `}`, nil, 400, "invalid_point", "lat"},
		{"bad crs", "", `{` + southGrid + `,"crs":"utm",` + ok + `}`, nil, 400, "invalid_crs", "crs"},
		{"missing category", "", `{` + southGrid + `,"title":"t"}`, nil, 400, "missing_category", "category"},
		{"unknown category", "", `{` + southGrid + `,"category":"fire","title":"t"}`, nil, 400, "invalid_category", "category"},
		{"missing title", "", `{` + southGrid + `,"category":"general"}`, nil, 400, "missing_title", "title"},
		{"blank title", "", `{` + southGrid + `,"category":"general","title":"  "}`, nil, 400, "missing_title", "title"},
		{"long title", "", `{` + southGrid + `,"category":"general","title":"` + long + `"}`, nil, 400, "invalid_text", "title"},
		{"control in title", "", `{` + southGrid + `,"category":"general","title":"a\u0007b"}`, nil, 400, "invalid_text", "title"},
		{"title a number", "", `{` + southGrid + `,"category":"general","title":5}`, nil, 400, "invalid_body", "title"},
		{"long description", "", `{` + southGrid + `,` + ok + `,"description":"` + strings.Repeat("x", 5001) + `"}`, nil, 400, "invalid_text", "description"},
		{"reporter not an object", "", `{` + southGrid + `,` + ok + `,"reporter":"me"}`, nil, 400, "invalid_body", "reporter"},
		{"reporter unknown member", "", `{` + southGrid + `,` + ok + `,"reporter":{"email":"a@b"}}`, nil, 400, "invalid_body", "email"},
		{"bad phone", "", `{` + southGrid + `,` + ok + `,"reporter":{"phone":"call me"}}`, nil, 400, "invalid_phone", "reporter.phone"},
		{"short phone", "", `{` + southGrid + `,` + ok + `,"reporter":{"phone":"12"}}`, nil, 400, "invalid_phone", "reporter.phone"},
		{"long name", "", `{` + southGrid + `,` + ok + `,"reporter":{"name":"` + strings.Repeat("名", 51) + `"}}`, nil, 400, "invalid_text", "reporter.name"},
		{"bad source", "", `{` + southGrid + `,` + ok + `,"source":"Hot Line"}`, nil, 400, "invalid_source", "source"},
		{"bad occurred_at", "", `{` + southGrid + `,` + ok + `,"occurred_at":"yesterday"}`, nil, 400, "invalid_time", "occurred_at"},
		{"future occurred_at", "", `{` + southGrid + `,` + ok + `,"occurred_at":"2030-01-01T00:00:00Z"}`, nil, 400, "invalid_time", "occurred_at"},
		{"idempotency key with a space", "", `{` + southGrid + `,` + ok + `}`, []string{"Idempotency-Key", "a b"}, 400, "invalid_idempotency_key", "Idempotency-Key"},
		{"idempotency key too long", "", `{` + southGrid + `,` + ok + `}`, []string{"Idempotency-Key", strings.Repeat("k", 256)}, 400, "invalid_idempotency_key", "Idempotency-Key"},
		{"body too large", "", `{` + southGrid + `,` + ok + `,"description":"` + strings.Repeat("x", 70000) + `"}`, nil, 413, "body_too_large", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := tt.hdr
			if tt.ct != "" {
				hdr = append(hdr, "Content-Type", tt.ct)
			}
			code, m, raw := f.call("admin", "POST", "/v1/reports", tt.body, hdr...)
			if c, fl := errCode(m); code != tt.status || c != tt.code || fl != tt.field {
				t.Errorf("POST = %d %s/%s, want %d %s/%s: %s", code, c, fl, tt.status, tt.code, tt.field, raw)
			}
		})
	}
	_, m, _ := f.call("admin", "GET", "/v1/reports", "")
	if n := len(reportIDs(m)); n != 0 {
		t.Errorf("bad input stored %d reports", n)
	}
}

func TestIdempotencyKey(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	body := `{` + southGrid + `,"category":"general","title":"同一个"}`
	code1, _, raw1 := f.call("reporter", "POST", "/v1/reports", body, "Idempotency-Key", "order-1")
	f.advance(time.Minute) // a replay later still gets the first answer
	code2, _, raw2 := f.call("reporter", "POST", "/v1/reports", body, "Idempotency-Key", "order-1")
	if code1 != 201 || code2 != 201 || raw1 != raw2 {
		t.Errorf("replay = %d %s, want %d %s", code2, raw2, code1, raw1)
	}
	code, m, _ := f.call("reporter", "POST", "/v1/reports", strings.Replace(body, "同一个", "另一个", 1), "Idempotency-Key", "order-1")
	if c, fl := errCode(m); code != 422 || c != "idempotency_key_reused" || fl != "Idempotency-Key" {
		t.Errorf("same key, other body = %d %v", code, m)
	}
	// Keys are scoped to the token.
	_, _, raw3 := f.call("reporter2", "POST", "/v1/reports", body, "Idempotency-Key", "order-1")
	if raw3 == raw1 {
		t.Error("another token's key replayed the first token's report")
	}
	_, m, _ = f.call("admin", "GET", "/v1/reports", "")
	if n := len(reportIDs(m)); n != 2 {
		t.Errorf("%d reports stored, want 2", n)
	}
}

func TestLifecycleAPI(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	id := f.post("reporter", southGrid, "utilities")["id"]
	steps := []struct {
		who, body string
		status    int
		code      string
		after     string // the status afterwards
	}{
		{"reporter", `{"to":"accepted"}`, 403, "forbidden", "assigned"},
		{"street", `{"to":"accepted"}`, 404, "not_found", "assigned"}, // outside its subtree
		{"worker", `{"to":"resolved"}`, 409, "invalid_transition", "assigned"},
		{"worker", `{"to":"accepted","note":"马上到"}`, 200, "", "accepted"},
		{"worker", `{"to":"accepted"}`, 409, "invalid_transition", "accepted"},
		{"worker", `{"to":"in_progress"}`, 200, "", "in_progress"},
		{"worker", `{"to":"resolved","note":"已更换井盖"}`, 200, "", "resolved"},
		{"worker", `{"to":"verified"}`, 403, "forbidden", "resolved"},
		{"dispatcher", `{"to":"in_progress","note":"回访不满意"}`, 200, "", "in_progress"},
		{"community", `{"to":"resolved"}`, 200, "", "resolved"}, // an ancestor's worker
		{"dispatcher", `{"to":"verified"}`, 200, "", "verified"},
		{"dispatcher", `{"to":"closed"}`, 200, "", "closed"},
		{"admin", `{"to":"accepted"}`, 409, "invalid_transition", "closed"},
	}
	for k, st := range steps {
		code, m := f.move(st.who, id, st.body)
		c, _ := errCode(m)
		if code != st.status || c != st.code {
			t.Fatalf("step %d: %s %s = %d %v, want %d %s", k, st.who, st.body, code, m, st.status, st.code)
		}
		_, got, _ := f.call("admin", "GET", "/v1/reports/"+idString(id), "")
		if got["status"] != st.after {
			t.Fatalf("step %d: status %v, want %s", k, got["status"], st.after)
		}
	}
	_, m, _ := f.call("admin", "GET", "/v1/reports/"+idString(id), "")
	evs := m["events"].([]any)
	if len(evs) != 2+7 { // one per 200 above
		t.Errorf("%d events, want 9", len(evs))
	}
	ev := evs[2].(map[string]any)
	if ev["by"] != "worker:worker" || ev["from"] != "assigned" || ev["to"] != "accepted" || ev["note"] != "马上到" {
		t.Errorf("event 2 = %v", ev)
	}
	if m["resolved_at"] == nil {
		t.Error("a closed report has no resolved_at")
	}
	// The 409 lists the allowed moves.
	id2 := f.post("reporter", southGrid, "general")["id"]
	_, m = f.move("worker", id2, `{"to":"verified"}`)
	_, m = f.move("admin", id2, `{"to":"verified"}`)
	e := m["error"].(map[string]any)
	if fmt.Sprint(e["allowed"]) != "[accepted returned reassigned escalated rejected]" || e["field"] != "to" {
		t.Errorf("409 = %v", e)
	}
	// Escalated: to the community's secretary, then the district's leader
	// (the street names none), then no further.
	for _, want := range []string{"410103001001", "410103"} {
		code, m := f.move("worker", id2, `{"to":"escalated","note":"需要上级协调"}`)
		a, _ := m["assignee"].(map[string]any)
		if code != 200 || a["grid"].(map[string]any)["code"] != want || gridCode(m) != "410103001001001" {
			t.Fatalf("escalate = %d %v, want the team of %s (grid unchanged)", code, m["assignee"], want)
		}
	}
	if code, m := f.move("worker", id2, `{"to":"escalated"}`); code != 409 {
		t.Errorf("escalate past the top = %d %v, want 409", code, m)
	}
	// Returned, then assigned to a named grid.
	if code, m := f.move("worker", id2, `{"to":"returned","note":"不属于本网格"}`); code != 200 {
		t.Fatalf("return = %d %v", code, m)
	}
	code, m := f.move("dispatcher", id2, `{"to":"assigned","grid":"410103002"}`)
	if code != 200 || gridCode(m) != "410103002" || m["assignee"].(map[string]any)["leader"] != "李强" {
		t.Errorf("assign to the east street = %d %v", code, m)
	}
	if code, _ := f.move("worker", id2, `{"to":"accepted"}`); code != 404 {
		t.Errorf("the south grid's worker after the report moved east = %d, want 404", code)
	}
	if code, _ := f.move("street", id2, `{"to":"accepted"}`); code != 200 {
		t.Errorf("the east street's worker = %d, want 200", code)
	}
	// Unassigned: assigned needs a grid.
	id3 := f.post("reporter", outside, "general")["id"]
	code, m = f.move("dispatcher", id3, `{"to":"assigned"}`)
	if c, fl := errCode(m); code != 400 || c != "missing_grid" || fl != "grid" {
		t.Errorf("assign an outside report without a grid = %d %v", code, m)
	}
	if code, m := f.move("dispatcher", id3, `{"to":"assigned","grid":"410103001001002"}`); code != 200 || gridCode(m) != "410103001001002" {
		t.Errorf("assign to a named grid = %d %v", code, m)
	}
}

func TestReportEventBadInput(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	id := idString(f.post("reporter", southGrid, "general")["id"])
	tests := []struct {
		name, path, body string
		status           int
		code, field      string
	}{
		{"id not a number", "/v1/reports/abc/events", `{"to":"accepted"}`, 400, "invalid_id", "id"},
		{"id zero", "/v1/reports/0/events", `{"to":"accepted"}`, 400, "invalid_id", "id"},
		{"no such report", "/v1/reports/999/events", `{"to":"accepted"}`, 404, "not_found", ""},
		{"missing to", "/v1/reports/" + id + "/events", `{"note":"x"}`, 400, "missing_to", "to"},
		{"unknown status", "/v1/reports/" + id + "/events", `{"to":"done"}`, 400, "invalid_status", "to"},
		{"to a number", "/v1/reports/" + id + "/events", `{"to":1}`, 400, "invalid_body", "to"},
		{"unknown member", "/v1/reports/" + id + "/events", `{"to":"accepted","by":"me"}`, 400, "invalid_body", "by"},
		{"long note", "/v1/reports/" + id + "/events", `{"to":"accepted","note":"` + strings.Repeat("x", 2001) + `"}`, 400, "invalid_text", "note"},
		{"unknown grid", "/v1/reports/" + id + "/events", `{"to":"reassigned","grid":"999"}`, 400, "unknown_grid", "grid"},
		{"grid with accepted", "/v1/reports/" + id + "/events", `{"to":"accepted","grid":"410103002"}`, 400, "invalid_change", "grid"},
		{"broken json", "/v1/reports/" + id + "/events", `{"to":`, 400, "invalid_body", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, m, raw := f.call("admin", "POST", tt.path, tt.body)
			if c, fl := errCode(m); code != tt.status || c != tt.code || fl != tt.field {
				t.Errorf("POST %s = %d %s/%s, want %d %s/%s: %s", tt.path, code, c, fl, tt.status, tt.code, tt.field, raw)
			}
		})
	}
	if code, _, _ := f.call("admin", "POST", "/v1/reports/"+id+"/events", `{"to":"accepted"}`, "Content-Type", "text/plain"); code != 415 {
		t.Errorf("text/plain = %d, want 415", code)
	}
}

func TestAccessControl(t *testing.T) {
	f := newReportsFixture(t, api.Config{AdminToken: "bootstrap-secret"})
	mine := idString(f.post("reporter", southGrid, "general")["id"])
	east := idString(f.post("admin", eastSt, "general")["id"])
	tests := []struct {
		who, method, path, body string
		status                  int
	}{
		{"", "GET", "/v1/reports", "", 401},
		{"Bearer wg_forged", "GET", "/v1/reports", "", 401},
		{"Bearer ", "GET", "/v1/reports", "", 401},
		{"Basic YTpi", "GET", "/v1/reports", "", 401},
		{"", "POST", "/v1/reports", `{` + southGrid + `,"category":"general","title":"t"}`, 401},
		{"", "GET", "/v1/reports/" + mine, "", 401},
		{"", "GET", "/v1/stats/reports", "", 401},
		{"", "GET", "/v1/audit", "", 401},
		// Public routes need no token; a bad one is still refused.
		{"", "GET", "/v1/locate?lon=113.62&lat=34.72", "", 200},
		{"", "GET", "/v1/levels", "", 200},
		{"", "GET", "/v1/grids/410103", "", 200},
		{"", "GET", "/v1/grids", "", 200},
		{"", "GET", "/healthz", "", 200},
		{"Bearer wg_forged", "GET", "/v1/locate?lon=113.62&lat=34.72", "", 401},
		{"reporter", "GET", "/v1/locate?lon=113.62&lat=34.72", "", 200},
		{"", "GET", "/nowhere", "", 404},
		// A reporter sees its own reports only, and moves none.
		{"reporter", "GET", "/v1/reports/" + mine, "", 200},
		{"reporter2", "GET", "/v1/reports/" + mine, "", 404},
		{"reporter", "GET", "/v1/reports/" + east, "", 404},
		{"reporter", "GET", "/v1/stats/reports", "", 403},
		{"reporter", "GET", "/v1/reports/moved", "", 403},
		{"reporter", "POST", "/v1/reports/" + mine + "/events", `{"to":"accepted"}`, 403},
		// A worker sees its subtree.
		{"worker", "GET", "/v1/reports/" + mine, "", 200},
		{"community", "GET", "/v1/reports/" + mine, "", 200},
		{"street", "GET", "/v1/reports/" + mine, "", 404},
		{"worker", "GET", "/v1/reports/" + east, "", 404},
		{"worker", "GET", "/v1/reports?grid=410103002", "", 403},
		{"worker", "GET", "/v1/reports?grid=410103001001", "", 403},
		{"worker", "GET", "/v1/reports?grid=410103001001&descendants=true", "", 200},
		{"worker", "GET", "/v1/stats/reports", "", 200},
		{"worker", "GET", "/v1/reports/moved", "", 403},
		{"worker", "POST", "/v1/reports/moved/reassign", "", 403},
		{"worker", "GET", "/v1/audit", "", 403},
		{"dispatcher", "GET", "/v1/audit", "", 403},
		{"dispatcher", "GET", "/v1/reports/" + east, "", 200},
		{"dispatcher", "GET", "/v1/reports/moved", "", 200},
		{"admin", "GET", "/v1/audit", "", 200},
		// PUT /v1/grids: admins only; the bootstrap token is an admin.
		{"", "PUT", "/v1/grids", district, 401},
		{"dispatcher", "PUT", "/v1/grids", district, 403},
		{"worker", "PUT", "/v1/grids", district, 403},
		{"admin", "PUT", "/v1/grids", district, 200},
		{"Bearer bootstrap-secret", "PUT", "/v1/grids", district, 200},
		{"Bearer bootstrap-secret", "GET", "/v1/reports/" + mine, "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.method+" "+tt.path, func(t *testing.T) {
			code, m, raw := f.call(tt.who, tt.method, tt.path, tt.body)
			if code != tt.status {
				t.Errorf("%s %s as %q = %d %.200s, want %d", tt.method, tt.path, tt.who, code, raw, tt.status)
			}
			if code == 401 {
				if c, _ := errCode(m); c != "unauthorized" {
					t.Errorf("401 body %v", m)
				}
			}
		})
	}
	// Revoked and expired tokens stop working at once (the fixture reads the
	// token table directly).
	ctx := context.Background()
	if _, err := f.store.RevokeToken(ctx, f.tokens["worker"]); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := f.call("worker", "GET", "/v1/reports/"+mine, ""); code != 401 {
		t.Errorf("revoked token = %d, want 401", code)
	}
}

func TestPublicRoutesClosed(t *testing.T) {
	f := newReportsFixture(t, api.Config{PublicRoutes: []string{}})
	for _, path := range []string{"/v1/locate?lon=113.62&lat=34.72", "/v1/grids", "/v1/levels", "/openapi.json", "/healthz"} {
		if code, _, _ := f.call("", "GET", path, ""); code != 401 {
			t.Errorf("GET %s without a token when nothing is public = %d, want 401", path, code)
		}
		if code, _, _ := f.call("reporter", "GET", path, ""); code != 200 {
			t.Errorf("GET %s with a token = %d, want 200", path, code)
		}
	}
	g := newReportsFixture(t, api.Config{PublicRoutes: []string{"/healthz", "GET /v1/grids*"}})
	for path, want := range map[string]int{"/healthz": 200, "/v1/grids/410103": 200, "/v1/grids": 200, "/v1/levels": 401, "/v1/locate?lon=1&lat=1": 401} {
		if code, _, _ := g.call("", "GET", path, ""); code != want {
			t.Errorf("GET %s = %d, want %d", path, code, want)
		}
	}
	if code, _, _ := g.call("", "PUT", "/v1/grids", district); code != 401 {
		t.Errorf("PUT /v1/grids when only GET /v1/grids* is public = %d, want 401", code)
	}
	// By default the map routes are public, "/ogc" as well as "/ogc/...".
	d := newReportsFixture(t, api.Config{})
	for _, path := range []string{"/ogc", "/ogc/collections", "/tiles/grids.json", "/v1/sites", "/v1/coverage"} {
		if code, _, raw := d.call("", "GET", path, ""); code == 401 {
			t.Errorf("GET %s without a token = 401 %s, want it public", path, raw)
		}
	}
}

func TestMaskingAndAudit(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	id := idString(f.post("reporter", southGrid, "general")["id"])
	f.post("reporter", outside, "general")
	ctx := context.Background()
	before, _ := f.reports.AuditLog(ctx, 0, 100)
	tests := []struct {
		who         string
		name, phone string
		audited     bool
	}{
		{"reporter", "王**", "138****5678", false},
		{"worker", "王**", "138****5678", false},
		{"community", "王**", "138****5678", false},
		{"dispatcher", "王小明", phone, true},
		{"admin", "王小明", phone, true},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			n0, _ := f.reports.AuditLog(ctx, 0, 1000)
			_, m, raw := f.call(tt.who, "GET", "/v1/reports/"+id, "")
			r, _ := m["reporter"].(map[string]any)
			if r["name"] != tt.name || r["phone"] != tt.phone {
				t.Errorf("reporter seen by %s = %v, want %s %s", tt.who, r, tt.name, tt.phone)
			}
			_, lm, _ := f.call(tt.who, "GET", "/v1/reports", "")
			for _, item := range lm["reports"].([]any) {
				if r := item.(map[string]any)["reporter"].(map[string]any); r["phone"] != tt.phone {
					t.Errorf("list seen by %s shows phone %v", tt.who, r["phone"])
				}
			}
			if !tt.audited && strings.Contains(raw, phone) {
				t.Errorf("%s sees the phone number in %s", tt.who, raw)
			}
			n1, _ := f.reports.AuditLog(ctx, 0, 1000)
			if got := len(n1) - len(n0); (got == 2) != tt.audited || (got != 0) != tt.audited {
				t.Errorf("%s: %d audit entries written, want audited %v (2: the report and the list)", tt.who, got, tt.audited)
			}
			if tt.audited {
				e := n1[len(n1)-2]
				if e.By.Role != "dispatcher" && e.By.Role != "admin" || e.Action != "GET /v1/reports/:id" || fmt.Sprint(e.ReportIDs) != "["+id+"]" || e.RequestID == "" {
					t.Errorf("audit entry %+v", e)
				}
			}
		})
	}
	if len(before) != 0 {
		t.Errorf("creating reports wrote %d audit entries", len(before))
	}
	// The audit log is readable by admins.
	_, m, _ := f.call("admin", "GET", "/v1/audit?limit=1", "")
	if es := m["entries"].([]any); len(es) != 1 || m["next_cursor"] == nil {
		t.Errorf("GET /v1/audit?limit=1 = %v", m)
	}
	_, m2, _ := f.call("admin", "GET", "/v1/audit?cursor="+m["next_cursor"].(string), "")
	if es := m2["entries"].([]any); len(es) < 3 || es[0].(map[string]any)["id"] != float64(2) {
		t.Errorf("second page = %v", m2)
	}
	if code, m, _ := f.call("admin", "GET", "/v1/audit?cursor=zz", ""); code != 400 {
		t.Errorf("bad audit cursor = %d %v", code, m)
	}
}

func TestListReportsAPI(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	var south, north, east []string
	for i := range 12 {
		f.advance(time.Hour)
		switch i % 3 {
		case 0:
			south = append(south, idString(f.post("reporter", southGrid, "utilities")["id"]))
		case 1:
			north = append(north, idString(f.post("reporter2", northGrid, "general")["id"]))
		case 2:
			east = append(east, idString(f.post("reporter", eastSt, "emergency")["id"]))
		}
	}
	out := idString(f.post("reporter", outside, "general")["id"])
	f.move("worker", south[0], `{"to":"accepted"}`)
	f.advance(30 * time.Hour) // every emergency (2 h) and utilities (24 h) report is overdue now, but the accepted one still counts
	// rev lists ids newest first (they were created an hour apart).
	rev := func(ids ...[]string) string {
		var all []int
		for _, l := range ids {
			for _, id := range l {
				n, _ := strconv.Atoi(id)
				all = append(all, n)
			}
		}
		slices.Sort(all)
		slices.Reverse(all)
		return strings.Trim(strings.Join(strings.Fields(fmt.Sprint(all)), ","), "[]")
	}
	tests := []struct{ who, query, want string }{
		{"admin", "", rev([]string{out}, south, north, east)},
		{"admin", "grid=410103001001001", rev(south)},
		{"admin", "grid=410103001001", ""},
		{"admin", "grid=410103001001&descendants=true", rev(south, north)},
		{"admin", "grid=410103&descendants=1", rev(south, north, east)},
		{"admin", "status=unassigned", out},
		{"admin", "status=accepted,unassigned", rev([]string{south[0], out})},
		{"admin", "category=emergency", rev(east)},
		{"admin", "category=emergency,utilities&overdue=true", rev(south, east)},
		{"admin", "overdue=false", rev(north, []string{out})},
		{"admin", "bbox=113.66,34.7,113.7,34.8", rev(east)},
		{"worker", "", rev(south)},
		{"community", "", rev(south, north)},
		{"community", "grid=410103001001002", rev(north)},
		{"community", "grid=410103&descendants=true", rev(south, north)},
		{"street", "status=assigned", rev(east)},
		{"reporter", "", rev(south, east, []string{out})},
		{"reporter2", "", rev(north)},
		{"reporter2", "grid=410103001001001", ""},
	}
	for _, tt := range tests {
		t.Run(tt.who+" "+tt.query, func(t *testing.T) {
			code, m, raw := f.call(tt.who, "GET", "/v1/reports?"+tt.query, "")
			if code != 200 {
				t.Fatalf("= %d %s", code, raw)
			}
			if got := strings.Join(reportIDs(m), ","); got != tt.want {
				t.Errorf("GET /v1/reports?%s as %s = [%s], want [%s]", tt.query, tt.who, got, tt.want)
			}
		})
	}
	// from/to select by creation time, [from, to).
	_, m, _ := f.call("admin", "GET", "/v1/reports?from=2025-06-01T02:00:00Z&to=2025-06-01T05:00:00Z", "")
	if got := strings.Join(reportIDs(m), ","); got != "4,3,2" {
		t.Errorf("from 02:00 to 05:00 = %s, want 4,3,2", got)
	}
	_, m, _ = f.call("admin", "GET", "/v1/reports?from=2025-06-02", "") // midnight in China is 16:00 UTC
	if got := len(reportIDs(m)); got != 0 {
		t.Errorf("from 2025-06-02 (CST) = %d reports, want 0", got)
	}
	// Paging visits every report once.
	var seen []string
	cursor := ""
	for pages := 0; pages < 20; pages++ {
		_, m, _ := f.call("admin", "GET", "/v1/reports?limit=5&cursor="+cursor, "")
		seen = append(seen, reportIDs(m)...)
		next, ok := m["next_cursor"].(string)
		if !ok {
			break
		}
		cursor = next
	}
	if got := strings.Join(seen, ","); got != rev([]string{out}, south, north, east) {
		t.Errorf("paged = %s", got)
	}
	bad := []struct{ query, code, field string }{
		{"grid=999", "unknown_grid", "grid"},
		{"descendants=maybe", "invalid_descendants", "descendants"},
		{"status=open", "invalid_status", "status"},
		{"status=assigned,nope", "invalid_status", "status"},
		{"category=fire", "invalid_category", "category"},
		{"overdue=2", "invalid_overdue", "overdue"},
		{"from=yesterday", "invalid_time", "from"},
		{"to=2025-13-01", "invalid_time", "to"},
		{"from=2025-06-02&to=2025-06-01", "invalid_period", "to"},
		{"bbox=1,2,3", "invalid_bbox", "bbox"},
		{"bbox=1,2,3,NaN", "invalid_bbox", "bbox"},
		{"crs=x", "invalid_crs", "crs"},
		{"limit=0", "invalid_limit", "limit"},
		{"limit=1001", "invalid_limit", "limit"},
		{"cursor=!!", "invalid_cursor", "cursor"},
		{"cursor=" + "MTIz", "invalid_cursor", "cursor"},
	}
	for _, tt := range bad {
		code, m, _ := f.call("admin", "GET", "/v1/reports?"+tt.query, "")
		if c, fl := errCode(m); code != 400 || c != tt.code || fl != tt.field {
			t.Errorf("GET /v1/reports?%s = %d %s/%s, want 400 %s/%s", tt.query, code, c, fl, tt.code, tt.field)
		}
	}
	if code, _, _ := f.call("admin", "GET", "/v1/reports/x", ""); code != 400 {
		t.Errorf("GET /v1/reports/x = %d, want 400", code)
	}
	if code, _, _ := f.call("admin", "GET", "/v1/reports/12345", ""); code != 404 {
		t.Errorf("GET /v1/reports/12345 = %d, want 404", code)
	}
}

func TestMovedReports(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	a := idString(f.post("reporter", `"lon":113.645,"lat":34.72`, "general")["id"]) // south grid, near the street boundary
	b := idString(f.post("reporter", southGrid, "general")["id"])
	c := idString(f.post("reporter", outside, "general")["id"])
	d := idString(f.post("reporter", `"lon":113.645,"lat":34.73`, "general")["id"])
	f.move("admin", d, `{"to":"rejected"}`) // closed reports are not "moved"
	f.move("worker", a, `{"to":"accepted"}`)
	_, m, _ := f.call("dispatcher", "GET", "/v1/reports/moved", "")
	if ids := reportIDs(m); len(ids) != 0 {
		t.Fatalf("moved before any boundary change = %v", ids)
	}
	// The street boundary moves west to 113.64, and the district grows to
	// cover 120,30: a is in the east street now, c in the district.
	if code, m, raw := f.call("admin", "PUT", "/v1/grids", movedDistrict); code != 200 {
		t.Fatalf("PUT moved boundaries = %d %v %s", code, m, raw)
	}
	_, m, _ = f.call("dispatcher", "GET", "/v1/reports/moved", "")
	if got := strings.Join(reportIDs(m), ","); got != a+","+c || m["boundary_version"] != float64(2) {
		t.Fatalf("moved = [%s] v%v, want [%s,%s] v2", got, m["boundary_version"], a, c)
	}
	rs := m["reports"].([]any)
	if cg := rs[0].(map[string]any)["current_grid"].(map[string]any); cg["code"] != "410103002" || gridCode(rs[0].(map[string]any)) != "410103001001001" {
		t.Errorf("moved report a: grid %s, current %v", gridCode(rs[0].(map[string]any)), cg)
	}
	if cg := rs[1].(map[string]any)["current_grid"].(map[string]any); cg["code"] != "410103" {
		t.Errorf("moved report c: current %v", cg)
	}
	// The reports keep their grid until a dispatcher moves them.
	_, ra, _ := f.call("admin", "GET", "/v1/reports/"+a, "")
	if gridCode(ra) != "410103001001001" || ra["boundary_version"] != float64(1) {
		t.Errorf("report a after the change: %s v%v", gridCode(ra), ra["boundary_version"])
	}
	// Paging through moved reports.
	_, p1, _ := f.call("dispatcher", "GET", "/v1/reports/moved?limit=1", "")
	_, p2, _ := f.call("dispatcher", "GET", "/v1/reports/moved?limit=1&cursor="+p1["next_cursor"].(string), "")
	if strings.Join(append(reportIDs(p1), reportIDs(p2)...), ",") != a+","+c || p2["next_cursor"] != nil {
		t.Errorf("moved pages %v %v", reportIDs(p1), reportIDs(p2))
	}
	// One call reassigns them all.
	code, m, raw := f.call("dispatcher", "POST", "/v1/reports/moved/reassign", `{"note":"边界调整"}`)
	if code != 200 {
		t.Fatalf("reassign = %d %s", code, raw)
	}
	if got := jsonString(m["reassigned"]); got != `[{"from":"410103001001001","id":`+a+`,"to":"410103002"},{"from":null,"id":`+c+`,"to":"410103"}]` {
		t.Errorf("reassigned = %s", got)
	}
	_, ra, _ = f.call("admin", "GET", "/v1/reports/"+a, "")
	evs := ra["events"].([]any)
	last := evs[len(evs)-1].(map[string]any)
	if ra["status"] != "reassigned" || gridCode(ra) != "410103002" || ra["boundary_version"] != float64(2) ||
		last["to"] != "reassigned" || last["note"] != "边界调整" || last["grid"] != "410103002" || last["by"] != "dispatcher:dispatcher" {
		t.Errorf("report a after reassign: %s %s v%v, last event %v", ra["status"], gridCode(ra), ra["boundary_version"], last)
	}
	_, rc, _ := f.call("admin", "GET", "/v1/reports/"+c, "")
	if rc["status"] != "assigned" || gridCode(rc) != "410103" {
		t.Errorf("report c after reassign: %s %s", rc["status"], gridCode(rc))
	}
	_, m, _ = f.call("dispatcher", "GET", "/v1/reports/moved", "")
	if ids := reportIDs(m); len(ids) != 0 {
		t.Errorf("moved after reassign = %v", ids)
	}
	// Explicit ids: unmoved and unknown ones are skipped with a reason.
	_, m, _ = f.call("dispatcher", "POST", "/v1/reports/moved/reassign", `{"ids":[`+b+`,999,`+b+`]}`)
	if got := jsonString(m["skipped"]); !strings.Contains(got, `"id":`+b) || !strings.Contains(got, `"id":999,"reason":"no such report"`) || len(m["reassigned"].([]any)) != 0 {
		t.Errorf("reassign unmoved = %v", m)
	}
	for _, body := range []string{`{"ids":[0]}`, `{"ids":"all"}`, `{"idz":[1]}`, `{"note":"` + strings.Repeat("x", 2001) + `"}`} {
		if code, m, _ := f.call("dispatcher", "POST", "/v1/reports/moved/reassign", body); code != 400 {
			t.Errorf("reassign %s = %d %v, want 400", body, code, m)
		}
	}
	for _, q := range []string{"limit=0", "cursor=x", "crs=x"} {
		if code, _, _ := f.call("dispatcher", "GET", "/v1/reports/moved?"+q, ""); code != 400 {
			t.Errorf("moved?%s = %d, want 400", q, code)
		}
	}
}

func TestReportStatsAPI(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	s1 := f.post("reporter", southGrid, "utilities")["id"]
	f.post("reporter", southGrid, "utilities")
	f.post("reporter", northGrid, "general")
	f.post("reporter", eastSt, "general")
	f.advance(6 * time.Hour)
	for _, to := range []string{"accepted", "in_progress", "resolved"} {
		if code, m := f.move("worker", s1, `{"to":"`+to+`"}`); code != 200 {
			t.Fatalf("%s: %d %v", to, code, m)
		}
	}
	f.advance(30 * time.Hour) // the other utilities report is overdue now
	_, m, raw := f.call("dispatcher", "GET", "/v1/stats/reports?level=grid", "")
	grids := map[string]map[string]any{}
	for _, g := range m["grids"].([]any) {
		grids[g.(map[string]any)["code"].(string)] = g.(map[string]any)
	}
	sg := grids["410103001001001"]
	if sg == nil || sg["received"] != float64(2) || sg["resolved"] != float64(1) || sg["on_time_rate"] != float64(1) ||
		sg["median_hours_to_resolve"] != float64(6) || sg["overdue_now"] != float64(1) || jsonString(sg["by_status"]) != `{"assigned":1,"resolved":1}` {
		t.Errorf("south grid figures = %v\n%s", sg, raw)
	}
	if ng := grids["410103001001002"]; ng == nil || ng["received"] != float64(1) || ng["on_time_rate"] != nil {
		t.Errorf("north grid figures = %v", ng)
	}
	if len(grids) != 2 {
		t.Errorf("grid level lists %d grids, want the 2 of the level", len(grids))
	}
	tot := m["total"].(map[string]any)
	if tot["received"] != float64(4) || tot["resolved"] != float64(1) {
		t.Errorf("total = %v (the east street's report counts in the total only)", tot)
	}
	_, m, _ = f.call("admin", "GET", "/v1/stats/reports", "") // community by default
	if gs := m["grids"].([]any); len(gs) != 1 || gs[0].(map[string]any)["received"] != float64(3) || m["level"] != "community" {
		t.Errorf("community figures = %v", m)
	}
	_, m, _ = f.call("admin", "GET", "/v1/stats/reports?level=street&from=2025-06-01T00:00:00Z&to=2025-06-01T01:00:00Z", "")
	for _, g := range m["grids"].([]any) {
		if g := g.(map[string]any); g["code"] == "410103001" && g["received"] != float64(3) || g["code"] == "410103002" && g["received"] != float64(1) {
			t.Errorf("street figures %v", g)
		}
	}
	_, m, _ = f.call("admin", "GET", "/v1/stats/reports?level=street&from=2025-06-02", "")
	if tot := m["total"].(map[string]any); tot["received"] != float64(0) {
		t.Errorf("a period after every report: %v", tot)
	}
	// A worker gets its subtree only.
	_, m, _ = f.call("worker", "GET", "/v1/stats/reports?level=grid", "")
	if gs := m["grids"].([]any); len(gs) != 1 || gs[0].(map[string]any)["code"] != "410103001001001" || m["total"].(map[string]any)["received"] != float64(2) {
		t.Errorf("worker figures = %v", m)
	}
	for _, q := range []string{"level=province", "from=x", "to=2025-99-01", "from=2025-06-02&to=2025-06-01"} {
		code, m, _ := f.call("admin", "GET", "/v1/stats/reports?"+q, "")
		if _, fl := errCode(m); code != 400 || fl == "" {
			t.Errorf("stats?%s = %d %v, want 400 naming the field", q, code, m)
		}
	}
}

func TestReportCategories(t *testing.T) {
	f := newReportsFixture(t, api.Config{})
	_, m, _ := f.call("reporter", "GET", "/v1/reports/categories", "")
	if got := jsonString(m["categories"]); !strings.HasPrefix(got, `[{"deadline":"2h0m0s","deadline_hours":2,"name":"emergency"},{"deadline":"1d","deadline_hours":24,"name":"utilities"}`) {
		t.Errorf("categories = %s", got)
	}
	g := newReportsFixture(t, api.Config{Categories: mustCategories(t, "water=4h,noise=3d")})
	if code, m, _ := g.call("reporter", "POST", "/v1/reports", `{`+southGrid+`,"category":"general","title":"t"}`); code != 400 {
		t.Errorf("a default category when configured away = %d %v", code, m)
	}
	m = g.post("reporter", southGrid, "noise")
	created, _ := time.Parse(time.RFC3339, m["created_at"].(string))
	due, _ := time.Parse(time.RFC3339, m["due_at"].(string))
	if due.Sub(created) != 72*time.Hour {
		t.Errorf("noise deadline %v, want 3 days", due.Sub(created))
	}
}

func TestReportsNotConfigured(t *testing.T) {
	f := newFixture(t, api.Config{AdminToken: "x"}, zhengzhou)
	code, m, _ := f.do("GET", "/v1/reports", "", "", "Authorization", "Bearer x")
	if c, _ := errCode(m); code != 503 || c != "not_configured" {
		t.Errorf("GET /v1/reports without a store = %d %v, want 503", code, m)
	}
}

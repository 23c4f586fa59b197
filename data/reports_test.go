package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// reportGrids: a district 0..2 × 0..1 with a street holding two grids, and a
// leader on the west grid.
const reportGrids = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"D","name":"区","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"S","name":"街道","level":"street","parent":"D"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"S1","name":"西格","level":"grid","parent":"S","leader":"王芳","leader_phone":"13800000001","members":3},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"S2","name":"东格","level":"grid","parent":"S"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}}
]}`

// openReports opens an empty store of kind k with the reportGrids as its
// boundaries, and the report store on it.
func openReports(t testing.TB, k storeKind) (Store, *Reports, *geo.Index) {
	t.Helper()
	ctx := context.Background()
	st := openTestStore(t, k)
	set, _, err := st.ReplaceGrids(ctx, geo.DefaultLayer, strings.NewReader(reportGrids), "wgs84")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	rs := NewReports(st)
	t.Cleanup(func() { rs.Close() })
	return st, rs, ix
}

var day0 = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func newReport(t testing.TB, ix *geo.Index, p orb.Point, at time.Time, by string) *geo.Report {
	t.Helper()
	pl, err := ix.Place(p)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := geo.DefaultCategories.Find("general")
	return geo.NewReport(geo.Intake{Point: p, Category: cat, Title: "路灯不亮", Description: "第二根",
		Reporter: geo.Reporter{Name: "李四", Phone: "13912345678"}, Source: "hotline", By: "reporter:x", CreatedBy: by}, pl, at)
}

func TestReportRoundTrip(t *testing.T) { forEachStore(t, testReportRoundTrip) }

func testReportRoundTrip(t *testing.T, k storeKind) {
	_, rs, ix := openReports(t, k)
	ctx := context.Background()
	r := newReport(t, ix, orb.Point{0.5, 0.5}, day0, "7")
	r.OccurredAt = day0.Add(-time.Hour)
	if _, _, err := rs.CreateReport(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if r.ID != 1 {
		t.Fatalf("first id = %d, want 1", r.ID)
	}
	got, err := rs.Report(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Attributes hold numbers as json.Number; stored, they come back as
	// float64: the same JSON.
	a, _ := json.Marshal(got.Assignee)
	b, _ := json.Marshal(r.Assignee)
	if string(a) != string(b) {
		t.Errorf("assignee read back as %s, want %s", a, b)
	}
	r.Assignee.Members = got.Assignee.Members
	if !reflect.DeepEqual(got, r) {
		t.Errorf("read back\n%+v\nwant\n%+v", *got, *r)
	}
	if got.Grid == nil || got.Grid.Code != "S1" || got.Assignee.Leader != "王芳" || string(a) != `{"grid":{"code":"S1","name":"西格","level":"grid"},"leader":"王芳","phone":"13800000001","members":3}` {
		t.Errorf("grid %v assignee %+v", got.Grid, got.Assignee)
	}
	if _, err := rs.Report(ctx, 99); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("Report(99) = %v, want ErrNotFound", err)
	}
	out := newReport(t, ix, orb.Point{5, 5}, day0, "7")
	if _, _, err := rs.CreateReport(ctx, out, nil); err != nil {
		t.Fatal(err)
	}
	got, _ = rs.Report(ctx, out.ID)
	if got.Grid != nil || got.Status != geo.StatusUnassigned || len(got.Path) != 0 || got.BoundaryVersion != 0 {
		t.Errorf("unassigned report read back as %+v", got)
	}
}

func TestIdempotency(t *testing.T) { forEachStore(t, testIdempotency) }

func testIdempotency(t *testing.T, k storeKind) {
	_, rs, ix := openReports(t, k)
	ctx := context.Background()
	render := func(r *geo.Report) ([]byte, error) { return fmt.Appendf(nil, "report %d", r.ID), nil }
	key := func(scope, k, body string) *geo.IdempotencyKey {
		return &geo.IdempotencyKey{Scope: scope, Key: k, Hash: [32]byte([]byte(strings.Repeat(body, 32)[:32])), Render: render}
	}
	body, replayed, err := rs.CreateReport(ctx, newReport(t, ix, orb.Point{0.5, 0.5}, day0, "1"), key("1", "k", "a"))
	if err != nil || replayed || string(body) != "report 1" {
		t.Fatalf("first = %q %v %v", body, replayed, err)
	}
	body, replayed, err = rs.CreateReport(ctx, newReport(t, ix, orb.Point{0.5, 0.5}, day0, "1"), key("1", "k", "a"))
	if err != nil || !replayed || string(body) != "report 1" {
		t.Errorf("replay = %q %v %v, want the first answer", body, replayed, err)
	}
	if _, _, err = rs.CreateReport(ctx, newReport(t, ix, orb.Point{0.5, 0.5}, day0, "1"), key("1", "k", "b")); !errors.Is(err, geo.ErrIdempotencyMismatch) {
		t.Errorf("same key, other body: %v, want ErrIdempotencyMismatch", err)
	}
	body, replayed, err = rs.CreateReport(ctx, newReport(t, ix, orb.Point{0.5, 0.5}, day0, "2"), key("2", "k", "a"))
	want := "report 2"
	if k == kindPostgres {
		// PostgreSQL draws an id for each new report before its statement
		// runs; the replay and the refused request above used one each.
		want = "report 4"
	}
	if err != nil || replayed || string(body) != want {
		t.Errorf("same key, other token = %q %v %v, want a new report", body, replayed, err)
	}
	if n := countReports(t, rs); n != 2 {
		t.Errorf("%d reports stored, want 2", n)
	}
}

func countIndexes(t testing.TB, rs *Reports) int {
	t.Helper()
	var n int
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports' AND sql IS NOT NULL`
	if rs.pg {
		q = `SELECT count(*) FROM pg_indexes WHERE tablename = 'reports' AND indexname <> 'reports_pkey'`
	}
	if err := rs.db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func countReports(t testing.TB, rs *Reports) int {
	t.Helper()
	var n int
	if err := rs.db.QueryRow(`SELECT count(*) FROM reports`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestConcurrentCreates: hundreds of creates in flight at once are all
// stored, once each, with distinct ids; the same key sent by many at once
// makes one report. Run with -race.
func TestConcurrentCreates(t *testing.T) { forEachStore(t, testConcurrentCreates) }

func testConcurrentCreates(t *testing.T, k storeKind) {
	_, rs, ix := openReports(t, k)
	ctx := context.Background()
	const n = 400
	ids := make([]int64, n)
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newReport(t, ix, orb.Point{0.1 + float64(i)/n, 0.5}, day0.Add(time.Duration(i)*time.Millisecond), "1")
			if _, _, err := rs.CreateReport(ctx, r, nil); err != nil {
				errs <- err
			}
			ids[i] = r.ID
		}()
	}
	same := make([]string, 100)
	for i := range same {
		wg.Add(1)
		go func() {
			defer wg.Done()
			idem := &geo.IdempotencyKey{Scope: "1", Key: "same", Render: func(r *geo.Report) ([]byte, error) { return fmt.Appendf(nil, "%d", r.ID), nil }}
			body, _, err := rs.CreateReport(ctx, newReport(t, ix, orb.Point{0.5, 0.5}, day0, "1"), idem)
			if err != nil {
				errs <- err
			}
			same[i] = string(body)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("id %d missing or given twice", id)
		}
		seen[id] = true
	}
	for _, b := range same {
		if b != same[0] {
			t.Fatalf("one key answered %q and %q", same[0], b)
		}
	}
	if got := countReports(t, rs); got != n+1 {
		t.Errorf("%d reports stored, want %d", got, n+1)
	}
}

func TestUpdateReports(t *testing.T) { forEachStore(t, testUpdateReports) }

func testUpdateReports(t *testing.T, k storeKind) {
	_, rs, ix := openReports(t, k)
	ctx := context.Background()
	var ids []int64
	for i := range 3 {
		r := newReport(t, ix, orb.Point{0.5, 0.5}, day0.Add(time.Duration(i)*time.Hour), "1")
		if _, _, err := rs.CreateReport(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	// One batch: the first moves, the second fails in fn, the third does not
	// exist; the failure leaves its report alone.
	out, errs, err := rs.UpdateReports(ctx, []int64{ids[0], ids[1], 99}, func(r *geo.Report) error {
		if r.ID == ids[1] {
			r.Title = "changed before failing"
			return geo.ErrConflict
		}
		return r.Apply(geo.Change{To: geo.StatusAccepted, At: day0.Add(5 * time.Hour), By: "worker:x", Note: "on my way"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if errs[0] != nil || !errors.Is(errs[1], geo.ErrConflict) || !errors.Is(errs[2], geo.ErrNotFound) {
		t.Fatalf("errs = %v", errs)
	}
	if out[0].Status != geo.StatusAccepted {
		t.Errorf("out[0] = %+v", out[0])
	}
	got, _ := rs.Report(ctx, ids[0])
	if got.Status != geo.StatusAccepted || len(got.Events) != 3 || got.Events[2].Note != "on my way" || got.Events[2].By != "worker:x" {
		t.Errorf("after accept: %s, events %+v", got.Status, got.Events)
	}
	got, _ = rs.Report(ctx, ids[1])
	if got.Title != "路灯不亮" || got.Status != geo.StatusAssigned || len(got.Events) != 2 {
		t.Errorf("a failed update changed the report: %+v", got)
	}
	// Events are kept forever: the table refuses updates and deletes.
	for _, q := range []string{`UPDATE report_events SET note = 'x'`, `DELETE FROM report_events`} {
		if _, err := rs.db.Exec(q); err == nil || !strings.Contains(err.Error(), "forever") && !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
	// fn may not drop events.
	if _, err := rs.UpdateReport(ctx, ids[2], func(r *geo.Report) error { r.Events = r.Events[:1]; return nil }); err == nil {
		t.Error("dropping an event was accepted")
	}
}

func TestListReports(t *testing.T) { forEachStore(t, testListReports) }

func testListReports(t *testing.T, k storeKind) {
	_, rs, ix := openReports(t, k)
	ctx := context.Background()
	// 30 reports: alternately in S1 and S2, one an hour, then one outside.
	for i := range 30 {
		p := orb.Point{0.5, 0.5}
		if i%2 == 1 {
			p = orb.Point{1.5, 0.5}
		}
		r := newReport(t, ix, p, day0.Add(time.Duration(i)*time.Hour), fmt.Sprint(i%3))
		if _, _, err := rs.CreateReport(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	outside := newReport(t, ix, orb.Point{5, 5}, day0.Add(40*time.Hour), "9")
	rs.CreateReport(ctx, outside, nil)
	rs.UpdateReport(ctx, 1, func(r *geo.Report) error {
		r.Apply(geo.Change{To: geo.StatusAccepted, At: day0})
		r.Apply(geo.Change{To: geo.StatusInProgress, At: day0})
		return r.Apply(geo.Change{To: geo.StatusResolved, At: day0.Add(time.Hour)})
	})
	path := func(code string) []geo.GridRef {
		pl, err := ix.PlaceIn(code)
		if err != nil {
			t.Fatal(err)
		}
		return pl.Path
	}
	yes, no := true, false
	bbox := orb.Bound{Min: orb.Point{1.2, 0}, Max: orb.Point{1.8, 1}}
	tests := []struct {
		name string
		f    geo.ReportFilter
		n    int
	}{
		{"all", geo.ReportFilter{Limit: 100}, 31},
		{"grid S1", geo.ReportFilter{Grid: path("S1"), Limit: 100}, 15},
		{"street S alone", geo.ReportFilter{Grid: path("S"), Limit: 100}, 0},
		{"street S and descendants", geo.ReportFilter{Grid: path("S"), Descendants: true, Limit: 100}, 30},
		{"district and descendants", geo.ReportFilter{Grid: path("D"), Descendants: true, Limit: 100}, 30},
		{"within S2", geo.ReportFilter{Within: path("S2"), Limit: 100}, 15},
		{"creator 0", geo.ReportFilter{CreatedBy: "0", Limit: 100}, 10},
		{"status unassigned", geo.ReportFilter{Statuses: []geo.Status{geo.StatusUnassigned}, Limit: 100}, 1},
		{"status resolved or unassigned", geo.ReportFilter{Statuses: []geo.Status{geo.StatusResolved, geo.StatusUnassigned}, Limit: 100}, 2},
		{"category", geo.ReportFilter{Categories: []string{"emergency"}, Limit: 100}, 0},
		// Due 7 days after creation: at day 8 the first 24 are overdue but
		// the resolved one.
		{"overdue at day 8", geo.ReportFilter{Overdue: &yes, Now: day0.Add(8 * 24 * time.Hour), Limit: 100}, 23},
		{"not overdue at day 8", geo.ReportFilter{Overdue: &no, Now: day0.Add(8 * 24 * time.Hour), Limit: 100}, 8},
		{"from hour 10 to 20", geo.ReportFilter{From: day0.Add(10 * time.Hour), To: day0.Add(20 * time.Hour), Limit: 100}, 10},
		{"bbox", geo.ReportFilter{BBox: &bbox, Limit: 100}, 15},
		{"limit", geo.ReportFilter{Limit: 7}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rs.ListReports(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.n {
				t.Errorf("%d reports, want %d", len(got), tt.n)
			}
			for k := 1; k < len(got); k++ {
				if got[k].CreatedAt.After(got[k-1].CreatedAt) {
					t.Fatalf("not newest first at %d", k)
				}
			}
		})
	}
	// Paging with the cursor visits every report once, newest first, also
	// when several share a creation time.
	for i := range 5 {
		rs.CreateReport(ctx, newReport(t, ix, orb.Point{0.5, 0.5}, day0.Add(50*time.Hour), fmt.Sprint(i)), nil)
	}
	var seen []int64
	f := geo.ReportFilter{Limit: 4}
	for {
		page, err := rs.ListReports(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			seen = append(seen, r.ID)
		}
		if len(page) < f.Limit {
			break
		}
		last := page[len(page)-1]
		f.After = &geo.ReportCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
	if len(seen) != 36 {
		t.Errorf("paging saw %d reports, want 36: %v", len(seen), seen)
	}
	dup := map[int64]bool{}
	for _, id := range seen {
		if dup[id] {
			t.Errorf("paging saw %d twice", id)
		}
		dup[id] = true
	}
}

func TestReportStats(t *testing.T) { forEachStore(t, testReportStats) }

func testReportStats(t *testing.T, k storeKind) {
	_, rs, ix := openReports(t, k)
	ctx := context.Background()
	mk := func(p orb.Point, created time.Time, resolveAfter time.Duration) {
		r := newReport(t, ix, p, created, "1")
		if resolveAfter > 0 {
			r.Apply(geo.Change{To: geo.StatusAccepted, At: created})
			r.Apply(geo.Change{To: geo.StatusInProgress, At: created})
			r.Apply(geo.Change{To: geo.StatusResolved, At: created.Add(resolveAfter)})
		}
		if _, _, err := rs.CreateReport(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	west, east := orb.Point{0.5, 0.5}, orb.Point{1.5, 0.5}
	mk(west, day0, 2*time.Hour)
	mk(west, day0, 10*24*time.Hour) // late (general: 7 days)
	mk(west, day0, 0)               // open, overdue by day 8
	mk(east, day0, 6*time.Hour)
	mk(east, day0.Add(30*24*time.Hour), 0) // received later
	mk(orb.Point{5, 5}, day0, 0)           // unassigned
	st, err := rs.ReportStats(ctx, geo.StatsFilter{Level: "grid", Now: day0.Add(8 * 24 * time.Hour), To: day0.Add(20 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	w, e := st.Grids["S1"], st.Grids["S2"]
	if w == nil || e == nil {
		t.Fatalf("grids = %v", st.Grids)
	}
	if w.Received != 3 || w.Resolved != 2 || w.OnTime != 1 || w.OverdueNow != 1 || w.ByStatus[geo.StatusResolved] != 2 {
		t.Errorf("S1 = %+v", w)
	}
	if m, _ := w.MedianHours(); m != (2+240)/2.0 {
		t.Errorf("S1 median = %v", m)
	}
	if e.Received != 1 || e.Resolved != 1 || e.OnTime != 1 {
		t.Errorf("S2 = %+v (the report received on day 30 is outside the period)", e)
	}
	if st.Total.Received != 5 || st.Total.OverdueNow != 2 {
		t.Errorf("total = %+v, want 5 received (with the unassigned one), 2 overdue", st.Total)
	}
	st, _ = rs.ReportStats(ctx, geo.StatsFilter{Level: "street", Now: day0})
	if s := st.Grids["S"]; s == nil || s.Received != 5 {
		t.Errorf("street S = %+v, want 5 received", s)
	}
	pl, _ := ix.PlaceIn("S2")
	st, _ = rs.ReportStats(ctx, geo.StatsFilter{Level: "grid", Within: pl.Path, Now: day0})
	if len(st.Grids) != 1 || st.Total.Received != 2 {
		t.Errorf("within S2: %v, total %+v", st.Grids, st.Total)
	}
}

func TestOpenReportsNotIn(t *testing.T) { forEachStore(t, testOpenReportsNotIn) }

func testOpenReportsNotIn(t *testing.T, k storeKind) {
	_, rs, ix := openReports(t, k)
	ctx := context.Background()
	for _, p := range []orb.Point{{0.5, 0.5}, {1.5, 0.5}, {5, 5}} {
		rs.CreateReport(ctx, newReport(t, ix, p, day0, "1"), nil)
	}
	rs.UpdateReport(ctx, 2, func(r *geo.Report) error { return r.Apply(geo.Change{To: geo.StatusRejected, At: day0}) })
	v := ix.Set().Version
	got, err := rs.OpenReportsNotIn(ctx, v, 0, 10)
	if err != nil || len(got) != 1 || got[0].ID != 3 {
		t.Errorf("open reports not in the current version = %v %v, want the unassigned one", got, err)
	}
	got, _ = rs.OpenReportsNotIn(ctx, v+1, 0, 10)
	if len(got) != 2 || got[0].ID != 1 || got[1].ID != 3 {
		t.Errorf("open reports not in version %d = %v, want 1 and 3", v+1, got)
	}
	got, _ = rs.OpenReportsNotIn(ctx, v+1, 1, 10)
	if len(got) != 1 {
		t.Errorf("after id 1: %v", got)
	}
}

func TestAudit(t *testing.T) { forEachStore(t, testAudit) }

func testAudit(t *testing.T, k storeKind) {
	_, rs, _ := openReports(t, k)
	ctx := context.Background()
	p := geo.Principal{TokenID: "4", Role: geo.RoleDispatcher, Name: "调度"}
	for i := range 3 {
		if err := rs.Audit(ctx, geo.AuditEntry{At: day0, By: p, Action: "GET /v1/reports", ReportIDs: []int64{int64(i), 10}, RequestID: "r", Remote: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	es, err := rs.AuditLog(ctx, 1, 10)
	if err != nil || len(es) != 2 || es[0].ID != 2 || es[0].By != p || fmt.Sprint(es[0].ReportIDs) != "[1 10]" || !es[0].At.Equal(day0) {
		t.Errorf("audit log = %+v %v", es, err)
	}
	for _, q := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`} {
		if _, err := rs.db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want refused", q, err)
		}
	}
}

func TestTokens(t *testing.T) { forEachStore(t, testTokens) }

func testTokens(t *testing.T, k storeKind) {
	st, _, _ := openReports(t, k)
	ctx := context.Background()
	tok, info, err := st.CreateToken(ctx, geo.RoleWorker, "S1", "张三", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, TokenPrefix) || len(tok) < 40 {
		t.Errorf("token %q", tok)
	}
	p, err := st.Authenticate(ctx, tok)
	if err != nil || p.Role != geo.RoleWorker || p.Grid != "S1" || p.Name != "张三" || p.TokenID != fmt.Sprint(info.ID) {
		t.Errorf("Authenticate = %+v %v", p, err)
	}
	// Only the hash is stored.
	var n int
	st.base().db.QueryRow(`SELECT count(*) FROM tokens WHERE hash = ? OR CAST(hash AS TEXT) LIKE ?`, tok, "%"+tok[3:13]+"%").Scan(&n)
	if n != 0 {
		t.Error("the token itself is in the database")
	}
	for _, bad := range []string{"", "wg_nope", "Bearer " + tok, tok + "x"} {
		if _, err := st.Authenticate(ctx, bad); !errors.Is(err, geo.ErrUnauthenticated) {
			t.Errorf("Authenticate(%q) = %v, want ErrUnauthenticated", bad, err)
		}
	}
	if _, _, err := st.CreateToken(ctx, geo.RoleWorker, "", "", 0); err == nil {
		t.Error("a worker token without a grid was made")
	}
	if _, _, err := st.CreateToken(ctx, geo.RoleAdmin, "S1", "", 0); err == nil {
		t.Error("an admin token with a grid was made")
	}
	// Expiry.
	old, _, _ := st.CreateToken(ctx, geo.RoleAdmin, "", "", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if _, err := st.Authenticate(ctx, old); !errors.Is(err, geo.ErrUnauthenticated) {
		t.Errorf("expired token: %v", err)
	}
	// Revocation, by id and by token; the cache notices within its TTL.
	// (A TTL long enough that the revocation and the checks below fit in it
	// on a loaded machine: at 50 ms it failed under -race.)
	cache := NewTokenCache(st, time.Second)
	if _, err := cache.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RevokeToken(ctx, fmt.Sprint(info.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(ctx, tok); !errors.Is(err, geo.ErrUnauthenticated) {
		t.Errorf("revoked token: %v", err)
	}
	if _, err := cache.Authenticate(ctx, tok); err != nil {
		t.Errorf("cached within its TTL: %v", err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := cache.Authenticate(ctx, tok); !errors.Is(err, geo.ErrUnauthenticated) {
		t.Errorf("revoked token after the cache TTL: %v", err)
	}
	tok2, _, _ := st.CreateToken(ctx, geo.RoleReporter, "", "app", 0)
	if info, err := st.RevokeToken(ctx, tok2); err != nil || info.RevokedAt.IsZero() {
		t.Errorf("revoke by token: %+v %v", info, err)
	}
	if _, err := st.RevokeToken(ctx, "999"); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("revoke 999: %v", err)
	}
	ts, err := st.Tokens(ctx)
	if err != nil || len(ts) != 3 || ts[0].RevokedAt.IsZero() || !ts[1].RevokedAt.IsZero() || ts[2].ExpiresAt.IsZero() != true {
		t.Errorf("tokens = %+v %v", ts, err)
	}
}

func TestImportReports(t *testing.T) { forEachStore(t, testImportReports) }

func testImportReports(t *testing.T, k storeKind) {
	_, rs, ix := openReports(t, k)
	ctx := context.Background()
	rs.CreateReport(ctx, newReport(t, ix, orb.Point{0.5, 0.5}, day0, "1"), nil)
	opts := ImportOptions{Expected: 200, By: "import", Note: "imported from test.csv"}
	imp, err := rs.BeginImport(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	imported := func(p orb.Point, at time.Time) *geo.Report {
		r := newReport(t, ix, p, at, "")
		r.Events = nil
		return r
	}
	var batch []*geo.Report
	for i := range 200 { // more than importRows, and a tail
		batch = append(batch, imported(orb.Point{0.1 + float64(i)/200, 0.5}, day0.Add(time.Duration(i)*time.Minute)))
	}
	if err := imp.Add([]*geo.Report{newReport(t, ix, orb.Point{0.5, 0.5}, day0, "")}); err == nil {
		t.Error("a report with events was imported")
	}
	if err := imp.Add(batch[:130]); err != nil {
		t.Fatal(err)
	}
	if err := imp.Add(batch[130:]); err != nil {
		t.Fatal(err)
	}
	n, err := imp.Commit()
	if err != nil || n != 200 {
		t.Fatalf("Commit = %d %v", n, err)
	}
	if batch[0].ID != 2 || batch[199].ID != 201 {
		t.Errorf("ids %d..%d, want 2..201", batch[0].ID, batch[199].ID)
	}
	got, err := rs.Report(ctx, 150)
	if err != nil || got.Title != "路灯不亮" || got.Grid == nil || got.Grid.Code != "S1" || got.Assignee == nil {
		t.Fatalf("report 150 = %+v %v", got, err)
	}
	if e := got.Events; len(e) != 1 || e[0].By != "import" || e[0].From != "" || e[0].To != geo.StatusAssigned ||
		e[0].Note != "imported from test.csv (row 149)" || !e[0].At.Equal(got.CreatedAt) {
		t.Errorf("report 150 events = %+v", e)
	}
	// A new report after the import takes the next id.
	r := newReport(t, ix, orb.Point{0.5, 0.5}, day0, "1")
	rs.CreateReport(ctx, r, nil)
	if r.ID != 202 {
		t.Errorf("next id %d, want 202", r.ID)
	}
	// Rollback leaves nothing.
	// Rollback leaves nothing, also when the indexes were dropped for a
	// large import.
	for _, expected := range []int{1, 1_000_000} {
		imp, _ = rs.BeginImport(ctx, ImportOptions{Expected: expected})
		imp.Add([]*geo.Report{imported(orb.Point{0.5, 0.5}, day0)})
		imp.Rollback()
		if n := countReports(t, rs); n != 202 {
			t.Errorf("%d reports after a rolled back import, want 202", n)
		}
		if n := countIndexes(t, rs); n != 5 {
			t.Errorf("%d indexes on reports after a rolled back import, want 5", n)
		}
	}
	// A large import rebuilds the indexes it dropped.
	imp, _ = rs.BeginImport(ctx, ImportOptions{Expected: 1_000_000})
	imp.Add([]*geo.Report{imported(orb.Point{0.5, 0.5}, day0.Add(24*time.Hour))})
	if n, err := imp.Commit(); err != nil || n != 1 {
		t.Fatalf("Commit = %d %v", n, err)
	}
	if n := countIndexes(t, rs); n != 5 {
		t.Errorf("%d indexes on reports after a large import, want 5", n)
	}
	want := int64(203)
	if k == kindPostgres {
		// The two rolled back imports drew an id each from the sequence.
		want = 205
	}
	pl, _ := ix.PlaceIn("S1")
	if got, err := rs.ListReports(ctx, geo.ReportFilter{Grid: pl.Path, Limit: 1}); err != nil || len(got) != 1 || got[0].ID != want {
		t.Errorf("newest report of S1 after the import = %v %v, want %d", got, err, want)
	}
}

// TestListSubtree: a subtree's page is the same whether it is read path by
// path and merged (few distinct paths) or as one sorted range (more than
// maxMerge), and paging through it visits every report once.
func TestListSubtree(t *testing.T) { forEachStore(t, testListSubtree) }

func testListSubtree(t *testing.T, k storeKind) {
	_, rs, _ := openReports(t, k)
	ctx := context.Background()
	cat, _ := geo.DefaultCategories.Find("general")
	path := func(leaf string) []geo.GridRef {
		return []geo.GridRef{{Code: "D", Level: "district"}, {Code: "S", Level: "street"}, {Code: leaf, Level: "grid"}}
	}
	const grids = maxMerge + 16
	want := map[string][]int64{} // leaf → ids
	for i := range 3 * grids {
		leaf := fmt.Sprintf("S%03d", i%grids)
		pl := geo.Placement{Path: path(leaf), Version: 1}
		pl.Grid = &pl.Path[2]
		// Creation times interleave the grids and repeat, to test the order.
		r := geo.NewReport(geo.Intake{Point: orb.Point{0.5, 0.5}, Category: cat, Title: "t"}, pl, day0.Add(time.Duration(i%7)*time.Hour))
		if _, _, err := rs.CreateReport(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
		want[leaf] = append(want[leaf], r.ID)
	}
	list := func(f geo.ReportFilter) []int64 {
		var ids []int64
		for {
			page, err := rs.ListReports(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for k, r := range page {
				ids = append(ids, r.ID)
				if k > 0 && (r.CreatedAt.After(page[k-1].CreatedAt) || r.CreatedAt.Equal(page[k-1].CreatedAt) && r.ID > page[k-1].ID) {
					t.Fatalf("page out of order at %d", k)
				}
			}
			if len(page) < f.Limit {
				return ids
			}
			last := page[len(page)-1]
			f.After = &geo.ReportCursor{CreatedAt: last.CreatedAt, ID: last.ID}
		}
	}
	// The whole street: more distinct paths than maxMerge, read as a range.
	if ids, _ := rs.placementsUnder(ctx, path("S")[:2], true); ids != nil {
		t.Fatalf("placements under the street = %d, want nil (more than %d)", len(ids), maxMerge)
	}
	all := list(geo.ReportFilter{Grid: path("S")[:2], Descendants: true, Limit: 17})
	if len(all) != 3*grids {
		t.Errorf("street: %d reports, want %d", len(all), 3*grids)
	}
	// One leaf with descendants: one path, merged; same as without.
	one := list(geo.ReportFilter{Grid: path("S007"), Descendants: true, Limit: 2})
	exact := list(geo.ReportFilter{Grid: path("S007"), Limit: 2})
	if fmt.Sprint(one) != fmt.Sprint(exact) || len(one) != 3 {
		t.Errorf("S007 with descendants %v, without %v, want the same 3", one, exact)
	}
	// Both ways agree on the same subtree.
	merged, err := rs.ListReports(ctx, geo.ReportFilter{Grid: path("S")[:2], Descendants: true, Limit: 1000, Statuses: []geo.Status{geo.StatusAssigned}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range merged {
		ids = append(ids, r.ID)
	}
	if fmt.Sprint(ids) != fmt.Sprint(all) {
		t.Errorf("range read and paged read differ")
	}
	// A subtree with a few paths is merged: the page equals the sorted union.
	if ids, _ := rs.placementsUnder(ctx, []geo.GridRef{{Code: "D", Level: "district"}}, true); ids != nil {
		t.Fatalf("district: %d placements", len(ids))
	}
	if ids, _ := rs.placementsUnder(ctx, path("S001"), true); len(ids) != 1 {
		t.Errorf("S001: placements %v", ids)
	}
	if ids, _ := rs.placementsUnder(ctx, []geo.GridRef{{Code: "X", Level: "district"}}, true); ids == nil || len(ids) != 0 {
		t.Errorf("no reports under X: placements %v", ids)
	}
	if got := list(geo.ReportFilter{Grid: []geo.GridRef{{Code: "X", Level: "district"}}, Descendants: true, Limit: 5}); len(got) != 0 {
		t.Errorf("under X: %v", got)
	}
}

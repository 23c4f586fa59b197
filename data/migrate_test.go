package data

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

// fillStore writes a bit of everything into st: two boundary versions of
// the main layer (versions 1 and 2) and one of another (3), the demo sites, reports (one with a
// history, one with an idempotency key, one unassigned), tokens (one
// revoked) and an audit entry.
func fillStore(t *testing.T, st Store) {
	t.Helper()
	ctx := context.Background()
	set, _, err := st.ReplaceGrids(ctx, geo.DefaultLayer, strings.NewReader(reportGrids), "wgs84")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSet(ctx, testSet("main", "a", "b"), "second"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSet(ctx, testSet("police", "p", "q"), "police"); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := st.SaveSites(ctx, []geo.Site{
		{Kind: "school", ID: "s1", Name: "一中", Point: orb.Point{0.5, 0.5}, Weight: 1, Attrs: map[string]any{"x": "y"}},
		{Kind: "school", ID: "s2", Name: "二中", Point: orb.Point{1.5, 0.5}, Weight: 2, Capacity: new(float64)},
		{Kind: "clinic", ID: "c1", Name: "诊所", Point: orb.Point{1.2, 0.7}, Weight: 1},
	}, false); err != nil {
		t.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportAddresses(ctx, testAddresses, AddressImport{Index: ix}); err != nil {
		t.Fatal(err)
	}
	rs := NewReports(st)
	defer rs.Close()
	for i := range 5 {
		r := newReport(t, ix, orb.Point{0.2 + 0.3*float64(i), 0.5}, day0.Add(time.Duration(i)*time.Hour), "1")
		var idem *geo.IdempotencyKey
		if i == 1 {
			idem = &geo.IdempotencyKey{Scope: "1", Key: "k1", Render: func(r *geo.Report) ([]byte, error) { return fmt.Appendf(nil, "report %d", r.ID), nil }}
		}
		if _, _, err := rs.CreateReport(ctx, r, idem); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := rs.CreateReport(ctx, newReport(t, ix, orb.Point{5, 5}, day0, ""), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.UpdateReport(ctx, 1, func(r *geo.Report) error {
		return r.Apply(geo.Change{To: geo.StatusAccepted, At: day0.Add(5 * time.Hour), By: "worker:x", Note: "on my way"})
	}); err != nil {
		t.Fatal(err)
	}
	if err := rs.Audit(ctx, geo.AuditEntry{At: day0, By: geo.Principal{TokenID: "1", Role: geo.RoleAdmin, Name: "管理员"},
		Action: "read", ReportIDs: []int64{1, 2}, RequestID: "r1", Remote: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	for _, role := range []geo.Role{geo.RoleAdmin, geo.RoleDispatcher} {
		if _, _, err := st.CreateToken(ctx, role, "", string(role), 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.RevokeToken(ctx, "1"); err != nil {
		t.Fatal(err)
	}
}

// storeContent is everything a store holds, read through its methods.
type storeContent struct {
	Versions  map[string][]VersionInfo
	Sets      map[int64]*geo.Set
	Sites     []geo.Site
	Tokens    []TokenInfo
	Reports   []*geo.Report
	Audit     []geo.AuditEntry
	Addresses []address.Record
}

func readContent(t *testing.T, st Store) storeContent {
	t.Helper()
	ctx := context.Background()
	c := storeContent{Versions: map[string][]VersionInfo{}, Sets: map[int64]*geo.Set{}}
	for _, layer := range []string{"main", "police"} {
		vs, err := st.Versions(ctx, layer)
		if err != nil {
			t.Fatal(err)
		}
		for i := range vs {
			vs[i].CreatedAt = vs[i].CreatedAt.Round(0)
			set, err := st.VersionSet(ctx, vs[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			c.Sets[vs[i].ID] = set
		}
		c.Versions[layer] = vs
	}
	var err error
	if c.Sites, err = st.Sites(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if c.Tokens, err = st.Tokens(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Addresses, err = st.Addresses(ctx); err != nil {
		t.Fatal(err)
	}
	rs := NewReports(st)
	defer rs.Close()
	if c.Reports, err = rs.ListReports(ctx, geo.ReportFilter{Limit: 1000}); err != nil {
		t.Fatal(err)
	}
	if c.Audit, err = rs.AuditLog(ctx, 0, 1000); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMigrateBothWays copies a SQLite store into PostgreSQL and that back
// into a new SQLite file: each holds the same as the first, ids included,
// and goes on numbering after them. A migration into a store that is not
// empty, or one that fails midway, writes nothing.
func TestMigrateBothWays(t *testing.T) {
	ctx := context.Background()
	a := openTestStore(t, kindSQLite)
	fillStore(t, a)
	want := readContent(t, a)
	if len(want.Reports) != 6 || len(want.Sets) != 3 || len(want.Sites) != 3 || len(want.Tokens) != 2 || len(want.Audit) != 1 || len(want.Addresses) != 2 {
		t.Fatalf("filled store: %d reports, %d sets, %d sites, %d tokens, %d audit entries", len(want.Reports), len(want.Sets), len(want.Sites), len(want.Tokens), len(want.Audit))
	}
	pg := openTestStore(t, kindPostgres)
	b := openTestStore(t, kindSQLite)
	for _, step := range []struct {
		name     string
		from, to Store
	}{{"sqlite to postgres", a, pg}, {"postgres to sqlite", pg, b}} {
		var lines []string
		counts, err := Migrate(ctx, step.from, step.to, func(table string, done, total int) {
			lines = append(lines, fmt.Sprintf("%s %d/%d", table, done, total))
		})
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if counts["reports"] != 6 || counts["report_events"] != 13 || counts["grids"] != 8 || counts["boundary_versions"] != 3 {
			t.Errorf("%s: counts %v", step.name, counts)
		}
		if !strings.Contains(strings.Join(lines, "\n"), "reports 6/6") {
			t.Errorf("%s: progress %q", step.name, lines)
		}
		got := readContent(t, step.to)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: content differs\n got %+v\nwant %+v", step.name, got, want)
		}
		// Numbering goes on after the copied ids.
		id, err := step.to.SaveSet(ctx, testSet("main", "z"), "after")
		if err != nil || id <= 3 {
			t.Errorf("%s: next version = %d, %v; want > 3", step.name, id, err)
		}
		if _, info, err := step.to.CreateToken(ctx, geo.RoleReporter, "", "after", 0); err != nil || info.ID != 3 {
			t.Errorf("%s: next token id = %d, %v; want 3", step.name, info.ID, err)
		}
		if step.name == "sqlite to postgres" {
			// Undo the writes above so that the next step copies the same.
			db := pg.base().db
			for _, q := range []string{`DELETE FROM tokens WHERE id = 3`,
				`UPDATE layers SET current_version = 2 WHERE name = 'main'`,
				`DELETE FROM grids WHERE version_id > 3`, `DELETE FROM boundary_versions WHERE id > 3`} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	// Not empty: refused, nothing written.
	if _, err := Migrate(ctx, a, b, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("migrate into a full store: %v, want refused", err)
	}
	// A failure midway (here the context ends while reports are copied)
	// leaves the destination empty.
	c := openTestStore(t, kindPostgres)
	cctx, cancel := context.WithCancel(ctx)
	_, err := Migrate(cctx, a, c, func(table string, done, total int) {
		if table == "reports" && done > 0 {
			cancel()
		}
	})
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled migrate: %v", err)
	}
	if err := checkEmpty(ctx, c.base()); err != nil {
		t.Errorf("after a failed migrate: %v", err)
	}
}

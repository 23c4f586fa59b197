package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

func TestReportsImport(t *testing.T) { forEachStore(t, testReportsImport) }

func testReportsImport(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	src := writeFile(t, "grids.geojson", twoGrids)
	if code, _, errs := run(t, "", "import", "grids", src, "--db", db, "--levels", "district,grid"); code != 0 {
		t.Fatalf("import grids: %s", errs)
	}
	var b strings.Builder
	b.WriteString("\ufeffLon,lat,category,title,created_at,status,resolved_at,reporter_name,reporter_phone,source\n")
	b.WriteString("0.5,0.5,general,\"路灯, 不亮\",2024-03-01 08:00:00,,,张三,13800000000,hotline\n") // D1, open
	b.WriteString("1.5,0.5,utilities,停水,2024-03-01,closed,2024-03-01T10:00:00+08:00,,,\n")     // D2, closed
	b.WriteString("5,5,complex,远处,2024-03-02T00:00:00Z,,,,,\n")                                // outside
	b.WriteString("0.5,0.5,emergency,火情,2024-03-03T00:00:00Z,,2024-03-03T01:00:00Z,,,\n")      // closed by resolved_at
	for i := range 300 {                                                                       // more than a multi-row statement
		fmt.Fprintf(&b, "1.5,0.5,general,批量 %d,2024-04-01T00:00:00Z,,,,,\n", i)
	}
	good := writeFile(t, "reports.csv", b.String())
	code, out, errs := run(t, "", "reports", "import", good, "--db", db)
	if code != 0 {
		t.Fatalf("reports import: exit %d, %s", code, errs)
	}
	if !strings.Contains(out, "304 reports imported: 303 assigned to a grid, 1 outside every grid") || !strings.Contains(errs, "imported 304 rows in") {
		t.Errorf("stdout %q stderr %q", out, errs)
	}
	ctx := context.Background()
	st, err := data.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	rs := data.NewReports(st)
	defer st.Close()
	defer rs.Close()
	want := []struct {
		id            int64
		status        geo.Status
		grid, title   string
		resolvedHours float64
	}{
		{1, geo.StatusAssigned, "D1", "路灯, 不亮", 0},
		{2, geo.StatusClosed, "D2", "停水", 10}, // a bare date is midnight CST
		{3, geo.StatusUnassigned, "", "远处", 0},
		{4, geo.StatusClosed, "D1", "火情", 1},
		{304, geo.StatusAssigned, "D2", "批量 299", 0},
	}
	for _, w := range want {
		r, err := rs.Report(ctx, w.id)
		if err != nil {
			t.Fatalf("report %d: %v", w.id, err)
		}
		grid := ""
		if r.Grid != nil {
			grid = r.Grid.Code
		}
		if r.Status != w.status || grid != w.grid || r.Title != w.title || len(r.Events) != 1 || r.Events[0].By != "import" ||
			r.Events[0].To != w.status || r.Events[0].Note != fmt.Sprintf("imported from reports.csv (row %d)", w.id) {
			t.Errorf("report %d = %s %q %q, events %+v; want %s %q %q", w.id, r.Status, grid, r.Title, r.Events, w.status, w.grid, w.title)
		}
		if w.resolvedHours > 0 && r.ResolvedAt.Sub(r.CreatedAt).Hours() != w.resolvedHours {
			t.Errorf("report %d resolved after %v, want %v h", w.id, r.ResolvedAt.Sub(r.CreatedAt), w.resolvedHours)
		}
	}
	r, _ := rs.Report(ctx, 1)
	if r.Reporter.Phone != "13800000000" || r.Source != "hotline" || r.Assignee == nil || r.Assignee.Leader != "王芳" || r.CreatedAt.Hour() != 0 {
		t.Errorf("report 1 = %+v (08:00 CST is 00:00 UTC)", r)
	}

	// All or nothing: bad rows are reported by line, and nothing is written.
	bad := []struct{ name, csv, want string }{
		{"bad rows", "lon,lat,category,title,created_at\n0.5,0.5,general,ok,2024-01-01\n0.5,91,general,x,2024-01-01\nabc,0.5,general,x,2024-01-01\n0.5,0.5,fire,x,2024-01-01\n0.5,0.5,general,,2024-01-01\n0.5,0.5,general,x,yesterday\n",
			"line 3: lon,lat 0.5,91 outside"},
		{"status without resolved_at", "lon,lat,category,title,created_at,status\n0.5,0.5,general,x,2024-01-01,closed\n", "line 2: status closed needs resolved_at"},
		{"resolved before created", "lon,lat,category,title,created_at,resolved_at\n0.5,0.5,general,x,2024-01-02,2024-01-01\n", "resolved_at is before created_at"},
		{"unknown status", "lon,lat,category,title,created_at,status\n0.5,0.5,general,x,2024-01-01,done\n", `status "done"`},
		{"missing column", "lon,lat,category,title\n0.5,0.5,general,x\n", `no "created_at" column`},
		{"unknown column", "lon,lat,category,title,created_at,colour\n", `unknown column "colour"`},
		{"empty", "", "empty file"},
		{"broken quote", "lon,lat,category,title,created_at\n0.5,0.5,general,\"x,2024-01-01\n", "line 2"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "bad.csv", tt.csv)
			code, _, errs := run(t, "", "reports", "import", path, "--db", db)
			if code != 1 || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errs, tt.want)
			}
			if n := count(t, rs); n != 304 {
				t.Errorf("%d reports after a failed import, want 304", n)
			}
		})
	}
	if code, _, errs := run(t, "", "reports", "import", "--db", db); code != 2 {
		t.Errorf("no file: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "reports", "import", good, "--db", db, "--crs", "utm"); code != 2 {
		t.Errorf("--crs utm: exit %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "reports", "import", good, "--db", db, "--categories", "x"); code != 2 {
		t.Errorf("--categories x: exit %d %q", code, errs)
	}
	// With other categories, the defaults are unknown.
	if code, _, errs := run(t, "", "reports", "import", good, "--db", db, "--categories", "noise=3d"); code != 1 || !strings.Contains(errs, `category "general"`) {
		t.Errorf("--categories noise=3d: exit %d %q", code, errs)
	}
}

func count(t *testing.T, rs *data.Reports) int {
	t.Helper()
	all, err := rs.ListReports(context.Background(), geo.ReportFilter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

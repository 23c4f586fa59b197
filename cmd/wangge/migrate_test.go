package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrateCommand: a SQLite store (two boundary versions, sites, a
// token) copied into PostgreSQL and back into a new SQLite file answers the
// same to versions, locate, sites and token list; copying into a store that
// is not empty fails with nothing written.
func TestMigrateCommand(t *testing.T) {
	a := sitesDB(t, kindSQLite) // two boundary imports and two kinds of sites
	if code, _, errs := run(t, "", "import", "grids", writeFile(t, "more.geojson", twoGrids), "--db", a, "--note", "again"); code != 0 {
		t.Fatalf("second import: %s", errs)
	}
	if code, _, errs := run(t, "", "token", "create", "--role", "dispatcher", "--name", "调度", "--db", a); code != 0 {
		t.Fatalf("token create: %s", errs)
	}
	pg := pgTempURL(t)
	b := filepath.Join(t.TempDir(), "back.db")
	answers := func(db string) string {
		var all []string
		for _, args := range [][]string{{"versions"}, {"versions", "--layer", "main"}, {"sites"}, {"token", "list"}} {
			code, out, errs := run(t, "", append(args, "--db", db)...)
			if code != 0 {
				t.Fatalf("%v on %s: %s", args, db, errs)
			}
			all = append(all, out)
		}
		_, out, _ := run(t, "id,lon,lat\na,0.5,0.5\nb,1.5,0.5\nc,9,9\n", "locate", "--db", db)
		return strings.Join(append(all, out), "\n")
	}
	want := answers(a)
	for _, step := range [][2]string{{a, pg}, {pg, b}} {
		code, out, errs := run(t, "", "migrate", "--from", step[0], "--to", step[1])
		if code != 0 {
			t.Fatalf("migrate %s → %s: %s", step[0], step[1], errs)
		}
		if !strings.Contains(out, "2 boundary versions (6 grids), 5 sites") || !strings.Contains(errs, "migrate: grids 6/6 rows") {
			t.Errorf("migrate %s → %s said %q, progress %q", step[0], step[1], out, errs)
		}
		if got := answers(step[1]); got != want {
			t.Errorf("after migrate %s → %s:\n%s\nwant\n%s", step[0], step[1], got, want)
		}
	}
	code, _, errs := run(t, "", "migrate", "--from", a, "--to", pg)
	if code != 1 || !strings.Contains(errs, "not empty") {
		t.Errorf("migrate into a full store = %d %q, want refused", code, errs)
	}
	if code, _, errs := run(t, "", "migrate", "--from", a); code != 2 || !strings.Contains(errs, "--to") {
		t.Errorf("migrate without --to = %d %q", code, errs)
	}
}

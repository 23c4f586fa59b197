package data

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// TestImportBatches: batches prepared on many goroutines at once and added
// in order get consecutive ids in that order, each its event and its
// placement; a large import rebuilds the indexes it dropped, and the
// reports read back as written, through every index.
func TestImportBatches(t *testing.T) {
	_, rs, ix := openReports(t, kindSQLite)
	ctx := context.Background()
	first := newReport(t, ix, orb.Point{0.5, 0.5}, day0, "7")
	if _, _, err := rs.CreateReport(ctx, first, nil); err != nil {
		t.Fatal(err)
	}
	const n, per = 20_000, 1000 // a large import (indexes dropped), events written on the way
	var steps []string
	imp, err := rs.BeginImport(ctx, ImportOptions{Expected: n, By: "import", Note: "imported from t.csv",
		Step: func(s string) { steps = append(steps, s) }})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]*geo.Report, n)
	for i := range all {
		r := newReport(t, ix, orb.Point{0.1 + 1.8*float64(i%97)/97, 0.5}, day0.Add(time.Duration(i)*time.Minute), "")
		r.Events = nil
		switch i % 3 {
		case 0:
			r.Status, r.ResolvedAt, r.DoneAt, r.UpdatedAt = geo.StatusClosed, r.CreatedAt.Add(time.Hour), r.CreatedAt.Add(time.Hour), r.CreatedAt.Add(time.Hour)
		case 1:
			r.OccurredAt = r.CreatedAt.Add(-time.Hour)
		}
		if i == 5 {
			r.Description = "" // an empty string, not NULL
		}
		all[i] = r
	}
	batches := make([]*ImportBatch, n/per)
	var wg sync.WaitGroup
	for k := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			batches[k] = imp.Prepare(all[k*per : (k+1)*per])
		}()
	}
	wg.Wait()
	for _, b := range batches {
		if err := imp.AddBatch(b); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := imp.Commit(); err != nil || got != n {
		t.Fatalf("Commit = %d, %v", got, err)
	}
	if want := "index reports_created"; len(steps) == 0 || steps[0] != want || steps[len(steps)-1] != "commit" {
		t.Errorf("steps %q, want %q first and commit last", steps, want)
	}
	for i, r := range all {
		if r.ID != int64(i+2) {
			t.Fatalf("report %d has id %d, want %d", i, r.ID, i+2)
		}
	}
	if countIndexes(t, rs) != 5 || countReports(t, rs) != n+1 {
		t.Fatalf("%d indexes, %d reports", countIndexes(t, rs), countReports(t, rs))
	}
	for _, i := range []int{0, 1, 5, n/2 + 1, n - 1} {
		want, got := all[i], mustReport(t, rs, all[i].ID)
		if got.Status != want.Status || !got.CreatedAt.Equal(want.CreatedAt) || !got.ResolvedAt.Equal(want.ResolvedAt) ||
			!got.OccurredAt.Equal(want.OccurredAt) || !got.DoneAt.Equal(want.DoneAt) || got.Description != want.Description ||
			got.Reporter != want.Reporter || got.Point != want.Point || got.Grid == nil || got.Grid.Code != want.Grid.Code ||
			got.BoundaryVersion != want.BoundaryVersion || got.CreatedBy != "" {
			t.Errorf("report %d = %+v, want %+v", want.ID, got, want)
		}
		if e := got.Events; len(e) != 1 || e[0].Note != fmt.Sprintf("imported from t.csv (row %d)", i+1) || e[0].To != want.Status || !e[0].At.Equal(want.CreatedAt) {
			t.Errorf("report %d events %+v", want.ID, e)
		}
	}
	var wrong int
	if err := rs.db.QueryRow(`SELECT count(*) FROM reports WHERE id > 1 AND (description IS NULL OR created_by IS NULL OR placement_id IS NULL
		OR (occurred_at IS NOT NULL) <> ((id - 2) % 3 = 1) OR (resolved_at IS NOT NULL) <> ((id - 2) % 3 = 0) OR (done_at IS NOT NULL) <> ((id - 2) % 3 = 0))`).Scan(&wrong); err != nil || wrong != 0 {
		t.Errorf("%d rows with a wrong NULL (%v)", wrong, err)
	}
	// Through the indexes: the grid's page, overdue (open) and resolved.
	pl, _ := ix.PlaceIn("S1")
	page, err := rs.ListReports(ctx, geo.ReportFilter{Grid: pl.Path, Limit: 3})
	if err != nil || len(page) != 3 || page[0].ID <= page[1].ID {
		t.Errorf("S1's page = %v, %v", page, err)
	}
	yes := true
	overdue, err := rs.ListReports(ctx, geo.ReportFilter{Overdue: &yes, Now: day0.Add(365 * 24 * time.Hour), Limit: 100_000})
	if err != nil || len(overdue) != n-(n+2)/3+1 {
		t.Errorf("%d overdue, want %d (%v)", len(overdue), n-(n+2)/3+1, err)
	}
	// A report created after the import takes the next id.
	r := newReport(t, ix, orb.Point{0.5, 0.5}, day0, "7")
	if _, _, err := rs.CreateReport(ctx, r, nil); err != nil || r.ID != n+2 {
		t.Errorf("next report id %d (%v), want %d", r.ID, err, n+2)
	}
}

func mustReport(t *testing.T, rs *Reports, id int64) *geo.Report {
	t.Helper()
	r, err := rs.Report(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestImportErrors: a bad report is named by its position in the import;
// a cancelled import and a rolled back one leave nothing.
func TestImportErrors(t *testing.T) {
	_, rs, ix := openReports(t, kindSQLite)
	ctx := context.Background()
	imported := func(k int) []*geo.Report {
		out := make([]*geo.Report, k)
		for i := range out {
			out[i] = newReport(t, ix, orb.Point{0.5, 0.5}, day0, "")
			out[i].Events = nil
		}
		return out
	}
	imp, err := rs.BeginImport(ctx, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := imp.Add(imported(300)); err != nil {
		t.Fatal(err)
	}
	bad := imported(10)
	bad[7] = newReport(t, ix, orb.Point{0.5, 0.5}, day0, "")
	if err := imp.Add(bad); err == nil || !strings.Contains(err.Error(), "import report 308:") {
		t.Errorf("bad report: %v, want report 308 named", err)
	}
	imp.Rollback()
	imp.Rollback()
	if err := imp.Add(imported(1)); err == nil {
		t.Error("Add after Rollback")
	}
	if n := countReports(t, rs); n != 0 {
		t.Errorf("%d reports after a rolled back import", n)
	}

	cctx, cancel := context.WithCancel(ctx)
	imp, err = rs.BeginImport(cctx, ImportOptions{Expected: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if err := imp.Add(imported(1000)); err != nil {
		t.Fatal(err)
	}
	cancel()
	err = imp.Add(imported(1000))
	if err == nil {
		_, err = imp.Commit()
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: %v", err)
	}
	imp.Rollback()
	if n, k := countReports(t, rs), countIndexes(t, rs); n != 0 || k != 5 {
		t.Errorf("%d reports, %d indexes after a cancelled import", n, k)
	}
}

// TestImportWaitsForWriter: an import and the store's writer take turns on
// the file: a report created while an import holds the write lock is
// written after it, with the next id.
func TestImportWaitsForWriter(t *testing.T) {
	_, rs, ix := openReports(t, kindSQLite)
	ctx := context.Background()
	imp, err := rs.BeginImport(ctx, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]*geo.Report, 10)
	for i := range batch {
		batch[i] = newReport(t, ix, orb.Point{0.5, 0.5}, day0, "")
		batch[i].Events = nil
	}
	if err := imp.Add(batch); err != nil {
		t.Fatal(err)
	}
	created := make(chan error, 1)
	r := newReport(t, ix, orb.Point{0.5, 0.5}, day0, "7")
	go func() {
		_, _, err := rs.CreateReport(ctx, r, nil)
		created <- err
	}()
	select {
	case err := <-created:
		t.Fatalf("a report was created during the import: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if n, err := imp.Commit(); err != nil || n != 10 {
		t.Fatalf("Commit = %d, %v", n, err)
	}
	if err := <-created; err != nil || r.ID != 11 {
		t.Errorf("report created after the import: id %d, %v; want 11", r.ID, err)
	}
}

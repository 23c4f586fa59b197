package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/wangge/wangge/geo"
)

// importRows is how many reports one multi-row INSERT of an import writes.
const importRows = 256

// importReport inserts reports with their ids: 1 + 18 columns.
var (
	importReport     = strings.Replace(insertReport, "reports(", "reports(id, ", 1)
	importReportCols = 1 + strings.Count(reportColumns, ",") + 1
)

// ImportOptions describe an import.
type ImportOptions struct {
	// Expected is about how many reports will be added (0: unknown). When
	// that is at least as many as the store holds, the indexes of the
	// reports table are dropped for the import and built again, sorted, at
	// Commit: much faster than inserting entries one at a time.
	Expected int
	// Each report gets one event: from "" to its status, at its CreatedAt,
	// by By, with Note followed by " (row N)", N counting the reports of the
	// import from 1.
	By, Note string
}

// ReportImport writes many reports in one transaction, all or nothing: Add
// them in batches, then Commit (or Rollback). It holds the store's write
// lock from BeginImport to the end, so other writers (a running server's
// intake) wait for it, up to the busy timeout of 10 s.
type ReportImport struct {
	s     *Reports
	ctx   context.Context
	opts  ImportOptions
	conn  *sql.Conn
	tx    *sql.Tx
	first int64 // the id of the first report
	next  int64 // the id of the next report

	one, many *sql.Stmt // insert one report, importRows reports
	args      []any     // rows waiting for a full multi-row statement
	placed    map[placementKey]placement
	indexes   []string // CREATE INDEX statements to run again at Commit
}

// placementKey: reports placed in the same grid under the same version with
// the same team share their placement, encoded and written once.
type placementKey struct {
	version    int64
	grid, team string
	pathLen    int
}

// BeginImport starts an import.
func (s *Reports) BeginImport(ctx context.Context, opts ImportOptions) (*ReportImport, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("import reports: %w", err)
	}
	imp := &ReportImport{s: s, ctx: ctx, opts: opts, conn: conn, placed: map[placementKey]placement{}}
	if err := imp.begin(); err != nil {
		imp.Rollback()
		return nil, fmt.Errorf("import reports: %w", err)
	}
	return imp, nil
}

func (imp *ReportImport) begin() error {
	// Index pages of large tables stay in memory for the whole import, and
	// statement journals are kept in memory, not in temporary files.
	for _, pragma := range []string{"PRAGMA cache_size = -262144", "PRAGMA temp_store = MEMORY"} {
		if _, err := imp.conn.ExecContext(imp.ctx, pragma); err != nil {
			return err
		}
	}
	var err error
	if imp.tx, err = imp.conn.BeginTx(imp.ctx, nil); err != nil {
		return err
	}
	// Ids are handed out here, under the write lock, so the events can be
	// written from the reports at Commit. AUTOINCREMENT never reuses an id,
	// even of a deleted row: start after both.
	if err := imp.tx.QueryRowContext(imp.ctx, `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'reports'), 0),
		coalesce((SELECT max(id) FROM reports), 0)) + 1`).Scan(&imp.first); err != nil {
		return err
	}
	imp.next = imp.first
	if imp.opts.Expected >= max(int(imp.first-1), 10_000) {
		if err := imp.dropIndexes(); err != nil {
			return err
		}
	}
	// INSERT OR ROLLBACK: a failing row ends the import anyway, so SQLite
	// need not journal each statement to undo it alone.
	head := strings.Replace(importReport[:strings.Index(importReport, "VALUES")], "INSERT INTO", "INSERT OR ROLLBACK INTO", 1) + "VALUES "
	if imp.one, err = imp.tx.PrepareContext(imp.ctx, head+tuples(importReportCols, 1)); err != nil {
		return err
	}
	imp.many, err = imp.tx.PrepareContext(imp.ctx, head+tuples(importReportCols, importRows))
	return err
}

// dropIndexes drops the secondary indexes of the reports table, keeping
// their definitions for Commit.
func (imp *ReportImport) dropIndexes() error {
	rows, err := imp.tx.QueryContext(imp.ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names, imp.indexes = append(names, name), append(imp.indexes, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, name := range names {
		if _, err := imp.tx.ExecContext(imp.ctx, `DROP INDEX "`+name+`"`); err != nil {
			return err
		}
	}
	return nil
}

// tuples is "(?,...),(?,...)": n tuples of k placeholders.
func tuples(k, n int) string {
	one := "(" + placeholders(k) + ")"
	return strings.Repeat(one+",", n-1) + one
}

// Add writes rs, new reports (ID 0, no events: the import gives each its
// event, see ImportOptions), and sets their ids, which follow one another in
// the order added. Reports placed in the same grid under the same boundary
// version must carry the same path and team (as Index.Place gives them):
// their placement is encoded once.
func (imp *ReportImport) Add(rs []*geo.Report) error {
	for _, r := range rs {
		if len(r.Events) > 0 {
			return fmt.Errorf("import report %d: an imported report gets its event from the import", imp.next-imp.first+1)
		}
		pl, err := imp.placement(r)
		if err != nil {
			return fmt.Errorf("import report %d: %w", imp.next-imp.first+1, err)
		}
		r.ID = imp.next
		imp.next++
		imp.args = append(append(imp.args, r.ID), reportArgs(r, pl)...)
		if len(imp.args) == importRows*importReportCols {
			if _, err := imp.many.ExecContext(imp.ctx, imp.args...); err != nil {
				return fmt.Errorf("import reports: %w", err)
			}
			imp.args = imp.args[:0]
		}
	}
	return nil
}

// placement encodes and writes r's placement, once per import.
func (imp *ReportImport) placement(r *geo.Report) (placement, error) {
	if r.Grid == nil {
		return placement{}, nil
	}
	k := placementKey{version: r.BoundaryVersion, grid: r.Grid.Code, pathLen: len(r.Path)}
	if r.Assignee != nil {
		k.team = r.Assignee.Grid.Code
	}
	if pl, ok := imp.placed[k]; ok {
		return pl, nil
	}
	pl, err := encodePlacement(r)
	if err != nil {
		return pl, err
	}
	var gp, data string
	err = imp.tx.QueryRowContext(imp.ctx, `SELECT gpath, data FROM report_placements WHERE id = ?`, pl.id).Scan(&gp, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := imp.tx.ExecContext(imp.ctx, `INSERT INTO report_placements(id, gpath, data) VALUES (?, ?, ?)`, pl.id, pl.gpath, pl.data); err != nil {
			return pl, err
		}
	case err != nil:
		return pl, err
	case gp != pl.gpath || data != pl.data:
		return pl, fmt.Errorf("placement %d: hash collision between %q and %q", pl.id, data, pl.data)
	}
	imp.placed[k] = pl
	return pl, nil
}

// Commit writes what is left, the events and the indexes, and commits:
// every report added is stored, or none is. It returns how many were
// stored.
func (imp *ReportImport) Commit() (int, error) {
	fail := func(what string, err error) (int, error) {
		imp.Rollback()
		return 0, fmt.Errorf("import reports: %s: %w", what, err)
	}
	for args := imp.args; len(args) > 0; args = args[importReportCols:] {
		if _, err := imp.one.ExecContext(imp.ctx, args[:importReportCols]...); err != nil {
			return fail("insert", err)
		}
	}
	// One event per report, made by SQLite from the rows just written.
	if _, err := imp.tx.ExecContext(imp.ctx, `INSERT INTO report_events(report_id, seq, at, by, from_status, to_status, note, grid)
		SELECT id, 0, created_at, ?, '', status, ? || ' (row ' || (id - ?) || ')', '' FROM reports WHERE id >= ?`,
		imp.opts.By, imp.opts.Note, imp.first-1, imp.first); err != nil {
		return fail("events", err)
	}
	for _, def := range imp.indexes {
		if _, err := imp.tx.ExecContext(imp.ctx, def); err != nil {
			return fail("rebuild index", err)
		}
	}
	err := imp.tx.Commit()
	imp.tx = nil
	imp.conn.Close()
	if err != nil {
		return 0, fmt.Errorf("import reports: commit: %w", err)
	}
	return int(imp.next - imp.first), nil
}

// Rollback abandons the import: nothing of it is stored.
func (imp *ReportImport) Rollback() {
	if imp.tx != nil {
		imp.tx.Rollback()
		imp.tx = nil
	}
	imp.conn.Close()
}

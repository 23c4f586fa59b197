package data

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/wangge/wangge/geo"
)

// importRows is how many reports one multi-row INSERT of an import writes:
// SQLite's cost per statement is paid once for all of them.
const importRows = 256

// importReport inserts reports: the 18 columns of reportColumns, in the
// order of importRow.bind. An import fails as a whole, so OR ROLLBACK:
// SQLite need not journal each statement to undo it alone. SQLite numbers
// the rows (AUTOINCREMENT: after the largest id ever used), as the import
// does (see begin), without looking each id up as it would one given; flush
// checks that the numbers agree.
var (
	importReport     = strings.Replace(insertReport[:strings.Index(insertReport, "VALUES")], "INSERT INTO", "INSERT OR ROLLBACK INTO", 1) + "VALUES "
	importReportCols = strings.Count(reportColumns, ",") + 1
)

// importEvents makes the first event of each report of an id range from
// the rows written, in one statement.
const importEvents = `INSERT OR ROLLBACK INTO report_events(report_id, seq, at, by, from_status, to_status, note, grid)
	SELECT id, 0, created_at, ?, '', status, ? || (id - ?) || ')', '' FROM reports WHERE id >= ? AND id < ?`

// The page cache of an import's connection, KiB: the pages of the rows and
// events written stay in memory until the indexes are built.
const importCacheKiB = 256 << 10

// While the indexes are built, the page cache is set this small, which
// makes each CREATE INDEX sort its keys in runs of this many KiB: SQLite's
// worker threads sort the runs while the table is read, and merge them, on
// the cores the parsing no longer needs. (A single sort of a million keys in
// memory takes one core for as long as the whole build.) The pages written
// so far stay in the cache until they are written to the WAL: one when a
// new page is needed, the rest at the commit.
const importSortRunKiB = 2 << 10

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
	// Step, when set, is called as Commit starts each of its steps
	// ("index NAME", "commit"), for a progress line.
	Step func(step string)
}

// ReportImport writes many reports in one transaction, all or nothing: Add
// them in batches, then Commit (or Rollback). It holds the store's write
// lock from BeginImport to the end, so other writers (a running server's
// intake) wait for it, up to the busy timeout of 10 s.
//
// The work that needs no database (checking and encoding the reports and
// their placements) can run on many goroutines: Prepare batches
// concurrently, then AddBatch them in order, from one goroutine. Add does
// both.
//
// An import has a connection of its own to the store's file (see
// sqliteConn); the store's pool and its writer are not used.
type ReportImport struct {
	ctx    context.Context
	opts   ImportOptions
	c      *sqliteConn
	first  int64 // the id of the first report
	next   int64 // the id of the next report
	evNext int64 // the first id without its event

	many    *sqliteStmt  // inserts importRows reports
	pending []*importRow // rows for the next insert, at most importRows

	enc     importEncoder
	stored  map[int64]bool // placements known to be in report_placements
	pg      *pgImport      // on PostgreSQL, instead of c
	indexes []string       // CREATE INDEX statements to run again at Commit
}

// BeginImport starts an import.
func (s *Reports) BeginImport(ctx context.Context, opts ImportOptions) (*ReportImport, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("import reports: %w", err)
	}
	if s.pg {
		imp := &ReportImport{ctx: ctx, opts: opts, enc: importEncoder{places: map[placementKey]placement{}}}
		if err := s.beginPgImport(ctx, imp); err != nil {
			return nil, fmt.Errorf("import reports: %w", err)
		}
		return imp, nil
	}
	c, err := openSQLiteConn(s.st.path)
	if err != nil {
		return nil, fmt.Errorf("import reports: %w", err)
	}
	imp := &ReportImport{ctx: ctx, opts: opts, c: c, stored: map[int64]bool{},
		pending: make([]*importRow, 0, importRows), enc: importEncoder{places: map[placementKey]placement{}}}
	if err := imp.begin(); err != nil {
		imp.Rollback()
		return nil, fmt.Errorf("import reports: %w", err)
	}
	return imp, nil
}

// importPragmas set up an import's connection. Durability as the store's
// (OpenSQLite): WAL, a full sync at commit, a busy timeout. Foreign keys
// off: the only one the import touches, report_events.report_id, holds by
// construction (each event is made from its report in the same
// transaction), and checking it costs a lookup per event. Temporary files
// on disk (the OS cache), not in memory: SQLite's sorter uses worker
// threads only then.
var importPragmas = []string{"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA busy_timeout = 10000",
	"PRAGMA foreign_keys = OFF", "PRAGMA temp_store = FILE", fmt.Sprintf("PRAGMA cache_size = -%d", importCacheKiB)}

func (imp *ReportImport) begin() error {
	for _, pragma := range append(importPragmas, fmt.Sprintf("PRAGMA threads = %d", runtime.GOMAXPROCS(0))) {
		if err := imp.c.exec(pragma); err != nil {
			return fmt.Errorf("%s: %w", pragma, err)
		}
	}
	if err := imp.c.exec("BEGIN IMMEDIATE"); err != nil {
		return err
	}
	// Ids are handed out here, under the write lock, so the events can be
	// written from the reports. AUTOINCREMENT never reuses an id, even of a
	// deleted row: start after both.
	if err := imp.c.queryRow(`SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'reports'), 0),
		coalesce((SELECT max(id) FROM reports), 0)) + 1`, nil, &imp.first); err != nil {
		return err
	}
	imp.next, imp.evNext = imp.first, imp.first
	if imp.opts.Expected >= max(int(imp.first-1), 10_000) {
		if err := imp.dropIndexes(); err != nil {
			return err
		}
	}
	var err error
	imp.many, err = imp.c.prepare(importReport + tuples(importReportCols, importRows))
	return err
}

// keepIndexes are the indexes of the reports table a large import keeps:
// imported reports have no creator (CreatedBy ""), so none enters this
// partial index, and building it again would read the table for nothing.
// (A report imported with a creator gets its entry as it is written.)
var keepIndexes = map[string]bool{"reports_creator": true}

// dropIndexes drops the secondary indexes of the reports table, keeping
// their definitions for Commit. Building an index from sorted keys costs
// less than inserting its entries one by one, even in order (measured in
// BENCHMARKS.md, "Reports").
func (imp *ReportImport) dropIndexes() error {
	defs, err := imp.c.queryStrings(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	for _, d := range defs {
		if keepIndexes[d[0]] {
			continue
		}
		if err := imp.c.exec(`DROP INDEX "` + d[0] + `"`); err != nil {
			return err
		}
		imp.indexes = append(imp.indexes, d[1])
	}
	return nil
}

// tuples is "(?,...),(?,...)": n tuples of k placeholders.
func tuples(k, n int) string {
	one := "(" + placeholders(k) + ")"
	return strings.Repeat(one+",", n-1) + one
}

// ImportBatch is a run of reports made ready for ReportImport.AddBatch by
// Prepare.
type ImportBatch struct {
	rs     []*geo.Report
	rows   []importRow
	places []placement // the placements the batch uses, each once
	bad    int         // the report err is about
	err    error
}

// Len is the number of reports in b.
func (b *ImportBatch) Len() int { return len(b.rs) }

// importRow holds the values of a report's row but its id, in the order of
// reportColumns (as reportArgs).
type importRow struct {
	status, category, title, description, source, name, phone, createdBy string
	lon, lat                                                             float64
	pid, version                                                         int64 // NULL when pid is 0
	occurred, created, due, updated, resolved, done                      int64
	nulls                                                                uint8 // nullOccurred, ...
	text                                                                 int   // bytes of the strings
}

const (
	nullOccurred = 1 << iota
	nullResolved
	nullDone
)

func makeImportRow(r *geo.Report, pl placement) importRow {
	w := importRow{status: string(r.Status), category: r.Category, title: r.Title, description: r.Description,
		source: r.Source, name: r.Reporter.Name, phone: r.Reporter.Phone, createdBy: r.CreatedBy,
		lon: r.Point[0], lat: r.Point[1], created: ms(r.CreatedAt), due: ms(r.DueAt), updated: ms(r.UpdatedAt)}
	if pl.id != 0 {
		w.pid, w.version = pl.id, r.BoundaryVersion
	}
	if r.OccurredAt.IsZero() {
		w.nulls |= nullOccurred
	} else {
		w.occurred = ms(r.OccurredAt)
	}
	if r.ResolvedAt.IsZero() {
		w.nulls |= nullResolved
	} else {
		w.resolved = ms(r.ResolvedAt)
	}
	if r.DoneAt.IsZero() {
		w.nulls |= nullDone
	} else {
		w.done = ms(r.DoneAt)
	}
	w.text = len(w.status) + len(w.category) + len(w.title) + len(w.description) + len(w.source) + len(w.name) + len(w.phone) + len(w.createdBy)
	return w
}

// bind binds the row from parameter i.
func (w *importRow) bind(st *sqliteStmt, i int32) int32 {
	rc := st.bindText(i, w.status)
	rc |= st.bindText(i+1, w.category)
	rc |= st.bindText(i+2, w.title)
	rc |= st.bindText(i+3, w.description)
	rc |= st.bindDouble(i+4, w.lon)
	rc |= st.bindDouble(i+5, w.lat)
	rc |= st.bindText(i+6, w.source)
	rc |= st.bindText(i+7, w.name)
	rc |= st.bindText(i+8, w.phone)
	rc |= st.bindText(i+9, w.createdBy)
	if w.pid != 0 {
		rc |= st.bindInt64(i+10, w.pid)
		rc |= st.bindInt64(i+11, w.version)
	} else {
		rc |= st.bindNull(i + 10)
		rc |= st.bindNull(i + 11)
	}
	rc |= bindNullable(st, i+12, w.occurred, w.nulls&nullOccurred != 0)
	rc |= st.bindInt64(i+13, w.created)
	rc |= st.bindInt64(i+14, w.due)
	rc |= st.bindInt64(i+15, w.updated)
	rc |= bindNullable(st, i+16, w.resolved, w.nulls&nullResolved != 0)
	rc |= bindNullable(st, i+17, w.done, w.nulls&nullDone != 0)
	return rc
}

func bindNullable(st *sqliteStmt, i int32, v int64, null bool) int32 {
	if null {
		return st.bindNull(i)
	}
	return st.bindInt64(i, v)
}

// Prepare checks rs, new reports (ID 0, no events: the import gives each
// its event, see ImportOptions), and encodes them for AddBatch. Reports
// placed in the same grid under the same boundary version must carry the
// same path and team (as Index.Place gives them): their placement is
// encoded once per import. Prepare may be called from many goroutines at
// once; it does not touch the database. An error about one of the reports
// is returned by AddBatch, which knows its position in the import.
func (imp *ReportImport) Prepare(rs []*geo.Report) *ImportBatch {
	b := &ImportBatch{rs: rs, rows: make([]importRow, len(rs))}
	// Reports of one grid usually share their Path and Assignee: look them
	// up by pointer first, by content when new.
	type shared struct {
		grid     *geo.GridRef
		assignee *geo.Assignee
		version  int64
		pathLen  int
	}
	var local map[shared]placement
	for i, r := range rs {
		if len(r.Events) > 0 {
			b.bad, b.err = i, errors.New("an imported report gets its event from the import")
			return b
		}
		var pl placement
		if r.Grid != nil {
			k := shared{r.Grid, r.Assignee, r.BoundaryVersion, len(r.Path)}
			var ok bool
			if pl, ok = local[k]; !ok {
				var err error
				if pl, err = imp.enc.placement(r); err != nil {
					b.bad, b.err = i, err
					return b
				}
				if local == nil {
					local = map[shared]placement{}
				}
				local[k] = pl
				b.places = append(b.places, pl)
			}
		}
		b.rows[i] = makeImportRow(r, pl)
	}
	return b
}

// importEncoder encodes each placement of an import once. It is safe for
// concurrent use.
type importEncoder struct {
	mu     sync.Mutex
	places map[placementKey]placement
}

// placementKey: reports placed in the same grid under the same version with
// the same team share their placement.
type placementKey struct {
	version    int64
	grid, team string
	pathLen    int
}

func (e *importEncoder) placement(r *geo.Report) (placement, error) {
	k := placementKey{version: r.BoundaryVersion, grid: r.Grid.Code, pathLen: len(r.Path)}
	if r.Assignee != nil {
		k.team = r.Assignee.Grid.Code
	}
	e.mu.Lock()
	pl, ok := e.places[k]
	e.mu.Unlock()
	if ok {
		return pl, nil
	}
	pl, err := encodePlacement(r)
	if err != nil {
		return pl, err
	}
	e.mu.Lock()
	e.places[k] = pl
	e.mu.Unlock()
	return pl, nil
}

// Add writes rs, new reports (see Prepare), and sets their ids, which
// follow one another in the order added.
func (imp *ReportImport) Add(rs []*geo.Report) error {
	return imp.AddBatch(imp.Prepare(rs))
}

// AddBatch writes the reports of b, made by Prepare on this import, and sets
// their ids, which follow one another in the order added. Batches must be
// added from one goroutine.
func (imp *ReportImport) AddBatch(b *ImportBatch) error {
	if imp.pg != nil {
		if b.err != nil {
			return fmt.Errorf("import report %d: %w", imp.pg.n+1+b.bad, b.err)
		}
		if err := imp.pg.add(imp.ctx, imp, b); err != nil {
			return fmt.Errorf("import reports: %w", err)
		}
		return nil
	}
	if imp.c == nil {
		return errors.New("import reports: the import is over")
	}
	if b.err != nil {
		return fmt.Errorf("import report %d: %w", imp.next-imp.first+int64(len(imp.pending))+1+int64(b.bad), b.err)
	}
	for _, pl := range b.places {
		if err := imp.storePlacement(pl); err != nil {
			return fmt.Errorf("import reports: %w", err)
		}
	}
	for i := range b.rows {
		imp.pending = append(imp.pending, &b.rows[i])
		b.rs[i].ID = imp.next + int64(len(imp.pending)) - 1
		if len(imp.pending) == importRows {
			if err := imp.flush(); err != nil {
				return fmt.Errorf("import reports: %w", err)
			}
		}
	}
	if imp.next-imp.evNext >= importEventRows {
		if err := imp.events(); err != nil {
			return fmt.Errorf("import reports: events: %w", err)
		}
	}
	return nil
}

// importEventRows: the events of the reports written are written once there
// are this many, while the next rows are being parsed, rather than all at
// Commit, when nothing else runs.
const importEventRows = 16384

// events writes the events of the reports written since the last call.
func (imp *ReportImport) events() error {
	if imp.evNext == imp.next {
		return nil
	}
	if err := imp.c.exec(importEvents, imp.opts.By, imp.opts.Note+" (row ", imp.first-1, imp.evNext, imp.next); err != nil {
		return err
	}
	imp.evNext = imp.next
	return nil
}

// flush writes the pending rows.
func (imp *ReportImport) flush() error {
	n := len(imp.pending)
	if n == 0 {
		return nil
	}
	if err := imp.ctx.Err(); err != nil {
		return err
	}
	st := imp.many
	if n < importRows {
		var err error
		if st, err = imp.c.prepare(importReport + tuples(importReportCols, n)); err != nil {
			return err
		}
		defer st.close()
	}
	text := 0
	for _, w := range imp.pending {
		text += w.text
	}
	if err := st.reserve(text); err != nil {
		return err
	}
	var rc int32
	for k, w := range imp.pending {
		rc |= w.bind(st, int32(k*importReportCols+1))
	}
	if rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("bind: %w", imp.c.error(rc))
	}
	if _, err := st.step(); err != nil {
		return err
	}
	if last := imp.c.lastInsertID(); last != imp.next+int64(n)-1 {
		return fmt.Errorf("ids %d..%d written, want %d..%d", last-int64(n)+1, last, imp.next, imp.next+int64(n)-1)
	}
	imp.next += int64(n)
	clear(imp.pending) // no references to the batches written
	imp.pending = imp.pending[:0]
	return nil
}

// storePlacement writes pl's row unless it is stored already. A stored row
// with the same id and other content (a hash collision) is an error.
func (imp *ReportImport) storePlacement(pl placement) error {
	if imp.stored[pl.id] {
		return nil
	}
	var gp, data string
	err := imp.c.queryRow(`SELECT gpath, data FROM report_placements WHERE id = ?`, []any{pl.id}, &gp, &data)
	switch {
	case errors.Is(err, errNoRows):
		if err := imp.c.exec(`INSERT INTO report_placements(id, gpath, data) VALUES (?, ?, ?)`, pl.id, pl.gpath, pl.data); err != nil {
			return err
		}
	case err != nil:
		return err
	case gp != pl.gpath || data != pl.data:
		return fmt.Errorf("placement %d: hash collision between %q and %q", pl.id, data, pl.data)
	}
	imp.stored[pl.id] = true
	return nil
}

// Commit writes what is left, the events and the indexes, and commits:
// every report added is stored, or none is. It returns how many were
// stored.
func (imp *ReportImport) Commit() (int, error) {
	if p := imp.pg; p != nil {
		if imp.opts.Step != nil {
			imp.opts.Step("commit")
		}
		imp.pg = nil
		if err := p.commit(imp.ctx); err != nil {
			return 0, fmt.Errorf("import reports: %w", err)
		}
		return p.n, nil
	}
	if imp.c == nil {
		return 0, errors.New("import reports: the import is over")
	}
	step := func(what string, run func() error) error {
		if imp.opts.Step != nil && what != "" {
			imp.opts.Step(what)
		}
		if err := imp.ctx.Err(); err != nil {
			return err
		}
		return run()
	}
	exec := func(q string) func() error {
		return func() error {
			if err := imp.c.exec(q); err != nil {
				return fmt.Errorf("%.60s: %w", q, err)
			}
			return nil
		}
	}
	err := imp.flush()
	if err == nil {
		err = step("", func() error {
			if err := imp.events(); err != nil {
				return fmt.Errorf("events: %w", err)
			}
			return nil
		})
	}
	if err == nil && len(imp.indexes) > 0 {
		err = step("", exec(fmt.Sprintf("PRAGMA cache_size = -%d", importSortRunKiB)))
	}
	for _, def := range imp.indexes {
		if err == nil {
			err = step("index "+indexName(def), exec(def))
		}
	}
	if err == nil {
		err = step("commit", exec("COMMIT"))
	}
	n := int(imp.next - imp.first)
	imp.Rollback() // after a COMMIT, only closes
	if err != nil {
		return 0, fmt.Errorf("import reports: %w", err)
	}
	return n, nil
}

// indexName is the name in a CREATE INDEX statement.
func indexName(def string) string {
	f := strings.Fields(def)
	for i := 0; i+1 < len(f); i++ {
		if strings.EqualFold(f[i], "INDEX") {
			return strings.Trim(f[i+1], `"`)
		}
	}
	return def
}

// Rollback abandons the import: nothing of it is stored. It closes the
// import's connection, which rolls back a transaction still open.
func (imp *ReportImport) Rollback() {
	if imp.pg != nil {
		imp.pg.rollback()
		imp.pg = nil
		return
	}
	if imp.c == nil {
		return
	}
	if imp.many != nil {
		imp.many.close()
	}
	imp.c.close()
	imp.c = nil
	clear(imp.pending)
	imp.pending = nil
}

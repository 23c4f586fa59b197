package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/wangge/wangge/geo"
)

// Reports is the report store on a SQLite file or a PostgreSQL database
// (the same SQL, see sqlDB): reports, where they are placed, their events,
// idempotency keys and the audit log. Writes go through one group-commit
// writer per process (see writer), a bulk import into SQLite through a
// connection of its own (see ReportImport); reads use the pool. Create it
// with NewReports and close it before the store. It is safe for concurrent
// use; on PostgreSQL, several processes may share one database.
type Reports struct {
	st      *SQLite // nil on PostgreSQL
	db      *sql.DB
	pg      bool
	dbClock bool // see UseDatabaseClock
	w       *writer
	places  *placementCache
}

// NewReports starts the report store on st. On SQLite it keeps more idle
// connections in st's pool than database/sql's default of 2, so that many
// concurrent requests do not open (and parse the schema on) a new
// connection each.
func NewReports(st Store) *Reports {
	b := st.base()
	r := &Reports{db: b.db, pg: b.pg, w: newWriter(b.db, b.pg), places: newPlacementCache()}
	if s, ok := st.(*SQLite); ok {
		s.db.SetMaxIdleConns(max(16, 4*runtime.GOMAXPROCS(0)))
		r.st = s
	}
	return r
}

// UseDatabaseClock makes the store date new reports by the database's
// clock (PostgreSQL; a no-op on SQLite): CreateReport moves a report's
// creation to the moment its batch takes its id, and its deadline, last
// change and creation events with it, before it is stored and the answer
// rendered. Several servers on one database then agree on when reports
// came in and when they are due, whatever their own clocks say. Call it
// before the first write.
func (s *Reports) UseDatabaseClock() { s.dbClock = s.pg }

// Close stops the writer after the writes already queued. It does not close
// the SQLite store.
func (s *Reports) Close() error {
	s.w.close()
	return nil
}

// reportColumns are the columns reports are written and read with, in the
// order of reportArgs and scanReport (the id first when reading).
const reportColumns = `status, category, title, description, lon, lat, source, reporter_name, reporter_phone,
	created_by, placement_id, boundary_version, occurred_at, created_at, due_at, updated_at, resolved_at, done_at`

const insertReport = `INSERT INTO reports(` + reportColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const insertEvent = `INSERT INTO report_events(report_id, seq, at, by, from_status, to_status, note, grid)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// CreateReport stores r, a new report (ID 0), with its events, and sets
// r.ID. With an idempotency key it also stores the answer idem.Render makes,
// in the same transaction, and returns it; when the key was used before it
// stores nothing and returns the first answer with replayed true, or
// geo.ErrIdempotencyMismatch when the key came with another request. The
// report is durable when CreateReport returns.
func (s *Reports) CreateReport(ctx context.Context, r *geo.Report, idem *geo.IdempotencyKey) (body []byte, replayed bool, err error) {
	pl, err := encodePlacement(r) // outside the writer: it is the one goroutine all writes wait for
	if err != nil {
		return nil, false, fmt.Errorf("create report: %w", err)
	}
	if s.pg {
		if err := s.storePlacement(ctx, pl); err != nil {
			return nil, false, fmt.Errorf("create report: %w", err)
		}
	}
	body, replayed, err = s.createReport(ctx, r, idem, pl)
	if err != nil {
		r.ID = 0
		return nil, false, fmt.Errorf("create report: %w", err)
	}
	return body, replayed, nil
}

// createReport is CreateReport after the placement is encoded.
func (s *Reports) createReport(ctx context.Context, r *geo.Report, idem *geo.IdempotencyKey, pl placement) (body []byte, replayed bool, err error) {
	if s.pg {
		c := &pgCreate{r: r, idem: idem, pl: pl, dbClock: s.dbClock}
		err := s.w.doCreate(ctx, c)
		return c.body, c.replayed, err
	}
	err = s.w.do(ctx, func(b *batch) error {
		body, replayed = nil, false
		if idem != nil {
			var hash, stored []byte
			err := b.queryRow(`SELECT request_hash, body FROM idempotency_keys WHERE scope = ? AND key = ?`,
				idem.Scope, idem.Key).Scan(&hash, &stored)
			switch {
			case err == nil:
				if !bytes.Equal(hash, idem.Hash[:]) {
					return fmt.Errorf("idempotency key %q: %w", idem.Key, geo.ErrIdempotencyMismatch)
				}
				body, replayed = stored, true
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if err := s.ensurePlacement(b, pl); err != nil {
			return err
		}
		res, err := b.exec(insertReport, reportArgs(r, pl)...)
		if err != nil {
			return err
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := appendEvents(b, r, 0); err != nil {
			return err
		}
		if err := s.insertGeocode(b, r); err != nil {
			return err
		}
		if idem == nil {
			return nil
		}
		out, err := idem.Render(r)
		if err != nil {
			return err
		}
		if _, err := b.exec(`INSERT INTO idempotency_keys(scope, key, request_hash, report_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			idem.Scope, idem.Key, idem.Hash[:], r.ID, out, ms(r.CreatedAt)); err != nil {
			return err
		}
		body = out
		return nil
	})
	return body, replayed, err
}

// appendEvents inserts r's events from position from on.
func appendEvents(b *batch, r *geo.Report, from int) error {
	for seq := from; seq < len(r.Events); seq++ {
		e := &r.Events[seq]
		if _, err := b.exec(insertEvent, r.ID, seq, ms(e.At), e.By, string(e.From), string(e.To), e.Note, e.Grid); err != nil {
			return err
		}
	}
	return nil
}

// reportArgs are the values of reportColumns for r placed at pl.
func reportArgs(r *geo.Report, pl placement) []any {
	var pid, version any
	if pl.id != 0 {
		pid, version = pl.id, r.BoundaryVersion
	}
	return []any{string(r.Status), r.Category, r.Title, r.Description, r.Point[0], r.Point[1], r.Source,
		r.Reporter.Name, r.Reporter.Phone, r.CreatedBy, pid, version,
		nullMS(r.OccurredAt), ms(r.CreatedAt), ms(r.DueAt), ms(r.UpdatedAt), nullMS(r.ResolvedAt), nullMS(r.DoneAt)}
}

// UpdateReports changes each report of ids in one transaction: it reads the
// report with its events, calls fn, and writes what fn changed (the row and
// the events fn appended). An error from fn (or a missing report, wrapping
// geo.ErrNotFound) leaves that report unchanged and is returned in errs at
// its position; the others are still written. The changed reports are
// durable when UpdateReports returns. err is a failure of the whole batch.
func (s *Reports) UpdateReports(ctx context.Context, ids []int64, fn func(r *geo.Report) error) (out []*geo.Report, errs []error, err error) {
	out = make([]*geo.Report, len(ids))
	errs = make([]error, len(ids))
	err = s.w.do(ctx, func(b *batch) error {
		for k, id := range ids {
			out[k], errs[k] = nil, nil
			if _, err := b.exec("SAVEPOINT one"); err != nil {
				return err
			}
			mark := len(b.onCommit)
			r, err := s.updateOne(b, id, fn)
			if err != nil {
				errs[k] = err
				b.onCommit = b.onCommit[:mark]
				if _, err := b.exec("ROLLBACK TO one"); err != nil {
					return err
				}
			}
			if _, err := b.exec("RELEASE one"); err != nil {
				return err
			}
			out[k] = r
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update reports: %w", err)
	}
	return out, errs, nil
}

// UpdateReport is UpdateReports for one report.
func (s *Reports) UpdateReport(ctx context.Context, id int64, fn func(r *geo.Report) error) (*geo.Report, error) {
	out, errs, err := s.UpdateReports(ctx, []int64{id}, fn)
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, errs[0]
	}
	return out[0], nil
}

func (s *Reports) updateOne(b *batch, id int64, fn func(r *geo.Report) error) (*geo.Report, error) {
	rs, err := s.readReports(b.ctx, b.tx, `WHERE id = ?`, []any{id}, "")
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("report %d: %w", id, geo.ErrNotFound)
	}
	r := rs[0]
	before := len(r.Events)
	if err := fn(r); err != nil {
		return nil, err
	}
	if len(r.Events) < before {
		return nil, fmt.Errorf("report %d: events are kept forever", id)
	}
	pl, err := encodePlacement(r)
	if err != nil {
		return nil, err
	}
	if err := s.ensurePlacement(b, pl); err != nil {
		return nil, err
	}
	set := strings.ReplaceAll(strings.Join(strings.Fields(reportColumns), " "), ",", " = ?,") + " = ?"
	if _, err := b.exec(`UPDATE reports SET `+set+` WHERE id = ?`, append(reportArgs(r, pl), id)...); err != nil {
		return nil, err
	}
	return r, appendEvents(b, r, before)
}

// Report reads one report with its events; an error wrapping geo.ErrNotFound
// when there is none.
func (s *Reports) Report(ctx context.Context, id int64) (*geo.Report, error) {
	rs, err := s.readReports(ctx, s.db, `WHERE id = ?`, []any{id}, "")
	if err != nil {
		return nil, fmt.Errorf("read report %d: %w", id, err)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("report %d: %w", id, geo.ErrNotFound)
	}
	return rs[0], nil
}

// querier is what reads need: the pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readReports reads the reports "SELECT ... FROM reports <where> <order>"
// selects, with their events.
func (s *Reports) readReports(ctx context.Context, q querier, where string, args []any, order string) ([]*geo.Report, error) {
	return s.readReportsQuery(ctx, q, `SELECT id, `+reportColumns+` FROM reports `+where+` `+order, args)
}

// readReportsQuery reads the reports a query selecting "id, reportColumns"
// selects, with their placements and events.
func (s *Reports) readReportsQuery(ctx context.Context, q querier, query string, args []any) ([]*geo.Report, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*geo.Report
	var pids []int64 // placement of each report, 0 for none
	for rows.Next() {
		r, pid, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		pids = append(pids, pid)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := s.places.resolve(ctx, q, out, pids); err != nil {
		return nil, err
	}
	if err := s.readGeocodes(ctx, q, out); err != nil {
		return nil, err
	}
	return out, readEvents(ctx, q, out)
}

func scanReport(rows *sql.Rows) (*geo.Report, int64, error) {
	var r geo.Report
	var status string
	var pid, version, occurred, resolved, done sql.NullInt64
	var created, due, updated int64
	if err := rows.Scan(&r.ID, &status, &r.Category, &r.Title, &r.Description, &r.Point[0], &r.Point[1], &r.Source,
		&r.Reporter.Name, &r.Reporter.Phone, &r.CreatedBy, &pid, &version, &occurred, &created, &due,
		&updated, &resolved, &done); err != nil {
		return nil, 0, err
	}
	r.Status = geo.Status(status)
	r.BoundaryVersion = version.Int64
	r.OccurredAt, r.ResolvedAt, r.DoneAt = fromNullMS(occurred), fromNullMS(resolved), fromNullMS(done)
	r.CreatedAt, r.DueAt, r.UpdatedAt = fromMS(created), fromMS(due), fromMS(updated)
	return &r, pid.Int64, nil
}

// readEvents fills in the events of rs.
func readEvents(ctx context.Context, q querier, rs []*geo.Report) error {
	if len(rs) == 0 {
		return nil
	}
	byID := make(map[int64]*geo.Report, len(rs))
	args := make([]any, len(rs))
	for i, r := range rs {
		byID[r.ID] = r
		args[i] = r.ID
	}
	rows, err := q.QueryContext(ctx, `SELECT report_id, at, by, from_status, to_status, note, grid FROM report_events
		WHERE report_id IN (`+placeholders(len(rs))+`) ORDER BY report_id, seq`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var e geo.Event
		var from, to string
		if err := rows.Scan(&id, &at, &e.By, &from, &to, &e.Note, &e.Grid); err != nil {
			return err
		}
		e.At, e.From, e.To = fromMS(at), geo.Status(from), geo.Status(to)
		if r := byID[id]; r != nil {
			r.Events = append(r.Events, e)
		}
	}
	return rows.Err()
}

func placeholders(n int) string {
	if n == 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

func int64s(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func nullMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

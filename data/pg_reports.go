package data

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/geo"
)

// pgReportValues are placeholders for reportArgs with their types, for a
// VALUES list (where PostgreSQL cannot infer a NULL's type from the
// column).
const pgReportValues = `(?::text, ?::text, ?::text, ?::text, ?::float8, ?::float8, ?::text, ?::text, ?::text,
	?::text, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint)`

// pgCreate is a new report to store on PostgreSQL and, once stored, the
// answer: the operation of CreateReport. The writer stores the creates of a
// batch in one pipeline (see writer.commitPipelined), or one by one through
// its fn (pgCreateReport) when the batch holds other operations too.
type pgCreate struct {
	r    *geo.Report
	idem *geo.IdempotencyKey
	pl   placement
	// dbClock: the report's times come from the database's clock (see
	// Reports.UseDatabaseClock).
	dbClock bool

	body     []byte
	replayed bool
}

// pgCreateReport stores c in b, in one round trip: the report gets the id
// drawn for it (batch.reportID) and one statement (pgCreateStmt) inserts
// it; a key stored already costs a second, to read its answer.
func pgCreateReport(b *batch, c *pgCreate) error {
	c.body, c.replayed = nil, false
	id, err := b.reportID()
	if err != nil {
		return err
	}
	q, args, err := c.stmt(id, b.nowMS)
	if err != nil {
		return err
	}
	err = b.queryRow(q, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return c.replay(func(q string, args ...any) interface{ Scan(...any) error } { return b.queryRow(q, args...) })
	}
	return err
}

// stmt numbers the report id (and with dbClock dates it nowMS, the
// database's clock in unix milliseconds), renders the answer (with a key)
// and returns
// the statement that inserts the idempotency key with the answer (unless
// the key is stored already: ON CONFLICT, which also covers another process
// storing it at the same moment), and only then the report and its events,
// selecting the report's id; no row when the key was stored.
func (c *pgCreate) stmt(id, nowMS int64) (string, []any, error) {
	r, idem := c.r, c.idem
	r.ID = id
	if c.dbClock {
		redate(r, time.UnixMilli(nowMS).UTC())
	}
	var q strings.Builder
	var args []any
	if idem == nil {
		q.WriteString(`WITH k AS (SELECT ?::bigint AS report_id)`)
		args = append(args, r.ID)
	} else {
		var err error
		if c.body, err = idem.Render(r); err != nil {
			return "", nil, err
		}
		q.WriteString(`WITH k AS (INSERT INTO idempotency_keys(scope, key, request_hash, report_id, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING RETURNING report_id)`)
		args = append(args, idem.Scope, idem.Key, idem.Hash[:], r.ID, c.body, ms(r.CreatedAt))
	}
	q.WriteString(`, r AS (INSERT INTO reports(id, ` + reportColumns + `) SELECT k.report_id, v.* FROM k, (VALUES ` + pgReportValues + `) AS v)`)
	args = append(args, reportArgs(r, c.pl)...)
	if len(r.Events) > 0 {
		q.WriteString(`, e AS (INSERT INTO report_events(report_id, seq, at, by, from_status, to_status, note, grid) SELECT k.report_id, v.* FROM k, (VALUES `)
		for seq, e := range r.Events {
			if seq > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?::bigint, ?::bigint, ?::text, ?::text, ?::text, ?::text, ?::text)")
			args = append(args, seq, ms(e.At), e.By, string(e.From), string(e.To), e.Note, e.Grid)
		}
		q.WriteString(`) AS v)`)
	}
	if g := r.Geocode; g != nil {
		cj, err := geocodeCandidates(g)
		if err != nil {
			return "", nil, err
		}
		q.WriteString(`, g AS (INSERT INTO report_geocodes(report_id, query, address, precision, score, candidates)
			SELECT k.report_id, ?::text, ?::text, ?::text, ?::float8, ?::text FROM k)`)
		args = append(args, g.Query, g.Address, g.Precision, g.Score, cj)
	}
	q.WriteString(` SELECT report_id FROM k`)
	return q.String(), args, nil
}

// redate moves a new report to now: its creation, its deadline (by as
// much), its last change and the events and resolution made at its
// creation. When it happened (OccurredAt) is the reporter's and stays.
func redate(r *geo.Report, now time.Time) {
	was := r.CreatedAt
	d := now.Sub(was)
	r.CreatedAt, r.DueAt = now, r.DueAt.Add(d)
	at := func(t *time.Time) {
		if t.Equal(was) {
			*t = now
		}
	}
	at(&r.UpdatedAt)
	at(&r.ResolvedAt)
	at(&r.DoneAt)
	for i := range r.Events {
		at(&r.Events[i].At)
	}
}

// replay sets c's answer from its stored key (the statement of stmt
// inserted nothing): the first answer (replayed), or
// geo.ErrIdempotencyMismatch for another request under the same key.
func (c *pgCreate) replay(queryRow func(q string, args ...any) interface{ Scan(...any) error }) error {
	c.r.ID, c.body = 0, nil
	var hash, stored []byte
	if err := queryRow(`SELECT request_hash, body FROM idempotency_keys WHERE scope = ? AND key = ?`,
		c.idem.Scope, c.idem.Key).Scan(&hash, &stored); err != nil {
		return err
	}
	if !bytes.Equal(hash, c.idem.Hash[:]) {
		return fmt.Errorf("idempotency key %q: %w", c.idem.Key, geo.ErrIdempotencyMismatch)
	}
	c.body, c.replayed = stored, true
	return nil
}

// commitPipelined stores ops, all creates (op.create), in one transaction
// on conn in three round trips whatever their number: BEGIN with the ids
// drawn, every statement at once (pgx pipelines a batch), COMMIT (a
// replayed key costs one more, to read its answer). It answers each and
// returns nil and the error of the connection or the COMMIT, if any; when
// a statement fails it rolls back and returns ops, to run one by one.
func (w *writer) commitPipelined(ctx context.Context, conn *sql.Conn, ops []*writeOp) ([]*writeOp, error) {
	var retry []*writeOp
	errs := make([]error, len(ops)) // per operation (a key reused)
	err := conn.Raw(func(dc any) error {
		pc := dc.(*pgConn)
		fail := func(err error) error { return pc.err(err) }
		c := pc.c.Conn()
		var first pgx.Batch
		first.Queue("BEGIN")
		first.Queue(rebind(drawIDsQuery), len(ops))
		br := c.SendBatch(ctx, &first)
		_, err := br.Exec()
		var ids []int64
		var nowMS int64
		if err == nil {
			var rows pgx.Rows
			if rows, err = br.Query(); err == nil {
				var id int64
				_, err = pgx.ForEachRow(rows, []any{&id, &nowMS}, func() error {
					ids = append(ids, id)
					return nil
				})
			}
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err == nil && len(ids) != len(ops) {
			err = fmt.Errorf("%d report ids drawn for %d reports", len(ids), len(ops))
		}
		if err != nil {
			c.Exec(ctx, "ROLLBACK")
			return fail(err)
		}
		var all pgx.Batch
		for i, op := range ops {
			q, args, err := op.create.stmt(ids[i], nowMS)
			if err != nil {
				c.Exec(ctx, "ROLLBACK")
				retry = ops
				return nil
			}
			all.Queue(rebind(q), args...)
		}
		br = c.SendBatch(ctx, &all)
		var replays []int
		for i := range ops {
			var id int64
			err = br.QueryRow().Scan(&id)
			if errors.Is(err, pgx.ErrNoRows) {
				replays, err = append(replays, i), nil
			}
			if err != nil {
				break
			}
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			if c.IsClosed() {
				return fail(err)
			}
			c.Exec(ctx, "ROLLBACK")
			retry = ops
			return nil
		}
		for _, i := range replays {
			errs[i] = ops[i].create.replay(func(q string, args ...any) interface{ Scan(...any) error } {
				return c.QueryRow(ctx, rebind(q), args...)
			})
			if errs[i] != nil && !errors.Is(errs[i], geo.ErrIdempotencyMismatch) {
				c.Exec(ctx, "ROLLBACK")
				return fail(errs[i])
			}
		}
		tag, err := c.Exec(ctx, "COMMIT")
		if err == nil && tag.String() != "COMMIT" { // an aborted transaction "commits" as a rollback
			err = fmt.Errorf("commit answered %q", tag.String())
		}
		if err != nil {
			return fail(err)
		}
		return nil
	})
	if retry != nil {
		return retry, nil
	}
	if err != nil {
		err = fmt.Errorf("report writer: %w", err)
	}
	for i, op := range ops {
		if err != nil {
			op.done <- err
		} else {
			op.done <- errs[i]
		}
	}
	return nil, err
}

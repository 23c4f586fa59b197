package data

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/wangge/wangge/geo"
)

// pgReportValues are placeholders for reportArgs with their types, for a
// VALUES list (where PostgreSQL cannot infer a NULL's type from the
// column).
const pgReportValues = `(?::text, ?::text, ?::text, ?::text, ?::float8, ?::float8, ?::text, ?::text, ?::text,
	?::text, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint)`

// pgCreateReport is the body of CreateReport on PostgreSQL, in one round
// trip: the report gets the id drawn for it (batch.reportID), the answer is
// rendered, and one statement inserts the idempotency key with the answer
// (unless the key is stored already: ON CONFLICT, which also covers
// another process storing it at the same moment), and only then the report
// and its events. When the key was stored, nothing is inserted and the
// stored answer is returned (replayed), or geo.ErrIdempotencyMismatch. The
// placement is stored before (see Reports.storePlacement).
func pgCreateReport(b *batch, r *geo.Report, idem *geo.IdempotencyKey, pl placement) (body []byte, replayed bool, err error) {
	if r.ID, err = b.reportID(); err != nil {
		return nil, false, err
	}
	var q strings.Builder
	var args []any
	if idem == nil {
		q.WriteString(`WITH k AS (SELECT ?::bigint AS report_id)`)
		args = append(args, r.ID)
	} else {
		if body, err = idem.Render(r); err != nil {
			return nil, false, err
		}
		q.WriteString(`WITH k AS (INSERT INTO idempotency_keys(scope, key, request_hash, report_id, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING RETURNING report_id)`)
		args = append(args, idem.Scope, idem.Key, idem.Hash[:], r.ID, body, ms(r.CreatedAt))
	}
	q.WriteString(`, r AS (INSERT INTO reports(id, ` + reportColumns + `) SELECT k.report_id, v.* FROM k, (VALUES ` + pgReportValues + `) AS v)`)
	args = append(args, reportArgs(r, pl)...)
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
	q.WriteString(` SELECT report_id FROM k`)
	var id int64
	err = b.queryRow(q.String(), args...).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows): // the key is stored
		r.ID = 0
		var hash, stored []byte
		if err := b.queryRow(`SELECT request_hash, body FROM idempotency_keys WHERE scope = ? AND key = ?`,
			idem.Scope, idem.Key).Scan(&hash, &stored); err != nil {
			return nil, false, err
		}
		if !bytes.Equal(hash, idem.Hash[:]) {
			return nil, false, fmt.Errorf("idempotency key %q: %w", idem.Key, geo.ErrIdempotencyMismatch)
		}
		return stored, true, nil
	case err != nil:
		return nil, false, err
	}
	return body, false, nil
}

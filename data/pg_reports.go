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

// pgCreateReport is the body of CreateReport on PostgreSQL, in at most two
// round trips: one statement inserts the idempotency key (unless the key
// is stored already), the report numbered by the database and its events;
// a second stores the answer rendered with that number. A key stored
// already (or stored at the same moment by another process: ON CONFLICT)
// inserts nothing, and the stored answer is returned (replayed) or
// geo.ErrIdempotencyMismatch. The placement is stored before (see
// Reports.storePlacement).
func pgCreateReport(b *batch, r *geo.Report, idem *geo.IdempotencyKey, pl placement) (body []byte, replayed bool, err error) {
	var q strings.Builder
	var args []any
	from := "" // the row the report is numbered from
	if idem == nil {
		q.WriteString(`WITH k AS (SELECT nextval(pg_get_serial_sequence('reports', 'id')) AS report_id, 0::bigint AS id)`)
	} else {
		q.WriteString(`WITH k AS (INSERT INTO idempotency_keys(scope, key, request_hash, report_id, body, created_at)
			SELECT ?, ?, ?, nextval(pg_get_serial_sequence('reports', 'id')), ''::bytea, ?
			WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE scope = ? AND key = ?)
			ON CONFLICT (scope, key) DO NOTHING RETURNING id, report_id)`)
		args = append(args, idem.Scope, idem.Key, idem.Hash[:], ms(r.CreatedAt), idem.Scope, idem.Key)
	}
	from = "k"
	q.WriteString(`, r AS (INSERT INTO reports(id, ` + reportColumns + `) SELECT ` + from + `.report_id, v.* FROM ` + from + `, (VALUES ` + pgReportValues + `) AS v)`)
	args = append(args, reportArgs(r, pl)...)
	if len(r.Events) > 0 {
		q.WriteString(`, e AS (INSERT INTO report_events(report_id, seq, at, by, from_status, to_status, note, grid) SELECT ` + from + `.report_id, v.* FROM ` + from + `, (VALUES `)
		for seq, e := range r.Events {
			if seq > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?::bigint, ?::bigint, ?::text, ?::text, ?::text, ?::text, ?::text)")
			args = append(args, seq, ms(e.At), e.By, string(e.From), string(e.To), e.Note, e.Grid)
		}
		q.WriteString(`) AS v)`)
	}
	q.WriteString(` SELECT id, report_id FROM k`)
	var keyID int64
	err = b.queryRow(q.String(), args...).Scan(&keyID, &r.ID)
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
	case idem == nil:
		return nil, false, nil
	}
	out, err := idem.Render(r)
	if err != nil {
		return nil, false, err
	}
	if _, err := b.exec(`UPDATE idempotency_keys SET body = ? WHERE id = ?`, out, keyID); err != nil {
		return nil, false, err
	}
	return out, false, nil
}

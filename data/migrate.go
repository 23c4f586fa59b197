package data

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// copyTable is one table Migrate copies: its columns, in the same order
// on both stores, and the key it is read in order of.
type copyTable struct {
	name    string
	columns []string
	order   string
	geom    string // the geometry column, "" for none (see geomRead, geomWrite)
	ident   bool   // an "id" the database numbers: carry the counter on
}

// copyTables are the tables Migrate copies, parents before children. The
// columns PostgreSQL computes (the report and site points) are not copied.
var copyTables = []copyTable{
	{name: "layers", columns: []string{"name", "current_version"}, order: "name"},
	{name: "boundary_versions", columns: []string{"id", "layer", "levels", "grid_count", "note", "created_at"}, order: "id", ident: true},
	{name: "grids", columns: []string{"version_id", "seq", "code", "name", "level", "parent", "attrs", "geom"}, order: "version_id, seq", geom: "geom"},
	{name: "report_placements", columns: []string{"id", "gpath", "data"}, order: "id"},
	{name: "reports", columns: append([]string{"id"}, strings.Fields(strings.ReplaceAll(reportColumns, ",", " "))...), order: "id", ident: true},
	{name: "report_events", columns: []string{"report_id", "seq", "at", "by", "from_status", "to_status", "note", "grid"}, order: "report_id, seq"},
	{name: "idempotency_keys", columns: []string{"id", "scope", "key", "request_hash", "report_id", "body", "created_at"}, order: "id", ident: true},
	{name: "tokens", columns: []string{"id", "hash", "role", "grid", "name", "created_at", "expires_at", "revoked_at"}, order: "id", ident: true},
	{name: "audit_log", columns: []string{"id", "at", "token_id", "role", "name", "action", "report_ids", "request_id", "remote"}, order: "id", ident: true},
	{name: "sites", columns: []string{"kind", "id", "seq", "name", "lon", "lat", "weight", "capacity", "attrs"}, order: "kind, seq"},
	{name: "addresses", columns: []string{"id", "address", "lon", "lat", "province", "city", "district", "street", "community",
		"road", "number", "building", "unit", "poi", "grid"}, order: "id"},
	{name: "report_geocodes", columns: []string{"report_id", "query", "address", "precision", "score", "candidates"}, order: "report_id"},
}

// MigrateProgress is called as Migrate goes: rows of table copied so far,
// of total.
type MigrateProgress func(table string, done, total int)

// Migrate copies everything from holds into to, which must hold nothing
// yet: every boundary version of every layer (and which is current),
// sites, reports with their placements, events and idempotency keys,
// tokens and the audit log, keeping every id. It writes in one transaction
// of to: all or nothing. from is read in one snapshot. It returns the rows
// copied per table.
func Migrate(ctx context.Context, from, to Store, progress MigrateProgress) (map[string]int, error) {
	src, dst := from.base(), to.base()
	if err := checkEmpty(ctx, dst); err != nil {
		return nil, err
	}
	rtx, err := src.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: src.pg, Isolation: readIsolation(src.pg)})
	if err != nil {
		return nil, fmt.Errorf("migrate: read %s: %w", from.Location(), err)
	}
	defer rtx.Rollback()
	counts := map[string]int{}
	err = dst.inTx(ctx, func(wtx *sql.Tx) error {
		for _, tb := range copyTables {
			n, err := copyOne(ctx, rtx, wtx, src.pg, dst.pg, tb, progress)
			if err != nil {
				return fmt.Errorf("%s: %w", tb.name, err)
			}
			counts[tb.name] = n
			if dst.pg && tb.ident {
				if _, err := wtx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+tb.name+`', 'id'),
					coalesce((SELECT max(id) FROM `+tb.name+`), 1), (SELECT max(id) FROM `+tb.name+`) IS NOT NULL)`); err != nil {
					return fmt.Errorf("%s: id counter: %w", tb.name, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("migrate %s to %s: %w; nothing was written", from.Location(), to.Location(), err)
	}
	return counts, nil
}

func readIsolation(pg bool) sql.IsolationLevel {
	if pg {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
}

// checkEmpty fails unless the store has no boundaries, reports, tokens or
// sites.
func checkEmpty(ctx context.Context, st *sqlDB) error {
	for _, t := range []string{"layers", "reports", "tokens", "sites", "audit_log", "addresses"} {
		var n int
		if err := st.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("migrate: the destination is not empty (%s has %d rows): migrate into a new store", t, n)
		}
	}
	return nil
}

// copyOne copies one table from rtx to wtx in multi-row INSERTs.
func copyOne(ctx context.Context, rtx, wtx *sql.Tx, srcPG, dstPG bool, tb copyTable, progress MigrateProgress) (int, error) {
	var total int
	if err := rtx.QueryRowContext(ctx, `SELECT count(*) FROM `+tb.name).Scan(&total); err != nil {
		return 0, err
	}
	if progress != nil {
		progress(tb.name, 0, total)
	}
	if total == 0 {
		return 0, nil
	}
	read := make([]string, len(tb.columns))
	write := make([]string, len(tb.columns))
	for i, c := range tb.columns {
		read[i], write[i] = c, "?"
		if c == tb.geom {
			read[i], write[i] = geomRead(c, srcPG), geomWrite(dstPG)
		}
	}
	rows, err := rtx.QueryContext(ctx, `SELECT `+strings.Join(read, ", ")+` FROM `+tb.name+` ORDER BY `+tb.order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	per := max(1, 4000/len(tb.columns)) // rows per INSERT, well under both stores' parameter limits
	tuple := "(" + strings.Join(write, ", ") + ")"
	head := `INSERT INTO ` + tb.name + `(` + strings.Join(tb.columns, ", ") + `) VALUES `
	args := make([]any, 0, per*len(tb.columns))
	n := 0
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		k := len(args) / len(tb.columns)
		if _, err := wtx.ExecContext(ctx, head+strings.TrimSuffix(strings.Repeat(tuple+",", k), ","), args...); err != nil {
			return err
		}
		n += k
		args = args[:0]
		if progress != nil {
			progress(tb.name, n, total)
		}
		return ctx.Err()
	}
	vals := make([]any, len(tb.columns))
	ptrs := make([]any, len(tb.columns))
	for rows.Next() {
		for i := range vals {
			vals[i] = nil
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		args = append(args, vals...)
		if len(args) == per*len(tb.columns) {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	if err := flush(); err != nil {
		return n, err
	}
	if n != total {
		return n, errors.New("the table changed while it was read")
	}
	return n, nil
}

// geomRead reads a geometry column as 2D WKB (SQLite stores that).
func geomRead(col string, pg bool) string {
	if pg {
		return "ST_AsBinary(" + col + ")"
	}
	return col
}

// geomWrite writes 2D WKB into a geometry column.
func geomWrite(pg bool) string {
	if pg {
		return "ST_Multi(ST_GeomFromWKB(?, 4326))"
	}
	return "?"
}

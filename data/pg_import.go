package data

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// pgImport is a report import into PostgreSQL (see ReportImport): one
// transaction on a connection of its own, ids drawn from the reports'
// sequence, rows and their events written with COPY. Placements are stored
// before, each in a transaction of its own (see Reports.storePlacement), so
// that the server's intake never waits on the import's uncommitted rows.
type pgImport struct {
	rs   *Reports
	conn *sql.Conn
	n    int // reports written
}

// beginPgImport opens the import's connection and transaction.
func (s *Reports) beginPgImport(ctx context.Context, imp *ReportImport) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		conn.Close()
		return err
	}
	imp.pg = &pgImport{rs: s, conn: conn}
	return nil
}

// raw runs fn on the import's pgx connection.
func (p *pgImport) raw(fn func(c *pgx.Conn) error) error {
	return p.conn.Raw(func(dc any) error {
		pc := dc.(*pgConn)
		return pc.err(fn(pc.c.Conn()))
	})
}

// add writes the reports of b, sets their ids and writes their events.
func (p *pgImport) add(ctx context.Context, imp *ReportImport, b *ImportBatch) error {
	for _, pl := range b.places {
		if err := p.rs.storePlacement(ctx, pl); err != nil {
			return err
		}
	}
	if len(b.rows) == 0 {
		return nil
	}
	return p.raw(func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT nextval(pg_get_serial_sequence('reports', 'id')) FROM generate_series(1, $1::int)`, len(b.rows))
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(ids) != len(b.rows) {
			return fmt.Errorf("%d report ids drawn for %d reports", len(ids), len(b.rows))
		}
		reports := make([][]any, len(b.rows))
		events := make([][]any, len(b.rows))
		for i := range b.rows {
			w := &b.rows[i]
			reports[i] = w.values(ids[i])
			events[i] = []any{ids[i], int64(0), w.created, imp.opts.By, "", w.status,
				fmt.Sprintf("%s (row %d)", imp.opts.Note, p.n+i+1), ""}
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"reports"}, tableColumns("reports"), pgx.CopyFromRows(reports)); err != nil {
			return err
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"report_events"}, tableColumns("report_events"), pgx.CopyFromRows(events)); err != nil {
			return err
		}
		for i := range b.rs {
			b.rs[i].ID = ids[i]
		}
		p.n += len(b.rows)
		return nil
	})
}

// values are the row's values for the columns id, reportColumns.
func (w *importRow) values(id int64) []any {
	nullable := func(v int64, null bool) any {
		if null {
			return nil
		}
		return v
	}
	var pid, version any
	if w.pid != 0 {
		pid, version = w.pid, w.version
	}
	return []any{id, w.status, w.category, w.title, w.description, w.lon, w.lat, w.source, w.name, w.phone,
		w.createdBy, pid, version, nullable(w.occurred, w.nulls&nullOccurred != 0), w.created, w.due, w.updated,
		nullable(w.resolved, w.nulls&nullResolved != 0), nullable(w.done, w.nulls&nullDone != 0)}
}

// commit commits the import's transaction and closes its connection.
func (p *pgImport) commit(ctx context.Context) error {
	err := p.raw(func(c *pgx.Conn) error {
		tag, err := c.Exec(ctx, "COMMIT")
		if err == nil && tag.String() != "COMMIT" { // a failed statement aborted the transaction
			err = fmt.Errorf("commit answered %q: nothing was imported", tag.String())
		}
		return err
	})
	p.conn.Close()
	return err
}

// rollback abandons the import: nothing of it is stored but placements.
func (p *pgImport) rollback() {
	p.conn.ExecContext(context.Background(), "ROLLBACK")
	p.conn.Close()
}

// tableColumns are the columns of table as Migrate copies them.
func tableColumns(table string) []string {
	for _, t := range copyTables {
		if t.name == table {
			return t.columns
		}
	}
	panic("data: no table " + table)
}

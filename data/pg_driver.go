package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/wangge/wangge/geo"
)

// openPgDB opens a database/sql pool on PostgreSQL through pgx whose
// statements are written as for SQLite: "?" placeholders are rewritten to
// $1, $2, ... (the store's SQL has no "?" in literals), so the report,
// token and site code runs unchanged on both stores. Errors that mean the
// server cannot be reached (stopped, restarting, network) wrap
// geo.ErrUnavailable.
func openPgDB(cfg *pgx.ConnConfig) *sql.DB {
	return sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)})
}

type pgConnector struct{ driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, pgErr(err)
	}
	return &pgConn{conn.(*stdlib.Conn)}, nil
}

// pgConn is a pgx connection that rewrites placeholders and marks errors.
type pgConn struct{ c *stdlib.Conn }

var (
	_ driver.ConnPrepareContext = (*pgConn)(nil)
	_ driver.ConnBeginTx        = (*pgConn)(nil)
	_ driver.QueryerContext     = (*pgConn)(nil)
	_ driver.ExecerContext      = (*pgConn)(nil)
	_ driver.Pinger             = (*pgConn)(nil)
	_ driver.SessionResetter    = (*pgConn)(nil)
	_ driver.Validator          = (*pgConn)(nil)
	_ driver.NamedValueChecker  = (*pgConn)(nil)
)

func (p *pgConn) Prepare(q string) (driver.Stmt, error) {
	return p.PrepareContext(context.Background(), q)
}

func (p *pgConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	s, err := p.c.PrepareContext(ctx, rebind(q))
	return s, p.err(err)
}

func (p *pgConn) Close() error { return p.c.Close() }

func (p *pgConn) Begin() (driver.Tx, error) {
	return p.BeginTx(context.Background(), driver.TxOptions{})
}

func (p *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := p.c.BeginTx(ctx, opts)
	if err != nil {
		return nil, p.err(err)
	}
	return pgTx{tx, p}, nil
}

// pgTx marks the errors of COMMIT and ROLLBACK as pgConn.err does.
type pgTx struct {
	tx driver.Tx
	p  *pgConn
}

func (t pgTx) Commit() error   { return t.p.err(t.tx.Commit()) }
func (t pgTx) Rollback() error { return t.p.err(t.tx.Rollback()) }

func (p *pgConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	r, err := p.c.ExecContext(ctx, rebind(q), args)
	return r, p.err(err)
}

func (p *pgConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	r, err := p.c.QueryContext(ctx, rebind(q), args)
	return r, p.err(err)
}

func (p *pgConn) Ping(ctx context.Context) error             { return p.err(p.c.Ping(ctx)) }
func (p *pgConn) ResetSession(ctx context.Context) error     { return p.c.ResetSession(ctx) }
func (p *pgConn) IsValid() bool                              { return !p.c.Conn().IsClosed() }
func (p *pgConn) CheckNamedValue(v *driver.NamedValue) error { return p.c.CheckNamedValue(v) }

// err marks err as geo.ErrUnavailable when the connection is gone or the
// server cannot serve.
func (p *pgConn) err(err error) error {
	if err == nil {
		return nil
	}
	if p.c.Conn().IsClosed() && !errors.Is(err, geo.ErrUnavailable) {
		return fmt.Errorf("%w: %w", geo.ErrUnavailable, err)
	}
	return pgErr(err)
}

// pgErr marks err as geo.ErrUnavailable when it says the server cannot be
// reached or cannot serve now.
func pgErr(err error) error {
	if err == nil || errors.Is(err, geo.ErrUnavailable) {
		return err
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, driver.ErrBadConn), pgconn.Timeout(err) && !errors.Is(err, context.Canceled):
		return fmt.Errorf("%w: %w", geo.ErrUnavailable, err)
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P01-03: shutting down, crash
		// shutdown, cannot connect now (starting up).
		if strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" {
			return fmt.Errorf("%w: %w", geo.ErrUnavailable, err)
		}
	}
	return err
}

// rebind rewrites the "?" placeholders of q to $1, $2, ...
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

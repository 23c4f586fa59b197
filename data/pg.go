package data

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/pg/*.sql
var pgMigrations embed.FS

// Postgres is the production store: PostgreSQL with PostGIS. Boundaries are
// geometry(MultiPolygon, 4326) columns with GiST indexes, written and read
// as EWKB; sites and reports carry a geometry(Point, 4326) computed from
// their lon, lat. Any number of wangge processes may share one database:
// ids, report numbers and idempotency keys are the database's, and a new
// boundary version is announced on the versionChannel (see WatchVersions).
// Every committed write is durable as PostgreSQL makes it (fsync on commit
// by default).
type Postgres struct {
	sqlDB
	cfg *pgx.ConnConfig
	loc string
}

// maxPgConns is the most connections one process's pool opens.
const maxPgConns = 12

// versionChannel is the LISTEN/NOTIFY channel on which SaveSet announces a
// layer's new current version, as "layer:version", at commit.
const versionChannel = "wangge_versions"

// OpenPostgres connects to the database at dsn (a postgres:// URL; pgx
// reads the usual parameters, sslmode, connect_timeout, ..., and the PG*
// environment variables), creates the PostGIS extension when missing and
// brings the schema up to date. Several processes may open the same
// database at once: migrations run under an advisory lock.
func OpenPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	loc := dsn
	if u, err := url.Parse(dsn); err == nil {
		loc = u.Redacted()
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", loc, err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "wangge"
	}
	db := openPgDB(cfg)
	// Enough connections for concurrent reads (writes are one connection:
	// the group-commit writer's); a PostgreSQL serves 100 by default,
	// shared by every replica (each also holds a LISTEN connection).
	db.SetMaxOpenConns(maxPgConns)
	db.SetMaxIdleConns(maxPgConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	p := &Postgres{sqlDB: sqlDB{db: db, pg: true}, cfg: cfg, loc: loc}
	if err := p.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", loc, err)
	}
	return p, nil
}

// Close closes the pool.
func (p *Postgres) Close() error { return p.db.Close() }

// Location is the database's URL without its password.
func (p *Postgres) Location() string { return p.loc }

// migrateLock is the advisory lock key migrations run under.
const migrateLock = 0x77616e6767 // "wangg"

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations.
func (p *Postgres) migrate(ctx context.Context) error {
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(?)`, migrateLock); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(?)`, migrateLock)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version bigint PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(pgMigrations, "migrations/pg/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad migration name %s", base)
		}
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := pgMigrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, ?)`,
			v, base, time.Now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate %s: %w", base, err)
		}
	}
	return nil
}

// seedLock is the advisory lock key SeedDemo runs under.
const seedLock = migrateLock + 1

// lock takes the session advisory lock key on a connection of its own and
// returns the function that releases it.
func (p *Postgres) lock(ctx context.Context, key int64) (func(), error) {
	conn, err := p.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(?)`, key); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(?)`, key)
		conn.Close()
	}, nil
}

// queryRow is QueryRowContext on the pool.
func (p *Postgres) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, q, args...)
}

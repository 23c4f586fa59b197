package data

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/wangge/wangge/geo"
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// SQLite is the embedded store: one file, WAL journal with full sync, so a
// committed write survives a crash of the process or the machine.
type SQLite struct {
	sqlDB
	path string
}

// VersionInfo describes one boundary version of a layer.
type VersionInfo struct {
	ID        int64
	Layer     string
	Levels    geo.Levels
	GridCount int
	Note      string
	CreatedAt time.Time
	Current   bool
}

// OpenSQLite opens (creating it and its directory when missing) the SQLite
// file at path and brings its schema up to date.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(ON)&_pragma=busy_timeout(10000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &SQLite{sqlDB: sqlDB{db: db}, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *SQLite) Close() error { return s.db.Close() }

// Path is the file the store was opened on.
func (s *SQLite) Path() string { return s.path }

// Location is the file the store was opened on.
func (s *SQLite) Location() string { return s.path }

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations.
func (s *SQLite) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(sqliteMigrations, "migrations/sqlite/*.sql")
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
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := sqliteMigrations.ReadFile(name)
		if err != nil {
			return err
		}
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, ?)`,
				v, base, time.Now().UTC().Format(time.RFC3339))
			return err
		}); err != nil {
			return fmt.Errorf("migrate %s: %w", base, err)
		}
	}
	return nil
}

func (s *sqlDB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// SaveSet writes set as a new version of its layer, all in one transaction,
// and makes it the layer's current version. It sets set.Version and returns
// it. The set should have passed geo.Set.Validate.
func (s *SQLite) SaveSet(ctx context.Context, set *geo.Set, note string) (int64, error) {
	if set.Layer == "" {
		set.Layer = geo.DefaultLayer
	}
	levels, err := json.Marshal(set.Levels)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO layers(name) VALUES (?) ON CONFLICT DO NOTHING`, set.Layer); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO boundary_versions(layer, levels, grid_count, note, created_at) VALUES (?, ?, ?, ?, ?)`,
			set.Layer, string(levels), len(set.Grids), note, time.Now().UTC().Format(time.RFC3339Nano))
		if err != nil {
			return err
		}
		if id, err = r.LastInsertId(); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO grids(version_id, seq, code, name, level, parent, attrs, geom) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := range set.Grids {
			g := &set.Grids[i]
			attrs, err := json.Marshal(nonNil(g.Attrs))
			if err != nil {
				return fmt.Errorf("grid %q attributes: %w", g.Code, err)
			}
			geom, err := wkb.Marshal(g.Geometry)
			if err != nil {
				return fmt.Errorf("grid %q geometry: %w", g.Code, err)
			}
			if _, err := stmt.ExecContext(ctx, id, i, g.Code, g.Name, g.Level, g.Parent, string(attrs), geom); err != nil {
				return fmt.Errorf("grid %q: %w", g.Code, err)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE layers SET current_version = ? WHERE name = ?`, id, set.Layer)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("save layer %q: %w", set.Layer, err)
	}
	set.Version = id
	return id, nil
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// CurrentSet reads the current version of layer. It returns an error wrapping
// geo.ErrNotFound when the layer has no version yet.
func (s *SQLite) CurrentSet(ctx context.Context, layer string) (*geo.Set, error) {
	if layer == "" {
		layer = geo.DefaultLayer
	}
	var id sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT current_version FROM layers WHERE name = ?`, layer).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !id.Valid) {
		return nil, fmt.Errorf("layer %q has no boundary set: %w", layer, geo.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read layer %q: %w", layer, err)
	}
	return s.VersionSet(ctx, id.Int64)
}

// CurrentVersion is the id of layer's current version, 0 when it has none.
func (s *SQLite) CurrentVersion(ctx context.Context, layer string) (int64, error) {
	if layer == "" {
		layer = geo.DefaultLayer
	}
	var id sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT current_version FROM layers WHERE name = ?`, layer).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("read layer %q: %w", layer, err)
	}
	return id.Int64, nil
}

// VersionSet reads boundary version id, whichever layer it belongs to.
func (s *SQLite) VersionSet(ctx context.Context, id int64) (*geo.Set, error) {
	set := &geo.Set{Version: id}
	var levels string
	var count int
	err := s.db.QueryRowContext(ctx, `SELECT layer, levels, grid_count FROM boundary_versions WHERE id = ?`, id).
		Scan(&set.Layer, &levels, &count)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("boundary version %d: %w", id, geo.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read boundary version %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(levels), &set.Levels); err != nil {
		return nil, fmt.Errorf("boundary version %d levels: %w", id, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, level, parent, attrs, geom FROM grids WHERE version_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("read boundary version %d: %w", id, err)
	}
	defer rows.Close()
	set.Grids = make([]geo.Grid, 0, count)
	for rows.Next() {
		var g geo.Grid
		var attrs string
		var geom []byte
		if err := rows.Scan(&g.Code, &g.Name, &g.Level, &g.Parent, &attrs, &geom); err != nil {
			return nil, err
		}
		if attrs != "{}" { // most grids of a large set have none: keep Attrs nil
			if err := json.Unmarshal([]byte(attrs), &g.Attrs); err != nil {
				return nil, fmt.Errorf("grid %q attributes: %w", g.Code, err)
			}
		}
		gm, err := wkb.Unmarshal(geom)
		if err != nil {
			return nil, fmt.Errorf("grid %q geometry: %w", g.Code, err)
		}
		switch t := gm.(type) {
		case orb.MultiPolygon:
			g.Geometry = t
		case orb.Polygon:
			g.Geometry = orb.MultiPolygon{t}
		default:
			return nil, fmt.Errorf("grid %q geometry is a %s", g.Code, gm.GeoJSONType())
		}
		set.Grids = append(set.Grids, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read boundary version %d: %w", id, err)
	}
	return set, nil
}

// Versions lists the versions of layer ("" for the default layer), oldest
// first. The same SQL serves SQLite and PostgreSQL.
func (s *sqlDB) Versions(ctx context.Context, layer string) ([]VersionInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT v.id, v.layer, v.levels, v.grid_count, v.note, v.created_at,
		CASE WHEN l.current_version = v.id THEN 1 ELSE 0 END
		FROM boundary_versions v JOIN layers l ON l.name = v.layer WHERE v.layer = ? ORDER BY v.id`, cmpLayer(layer))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var v VersionInfo
		var levels, created string
		var current int64
		if err := rows.Scan(&v.ID, &v.Layer, &levels, &v.GridCount, &v.Note, &created, &current); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(levels), &v.Levels); err != nil {
			return nil, err
		}
		v.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		v.Current = current == 1
		out = append(out, v)
	}
	return out, rows.Err()
}

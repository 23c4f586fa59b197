package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// pgGridRows is how many grids one INSERT of SaveSet writes.
const pgGridRows = 64

// SaveSet writes set as a new version of its layer, all in one transaction,
// makes it the layer's current version and announces it on versionChannel
// (delivered at commit to every process listening). It sets set.Version
// and returns it. The set should have passed geo.Set.Validate.
func (p *Postgres) SaveSet(ctx context.Context, set *geo.Set, note string) (int64, error) {
	if set.Layer == "" {
		set.Layer = geo.DefaultLayer
	}
	levels, err := json.Marshal(set.Levels)
	if err != nil {
		return 0, err
	}
	var id int64
	err = p.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO layers(name) VALUES (?) ON CONFLICT DO NOTHING`, set.Layer); err != nil {
			return err
		}
		// One import of a layer at a time, in every process: the row lock
		// is held to the commit.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM layers WHERE name = ? FOR UPDATE`, set.Layer); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO boundary_versions(layer, levels, grid_count, note, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			set.Layer, string(levels), len(set.Grids), note, time.Now().UTC().Format(time.RFC3339Nano)).Scan(&id)
		if err != nil {
			return err
		}
		for start := 0; start < len(set.Grids); start += pgGridRows {
			end := min(start+pgGridRows, len(set.Grids))
			args := make([]any, 0, 8*(end-start))
			for i := start; i < end; i++ {
				g := &set.Grids[i]
				attrs, err := json.Marshal(nonNil(g.Attrs))
				if err != nil {
					return fmt.Errorf("grid %q attributes: %w", g.Code, err)
				}
				geom, err := multiPolygonEWKB(g.Geometry)
				if err != nil {
					return fmt.Errorf("grid %q geometry: %w", g.Code, err)
				}
				args = append(args, id, i, g.Code, g.Name, g.Level, g.Parent, string(attrs), geom)
			}
			q := `INSERT INTO grids(version_id, seq, code, name, level, parent, attrs, geom) VALUES ` +
				strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ST_GeomFromEWKB(?)),`, end-start), ",")
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("grids %d..%d: %w", start, end-1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE layers SET current_version = ? WHERE name = ?`, id, set.Layer); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `SELECT pg_notify(?, ?)`, versionChannel, set.Layer+":"+strconv.FormatInt(id, 10))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("save layer %q: %w", set.Layer, err)
	}
	set.Version = id
	return id, nil
}

// CurrentSet reads the current version of layer. It returns an error wrapping
// geo.ErrNotFound when the layer has no version yet.
func (p *Postgres) CurrentSet(ctx context.Context, layer string) (*geo.Set, error) {
	id, err := p.CurrentVersion(ctx, layer)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, fmt.Errorf("layer %q has no boundary set: %w", cmpLayer(layer), geo.ErrNotFound)
	}
	return p.VersionSet(ctx, id)
}

func cmpLayer(layer string) string {
	if layer == "" {
		return geo.DefaultLayer
	}
	return layer
}

// CurrentVersion is the id of layer's current version, 0 when it has none.
func (p *Postgres) CurrentVersion(ctx context.Context, layer string) (int64, error) {
	layer = cmpLayer(layer)
	var id sql.NullInt64
	err := p.queryRow(ctx, `SELECT current_version FROM layers WHERE name = ?`, layer).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("read layer %q: %w", layer, err)
	}
	return id.Int64, nil
}

// VersionSet reads boundary version id, whichever layer it belongs to, in
// one snapshot.
func (p *Postgres) VersionSet(ctx context.Context, id int64) (*geo.Set, error) {
	set := &geo.Set{Version: id}
	err := p.inTx(ctx, func(tx *sql.Tx) error {
		var levels string
		var count int
		err := tx.QueryRowContext(ctx, `SELECT layer, levels, grid_count FROM boundary_versions WHERE id = ?`, id).
			Scan(&set.Layer, &levels, &count)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("boundary version %d: %w", id, geo.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read boundary version %d: %w", id, err)
		}
		if err := json.Unmarshal([]byte(levels), &set.Levels); err != nil {
			return fmt.Errorf("boundary version %d levels: %w", id, err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT code, name, level, parent, attrs, ST_AsEWKB(geom) FROM grids WHERE version_id = ? ORDER BY seq`, id)
		if err != nil {
			return fmt.Errorf("read boundary version %d: %w", id, err)
		}
		defer rows.Close()
		set.Grids = make([]geo.Grid, 0, count)
		for rows.Next() {
			var g geo.Grid
			var attrs string
			var geom []byte
			if err := rows.Scan(&g.Code, &g.Name, &g.Level, &g.Parent, &attrs, &geom); err != nil {
				return err
			}
			if attrs != "{}" {
				if err := json.Unmarshal([]byte(attrs), &g.Attrs); err != nil {
					return fmt.Errorf("grid %q attributes: %w", g.Code, err)
				}
			}
			if g.Geometry, err = multiPolygonFromEWKB(geom); err != nil {
				return fmt.Errorf("grid %q geometry: %w", g.Code, err)
			}
			set.Grids = append(set.Grids, g)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read boundary version %d: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return set, nil
}

// ReplaceGrids reads a GeoJSON FeatureCollection in the given coordinate
// system (wgs84, gcj02 or bd09; "" is wgs84) and makes exactly its features
// the new current version of layer, all or nothing (see SQLite.ReplaceGrids).
func (p *Postgres) ReplaceGrids(ctx context.Context, layer string, body io.Reader, system string) (*geo.Set, []geo.Warning, error) {
	sys, err := crs.Parse(system)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: crs: %v", geo.ErrInvalidGrid, err)
	}
	f := GridFields{}
	if sys != crs.WGS84 {
		f.Transform = func(pt orb.Point) orb.Point { return crs.Convert(pt, sys, crs.WGS84) }
	}
	grids, err := ReadGrids(body, f, 0)
	if err != nil {
		return nil, nil, err
	}
	return ImportGrids(ctx, p, grids, GridImport{Layer: layer, Replace: true})
}

package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// SiteImport says how ImportSites writes sites.
type SiteImport struct {
	// Append adds the sites to their kinds, replacing a site of the same
	// (kind, id); otherwise each kind in the input is replaced whole.
	Append bool
	// Index, when set, is the boundary index the owners are computed against
	// for the warnings about sites outside every grid.
	Index *geo.Index
}

// SiteImportResult says what ImportSites wrote.
type SiteImportResult struct {
	Kinds    []string // the kinds written, sorted
	Read     int      // sites in the input
	Added    int      // new (kind, id) keys
	Updated  int      // existing keys replaced (Append only)
	Removed  int      // sites of the replaced kinds the input no longer has
	Outside  int      // sites outside every grid of Index
	Warnings []string // one per site outside every grid
}

// ImportSites writes the sites of batches, all or nothing: each kind present
// is replaced whole (or, with Append, added to). A (kind, id) that appears
// twice in the input is a *geo.SiteError naming both places; an empty input
// is an error. Sites outside every grid of imp.Index are written with a
// warning: the owner is computed whenever the sites are used, never stored.
func ImportSites(ctx context.Context, st siteSaver, batches []*SiteBatch, imp SiteImport) (*SiteImportResult, error) {
	type at struct{ b, k int }
	first := map[[2]string]at{}
	var sites []geo.Site
	res := &SiteImportResult{}
	for bi, b := range batches {
		for k := range b.Sites {
			s := &b.Sites[k]
			key := [2]string{s.Kind, s.ID}
			if prev, dup := first[key]; dup {
				return nil, &geo.SiteError{Where: b.Where(k), ID: s.ID,
					Reason: fmt.Sprintf("duplicate id in kind %q (first at %s)", s.Kind, batches[prev.b].Where(prev.k))}
			}
			first[key] = at{bi, k}
			sites = append(sites, *s)
			if !slices.Contains(res.Kinds, s.Kind) {
				res.Kinds = append(res.Kinds, s.Kind)
			}
			if imp.Index != nil && imp.Index.SiteOwner(s.Point, "") < 0 {
				res.Outside++
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s (id %q): outside every grid: imported without an owner", b.Where(k), s.ID))
			}
		}
	}
	if len(sites) == 0 {
		return nil, fmt.Errorf("%w: no sites to import", geo.ErrInvalidSite)
	}
	slices.Sort(res.Kinds)
	res.Read = len(sites)
	var err error
	res.Added, res.Updated, res.Removed, err = st.SaveSites(ctx, sites, imp.Append)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// SaveSites writes validated sites in one transaction: each kind present is
// replaced whole, or with add, the sites are added to their kinds (a site of
// the same key replaced in place, keeping its position). It counts the keys
// that are new, those that existed, and (replacing) those that are gone.
func (s *sqlDB) SaveSites(ctx context.Context, sites []geo.Site, add bool) (added, updated, removed int, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		added, updated, removed = 0, 0, 0
		old := map[string]map[string]bool{} // ids per kind before the import
		next := map[string]int64{}          // next seq per kind
		for _, st := range sites {
			if _, ok := old[st.Kind]; ok {
				continue
			}
			ids, seq, err := kindIDs(ctx, tx, st.Kind)
			if err != nil {
				return err
			}
			old[st.Kind], next[st.Kind] = ids, seq
			if !add {
				if _, err := tx.ExecContext(ctx, `DELETE FROM sites WHERE kind = ?`, st.Kind); err != nil {
					return err
				}
				next[st.Kind] = 0
			}
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO sites(kind, id, seq, name, lon, lat, weight, capacity, attrs)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(kind, id) DO UPDATE SET name = excluded.name, lon = excluded.lon, lat = excluded.lat,
				weight = excluded.weight, capacity = excluded.capacity, attrs = excluded.attrs`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, st := range sites {
			if old[st.Kind][st.ID] {
				updated++
			} else {
				added++
			}
			attrs, err := json.Marshal(nonNil(st.Attrs))
			if err != nil {
				return fmt.Errorf("site %s/%s attributes: %w", st.Kind, st.ID, err)
			}
			var capacity any
			if st.Capacity != nil {
				capacity = *st.Capacity
			}
			if _, err := ins.ExecContext(ctx, st.Kind, st.ID, next[st.Kind], st.Name, st.Point[0], st.Point[1], st.Weight, capacity, string(attrs)); err != nil {
				return fmt.Errorf("site %s/%s: %w", st.Kind, st.ID, err)
			}
			next[st.Kind]++
		}
		if !add {
			for _, ids := range old {
				removed += len(ids)
			}
			removed -= updated
		}
		if s.pg { // tell the other servers on the database (see SitesVersion)
			if _, err := tx.ExecContext(ctx, `UPDATE change_counters SET n = n + 1 WHERE name = 'sites'`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `SELECT pg_notify(?, 'sites')`, versionChannel); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("save sites: %w", err)
	}
	return added, updated, removed, nil
}

// kindIDs returns the ids of kind's sites and the seq after the last.
func kindIDs(ctx context.Context, tx *sql.Tx, kind string) (map[string]bool, int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, seq FROM sites WHERE kind = ?`, kind)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	ids := map[string]bool{}
	var next int64
	for rows.Next() {
		var id string
		var seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			return nil, 0, err
		}
		ids[id] = true
		next = max(next, seq+1)
	}
	return ids, next, rows.Err()
}

// Sites reads the sites of kind ("" for every kind), ordered by kind and
// then input order.
func (s *sqlDB) Sites(ctx context.Context, kind string) ([]geo.Site, error) {
	q := `SELECT kind, id, name, lon, lat, weight, capacity, attrs FROM sites ORDER BY kind, seq`
	args := []any{}
	if kind != "" {
		q = `SELECT kind, id, name, lon, lat, weight, capacity, attrs FROM sites WHERE kind = ? ORDER BY seq`
		args = append(args, kind)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read sites: %w", err)
	}
	defer rows.Close()
	var out []geo.Site
	for rows.Next() {
		var st geo.Site
		var capacity sql.NullFloat64
		var attrs string
		if err := rows.Scan(&st.Kind, &st.ID, &st.Name, &st.Point[0], &st.Point[1], &st.Weight, &capacity, &attrs); err != nil {
			return nil, fmt.Errorf("read sites: %w", err)
		}
		if capacity.Valid {
			st.Capacity = &capacity.Float64
		}
		if err := json.Unmarshal([]byte(attrs), &st.Attrs); err != nil {
			return nil, fmt.Errorf("site %s/%s attributes: %w", st.Kind, st.ID, err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// SiteCount is the number of sites of every kind.
func (s *sqlDB) SiteCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sites`).Scan(&n)
	return n, err
}

// ReplaceSites reads sites in format (geojson or csv) and coordinate system
// (wgs84, gcj02 or bd09; "" is wgs84) from body and writes them, all or
// nothing: each kind present replaced whole, or with add, added to. kind,
// when not "", is the kind of sites naming none, and the only kind allowed.
// Bad input is reported with errors wrapping geo.ErrInvalidSite (a
// *geo.SiteError names the feature or line). It returns the kinds written
// and the number of sites read.
func (s *sqlDB) ReplaceSites(ctx context.Context, body io.Reader, format, kind, system string, add bool) ([]string, int, error) {
	sys, err := crs.Parse(system)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: crs: %v", geo.ErrInvalidSite, err)
	}
	if kind != "" {
		if err := geo.CheckKind(kind); err != nil {
			return nil, 0, fmt.Errorf("%w: %v", geo.ErrInvalidSite, err)
		}
	}
	f := SiteFields{Kind: kind}
	if sys != crs.WGS84 {
		f.Transform = func(p orb.Point) orb.Point { return crs.Convert(p, sys, crs.WGS84) }
	}
	b, err := ReadSites(body, format, f)
	if err != nil {
		return nil, 0, err
	}
	res, err := ImportSites(ctx, s, []*SiteBatch{b}, SiteImport{Append: add})
	if err != nil {
		return nil, 0, err
	}
	return res.Kinds, res.Read, nil
}

package data

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// GridImport says how ImportGrids turns grids read from files into a new
// boundary version.
type GridImport struct {
	Layer   string     // default geo.DefaultLayer
	Replace bool       // the version holds exactly the new grids; else upsert by code
	Levels  geo.Levels // vocabulary; nil keeps the layer's (or the default)
	Note    string
	// Check, when set, is called with the index of the new version after it
	// is validated and before it is saved: an error stops the import with
	// nothing written (wangge import grids --strict checks the topology
	// here).
	Check func(ctx context.Context, ix *geo.Index) error
}

// ImportGrids makes grids (as read, in input order) a new version of the
// layer: merged into a copy of the current version unless Replace, validated
// (geo.Set.Validate, which also normalises geometry), indexed and passed to
// imp.Check as a check, then saved in one transaction. Nothing is written when any step fails; an
// invalid grid is reported as a *geo.GridError whose Index is the grid's
// position in grids (or ≥ len(grids) for a grid kept from the current
// version). It returns the saved set and the validation warnings.
func ImportGrids(ctx context.Context, st Store, grids []geo.Grid, imp GridImport) (*geo.Set, []geo.Warning, error) {
	if imp.Layer == "" {
		imp.Layer = geo.DefaultLayer
	}
	set := &geo.Set{Layer: imp.Layer, Grids: grids}
	prev, err := st.CurrentSet(ctx, imp.Layer)
	switch {
	case errors.Is(err, geo.ErrNotFound):
	case err != nil:
		return nil, nil, err
	default:
		set.Levels = prev.Levels
		if !imp.Replace {
			set.Grids = upsert(grids, prev.Grids)
		}
	}
	if len(imp.Levels) > 0 {
		set.Levels = imp.Levels
	}
	if len(set.Grids) == 0 {
		return nil, nil, fmt.Errorf("%w: no grids to import", geo.ErrInvalidGrid)
	}
	warns, err := set.Validate()
	if err != nil {
		return nil, warns, err
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		return nil, warns, err
	}
	if imp.Check != nil {
		if err := imp.Check(ctx, ix); err != nil {
			return nil, warns, err
		}
	}
	if _, err := st.SaveSet(ctx, set, imp.Note); err != nil {
		return nil, warns, err
	}
	return set, warns, nil
}

// upsert returns the new grids, in order, followed by the old grids whose code
// the new ones do not have.
func upsert(grids, old []geo.Grid) []geo.Grid {
	have := make(map[string]bool, len(grids))
	for i := range grids {
		have[grids[i].Code] = true
	}
	out := append([]geo.Grid(nil), grids...)
	for _, g := range old {
		if !have[g.Code] {
			out = append(out, g)
		}
	}
	return out
}

// ReplaceGrids reads a GeoJSON FeatureCollection in the given coordinate
// system (wgs84, gcj02 or bd09; "" is wgs84) and makes exactly its features
// the new current version of layer, all or nothing. Bad input is reported
// with errors wrapping geo.ErrInvalidGrid.
func (s *SQLite) ReplaceGrids(ctx context.Context, layer string, body io.Reader, system string) (*geo.Set, []geo.Warning, error) {
	sys, err := crs.Parse(system)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: crs: %v", geo.ErrInvalidGrid, err)
	}
	f := GridFields{}
	if sys != crs.WGS84 {
		f.Transform = func(p orb.Point) orb.Point { return crs.Convert(p, sys, crs.WGS84) }
	}
	grids, err := ReadGrids(body, f, 0)
	if err != nil {
		return nil, nil, err
	}
	return ImportGrids(ctx, s, grids, GridImport{Layer: layer, Replace: true})
}

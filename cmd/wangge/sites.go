package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// importSites: wangge import sites FILE... [--db PATH] [--kind KIND] [--crs X] [--append]
func (m *Main) importSites(ctx context.Context, args []string) error {
	fs := m.newFlags("import sites")
	db := m.dbFlag(fs)
	kind := fs.String("kind", "", "`kind` of sites that name none (and the only kind allowed): station, school, residential, candidate, ...")
	crsName := fs.String("crs", "wgs84", "coordinate system of the input: wgs84, gcj02 or bd09")
	add := fs.Bool("append", false, "add to the kinds (replacing sites of the same kind and id) instead of replacing each kind whole")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: no input files (wangge import sites FILE... [flags])", errUsage)
	}
	transform, err := inputTransform(*crsName)
	if err != nil {
		return err
	}
	if *kind != "" {
		if err := geo.CheckKind(*kind); err != nil {
			return fmt.Errorf("%w: --kind: %v", errUsage, err)
		}
	}
	f := data.SiteFields{Kind: *kind, Transform: transform}
	var batches []*data.SiteBatch
	for _, path := range files {
		b, err := data.ReadSitesFile(path, f)
		if err != nil {
			return fmt.Errorf("%w (nothing imported)", err)
		}
		batches = append(batches, b)
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	ix, err := currentIndex(ctx, store)
	if err != nil {
		return err
	}
	if ix == nil {
		fmt.Fprintln(m.Stderr, "note: no boundary set yet; owners are computed once one is imported")
	}
	res, err := data.ImportSites(ctx, store, batches, data.SiteImport{Append: *add, Index: ix})
	if err != nil {
		return fmt.Errorf("%w (nothing imported)", err)
	}
	for _, w := range res.Warnings[:min(len(res.Warnings), maxSiteWarnings)] {
		fmt.Fprintf(m.Stderr, "warning: %s\n", w)
	}
	if len(res.Warnings) > maxSiteWarnings {
		fmt.Fprintf(m.Stderr, "warning: and %d more sites outside every grid\n", len(res.Warnings)-maxSiteWarnings)
	}
	fmt.Fprintf(m.Stdout, "sites %s: %d read, %d added, %d updated, %d removed, %d outside every grid\n",
		strings.Join(res.Kinds, ","), res.Read, res.Added, res.Updated, res.Removed, res.Outside)
	return nil
}

// maxSiteWarnings caps the warnings import sites prints one by one.
const maxSiteWarnings = 100

// currentIndex indexes the store's current main boundary set; nil when there
// is none yet.
func currentIndex(ctx context.Context, store data.Store) (*geo.Index, error) {
	set, err := store.CurrentSet(ctx, geo.DefaultLayer)
	if errors.Is(err, geo.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		return nil, fmt.Errorf("index boundary version %d: %w", set.Version, err)
	}
	return ix, nil
}

// sites: wangge sites [--db PATH] [--kind KIND] [--grid CODE] [--format csv|geojson]
func (m *Main) sites(ctx context.Context, args []string) error {
	fs := m.newFlags("sites")
	db := m.dbFlag(fs)
	kind := fs.String("kind", "", "only this `kind`")
	grid := fs.String("grid", "", "only sites inside the grid with this `code` (any level)")
	format := fs.String("format", "csv", "csv or geojson")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if *format != "csv" && *format != "geojson" {
		return fmt.Errorf("%w: --format must be csv or geojson", errUsage)
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	ix, err := currentIndex(ctx, store)
	if err != nil {
		return err
	}
	within := int32(-1)
	if *grid != "" {
		i, ok := int32(-1), false
		if ix != nil {
			i, ok = ix.Lookup(*grid)
		}
		if !ok {
			return fmt.Errorf("%w: --grid: no grid %q in the current boundary set", errUsage, *grid)
		}
		within = i
	}
	all, err := store.Sites(ctx, *kind)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(m.Stdout)
	defer w.Flush()
	cw := csv.NewWriter(w)
	if *format == "csv" {
		cw.Write([]string{"kind", "id", "name", "lon", "lat", "weight", "capacity", "grid", "path"})
	} else {
		w.WriteString(`{"type":"FeatureCollection","features":[`)
	}
	n := 0
	for k := range all {
		st := &all[k]
		owner := int32(-1)
		if ix != nil {
			owner = ix.SiteOwner(st.Point, "")
		}
		if within >= 0 && (owner < 0 || !slices.Contains(ix.Path(owner), within)) {
			continue
		}
		code, path := "", ""
		if owner >= 0 {
			code = ix.Grid(owner).Code
			var codes []string
			for _, p := range ix.Path(owner) {
				codes = append(codes, ix.Grid(p).Code)
			}
			path = strings.Join(codes, "/")
		}
		if *format == "csv" {
			capacity := ""
			if st.Capacity != nil {
				capacity = fmtNum(*st.Capacity)
			}
			cw.Write([]string{st.Kind, st.ID, st.Name, fmtNum(st.Point[0]), fmtNum(st.Point[1]), fmtNum(st.Weight), capacity, code, path})
			continue
		}
		if n > 0 {
			w.WriteByte(',')
		}
		props := map[string]any{"id": st.ID, "kind": st.Kind, "name": st.Name, "weight": st.Weight, "capacity": st.Capacity, "grid": nil, "attributes": nonNilMap(st.Attrs)}
		if code != "" {
			props["grid"] = code
		}
		if err := writeFeature(w, st.Point, props); err != nil {
			return err
		}
		n++
	}
	if *format == "csv" {
		cw.Flush()
		return cw.Error()
	}
	w.WriteString("]}\n")
	return nil
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

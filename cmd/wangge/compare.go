package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/topology"
)

// layerList collects a repeated --layer flag.
type layerList []string

func (l *layerList) String() string { return strings.Join(*l, ",") }
func (l *layerList) Set(s string) error {
	if s == "" {
		return fmt.Errorf("empty layer name")
	}
	*l = append(*l, s)
	return nil
}

// twoLayers reads the current sets of the two layers named by --layer and
// picks from each the grids compared: those of level (when given), else the
// leaves (grids without children), which tile a clean layer.
func twoLayers(ctx context.Context, store data.Store, layers layerList, level string) ([2]*geo.Set, [2][]geo.Grid, error) {
	var sets [2]*geo.Set
	var grids [2][]geo.Grid
	if len(layers) != 2 {
		return sets, grids, fmt.Errorf("%w: give two layers: --layer A --layer B", errUsage)
	}
	for k, name := range layers {
		set, err := store.CurrentSet(ctx, name)
		if err != nil {
			return sets, grids, err
		}
		gs, err := pickGrids(set, level)
		if err != nil {
			return sets, grids, err
		}
		sets[k], grids[k] = set, gs
	}
	return sets, grids, nil
}

func pickGrids(set *geo.Set, level string) ([]geo.Grid, error) {
	if level != "" && set.Levels.Rank(level) < 0 {
		return nil, fmt.Errorf("%w: --level: layer %s has no level %q (levels: %s)", errUsage, set.Layer, level, strings.Join(set.Levels, ", "))
	}
	hasChild := map[string]bool{}
	for _, g := range set.Grids {
		if g.Parent != "" {
			hasChild[g.Parent] = true
		}
	}
	var out []geo.Grid
	for _, g := range set.Grids {
		if (level != "" && g.Level == level) || (level == "" && !hasChild[g.Code]) {
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("layer %s has no grid of level %q", set.Layer, level)
	}
	return out, nil
}

// compare: wangge compare --layer A --layer B [--level L] [--min-share S]
// [--format csv|geojson] [--db PATH]
func (m *Main) compare(ctx context.Context, args []string) error {
	fs := m.newFlags("compare")
	db := m.dbFlag(fs)
	var layers layerList
	fs.Var(&layers, "layer", "a boundary `layer` (give two: --layer A --layer B)")
	level := fs.String("level", "", "compare the grids of this `level` in both layers (default: each layer's leaves)")
	minShare := fs.Float64("min-share", 0.01, "share of an A grid a B grid must hold to count toward a split")
	format := fs.String("format", "csv", "output: csv or geojson")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "csv" && *format != "geojson" {
		return fmt.Errorf("%w: --format must be csv or geojson", errUsage)
	}
	if math.IsNaN(*minShare) || *minShare <= 0 || *minShare > 1 {
		return fmt.Errorf("%w: --min-share must be in (0, 1]", errUsage)
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	sets, grids, err := twoLayers(ctx, store, layers, *level)
	if err != nil {
		return err
	}
	cw, err := topology.Compare(ctx, grids[0], grids[1], topology.CompareOptions{MinShare: *minShare})
	if err != nil {
		return err
	}
	if *format == "csv" {
		err = writeCrosswalkCSV(m.Stdout, cw, grids)
	} else {
		err = writeCrosswalkGeoJSON(m.Stdout, cw, grids)
	}
	if err != nil {
		return err
	}
	var onlyA, onlyB float64
	for _, p := range cw.OnlyA {
		onlyA += p.AreaM2
	}
	for _, p := range cw.OnlyB {
		onlyB += p.AreaM2
	}
	fmt.Fprintf(m.Stderr, "%s version %d (%d grids) × %s version %d (%d grids): %d pairs, %d grids of %s split, %.0f m² only in %s, %.0f m² only in %s\n",
		sets[0].Layer, sets[0].Version, len(grids[0]), sets[1].Layer, sets[1].Version, len(grids[1]), len(cw.Pairs), len(cw.Splits), sets[0].Layer,
		onlyA, sets[0].Layer, onlyB, sets[1].Layer)
	return nil
}

func nameIndex(grids [2][]geo.Grid) [2]map[string]string {
	var out [2]map[string]string
	for k, gs := range grids {
		out[k] = make(map[string]string, len(gs))
		for _, g := range gs {
			out[k][g.Code] = g.Name
		}
	}
	return out
}

func fmtFloat(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// writeCrosswalkCSV writes kind,a,a_name,b,b_name,area_m2,share_a,share_b:
// a row per pair (kind pair), per grid's ground only its layer covers
// (only_a, only_b), and per split grid of A (kind split: b lists the B
// grids separated by ";", share_a their shares in the same order, area_m2
// the A grid's area).
func writeCrosswalkCSV(w io.Writer, cw *topology.Crosswalk, grids [2][]geo.Grid) error {
	names := nameIndex(grids)
	cw2 := csv.NewWriter(w)
	cw2.Write([]string{"kind", "a", "a_name", "b", "b_name", "area_m2", "share_a", "share_b"})
	for _, p := range cw.Pairs {
		cw2.Write([]string{"pair", p.A, names[0][p.A], p.B, names[1][p.B], fmtFloat(p.AreaM2, 2), fmtFloat(p.ShareA, 6), fmtFloat(p.ShareB, 6)})
	}
	for _, p := range cw.OnlyA {
		cw2.Write([]string{"only_a", p.Code, names[0][p.Code], "", "", fmtFloat(p.AreaM2, 2), fmtFloat(p.Share, 6), ""})
	}
	for _, p := range cw.OnlyB {
		cw2.Write([]string{"only_b", "", "", p.Code, names[1][p.Code], fmtFloat(p.AreaM2, 2), "", fmtFloat(p.Share, 6)})
	}
	for _, s := range cw.Splits {
		var bn, sh []string
		for i, b := range s.B {
			bn = append(bn, names[1][b])
			sh = append(sh, fmtFloat(s.Shares[i], 6))
		}
		cw2.Write([]string{"split", s.A, names[0][s.A], strings.Join(s.B, ";"), strings.Join(bn, ";"), fmtFloat(cw.AreaA[s.A], 2), strings.Join(sh, ";"), ""})
	}
	cw2.Flush()
	return cw2.Error()
}

// writeCrosswalkGeoJSON writes the pairs and the ground only one layer
// covers as a FeatureCollection (properties as the CSV columns).
func writeCrosswalkGeoJSON(w io.Writer, cw *topology.Crosswalk, grids [2][]geo.Grid) error {
	names := nameIndex(grids)
	fc := geojson.NewFeatureCollection()
	for _, p := range cw.Pairs {
		f := geojson.NewFeature(p.Geometry)
		f.Properties = geojson.Properties{"kind": "pair", "a": p.A, "a_name": names[0][p.A], "b": p.B, "b_name": names[1][p.B],
			"area_m2": math.Round(p.AreaM2*100) / 100, "share_a": p.ShareA, "share_b": p.ShareB}
		fc.Append(f)
	}
	for _, p := range cw.OnlyA {
		f := geojson.NewFeature(p.Geometry)
		f.Properties = geojson.Properties{"kind": "only_a", "a": p.Code, "a_name": names[0][p.Code], "area_m2": math.Round(p.AreaM2*100) / 100, "share_a": p.Share}
		fc.Append(f)
	}
	for _, p := range cw.OnlyB {
		f := geojson.NewFeature(p.Geometry)
		f.Properties = geojson.Properties{"kind": "only_b", "b": p.Code, "b_name": names[1][p.Code], "area_m2": math.Round(p.AreaM2*100) / 100, "share_b": p.Share}
		fc.Append(f)
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

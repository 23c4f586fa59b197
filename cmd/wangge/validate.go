package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/topology"
)

// validate: wangge validate [--db PATH] [--layer NAME] [--level L]
// [--min-area-m2 A] [--format text|json|geojson]
//
// It prints the report on stdout and a one-line summary on stderr; the exit
// status is 0 whether or not there are problems (1 when it cannot run).
func (m *Main) validate(ctx context.Context, args []string) error {
	fs := m.newFlags("validate")
	db := m.dbFlag(fs)
	layer := fs.String("layer", geo.DefaultLayer, "boundary `layer` to check")
	level := fs.String("level", "", "check only the grids of this `level` (default: every level)")
	minArea := fs.Float64("min-area-m2", topology.DefaultMinAreaM2, "area threshold in m²: smaller overlaps and gaps are not reported, smaller parts are slivers")
	format := fs.String("format", "text", "output: text, json or geojson")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	write, err := reportWriter(*format)
	if err != nil {
		return err
	}
	if math.IsNaN(*minArea) || math.IsInf(*minArea, 0) || *minArea < 0 {
		return fmt.Errorf("%w: --min-area-m2 must be a number ≥ 0", errUsage)
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	set, err := store.CurrentSet(ctx, *layer)
	if err != nil {
		return err
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := topology.Validate(ctx, ix, topology.Options{Level: *level, MinAreaM2: *minArea})
	if errors.Is(err, geo.ErrUnknownLevel) {
		return fmt.Errorf("%w: --level: %v", errUsage, err)
	}
	if err != nil {
		return err
	}
	if err := write(rep, m.Stdout); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "%s (%.1fs)\n", summary(rep), time.Since(start).Seconds())
	return nil
}

// reportWriter returns the writer of a report format.
func reportWriter(format string) (func(*topology.Report, io.Writer) error, error) {
	switch format {
	case "text":
		return (*topology.Report).WriteText, nil
	case "json":
		return (*topology.Report).WriteJSON, nil
	case "geojson":
		return (*topology.Report).WriteGeoJSON, nil
	}
	return nil, fmt.Errorf("%w: --format must be text, json or geojson", errUsage)
}

// summary counts a report's problems in one line.
func summary(rep *topology.Report) string {
	s := fmt.Sprintf("layer %s version %d: %d grids checked, %d problems", rep.Layer, rep.Version, rep.Grids, len(rep.Problems))
	sep := " ("
	for _, k := range topology.Kinds {
		if n := rep.Count(k); n > 0 {
			s += fmt.Sprintf("%s%s %d", sep, k, n)
			sep = ", "
		}
	}
	if sep == ", " {
		s += ")"
	}
	return s
}

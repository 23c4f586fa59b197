package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

// coverage: wangge coverage --service KIND --demand KIND (--radius-m M | --preset P)
// [--level L] [--format json|csv|geojson] [--presets FILE] [--db PATH]
func (m *Main) coverage(ctx context.Context, args []string) error {
	fs := m.newFlags("coverage")
	db := m.dbFlag(fs)
	service := fs.String("service", "", "`kind` of the service sites (station, school, clinic, ...)")
	demand := fs.String("demand", "", "`kind` of the demand sites (residential, construction_site, ...)")
	radius := optFloat(fs, "radius-m", "reach in great-circle `metres` (overrides the preset's)")
	preset := fs.String("preset", "", "a preset reach: 5min, 10min, 15min, kindergarten, primary_school, middle_school, or one of --presets")
	level := fs.String("level", "", "level of the grid rows (default: the finest with grids)")
	format := fs.String("format", "json", "json (the /v1/coverage answer), csv (one row per grid) or geojson (the uncovered sites)")
	presetsFile := m.presetsFlag(fs)
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if *format != "json" && *format != "csv" && *format != "geojson" {
		return fmt.Errorf("%w: --format must be json, csv or geojson", errUsage)
	}
	presets, err := loadPresets(*presetsFile)
	if err != nil {
		return err
	}
	r, err := presets.Radius("radius_m", radius.get(), *preset)
	if err != nil {
		return cliInput(err)
	}
	pc, err := m.openPlanning(ctx, *db)
	if err != nil {
		return err
	}
	defer pc.store.Close()
	svc, err := pc.sites.Lookup("service", *service)
	if err != nil {
		return cliInput(err)
	}
	dem, err := pc.sites.Lookup("demand", *demand)
	if err != nil {
		return cliInput(err)
	}
	rep, err := plan.Coverage(ctx, plan.CoverageQuery{Service: svc, Demand: dem, ServiceKind: *service, DemandKind: *demand,
		RadiusM: r, Index: pc.ix, Level: *level})
	if err != nil {
		return cliInput(err)
	}
	t := rep.Totals
	fmt.Fprintf(m.Stderr, "%s within %g m of a %s: weight %s of %s (%.1f%%), %d of %d sites; %d grids without service\n",
		*demand, r, *service, fmtNum(t.CoveredWeight), fmtNum(t.DemandWeight), 100*t.Ratio, t.CoveredCount, t.DemandCount, len(rep.GridsWithoutService))
	w := bufio.NewWriter(m.Stdout)
	defer w.Flush()
	switch *format {
	case "csv":
		return writeCoverageCSV(w, rep)
	case "geojson":
		w.WriteString(`{"type":"FeatureCollection","features":[`)
		for k, u := range rep.Uncovered {
			if k > 0 {
				w.WriteByte(',')
			}
			if err := writeFeature(w, orb.Point{u.Lon, u.Lat}, map[string]any{"id": u.ID, "name": u.Name, "weight": u.Weight,
				"grid": u.Grid, "nearest_service_m": u.NearestServiceM, "needed_radius_m": u.NeededRadiusM}); err != nil {
				return err
			}
		}
		w.WriteString("]}\n")
		return nil
	}
	return writeJSON(w, rep)
}

// writeCoverageCSV writes one row per grid, the outside row last.
func writeCoverageCSV(w io.Writer, rep *plan.CoverageReport) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"code", "name", "demand_weight", "covered_weight", "ratio", "demand_count", "service_count", "max_nearest_service_m"})
	for _, g := range rep.Grids {
		code, name := "", "(outside every grid)"
		if g.Code != nil {
			code, name = *g.Code, *g.Name
		}
		near := ""
		if g.MaxNearestServiceM != nil {
			near = fmtNum(*g.MaxNearestServiceM)
		}
		cw.Write([]string{code, name, fmtNum(g.DemandWeight), fmtNum(g.CoveredWeight), fmtRatio(g.Ratio),
			strconv.Itoa(g.DemandCount), strconv.Itoa(g.ServiceCount), near})
	}
	cw.Flush()
	return cw.Error()
}

func fmtRatio(r float64) string { return strconv.FormatFloat(math.Round(r*1e6)/1e6, 'f', -1, 64) }

// planning is what coverage and siting read from the store.
type planning struct {
	store data.Store
	ix    *geo.Index // nil without a boundary set
	sites *plan.SiteSet
}

// openPlanning opens the store and reads the current boundaries and every
// site. The caller closes pc.store.
func (m *Main) openPlanning(ctx context.Context, db string) (*planning, error) {
	store, err := data.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	ix, err := currentIndex(ctx, store)
	if err != nil {
		store.Close()
		return nil, err
	}
	if ix == nil {
		fmt.Fprintln(m.Stderr, "note: no boundary set: every site is grouped as outside every grid")
	}
	all, err := store.Sites(ctx, "")
	if err != nil {
		store.Close()
		return nil, err
	}
	return &planning{store: store, ix: ix, sites: plan.NewSiteSet(all)}, nil
}

// presetsFlag is --presets FILE (env WANGGE_PRESETS).
func (m *Main) presetsFlag(fs *flag.FlagSet) *string {
	return fs.String("presets", m.env("WANGGE_PRESETS", ""), "JSON `file` overriding or adding coverage presets, {\"15min\": 800, ...} (env WANGGE_PRESETS)")
}

// loadPresets returns the default presets with a presets file applied.
func loadPresets(path string) (plan.Presets, error) {
	if path == "" {
		return plan.DefaultPresets, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: --presets: %v", errUsage, err)
	}
	over, err := plan.ParsePresets(b)
	if err != nil {
		return nil, fmt.Errorf("%w: --presets %s: %v", errUsage, path, err)
	}
	return plan.DefaultPresets.With(over), nil
}

// cliInput turns a plan.InputError into a usage error naming the flag.
func cliInput(err error) error {
	var ie *plan.InputError
	if !errors.As(err, &ie) {
		return err
	}
	flagName := map[string]string{"service": "--service", "demand": "--demand", "radius_m": "--radius-m", "preset": "--preset",
		"level": "--level", "k": "--k", "objective": "--objective", "target_ratio": "--target-ratio",
		"candidates": "--candidates", "candidates.kind": "--candidates", "candidates.lattice_m": "--lattice-m"}[ie.Field]
	if flagName == "" {
		flagName = ie.Field
	}
	msg := ie.Message
	if rest, ok := strings.CutPrefix(msg, ie.Field); ok && ie.Field != "" {
		msg = flagName + rest
	} else {
		msg = flagName + ": " + msg
	}
	return fmt.Errorf("%w: %s", errUsage, msg)
}

// optFloat is a float flag that knows whether it was given.
type optFloatValue struct {
	v   float64
	set bool
}

func optFloat(fs *flag.FlagSet, name, usage string) *optFloatValue {
	o := &optFloatValue{}
	fs.Var(o, name, usage)
	return o
}

func (o *optFloatValue) String() string {
	if o == nil || !o.set {
		return ""
	}
	return fmtNum(o.v)
}

func (o *optFloatValue) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return errors.New("not a finite number")
	}
	o.v, o.set = v, true
	return nil
}

func (o *optFloatValue) get() *float64 {
	if !o.set {
		return nil
	}
	return &o.v
}

// writeJSON writes v as indented JSON and a newline.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeFeature writes a GeoJSON Point feature (properties in key order).
func writeFeature(w *bufio.Writer, p orb.Point, props map[string]any) error {
	b, err := json.Marshal(props)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, `{"type":"Feature","geometry":{"type":"Point","coordinates":[%s,%s]},"properties":`, fmtNum(p[0]), fmtNum(p[1]))
	w.Write(b)
	return w.WriteByte('}')
}

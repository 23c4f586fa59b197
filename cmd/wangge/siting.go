package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo/plan"
)

// siting: wangge site --service KIND --demand KIND (--radius-m M | --preset P)
// (--candidates KIND | --lattice-m M | --label-points | --candidates-file FILE)
// [--k N] [--objective max_coverage|min_sites] [--target-ratio R] [--level L]
// [--format json|csv|geojson] [--presets FILE] [--db PATH]
func (m *Main) siting(ctx context.Context, args []string) error {
	fs := m.newFlags("site")
	db := m.dbFlag(fs)
	service := fs.String("service", "", "`kind` of the existing service sites (they stay open)")
	demand := fs.String("demand", "", "`kind` of the demand sites whose weight is to be covered")
	radius := optFloat(fs, "radius-m", "reach in great-circle `metres` (overrides the preset's)")
	preset := fs.String("preset", "", "a preset reach (see wangge coverage)")
	k := fs.Int("k", 0, "max_coverage: how many new sites; min_sites: at most this many (0: no cap)")
	objective := fs.String("objective", plan.MaxCoverage, "max_coverage (k sites reaching the most) or min_sites (the fewest reaching --target-ratio)")
	target := optFloat(fs, "target-ratio", "min_sites: the share of all demand weight to reach, in (0,1]")
	candKind := fs.String("candidates", "", "candidates: the sites of this `kind` (e.g. candidate)")
	lattice := optFloat(fs, "lattice-m", "candidates: a square lattice of this spacing in `metres` inside the district")
	labels := fs.Bool("label-points", false, "candidates: the label point of every grid at --level")
	candFile := fs.String("candidates-file", "", "candidates: a CSV (id,lon,lat) or GeoJSON `file` of points (WGS-84)")
	level := fs.String("level", "", "level of the grid rows and label points (default: the finest with grids)")
	format := fs.String("format", "json", "json (the /v1/siting answer), csv (the chosen sites) or geojson (the chosen sites)")
	presetsFile := m.presetsFlag(fs)
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if *format != "json" && *format != "csv" && *format != "geojson" {
		return fmt.Errorf("%w: --format must be json, csv or geojson", errUsage)
	}
	n := 0
	for _, given := range []bool{*candKind != "", lattice.set, *labels, *candFile != ""} {
		if given {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("%w: give exactly one of --candidates, --lattice-m, --label-points, --candidates-file", errUsage)
	}
	presets, err := loadPresets(*presetsFile)
	if err != nil {
		return err
	}
	q := plan.SitingQuery{ServiceKind: *service, DemandKind: *demand, K: *k, Objective: *objective, Level: *level}
	if q.RadiusM, err = presets.Radius("radius_m", radius.get(), *preset); err != nil {
		return cliInput(err)
	}
	if q.Objective == plan.MinSites {
		if !target.set {
			return fmt.Errorf("%w: --target-ratio is required with --objective min_sites", errUsage)
		}
		q.TargetRatio = target.v
	}
	pc, err := m.openPlanning(ctx, *db)
	if err != nil {
		return err
	}
	defer pc.store.Close()
	q.Index = pc.ix
	if q.Service, err = pc.sites.Lookup("service", *service); err != nil {
		return cliInput(err)
	}
	if q.Demand, err = pc.sites.Lookup("demand", *demand); err != nil {
		return cliInput(err)
	}
	switch {
	case *candKind != "":
		sites, err := pc.sites.Lookup("candidates.kind", *candKind)
		if err != nil {
			return cliInput(err)
		}
		q.Candidates = plan.SiteCandidates(sites)
	case *candFile != "":
		b, err := data.ReadSitesFile(*candFile, data.SiteFields{Kind: "candidate"})
		if err != nil {
			return err
		}
		q.Candidates = plan.SiteCandidates(b.Sites)
	case lattice.set:
		if pc.ix == nil {
			return fmt.Errorf("--lattice-m needs a boundary set: import grids first")
		}
		if q.Candidates, err = plan.LatticeCandidates(pc.ix, lattice.v); err != nil {
			return cliInput(err)
		}
	default:
		if pc.ix == nil {
			return fmt.Errorf("--label-points needs a boundary set: import grids first")
		}
		if q.Candidates, err = plan.LabelCandidates(pc.ix, *level); err != nil {
			return cliInput(err)
		}
	}
	rep, err := plan.Siting(ctx, q)
	if err != nil {
		return cliInput(err)
	}
	fmt.Fprintf(m.Stderr, "%d new sites of %d candidates: %s covered %s → %s of %s (%.1f%% → %.1f%%); no %d sites cover more than %s\n",
		len(rep.Chosen), rep.CandidateCount, *demand, fmtNum(rep.Before.CoveredWeight), fmtNum(rep.After.CoveredWeight),
		fmtNum(rep.DemandWeight), 100*rep.Before.Ratio, 100*rep.After.Ratio, len(rep.Chosen), fmtNum(rep.UpperBoundWeight))
	w := bufio.NewWriter(m.Stdout)
	defer w.Flush()
	switch *format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"rank", "lon", "lat", "candidate_id", "grid", "marginal_gain", "covered_weight", "ratio"})
		covered := rep.Before.CoveredWeight
		for r, c := range rep.Chosen {
			covered += c.MarginalGain
			cw.Write([]string{strconv.Itoa(r + 1), fmtNum(c.Lon), fmtNum(c.Lat), deref(c.CandidateID), deref(c.Grid),
				fmtNum(c.MarginalGain), fmtNum(covered), fmtRatio(ratioOf(covered, rep.DemandWeight))})
		}
		cw.Flush()
		return cw.Error()
	case "geojson":
		w.WriteString(`{"type":"FeatureCollection","features":[`)
		for r, c := range rep.Chosen {
			if r > 0 {
				w.WriteByte(',')
			}
			if err := writeFeature(w, orb.Point{c.Lon, c.Lat}, map[string]any{"rank": r + 1, "candidate_id": c.CandidateID,
				"grid": c.Grid, "marginal_gain": c.MarginalGain}); err != nil {
				return err
			}
		}
		w.WriteString("]}\n")
		return nil
	}
	return writeJSON(w, rep)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func ratioOf(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return min(part/whole, 1)
}

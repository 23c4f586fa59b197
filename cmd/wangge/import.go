package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/topology"
)

// importGrids: wangge import grids FILE... [flags]
func (m *Main) importGrids(ctx context.Context, args []string) error {
	fs := m.newFlags("import grids")
	db := m.dbFlag(fs)
	layer := fs.String("layer", geo.DefaultLayer, "boundary `layer` to import into")
	crsName := fs.String("crs", "wgs84", "coordinate system of the input: wgs84, gcj02 or bd09")
	replace := fs.Bool("replace", false, "the new version holds exactly the files' features (default: upsert by code)")
	var f data.GridFields
	fs.StringVar(&f.Code, "code-field", "code", "property holding the grid code")
	fs.StringVar(&f.Name, "name-field", "name", "property holding the grid name")
	fs.StringVar(&f.Level, "level-field", "level", "property holding the grid level")
	fs.StringVar(&f.Parent, "parent-field", "parent", "property holding the parent code")
	fs.StringVar(&f.DefaultLevel, "level", "", "level `name` for features that have none")
	levelsFlag := fs.String("levels", "", "comma-separated level vocabulary, coarsest first (default: the layer's, else district,street,community,grid,microgrid)")
	note := fs.String("note", "", "a note kept with the new version")
	strict := fs.Bool("strict", false, "refuse the set when siblings overlap, leave gaps in their parent or stick out of it by more than --min-area-m2")
	minArea := fs.Float64("min-area-m2", topology.DefaultMinAreaM2, "area threshold in m² of the topology check")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: no input files (wangge import grids FILE... [flags])", errUsage)
	}
	if math.IsNaN(*minArea) || math.IsInf(*minArea, 0) || *minArea < 0 {
		return fmt.Errorf("%w: --min-area-m2 must be a number ≥ 0", errUsage)
	}
	transform, err := inputTransform(*crsName)
	if err != nil {
		return err
	}
	f.Transform = transform

	start := time.Now()
	prog := newProgress(m.Stderr, "read")
	f.Progress = prog.update
	var grids []geo.Grid
	var firsts []int // feature number of each file's first feature
	for _, path := range files {
		firsts = append(firsts, len(grids))
		gs, err := data.ReadGridsFile(path, f, len(grids))
		if err != nil {
			return fmt.Errorf("%s: %w", path, relabel(err, files, firsts))
		}
		grids = append(grids, gs...)
	}
	prog.done(len(grids))

	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	imp := data.GridImport{Layer: *layer, Replace: *replace, Note: *note}
	if *levelsFlag != "" {
		imp.Levels = strings.Split(*levelsFlag, ",")
	}
	var topo *topology.Report
	imp.Check = func(ctx context.Context, ix *geo.Index) error {
		rep, err := topology.Validate(ctx, ix, topology.Options{MinAreaM2: *minArea})
		if err != nil {
			return err
		}
		topo = rep
		if *strict && len(coverageProblems(rep)) > 0 {
			return &strictError{rep: rep}
		}
		return nil
	}
	readT := time.Since(start)
	set, warns, err := data.ImportGrids(ctx, store, grids, imp)
	for _, w := range warns {
		fmt.Fprintf(m.Stderr, "warning: %s: %s\n", featureLabel(w.Index, w.Code, files, firsts, len(grids)), w.Message)
	}
	if err != nil {
		var ge *geo.GridError
		if errors.As(err, &ge) {
			return fmt.Errorf("%s: %s (nothing imported)", featureLabel(ge.Index, ge.Code, files, firsts, len(grids)), ge.Reason)
		}
		var se *strictError
		if errors.As(err, &se) {
			return err
		}
		return fmt.Errorf("%w (nothing imported)", err)
	}
	if topo != nil {
		reportCoverage(m.Stderr, topo)
	}
	fmt.Fprintf(m.Stderr, "%d features read (%.1fs), validated and saved with %d warnings (%.1fs)\n",
		len(grids), readT.Seconds(), len(warns), (time.Since(start) - readT).Seconds())
	fmt.Fprintf(m.Stdout, "layer %s version %d: %d grids\n", set.Layer, set.Version, len(set.Grids))
	return nil
}

// featureLabel names set position i for a person: the file and the feature's
// number in it for imported features, "existing grid" for ones kept from the
// previous version.
func featureLabel(i int, code string, files []string, firsts []int, imported int) string {
	if i >= imported {
		return fmt.Sprintf("existing grid %q", code)
	}
	k := len(firsts) - 1
	for k > 0 && firsts[k] > i {
		k--
	}
	if code == "" {
		return fmt.Sprintf("%s: feature %d", files[k], i-firsts[k])
	}
	return fmt.Sprintf("%s: feature %d (code %q)", files[k], i-firsts[k], code)
}

// relabel turns a reader's global feature number into the file's own.
func relabel(err error, files []string, firsts []int) error {
	var ge *geo.GridError
	if errors.As(err, &ge) {
		local := *ge
		local.Index -= firsts[len(firsts)-1]
		return &local
	}
	return err
}

// strictError is an import refused by --strict: it lists the blocking
// problems, largest first.
type strictError struct{ rep *topology.Report }

func (e *strictError) Error() string {
	ps := coverageProblems(e.rep)
	var b strings.Builder
	fmt.Fprintf(&b, "--strict: the set has %s of at least %g m² (nothing imported):", countCoverage(ps), e.rep.MinAreaM2)
	writeLargest(&b, ps, maxListed)
	return b.String()
}

// How many problems an import lists: all of them up to maxListed when
// --strict refuses the set, the maxReported largest when it goes on.
const (
	maxListed   = 20
	maxReported = 5
)

// coverageProblems returns the problems --strict refuses: overlaps, gaps
// and parts outside a parent, largest first within each kind.
func coverageProblems(rep *topology.Report) []topology.Problem {
	var ps []topology.Problem
	for _, p := range rep.Problems {
		switch p.Kind {
		case topology.KindOverlap, topology.KindGap, topology.KindOutsideParent:
			ps = append(ps, p)
		}
	}
	return ps
}

// countCoverage says how many problems of each kind ps holds.
func countCoverage(ps []topology.Problem) string {
	n := map[topology.Kind]int{}
	for _, p := range ps {
		n[p.Kind]++
	}
	var parts []string
	for _, k := range []topology.Kind{topology.KindOverlap, topology.KindGap, topology.KindOutsideParent} {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d × %s", n[k], k))
		}
	}
	return strings.Join(parts, ", ")
}

// writeLargest lists the largest problems of ps, at most max, one a line.
func writeLargest(w io.Writer, ps []topology.Problem, max int) {
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b topology.Problem) int { return cmp.Compare(b.AreaM2, a.AreaM2) })
	for i, p := range ps {
		if i == max {
			fmt.Fprintf(w, "\n  ... and %d more (wangge validate lists them all)", len(ps)-max)
			break
		}
		fmt.Fprintf(w, "\n  %s %s: %s", p.Kind, strings.Join(p.Grids, ","), p.Detail)
	}
}

// reportCoverage tells on w how the imported set covers the ground: a count
// and the largest few problems, when there are any.
func reportCoverage(w io.Writer, rep *topology.Report) {
	ps := coverageProblems(rep)
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(w, "topology: %s of at least %g m² (imported anyway; --strict refuses them); the largest:", countCoverage(ps), rep.MinAreaM2)
	writeLargest(w, ps, maxReported)
	fmt.Fprintln(w)
}

package main

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo/topology"
)

// merge: wangge merge --layer A --layer B [--prefer A | --refine] --into NAME
// [--level L] [--min-area-m2 A] [--min-share S] [--note TEXT] [--db PATH]
//
// It builds one grid layer from two (多网合一) and saves it as a new version
// of layer NAME.
func (m *Main) merge(ctx context.Context, args []string) error {
	fs := m.newFlags("merge")
	db := m.dbFlag(fs)
	var layers layerList
	fs.Var(&layers, "layer", "a boundary `layer` to merge (give two: --layer A --layer B)")
	prefer := fs.String("prefer", "", "the `layer` that wins where the two disagree (default: the first --layer)")
	refine := fs.Bool("refine", false, "make the common refinement instead: a grid for every piece where an A grid and a B grid overlap")
	into := fs.String("into", "", "the `layer` the merged grids are saved to (required)")
	level := fs.String("level", "", "merge the grids of this `level` of both layers (default: each layer's leaves); the result has this one level")
	minArea := fs.Float64("min-area-m2", topology.DefaultMinAreaM2, "pieces smaller than this (m²) are slivers; also the threshold of the final validation")
	minShare := fs.Float64("min-share", 0.01, "pieces smaller than this share of each grid they come from are slivers")
	note := fs.String("note", "", "a note kept with the new version")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *into == "" {
		return fmt.Errorf("%w: --into NAME is required", errUsage)
	}
	if *refine && *prefer != "" {
		return fmt.Errorf("%w: give --prefer or --refine, not both", errUsage)
	}
	if math.IsNaN(*minArea) || math.IsInf(*minArea, 0) || *minArea < 0 {
		return fmt.Errorf("%w: --min-area-m2 must be a number ≥ 0", errUsage)
	}
	if math.IsNaN(*minShare) || *minShare <= 0 || *minShare > 1 {
		return fmt.Errorf("%w: --min-share must be in (0, 1]", errUsage)
	}
	if len(layers) == 2 && *prefer != "" {
		switch *prefer {
		case layers[0]:
		case layers[1]:
			layers[0], layers[1] = layers[1], layers[0]
		default:
			return fmt.Errorf("%w: --prefer %s is not one of the layers merged (%s, %s)", errUsage, *prefer, layers[0], layers[1])
		}
	}
	if len(layers) == 2 && (*into == layers[0] || *into == layers[1]) {
		return fmt.Errorf("%w: --into must name a layer other than the two merged", errUsage)
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
	start := time.Now()
	res, err := topology.Merge(ctx, grids[0], grids[1], topology.MergeOptions{Refine: *refine, Layer: *into, Level: *level,
		MinAreaM2: *minArea, MinShare: *minShare, PrefixB: sets[1].Layer + ":"})
	if err != nil {
		return err
	}
	took := time.Since(start)
	how := "preferring " + sets[0].Layer
	if *refine {
		how = "common refinement"
	}
	n := *note
	if n == "" {
		n = fmt.Sprintf("merge of %s version %d and %s version %d (%s)", sets[0].Layer, sets[0].Version, sets[1].Layer, sets[1].Version, how)
	}
	id, err := store.SaveSet(ctx, res.Set, n)
	if err != nil {
		return err
	}
	slivers := 0
	for _, c := range res.Changes {
		if c.Kind == topology.ChangeSliver {
			slivers++
		}
	}
	fmt.Fprintf(m.Stderr, "%s: %d + %d grids → %d; %d slivers given to a neighbour; repair: %s; validation: %s (%.1fs)\n", n,
		len(grids[0]), len(grids[1]), len(res.Set.Grids), slivers, changeCounts(res.Repair), problemCounts(res.Repair.After), took.Seconds())
	fmt.Fprintf(m.Stdout, "layer %s version %d: %d grids\n", *into, id, len(res.Set.Grids))
	return nil
}

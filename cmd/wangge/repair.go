package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/topology"
)

// repair: wangge repair [--db PATH] [--layer NAME] [--apply] [--snap-m T]
// [--rule R] [--min-area-m2 A] [--format text|json] [--note TEXT]
//
// Without --apply it only proposes: it prints every change and writes
// nothing. With --apply the repaired set becomes a new version of the layer
// (the old one stays; wangge versions --restore ID brings it back).
func (m *Main) repair(ctx context.Context, args []string) error {
	fs := m.newFlags("repair")
	db := m.dbFlag(fs)
	layer := fs.String("layer", geo.DefaultLayer, "boundary `layer` to repair")
	apply := fs.Bool("apply", false, "save the repaired set as a new version of the layer (default: only show the changes)")
	snapM := fs.Float64("snap-m", 1, "snap vertices closer than this many `metres` (0: no snapping)")
	ruleName := fs.String("rule", string(topology.RuleLongestEdge), "who gets an overlap, and which neighbour a gap: longest-edge, larger, smaller or lower-code")
	minArea := fs.Float64("min-area-m2", topology.DefaultMinAreaM2, "area threshold in m² of the validation before and after")
	format := fs.String("format", "text", "output: text or json")
	note := fs.String("note", "", "a note kept with the new version (default: what was repaired)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("%w: --format must be text or json", errUsage)
	}
	if math.IsNaN(*minArea) || math.IsInf(*minArea, 0) || *minArea < 0 {
		return fmt.Errorf("%w: --min-area-m2 must be a number ≥ 0", errUsage)
	}
	if math.IsNaN(*snapM) || math.IsInf(*snapM, 0) || *snapM < 0 || *snapM > 1000 {
		return fmt.Errorf("%w: --snap-m must be a number of metres in [0, 1000]", errUsage)
	}
	rule, err := topology.ParseRule(*ruleName)
	if err != nil {
		return fmt.Errorf("%w: --rule: %v", errUsage, err)
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
	start := time.Now()
	res, err := topology.RepairSet(ctx, set, topology.RepairOptions{SnapM: *snapM, Rule: rule, MinAreaM2: *minArea})
	if err != nil {
		return err
	}
	took := time.Since(start)
	var newVersion int64
	if *apply {
		n := *note
		if n == "" {
			n = fmt.Sprintf("repair of version %d: %s", set.Version, changeCounts(res))
		}
		if newVersion, err = store.SaveSet(ctx, res.Set, n); err != nil {
			return err
		}
	}
	if *format == "json" {
		err = writeRepairJSON(m.Stdout, set, res, newVersion)
	} else {
		err = writeRepairText(m.Stdout, set, res)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "layer %s version %d: %s; before: %s; after: %s (%d rounds, %.1fs)\n", set.Layer, set.Version, changeCounts(res),
		problemCounts(res.Before), problemCounts(res.After), res.Rounds, took.Seconds())
	if *apply {
		fmt.Fprintf(m.Stderr, "saved as version %d (wangge versions --layer %s --restore %d brings back the old one)\n", newVersion, set.Layer, set.Version)
	} else {
		fmt.Fprintln(m.Stderr, "nothing saved: add --apply to save the repaired set as a new version")
	}
	return nil
}

// changeCounts counts a repair's changes by kind in one phrase.
func changeCounts(res *topology.RepairResult) string {
	var parts []string
	for _, k := range []topology.ChangeKind{topology.ChangeSnap, topology.ChangeInvalid, topology.ChangeOverlap, topology.ChangeOutside,
		topology.ChangeGap, topology.ChangeSliver, topology.ChangeLeft} {
		if n := res.Count(k); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return fmt.Sprintf("%d changes (%s)", len(res.Changes), strings.Join(parts, ", "))
}

// problemCounts counts a validation's coverage and geometry problems.
func problemCounts(rep *topology.Report) string {
	var parts []string
	for _, k := range []topology.Kind{topology.KindOverlap, topology.KindGap, topology.KindOutsideParent, topology.KindInvalid} {
		parts = append(parts, fmt.Sprintf("%s %d", k, rep.Count(k)))
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" of at least %g m²", rep.MinAreaM2)
}

// writeRepairText writes one line per change: kind, level, grids, area,
// detail.
func writeRepairText(w io.Writer, set *geo.Set, res *topology.RepairResult) error {
	fmt.Fprintf(w, "layer %s version %d: %s\n", set.Layer, set.Version, changeCounts(res))
	for _, c := range res.Changes {
		area := ""
		if c.AreaM2 > 0 {
			area = fmt.Sprintf(" %.2f m²", c.AreaM2)
		}
		if _, err := fmt.Fprintf(w, "%s %s %s%s: %s\n", c.Kind, c.Level, strings.Join(c.Grids, ","), area, c.Detail); err != nil {
			return err
		}
	}
	return nil
}

type changeJSON struct {
	Kind     string            `json:"kind"`
	Level    string            `json:"level"`
	Grids    []string          `json:"grids"`
	AreaM2   float64           `json:"area_m2"`
	Geometry *geojson.Geometry `json:"geometry"`
	Detail   string            `json:"detail"`
}

// writeRepairJSON writes one JSON document: {"layer","version","applied",
// "new_version","before":{kind:count},"after":{kind:count},"changes":[...]}.
func writeRepairJSON(w io.Writer, set *geo.Set, res *topology.RepairResult, newVersion int64) error {
	counts := func(rep *topology.Report) map[string]int {
		m := map[string]int{}
		for _, k := range topology.Kinds {
			m[string(k)] = rep.Count(k)
		}
		return m
	}
	doc := struct {
		Layer      string         `json:"layer"`
		Version    int64          `json:"version"`
		Applied    bool           `json:"applied"`
		NewVersion int64          `json:"new_version,omitempty"`
		MinAreaM2  float64        `json:"min_area_m2"`
		Before     map[string]int `json:"before"`
		After      map[string]int `json:"after"`
		Changes    []changeJSON   `json:"changes"`
	}{Layer: set.Layer, Version: set.Version, Applied: newVersion != 0, NewVersion: newVersion, MinAreaM2: res.After.MinAreaM2,
		Before: counts(res.Before), After: counts(res.After), Changes: []changeJSON{}}
	for _, c := range res.Changes {
		cj := changeJSON{Kind: string(c.Kind), Level: c.Level, Grids: c.Grids, AreaM2: math.Round(c.AreaM2*1e4) / 1e4, Detail: c.Detail}
		if c.Geometry != nil {
			cj.Geometry = geojson.NewGeometry(c.Geometry)
		}
		doc.Changes = append(doc.Changes, cj)
	}
	return json.NewEncoder(w).Encode(doc)
}

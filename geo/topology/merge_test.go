package topology

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

func mustMerge(t testing.TB, a, b *geo.Set, opt MergeOptions) *MergeResult {
	t.Helper()
	res, err := Merge(context.Background(), a.Grids, b.Grids, opt)
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	return res
}

// checkMerged checks that the merged set passes validation (no overlap,
// gap, part outside or invalid geometry of 1 m² or more) and conserves area:
// its grids add up to the union of both layers plus the gaps repair filled
// (to 5e-6: AreaM2 follows long edges along their geodesic, so the pieces
// of a cut edge bound a little more or less; 1.5e-6 seen on 郑州).
func checkMerged(t *testing.T, name string, res *MergeResult, a, b *geo.Set) {
	t.Helper()
	for _, k := range []Kind{KindOverlap, KindGap, KindOutsideParent, KindInvalid, KindSliver} {
		if n := res.Repair.After.Count(k); n > 0 {
			t.Errorf("%s: %d %s problems in the merged set", name, n, k)
		}
	}
	var all orb.MultiPolygon
	for _, s := range []*geo.Set{a, b} {
		for _, g := range s.Grids {
			all = append(all, Repair(g.Geometry).Geometry...)
		}
	}
	union := AreaM2(Union(all))
	filled := 0.0
	for _, c := range res.Repair.Changes {
		if c.Kind == ChangeGap {
			filled += c.AreaM2
		}
	}
	if sum := sumArea(res.Set); math.Abs(sum-union-filled) > 5e-6*union {
		t.Errorf("%s: merged grids add up to %.0f m², union of the layers %.0f + gaps filled %.0f (%+.0f)", name, sum, union, filled, sum-union-filled)
	}
}

func TestMergeZhengzhou(t *testing.T) {
	a, b := cleanZhengzhou(t, 0.001), cleanZhengzhou(t, 0.003)
	pref := mustMerge(t, a, b, MergeOptions{MinAreaM2: 1})
	checkMerged(t, "prefer", pref, a, b)
	if len(pref.Set.Grids) != len(a.Grids) {
		t.Errorf("prefer: %d grids, want A's %d (B's remnants are border strips)", len(pref.Set.Grids), len(a.Grids))
	}
	for _, g := range pref.Set.Grids {
		if g.Attrs["source_a"] != g.Code {
			t.Errorf("prefer: grid %s has source_a %v", g.Code, g.Attrs["source_a"])
		}
	}
	// Preferring the coarser drawing: an overlay in the repair went wrong
	// here (a 115 km² overlap appeared) before results were checked.
	checkMerged(t, "prefer the coarser", mustMerge(t, b, a, MergeOptions{MinAreaM2: 1}), b, a)
	ref := mustMerge(t, a, b, MergeOptions{Refine: true, MinAreaM2: 1})
	checkMerged(t, "refine", ref, a, b)
	if len(ref.Set.Grids) != len(a.Grids) {
		for _, g := range ref.Set.Grids {
			t.Logf("  %s %s %.0f m²", g.Code, g.Name, AreaM2(g.Geometry))
		}
		t.Errorf("refine: %d grids, want %d (one per district; the rest are strips)", len(ref.Set.Grids), len(a.Grids))
	}
	// Keeping every strip (MinShare tiny) gives a grid per pair.
	fine := mustMerge(t, a, b, MergeOptions{Refine: true, MinAreaM2: 1, MinShare: 1e-12})
	checkMerged(t, "refine, every strip", fine, a, b)
	if len(fine.Set.Grids) <= len(a.Grids) {
		t.Errorf("refine with every strip: %d grids, want more than %d", len(fine.Set.Grids), len(a.Grids))
	}
}

func TestMergeDemo(t *testing.T) {
	streets, comms := demoSet(t, "street"), demoSet(t, "community")
	ref := mustMerge(t, streets, comms, MergeOptions{Refine: true, MinAreaM2: 1})
	checkMerged(t, "streets×communities", ref, streets, comms)
	if len(ref.Set.Grids) != len(comms.Grids) {
		t.Errorf("streets×communities: %d grids, want one per community (%d)", len(ref.Set.Grids), len(comms.Grids))
	}
	moved := displaced(t, comms, 30)
	for _, refine := range []bool{false, true} {
		res := mustMerge(t, comms, moved, MergeOptions{Refine: refine, MinAreaM2: 1})
		checkMerged(t, "communities×displaced", res, comms, moved)
	}
}

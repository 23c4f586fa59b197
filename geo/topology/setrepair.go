package topology

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// RepairOptions says how RepairSet cleans a set.
type RepairOptions struct {
	// SnapM is the snapping tolerance in metres: vertices closer than this
	// merge (see snap.go). 0 does not snap.
	SnapM float64
	// Rule decides who gets an overlap, and which neighbour gets a gap
	// ("" is RuleLongestEdge).
	Rule Rule
	// MinAreaM2 is the threshold of the validation RepairSet reports before
	// and after (Options.MinAreaM2). Overlaps and gaps from 0.01 m² are
	// repaired.
	MinAreaM2 float64
}

// ChangeKind is the kind of a Change.
type ChangeKind string

// The changes RepairSet makes, in the order it makes them.
const (
	ChangeSnap    ChangeKind = "snap"           // vertices moved onto a neighbour's
	ChangeInvalid ChangeKind = "fix_invalid"    // a geometry made valid (Repair)
	ChangeOverlap ChangeKind = "overlap"        // an overlap taken from one grid, left to the other
	ChangeOutside ChangeKind = "outside_parent" // the part of a child outside its parent cut off
	ChangeGap     ChangeKind = "gap"            // a gap given to a neighbour
	ChangeSliver  ChangeKind = "sliver"         // a small part given to a neighbour (or dropped), or a merge's sliver
	ChangeLeft    ChangeKind = "unresolved"     // a gap no neighbour borders, left as it is
)

// Change is one thing RepairSet (or Merge) did.
type Change struct {
	Kind ChangeKind
	// Level of the grids changed.
	Level string
	// Grids: the grid changed (snap, fix_invalid); the winner then the
	// loser (overlap); the child then its parent (outside_parent); the
	// neighbour that received the piece, then the parent for a gap in a
	// parent (gap, sliver); the parent or the roots around (unresolved).
	Grids []string
	// AreaM2 is the area moved (m², ellipsoidal); 0 for snap and
	// fix_invalid.
	AreaM2 float64
	// Geometry is the piece moved; the defects' locations for fix_invalid;
	// nil for snap.
	Geometry orb.Geometry
	Detail   string
}

// RepairResult is what RepairSet returns.
type RepairResult struct {
	// Set is the repaired set: the same layer, levels, grids (codes, names,
	// parents, attributes, in order) with new geometry. Version is 0.
	Set     *geo.Set
	Changes []Change
	// Before and After are the validation of the input and of the result
	// with RepairOptions.MinAreaM2.
	Before, After *Report
	Rounds        int // overlay rounds run
}

// Count returns the number of changes of kind k.
func (r *RepairResult) Count(k ChangeKind) int {
	n := 0
	for i := range r.Changes {
		if r.Changes[i].Kind == k {
			n++
		}
	}
	return n
}

// repairFloorM2 is the smallest overlap, gap or part outside a parent that
// RepairSet moves (m²): smaller ones are the dust of rounded crossing
// points, and moving them makes more.
const repairFloorM2 = 0.01

// maxRepairRounds bounds the validate-and-fix rounds: a round's fixes can
// open new problems one level down (a parent that receives a gap leaves its
// children short of it), so a hierarchy of n levels needs about n rounds;
// three grids overlapping where each wins against one other leave the
// ground to none, a gap the next round fills. The rounds stop early after
// one that found nothing of MinAreaM2 or more (it fixed only dust).
const maxRepairRounds = 10

// RepairSet proposes a clean version of set, which it does not modify (the
// result shares the grids' attribute maps and unchanged rings):
//
//  1. snap: vertices within SnapM metres merge;
//  2. fix_invalid: every geometry is made valid (Repair);
//  3. then, in rounds until Validate finds no overlap, gap or part outside a
//     parent of repairFloorM2 (0.01 m²) or more, or a round (after the
//     first two) found nothing of MinAreaM2 or more, or maxRepairRounds (see
//     repairRound): the whole overlap of two siblings stays with the one
//     the rule picks and is cut from the other; the part of a child outside
//     its parent is cut from it; each gap polygon (in a parent, or enclosed
//     by roots) goes to the sibling the rule picks among those along its
//     border (a gap no sibling borders stays: change "unresolved");
//  4. sliver: when MinAreaM2 > 0, a part smaller than it of a grid with a
//     larger part goes to the sibling sharing the longest edge with it, or
//     is dropped when none borders it (an island below the threshold).
//
// MinAreaM2 is also the threshold of the Before and After reports. Areas
// are ellipsoidal m². It fails only when ctx is done or the set cannot be
// indexed.
func RepairSet(ctx context.Context, set *geo.Set, opt RepairOptions) (*RepairResult, error) {
	if opt.Rule == "" {
		opt.Rule = RuleLongestEdge
	}
	if _, err := ParseRule(string(opt.Rule)); err != nil {
		return nil, err
	}
	res := &RepairResult{}
	ix, err := geo.NewIndex(set)
	if err != nil {
		return nil, err
	}
	if res.Before, err = Validate(ctx, ix, Options{MinAreaM2: opt.MinAreaM2}); err != nil {
		return nil, err
	}
	out := &geo.Set{Layer: set.Layer, Levels: slices.Clone(set.Levels), Grids: slices.Clone(set.Grids)}
	geoms := make([]orb.MultiPolygon, len(out.Grids))
	for i := range out.Grids {
		geoms[i] = out.Grids[i].Geometry
	}
	if opt.SnapM > 0 {
		moved := snapVertices(geoms, opt.SnapM)
		for i := range geoms {
			g, n := snapGeometry(geoms[i], moved)
			if n == 0 {
				continue
			}
			geoms[i] = g
			gr := &out.Grids[i]
			res.Changes = append(res.Changes, Change{Kind: ChangeSnap, Level: gr.Level, Grids: []string{gr.Code},
				Detail: fmt.Sprintf("%d vertices of %s moved by at most %g m", n, label(gr), opt.SnapM)})
		}
	}
	for i := range geoms {
		r := Repair(geoms[i])
		if len(r.Defects) > 0 || len(r.Geometry) == 0 {
			gr := &out.Grids[i]
			c := invalidProblem(gr, &r)
			res.Changes = append(res.Changes, Change{Kind: ChangeInvalid, Level: gr.Level, Grids: c.Grids, Geometry: c.Geometry,
				Detail: strings.Replace(c.Detail, "is not valid", "made valid", 1)})
		}
		if len(r.Geometry) == 0 {
			return nil, fmt.Errorf("grid %q: nothing is left of it after snapping and repair (%w)", out.Grids[i].Code, geo.ErrInvalidGrid)
		}
		geoms[i] = r.Geometry
	}
	for i := range out.Grids {
		out.Grids[i].Geometry = geoms[i]
	}
	for res.Rounds < maxRepairRounds {
		res.Rounds++
		n, largest, err := repairRound(ctx, out, opt.Rule, res)
		if err != nil {
			return nil, err
		}
		if n == 0 || (largest < opt.MinAreaM2 && res.Rounds >= 2) {
			break
		}
	}
	if opt.MinAreaM2 > 0 {
		moveSlivers(out, opt.MinAreaM2, res)
	}
	if ix, err = geo.NewIndex(out); err != nil {
		return nil, fmt.Errorf("repaired set: %w", err)
	}
	if res.After, err = Validate(ctx, ix, Options{MinAreaM2: opt.MinAreaM2}); err != nil {
		return nil, err
	}
	res.Set = out
	return res, nil
}

// repairRound validates set (threshold repairFloorM2) and fixes what it
// finds, in place (set's grids get new geometry). Every new geometry is
// computed from the round's input geometry in at most two overlays, not
// piece by piece, so that rounded crossing points do not pile up: a grid
// loses the overlaps it loses as the difference with the grids that win
// them (the whole overlap of a pair goes to one of the two), and gains its
// gaps by one union. It returns the number of pieces moved and the largest
// area (m²) of the problems it fixed.
func repairRound(ctx context.Context, set *geo.Set, rule Rule, res *RepairResult) (int, float64, error) {
	ix, err := geo.NewIndex(set)
	if err != nil {
		return 0, 0, fmt.Errorf("repair: %w", err)
	}
	rep, err := Validate(ctx, ix, Options{MinAreaM2: repairFloorM2})
	if err != nil {
		return 0, 0, err
	}
	geoms := make([]orb.MultiPolygon, len(set.Grids))
	for i := range set.Grids {
		geoms[i] = set.Grids[i].Geometry
	}
	areas := map[int32]float64{}
	areaOf := func(i int32) float64 {
		if a, ok := areas[i]; ok {
			return a
		}
		a := AreaM2(geoms[i])
		areas[i] = a
		return a
	}
	beaten := map[int32][]int32{}        // grid → the grids that win its overlaps
	lost := map[int32]orb.MultiPolygon{} // grid → the overlaps it loses
	lostArea := map[int32]float64{}
	outside := map[int32]orb.MultiPolygon{} // child → its parts outside its parent
	outArea := map[int32]float64{}
	clip := map[int32]bool{}             // children to clip to their parent
	gain := map[int32]orb.MultiPolygon{} // gaps given to a grid
	moved, largest := 0, 0.0
	for _, p := range rep.Problems {
		if ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		if p.Kind == KindOverlap || p.Kind == KindOutsideParent || p.Kind == KindGap {
			largest = max(largest, p.AreaM2)
		}
		switch p.Kind {
		case KindOverlap:
			a, _ := ix.Lookup(p.Grids[0])
			b, _ := ix.Lookup(p.Grids[1])
			cands := []candidate{{code: p.Grids[0], area: areaOf(a)}, {code: p.Grids[1], area: areaOf(b)}}
			if rule == RuleLongestEdge {
				for _, piece := range p.Geometry.(orb.MultiPolygon) {
					// Along B's edge the ground just outside the piece is A's.
					l := borderLengths(piece, []orb.MultiPolygon{geoms[a], geoms[b]})
					cands[0].border += l[0]
					cands[1].border += l[1]
				}
			}
			w, l := a, b
			if choose(rule, cands, false) == 1 {
				w, l = b, a
			}
			if p.AreaM2 >= 0.999*areaOf(l) {
				w, l = l, w // the overlap is all of the loser: keep it, rather than delete a grid
			}
			beaten[l] = append(beaten[l], w)
			lost[l] = append(lost[l], p.Geometry.(orb.MultiPolygon)...)
			lostArea[l] += p.AreaM2
			moved++
			res.Changes = append(res.Changes, Change{Kind: ChangeOverlap, Level: p.Level, Grids: []string{ix.Grid(w).Code, ix.Grid(l).Code},
				AreaM2: p.AreaM2, Geometry: p.Geometry,
				Detail: fmt.Sprintf("the overlap of %s and %s (%s) left to %s (%s)", label(ix.Grid(a)), label(ix.Grid(b)), formatArea(p.AreaM2), label(ix.Grid(w)), ruleWhy(rule, cands))})
		case KindOutsideParent:
			c, _ := ix.Lookup(p.Grids[0])
			clip[c] = true
			outside[c] = append(outside[c], p.Geometry.(orb.MultiPolygon)...)
			outArea[c] += p.AreaM2
			moved++
			res.Changes = append(res.Changes, Change{Kind: ChangeOutside, Level: p.Level, Grids: slices.Clone(p.Grids), AreaM2: p.AreaM2, Geometry: p.Geometry,
				Detail: fmt.Sprintf("%s of %s outside its parent cut off", formatArea(p.AreaM2), label(ix.Grid(c)))})
		case KindGap:
			var sibs []int32
			parent := int32(-1)
			if len(p.Grids) == 1 {
				if i, ok := ix.Lookup(p.Grids[0]); ok && len(ix.Children(i)) > 0 && ix.Grid(i).Level != p.Level {
					parent = i
				}
			}
			if parent >= 0 {
				sibs = ix.Children(parent)
			} else {
				for _, c := range p.Grids {
					if i, ok := ix.Lookup(c); ok {
						sibs = append(sibs, i)
					}
				}
			}
			for _, piece := range p.Geometry.(orb.MultiPolygon) {
				area := PolygonAreaM2(piece)
				if area < repairFloorM2 {
					continue
				}
				w, cands := pickNeighbour(rule, piece, sibs, geoms, ix, areaOf)
				if w < 0 {
					res.Changes = append(res.Changes, Change{Kind: ChangeLeft, Level: p.Level, Grids: slices.Clone(p.Grids), AreaM2: area, Geometry: orb.MultiPolygon{piece},
						Detail: fmt.Sprintf("gap of %s left: no %s grid borders it", formatArea(area), p.Level)})
					continue
				}
				gain[w] = append(gain[w], piece)
				moved++
				grids := []string{ix.Grid(w).Code}
				where := ""
				if parent >= 0 {
					grids = append(grids, ix.Grid(parent).Code)
					where = " in " + label(ix.Grid(parent))
				}
				res.Changes = append(res.Changes, Change{Kind: ChangeGap, Level: p.Level, Grids: grids, AreaM2: area, Geometry: orb.MultiPolygon{piece},
					Detail: fmt.Sprintf("gap of %s%s given to %s (%s)", formatArea(area), where, label(ix.Grid(w)), ruleWhy(rule, cands))})
			}
		}
	}
	next := slices.Clone(geoms)
	failed := func(i int32, what string) {
		g := &set.Grids[i]
		res.Changes = append(res.Changes, Change{Kind: ChangeLeft, Level: g.Level, Grids: []string{g.Code},
			Detail: fmt.Sprintf("%s: %s left undone (the overlay gave no sane result)", label(g), what)})
	}
	changed := 0
	for i := range int32(len(geoms)) {
		g := geoms[i]
		if ws := beaten[i]; len(ws) > 0 {
			var others orb.MultiPolygon
			for _, w := range ws {
				others = append(others, geoms[w]...)
			}
			if r, ok := checkedDifference(g, others, lost[i], lostArea[i]); ok {
				g = r
			} else {
				failed(i, "cutting the overlaps it lost")
			}
		}
		if clip[i] {
			pg := geoms[ix.Parent(i)]
			a0 := AreaM2(g)
			if r, ok := firstSane(a0-outArea[i], a0, overlayTol(a0),
				func() orb.MultiPolygon { return Intersection(g, pg) },
				func() orb.MultiPolygon { return Difference(g, outside[i]) }); ok {
				g = r
			} else {
				failed(i, "cutting the part outside its parent")
			}
		}
		if len(gain[i]) > 0 {
			if r, ok := checkedUnion(g, gain[i]); ok {
				g = r
			} else {
				failed(i, "adding the gaps it received")
			}
		}
		if !sameGeometry(g, geoms[i]) {
			changed++
		}
		next[i] = dropDust(g)
	}
	if changed == 0 {
		moved = 0 // every overlay failed: another round would do the same
	}
	for i := range set.Grids {
		g := &set.Grids[i]
		if len(next[i]) == 0 {
			res.Changes = append(res.Changes, Change{Kind: ChangeLeft, Level: g.Level, Grids: []string{g.Code},
				Detail: fmt.Sprintf("%s would lose all its ground to its neighbours: left as it was", label(g))})
			continue
		}
		g.Geometry = next[i]
	}
	return moved, largest, nil
}

// dropDust removes the parts of mp smaller than repairFloorM2 (the dust an
// overlay leaves along borders that nearly coincide), unless nothing else
// would be left.
func dropDust(mp orb.MultiPolygon) orb.MultiPolygon {
	if len(mp) < 2 {
		return mp
	}
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, p := range mp {
		if PolygonAreaM2(p) >= repairFloorM2 {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return mp
	}
	return out
}

// pickNeighbour chooses among grids sibs the one that gets piece, or -1 when
// none borders it. It returns the candidates considered (for the report).
func pickNeighbour(rule Rule, piece orb.Polygon, sibs []int32, geoms []orb.MultiPolygon, ix *geo.Index, areaOf func(int32) float64) (int32, []candidate) {
	pb := ringBound(piece[0]).Pad(1e-6)
	var near []int32
	var gs []orb.MultiPolygon
	for _, s := range sibs {
		if len(geoms[s]) > 0 && geoms[s].Bound().Intersects(pb) {
			near = append(near, s)
			gs = append(gs, geoms[s])
		}
	}
	l := borderLengths(piece, gs)
	var cands []candidate
	var ids []int32
	for k, s := range near {
		if l[k] <= 0 {
			continue
		}
		c := candidate{code: ix.Grid(s).Code, border: l[k]}
		if rule == RuleLarger || rule == RuleSmaller {
			c.area = areaOf(s)
		}
		cands = append(cands, c)
		ids = append(ids, s)
	}
	w := choose(rule, cands, true)
	if w < 0 {
		return -1, nil
	}
	cands[0], cands[w] = cands[w], cands[0]
	return ids[w], cands
}

// ruleWhy says why the first candidate won, for a Change's detail.
func ruleWhy(rule Rule, cands []candidate) string {
	switch rule {
	case RuleLarger:
		return "the larger"
	case RuleSmaller:
		return "the smaller"
	case RuleLowerCode:
		return "the lower code"
	}
	var parts []string
	for i, c := range cands {
		if i == 4 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.0f m", c.code, c.border))
	}
	return "shared edge: " + strings.Join(parts, ", ")
}

// moveSlivers gives each part smaller than minAreaM2 of a grid of several
// parts (one of them at least minAreaM2) to the sibling (same parent and
// level) sharing the longest edge with it, or drops it when none does, in
// place. The part is taken out of its grid as it is (no
// overlay) and joined to the sibling by a union.
func moveSlivers(set *geo.Set, minAreaM2 float64, res *RepairResult) {
	type key struct{ parent, level string }
	sibs := map[key][]int{}
	for i, g := range set.Grids {
		k := key{g.Parent, g.Level}
		sibs[k] = append(sibs[k], i)
	}
	gain := map[int]orb.MultiPolygon{}
	for i := range set.Grids {
		g := &set.Grids[i]
		if len(g.Geometry) < 2 || !slices.ContainsFunc(g.Geometry, func(pg orb.Polygon) bool { return PolygonAreaM2(pg) >= minAreaM2 }) {
			continue // one part, or only small ones: moving them would delete the grid
		}
		var keep orb.MultiPolygon
		for _, pg := range g.Geometry {
			area := PolygonAreaM2(pg)
			if area >= minAreaM2 {
				keep = append(keep, pg)
				continue
			}
			pb := ringBound(pg[0]).Pad(1e-6)
			var near []int
			var gs []orb.MultiPolygon
			for _, j := range sibs[key{g.Parent, g.Level}] {
				if j != i && set.Grids[j].Geometry.Bound().Intersects(pb) {
					near = append(near, j)
					gs = append(gs, set.Grids[j].Geometry)
				}
			}
			l := borderLengths(pg, gs)
			best := -1
			for k := range near {
				if l[k] > 0 && (best < 0 || l[k] > l[best]) {
					best = k
				}
			}
			if best < 0 {
				res.Changes = append(res.Changes, Change{Kind: ChangeSliver, Level: g.Level, Grids: []string{g.Code}, AreaM2: area, Geometry: orb.MultiPolygon{pg},
					Detail: fmt.Sprintf("part of %s of %s dropped: no sibling borders it", formatArea(area), label(g))})
				continue
			}
			w := &set.Grids[near[best]]
			gain[near[best]] = append(gain[near[best]], pg)
			res.Changes = append(res.Changes, Change{Kind: ChangeSliver, Level: g.Level, Grids: []string{w.Code, g.Code}, AreaM2: area, Geometry: orb.MultiPolygon{pg},
				Detail: fmt.Sprintf("part of %s of %s given to %s (shared edge %.0f m)", formatArea(area), label(g), label(w), l[best])})
		}
		g.Geometry = keep
	}
	for _, j := range slices.Sorted(maps.Keys(gain)) {
		w := &set.Grids[j]
		// The union must absorb the parts, not keep them as parts of their
		// own (they would be slivers again).
		if u, ok := checkedUnion(w.Geometry, gain[j]); ok && len(u) <= len(w.Geometry) {
			w.Geometry = u
			continue
		}
		res.Changes = append(res.Changes, Change{Kind: ChangeSliver, Level: w.Level, Grids: []string{w.Code}, AreaM2: AreaM2(gain[j]), Geometry: gain[j],
			Detail: fmt.Sprintf("the %d small parts given to %s dropped instead: the union did not join them to it", len(gain[j]), label(w))})
	}
}

// sameGeometry reports whether a and b are the same slice (an overlay
// result is always a new one).
func sameGeometry(a, b orb.MultiPolygon) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

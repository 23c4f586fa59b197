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

// MergeOptions says how Merge builds one layer from two (多网合一).
type MergeOptions struct {
	// Refine makes the common refinement (every non-empty A∩B a grid, and
	// the ground only one layer covers a grid of its own); otherwise A is
	// preferred: A's grids stay as they are and B's grids keep only the
	// ground A does not cover.
	Refine bool
	// Layer and Level name the result's layer and its one level (default:
	// the level of A's first grid).
	Layer, Level string
	// A piece (a polygon of a pair's overlap, or of a grid's ground the
	// other layer does not cover) is a sliver when it is smaller than
	// MinAreaM2, or than MinShare of each grid it comes from (default
	// 0.01): the strips two drawings of one border leave. Slivers go to the
	// neighbouring result grid with the longest shared edge. MinAreaM2 is
	// also the threshold of the final validation.
	MinAreaM2, MinShare float64
	// PrefixB is put before a B code that an A grid already uses in the
	// result (default "b:").
	PrefixB string
}

// MergeResult is what Merge returns.
type MergeResult struct {
	// Set holds the merged grids, one level, all roots, by code. Each grid's
	// Attrs name its sources: "source_a" and/or "source_b".
	Set *geo.Set
	// Changes: the slivers given to a neighbour, then RepairSet's changes
	// (gaps neither layer covers, dust left by the overlay).
	Changes []Change
	// Repair is the final repair of the merged set; Repair.After is its
	// validation.
	Repair *RepairResult
}

// piece is a candidate grid of the result, or a sliver.
type piece struct {
	code, name string
	srcA, srcB string
	geom       orb.MultiPolygon
}

// Merge builds one grid layer from the grids of a and b (two layers of the
// same ground, one level each; neither slice is modified). The result
// covers the union of the two layers' ground (plus the gaps enclosed by it,
// which RepairSet fills), its grids do not overlap, and it passes
// Validate (see MergeResult.Repair.After).
func Merge(ctx context.Context, a, b []geo.Grid, opt MergeOptions) (*MergeResult, error) {
	if len(a) == 0 && len(b) == 0 {
		return nil, fmt.Errorf("merge: no grids")
	}
	if opt.MinShare <= 0 {
		opt.MinShare = 0.01
	}
	if opt.PrefixB == "" {
		opt.PrefixB = "b:"
	}
	if opt.Level == "" {
		if len(a) > 0 {
			opt.Level = a[0].Level
		} else {
			opt.Level = b[0].Level
		}
	}
	cw, err := Compare(ctx, a, b, CompareOptions{})
	if err != nil {
		return nil, err
	}
	usedA := map[string]bool{}
	for _, g := range a {
		usedA[g.Code] = true
	}
	codeB := func(c string) string {
		if usedA[c] {
			return opt.PrefixB + c
		}
		return c
	}
	nameA, nameB := names(a), names(b)
	var kept, slivers []piece
	// split sorts the polygons of p into kept and slivers; areas are the
	// areas of the grids p comes from.
	split := func(p piece, areas ...float64) {
		var k, s orb.MultiPolygon
		for _, pg := range p.geom {
			ar := PolygonAreaM2(pg)
			small := ar < opt.MinAreaM2
			if !small {
				small = true
				for _, w := range areas {
					if ar >= opt.MinShare*w {
						small = false
					}
				}
			}
			if small {
				s = append(s, pg)
			} else {
				k = append(k, pg)
			}
		}
		if len(k) > 0 {
			q := p
			q.geom = k
			kept = append(kept, q)
		}
		if len(s) > 0 {
			q := p
			q.geom = s
			slivers = append(slivers, q)
		}
	}
	if opt.Refine {
		for _, pr := range cw.Pairs {
			n := nameA[pr.A]
			if nameB[pr.B] != n {
				n = n + " / " + nameB[pr.B]
			}
			split(piece{code: pr.A + "+" + pr.B, name: n, srcA: pr.A, srcB: pr.B, geom: pr.Geometry}, cw.AreaA[pr.A], cw.AreaB[pr.B])
		}
		for _, p := range cw.OnlyA {
			split(piece{code: p.Code, name: nameA[p.Code], srcA: p.Code, geom: p.Geometry}, cw.AreaA[p.Code])
		}
	} else {
		ga := validGeoms(a)
		for i, g := range a {
			kept = append(kept, piece{code: g.Code, name: g.Name, srcA: g.Code, geom: ga[i]})
		}
	}
	for _, p := range cw.OnlyB {
		split(piece{code: codeB(p.Code), name: nameB[p.Code], srcB: p.Code, geom: p.Geometry}, cw.AreaB[p.Code])
	}
	res := &MergeResult{}
	kept = dissolve(ctx, kept, slivers, opt.Level, &res.Changes)
	set := &geo.Set{Layer: opt.Layer, Levels: geo.Levels{opt.Level}}
	for _, p := range kept {
		if area := AreaM2(p.geom); area < opt.MinAreaM2 {
			// Slivers that bordered nothing they could join: below the
			// threshold, they would only be slivers of the result.
			res.Changes = append(res.Changes, Change{Kind: ChangeSliver, Level: opt.Level, Grids: []string{p.code}, AreaM2: area, Geometry: p.geom,
				Detail: fmt.Sprintf("%s of %s dropped: a sliver that borders no grid of the result", formatArea(area), p.code)})
			continue
		}
		attrs := map[string]any{}
		if p.srcA != "" {
			attrs["source_a"] = p.srcA
		}
		if p.srcB != "" {
			attrs["source_b"] = p.srcB
		}
		set.Grids = append(set.Grids, geo.Grid{Code: p.code, Name: p.name, Level: opt.Level, Geometry: p.geom, Attrs: attrs})
	}
	slices.SortFunc(set.Grids, func(x, y geo.Grid) int {
		switch {
		case x.Code < y.Code:
			return -1
		case x.Code > y.Code:
			return 1
		}
		return 0
	})
	if _, err := set.Validate(); err != nil {
		return nil, fmt.Errorf("merged set: %w", err)
	}
	rep, err := RepairSet(ctx, set, RepairOptions{Rule: RuleLongestEdge, MinAreaM2: opt.MinAreaM2})
	if err != nil {
		return nil, err
	}
	res.Set, res.Repair = rep.Set, rep
	res.Changes = append(res.Changes, rep.Changes...)
	return res, nil
}

// dissolve gives each sliver to the kept piece sharing the longest edge
// with it (pieces with the same code merge); a sliver that borders no kept
// piece, even after a second pass (an island), joins a kept piece of the
// same code or source grid as another part, or else becomes a grid of its
// own.
func dissolve(ctx context.Context, kept, slivers []piece, level string, changes *[]Change) []piece {
	byCode := map[string]int{}
	var out []piece
	for _, p := range kept {
		if i, ok := byCode[p.code]; ok {
			out[i].geom = append(out[i].geom, p.geom...)
			continue
		}
		byCode[p.code] = len(out)
		out = append(out, p)
	}
	for pass := 0; pass < 2 && len(slivers) > 0 && ctx.Err() == nil; pass++ {
		geoms := make([]orb.MultiPolygon, len(out))
		for i := range out {
			geoms[i] = out[i].geom
		}
		tree := boundTree(geoms)
		type won struct {
			pg  orb.Polygon
			src piece
		}
		gain := map[int][]won{}
		var left []piece
		for _, s := range slivers {
			var rest orb.MultiPolygon
			for _, pg := range s.geom {
				var ids []int32
				near(tree, orb.MultiPolygon{pg}, func(i int32) { ids = append(ids, i) })
				var gs []orb.MultiPolygon
				for _, i := range ids {
					gs = append(gs, geoms[i])
				}
				l := borderLengths(pg, gs)
				best := -1
				for k := range ids {
					if l[k] > 0 && (best < 0 || l[k] > l[best]) {
						best = k
					}
				}
				if best < 0 {
					rest = append(rest, pg)
					continue
				}
				w := int(ids[best])
				gain[w] = append(gain[w], won{pg, s})
				area := PolygonAreaM2(pg)
				*changes = append(*changes, Change{Kind: ChangeSliver, Level: level, Grids: []string{out[w].code, s.code}, AreaM2: area, Geometry: orb.MultiPolygon{pg},
					Detail: fmt.Sprintf("sliver of %s from %s given to %s (shared edge %.0f m)", formatArea(area), s.code, out[w].code, l[best])})
			}
			if len(rest) > 0 {
				s.geom = rest
				left = append(left, s)
			}
		}
		for _, w := range slices.Sorted(maps.Keys(gain)) {
			var add orb.MultiPolygon
			for _, g := range gain[w] {
				add = append(add, g.pg)
			}
			if u, ok := checkedUnion(out[w].geom, add); ok {
				out[w].geom = u
				continue
			}
			for _, g := range gain[w] { // the overlay failed: they stay slivers
				q := g.src
				q.geom = orb.MultiPolygon{g.pg}
				left = append(left, q)
			}
		}
		slivers = left
	}
	for _, s := range slivers {
		i, ok := byCode[s.code]
		for k := range out {
			if ok {
				break
			}
			if (s.srcA != "" && out[k].srcA == s.srcA) || (s.srcB != "" && out[k].srcB == s.srcB) {
				i, ok = k, true
			}
		}
		if ok {
			if u, sane := checkedUnion(out[i].geom, s.geom); sane {
				out[i].geom = u
				continue
			}
		}
		for n := 2; ; n++ { // a grid of its own, under an unused code
			if _, used := byCode[s.code]; !used {
				break
			}
			s.code = fmt.Sprintf("%s.%d", strings.TrimSuffix(s.code, fmt.Sprintf(".%d", n-1)), n)
		}
		byCode[s.code] = len(out)
		out = append(out, s)
	}
	return out
}

func names(gs []geo.Grid) map[string]string {
	m := make(map[string]string, len(gs))
	for _, g := range gs {
		m[g.Code] = g.Name
	}
	return m
}

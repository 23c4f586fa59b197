package topology

import (
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// hierarchy reports orphans, level skips and duplicate names among the
// grids checked. These need no geometry but for naming where an orphan lies.
func (v *validator) hierarchy() {
	levels := v.set.Levels
	top := len(levels)
	for i := range int32(v.ix.Len()) {
		top = min(top, levels.Rank(v.grid(i).Level))
	}
	for i := range int32(v.ix.Len()) {
		if !v.checked(i) {
			continue
		}
		g := v.grid(i)
		rank := levels.Rank(g.Level)
		p := v.ix.Parent(i)
		if p < 0 {
			if rank > top {
				v.add(Problem{Kind: KindOrphan, Level: g.Level, Grids: []string{g.Code}, Detail: v.orphanDetail(i, rank)})
			}
			continue
		}
		pg := v.grid(p)
		if pr := levels.Rank(pg.Level); rank-pr > 1 {
			v.add(Problem{Kind: KindLevelSkip, Level: g.Level, Grids: []string{g.Code},
				Detail: fmt.Sprintf("%s (%s) has the %s %s for parent: it skips %s", label(g), g.Level, pg.Level, label(pg), strings.Join(levels[pr+1:rank], ", "))})
		}
	}
	for _, grp := range v.groups {
		if grp.parent < 0 {
			continue // roots are not siblings under one parent
		}
		byName := map[string][]string{}
		for _, m := range grp.members {
			g := v.grid(m)
			if name := strings.TrimSpace(g.Name); name != "" && v.checked(m) {
				byName[name] = append(byName[name], g.Code)
			}
		}
		for name, codes := range byName {
			if len(codes) < 2 {
				continue
			}
			slices.Sort(codes)
			pg := v.grid(grp.parent)
			v.add(Problem{Kind: KindDuplicateName, Level: v.grid(grp.members[0]).Level, Grids: codes,
				Detail: fmt.Sprintf("%d children of %s are named %q: %s", len(codes), label(pg), name, strings.Join(codes, ", "))})
		}
	}
}

// orphanDetail says that root i should have a parent, and which coarser grid
// holds its label point, when one does.
func (v *validator) orphanDetail(i int32, rank int) string {
	g := v.grid(i)
	levels := v.set.Levels
	pt := v.ix.LabelPoint(i)
	best, bestRank := int32(-1), -1
	v.ix.SearchBound(orb.Bound{Min: pt, Max: pt}, func(j int32) bool {
		r := levels.Rank(v.grid(j).Level)
		if r < rank && r > bestRank && v.ix.Position(j, pt) == geo.Interior {
			best, bestRank = j, r
		}
		return true
	})
	s := fmt.Sprintf("%s is a %s without a parent while the set has coarser levels", label(g), g.Level)
	if best >= 0 {
		s += fmt.Sprintf("; it lies in the %s %s", v.grid(best).Level, label(v.grid(best)))
	}
	return s
}

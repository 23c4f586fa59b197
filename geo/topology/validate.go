package topology

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// Validate checks the boundary set of ix (see the package comment for what
// each kind of problem means) and returns every problem found, ordered by
// kind, then largest area first. It reads ix and never modifies it; the work
// is spread over GOMAXPROCS goroutines. It fails only when ctx is done or the
// level is unknown.
func Validate(ctx context.Context, ix *geo.Index, opt Options) (*Report, error) {
	set := ix.Set()
	if opt.Level != "" && set.Levels.Rank(opt.Level) < 0 {
		return nil, fmt.Errorf("%w %q (levels: %s)", geo.ErrUnknownLevel, opt.Level, strings.Join(set.Levels, ", "))
	}
	v := &validator{ctx: ctx, ix: ix, set: set, opt: opt}
	v.plan()
	rep := &Report{Layer: set.Layer, Version: set.Version, Level: opt.Level, MinAreaM2: opt.MinAreaM2}
	for i := range set.Grids {
		if v.checked(int32(i)) {
			rep.Grids++
		}
	}
	steps := []func() error{v.repairAll, v.overlaps, v.outside, v.gaps}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	v.geometryProblems()
	v.hierarchy()
	rep.Problems = v.problems
	sortProblems(rep.Problems)
	return rep, nil
}

type validator struct {
	ctx context.Context
	ix  *geo.Index
	set *geo.Set
	opt Options

	need   []bool     // grids to repair
	rep    []Repaired // per grid, where needed
	groups []group

	mu       sync.Mutex
	problems []Problem
}

// group is a set of siblings: the children of a parent, or the roots of one
// level.
type group struct {
	parent  int32 // -1 for roots
	members []int32
	level   string // the level checked (see Problem.Level)
}

func (v *validator) add(p Problem) {
	v.mu.Lock()
	v.problems = append(v.problems, p)
	v.mu.Unlock()
}

func (v *validator) grid(i int32) *geo.Grid { return v.ix.Grid(i) }

// checked reports whether grid i's level is the one checked.
func (v *validator) checked(i int32) bool {
	return v.opt.Level == "" || v.grid(i).Level == v.opt.Level
}

// plan lists the sibling groups to check and the grids to repair.
func (v *validator) plan() {
	n := v.ix.Len()
	v.need = make([]bool, n)
	v.rep = make([]Repaired, n)
	roots := map[string][]int32{}
	for i := range int32(n) {
		if v.ix.Parent(i) < 0 {
			l := v.grid(i).Level
			roots[l] = append(roots[l], i)
		}
		if len(v.ix.Children(i)) > 0 {
			v.addGroup(i, v.ix.Children(i))
		}
	}
	levels := make([]string, 0, len(roots))
	for l := range roots {
		levels = append(levels, l)
	}
	slices.Sort(levels)
	for _, l := range levels {
		v.addGroup(-1, roots[l])
	}
	for i := range int32(n) {
		if v.checked(i) {
			v.need[i] = true
		}
	}
	for _, g := range v.groups {
		if g.parent >= 0 {
			v.need[g.parent] = true
		}
		for _, m := range g.members {
			v.need[m] = true
		}
	}
}

// addGroup adds the siblings members (with their parent, or -1) when their
// level is checked.
func (v *validator) addGroup(parent int32, members []int32) {
	count := map[string]int{}
	for _, m := range members {
		count[v.grid(m).Level]++
	}
	level, best := "", -1
	for l, c := range count {
		if c > best || (c == best && l < level) {
			level, best = l, c
		}
	}
	if v.opt.Level != "" && count[v.opt.Level] == 0 {
		return
	}
	if v.opt.Level != "" {
		level = v.opt.Level
	}
	v.groups = append(v.groups, group{parent: parent, members: members, level: level})
}

// parallel calls fn(i) for i in [0, n) on GOMAXPROCS goroutines, stopping
// early when the context is done.
func (v *validator) parallel(n int, fn func(w, i int)) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || v.ctx.Err() != nil {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
	return v.ctx.Err()
}

// repairAll repairs the geometry of every grid needed, largest first (so
// that the big ones do not end up alone at the end).
func (v *validator) repairAll() error {
	var todo []int32
	for i, need := range v.need {
		if need {
			todo = append(todo, int32(i))
		}
	}
	size := func(i int32) int {
		n := 0
		for _, p := range v.grid(i).Geometry {
			for _, r := range p {
				n += len(r)
			}
		}
		return n
	}
	sizes := make([]int, v.ix.Len())
	for _, i := range todo {
		sizes[i] = size(i)
	}
	sort.SliceStable(todo, func(a, b int) bool { return sizes[todo[a]] > sizes[todo[b]] })
	return v.parallel(len(todo), func(_, k int) {
		i := todo[k]
		v.rep[i] = Repair(v.grid(i).Geometry)
	})
}

// overlaps checks every pair of siblings whose boxes meet.
func (v *validator) overlaps() error {
	type pair struct{ a, b int32 }
	var pairs []pair
	for _, g := range v.groups {
		in := make(map[int32]bool, len(g.members))
		for _, m := range g.members {
			in[m] = true
		}
		for _, a := range g.members {
			v.ix.SearchBound(v.ix.Bound(a), func(b int32) bool {
				if b > a && in[b] && (v.opt.Level == "" || v.checked(a) || v.checked(b)) {
					pairs = append(pairs, pair{a, b})
				}
				return true
			})
		}
	}
	scratch := make([]pairScratch, runtime.GOMAXPROCS(0))
	return v.parallel(len(pairs), func(w, k int) {
		a, b := pairs[k].a, pairs[k].b
		ga, gb := v.rep[a].Geometry, v.rep[b].Geometry
		if len(ga) == 0 || len(gb) == 0 || !suspect(v.ix, a, b, ga, gb, relOverlap, &scratch[w]) {
			return
		}
		inter := Intersection(ga, gb)
		area := AreaM2(inter)
		if area <= 0 || area < v.opt.MinAreaM2 {
			return
		}
		ca, cb := v.grid(a), v.grid(b)
		if ca.Code > cb.Code {
			ca, cb = cb, ca
		}
		v.add(Problem{Kind: KindOverlap, Level: ca.Level, Grids: []string{ca.Code, cb.Code}, AreaM2: area, Geometry: inter,
			Detail: fmt.Sprintf("%s and %s overlap (%s)", label(ca), label(cb), formatArea(area))})
	})
}

// outside checks every child against its parent.
func (v *validator) outside() error {
	var kids []int32
	for _, g := range v.groups {
		if g.parent < 0 {
			continue
		}
		for _, m := range g.members {
			if v.checked(m) {
				kids = append(kids, m)
			}
		}
	}
	scratch := make([]pairScratch, runtime.GOMAXPROCS(0))
	return v.parallel(len(kids), func(w, k int) {
		c := kids[k]
		p := v.ix.Parent(c)
		gc, gp := v.rep[c].Geometry, v.rep[p].Geometry
		if len(gc) == 0 || len(gp) == 0 || !suspect(v.ix, c, p, gc, gp, relOutside, &scratch[w]) {
			return
		}
		out := Difference(gc, gp)
		area := AreaM2(out)
		if area <= 0 || area < v.opt.MinAreaM2 {
			return
		}
		cg, pg := v.grid(c), v.grid(p)
		v.add(Problem{Kind: KindOutsideParent, Level: cg.Level, Grids: []string{cg.Code, pg.Code}, AreaM2: area, Geometry: out,
			Detail: fmt.Sprintf("%s of %s lies outside its parent %s", formatArea(area), label(cg), label(pg))})
	})
}

// gaps checks how each group covers its parent (or, for roots, the area
// they enclose).
func (v *validator) gaps() error {
	order := make([]int, len(v.groups)) // largest groups first
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(v.groups[order[a]].members) > len(v.groups[order[b]].members) })
	return v.parallel(len(order), func(_, k int) {
		v.groupGaps(&v.groups[order[k]])
	})
}

func (v *validator) groupGaps(g *group) {
	var kids orb.MultiPolygon
	for _, m := range g.members {
		kids = append(kids, v.rep[m].Geometry...)
	}
	var holes orb.MultiPolygon
	if g.parent >= 0 {
		holes = Difference(v.rep[g.parent].Geometry, kids)
	} else {
		holes = rootGaps(kids)
	}
	in := make(map[int32]bool, len(g.members))
	for _, m := range g.members {
		in[m] = true
	}
	for _, h := range holes {
		if v.ctx.Err() != nil {
			return
		}
		area := PolygonAreaM2(h)
		if area <= 0 || area < v.opt.MinAreaM2 {
			continue
		}
		if v.covered(h, in) {
			continue
		}
		p := Problem{Kind: KindGap, Level: g.level, AreaM2: area, Geometry: orb.MultiPolygon{h}}
		if g.parent >= 0 {
			pg := v.grid(g.parent)
			p.Grids = []string{pg.Code}
			p.Detail = fmt.Sprintf("%s of %s is covered by none of its children", formatArea(area), label(pg))
		} else {
			p.Grids = v.around(h, in)
			p.Detail = fmt.Sprintf("%s %s is covered by no %s grid", formatArea(area), v.where(p.Grids), g.level)
		}
		v.add(p)
	}
}

// covered reports whether a point inside the candidate gap h is covered by
// one of the siblings in (the exact check of the comment in gaps.go). A
// needle (see isNeedle) leaves no point uncovered under the boundary rule
// and counts as covered: its ellipsoidal area is only the bulge of its long
// edges' geodesics (a 2 km needle between 吴桥县 and 景县 measured 61 m² with
// 5e-18 square degrees in the plane). A candidate with area in the plane
// but no interior point found is reported (not covered).
func (v *validator) covered(h orb.Polygon, in map[int32]bool) bool {
	if isNeedle(h) {
		return true
	}
	pt, ok := interiorPoint(h)
	if !ok {
		return false
	}
	hit := false
	v.ix.SearchBound(orb.Bound{Min: pt, Max: pt}, func(i int32) bool {
		if in[i] && v.ix.Position(i, pt) != geo.Exterior {
			hit = true
			return false
		}
		return true
	})
	return hit
}

// needleWidth is the mean width in degrees (about 0.1 µm) below which a gap
// candidate is a needle: rounding noise along edges that run together, not
// ground.
const needleWidth = 1e-12

// isNeedle reports whether polygon h (lon/lat degrees) has a planar area
// below needleWidth times its perimeter, that is no area in the plane
// beyond rounding.
func isNeedle(h orb.Polygon) bool {
	var area, perimeter float64
	for k, r := range h {
		a := 0.0
		for i := 0; i+1 < len(r); i++ {
			// Relative to the ring's first vertex, to keep the digits.
			p := orb.Point{r[i][0] - r[0][0], r[i][1] - r[0][1]}
			q := orb.Point{r[i+1][0] - r[0][0], r[i+1][1] - r[0][1]}
			a += p[0]*q[1] - q[0]*p[1]
			perimeter += math.Hypot(q[0]-p[0], q[1]-p[1])
		}
		if k == 0 {
			area += math.Abs(a) / 2
		} else {
			area -= math.Abs(a) / 2 // a hole
		}
	}
	return area <= needleWidth*perimeter
}

// where names the roots around a gap: "inside X" for one, "between X, Y"
// for several (the first five).
func (v *validator) where(codes []string) string {
	var names []string
	for i, c := range codes {
		if i == 5 {
			names = append(names, fmt.Sprintf("%d more", len(codes)-5))
			break
		}
		if j, ok := v.ix.Lookup(c); ok {
			names = append(names, label(v.grid(j)))
		}
	}
	switch len(names) {
	case 0:
		return "enclosed by other grids"
	case 1:
		return "inside " + names[0]
	}
	return "between " + strings.Join(names, ", ")
}

// around returns the codes of the siblings along gap h, sorted: those
// that cover a point just outside the middle of one of its edges (up to 200
// edges are tried, evenly spread).
func (v *validator) around(h orb.Polygon, in map[int32]bool) []string {
	seen := map[int32]bool{}
	ring := h[0] // counter-clockwise: the outside is on the right
	n := len(ring) - 1
	step := max(1, n/200)
	for k := 0; k < n; k += step {
		a, b := ring[k], ring[k+1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		const off = 1e-7 // degrees: about a centimetre
		pt := orb.Point{(a[0]+b[0])/2 + dy/l*off, (a[1]+b[1])/2 - dx/l*off}
		v.ix.SearchBound(orb.Bound{Min: pt, Max: pt}, func(i int32) bool {
			if in[i] && !seen[i] && v.ix.Position(i, pt) != geo.Exterior {
				seen[i] = true
			}
			return true
		})
	}
	codes := make([]string, 0, len(seen))
	for i := range seen {
		codes = append(codes, v.grid(i).Code)
	}
	slices.Sort(codes)
	return codes
}

// geometryProblems reports invalid geometry and slivers of the grids checked.
func (v *validator) geometryProblems() {
	for i := range int32(v.ix.Len()) {
		if !v.checked(i) {
			continue
		}
		g, r := v.grid(i), &v.rep[i]
		if len(r.Defects) > 0 {
			v.add(invalidProblem(g, r))
		}
		if v.opt.MinAreaM2 <= 0 {
			continue
		}
		var small orb.MultiPolygon
		var area float64
		for _, p := range r.Geometry {
			if a := PolygonAreaM2(p); a < v.opt.MinAreaM2 {
				small = append(small, p)
				area += a
			}
		}
		if len(small) > 0 {
			v.add(Problem{Kind: KindSliver, Level: g.Level, Grids: []string{g.Code}, AreaM2: area, Geometry: small,
				Detail: fmt.Sprintf("%d of the %d parts of %s are smaller than %s (%s in all)", len(small), len(r.Geometry), label(g), formatArea(v.opt.MinAreaM2), formatArea(area))})
		}
	}
}

// maxDefectPoints caps the locations an invalid problem carries.
const maxDefectPoints = 100

func invalidProblem(g *geo.Grid, r *Repaired) Problem {
	counts := map[string]int{}
	var order []string
	seen := map[Defect]bool{}
	var pts orb.MultiPoint
	for _, d := range r.Defects {
		if seen[d] {
			continue
		}
		seen[d] = true
		if counts[d.What] == 0 {
			order = append(order, d.What)
		}
		counts[d.What]++
		if len(pts) < maxDefectPoints {
			pts = append(pts, d.At)
		}
	}
	var parts []string
	for _, w := range order {
		parts = append(parts, fmt.Sprintf("%s ×%d", w, counts[w]))
	}
	detail := fmt.Sprintf("%s is not valid: %s", label(g), strings.Join(parts, ", "))
	if len(r.Defects) > 0 {
		detail += fmt.Sprintf("; first: %s", r.Defects[0])
	}
	p := Problem{Kind: KindInvalid, Level: g.Level, Grids: []string{g.Code}, Detail: detail}
	if len(pts) > 0 {
		p.Geometry = pts
	}
	return p
}

// label names a grid for a person: name (code), or the code alone.
func label(g *geo.Grid) string {
	if g.Name == "" {
		return g.Code
	}
	return fmt.Sprintf("%s (%s)", g.Name, g.Code)
}

// formatArea writes an area in m², or km² from 1 km².
func formatArea(a float64) string {
	switch {
	case a >= 1e6:
		return fmt.Sprintf("%.3f km²", a/1e6)
	case a >= 10:
		return fmt.Sprintf("%.0f m²", a)
	}
	return fmt.Sprintf("%.2f m²", a)
}

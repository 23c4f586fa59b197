package geo

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// Validate checks every grid of the set and the hierarchy they form, and
// normalises their geometry in place (see NormaliseGeometry). It returns the
// first error that makes the set unusable, as a *GridError naming the grid's
// position in s.Grids and its code: a missing code, name-less level, unknown
// level, duplicate code, unknown parent, a parent cycle, a parent that is not
// at a coarser level, or bad geometry. Warnings, one per grid that has any
// (self-touching or
// self-crossing rings, dropped degenerate rings) do not stop the set; lookups
// on such grids still follow the non-zero rule.
func (s *Set) Validate() ([]Warning, error) {
	if len(s.Levels) == 0 {
		s.Levels = DefaultLevels
	}
	// The checks of codes and levels, in order, up to the first failure;
	// then the geometry of the grids before it, in parallel; then the
	// answers in order, so the first error is the same as one grid at a time.
	var failed error
	n := len(s.Grids)
	byCode := make(map[string]int, len(s.Grids))
	for i := range s.Grids {
		g := &s.Grids[i]
		if failed = s.checkGrid(i, byCode); failed != nil {
			n = i
			break
		}
		byCode[g.Code] = i
	}
	msgs := make([][]string, n)
	errs := make([]error, n)
	parallelFor(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			msgs[i], errs[i] = NormaliseGeometry(&s.Grids[i])
		}
	})
	var warns []Warning
	for i := range n {
		g := &s.Grids[i]
		if errs[i] != nil {
			return warns, &GridError{Index: i, Code: g.Code, Reason: errs[i].Error()}
		}
		if len(msgs[i]) > 0 {
			warns = append(warns, Warning{Index: i, Code: g.Code, Message: strings.Join(msgs[i], "; ")})
		}
	}
	if failed != nil {
		return warns, failed
	}
	return warns, s.validateHierarchy(byCode)
}

// checkGrid checks grid i's code (against the codes before it, in byCode)
// and level.
func (s *Set) checkGrid(i int, byCode map[string]int) error {
	g := &s.Grids[i]
	if g.Code == "" {
		return &GridError{Index: i, Reason: "missing code"}
	}
	if j, dup := byCode[g.Code]; dup {
		return &GridError{Index: i, Code: g.Code, Reason: fmt.Sprintf("duplicate code (also feature %d)", j)}
	}
	if g.Level == "" {
		return &GridError{Index: i, Code: g.Code, Reason: "missing level"}
	}
	if s.Levels.Rank(g.Level) < 0 {
		return &GridError{Index: i, Code: g.Code, Reason: fmt.Sprintf("unknown level %q (levels: %s)", g.Level, strings.Join(s.Levels, ", "))}
	}
	return nil
}

func (s *Set) validateHierarchy(byCode map[string]int) error {
	for i := range s.Grids {
		g := &s.Grids[i]
		if g.Parent == "" {
			continue
		}
		if g.Parent == g.Code {
			return &GridError{Index: i, Code: g.Code, Reason: "grid is its own parent"}
		}
		j, ok := byCode[g.Parent]
		if !ok {
			return &GridError{Index: i, Code: g.Code, Reason: fmt.Sprintf("unknown parent %q", g.Parent)}
		}
		if s.Levels.Rank(s.Grids[j].Level) >= s.Levels.Rank(g.Level) {
			return &GridError{Index: i, Code: g.Code, Reason: fmt.Sprintf("parent %q is at level %q, not coarser than %q", g.Parent, s.Grids[j].Level, g.Level)}
		}
	}
	// Parents are strictly coarser, so a cycle is impossible once the check
	// above passed; walk anyway so a future relaxation cannot loop forever.
	for i := range s.Grids {
		seen := 0
		for c := s.Grids[i].Parent; c != ""; c = s.Grids[byCode[c]].Parent {
			if seen++; seen > len(s.Grids) {
				return &GridError{Index: i, Code: s.Grids[i].Code, Reason: "parent cycle"}
			}
		}
	}
	return nil
}

// NormaliseGeometry checks g.Geometry and rewrites it in place: repeated
// consecutive points are removed, rings whose distinct points are fewer than
// three are dropped (with a message; an error when nothing is left), shells
// are turned counter-clockwise and holes clockwise (RFC 7946). Neither step
// changes which points the grid covers under the non-zero rule, apart from the
// dropped zero-area rings.
//
// It returns an error for a geometry that cannot be used: empty, a ring with
// fewer than 4 positions, a ring that is not closed, a NaN or infinite
// coordinate, lon outside [-180,180] or lat outside [-90,90]. The messages it
// returns describe problems that do not stop the grid: self-touching or
// self-crossing rings and dropped rings.
func NormaliseGeometry(g *Grid) ([]string, error) {
	if len(g.Geometry) == 0 {
		return nil, fmt.Errorf("null or empty geometry")
	}
	var msgs []string
	out := g.Geometry[:0]
	for pi, pg := range g.Geometry {
		if len(pg) == 0 {
			return nil, fmt.Errorf("polygon %d has no rings", pi)
		}
		var rings orb.Polygon
		for ri, r := range pg {
			if err := checkRing(r); err != nil {
				return nil, fmt.Errorf("polygon %d ring %d: %w", pi, ri, err)
			}
			r = dedupe(r)
			if len(r) < 4 {
				if ri == 0 {
					msgs = append(msgs, fmt.Sprintf("polygon %d dropped: its shell has fewer than 3 distinct points", pi))
					break
				}
				msgs = append(msgs, fmt.Sprintf("polygon %d ring %d dropped: fewer than 3 distinct points", pi, ri))
				continue
			}
			if (ringArea(r) < 0) == (ri == 0) {
				slices.Reverse(r)
			}
			if at, n := selfIntersections(r); n > 0 {
				msgs = append(msgs, fmt.Sprintf("polygon %d ring %d touches or crosses itself at %s (%d places)", pi, ri, formatPoint(at), n))
			}
			rings = append(rings, r)
		}
		if len(rings) > 0 {
			out = append(out, rings)
		}
	}
	if len(out) == 0 {
		return msgs, fmt.Errorf("no usable polygon: every shell is degenerate")
	}
	g.Geometry = out
	return msgs, nil
}

func checkRing(r orb.Ring) error {
	if len(r) < 4 {
		return fmt.Errorf("ring has %d positions, need at least 4", len(r))
	}
	for k, p := range r {
		switch {
		case math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0):
			return fmt.Errorf("position %d is not a finite number", k)
		case p[0] < -180 || p[0] > 180:
			return fmt.Errorf("position %d: lon %v outside [-180,180]", k, p[0])
		case p[1] < -90 || p[1] > 90:
			return fmt.Errorf("position %d: lat %v outside [-90,90]", k, p[1])
		}
	}
	if r[0] != r[len(r)-1] {
		return fmt.Errorf("ring is not closed (first position %s, last %s)", formatPoint(r[0]), formatPoint(r[len(r)-1]))
	}
	return nil
}

// dedupe removes repeated consecutive points, in place.
func dedupe(r orb.Ring) orb.Ring {
	out := r[:1]
	for _, p := range r[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}

// ringArea is the shoelace signed area in square degrees: positive when the
// ring runs counter-clockwise.
func ringArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += (r[i][0]-r[0][0])*(r[i+1][1]-r[0][1]) - (r[i+1][0]-r[0][0])*(r[i][1]-r[0][1])
	}
	return a / 2
}

func formatPoint(p orb.Point) string {
	return fmt.Sprintf("(%v %v)", p[0], p[1])
}

package topology

import (
	"cmp"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// Kind is the kind of a Problem.
type Kind string

// The kinds of problem, in the order a Report lists them.
const (
	KindOverlap       Kind = "overlap"        // two siblings share area
	KindGap           Kind = "gap"            // part of a parent (or of the area enclosed by roots) covered by no sibling
	KindOutsideParent Kind = "outside_parent" // part of a child outside its parent
	KindInvalid       Kind = "invalid"        // geometry that is not OGC-valid (see Defect)
	KindSliver        Kind = "sliver"         // a part (or a whole grid) smaller than the area threshold
	KindOrphan        Kind = "orphan"         // a root below the top level: its parent is missing
	KindLevelSkip     Kind = "level_skip"     // a parent more than one level above its child
	KindDuplicateName Kind = "duplicate_name" // siblings with the same name
)

// Kinds lists every kind in report order.
var Kinds = []Kind{KindOverlap, KindGap, KindOutsideParent, KindInvalid, KindSliver, KindOrphan, KindLevelSkip, KindDuplicateName}

func kindRank(k Kind) int { return slices.Index(Kinds, k) }

// Problem is one thing wrong with a boundary set.
type Problem struct {
	Kind Kind
	// Level is the level checked: that of the siblings for an overlap or a
	// gap (the children that fail to cover their parent), of the child for
	// outside_parent, of the grid for the others.
	Level string
	// Grids are the codes concerned: the two siblings of an overlap; the
	// parent of a gap (for a gap between roots, the roots around it); the
	// child then the parent for outside_parent; the grid itself for
	// invalid, sliver, orphan and level_skip; every sibling of the name for
	// duplicate_name.
	Grids []string
	// AreaM2 is the area in square metres on the WGS-84 ellipsoid: of the
	// overlap, the gap, the part outside, the sliver parts; 0 for the
	// others.
	AreaM2 float64
	// Geometry is where: a MultiPolygon for the kinds with an area, a
	// MultiPoint of the defects' locations for invalid, nil for hierarchy
	// problems. WGS-84 lon/lat.
	Geometry orb.Geometry
	Detail   string // a sentence for a person
}

// Options says what Validate checks.
type Options struct {
	// Level restricts the checks to the grids of one level (see
	// Problem.Level); "" checks every level.
	Level string
	// MinAreaM2 is the area threshold in square metres: overlaps, gaps and
	// parts outside a parent smaller than it are not reported, and parts of
	// grids smaller than it are slivers. 0 reports every overlap, gap and
	// part outside, however small, and no slivers.
	MinAreaM2 float64
}

// DefaultMinAreaM2 is the area threshold the CLI and the API use unless
// told otherwise.
const DefaultMinAreaM2 = 1.0

// Report is the result of Validate.
type Report struct {
	Layer     string
	Version   int64
	Level     string // Options.Level
	MinAreaM2 float64
	Grids     int // grids checked
	Problems  []Problem
}

// Count returns the number of problems of kind k.
func (r *Report) Count(k Kind) int {
	n := 0
	for i := range r.Problems {
		if r.Problems[i].Kind == k {
			n++
		}
	}
	return n
}

// sortProblems orders problems by kind, then largest area first, then codes.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.AreaM2, a.AreaM2); c != 0 {
			return c
		}
		return strings.Compare(strings.Join(a.Grids, ","), strings.Join(b.Grids, ","))
	})
}

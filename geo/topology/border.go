package topology

import (
	"cmp"
	"fmt"

	"github.com/paulmach/orb"
)

// Rule decides which grid gets a piece of ground that two or more grids
// claim (an overlap) or that none does (a gap, a sliver left by a merge).
type Rule string

// The rules. Every rule considers only the candidates along the piece's
// border (the ones covering the ground just outside it) when the piece is a
// gap or a sliver; for an overlap both grids are candidates. Ties go to the
// lower code.
const (
	// RuleLongestEdge gives the piece to the candidate that shares the
	// longest stretch of border with it: for an overlap of A and B, A when
	// more of the piece's border runs inside A (along B's edge) than inside
	// B. The default: the piece joins the grid it is most part of.
	RuleLongestEdge Rule = "longest-edge"
	RuleLarger      Rule = "larger"     // the candidate with the larger area
	RuleSmaller     Rule = "smaller"    // the candidate with the smaller area
	RuleLowerCode   Rule = "lower-code" // the candidate whose code sorts first
)

// Rules lists the rules in the order the CLI documents them.
var Rules = []Rule{RuleLongestEdge, RuleLarger, RuleSmaller, RuleLowerCode}

// ParseRule returns the rule named s ("" is RuleLongestEdge).
func ParseRule(s string) (Rule, error) {
	if s == "" {
		return RuleLongestEdge, nil
	}
	for _, r := range Rules {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown rule %q (rules: longest-edge, larger, smaller, lower-code)", s)
}

// candidate is a grid that may receive a piece.
type candidate struct {
	code   string
	area   float64 // m²
	border float64 // metres of the piece's border along it
}

// choose picks the winner among cands by rule, or -1 when none qualifies
// (with requireBorder, a candidate needs some border with the piece).
func choose(rule Rule, cands []candidate, requireBorder bool) int {
	best := -1
	for i, c := range cands {
		if requireBorder && c.border <= 0 {
			continue
		}
		if best < 0 || better(rule, c, cands[best]) {
			best = i
		}
	}
	return best
}

// better reports whether candidate a beats b under rule.
func better(rule Rule, a, b candidate) bool {
	var c int
	switch rule {
	case RuleLarger:
		c = cmp.Compare(b.area, a.area)
	case RuleSmaller:
		c = cmp.Compare(a.area, b.area)
	case RuleLowerCode:
		c = 0
	default:
		c = cmp.Compare(b.border, a.border)
	}
	if c != 0 {
		return c < 0
	}
	return a.code < b.code
}

// maxBorderSamples caps the edges of a piece whose outside is tested.
const maxBorderSamples = 1000

// borderLengths returns, for each of geoms, the length in metres of the
// border of piece (a valid polygon: interior on the left of every ring)
// along which that geometry covers the ground just outside the piece
// (about a centimetre out from the middle of each edge). Pieces with more
// than maxBorderSamples edges are sampled evenly and the lengths scaled.
// A nil geometry gets 0.
func borderLengths(piece orb.Polygon, geoms []orb.MultiPolygon) []float64 {
	out := make([]float64, len(geoms))
	bounds := make([]orb.Bound, len(geoms))
	for i, g := range geoms {
		if len(g) > 0 {
			bounds[i] = g.Bound()
		}
	}
	edges := 0
	for _, r := range piece {
		edges += max(0, len(r)-1)
	}
	step := max(1, edges/maxBorderSamples)
	k := 0
	for _, r := range piece {
		for e := 0; e+1 < len(r); e++ {
			k++
			if k%step != 0 {
				continue
			}
			a, b := r[e], r[e+1]
			pt, ok := outsidePoint(a, b)
			if !ok {
				continue
			}
			l := distanceM(a, b) * float64(step)
			for i, g := range geoms {
				if len(g) > 0 && bounds[i].Contains(pt) && interiorCovers(g, pt) {
					out[i] += l
				}
			}
		}
	}
	return out
}

// outsidePoint returns a point about a centimetre to the right of the middle
// of edge a→b (outside a polygon whose interior is on the left).
func outsidePoint(a, b orb.Point) (orb.Point, bool) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l := distanceM(a, b) / metresPerDegree // degrees, roughly
	if l == 0 {
		return orb.Point{}, false
	}
	const off = 1e-7 // degrees
	return orb.Point{(a[0]+b[0])/2 + dy/l*off, (a[1]+b[1])/2 - dx/l*off}, true
}

// interiorCovers reports whether p lies in the interior of valid multipolygon mp
// (points on its boundary are not covered). Exact.
func interiorCovers(mp orb.MultiPolygon, p orb.Point) bool {
	for _, pg := range mp {
		if len(pg) == 0 || !ringBound(pg[0]).Contains(p) || ringPosition(p, pg[0]) <= 0 {
			continue
		}
		inHole := false
		for _, h := range pg[1:] {
			if ringPosition(p, h) >= 0 {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

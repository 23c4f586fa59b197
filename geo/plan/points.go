package plan

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// pointSet is a fixed set of points with an R-tree over them (tidwall/rtree:
// allocation-free search), answering "which points lie within r metres" and
// "which point is nearest" in great-circle metres. The tree holds positions
// into pts, never the points themselves.
type pointSet struct {
	pts  []pt
	tree rtree.RTreeG[int32]
}

func newPointSet(points []orb.Point) *pointSet {
	s := &pointSet{pts: make([]pt, len(points))}
	for i, p := range points {
		s.pts[i] = mkPt(p)
		s.tree.Insert(p, p, int32(i))
	}
	return s
}

// within calls fn with the position and haversine of every point within r
// metres of p (r ≤ half the circumference), in the tree's order.
func (s *pointSet) within(p pt, r float64, fn func(j int32, h float64)) {
	if len(s.pts) == 0 {
		return
	}
	hr := mToHav(r)
	lo, hi := capBound(p, r)
	s.tree.Search(lo, hi, func(_, _ [2]float64, j int32) bool {
		if h := hav(p, s.pts[j]); reach(h, hr, r) {
			fn(j, h)
		}
		return true
	})
}

// nearest returns the position and haversine of the point nearest to p (the
// lowest position among equally near ones), or -1 when the set is empty. It
// searches within start metres first and widens fourfold until it finds one,
// so a nearby point costs one small search.
func (s *pointSet) nearest(p pt, start float64) (int32, float64) {
	if len(s.pts) == 0 {
		return -1, math.Inf(1)
	}
	best, bestH := int32(-1), math.Inf(1)
	take := func(j int32, h float64) {
		if h < bestH || (h == bestH && j < best) {
			best, bestH = j, h
		}
	}
	halfC := math.Pi * EarthRadiusM
	for r := max(start, 100); ; r *= 4 {
		if r >= halfC {
			for j := range s.pts {
				take(int32(j), hav(p, s.pts[j]))
			}
			return best, bestH
		}
		s.within(p, r, take)
		if best >= 0 {
			return best, bestH
		}
	}
}

// any tells whether some point lies within r metres of p.
func (s *pointSet) any(p pt, r float64) bool {
	if len(s.pts) == 0 {
		return false
	}
	hr := mToHav(r)
	lo, hi := capBound(p, r)
	found := false
	s.tree.Search(lo, hi, func(_, _ [2]float64, j int32) bool {
		found = reach(hav(p, s.pts[j]), hr, r)
		return !found
	})
	return found
}

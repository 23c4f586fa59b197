package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// WGS-84 ellipsoid.
const (
	wgsA  = 6378137.0
	wgsE2 = 6.69437999014e-3
)

// metresPerDegree returns the length of one degree of longitude and of
// latitude at latitude lat (degrees) on the WGS-84 ellipsoid, metres.
func metresPerDegree(lat float64) (kx, ky float64) {
	phi := lat * math.Pi / 180
	s := math.Sin(phi)
	w := 1 - wgsE2*s*s
	n := wgsA / math.Sqrt(w)                     // prime vertical radius
	m := wgsA * (1 - wgsE2) / (w * math.Sqrt(w)) // meridional radius
	return n * math.Cos(phi) * math.Pi / 180, m * math.Pi / 180
}

// tieM is the distance difference, metres, under which two grids count as
// equally near: a grid and its parent share the boundary, but split into
// different segments the float distances can differ in the last bits.
const tieM = 1e-3

// nearest finds the grid (at level when level ≥ 0) whose boundary is nearest
// to p, within limitM metres. Ties (within tieM) go to the finer level, then
// the lower code.
func (ix *Index) nearest(p orb.Point, level int, limitM float64) Result {
	none := Result{Match: MatchNone, Owner: -1}
	if limitM <= 0 {
		return none
	}
	kx, ky := metresPerDegree(p[1])
	// Degrees spanned by limitM, generous by 1% for the change of scale across it.
	dLat := limitM / ky * 1.01
	dLon := limitM / max(kx, 1) * 1.01
	lo := [2]float64{p[0] - dLon, p[1] - dLat}
	hi := [2]float64{p[0] + dLon, p[1] + dLat}
	best, bestD := int32(-1), math.Inf(1)
	ix.tree.Search(lo, hi, func(_, _ [2]float64, i int32) bool {
		n := &ix.nodes[i]
		if level >= 0 && int(n.rank) != level {
			return true
		}
		d := n.shape.distanceM(p, kx, ky, lo, hi)
		if d > limitM {
			return true
		}
		switch {
		case best < 0 || d < bestD-tieM:
			best, bestD = i, d
		case d <= bestD+tieM && ix.before(candidate{i, Exterior}, candidate{best, Exterior}):
			best, bestD = i, min(d, bestD)
		}
		return true
	})
	if best < 0 {
		return none
	}
	return Result{Match: MatchNearest, Owner: best, DistanceM: bestD}
}

// distanceM is the distance in metres from p to the nearest edge of the shape,
// measured in the plane tangent at p (kx, ky metres per degree of lon, lat),
// looking only at rings whose bounding boxes meet the box lo–hi round p and
// at their edges within its latitudes; +Inf when none is.
func (s *shape) distanceM(p orb.Point, kx, ky float64, lo, hi [2]float64) float64 {
	d := math.Inf(1)
	dLat := hi[1] - p[1]
	for i := range s.parts {
		pg := &s.parts[i]
		d = min(d, pg.shell.distanceM(p, kx, ky, dLat))
		if pg.hidx != nil {
			pg.hidx.Search(lo, hi, func(_, _ [2]float64, j int32) bool {
				d = min(d, pg.holes[j].distanceM(p, kx, ky, dLat))
				return true
			})
			continue
		}
		for j := range pg.holes {
			d = min(d, pg.holes[j].distanceM(p, kx, ky, dLat))
		}
	}
	return d
}

func (r *ring) distanceM(p orb.Point, kx, ky, dLat float64) float64 {
	if p[1]+dLat < r.bound.Min[1] || p[1]-dLat > r.bound.Max[1] {
		return math.Inf(1)
	}
	d2 := math.Inf(1)
	seg := func(e int) {
		a, b := r.pts[e], r.pts[e+1]
		ax, ay := (a[0]-p[0])*kx, (a[1]-p[1])*ky
		bx, by := (b[0]-p[0])*kx, (b[1]-p[1])*ky
		d2 = min(d2, segDist2(ax, ay, bx, by))
	}
	if r.strip == nil {
		for e := 0; e+1 < len(r.pts); e++ {
			seg(e)
		}
		return math.Sqrt(d2)
	}
	bands := len(r.start) - 1
	for s := r.band(p[1]-dLat, bands); s <= r.band(p[1]+dLat, bands); s++ {
		for _, e := range r.edges[r.start[s]:r.start[s+1]] {
			seg(int(e))
		}
	}
	return math.Sqrt(d2)
}

// segDist2 is the squared distance from the origin to segment a–b in the plane.
func segDist2(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = max(0, min(1, -(ax*dx+ay*dy)/l2))
	}
	x, y := ax+t*dx, ay+t*dy
	return x*x + y*y
}

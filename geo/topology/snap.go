package topology

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Snapping merges vertices that lie within a tolerance of one another, so
// that two grids drawn a little differently along their common border share
// the same vertices there. The vertices of the whole set are taken in
// lexicographic (lon, lat) order; each becomes a representative unless a
// representative already lies within the tolerance, in which case it moves
// onto the nearest one. A vertex therefore moves by at most the tolerance,
// representatives never move, and the result does not depend on the order
// of the grids. Vertices are not snapped onto edges.
//
// Snapping can make a ring touch itself or collapse; the caller repairs the
// snapped geometry (Repair).

// metresPerDegree is the length of one degree of latitude (and of longitude
// at the equator) on the authalic sphere, close enough for tolerances.
const metresPerDegree = 2 * math.Pi * 6371007.2 / 360

// snapTable finds the representatives near a point.
type snapTable struct {
	cellLat, cellLon float64 // cell size in degrees
	tolM             float64
	cells            map[[2]int64][]orb.Point
}

// snapVertices returns, for every vertex of mps that moves, where it moves
// to. tolM is in metres (> 0).
func snapVertices(mps []orb.MultiPolygon, tolM float64) map[orb.Point]orb.Point {
	var pts []orb.Point
	maxLat := 0.0
	for _, mp := range mps {
		for _, p := range mp {
			for _, r := range p {
				for _, q := range r {
					pts = append(pts, q)
					maxLat = max(maxLat, math.Abs(q[1]))
				}
			}
		}
	}
	slices.SortFunc(pts, comparePoints)
	pts = slices.Compact(pts)
	cell := tolM / metresPerDegree
	t := snapTable{cellLat: cell, cellLon: cell / math.Max(math.Cos(math.Min(maxLat, 89)*math.Pi/180), 1e-3), tolM: tolM,
		cells: make(map[[2]int64][]orb.Point)}
	moved := make(map[orb.Point]orb.Point)
	for _, p := range pts {
		if q, ok := t.nearest(p); ok {
			moved[p] = q
			continue
		}
		k := t.key(p)
		t.cells[k] = append(t.cells[k], p)
	}
	return moved
}

func (t *snapTable) key(p orb.Point) [2]int64 {
	return [2]int64{int64(math.Floor(p[0] / t.cellLon)), int64(math.Floor(p[1] / t.cellLat))}
}

// nearest returns the representative nearest p within the tolerance.
func (t *snapTable) nearest(p orb.Point) (orb.Point, bool) {
	k := t.key(p)
	best, bestD := orb.Point{}, math.Inf(1)
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			for _, q := range t.cells[[2]int64{k[0] + dx, k[1] + dy}] {
				if d := distanceM(p, q); d <= t.tolM && d < bestD {
					best, bestD = q, d
				}
			}
		}
	}
	return best, bestD <= t.tolM
}

// distanceM is the distance between nearby points in metres (equirectangular
// at their mean latitude; enough for tolerances and border lengths).
func distanceM(p, q orb.Point) float64 {
	c := math.Cos((p[1] + q[1]) / 2 * math.Pi / 180)
	return math.Hypot((q[0]-p[0])*c, q[1]-p[1]) * metresPerDegree
}

// snapGeometry returns mp with its vertices moved as moved says, dropping
// repeated consecutive points and rings (and parts whose shell) fall below
// three distinct points, and the number of vertices moved. mp is not
// modified; nil when nothing is left.
func snapGeometry(mp orb.MultiPolygon, moved map[orb.Point]orb.Point) (orb.MultiPolygon, int) {
	n := 0
	var out orb.MultiPolygon
	for _, p := range mp {
		var pg orb.Polygon
		for ri, r := range p {
			nr := make(orb.Ring, 0, len(r))
			for k, q := range r {
				if m, ok := moved[q]; ok {
					q = m
					if k > 0 {
						n++
					}
				}
				if len(nr) == 0 || nr[len(nr)-1] != q {
					nr = append(nr, q)
				}
			}
			if len(nr) < 4 || nr[0] != nr[len(nr)-1] {
				if ri == 0 {
					break
				}
				continue
			}
			pg = append(pg, nr)
		}
		if len(pg) > 0 {
			out = append(out, pg)
		}
	}
	return out, n
}

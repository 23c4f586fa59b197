package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// labelLines is how many horizontal scan lines LabelPoint tries.
const labelLines = 7

// labelPoint returns a point strictly inside the shape, for placing a map
// label: the middle of the widest interior stretch along a few horizontal
// lines across the shape's bounding box, checked with the exact test. The
// scan lines avoid vertex latitudes, so a stretch never starts at a vertex.
// ok is false only for a shape with no interior (zero area). xs is scratch
// space, returned grown for the next call.
func (s *shape) labelPoint(xs []float64) (orb.Point, bool, []float64) {
	var best orb.Point
	bestW := -1.0
	for k := range labelLines {
		// Lines at 1/8 … 7/8 of the height, nudged off vertex latitudes.
		y := s.bound.Min[1] + (s.bound.Max[1]-s.bound.Min[1])*float64(k+1)/(labelLines+1)
		y = s.offVertex(y)
		xs = s.crossings(y, xs[:0])
		slices.Sort(xs)
		for i := 0; i+1 < len(xs); i++ {
			w := xs[i+1] - xs[i]
			if w <= bestW {
				continue
			}
			p := orb.Point{xs[i] + w/2, y}
			if s.locate(p) == Interior {
				best, bestW = p, w
			}
		}
	}
	return best, bestW > 0, xs
}

// crossings appends the x of every crossing of the horizontal line at y with
// the shape's edges.
func (s *shape) crossings(y float64, xs []float64) []float64 {
	for i := range s.parts {
		pg := &s.parts[i]
		xs = pg.shell.crossings(y, xs)
		for j := range pg.holes {
			xs = pg.holes[j].crossings(y, xs)
		}
	}
	return xs
}

func (r *ring) crossings(y float64, xs []float64) []float64 {
	for i := 0; i+1 < len(r.pts); i++ {
		a, b := r.pts[i], r.pts[i+1]
		if (a[1] < y) != (b[1] < y) {
			xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
		}
	}
	return xs
}

// offVertex moves y up until no vertex of the shape lies at that latitude.
func (s *shape) offVertex(y float64) float64 {
	for range 64 {
		if !s.hasVertexAt(y) {
			return y
		}
		y = math.Nextafter(y, math.Inf(1)) + (s.bound.Max[1]-s.bound.Min[1])*1e-9
	}
	return y
}

func (s *shape) hasVertexAt(y float64) bool {
	for i := range s.parts {
		pg := &s.parts[i]
		if pg.shell.hasVertexAt(y) {
			return true
		}
		for j := range pg.holes {
			if pg.holes[j].hasVertexAt(y) {
				return true
			}
		}
	}
	return false
}

func (r *ring) hasVertexAt(y float64) bool {
	for _, p := range r.pts {
		if p[1] == y {
			return true
		}
	}
	return false
}

package topology

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// The overlay. A valid polygon's rings have its interior on their left, so
// for a set of valid polygons, taken with a sign each, the winding number of
// all their rings together at a point is the signed count of the polygons
// covering it. Intersection, difference and union are then regions of that
// count: a∩b is where a + b ≥ 2, a − b where a − b ≥ 1, the union where the
// sum is ≥ 1. The count is read off the rings' edges without building the
// polygons' faces:
//
//  1. an edge and its reverse cancel (the boundary two neighbours share);
//  2. the rest is noded with exact predicates: cut wherever another edge
//     touches or crosses it (crossing points are rounded to float64, and
//     those within 1e-12° of one another merged; cutting is repeated until
//     nothing crosses, since a cut bends an edge by an ulp);
//  3. the count on each side of each noded edge decides whether it bounds
//     the result (boundary.go), and those edges, directed with the result
//     on their left, are cut into simple loops that do not cross
//     (simpleLoops);
//  4. the loops nest (nestLoops): counter-clockwise ones are shells,
//     clockwise ones holes of the smallest shell around them (regionOf).
//
// The cost is that of sorting the edges that do not cancel, which for
// neighbouring grids are a small part of them.
//
// It replaces github.com/peterstace/simplefeatures' DCEL overlay (v0.50.0,
// the version available), which snaps vertices within 512 ulps of an edge
// onto it and then mislabels the faces: on the shared boundary data
// (quantised to 1/1024° and printed with 6 decimals, so collinear points are
// collinear only to 1e-14°) it fails on valid polygons or returns a whole
// polygon as the intersection of two neighbours (see
// TestSimplefeaturesSnapFailure). The results here are checked against
// PostGIS (data/validation_pg_test.go) and against simplefeatures on inputs
// it handles (overlay_test.go).

// polygonEdges appends the directed edges of the rings of mp, shells
// counter-clockwise and holes clockwise whatever their winding in mp, all
// reversed when rev is set.
func polygonEdges(dst []dedge, mp orb.MultiPolygon, rev bool) []dedge {
	for _, p := range mp {
		for i, r := range p {
			flip := rev != ((shoelace(r) > 0) != (i == 0))
			for k := 0; k+1 < len(r); k++ {
				if flip {
					dst = append(dst, dedge{r[k+1], r[k]})
				} else {
					dst = append(dst, dedge{r[k], r[k+1]})
				}
			}
		}
	}
	return dst
}

// coverage returns the regions whose winding number w (of the rings whose
// edges are given) satisfies in, as valid polygons. in(0) must be false.
func coverage(edges []dedge, in func(w int) bool) orb.MultiPolygon {
	return regionOf(nestLoops(simpleLoops(boundary(edges, in))))
}

func atLeast(n int) func(int) bool { return func(w int) bool { return w >= n } }

// Intersection returns the area common to valid multipolygons a and b
// (each with parts that do not overlap), as valid polygons; lines and
// points where they only touch are dropped.
func Intersection(a, b orb.MultiPolygon) orb.MultiPolygon {
	return coverage(polygonEdges(polygonEdges(nil, a, false), b, false), atLeast(2))
}

// Difference returns the area of valid multipolygon a not covered by any
// polygon of b (whose polygons may overlap each other), as valid polygons.
func Difference(a, b orb.MultiPolygon) orb.MultiPolygon {
	return coverage(polygonEdges(polygonEdges(nil, a, false), b, true), atLeast(1))
}

// Union returns the area covered by the polygons of mp (valid each, but they
// may overlap), as valid polygons.
func Union(mp orb.MultiPolygon) orb.MultiPolygon {
	return coverage(polygonEdges(nil, mp, false), atLeast(1))
}

// interiorPoint returns a point strictly inside polygon p (shell and holes
// of any orientation, rings not crossing): on a horizontal line through the
// middle of a gap between vertex latitudes, the middle of the widest stretch
// inside. The tallest gap is tried first, then the next ones (up to
// interiorBands in all): on a needle the tallest band may cross only two
// edges that meet at one x, while a lower band is wide. False when no band
// tried has a stretch of positive width (p has no area in the plane).
func interiorPoint(p orb.Polygon) (orb.Point, bool) {
	var ys []float64
	for _, r := range p {
		for _, q := range r {
			ys = append(ys, q[1])
		}
	}
	slices.Sort(ys)
	ys = slices.Compact(ys)
	if len(ys) < 2 {
		return orb.Point{}, false
	}
	bands := make([]int, len(ys)-1) // band k lies between ys[k] and ys[k+1]
	for k := range bands {
		bands[k] = k
	}
	slices.SortStableFunc(bands, func(a, b int) int { return cmp.Compare(ys[b+1]-ys[b], ys[a+1]-ys[a]) })
	if len(bands) > interiorBands {
		bands = bands[:interiorBands]
	}
	var xs []float64
	for _, k := range bands {
		y := ys[k] + (ys[k+1]-ys[k])/2
		xs = xs[:0]
		for _, r := range p {
			for i := 0; i+1 < len(r); i++ {
				a, b := r[i], r[i+1]
				if (a[1] < y) != (b[1] < y) {
					xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
				}
			}
		}
		slices.Sort(xs)
		widest, x := 0.0, math.NaN()
		for i := 0; i+1 < len(xs); i += 2 {
			if d := xs[i+1] - xs[i]; d > widest {
				widest, x = d, xs[i]+d/2
			}
		}
		if widest > 0 && !math.IsNaN(x) {
			return orb.Point{x, y}, true
		}
	}
	return orb.Point{}, false
}

// interiorBands is how many latitude bands interiorPoint tries at most.
const interiorBands = 16

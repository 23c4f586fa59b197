package geo

import (
	"slices"

	"github.com/paulmach/orb"
)

// simpleCheckMin is the edge count from which selfIntersections first asks
// ringIsSimple (n·log n whatever the shape) before counting.
const simpleCheckMin = 64

// selfIntersections counts the places where a closed ring touches or crosses
// itself: two non-adjacent edges that meet, or two adjacent edges that fold
// back over each other (a spike). It returns the first place found and the
// count. Rings of simpleCheckMin edges or more are first checked with a
// Shamos–Hoey sweep, n·log n whatever their shape; only rings that do touch
// or cross themselves are then counted by countSelfIntersections.
func selfIntersections(r orb.Ring) (orb.Point, int) {
	if len(r)-1 >= simpleCheckMin && ringIsSimple(r) {
		return orb.Point{}, 0
	}
	return countSelfIntersections(r)
}

// countSelfIntersections is selfIntersections by an exhaustive sweep: edges
// in order of their west end, each tested against the earlier ones whose
// x-range reaches it. The cost is about n·log n plus the pairs whose x-ranges
// overlap, which is n² for a ring whose edges all span much of its width.
func countSelfIntersections(r orb.Ring) (orb.Point, int) {
	n := len(r) - 1
	var obuf, abuf [simpleCheckMin]int32
	order := obuf[:0]
	if n > len(obuf) {
		order = make([]int32, 0, n)
	}
	order = order[:n]
	for i := range order {
		order[i] = int32(i)
	}
	minX := func(i int32) float64 { return min(r[i][0], r[i+1][0]) }
	maxX := func(i int32) float64 { return max(r[i][0], r[i+1][0]) }
	slices.SortFunc(order, func(a, b int32) int {
		switch xa, xb := minX(a), minX(b); {
		case xa < xb:
			return -1
		case xa > xb:
			return 1
		}
		return int(a - b)
	})
	var first orb.Point
	count := 0
	active := abuf[:0]
	for _, e := range order {
		x := minX(e)
		keep := active[:0]
		for _, a := range active {
			if maxX(a) >= x {
				keep = append(keep, a)
			}
		}
		active = keep
		for _, a := range active {
			if at, ok := edgesMeet(r, int(a), int(e), n); ok {
				if count == 0 {
					first = at
				}
				count++
			}
		}
		active = append(active, e)
	}
	return first, count
}

// edgesMeet reports whether edges i and j of a ring with n edges touch or
// cross where they should not, and a point where they do.
func edgesMeet(r orb.Ring, i, j, n int) (orb.Point, bool) {
	if i > j {
		i, j = j, i
	}
	a, b, c, d := r[i], r[i+1], r[j], r[j+1]
	if max(a[1], b[1]) < min(c[1], d[1]) || max(c[1], d[1]) < min(a[1], b[1]) {
		return orb.Point{}, false
	}
	adjacent := j == i+1 || (i == 0 && j == n-1)
	if adjacent {
		// They share one vertex; they meet wrongly only when they fold back
		// over each other along one line.
		shared, o1, o2 := b, a, d
		if i == 0 && j == n-1 && j != i+1 {
			shared, o1, o2 = a, b, c
		}
		if orient(o1, shared, o2) != 0 {
			return orb.Point{}, false
		}
		// Collinear: a spike when the far ends lie on the same side of shared.
		if (o1[0]-shared[0])*(o2[0]-shared[0]) > 0 || (o1[1]-shared[1])*(o2[1]-shared[1]) > 0 {
			return shared, true
		}
		return orb.Point{}, false
	}
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o1*o2 > 0 || o3*o4 > 0 {
		return orb.Point{}, false
	}
	switch {
	case o1 == 0 && onSegment(c, a, b):
		return c, true
	case o2 == 0 && onSegment(d, a, b):
		return d, true
	case o3 == 0 && onSegment(a, c, d):
		return a, true
	case o4 == 0 && onSegment(b, c, d):
		return b, true
	case o1 == 0 || o2 == 0 || o3 == 0 || o4 == 0:
		return orb.Point{}, false // collinear but disjoint
	}
	return a, true // proper crossing; a is a nearby vertex
}

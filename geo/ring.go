package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Position of a point relative to a ring, polygon or multipolygon.
type Position int8

const (
	Exterior Position = iota // outside
	Boundary                 // exactly on an edge or vertex
	Interior                 // strictly inside
)

// smallRing is the edge count up to which a ring is scanned edge by edge
// rather than through its strip index.
const smallRing = 24

// ring is a closed ring prepared for repeated point tests: its bounding box
// and, for rings over smallRing edges, a strip index that lists for each
// horizontal band of the bounding box the edges whose y-range meets it. A test
// then looks only at the edges of one band (usually a handful), so its cost
// hardly grows with the ring's size.
//
// The index is read-only after prepareRing; the ring's points are shared with
// the Grid's geometry and never modified. A ring is 64 bytes, one cache line:
// the strip index, which small rings do without, is behind a pointer.
type ring struct {
	pts    orb.Ring // closed: pts[0] == pts[len-1]
	bound  orb.Bound
	*strip // nil for small rings
}

// strip is a ring's strip index: the edges (index i means the segment
// pts[i]–pts[i+1]) meeting band s are edges[start[s]:start[s+1]]; band s
// covers latitudes [minY + s/invH, minY + (s+1)/invH).
type strip struct {
	minY, invH float64
	start      []uint32
	edges      []uint32
}

func prepareRing(pts orb.Ring) ring {
	r := ring{pts: pts, bound: pts.Bound()}
	n := len(pts) - 1
	if n <= smallRing {
		return r
	}
	bands := n / 2
	h := (r.bound.Max[1] - r.bound.Min[1]) / float64(bands)
	if !(h > 0) { // a flat ring: one band holds every edge
		bands, h = 1, 1
	}
	st := &strip{minY: r.bound.Min[1], invH: 1 / h}
	counts := make([]uint32, bands+1)
	for i := range n {
		lo, hi := st.bandRange(pts[i][1], pts[i+1][1], bands)
		for s := lo; s <= hi; s++ {
			counts[s+1]++
		}
	}
	for s := 1; s <= bands; s++ {
		counts[s] += counts[s-1]
	}
	st.start = counts
	st.edges = make([]uint32, counts[bands])
	fill := make([]uint32, bands)
	copy(fill, counts[:bands])
	for i := range n {
		lo, hi := st.bandRange(pts[i][1], pts[i+1][1], bands)
		for s := lo; s <= hi; s++ {
			st.edges[fill[s]] = uint32(i)
			fill[s]++
		}
	}
	r.strip = st
	return r
}

// band returns the band holding latitude y, clamped to [0, bands).
// It is monotone in y, so an edge whose y-range holds y is listed in band(y).
// It clamps before converting to int: a float beyond int's range (a very thin
// ring, or y far outside it) converts to an arbitrary int.
func (r *strip) band(y float64, bands int) int {
	s := math.Floor((y - r.minY) * r.invH)
	if !(s > 0) { // also NaN, from 0·Inf
		return 0
	}
	return int(min(s, float64(bands-1)))
}

func (r *strip) bandRange(y0, y1 float64, bands int) (int, int) {
	if y0 > y1 {
		y0, y1 = y1, y0
	}
	return r.band(y0, bands), r.band(y1, bands)
}

// locate tells where p lies relative to the ring: Boundary when p is exactly
// on an edge, else Interior when the winding number is not zero (non-zero
// rule), else Exterior.
func (r *ring) locate(p orb.Point) Position {
	if !boundCovers(r.bound, p) {
		return Exterior
	}
	wn := 0
	if r.strip == nil {
		for i := 0; i+1 < len(r.pts); i++ {
			if windEdge(p, r.pts[i], r.pts[i+1], &wn) {
				return Boundary
			}
		}
	} else {
		s := r.band(p[1], len(r.start)-1)
		for _, e := range r.edges[r.start[s]:r.start[s+1]] {
			if windEdge(p, r.pts[e], r.pts[e+1], &wn) {
				return Boundary
			}
		}
	}
	if wn != 0 {
		return Interior
	}
	return Exterior
}

// windEdge adds edge a→b's contribution to the winding number of p (Sunday's
// crossing rule: upward edges that have p strictly left count +1, downward
// edges that have p strictly right count −1) and reports whether p lies on the
// edge. Edges whose y-range misses p.y contribute nothing and cannot hold p.
func windEdge(p, a, b orb.Point, wn *int) bool {
	if a[1] <= p[1] {
		if b[1] > p[1] {
			o := orient(a, b, p)
			if o == 0 {
				return true
			}
			if o > 0 {
				*wn++
			}
			return false
		}
		if b[1] == p[1] && a[1] == p[1] { // horizontal edge at p's height
			return p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0])
		}
		if b[1] == p[1] { // edge a→b ends at p's height: on it only at b
			return p[0] == b[0]
		}
		return false
	}
	// a above p
	if b[1] <= p[1] {
		if b[1] == p[1] && p[0] == b[0] {
			return true
		}
		o := orient(a, b, p)
		if o == 0 {
			return true
		}
		if o < 0 {
			*wn--
		}
	}
	return false
}

func boundCovers(b orb.Bound, p orb.Point) bool {
	return p[0] >= b.Min[0] && p[0] <= b.Max[0] && p[1] >= b.Min[1] && p[1] <= b.Max[1]
}

package arcs

import (
	"cmp"
	"math"
	"math/bits"
	"slices"

	"github.com/paulmach/orb"
)

// Ref names an arc and the direction a ring walks it: a ≥ 0 is arc a as
// stored, ^a (negative) is arc a walked backwards (TopoJSON's convention).
type Ref int32

// Arc is the arc's number.
func (r Ref) Arc() int {
	if r < 0 {
		return int(^r)
	}
	return int(r)
}

// Reversed reports whether the ring walks the arc backwards.
func (r Ref) Reversed() bool { return r < 0 }

// Topology is the shared-arc form of a list of shapes (see the package
// comment). Build it with Build; it is never changed afterwards.
type Topology struct {
	pts    []orb.Point // every arc's points, arc after arc
	starts []int32     // arc a is pts[starts[a]:starts[a+1]]
	force  []bool      // arc a must keep an interior point (a ring of it has < 3 arcs)
	shapes [][][][]Ref // shape → polygon → ring → arcs; rings of < 3 distinct points are empty
}

// Build cuts the rings of shapes into shared arcs. Rings are closed
// (first point = last); repeated consecutive points are skipped. Shape i of
// the topology is shapes[i]; the shapes are read, not modified or kept.
func Build(shapes []orb.MultiPolygon) *Topology {
	var b builder
	b.flatten(shapes)
	b.findJunctions()
	t := &Topology{starts: []int32{0}}
	b.cut(t, shapes)
	return t
}

// builder holds the flattened rings while a Topology is built.
type builder struct {
	v        []orb.Point // ring vertices without the closing point, ring after ring
	ring     []int32     // ring r is v[ring[r]:ring[r+1]]
	junction []bool      // per vertex of v
}

func (b *builder) flatten(shapes []orb.MultiPolygon) {
	n := 0
	for _, mp := range shapes {
		for _, pg := range mp {
			for _, r := range pg {
				n += len(r)
			}
		}
	}
	b.v = make([]orb.Point, 0, n)
	b.ring = []int32{0}
	for _, mp := range shapes {
		for _, pg := range mp {
			for _, r := range pg {
				s := len(b.v)
				for _, p := range r {
					if len(b.v) > s && b.v[len(b.v)-1] == p {
						continue
					}
					b.v = append(b.v, p)
				}
				for len(b.v) > s+1 && b.v[len(b.v)-1] == b.v[s] { // the closing point
					b.v = b.v[:len(b.v)-1]
				}
				b.ring = append(b.ring, int32(len(b.v)))
			}
		}
	}
}

// neighbours returns the points before and after vertex k in its ring, the
// lesser first (so the pair does not depend on the ring's direction).
func (b *builder) neighbours(k, s, e int) (orb.Point, orb.Point) {
	prev, next := k-1, k+1
	if prev < s {
		prev = e - 1
	}
	if next == e {
		next = s
	}
	p, q := b.v[prev], b.v[next]
	if comparePoints(q, p) < 0 {
		p, q = q, p
	}
	return p, q
}

func comparePoints(a, b orb.Point) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}

// findJunctions marks every vertex where two rings through the same point
// do not share both neighbours. Equal points are brought together by
// sorting hashes of the points packed with the vertex numbers in one
// uint64 (an ordered sort, several times faster than sorting by comparing
// points); the rare runs of equal hashes holding different points are
// sorted by point.
func (b *builder) findJunctions() {
	ringOf := make([]int32, len(b.v))
	for r := 0; r+1 < len(b.ring); r++ {
		for k := b.ring[r]; k < b.ring[r+1]; k++ {
			ringOf[k] = int32(r)
		}
	}
	pair := func(k int32) (orb.Point, orb.Point) {
		r := ringOf[k]
		return b.neighbours(int(k), int(b.ring[r]), int(b.ring[r+1]))
	}
	idxBits := uint(bits.Len(uint(len(b.v))))
	keys := make([]uint64, len(b.v))
	for k, p := range b.v {
		keys[k] = hashPoint(p)<<idxBits | uint64(k)
	}
	slices.Sort(keys)
	idx := make([]int32, len(keys))
	mask := uint64(1)<<idxBits - 1
	for i, key := range keys {
		idx[i] = int32(key & mask)
	}
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && keys[j]>>idxBits == keys[i]>>idxBits {
			j++
		}
		if j-i > 1 {
			run := idx[i:j]
			for _, k := range run[1:] {
				if b.v[k] != b.v[run[0]] { // a hash collision: order the run by point
					slices.SortFunc(run, func(a, c int32) int { return comparePoints(b.v[a], b.v[c]) })
					break
				}
			}
		}
		i = j
	}
	b.junction = make([]bool, len(b.v))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && b.v[idx[j]] == b.v[idx[i]] {
			j++
		}
		if j-i > 1 {
			p0, q0 := pair(idx[i])
			for k := i + 1; k < j; k++ {
				if p, q := pair(idx[k]); p != p0 || q != q0 {
					for _, m := range idx[i:j] {
						b.junction[m] = true
					}
					break
				}
			}
		}
		i = j
	}
}

// hashPoint mixes a point's coordinates (0 and -0 alike) into 64 bits.
func hashPoint(p orb.Point) uint64 {
	x, y := p[0], p[1]
	if x == 0 {
		x = 0
	}
	if y == 0 {
		y = 0
	}
	return mix64(math.Float64bits(x) ^ mix64(math.Float64bits(y)+0x9e3779b97f4a7c15))
}

// mix64 is splitmix64's finaliser.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// cut splits each ring at its junctions and stores each arc once.
func (b *builder) cut(t *Topology, shapes []orb.MultiPolygon) {
	nrings := len(b.ring) - 1
	byStart := make(map[[2]orb.Point]Ref, nrings)
	var refs []Ref
	var buf []orb.Point
	ringRefs := make([]int32, 0, nrings+1) // ring r's refs are refs[ringRefs[r]:ringRefs[r+1]]
	ringRefs = append(ringRefs, 0)
	arcFor := func(chain []orb.Point) Ref {
		if r, ok := byStart[[2]orb.Point{chain[0], chain[1]}]; ok {
			return r
		}
		a := Ref(len(t.starts) - 1)
		t.pts = append(t.pts, chain...)
		t.starts = append(t.starts, int32(len(t.pts)))
		t.force = append(t.force, false)
		byStart[[2]orb.Point{chain[0], chain[1]}] = a
		back := [2]orb.Point{chain[len(chain)-1], chain[len(chain)-2]}
		if _, ok := byStart[back]; !ok {
			byStart[back] = ^a
		}
		return a
	}
	for r := range nrings {
		s, e := int(b.ring[r]), int(b.ring[r+1])
		if e-s >= 3 {
			first := -1
			for k := s; k < e; k++ {
				if b.junction[k] {
					first = k
					break
				}
			}
			if first < 0 { // no junction: one closed arc from the least point
				m := s
				for k := s + 1; k < e; k++ {
					if comparePoints(b.v[k], b.v[m]) < 0 {
						m = k
					}
				}
				buf = append(append(append(buf[:0], b.v[m:e]...), b.v[s:m]...), b.v[m])
				refs = append(refs, arcFor(buf))
			}
			for k0 := first; k0 >= 0; {
				buf = append(buf[:0], b.v[k0])
				k := k0
				for {
					if k++; k == e {
						k = s
					}
					buf = append(buf, b.v[k])
					if b.junction[k] {
						break
					}
				}
				refs = append(refs, arcFor(buf))
				if k0 = k; k0 == first {
					break
				}
			}
		}
		ringRefs = append(ringRefs, int32(len(refs)))
	}
	// Arcs of rings with fewer than three arcs must keep an interior point,
	// or the ring could collapse to a line when simplified.
	for r := range nrings {
		if rr := refs[ringRefs[r]:ringRefs[r+1]]; len(rr) < 3 {
			for _, ref := range rr {
				t.force[ref.Arc()] = true
			}
		}
	}
	t.shapes = make([][][][]Ref, len(shapes))
	rings := make([][]Ref, nrings)
	for r := range rings {
		rings[r] = refs[ringRefs[r]:ringRefs[r+1]:ringRefs[r+1]]
	}
	npoly := 0
	for _, mp := range shapes {
		npoly += len(mp)
	}
	polys := make([][][]Ref, npoly)
	r, p := 0, 0
	for i, mp := range shapes {
		lo := p
		for _, pg := range mp {
			polys[p] = rings[r : r+len(pg) : r+len(pg)]
			r += len(pg)
			p++
		}
		t.shapes[i] = polys[lo:p:p]
	}
}

// Len is the number of arcs.
func (t *Topology) Len() int { return len(t.starts) - 1 }

// Arc returns arc a's points in stored order. Shared: do not modify.
func (t *Topology) Arc(a int) []orb.Point { return t.pts[t.starts[a]:t.starts[a+1]:t.starts[a+1]] }

// Points returns every arc's points, arc after arc, with Range(a) giving
// arc a's positions in it; callers that keep a projected copy of the points
// (one per point) use it. Shared: do not modify.
func (t *Topology) Points() []orb.Point { return t.pts }

// Range returns the positions [lo, hi) of arc a's points in Points.
func (t *Topology) Range(a int) (lo, hi int) { return int(t.starts[a]), int(t.starts[a+1]) }

// Forced reports whether a simplification of arc a must keep at least one
// interior point, because a ring made of it has fewer than three arcs.
func (t *Topology) Forced(a int) bool { return t.force[a] }

// Shapes is the number of shapes the topology was built from.
func (t *Topology) Shapes() int { return len(t.shapes) }

// Shape returns shape i as polygons of rings of arc references, in the
// order of the input (shell first, then holes). A ring of fewer than three
// distinct points has no references. Shared: do not modify.
func (t *Topology) Shape(i int) [][][]Ref { return t.shapes[i] }

// AppendRing appends to dst the closed ring made of refs, taking each arc's
// points from arc (the original points: t.Arc; simplified ones: a
// Simplified's Arc). It returns dst unchanged for a ring without references.
func AppendRing(dst orb.Ring, refs []Ref, arc func(a int) []orb.Point) orb.Ring {
	if len(refs) == 0 {
		return dst
	}
	for _, r := range refs {
		pts := arc(r.Arc())
		if r.Reversed() {
			for k := len(pts) - 1; k > 0; k-- {
				dst = append(dst, pts[k])
			}
		} else {
			dst = append(dst, pts[:len(pts)-1]...)
		}
	}
	first := arc(refs[0].Arc())
	if refs[0].Reversed() {
		return append(dst, first[len(first)-1])
	}
	return append(dst, first[0])
}

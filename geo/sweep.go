package geo

import (
	"slices"

	"github.com/paulmach/orb"
)

// ringIsSimple reports whether a closed ring (at least 3 edges, no repeated
// consecutive points) neither touches nor crosses itself, in the sense of
// countSelfIntersections: no two non-adjacent edges meet and no two adjacent
// edges fold back over each other. It costs n·log n whatever the ring's
// shape, where countSelfIntersections can take n².
//
// It is the Shamos–Hoey sweep, exact throughout: adjacent pairs and repeated
// vertices are checked first, then a line sweeps the edges in lexicographic
// (x, then y) order of their endpoints, keeping the edges it crosses in a
// treap ordered bottom to top, and tests each edge against its neighbours
// when it enters and the two neighbours of an edge when it leaves. The
// lexicographic order is the x order after an infinitesimal shear, which
// leaves every orientation unchanged, so vertical edges need no special case.
// Until the first bad meeting the edges on the line never cross, so the order
// is well defined; the leftmost bad meeting is always found by a neighbour
// test (or an order test) at or before its own point.
func ringIsSimple(r orb.Ring) bool {
	n := len(r) - 1
	for i := range n {
		if _, bad := edgesMeet(r, i, (i+1)%n, n); bad {
			return false
		}
	}
	lex := func(a, b orb.Point) int {
		switch {
		case a[0] < b[0]:
			return -1
		case a[0] > b[0]:
			return 1
		case a[1] < b[1]:
			return -1
		case a[1] > b[1]:
			return 1
		}
		return 0
	}
	// Repeated vertices: two non-adjacent edges meeting end to end.
	vs := make([]int32, n)
	for i := range vs {
		vs[i] = int32(i)
	}
	slices.SortFunc(vs, func(a, b int32) int { return lex(r[a], r[b]) })
	for k := 1; k < n; k++ {
		if r[vs[k]] == r[vs[k-1]] {
			return false
		}
	}
	// Each edge's ends, west (lexicographically smaller) first.
	ws, es := make([]orb.Point, n), make([]orb.Point, n)
	for e := range n {
		ws[e], es[e] = r[e], r[e+1]
		if lex(ws[e], es[e]) > 0 {
			ws[e], es[e] = es[e], ws[e]
		}
	}
	west := func(e int32) orb.Point { return ws[e] }
	east := func(e int32) orb.Point { return es[e] }
	// Events: 2e+1 enters edge e at its west end, 2e leaves it at its east
	// end; at one point, leaving comes first.
	ev := make([]int32, 2*n)
	for e := range int32(n) {
		ev[2*e], ev[2*e+1] = 2*e, 2*e+1
	}
	at := func(v int32) orb.Point {
		if v&1 == 1 {
			return west(v >> 1)
		}
		return east(v >> 1)
	}
	slices.SortFunc(ev, func(a, b int32) int {
		if c := lex(at(a), at(b)); c != 0 {
			return c
		}
		return int(a&1) - int(b&1)
	})
	bad := false
	// below compares edges s and t on the sweep line: negative when s is
	// below t. Evaluated at the later of their west ends, where both are on
	// the line; collinear overlapping edges are a bad meeting.
	var below func(s, t int32) int
	below = func(s, t int32) int {
		if s == t {
			return 0
		}
		sw, tw := west(s), west(t)
		if lex(sw, tw) < 0 {
			return -below(t, s)
		}
		te := east(t)
		o := orient(tw, te, sw)
		if o == 0 {
			if sw != tw {
				bad = true // s starts on t's interior
			}
			if o = orient(tw, te, east(s)); o == 0 {
				bad = true
				return int(s - t)
			}
		}
		return o
	}
	tr := newTreap(n, below)
	meets := func(a, b int32) bool {
		if a < 0 || b < 0 {
			return false
		}
		_, ok := edgesMeet(r, int(a), int(b), n)
		return ok
	}
	for _, v := range ev {
		e := v >> 1
		if v&1 == 1 {
			lo, hi := tr.insert(e)
			if bad || meets(e, lo) || meets(e, hi) {
				return false
			}
		} else {
			lo, hi := tr.remove(e)
			if bad || meets(lo, hi) {
				return false
			}
		}
	}
	return true
}

// treap is a randomised balanced search tree over the ids 0..n-1, ordered by
// cmp, for ringIsSimple's sweep line. −1 is the empty tree.
type treap struct {
	left, right []int32
	prio        []uint32
	root        int32
	cmp         func(a, b int32) int
}

func newTreap(n int, cmp func(a, b int32) int) *treap {
	t := &treap{left: make([]int32, n), right: make([]int32, n), prio: make([]uint32, n), root: -1, cmp: cmp}
	x := uint32(2463534242)
	for i := range t.prio {
		x ^= x << 13 // xorshift: fixed, so the sweep is reproducible
		x ^= x >> 17
		x ^= x << 5
		t.prio[i] = x
	}
	return t
}

// split cuts tree u into the ids ordered before key (and key itself when
// withKey) and the rest.
func (t *treap) split(u, key int32, withKey bool) (int32, int32) {
	if u < 0 {
		return -1, -1
	}
	if c := t.cmp(u, key); c < 0 || (withKey && c == 0) {
		l, r := t.split(t.right[u], key, withKey)
		t.right[u] = l
		return u, r
	}
	l, r := t.split(t.left[u], key, withKey)
	t.left[u] = r
	return l, u
}

func (t *treap) merge(a, b int32) int32 {
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	case t.prio[a] > t.prio[b]:
		t.right[a] = t.merge(t.right[a], b)
		return a
	}
	t.left[b] = t.merge(a, t.left[b])
	return b
}

func (t *treap) first(u int32) int32 {
	for u >= 0 && t.left[u] >= 0 {
		u = t.left[u]
	}
	return u
}

func (t *treap) last(u int32) int32 {
	for u >= 0 && t.right[u] >= 0 {
		u = t.right[u]
	}
	return u
}

// insert adds id and returns its neighbours below and above (−1 for none).
func (t *treap) insert(id int32) (lo, hi int32) {
	t.left[id], t.right[id] = -1, -1
	l, r := t.split(t.root, id, false)
	lo, hi = t.last(l), t.first(r)
	t.root = t.merge(t.merge(l, id), r)
	return lo, hi
}

// remove takes id out and returns the neighbours it had below and above.
func (t *treap) remove(id int32) (lo, hi int32) {
	l, r := t.split(t.root, id, false)
	_, r = t.split(r, id, true)
	lo, hi = t.last(l), t.first(r)
	t.root = t.merge(l, r)
	return lo, hi
}

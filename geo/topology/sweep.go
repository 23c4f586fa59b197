package topology

import (
	"slices"

	"github.com/paulmach/orb"
)

// seg is one edge for the sweeps: its ends, the box they span, and the
// caller's number for it.
type seg struct {
	a, b       orb.Point
	minX, maxX float64
	minY, maxY float64
	id         int32
	set        uint8 // which side of a two-set sweep (0 or 1)
}

func newSeg(a, b orb.Point, id int32, set uint8) seg {
	return seg{a: a, b: b, minX: min(a[0], b[0]), maxX: max(a[0], b[0]),
		minY: min(a[1], b[1]), maxY: max(a[1], b[1]), id: id, set: set}
}

// sweepPairs calls fn for every pair of segments whose boxes meet (closed
// boxes: touching counts), sweeping a vertical line from west to east and
// keeping the segments it crosses in a list. With cross, only pairs from
// different sets are reported. fn returning false stops the sweep. segs is
// reordered.
//
// The cost is the number of segments times those crossing the sweep line at
// a time: for boundary rings, which a vertical line crosses a few dozen
// times at most, close to linear.
func sweepPairs(segs []seg, cross bool, fn func(s, t *seg) bool) {
	sortByMinX(segs)
	var active [2][]int32
	for i := range segs {
		s := &segs[i]
		for k := range active {
			if cross && uint8(k) == s.set {
				// Prune this side's list too, without testing.
				active[k] = prune(active[k], segs, s.minX)
				continue
			}
			kept := active[k][:0]
			for _, j := range active[k] {
				t := &segs[j]
				if t.maxX < s.minX {
					continue
				}
				kept = append(kept, j)
				if t.minY <= s.maxY && s.minY <= t.maxY {
					if !fn(t, s) {
						return
					}
				}
			}
			active[k] = kept
		}
		side := 0
		if cross {
			side = int(s.set)
		}
		active[side] = append(active[side], int32(i))
	}
}

func prune(list []int32, segs []seg, x float64) []int32 {
	kept := list[:0]
	for _, j := range list {
		if segs[j].maxX >= x {
			kept = append(kept, j)
		}
	}
	return kept
}

// sortByMinX sorts segs by minX through 16-byte keys (sorting the 80-byte
// segments themselves moves five times the memory), then permutes them.
func sortByMinX(segs []seg) {
	type key struct {
		x float64
		i int32
	}
	keys := make([]key, len(segs))
	for i := range segs {
		keys[i] = key{segs[i].minX, int32(i)}
	}
	slices.SortFunc(keys, func(p, q key) int {
		switch {
		case p.x < q.x:
			return -1
		case p.x > q.x:
			return 1
		}
		return int(p.i - q.i)
	})
	sorted := make([]seg, len(segs))
	for k, kk := range keys {
		sorted[k] = segs[kk.i]
	}
	copy(segs, sorted)
}

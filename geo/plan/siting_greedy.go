package plan

import (
	"context"
	"math"
)

// entry is a candidate in the lazy greedy's queue with an upper bound of its
// marginal gain (by submodularity, a gain computed earlier never grows).
type entry struct {
	ub float64
	j  int32
}

// ahead orders the queue: larger bound first, then the lower candidate.
func ahead(a, b entry) bool { return a.ub > b.ub || (a.ub == b.ub && a.j < b.j) }

// queue is a binary max-heap of entries under ahead.
type queue []entry

func (q *queue) push(e entry) {
	*q = append(*q, e)
	h := *q
	for c := len(h) - 1; c > 0; {
		p := (c - 1) / 2
		if !ahead(h[c], h[p]) {
			break
		}
		h[c], h[p] = h[p], h[c]
		c = p
	}
}

func (q *queue) pop() entry {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for c := 0; ; {
		l, best := 2*c+1, c
		if l < len(h) && ahead(h[l], h[best]) {
			best = l
		}
		if r := l + 1; r < len(h) && ahead(h[r], h[best]) {
			best = r
		}
		if best == c {
			break
		}
		h[c], h[best] = h[best], h[c]
		c = best
	}
	*q = h
	return top
}

// topSum is the sum of the k largest bounds in the heap, found by walking it
// from the root with a small frontier heap: O(k log k).
func (q queue) topSum(k int) float64 {
	if len(q) == 0 || k <= 0 {
		return 0
	}
	front := queue{{q[0].ub, 0}} // j holds a position in q
	sum := 0.0
	for n := 0; n < k && len(front) > 0; n++ {
		e := front.pop()
		sum += e.ub
		for _, c := range [2]int32{2*e.j + 1, 2*e.j + 2} {
			if int(c) < len(q) {
				front.push(entry{q[c].ub, c})
			}
		}
	}
	return sum
}

// pick is one chosen candidate and the weight it added when it was chosen.
type pick struct {
	j    int32
	gain float64
}

// singletons returns the queue of every candidate that reaches open demand,
// each with its gain alone (an upper bound of its gain in any solution).
func (p *problem) singletons() queue {
	q := make(queue, 0, p.n())
	for j := 0; j < p.n(); j++ {
		g := 0.0
		for _, i := range p.reach(int32(j)) {
			g += p.w[i]
		}
		if g > 0 {
			q.push(entry{g, int32(j)})
		}
	}
	return q
}

// greedy chooses up to k candidates one at a time, each the one adding the
// most uncovered weight (ties: the lower number), stopping early when the
// covered weight reaches target or no candidate adds anything. Lazy: a
// candidate's gain is recomputed only when its stale bound reaches the top of
// the queue, which gives exactly the plain greedy's choices. start is the
// queue of singletons (not modified); forced, when ≥ 0, is picked first
// whatever its gain.
//
// bound is an upper bound on the weight any k candidates can cover: the
// least, over the steps, of the covered weight so far plus the k largest
// gain bounds in the queue (f(O) ≤ f(S) + Σ_{o∈O} gain_o(S) for any S).
func (p *problem) greedy(ctx context.Context, k int, target float64, start queue, forced int32) (picks []pick, bound float64, err error) {
	cnt := make([]int32, len(p.w))
	q := append(make(queue, 0, len(start)), start...)
	bound = math.Inf(1)
	f := 0.0
	take := func(j int32, g float64) {
		for _, i := range p.reach(j) {
			cnt[i]++
		}
		f += g
		picks = append(picks, pick{j, g})
	}
	if forced >= 0 && k > 0 {
		take(forced, p.gain(forced, cnt))
	}
	for len(picks) < k && f < target && len(q) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		bound = min(bound, f+q.topSum(k))
		for len(q) > 0 {
			e := q.pop()
			if e.j == forced {
				continue
			}
			e.ub = p.gain(e.j, cnt)
			if len(q) == 0 || !ahead(q[0], e) {
				if e.ub <= 0 {
					return picks, min(bound, f), nil // nothing adds coverage
				}
				take(e.j, e.ub)
				break
			}
			if e.ub > 0 {
				q.push(e)
			}
		}
	}
	bound = min(bound, f+q.topSum(k))
	return picks, bound, nil
}

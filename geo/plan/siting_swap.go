package plan

import (
	"context"
	"math"
	"slices"
)

// maxSwaps caps the swap phase; every swap adds coverage, so it ends anyway,
// but an answer should come in bounded time.
const maxSwaps = 1000

// local is a solution under local search: the chosen candidates, the
// coverage counts of the open demand, and the exact gain of every candidate
// not chosen.
type local struct {
	p      *problem
	chosen []int32
	in     []bool    // in[j]: j is chosen
	cnt    []int32   // how many chosen reach demand i
	g      []float64 // exact gain of j given the chosen; 0 for chosen ones
	f      float64   // covered weight
	banned int32     // a candidate improve must not bring in; -1 for none
}

func (p *problem) newLocal(chosen []int32) *local {
	p.transpose()
	s := &local{p: p, chosen: slices.Clone(chosen), in: make([]bool, p.n()), banned: -1}
	for _, j := range chosen {
		s.in[j] = true
	}
	s.cnt, s.f = p.cover(chosen)
	s.g = make([]float64, p.n())
	for j := range s.g {
		if !s.in[j] {
			s.g[j] = p.gain(int32(j), s.cnt)
		}
	}
	return s
}

// remove takes chosen j out, updating counts and gains.
func (s *local) remove(j int32) {
	p := s.p
	s.in[j] = false
	for _, i := range p.reach(j) {
		s.cnt[i]--
		if s.cnt[i] == 0 {
			s.f -= p.w[i]
			for _, o := range p.reachedBy(i) {
				s.g[o] += p.w[i]
			}
		}
	}
}

// add puts j in, updating counts and gains.
func (s *local) add(j int32) {
	p := s.p
	s.in[j] = true
	for _, i := range p.reach(j) {
		if s.cnt[i] == 0 {
			s.f += p.w[i]
			for _, o := range p.reachedBy(i) {
				s.g[o] -= p.w[i]
			}
		}
		s.cnt[i]++
	}
	s.g[j] = 0
}

// drop takes out the chosen candidate whose leaving loses the least weight
// (ties: the later chosen).
func (s *local) drop() {
	p := s.p
	best, bestLoss := -1, math.Inf(1)
	for pos, j := range s.chosen {
		loss := 0.0
		for _, i := range p.reach(j) {
			if s.cnt[i] == 1 {
				loss += p.w[i]
			}
		}
		if loss <= bestLoss {
			best, bestLoss = pos, loss
		}
	}
	s.remove(s.chosen[best])
	s.chosen = slices.Delete(s.chosen, best, best+1)
}

// improve swaps one chosen candidate for one not chosen while that adds more
// than eps, taking, for each chosen site in turn, the best replacement (ties:
// the lower number). It returns the number of swaps made.
//
// Taking chosen j out raises the gain of only the candidates sharing demand
// that j alone covers (the touched ones); every other candidate keeps its
// gain, so the best of those is the best gain overall, found once per swap.
func (s *local) improve(ctx context.Context, eps float64) (int, error) {
	p := s.p
	if p.delta == nil {
		p.delta = make([]float64, p.n())
	}
	delta := p.delta // extra gain of o once the chosen one leaves; all 0 between uses
	var touched []int32
	swaps := 0
	top := s.bestFree()
	for improved := true; improved && swaps < maxSwaps; {
		improved = false
		for pos := 0; pos < len(s.chosen) && swaps < maxSwaps; pos++ {
			if err := ctx.Err(); err != nil {
				return swaps, err
			}
			j := s.chosen[pos]
			p.work += p.start[j+1] - p.start[j]
			loss := 0.0
			for _, i := range p.reach(j) {
				if s.cnt[i] != 1 {
					continue
				}
				loss += p.w[i]
				p.work += p.tstart[i+1] - p.tstart[i]
				for _, o := range p.reachedBy(i) {
					if delta[o] == 0 {
						touched = append(touched, o)
					}
					delta[o] += p.w[i]
				}
			}
			best, bestV := top, -1.0
			if top >= 0 {
				bestV = s.g[top] + delta[top]
			}
			for _, o := range touched {
				if s.in[o] || o == s.banned {
					continue
				}
				if v := s.g[o] + delta[o]; v > bestV || (v == bestV && o < best) {
					best, bestV = o, v
				}
			}
			for _, o := range touched {
				delta[o] = 0
			}
			touched = touched[:0]
			if best < 0 || bestV <= loss+eps {
				continue
			}
			s.remove(j)
			s.add(best)
			s.chosen[pos] = best
			swaps++
			improved = true
			top = s.bestFree()
		}
	}
	return swaps, nil
}

// bestFree returns the candidate of largest gain that is neither chosen nor
// banned (ties: the lower number), -1 when there is none.
func (s *local) bestFree() int32 {
	best, bestG := int32(-1), -1.0
	for o, g := range s.g {
		if g > bestG && !s.in[o] && int32(o) != s.banned {
			best, bestG = int32(o), g
		}
	}
	return best
}

// copyInto makes dst (nil: a new one) a copy of s, reusing dst's memory.
func (s *local) copyInto(dst *local) *local {
	if dst == nil {
		dst = &local{}
	}
	chosen, in, cnt, g := append(dst.chosen[:0], s.chosen...), append(dst.in[:0], s.in...),
		append(dst.cnt[:0], s.cnt...), append(dst.g[:0], s.g...)
	*dst = *s
	dst.chosen, dst.in, dst.cnt, dst.g = chosen, in, cnt, g
	return dst
}

// maxKicks caps the kicks of one kick phase.
const maxKicks = 200

// kick escapes a swap-local optimum (iterated local search): for each chosen
// site in turn, take it out, put in the best other candidate even when that
// loses weight, swap-improve without bringing the first one back, and keep
// the result when it covers more than eps over the best so far; repeat while
// that helps. It returns the best solution and the swaps it took.
func (s *local) kick(ctx context.Context, eps float64) (*local, int, error) {
	best, swaps, kicks := s, 0, 0
	var t *local // the trial, its memory reused
	for improved := true; improved && kicks < maxKicks; {
		improved = false
		for pos := 0; pos < len(best.chosen) && kicks < maxKicks && s.p.work <= s.p.searchBudget(); pos++ {
			kicks++
			t = best.copyInto(t)
			j := t.chosen[pos]
			t.remove(j)
			o, oG := int32(-1), -1.0
			for c, g := range t.g {
				if g > oG && !t.in[c] && int32(c) != j {
					o, oG = int32(c), g
				}
			}
			if o < 0 {
				continue
			}
			t.add(o)
			t.chosen[pos] = o
			t.banned = j
			n, err := t.improve(ctx, eps)
			if err != nil {
				return nil, 0, err
			}
			t.banned = -1
			if t.f > best.f+eps {
				best, t = t, best
				swaps, improved = swaps+n+1, true
				break
			}
		}
	}
	return best, swaps, nil
}

// exactBound is f plus the k largest exact gains: an upper bound on what any
// k candidates cover (see greedy).
func (s *local) exactBound(k int) float64 {
	gs := make([]float64, 0, len(s.g))
	for o, v := range s.g {
		if !s.in[o] && v > 0 {
			gs = append(gs, v)
		}
	}
	slices.SortFunc(gs, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	sum := s.f
	for _, v := range gs[:min(k, len(gs))] {
		sum += v
	}
	return sum
}

// order puts chosen candidates in greedy order among themselves (each next
// one the one adding most given those before it; ties to the lower number)
// and returns each with the weight it adds: the marginal gains then sum to
// the covered weight.
func (p *problem) order(chosen []int32) []pick {
	rest := slices.Clone(chosen)
	slices.Sort(rest)
	cnt := make([]int32, len(p.w))
	out := make([]pick, 0, len(rest))
	for len(rest) > 0 {
		best, bestG := 0, -1.0
		for k, j := range rest {
			if g := p.gain(j, cnt); g > bestG {
				best, bestG = k, g
			}
		}
		j := rest[best]
		for _, i := range p.reach(j) {
			cnt[i]++
		}
		out = append(out, pick{j, bestG})
		rest = slices.Delete(rest, best, best+1)
	}
	return out
}

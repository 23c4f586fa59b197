package plan

import (
	"context"
	"slices"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// DefaultMaxPairs caps the demand–candidate pairs of one siting query (about
// 8 bytes each, twice): beyond it the radius or the candidate list is too
// large for an interactive answer.
const DefaultMaxPairs = 50_000_000

// problem is a maximal covering instance in sparse form: the open demand
// (not covered by an existing service site, weight > 0) and, for each
// candidate, the open demand within the radius. Demand and candidates are
// numbered from 0; a candidate's list is in the R-tree's (deterministic)
// order, a demand point's list in ascending candidate order.
type problem struct {
	w     []float64 // weight of open demand i
	total float64   // Σ w
	start []int     // candidate j reaches dem[start[j]:start[j+1]]
	dem   []int32
	// The transpose (demand i is reached by cand[tstart[i]:tstart[i+1]]),
	// built on first use by the swap phase.
	tstart []int
	cand   []int32
	delta  []float64 // scratch of improve, one per candidate
	// work counts list entries visited by the greedy and the local search;
	// the optional search (restarts, kicks) stops at a budget of it.
	work int
}

func (p *problem) n() int                { return len(p.start) - 1 }
func (p *problem) reach(j int32) []int32 { return p.dem[p.start[j]:p.start[j+1]] }
func (p *problem) pairs() int            { return len(p.dem) }

// buildProblem finds, with an R-tree over the open demand, every open demand
// point within r metres of each candidate, in parallel over contiguous runs
// of candidates joined in order, so the lists are the same as one goroutine
// would make. It fails with an *InputError naming radius_m when the pairs
// would exceed maxPairs.
func buildProblem(ctx context.Context, demand []orb.Point, w []float64, cands []orb.Point, r float64, maxPairs int) (*problem, error) {
	p := &problem{w: w, start: make([]int, len(cands)+1)}
	for _, x := range w {
		p.total += x
	}
	ds := newPointSet(demand)
	var parts [maxWorkers][]int32
	var total atomic.Int64
	var failed atomic.Bool
	chunks(len(cands), 512, func(k, lo, hi int) {
		var out []int32
		for j := lo; j < hi; j++ {
			if j-lo == 128 && hi-lo > 256 { // size the list once from a sample
				est := len(out) * (hi - lo) / 128 * 9 / 8
				out = append(make([]int32, 0, min(est, maxPairs)+1024), out...)
			}
			if (j-lo)%256 == 0 && (ctx.Err() != nil || failed.Load()) {
				failed.Store(true)
				return
			}
			n0 := len(out)
			ds.within(mkPt(cands[j]), r, func(i int32, _ float64) { out = append(out, i) })
			p.start[j+1] = len(out) - n0 // a count for now
			if total.Add(int64(len(out)-n0)) > int64(maxPairs) {
				failed.Store(true)
				return
			}
		}
		parts[k] = out
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if failed.Load() {
		return nil, inputErr("too_many_pairs", "radius_m",
			"radius_m %g m with %d candidates gives more than %d demand–candidate pairs: use a smaller radius or fewer candidates", r, len(cands), maxPairs)
	}
	if parts[1] == nil {
		p.dem = parts[0]
	} else {
		p.dem = make([]int32, 0, total.Load())
		for _, part := range parts {
			p.dem = append(p.dem, part...)
		}
	}
	for j := range cands {
		p.start[j+1] += p.start[j]
	}
	return p, nil
}

// transpose builds the demand → candidates lists (a counting sort, so each
// list is in ascending candidate order).
func (p *problem) transpose() {
	if p.tstart != nil {
		return
	}
	p.tstart = make([]int, len(p.w)+1)
	for _, i := range p.dem {
		p.tstart[i+1]++
	}
	for i := range p.w {
		p.tstart[i+1] += p.tstart[i]
	}
	p.cand = make([]int32, len(p.dem))
	next := append([]int(nil), p.tstart[:len(p.w)]...)
	for j := 0; j < p.n(); j++ {
		for _, i := range p.reach(int32(j)) {
			p.cand[next[i]] = int32(j)
			next[i]++
		}
	}
}

// reachedBy returns the candidates reaching open demand i (after transpose).
func (p *problem) reachedBy(i int32) []int32 { return p.cand[p.tstart[i]:p.tstart[i+1]] }

// gain is the weight candidate j adds to a solution whose coverage counts
// are cnt (cnt[i] > 0: demand i is covered).
func (p *problem) gain(j int32, cnt []int32) float64 {
	p.work += p.start[j+1] - p.start[j]
	g := 0.0
	for _, i := range p.reach(j) {
		if cnt[i] == 0 {
			g += p.w[i]
		}
	}
	return g
}

// cover returns the coverage counts and covered weight of a set of
// candidates.
func (p *problem) cover(chosen []int32) ([]int32, float64) {
	cnt := make([]int32, len(p.w))
	f := 0.0
	for _, j := range chosen {
		for _, i := range p.reach(j) {
			if cnt[i] == 0 {
				f += p.w[i]
			}
			cnt[i]++
		}
	}
	return cnt, f
}

// reachable is the weight of open demand some candidate reaches: no choice of
// candidates covers more.
func (p *problem) reachable() float64 {
	seen := make([]bool, len(p.w))
	f := 0.0
	for _, i := range p.dem {
		if !seen[i] {
			seen[i] = true
			f += p.w[i]
		}
	}
	return f
}

// spatialOrder returns the positions of pts in Morton (Z-curve) order of a
// 2¹⁶ × 2¹⁶ lattice over their box, ties by position: numbering demand this
// way keeps each candidate's list in a few runs of nearby numbers, which
// keeps the coverage counts the greedy reads in cache.
func spatialOrder(pts []orb.Point) []int32 {
	if len(pts) == 0 {
		return nil
	}
	b := orb.MultiPoint(pts).Bound()
	sx := 65535 / max(b.Max[0]-b.Min[0], 1e-12)
	sy := 65535 / max(b.Max[1]-b.Min[1], 1e-12)
	keys := make([]uint64, len(pts))
	for i, p := range pts {
		x := uint64((p[0] - b.Min[0]) * sx)
		y := uint64((p[1] - b.Min[1]) * sy)
		keys[i] = (spread(x)|spread(y)<<1)<<32 | uint64(i)
	}
	slices.Sort(keys)
	out := make([]int32, len(pts))
	for k, key := range keys {
		out[k] = int32(key & 0xffffffff)
	}
	return out
}

// spread puts the low 16 bits of v on the even bits of a 32-bit word.
func spread(v uint64) uint64 {
	v &= 0xffff
	v = (v | v<<8) & 0x00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f
	v = (v | v<<2) & 0x33333333
	v = (v | v<<1) & 0x55555555
	return v
}

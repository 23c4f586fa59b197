package plan

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// randomProblem makes a covering instance of nd demand points and nc
// candidates over a square of side sideM metres near Zhengzhou.
func randomProblem(t *testing.T, seed uint64, nd, nc int, sideM, radiusM float64) *problem {
	t.Helper()
	r := rng(t, seed)
	deg := sideM / 111_000
	var dem, cand []orb.Point
	var w []float64
	for range nd {
		dem = append(dem, orb.Point{113.6 + r.Float64()*deg*1.2, 34.7 + r.Float64()*deg})
		w = append(w, float64(1+r.IntN(20))) // small integers: many ties
	}
	for range nc {
		cand = append(cand, orb.Point{113.6 + r.Float64()*deg*1.2, 34.7 + r.Float64()*deg})
	}
	p, err := buildProblem(context.Background(), dem, w, cand, radiusM, DefaultMaxPairs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// plainGreedy is the textbook greedy: every step recomputes every gain.
func plainGreedy(p *problem, k int) []pick {
	cnt := make([]int32, len(p.w))
	var out []pick
	for len(out) < k {
		best, bestG := int32(-1), 0.0
		for j := 0; j < p.n(); j++ {
			if g := p.gain(int32(j), cnt); g > bestG {
				best, bestG = int32(j), g
			}
		}
		if best < 0 {
			break
		}
		for _, i := range p.reach(best) {
			cnt[i]++
		}
		out = append(out, pick{best, bestG})
	}
	return out
}

// TestLazyGreedyIsPlainGreedy: the lazy greedy makes exactly the plain
// greedy's choices, ties included, and its bound holds for the greedy's own
// answer.
func TestLazyGreedyIsPlainGreedy(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		p := randomProblem(t, seed, 300, 60, 3000, 450)
		for _, k := range []int{1, 3, 10, 60} {
			got, bound, err := p.greedy(context.Background(), k, math.Inf(1), p.singletons(), -1)
			if err != nil {
				t.Fatal(err)
			}
			want := plainGreedy(p, k)
			if !slices.Equal(got, want) {
				t.Fatalf("seed %d k %d: lazy greedy = %v, plain greedy = %v", seed, k, got, want)
			}
			f := 0.0
			for _, pk := range got {
				f += pk.gain
			}
			if bound < f-1e-9 {
				t.Errorf("seed %d k %d: bound %v below the greedy's own %v", seed, k, bound, f)
			}
		}
	}
}

// TestSwapKeepsState: after improve, the incremental counts and gains equal a
// fresh computation, and coverage never went down.
func TestSwapKeepsState(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		p := randomProblem(t, seed, 400, 80, 4000, 500)
		picks, _, _ := p.greedy(context.Background(), 6, math.Inf(1), p.singletons(), -1)
		s := p.newLocal(pickIDs(picks))
		f0 := s.f
		if _, err := s.improve(context.Background(), 1e-9); err != nil {
			t.Fatal(err)
		}
		if s.f < f0-1e-9 {
			t.Errorf("seed %d: improve lowered coverage %v → %v", seed, f0, s.f)
		}
		fresh := p.newLocal(s.chosen)
		if math.Abs(fresh.f-s.f) > 1e-6 || !slices.Equal(fresh.cnt, s.cnt) {
			t.Fatalf("seed %d: incremental state drifted: f %v vs %v", seed, s.f, fresh.f)
		}
		for j := range s.g {
			if math.Abs(fresh.g[j]-s.g[j]) > 1e-6 {
				t.Fatalf("seed %d: gain of %d = %v, fresh %v", seed, j, s.g[j], fresh.g[j])
			}
		}
	}
}

func TestTopSum(t *testing.T) {
	r := rng(t, 4)
	for n := 0; n < 200; n++ {
		var q queue
		var all []float64
		for range r.IntN(50) {
			v := float64(r.IntN(30))
			q.push(entry{v, int32(len(all))})
			all = append(all, v)
		}
		slices.Sort(all)
		slices.Reverse(all)
		k := r.IntN(60)
		want := 0.0
		for _, v := range all[:min(k, len(all))] {
			want += v
		}
		if got := q.topSum(k); got != want {
			t.Fatalf("topSum(%d) of %v = %v, want %v", k, all, got, want)
		}
	}
}

package plan_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

// seedOverride is the -seed flag (defined by the package's internal tests).
func seedOverride() uint64 {
	if f := flag.Lookup("seed"); f != nil {
		v, _ := strconv.ParseUint(f.Value.String(), 10, 64)
		return v
	}
	return 0
}

// instance is a random siting problem near Zhengzhou.
type instance struct {
	service, demand []geo.Site
	cands           []plan.Candidate
	radiusM         float64
}

// newInstance draws nd demand points (clustered, weights 1..100), ns
// existing service sites and nc candidates over a square of side sideM.
func newInstance(t testing.TB, seed uint64, nd, ns, nc int, sideM, radiusM float64) instance {
	t.Helper()
	if s := seedOverride(); s != 0 {
		seed = s
	}
	t.Logf("instance seed %d (rerun with -seed %d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	deg := sideM / 111_000
	at := func() orb.Point { return orb.Point{113.6 + r.Float64()*deg*1.2, 34.7 + r.Float64()*deg} }
	var centres []orb.Point
	for range 4 {
		centres = append(centres, at())
	}
	in := instance{radiusM: radiusM}
	for i := range nd {
		p := at()
		if i%2 == 0 { // half the demand clusters around a few centres
			c := centres[r.IntN(len(centres))]
			p = orb.Point{c[0] + r.NormFloat64()*deg/12, c[1] + r.NormFloat64()*deg/12}
		}
		in.demand = append(in.demand, geo.Site{Kind: "residential", ID: fmt.Sprint("d", i), Point: p, Weight: float64(1 + r.IntN(100))})
	}
	for i := range ns {
		in.service = append(in.service, geo.Site{Kind: "station", ID: fmt.Sprint("s", i), Point: at(), Weight: 1})
	}
	for i := range nc {
		id := fmt.Sprint("c", i)
		in.cands = append(in.cands, plan.Candidate{ID: &id, Point: at()})
	}
	return in
}

func (in instance) query(k int) plan.SitingQuery {
	return plan.SitingQuery{Service: in.service, Demand: in.demand, Candidates: in.cands, RadiusM: in.radiusM, K: k}
}

// covered is the weight covered by the service sites and the chosen
// candidates, by brute force.
func (in instance) covered(chosen []int) float64 {
	f := 0.0
	for _, d := range in.demand {
		hit := false
		for _, s := range in.service {
			hit = hit || plan.DistanceM(d.Point, s.Point) <= in.radiusM
		}
		for _, j := range chosen {
			hit = hit || plan.DistanceM(d.Point, in.cands[j].Point) <= in.radiusM
		}
		if hit {
			f += d.Weight
		}
	}
	return f
}

// optimum enumerates every k-subset of the candidates.
func (in instance) optimum(k int) float64 {
	best := 0.0
	var rec func(start int, chosen []int)
	rec = func(start int, chosen []int) {
		if len(chosen) == k {
			best = max(best, in.covered(chosen))
			return
		}
		for j := start; j < len(in.cands); j++ {
			rec(j+1, append(chosen, j))
		}
	}
	rec(0, nil)
	return best
}

// checkReport checks what must hold of every max_coverage answer.
func checkReport(t *testing.T, in instance, rep *plan.SitingReport) {
	t.Helper()
	sum := rep.Before.CoveredWeight
	seen := map[string]bool{}
	var chosen []int
	for k, c := range rep.Chosen {
		sum += c.MarginalGain
		if seen[*c.CandidateID] {
			t.Errorf("candidate %s chosen twice", *c.CandidateID)
		}
		seen[*c.CandidateID] = true
		if k > 0 && c.MarginalGain > rep.Chosen[k-1].MarginalGain+1e-9 {
			t.Errorf("chosen[%d] gains %v, more than chosen[%d]'s %v: not in pick order", k, c.MarginalGain, k-1, rep.Chosen[k-1].MarginalGain)
		}
		var j int
		fmt.Sscanf(*c.CandidateID, "c%d", &j)
		chosen = append(chosen, j)
	}
	if math.Abs(sum-rep.After.CoveredWeight) > 1e-6 {
		t.Errorf("before %v + marginal gains = %v, after = %v", rep.Before.CoveredWeight, sum, rep.After.CoveredWeight)
	}
	if got := in.covered(chosen); math.Abs(got-rep.After.CoveredWeight) > 1e-6 {
		t.Errorf("after.covered_weight = %v, brute force on the chosen sites = %v", rep.After.CoveredWeight, got)
	}
	if got := in.covered(nil); math.Abs(got-rep.Before.CoveredWeight) > 1e-6 {
		t.Errorf("before.covered_weight = %v, brute force = %v", rep.Before.CoveredWeight, got)
	}
	if rep.UpperBoundWeight < rep.After.CoveredWeight-1e-6 {
		t.Errorf("upper_bound_weight %v below the answer %v", rep.UpperBoundWeight, rep.After.CoveredWeight)
	}
}

// TestSitingVersusExhaustive: on instances small enough to try every
// k-subset, the answer is ≥ 99% of the optimum and the bound is ≥ it.
func TestSitingVersusExhaustive(t *testing.T) {
	worst := 1.0
	for seed := uint64(1); seed <= 12; seed++ {
		in := newInstance(t, seed, 150, int(seed%3), 16, 3000, 450)
		for _, k := range []int{1, 2, 3, 4} {
			rep, err := plan.Siting(context.Background(), in.query(k))
			if err != nil {
				t.Fatal(err)
			}
			checkReport(t, in, rep)
			opt := in.optimum(k)
			if rep.After.CoveredWeight < 0.99*opt {
				t.Errorf("seed %d k %d: covered %v < 99%% of the optimum %v", seed, k, rep.After.CoveredWeight, opt)
			}
			if rep.UpperBoundWeight < opt-1e-6 {
				t.Errorf("seed %d k %d: upper_bound_weight %v below the optimum %v", seed, k, rep.UpperBoundWeight, opt)
			}
			if opt > 0 {
				worst = min(worst, rep.After.CoveredWeight/opt)
			}
		}
	}
	t.Logf("worst answer/optimum: %.4f", worst)
}

// TestSitingDeterministic: the same query gives the same answer.
func TestSitingDeterministic(t *testing.T) {
	in := newInstance(t, 7, 2000, 3, 300, 6000, 500)
	a, err := plan.Siting(context.Background(), in.query(8))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b, _ := plan.Siting(context.Background(), in.query(8))
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("two runs differ:\n%+v\n%+v", a, b)
		}
	}
}

func TestSitingExistingStayOpen(t *testing.T) {
	ix := strip(t)
	// Demand in W is covered by the existing station; M's demand is not.
	q := plan.SitingQuery{
		Service: []geo.Site{site("station", "s1", 113.605, 34.705, 1)},
		Demand: []geo.Site{site("residential", "w", 113.606, 34.705, 100), site("residential", "m1", 113.615, 34.705, 30),
			site("residential", "m2", 113.616, 34.705, 20), site("residential", "e", 113.625, 34.705, 5)},
		Candidates: []plan.Candidate{{Point: orb.Point{113.605, 34.706}}, {Point: orb.Point{113.6155, 34.705}}, {Point: orb.Point{113.625, 34.7051}}},
		RadiusM:    300, K: 2, Index: ix,
	}
	rep, err := plan.Siting(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Before.CoveredWeight != 100 || rep.After.CoveredWeight != 155 || rep.DemandWeight != 155 || rep.After.Ratio != 1 {
		t.Errorf("before %+v after %+v demand %v; want 100, 155, 155", rep.Before, rep.After, rep.DemandWeight)
	}
	if len(rep.Chosen) != 2 || rep.Chosen[0].Lon != 113.6155 || rep.Chosen[0].MarginalGain != 50 || str(rep.Chosen[0].Grid) != "410103002" ||
		rep.Chosen[1].Lon != 113.625 || rep.Chosen[1].MarginalGain != 5 || rep.Chosen[0].CandidateID != nil {
		t.Errorf("chosen = %+v, want M's candidate (+50) then E's (+5)", rep.Chosen)
	}
	wantGrids := []struct {
		code          string
		before, after float64
	}{{"410103001", 100, 100}, {"410103002", 0, 50}, {"410103003", 0, 5}, {"<nil>", 0, 0}}
	for k, w := range wantGrids {
		g := rep.Grids[k]
		if str(g.Code) != w.code || g.Before.CoveredWeight != w.before || g.After.CoveredWeight != w.after {
			t.Errorf("grids[%d] = %s %v→%v, want %+v", k, str(g.Code), g.Before.CoveredWeight, g.After.CoveredWeight, w)
		}
	}
	// k = 3: the third candidate (W's) adds nothing, so it is not chosen.
	q.K = 3
	if rep, _ := plan.Siting(context.Background(), q); len(rep.Chosen) != 2 {
		t.Errorf("k 3: chose %d, want 2 (the third adds nothing)", len(rep.Chosen))
	}
}

func TestSitingMinSites(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		in := newInstance(t, seed, 150, 1, 14, 3000, 500)
		total := 0.0
		for _, d := range in.demand {
			total += d.Weight
		}
		// The fewest sites by brute force, for a target the best 3 reach.
		target := in.optimum(3) / total
		q := in.query(0)
		q.Objective, q.TargetRatio = plan.MinSites, target
		rep, err := plan.Siting(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if !*rep.TargetReached || rep.After.Ratio < target-1e-9 {
			t.Errorf("seed %d: target %v not reached: %+v", seed, target, rep.After)
		}
		m := len(rep.Chosen)
		if m < *rep.LowerBoundSites || *rep.LowerBoundSites < 1 {
			t.Errorf("seed %d: %d sites, lower_bound_sites %d", seed, m, *rep.LowerBoundSites)
		}
		fewest := 3
		for k := 1; k < 3; k++ {
			if in.optimum(k) >= target*total-1e-9 {
				fewest = k
				break
			}
		}
		if m > fewest+1 {
			t.Errorf("seed %d: %d sites reach %.4f, the fewest is %d", seed, m, target, fewest)
		}
		if m != fewest {
			t.Logf("seed %d: %d sites, the fewest is %d", seed, m, fewest)
		}
	}
	// Unreachable: all useful candidates, target_reached false.
	in := newInstance(t, 3, 100, 0, 5, 5000, 600)
	q := in.query(0)
	q.Objective, q.TargetRatio = plan.MinSites, 1
	rep, err := plan.Siting(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if *rep.TargetReached || rep.After.Ratio >= 1 || len(rep.Chosen) == 0 {
		t.Errorf("unreachable target: reached %v ratio %v chosen %d", *rep.TargetReached, rep.After.Ratio, len(rep.Chosen))
	}
	// Already reached by the existing sites: nothing to add.
	q = in.query(0)
	q.Objective, q.TargetRatio, q.Service = plan.MinSites, 0.01, in.demand[:5]
	if rep, _ := plan.Siting(context.Background(), q); len(rep.Chosen) != 0 || !*rep.TargetReached {
		t.Errorf("target met before: chose %d, reached %v", len(rep.Chosen), *rep.TargetReached)
	}
}

func TestSitingNothingToCover(t *testing.T) {
	cands := []plan.Candidate{{Point: orb.Point{113.6, 34.7}}}
	rep, err := plan.Siting(context.Background(), plan.SitingQuery{Candidates: cands, RadiusM: 500, K: 1, Index: strip(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Chosen) != 0 || rep.Before != (plan.Cover{}) || rep.After != (plan.Cover{}) || rep.UpperBoundWeight != 0 {
		t.Errorf("nothing to cover: %+v", rep)
	}
}

func TestSitingBadInput(t *testing.T) {
	cands := []plan.Candidate{{Point: orb.Point{113.6, 34.7}}, {Point: orb.Point{113.61, 34.7}}}
	ok := plan.SitingQuery{Candidates: cands, RadiusM: 500, K: 1}
	tests := []struct {
		name  string
		edit  func(q *plan.SitingQuery)
		field string
	}{
		{"negative radius", func(q *plan.SitingQuery) { q.RadiusM = -5 }, "radius_m"},
		{"radius over 100 km", func(q *plan.SitingQuery) { q.RadiusM = 100_000.5 }, "radius_m"},
		{"k 0", func(q *plan.SitingQuery) { q.K = 0 }, "k"},
		{"k over the candidates", func(q *plan.SitingQuery) { q.K = 3 }, "k"},
		{"no candidates", func(q *plan.SitingQuery) { q.Candidates = nil }, "k"},
		{"unknown objective", func(q *plan.SitingQuery) { q.Objective = "cheapest" }, "objective"},
		{"target ratio 0", func(q *plan.SitingQuery) { q.Objective, q.TargetRatio = plan.MinSites, 0 }, "target_ratio"},
		{"target ratio over 1", func(q *plan.SitingQuery) { q.Objective, q.TargetRatio = plan.MinSites, 1.5 }, "target_ratio"},
		{"min_sites cap over the candidates", func(q *plan.SitingQuery) { q.Objective, q.TargetRatio, q.K = plan.MinSites, 0.5, 5 }, "k"},
		{"candidate out of range", func(q *plan.SitingQuery) { q.Candidates = []plan.Candidate{{Point: orb.Point{200, 0}}} }, "candidates[0]"},
		{"candidate NaN", func(q *plan.SitingQuery) {
			q.Candidates = []plan.Candidate{cands[0], {Point: orb.Point{math.NaN(), 0}}}
		}, "candidates[1]"},
		{"too many pairs", func(q *plan.SitingQuery) {
			q.Demand = []geo.Site{site("r", "a", 113.6, 34.7, 1), site("r", "b", 113.6, 34.7, 1)}
			q.MaxPairs = 1
		}, "radius_m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ok
			tt.edit(&q)
			_, err := plan.Siting(context.Background(), q)
			var ie *plan.InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Errorf("Siting = %v, want an InputError naming %s", err, tt.field)
			}
		})
	}
}

func TestCandidates(t *testing.T) {
	ix := strip(t)
	labels, err := plan.LabelCandidates(ix, "")
	if err != nil || len(labels) != 3 || *labels[0].ID != "410103001" || ix.SiteOwner(labels[1].Point, "grid") != 2 {
		t.Errorf("LabelCandidates = %v %v, want the three grids' label points", labels, err)
	}
	if _, err := plan.LabelCandidates(ix, "street"); err == nil {
		t.Error("LabelCandidates at an unknown level: no error")
	}
	// The strip is 2.74 km × 1.11 km: a 100 m lattice has 28 × 12 points.
	lat, err := plan.LatticeCandidates(ix, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(lat) != 28*12 {
		t.Errorf("100 m lattice over the strip: %d points, want 28 × 12", len(lat))
	}
	for _, c := range lat {
		if ix.SiteOwner(c.Point, "") < 0 || c.ID != nil {
			t.Fatalf("lattice point %v is outside the district or has an id", c.Point)
		}
	}
	if d := plan.DistanceM(lat[0].Point, lat[1].Point); math.Abs(d-100) > 0.5 {
		t.Errorf("lattice spacing = %.2f m, want 100", d)
	}
	for _, bad := range []float64{0, -1, math.NaN(), 0.1} {
		var ie *plan.InputError
		if _, err := plan.LatticeCandidates(ix, bad); !errors.As(err, &ie) || ie.Field != "candidates.lattice_m" {
			t.Errorf("LatticeCandidates(%v) = %v, want an InputError naming candidates.lattice_m", bad, err)
		}
	}
	sites := []geo.Site{site("candidate", "a", 113.6, 34.7, 1)}
	if c := plan.SiteCandidates(sites); len(c) != 1 || *c[0].ID != "a" {
		t.Errorf("SiteCandidates = %+v", c)
	}
}

func TestSiteSet(t *testing.T) {
	s := plan.NewSiteSet([]geo.Site{site("school", "a", 1, 1, 1), site("well", "b", 1, 1, 1), site("school", "c", 1, 1, 1)})
	if got := s.Sites("school"); len(got) != 2 || got[1].ID != "c" {
		t.Errorf("Sites(school) = %v", got)
	}
	if !s.Known("clinic") || !s.Known("well") || s.Known("castle") {
		t.Errorf("Known: clinic %v well %v castle %v; want usual and present kinds known", s.Known("clinic"), s.Known("well"), s.Known("castle"))
	}
	var ie *plan.InputError
	if _, err := s.Lookup("demand", "castle"); !errors.As(err, &ie) || ie.Field != "demand" || ie.Code != "unknown_kind" {
		t.Errorf("Lookup(castle) = %v", err)
	}
	if _, err := s.Lookup("service", ""); !errors.As(err, &ie) || ie.Code != "missing_service" {
		t.Errorf("Lookup(\"\") = %v", err)
	}
	var empty *plan.SiteSet
	if empty.Len() != 0 || empty.Sites("school") != nil || !empty.Known("school") {
		t.Error("a nil SiteSet is not empty")
	}
}

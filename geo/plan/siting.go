package plan

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// Objectives of a siting query.
const (
	MaxCoverage = "max_coverage" // MCLP: k new sites covering the most weight
	MinSites    = "min_sites"    // LSCP: the fewest new sites reaching TargetRatio
)

// SitingQuery asks where to add service sites.
type SitingQuery struct {
	Service, Demand []geo.Site // existing service sites stay open
	ServiceKind     string     // echoed in the report
	DemandKind      string     // echoed in the report
	Candidates      []Candidate
	RadiusM         float64 // within [0, MaxRadiusM]
	Objective       string  // MaxCoverage ("" too) or MinSites
	// K: for MaxCoverage the number of new sites, 1 ≤ K ≤ len(Candidates);
	// for MinSites a cap on them (0: none).
	K int
	// TargetRatio (MinSites): the share of all demand weight, existing
	// coverage included, to reach; within (0,1].
	TargetRatio float64
	Index       *geo.Index // groups demand by grid; nil: no grids
	Level       string     // level of the grid rows; "" the finest with grids
	MaxPairs    int        // 0: DefaultMaxPairs
}

// SitingReport is the answer of Siting; its JSON form is the body of
// POST /v1/siting.
type SitingReport struct {
	Objective   string   `json:"objective"`
	Service     string   `json:"service"`
	Demand      string   `json:"demand"`
	RadiusM     float64  `json:"radius_m"`
	Level       string   `json:"level"`
	K           int      `json:"k,omitempty"`
	TargetRatio *float64 `json:"target_ratio,omitempty"`
	// TargetReached (MinSites) is false when every useful candidate together
	// does not reach the target; Chosen then holds them all, in pick order.
	TargetReached *bool `json:"target_reached,omitempty"`
	// Chosen in pick order: each next site is the one adding most to those
	// before it, so MarginalGain reads "this one reaches 1,240 more people".
	// It may hold fewer than K sites when the rest would add nothing.
	Chosen       []Chosen     `json:"chosen"`
	DemandWeight float64      `json:"demand_weight"`
	Before       Cover        `json:"before"`
	After        Cover        `json:"after"`
	Grids        []GridChange `json:"grids"`
	// UpperBoundWeight bounds the covered weight (existing coverage
	// included) of the best possible choice of as many sites as Chosen holds
	// (K for MaxCoverage): After.CoveredWeight / UpperBoundWeight is a
	// guaranteed lower bound on how close to optimal the answer is.
	UpperBoundWeight float64 `json:"upper_bound_weight"`
	// LowerBoundSites (MinSites): no fewer new sites can reach the target.
	LowerBoundSites *int `json:"lower_bound_sites,omitempty"`
	CandidateCount  int  `json:"candidate_count"`
	PairCount       int  `json:"pair_count"` // demand–candidate pairs within the radius
	Swaps           int  `json:"swaps"`      // improving swaps after the greedy
}

// Chosen is one new site.
type Chosen struct {
	Lon          float64 `json:"lon"`
	Lat          float64 `json:"lat"`
	CandidateID  *string `json:"candidate_id"`
	Grid         *string `json:"grid"` // owner at the report's level
	MarginalGain float64 `json:"marginal_gain"`
}

// Cover is a covered weight and its share of all demand weight.
type Cover struct {
	CoveredWeight float64 `json:"covered_weight"`
	Ratio         float64 `json:"ratio"`
}

// GridChange is one grid's coverage before and after the new sites; the last
// row (Code nil) holds demand outside every grid.
type GridChange struct {
	Code         *string `json:"code"`
	Name         *string `json:"name"`
	DemandWeight float64 `json:"demand_weight"`
	Before       Cover   `json:"before"`
	After        Cover   `json:"after"`
}

// Siting chooses new service sites among q.Candidates. Demand already within
// q.RadiusM of an existing service site is covered before and after; the rest
// ("open" demand of positive weight) is what new sites can add.
//
// MaxCoverage runs the lazy greedy for K picks, then swaps while a swap adds
// coverage. MinSites runs the greedy until the target is reached, then tries
// with one site fewer (dropping the one whose loss is least and swapping)
// while that still reaches it. Errors are *InputError for bad input, or
// ctx's error.
func Siting(ctx context.Context, q SitingQuery) (*SitingReport, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	g, err := newGrouping(q.Index, q.Level)
	if err != nil {
		return nil, err
	}
	rep := &SitingReport{Objective: q.Objective, Service: q.ServiceKind, Demand: q.DemandKind, RadiusM: q.RadiusM,
		Level: g.level, CandidateCount: len(q.Candidates), Chosen: []Chosen{}}
	// Existing coverage, and the open demand.
	svc := newPointSet(sitePoints(q.Service))
	before := make([]bool, len(q.Demand))
	var open []int32 // demand number of each open demand point
	var openPts []orb.Point
	var openW []float64
	for k := range q.Demand {
		if k%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d := &q.Demand[k]
		rep.DemandWeight += d.Weight
		if svc.any(mkPt(d.Point), q.RadiusM) {
			before[k] = true
			rep.Before.CoveredWeight += d.Weight
		} else if d.Weight > 0 {
			open = append(open, int32(k))
			openPts = append(openPts, d.Point)
			openW = append(openW, d.Weight)
		}
	}
	// Number open demand in spatial order (see spatialOrder).
	perm := spatialOrder(openPts)
	open, openPts, openW = permute(open, perm), permute(openPts, perm), permute(openW, perm)
	// Number candidates in spatial order too: neighbouring queries then walk
	// the same part of the R-tree. candOf maps a number back to q.Candidates.
	cands := make([]orb.Point, len(q.Candidates))
	for j := range q.Candidates {
		cands[j] = q.Candidates[j].Point
	}
	candOf := spatialOrder(cands)
	cands = permute(cands, candOf)
	p, err := buildProblem(ctx, openPts, openW, cands, q.RadiusM, q.MaxPairs)
	if err != nil {
		return nil, err
	}
	rep.PairCount = p.pairs()
	var picks []pick
	var boundNew float64
	switch q.Objective {
	case MaxCoverage:
		picks, boundNew, rep.Swaps, err = p.maxCoverage(ctx, q.K)
	case MinSites:
		target := q.TargetRatio*rep.DemandWeight - rep.Before.CoveredWeight
		var reached bool
		var lower int
		picks, boundNew, lower, reached, rep.Swaps, err = p.minSites(ctx, q.K, target)
		rep.TargetRatio, rep.TargetReached, rep.LowerBoundSites = &q.TargetRatio, &reached, &lower
	}
	if err != nil {
		return nil, err
	}
	rep.UpperBoundWeight = rep.Before.CoveredWeight + boundNew
	// After: the chosen sites' open demand.
	after := append([]bool(nil), before...)
	gained := 0.0
	for _, pk := range picks {
		c := q.Candidates[candOf[pk.j]]
		rep.Chosen = append(rep.Chosen, Chosen{Lon: c.Point[0], Lat: c.Point[1], CandidateID: c.ID,
			Grid: g.code(g.row(c.Point)), MarginalGain: pk.gain})
		gained += pk.gain
		for _, i := range p.reach(pk.j) {
			after[open[i]] = true
		}
	}
	rep.After.CoveredWeight = rep.Before.CoveredWeight + gained
	rep.Before.Ratio = ratio(rep.Before.CoveredWeight, rep.DemandWeight)
	rep.After.Ratio = ratio(rep.After.CoveredWeight, rep.DemandWeight)
	rep.UpperBoundWeight = max(rep.UpperBoundWeight, rep.After.CoveredWeight) // float noise only
	if rep.Grids, err = gridChanges(ctx, g, q.Demand, before, after); err != nil {
		return nil, err
	}
	return rep, nil
}

func (q *SitingQuery) check() error {
	if q.Objective == "" {
		q.Objective = MaxCoverage
	}
	if q.MaxPairs <= 0 {
		q.MaxPairs = DefaultMaxPairs
	}
	if err := checkRadius("radius_m", q.RadiusM); err != nil {
		return err
	}
	if len(q.Candidates) > MaxCandidates {
		return inputErr("too_many_candidates", "candidates", "at most %d candidates, not %d", MaxCandidates, len(q.Candidates))
	}
	for j, c := range q.Candidates {
		if !validLonLat(c.Point) {
			return inputErr("invalid_point", fmt.Sprintf("candidates[%d]", j), "candidate %d: lon must be within [-180,180] and lat within [-90,90]", j)
		}
	}
	switch q.Objective {
	case MaxCoverage:
		if q.K < 1 || q.K > len(q.Candidates) {
			return inputErr("invalid_k", "k", "k must be within [1,%d] (the number of candidates)", len(q.Candidates))
		}
	case MinSites:
		if q.K < 0 || q.K > len(q.Candidates) {
			return inputErr("invalid_k", "k", "k (a cap on new sites) must be within [1,%d] (the number of candidates)", len(q.Candidates))
		}
		if math.IsNaN(q.TargetRatio) || q.TargetRatio <= 0 || q.TargetRatio > 1 {
			return inputErr("invalid_target_ratio", "target_ratio", "target_ratio must be within (0,1]")
		}
	default:
		return inputErr("invalid_objective", "objective", "objective must be %s or %s", MaxCoverage, MinSites)
	}
	return nil
}

func validLonLat(p orb.Point) bool {
	return p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90 // false for NaN
}

// restarts is how many extra greedy runs maxCoverage makes, each with its
// first pick forced to one of the next best single candidates.
const restarts = 8

// searchBudget is the work (list entries visited, see problem.work) after
// which maxCoverage starts no more restarts or kicks: the first greedy and
// its swaps always run to the end, the optional search stays proportional to
// the instance. Counting work rather than time keeps answers deterministic.
func (p *problem) searchBudget() int { return 2_000_000 + 20*p.pairs() }

// maxCoverage: the greedy for k picks, improved by swaps; then the same from
// restarts other first picks (the next best single candidates), keeping the
// best answer (ties: the earlier run). boundNew bounds the open weight any k
// candidates cover.
func (p *problem) maxCoverage(ctx context.Context, k int) (picks []pick, boundNew float64, swaps int, err error) {
	start := p.singletons()
	eps := 1e-9 * max(p.total, 1)
	bound := p.reachable()
	firsts := []int32{-1} // -1: the plain greedy
	if k >= 2 && k < p.n() && len(start) > 1 {
		top := append(queue(nil), start...)
		top.pop() // the greedy's own first pick
		for len(top) > 0 && len(firsts) <= restarts {
			firsts = append(firsts, top.pop().j)
		}
	}
	var best *local
	for r, first := range firsts {
		if r > 0 && p.work > p.searchBudget() {
			break
		}
		picks, b, err := p.greedy(ctx, k, math.Inf(1), start, first)
		if err != nil {
			return nil, 0, 0, err
		}
		bound = min(bound, b)
		if len(picks) == 0 {
			break
		}
		s := p.newLocal(pickIDs(picks))
		n, err := s.improve(ctx, eps)
		if err != nil {
			return nil, 0, 0, err
		}
		bound = min(bound, s.exactBound(k))
		s, n2, err := s.kick(ctx, eps)
		if err != nil {
			return nil, 0, 0, err
		}
		if best == nil || s.f > best.f+eps {
			best, swaps = s, n+n2
		}
	}
	if best == nil {
		return nil, bound, 0, nil
	}
	return p.order(best.chosen), min(bound, best.exactBound(k)), swaps, nil
}

// minSites: greedy until the open weight covered reaches target (or nothing
// adds more, or cap picks), then fewer while still reaching it. lower is the
// fewest sites that could reach the target: the least m whose m largest
// single gains reach it.
func (p *problem) minSites(ctx context.Context, capK int, target float64) (picks []pick, boundNew float64, lower int, reached bool, swaps int, err error) {
	if capK == 0 {
		capK = p.n()
	}
	eps := 1e-9 * max(p.total, 1)
	if target <= eps {
		return nil, 0, 0, true, 0, nil
	}
	lower = p.lowerBoundSites(target - eps)
	if lower < 0 { // unreachable: cover what can be covered
		lower = p.n() + 1
	}
	picks, _, err = p.greedy(ctx, capK, target-eps, p.singletons(), -1)
	if err != nil {
		return nil, 0, 0, false, 0, err
	}
	cur := pickIDs(picks)
	_, f := p.cover(cur)
	reached = f >= target-eps
	for reached && len(cur) > 1 && len(cur) > lower && p.work <= p.searchBudget() {
		s := p.newLocal(cur)
		s.drop()
		n, err := s.improve(ctx, eps)
		if err != nil {
			return nil, 0, 0, false, 0, err
		}
		if s.f < target-eps {
			break
		}
		cur, swaps = s.chosen, swaps+n
	}
	if len(cur) == 0 {
		return nil, 0, lower, reached, swaps, nil
	}
	s := p.newLocal(cur)
	return p.order(cur), min(s.exactBound(len(cur)), p.reachable()), lower, reached, swaps, nil
}

// lowerBoundSites is the least m whose m largest single gains sum to target
// (a set of m sites covers at most that sum), or -1 when even all of them do
// not.
func (p *problem) lowerBoundSites(target float64) int {
	gs := make([]float64, p.n())
	for j := range gs {
		for _, i := range p.reach(int32(j)) {
			gs[j] += p.w[i]
		}
	}
	slices.SortFunc(gs, func(a, b float64) int { return cmp.Compare(b, a) })
	sum := 0.0
	for m, v := range gs {
		sum += v
		if sum >= target {
			return m + 1
		}
	}
	return -1
}

func pickIDs(picks []pick) []int32 {
	out := make([]int32, len(picks))
	for k, pk := range picks {
		out[k] = pk.j
	}
	return out
}

// gridChanges sums the demand of each row before and after.
func gridChanges(ctx context.Context, g *grouping, demand []geo.Site, before, after []bool) ([]GridChange, error) {
	rows, err := g.rows(ctx, demand)
	if err != nil {
		return nil, err
	}
	out := make([]GridChange, g.outside()+1)
	for r := range out {
		out[r].Code, out[r].Name = g.code(r), g.name(r)
	}
	for k := range demand {
		row := &out[rows[k]]
		w := demand[k].Weight
		row.DemandWeight += w
		if before[k] {
			row.Before.CoveredWeight += w
		}
		if after[k] {
			row.After.CoveredWeight += w
		}
	}
	for r := range out {
		out[r].Before.Ratio = ratio(out[r].Before.CoveredWeight, out[r].DemandWeight)
		out[r].After.Ratio = ratio(out[r].After.CoveredWeight, out[r].DemandWeight)
	}
	return out, nil
}

// permute returns a[perm[0]], a[perm[1]], ...
func permute[T any](a []T, perm []int32) []T {
	out := make([]T, len(perm))
	for k, i := range perm {
		out[k] = a[i]
	}
	return out
}

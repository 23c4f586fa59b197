package topology

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"github.com/wangge/wangge/geo"
)

// Crosswalk relates the grids of two layers that cover the same ground
// (Compare). Areas are ellipsoidal m²; shares are fractions of a grid's
// area, in [0, 1].
type Crosswalk struct {
	// Pairs lists every pair of grids (one of A, one of B) whose interiors
	// share area, by A's code then B's.
	Pairs []Pair
	// OnlyA and OnlyB are, per grid, its ground that no grid of the other
	// layer covers (grids with none are not listed).
	OnlyA, OnlyB []Part
	// Splits lists the grids of A spread over more than one grid of B,
	// counting the B grids that hold at least CompareOptions.MinShare of it.
	Splits []Split
	// AreaA and AreaB are the areas of the grids compared, per code.
	AreaA, AreaB map[string]float64
}

// Pair is the ground two grids share.
type Pair struct {
	A, B           string
	AreaM2         float64
	ShareA, ShareB float64 // AreaM2 / area of A, of B
	Geometry       orb.MultiPolygon
}

// Part is ground of one grid the other layer does not cover.
type Part struct {
	Code     string
	AreaM2   float64
	Share    float64 // AreaM2 / area of the grid
	Geometry orb.MultiPolygon
}

// Split is a grid of A whose ground the grids B hold (each at least
// MinShare of it), largest share first.
type Split struct {
	A      string
	B      []string
	Shares []float64
}

// CompareOptions says what Compare counts as a split.
type CompareOptions struct {
	// MinShare is the share of an A grid a B grid must hold to count toward
	// a split (default 0.01: slivers along a border drawn a little
	// differently do not make a split).
	MinShare float64
}

// Compare overlays the grids of a and b (two layers' grids of the same
// ground; their geometry is made valid first with Repair, and neither
// slice is modified) and returns the crosswalk. For each grid of A whose
// layer does not overlap itself, its shares in Pairs plus its OnlyA share
// add up to 1. The work is spread over GOMAXPROCS goroutines; it fails only
// when ctx is done.
func Compare(ctx context.Context, a, b []geo.Grid, opt CompareOptions) (*Crosswalk, error) {
	if opt.MinShare <= 0 {
		opt.MinShare = 0.01
	}
	ga, gb := validGeoms(a), validGeoms(b)
	cw := &Crosswalk{AreaA: map[string]float64{}, AreaB: map[string]float64{}}
	areaA, areaB := make([]float64, len(a)), make([]float64, len(b))
	for i := range a {
		areaA[i] = AreaM2(ga[i])
		cw.AreaA[a[i].Code] = areaA[i]
	}
	for i := range b {
		areaB[i] = AreaM2(gb[i])
		cw.AreaB[b[i].Code] = areaB[i]
	}
	treeB := boundTree(gb)
	treeA := boundTree(ga)

	pairs := make([][]Pair, len(a))
	onlyA := make([]Part, len(a))
	onlyB := make([]Part, len(b))
	err := parallelDo(ctx, len(a)+len(b), func(k int) {
		if k < len(a) {
			var others orb.MultiPolygon
			near(treeB, ga[k], func(j int32) {
				others = append(others, gb[j]...)
				inter := Intersection(ga[k], gb[j])
				if area := AreaM2(inter); area > 0 {
					pairs[k] = append(pairs[k], Pair{A: a[k].Code, B: b[j].Code, AreaM2: area,
						ShareA: share(area, areaA[k]), ShareB: share(area, areaB[j]), Geometry: inter})
				}
			})
			onlyA[k] = onlyPart(a[k].Code, ga[k], others, areaA[k])
			return
		}
		k -= len(a)
		var others orb.MultiPolygon
		near(treeA, gb[k], func(j int32) { others = append(others, ga[j]...) })
		onlyB[k] = onlyPart(b[k].Code, gb[k], others, areaB[k])
	})
	if err != nil {
		return nil, err
	}
	for k := range a {
		ps := pairs[k]
		slices.SortFunc(ps, func(x, y Pair) int { return cmp.Compare(x.B, y.B) })
		cw.Pairs = append(cw.Pairs, ps...)
		var s Split
		for _, p := range ps {
			if p.ShareA >= opt.MinShare {
				s.B = append(s.B, p.B)
				s.Shares = append(s.Shares, p.ShareA)
			}
		}
		if len(s.B) > 1 {
			s.A = a[k].Code
			idx := make([]int, len(s.B))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(s.Shares[y], s.Shares[x]) })
			sorted := Split{A: s.A}
			for _, i := range idx {
				sorted.B = append(sorted.B, s.B[i])
				sorted.Shares = append(sorted.Shares, s.Shares[i])
			}
			cw.Splits = append(cw.Splits, sorted)
		}
		if onlyA[k].AreaM2 > 0 {
			cw.OnlyA = append(cw.OnlyA, onlyA[k])
		}
	}
	for k := range b {
		if onlyB[k].AreaM2 > 0 {
			cw.OnlyB = append(cw.OnlyB, onlyB[k])
		}
	}
	slices.SortStableFunc(cw.Pairs, func(x, y Pair) int {
		if c := cmp.Compare(x.A, y.A); c != 0 {
			return c
		}
		return cmp.Compare(x.B, y.B)
	})
	slices.SortStableFunc(cw.OnlyA, func(x, y Part) int { return cmp.Compare(x.Code, y.Code) })
	slices.SortStableFunc(cw.OnlyB, func(x, y Part) int { return cmp.Compare(x.Code, y.Code) })
	slices.SortStableFunc(cw.Splits, func(x, y Split) int { return cmp.Compare(x.A, y.A) })
	return cw, nil
}

func share(part, whole float64) float64 {
	if whole <= 0 {
		return 0
	}
	return min(1, part/whole)
}

// onlyPart is the ground of g (valid) that others (valid each, possibly
// overlapping) do not cover.
func onlyPart(code string, g, others orb.MultiPolygon, area float64) Part {
	d := g
	if len(others) > 0 {
		d = Difference(g, others)
	}
	a := AreaM2(d)
	if a <= 0 {
		return Part{Code: code}
	}
	return Part{Code: code, AreaM2: a, Share: share(a, area), Geometry: d}
}

// validGeoms returns the grids' geometry made valid.
func validGeoms(gs []geo.Grid) []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, len(gs))
	_ = parallelDo(context.Background(), len(gs), func(i int) { out[i] = Repair(gs[i].Geometry).Geometry })
	return out
}

// boundTree indexes the bounding boxes of gs.
func boundTree(gs []orb.MultiPolygon) *rtree.RTreeG[int32] {
	var t rtree.RTreeG[int32]
	for i, g := range gs {
		if len(g) == 0 {
			continue
		}
		b := g.Bound()
		t.Insert([2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]}, int32(i))
	}
	return &t
}

// near calls fn, in increasing order, for the items of t whose box meets g's.
func near(t *rtree.RTreeG[int32], g orb.MultiPolygon, fn func(int32)) {
	if len(g) == 0 {
		return
	}
	b := g.Bound()
	var ids []int32
	t.Search([2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]}, func(_, _ [2]float64, i int32) bool {
		ids = append(ids, i)
		return true
	})
	slices.Sort(ids)
	for _, i := range ids {
		fn(i)
	}
}

// parallelDo calls fn(i) for i in [0, n) on GOMAXPROCS goroutines, stopping
// early when ctx is done.
func parallelDo(ctx context.Context, n int, fn func(i int)) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

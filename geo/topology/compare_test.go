package topology

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/wangge/wangge/geo"
)

// cleanZhengzhou returns 郑州's districts simplified with tolDeg and repaired:
// one department's clean layer.
func cleanZhengzhou(t testing.TB, tolDeg float64) *geo.Set {
	t.Helper()
	return mustRepairSet(t, zhengzhou(t, tolDeg), RepairOptions{SnapM: 1, MinAreaM2: 1}).Set
}

func mustCompare(t testing.TB, a, b *geo.Set) *Crosswalk {
	t.Helper()
	cw, err := Compare(context.Background(), a.Grids, b.Grids, CompareOptions{})
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	return cw
}

// checkShares checks that every grid's shares (pairs and its part only its
// layer covers) add up to 1: the area of each grid is accounted for once.
func checkShares(t *testing.T, cw *Crosswalk) {
	t.Helper()
	sumA, sumB := map[string]float64{}, map[string]float64{}
	for _, p := range cw.Pairs {
		if p.AreaM2 <= 0 || p.ShareA <= 0 || p.ShareA > 1 || p.ShareB <= 0 || p.ShareB > 1 {
			t.Errorf("pair %s/%s: area %g, shares %g %g", p.A, p.B, p.AreaM2, p.ShareA, p.ShareB)
		}
		sumA[p.A] += p.ShareA
		sumB[p.B] += p.ShareB
	}
	for _, p := range cw.OnlyA {
		sumA[p.Code] += p.Share
	}
	for _, p := range cw.OnlyB {
		sumB[p.Code] += p.Share
	}
	for side, sums := range map[string]map[string]float64{"A": sumA, "B": sumB} {
		areas := cw.AreaA
		if side == "B" {
			areas = cw.AreaB
		}
		for code := range areas {
			// The parts come from separate overlays, and AreaM2 follows
			// edges longer than 500 m along their great circle: cut
			// into pieces they bound a little less or more (up to 1e-5
			// of a district drawn with edges of several km).
			if s := sums[code]; math.Abs(s-1)*areas[code] > max(1, 5e-5*areas[code]) {
				t.Errorf("%s grid %s: shares add up to %.9f (of %.0f m²), want 1", side, code, s, areas[code])
			}
		}
	}
}

// Two departments' drawings of 郑州's districts: every district's ground is
// accounted for once; each district's largest share is with its own
// counterpart; the splits are small (strips along the borders: 1.7% of
// 上街区, the smallest, lies in 荥阳市 of the other drawing).
func TestCompareZhengzhou(t *testing.T) {
	a, b := cleanZhengzhou(t, 0.001), cleanZhengzhou(t, 0.003)
	cw := mustCompare(t, a, b)
	checkShares(t, cw)
	best := map[string]Pair{}
	for _, p := range cw.Pairs {
		if p.ShareA > best[p.A].ShareA {
			best[p.A] = p
		}
	}
	for _, g := range a.Grids {
		p := best[g.Code]
		if p.B != g.Code || p.ShareA < 0.97 {
			t.Errorf("district %s: largest share %.4f with %s, want itself above 0.97", g.Code, p.ShareA, p.B)
		}
	}
	for _, s := range cw.Splits {
		if s.Shares[1] > 0.05 {
			t.Errorf("split %v: the second share is above 5%%", s)
		}
	}
	if len(cw.Pairs) <= len(a.Grids) {
		t.Errorf("%d pairs: want the border strips too", len(cw.Pairs))
	}
}

// The demo's streets against its communities: every street with more than
// one community is split, across its own communities only, and the shares
// add up.
func TestCompareDemoStreetsCommunities(t *testing.T) {
	streets, comms := demoSet(t, "street"), demoSet(t, "community")
	cw := mustCompare(t, streets, comms)
	checkShares(t, cw)
	if len(cw.Splits) != len(streets.Grids) {
		t.Errorf("%d streets split, want all %d", len(cw.Splits), len(streets.Grids))
	}
	for _, s := range cw.Splits {
		total := 0.0
		for i, c := range s.B {
			if !strings.HasPrefix(c, s.A) {
				t.Errorf("street %s split into community %s of another street (share %.4f)", s.A, c, s.Shares[i])
			}
			total += s.Shares[i]
		}
		if total > 1+1e-9 || total < 0.95 {
			t.Errorf("street %s: split shares add up to %.4f", s.A, total)
		}
	}
}

// The demo's communities against a copy drawn up to 30 m elsewhere.
func TestCompareDemoDisplaced(t *testing.T) {
	a := demoSet(t, "community")
	b := displaced(t, a, 30)
	cw := mustCompare(t, a, b)
	checkShares(t, cw)
	for _, p := range cw.Pairs {
		if p.A == p.B && p.ShareA < 0.8 {
			t.Errorf("community %s: %.3f of it in its displaced copy", p.A, p.ShareA)
		}
	}
}

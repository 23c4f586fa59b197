package plan_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

// FuzzSiting builds a small instance from the fuzzer's bytes and checks what
// must always hold: no panic, either an InputError or an answer whose
// marginal gains add up, whose bound is at least the answer and whose chosen
// candidates are distinct.
func FuzzSiting(f *testing.F) {
	f.Add([]byte{10, 20, 30, 40, 50, 60, 70, 80, 90}, uint8(2), uint16(500), false)
	f.Add([]byte{0, 0, 0, 0, 255, 255, 1, 2}, uint8(1), uint16(0), true)
	f.Fuzz(func(t *testing.T, raw []byte, k uint8, radius uint16, minSites bool) {
		var q plan.SitingQuery
		for i := 0; i+2 < len(raw) && i < 120; i += 3 {
			p := orb.Point{113.6 + float64(raw[i])/2000, 34.7 + float64(raw[i+1])/2000}
			switch raw[i+2] % 3 {
			case 0:
				q.Demand = append(q.Demand, geo.Site{ID: fmt.Sprint(i), Point: p, Weight: float64(raw[i+2])})
			case 1:
				q.Candidates = append(q.Candidates, plan.Candidate{Point: p})
			default:
				q.Service = append(q.Service, geo.Site{ID: fmt.Sprint(i), Point: p})
			}
		}
		q.RadiusM, q.K = float64(radius), int(k)
		if minSites {
			q.Objective, q.TargetRatio = plan.MinSites, 0.5
		}
		rep, err := plan.Siting(context.Background(), q)
		var ie *plan.InputError
		if errors.As(err, &ie) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		sum := rep.Before.CoveredWeight
		seen := map[orb.Point]int{}
		for _, c := range rep.Chosen {
			sum += c.MarginalGain
			seen[orb.Point{c.Lon, c.Lat}]++
		}
		if math.Abs(sum-rep.After.CoveredWeight) > 1e-6 || rep.UpperBoundWeight < rep.After.CoveredWeight-1e-6 || rep.After.Ratio > 1 {
			t.Fatalf("inconsistent answer: %+v", rep)
		}
		if len(rep.Chosen) > len(q.Candidates) || (q.Objective != plan.MinSites && len(rep.Chosen) > q.K) {
			t.Fatalf("chose %d of %d candidates with k %d", len(rep.Chosen), len(q.Candidates), q.K)
		}
	})
}

package plan_test

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

func ExampleCoverage() {
	stations := []geo.Site{{Kind: "station", ID: "s1", Point: orb.Point{113.600, 34.700}}}
	homes := []geo.Site{
		{Kind: "residential", ID: "near", Point: orb.Point{113.601, 34.700}, Weight: 120}, // 91 m away
		{Kind: "residential", ID: "far", Point: orb.Point{113.620, 34.700}, Weight: 80},   // 1.8 km away
	}
	rep, err := plan.Coverage(context.Background(), plan.CoverageQuery{Service: stations, Demand: homes, RadiusM: 500})
	if err != nil {
		panic(err)
	}
	fmt.Printf("covered %v of %v people (%.0f%%)\n", rep.Totals.CoveredWeight, rep.Totals.DemandWeight, 100*rep.Totals.Ratio)
	u := rep.Uncovered[0]
	fmt.Printf("%s needs a radius of %v m\n", u.ID, *u.NeededRadiusM)
	// Output:
	// covered 120 of 200 people (60%)
	// far needs a radius of 1829 m
}

func ExampleSiting() {
	homes := []geo.Site{
		{ID: "a", Point: orb.Point{113.600, 34.700}, Weight: 300},
		{ID: "b", Point: orb.Point{113.603, 34.700}, Weight: 200},
		{ID: "c", Point: orb.Point{113.630, 34.700}, Weight: 400},
	}
	cands := []plan.Candidate{{Point: orb.Point{113.6015, 34.700}}, {Point: orb.Point{113.630, 34.701}}, {Point: orb.Point{113.615, 34.700}}}
	rep, err := plan.Siting(context.Background(), plan.SitingQuery{Demand: homes, Candidates: cands, RadiusM: 300, K: 2})
	if err != nil {
		panic(err)
	}
	for _, c := range rep.Chosen {
		fmt.Printf("at %.4f,%.4f: %v more people\n", c.Lon, c.Lat, c.MarginalGain)
	}
	fmt.Printf("covered %v; no 2 sites cover more than %v\n", rep.After.CoveredWeight, rep.UpperBoundWeight)
	// Output:
	// at 113.6015,34.7000: 500 more people
	// at 113.6300,34.7010: 400 more people
	// covered 900; no 2 sites cover more than 900
}

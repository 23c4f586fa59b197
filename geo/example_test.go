package geo_test

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/wangge/wangge/geo"
)

// Two grids of one community share the edge lon = 113.5.
func exampleSet() *geo.Set {
	return &geo.Set{Levels: geo.DefaultLevels, Grids: []geo.Grid{
		{Code: "410103001001", Name: "西福民社区", Level: "community",
			Geometry: orb.MultiPolygon{{{{113, 34}, {114, 34}, {114, 34.5}, {113, 34.5}, {113, 34}}}}},
		{Code: "410103001001001", Name: "第一网格", Level: "grid", Parent: "410103001001",
			Geometry: orb.MultiPolygon{{{{113, 34}, {113.5, 34}, {113.5, 34.5}, {113, 34.5}, {113, 34}}}}},
		{Code: "410103001001002", Name: "第二网格", Level: "grid", Parent: "410103001001",
			// Given clockwise: Validate turns it counter-clockwise.
			Geometry: orb.MultiPolygon{{{{113.5, 34}, {113.5, 34.5}, {114, 34.5}, {114, 34}, {113.5, 34}}}}},
	}}
}

func ExampleIndex_Locate() {
	s := exampleSet()
	if _, err := s.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	ix, err := geo.NewIndex(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range []orb.Point{
		{113.25, 34.25},  // inside the first grid
		{113.5, 34.25},   // on the shared edge: the lower code owns it
		{113.75, 34.501}, // about 110 m north of the second grid
		{113.75, 34.5001},
	} {
		r, err := ix.Locate(p, geo.LocateOptions{NearestM: geo.DefaultNearestM})
		if err != nil {
			fmt.Println(err)
			continue
		}
		if r.Match == geo.MatchNone {
			fmt.Printf("%v: none\n", p)
			continue
		}
		fmt.Printf("%v: %s %s", p, ix.Grid(r.Owner).Code, r.Match)
		for _, o := range r.Others {
			fmt.Printf(", also %s", ix.Grid(o).Code)
		}
		if r.Match == geo.MatchNearest {
			fmt.Printf(", %.0f m away", r.DistanceM)
		}
		fmt.Println()
	}
	r, _ := ix.Locate(orb.Point{113.25, 34.25}, geo.LocateOptions{Level: "community"})
	fmt.Println("community:", ix.Grid(r.Owner).Name)

	_, err = ix.Locate(orb.Point{181, 34}, geo.LocateOptions{})
	fmt.Println(errors.Is(err, geo.ErrInvalidPoint), err)
	// Output:
	// [113.25 34.25]: 410103001001001 inside
	// [113.5 34.25]: 410103001001001 boundary, also 410103001001002
	// [113.75 34.501]: none
	// [113.75 34.5001]: 410103001001002 nearest, 11 m away
	// community: 西福民社区
	// true invalid point: lon must be within [-180,180]
}

func ExampleSet_Validate() {
	s := exampleSet()
	s.Grids = append(s.Grids,
		// A bow-tie: usable, with a warning.
		geo.Grid{Code: "410103001001003", Level: "grid", Parent: "410103001001",
			Geometry: orb.MultiPolygon{{{{113, 34}, {113.5, 34.5}, {113.5, 34}, {113, 34.5}, {113, 34}}}}},
	)
	warns, err := s.Validate()
	fmt.Println(err)
	for _, w := range warns {
		fmt.Println(w)
	}

	s.Grids[1].Parent = "410103"
	_, err = s.Validate()
	var ge *geo.GridError
	if errors.As(err, &ge) {
		fmt.Println(ge.Index, ge.Code, errors.Is(err, geo.ErrInvalidGrid))
	}
	fmt.Println(err)
	// Output:
	// <nil>
	// feature 3 (code "410103001001003"): polygon 0 ring 0 touches or crosses itself at (113 34) (1 places)
	// 1 410103001001001 true
	// feature 1 (code "410103001001001"): unknown parent "410103"
}

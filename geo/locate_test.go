package geo

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// flatRows: grids of one level and no hierarchy, one shape per edge case.
// Coordinates are dyadic (x.5, x.25, ...) so that the points named "on an
// edge" below are exactly on it in float64.
var flatRows = []row{
	// g01 | g02 side by side under g03; (113.5 34.5) is a vertex of all three.
	{"g01", "grid", "", "POLYGON((113 34, 113.5 34, 113.5 34.5, 113 34.5, 113 34))"},
	{"g02", "grid", "", "POLYGON((113.5 34, 114 34, 114 34.5, 113.5 34.5, 113.5 34))"},
	{"g03", "grid", "", "POLYGON((113 34.5, 113.5 34.5, 114 34.5, 114 35, 113 35, 113 34.5))"},
	// A square with a square hole (given counter-clockwise; Validate turns it).
	{"g04", "grid", "", "POLYGON((115 34, 116 34, 116 35, 115 35, 115 34), (115.25 34.25, 115.75 34.25, 115.75 34.75, 115.25 34.75, 115.25 34.25))"},
	// Two squares touching at one corner.
	{"g05", "grid", "", "MULTIPOLYGON(((117 34, 117.5 34, 117.5 34.5, 117 34.5, 117 34)), ((117.5 34.5, 118 34.5, 118 35, 117.5 35, 117.5 34.5)))"},
	// A right triangle: half its bounding box is outside it; hypotenuse x+y = 154.
	{"g06", "grid", "", "POLYGON((119 34, 120 34, 119 35, 119 34))"},
	// A diamond: its left and right vertices share a y with its centre.
	{"g07", "grid", "", "POLYGON((121.5 34, 122 34.5, 121.5 35, 121 34.5, 121.5 34))"},
	// A staircase (L-shape): horizontal and vertical edges and a reflex vertex.
	{"g08", "grid", "", "POLYGON((123 34, 124 34, 124 34.5, 123.5 34.5, 123.5 35, 123 35, 123 34))"},
}

// cityRows: district > street > community > grid. Community 410103001002
// has no grids; 410103002001001 has an empty hole; 410103002001002 has two
// parts with a gap between them.
var cityRows = []row{
	{"410103", "district", "", "POLYGON((113 34, 115 34, 115 36, 113 36, 113 34))"},
	{"410103001", "street", "410103", "POLYGON((113 34, 115 34, 115 35, 113 35, 113 34))"},
	{"410103002", "street", "410103", "POLYGON((113 35, 115 35, 115 36, 113 36, 113 35))"},
	{"410103001001", "community", "410103001", "POLYGON((113 34, 114 34, 114 35, 113 35, 113 34))"},
	{"410103001002", "community", "410103001", "POLYGON((114 34, 115 34, 115 35, 114 35, 114 34))"},
	{"410103002001", "community", "410103002", "POLYGON((113 35, 115 35, 115 36, 113 36, 113 35))"},
	{"410103001001001", "grid", "410103001001", "POLYGON((113 34, 113.5 34, 113.5 34.5, 113 34.5, 113 34))"},
	{"410103001001002", "grid", "410103001001", "POLYGON((113.5 34, 114 34, 114 34.5, 113.5 34.5, 113.5 34))"},
	{"410103001001003", "grid", "410103001001", "POLYGON((113 34.5, 113.5 34.5, 114 34.5, 114 35, 113 35, 113 34.5))"},
	{"410103002001001", "grid", "410103002001", "POLYGON((113 35, 114 35, 114 36, 113 36, 113 35), (113.25 35.25, 113.25 35.75, 113.75 35.75, 113.75 35.25, 113.25 35.25))"},
	{"410103002001002", "grid", "410103002001", "MULTIPOLYGON(((114 35, 114.5 35, 114.5 35.5, 114 35.5, 114 35)), ((114.5 35.5, 115 35.5, 115 36, 114.5 36, 114.5 35.5)))"},
}

// overlapRows is bad data: g10 overlaps g11, and g12 repeats g11.
var overlapRows = []row{
	{"g10", "grid", "", "POLYGON((1 1, 3 1, 3 3, 1 3, 1 1))"},
	{"g11", "grid", "", "POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))"},
	{"g12", "grid", "", "POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))"},
}

// selfRows: rings Validate only warns about; lookups follow the non-zero rule.
var selfRows = []row{
	// A bow-tie: edges (0 10)-(2 12) and (2 10)-(0 12) cross at (1 11).
	{"g20", "grid", "", "POLYGON((0 10, 2 12, 2 10, 0 12, 0 10))"},
	// A pentagram {5/2} around (0 30): it winds twice round its central
	// pentagon, which is inside under the non-zero rule (and would be outside
	// under even-odd); each tip is wound once.
	{"g21", "grid", "", "POLYGON((0 31, -0.5878 29.191, 0.9511 30.309, -0.9511 30.309, 0.5878 29.191, 0 31))"},
}

type locateCase struct {
	name   string
	p      orb.Point
	opts   LocateOptions
	owner  string // "" for none
	match  Match
	others []string
	path   []string // nil: not checked
}

func TestLocateFlat(t *testing.T) {
	runLocateCases(t, flatRows, []locateCase{
		{name: "interior", p: orb.Point{113.25, 34.25}, owner: "g01", match: MatchInside},
		{name: "vertex", p: orb.Point{113, 34}, owner: "g01", match: MatchBoundary},
		{name: "horizontal edge", p: orb.Point{113.25, 34}, owner: "g01", match: MatchBoundary},
		{name: "vertical edge", p: orb.Point{113, 34.25}, owner: "g01", match: MatchBoundary},
		{name: "shared edge: lowest code owns", p: orb.Point{113.5, 34.25}, owner: "g01", match: MatchBoundary, others: []string{"g02"}},
		{name: "shared horizontal edge", p: orb.Point{113.75, 34.5}, owner: "g02", match: MatchBoundary, others: []string{"g03"}},
		{name: "vertex shared by 3 grids", p: orb.Point{113.5, 34.5}, owner: "g01", match: MatchBoundary, others: []string{"g02", "g03"}},
		{name: "left of shared horizontal edges", p: orb.Point{112, 34.5}, match: MatchNone},
		{name: "right of shared horizontal edges", p: orb.Point{114.5, 34.5}, match: MatchNone},
		{name: "left at a bottom vertex's y", p: orb.Point{112, 34}, match: MatchNone},

		{name: "hole interior", p: orb.Point{115.5, 34.5}, match: MatchNone},
		{name: "hole edge", p: orb.Point{115.25, 34.5}, owner: "g04", match: MatchBoundary},
		{name: "hole vertex", p: orb.Point{115.75, 34.75}, owner: "g04", match: MatchBoundary},
		{name: "between shell and hole", p: orb.Point{115.125, 34.5}, owner: "g04", match: MatchInside},
		{name: "shell edge of holed grid", p: orb.Point{116, 34.5}, owner: "g04", match: MatchBoundary},

		{name: "first part of multipolygon", p: orb.Point{117.25, 34.25}, owner: "g05", match: MatchInside},
		{name: "second part of multipolygon", p: orb.Point{117.75, 34.75}, owner: "g05", match: MatchInside},
		{name: "corner where the parts touch", p: orb.Point{117.5, 34.5}, owner: "g05", match: MatchBoundary},
		{name: "bbox of multipolygon between parts", p: orb.Point{117.75, 34.25}, match: MatchNone},

		{name: "inside bbox outside triangle", p: orb.Point{119.75, 34.75}, match: MatchNone},
		{name: "on hypotenuse", p: orb.Point{119.5, 34.5}, owner: "g06", match: MatchBoundary},
		{name: "one ulp inside hypotenuse", p: orb.Point{119.5, math.Nextafter(34.5, 0)}, owner: "g06", match: MatchInside},
		{name: "one ulp outside hypotenuse", p: orb.Point{119.5, math.Nextafter(34.5, 90)}, match: MatchNone},
		{name: "outside every bbox", p: orb.Point{100, 20}, match: MatchNone},

		{name: "diamond centre at its side vertices' y", p: orb.Point{121.5, 34.5}, owner: "g07", match: MatchInside},
		{name: "left of diamond at its vertices' y", p: orb.Point{120.5, 34.5}, match: MatchNone},
		{name: "right of diamond at its vertices' y", p: orb.Point{122.5, 34.5}, match: MatchNone},
		{name: "diamond left vertex", p: orb.Point{121, 34.5}, owner: "g07", match: MatchBoundary},
		{name: "diamond right vertex", p: orb.Point{122, 34.5}, owner: "g07", match: MatchBoundary},
		{name: "above diamond top vertex", p: orb.Point{121.5, 35.5}, match: MatchNone},

		{name: "staircase left of its step's y", p: orb.Point{123.25, 34.5}, owner: "g08", match: MatchInside},
		{name: "staircase on the step", p: orb.Point{123.75, 34.5}, owner: "g08", match: MatchBoundary},
		{name: "staircase reflex vertex", p: orb.Point{123.5, 34.5}, owner: "g08", match: MatchBoundary},
		{name: "staircase notch (in bbox)", p: orb.Point{123.75, 34.75}, match: MatchNone},
		{name: "staircase inner vertical edge", p: orb.Point{123.5, 34.75}, owner: "g08", match: MatchBoundary},
		{name: "staircase right of the step", p: orb.Point{124.25, 34.5}, match: MatchNone},
		{name: "staircase left at the step's y", p: orb.Point{122.75, 34.5}, match: MatchNone},
		{name: "staircase top edge", p: orb.Point{123.25, 35}, owner: "g08", match: MatchBoundary},

		{name: "lon -180 is valid", p: orb.Point{-180, 0}, match: MatchNone},
		{name: "lat 90 is valid", p: orb.Point{0, 90}, match: MatchNone},
	})
}

func TestLocateHierarchy(t *testing.T) {
	const (
		d    = "410103"
		s1   = "410103001"
		s2   = "410103002"
		c11  = "410103001001"
		c12  = "410103001002"
		c21  = "410103002001"
		g111 = "410103001001001"
		g113 = "410103001001003"
		g211 = "410103002001001"
		g212 = "410103002001002"
	)
	in := orb.Point{113.25, 34.25}
	edge := orb.Point{113.5, 35} // on the line between the two streets
	runLocateCases(t, cityRows, []locateCase{
		{name: "finest owner, path root first", p: in, owner: g111, match: MatchInside, path: []string{d, s1, c11, g111}},
		{name: "level grid", p: in, opts: LocateOptions{Level: "grid"}, owner: g111, match: MatchInside},
		{name: "level community", p: in, opts: LocateOptions{Level: "community"}, owner: c11, match: MatchInside, path: []string{d, s1, c11}},
		{name: "level street", p: in, opts: LocateOptions{Level: "street"}, owner: s1, match: MatchInside, path: []string{d, s1}},
		{name: "level district", p: in, opts: LocateOptions{Level: "district"}, owner: d, match: MatchInside, path: []string{d}},
		{name: "level with no grids", p: in, opts: LocateOptions{Level: "microgrid"}, match: MatchNone},
		{name: "community without grids", p: orb.Point{114.5, 34.5}, owner: c12, match: MatchInside, path: []string{d, s1, c12}},
		{name: "community without grids, level grid", p: orb.Point{114.5, 34.5}, opts: LocateOptions{Level: "grid"}, match: MatchNone},
		{name: "edge between streets", p: edge, owner: g113, match: MatchBoundary, others: []string{g211}, path: []string{d, s1, c11, g113}},
		{name: "edge between streets, level community", p: edge, opts: LocateOptions{Level: "community"}, owner: c11, match: MatchBoundary, others: []string{c21}},
		{name: "edge between streets, level street", p: edge, opts: LocateOptions{Level: "street"}, owner: s1, match: MatchBoundary, others: []string{s2}},
		{name: "edge between streets, level district", p: edge, opts: LocateOptions{Level: "district"}, owner: d, match: MatchInside},
		{name: "empty hole: community owns", p: orb.Point{113.5, 35.5}, owner: c21, match: MatchInside, path: []string{d, s2, c21}},
		{name: "hole edge", p: orb.Point{113.25, 35.5}, owner: g211, match: MatchBoundary},
		{name: "gap between parts: community owns", p: orb.Point{114.25, 35.75}, owner: c21, match: MatchInside},
		{name: "second part", p: orb.Point{114.75, 35.75}, owner: g212, match: MatchInside, path: []string{d, s2, c21, g212}},
		{name: "district corner", p: orb.Point{113, 34}, owner: g111, match: MatchBoundary},
		{name: "district east edge", p: orb.Point{115, 35.75}, owner: g212, match: MatchBoundary},
		{name: "outside the district", p: orb.Point{112, 34}, match: MatchNone},
	})
}

func TestLocateOverlap(t *testing.T) {
	runLocateCases(t, overlapRows, []locateCase{
		{name: "inside all three: lowest code", p: orb.Point{1.5, 1.5}, owner: "g10", match: MatchInside, others: []string{"g11", "g12"}},
		{name: "interior beats boundary", p: orb.Point{1, 1.5}, owner: "g11", match: MatchInside, others: []string{"g12", "g10"}},
		{name: "interior beats lower code at a vertex", p: orb.Point{2, 2}, owner: "g10", match: MatchInside, others: []string{"g11", "g12"}},
		{name: "boundary of all: lowest code", p: orb.Point{2, 1}, owner: "g10", match: MatchBoundary, others: []string{"g11", "g12"}},
		{name: "identical twins", p: orb.Point{0.5, 0.5}, owner: "g11", match: MatchInside, others: []string{"g12"}},
	})
}

func TestLocateSelfCrossing(t *testing.T) {
	runLocateCases(t, selfRows, []locateCase{
		{name: "bow-tie left lobe", p: orb.Point{0.5, 11}, owner: "g20", match: MatchInside},
		{name: "bow-tie right lobe", p: orb.Point{1.5, 11}, owner: "g20", match: MatchInside},
		{name: "bow-tie lower notch", p: orb.Point{1, 10.5}, match: MatchNone},
		{name: "bow-tie upper notch", p: orb.Point{1, 11.5}, match: MatchNone},
		{name: "bow-tie crossing point", p: orb.Point{1, 11}, owner: "g20", match: MatchBoundary},
		{name: "bow-tie right edge", p: orb.Point{2, 11}, owner: "g20", match: MatchBoundary},
		{name: "pentagram centre, wound twice", p: orb.Point{0, 30}, owner: "g21", match: MatchInside},
		{name: "pentagram tip, wound once", p: orb.Point{0, 30.8}, owner: "g21", match: MatchInside},
		{name: "pentagram notch", p: orb.Point{0, 29.3}, match: MatchNone},
		{name: "pentagram vertex", p: orb.Point{0.9511, 30.309}, owner: "g21", match: MatchBoundary},
	})
}

// TestLocateHoleFilled: the grid filling a hole owns the hole's interior; on
// the hole's edge both cover the point and the lower code owns it.
func TestLocateHoleFilled(t *testing.T) {
	runLocateCases(t, []row{
		{"h2", "grid", "", "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 3, 3 3, 3 1, 1 1))"},
		{"h1", "grid", "", "POLYGON((1 1, 3 1, 3 3, 1 3, 1 1))"},
	}, []locateCase{
		{name: "hole interior", p: orb.Point{2, 2}, owner: "h1", match: MatchInside},
		{name: "hole edge", p: orb.Point{1, 2}, owner: "h1", match: MatchBoundary, others: []string{"h2"}},
		{name: "around the hole", p: orb.Point{0.5, 2}, owner: "h2", match: MatchInside},
	})
}

func runLocateCases(t *testing.T, rows []row, cases []locateCase) {
	t.Helper()
	ix := buildSet(t, rows)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ix.Locate(tc.p, tc.opts)
			if err != nil {
				t.Fatalf("Locate(%v, %+v): %v", tc.p, tc.opts, err)
			}
			if got := ownerCode(ix, r); got != tc.owner || r.Match != tc.match {
				t.Errorf("Locate(%v, %+v) = %q %s, want %q %s", tc.p, tc.opts, got, r.Match, tc.owner, tc.match)
			}
			if got := codes(ix, r.Others); !slices.Equal(got, tc.others) {
				t.Errorf("Locate(%v, %+v).Others = %q, want %q", tc.p, tc.opts, got, tc.others)
			}
			if r.DistanceM != 0 {
				t.Errorf("Locate(%v, %+v).DistanceM = %v, want 0", tc.p, tc.opts, r.DistanceM)
			}
			if tc.owner == "" && r.Owner != -1 {
				t.Errorf("Locate(%v, %+v).Owner = %d, want -1", tc.p, tc.opts, r.Owner)
			}
			if tc.path != nil && r.Owner >= 0 {
				if got := codes(ix, ix.Path(r.Owner)); !slices.Equal(got, tc.path) {
					t.Errorf("Path(%q) = %q, want %q", tc.owner, got, tc.path)
				}
			}
			if tc.opts.Level == "" {
				// The table's answer must also be the exact brute-force one.
				owner, pos, others := refLocate(ix.Set(), tc.p)
				if owner != tc.owner || !slices.Equal(others, tc.others) || (tc.owner != "" && (pos == Interior) != (tc.match == MatchInside)) {
					t.Errorf("reference says %q %v %q; the table disagrees", owner, pos, others)
				}
			}
		})
	}
}

func TestLocateErrors(t *testing.T) {
	ix := buildSet(t, flatRows)
	tests := []struct {
		name string
		p    orb.Point
		opts LocateOptions
		want error // nil: any non-nil error
	}{
		{"NaN lon", orb.Point{math.NaN(), 34}, LocateOptions{}, ErrInvalidPoint},
		{"NaN lat", orb.Point{113, math.NaN()}, LocateOptions{}, ErrInvalidPoint},
		{"Inf lat", orb.Point{113, math.Inf(1)}, LocateOptions{}, ErrInvalidPoint},
		{"-Inf lon", orb.Point{math.Inf(-1), 34}, LocateOptions{}, ErrInvalidPoint},
		{"lon 181", orb.Point{181, 34}, LocateOptions{}, ErrInvalidPoint},
		{"lon -180.5", orb.Point{-180.5, 34}, LocateOptions{}, ErrInvalidPoint},
		{"lat -91", orb.Point{113, -91}, LocateOptions{}, ErrInvalidPoint},
		{"lat 90.000001", orb.Point{113, 90.000001}, LocateOptions{}, ErrInvalidPoint},
		{"unknown level", orb.Point{113.25, 34.25}, LocateOptions{Level: "province"}, ErrUnknownLevel},
		{"negative NearestM", orb.Point{113.25, 34.25}, LocateOptions{NearestM: -1}, nil},
		{"NearestM over the cap", orb.Point{113.25, 34.25}, LocateOptions{NearestM: MaxNearestM + 1}, nil},
		{"NaN NearestM", orb.Point{113.25, 34.25}, LocateOptions{NearestM: math.NaN()}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ix.Locate(tc.p, tc.opts)
			if err == nil {
				t.Fatalf("Locate(%v, %+v) = %+v, want an error", tc.p, tc.opts, r)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Locate(%v, %+v) error = %v, want errors.Is %v", tc.p, tc.opts, err, tc.want)
			}
			if tc.want == nil && (errors.Is(err, ErrInvalidPoint) || errors.Is(err, ErrUnknownLevel)) {
				t.Errorf("Locate(%v, %+v) error = %v, want an option error", tc.p, tc.opts, err)
			}
		})
	}
}

// TestLocateNearest checks the fallback's distances against haversine, an
// independent (spherical) formula: the two agree within 0.5% at mid latitudes.
func TestLocateNearest(t *testing.T) {
	// n01 is about 183 m × 222 m; n02 lies about 183 m east of it.
	ix := buildSet(t, []row{
		{"n01", "grid", "", "POLYGON((113.65 34.75, 113.652 34.75, 113.652 34.752, 113.65 34.752, 113.65 34.75))"},
		{"n02", "grid", "", "POLYGON((113.654 34.75, 113.656 34.75, 113.656 34.752, 113.654 34.752, 113.654 34.75))"},
	})
	const lat = 34.751
	// east(m) is the longitude m metres (on the sphere) east of n01's east edge.
	east := func(m float64) float64 {
		return 113.652 + m/(6371008.8*math.Cos(lat*math.Pi/180))*180/math.Pi
	}
	corner := orb.Point{113.65, 34.75} // n01's south-west corner
	sw := orb.Point{corner[0] - 0.0002, corner[1] - 0.0002}
	tests := []struct {
		name     string
		p        orb.Point
		nearestM float64
		owner    string // "" for none
		want     orb.Point
	}{
		{"30 m east, reach 50", orb.Point{east(30), lat}, 50, "n01", orb.Point{113.652, lat}},
		{"30 m east, reach 0", orb.Point{east(30), lat}, 0, "", orb.Point{}},
		{"80 m east, reach 50", orb.Point{east(80), lat}, 50, "", orb.Point{}},
		{"100 m east: n02 (83 m) is nearer", orb.Point{east(100), lat}, 150, "n02", orb.Point{113.654, lat}},
		{"30 m north", orb.Point{113.651, 34.752 + 30/6371008.8*180/math.Pi}, 50, "n01", orb.Point{113.651, 34.752}},
		{"diagonal from a corner", sw, 50, "n01", corner},
		{"diagonal from a corner, reach 20", sw, 20, "", orb.Point{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ix.Locate(tc.p, LocateOptions{NearestM: tc.nearestM})
			if err != nil {
				t.Fatalf("Locate(%v): %v", tc.p, err)
			}
			if tc.owner == "" {
				if r.Match != MatchNone || r.Owner != -1 {
					t.Errorf("Locate(%v, NearestM %v) = %q %s, want none", tc.p, tc.nearestM, ownerCode(ix, r), r.Match)
				}
				return
			}
			if got := ownerCode(ix, r); got != tc.owner || r.Match != MatchNearest {
				t.Fatalf("Locate(%v, NearestM %v) = %q %s, want %q nearest", tc.p, tc.nearestM, got, r.Match, tc.owner)
			}
			want := haversineM(tc.p, tc.want)
			if math.Abs(r.DistanceM-want) > 0.005*want {
				t.Errorf("Locate(%v).DistanceM = %.3f, haversine says %.3f (off by %.2f%%)", tc.p, r.DistanceM, want, 100*(r.DistanceM/want-1))
			}
		})
	}
}

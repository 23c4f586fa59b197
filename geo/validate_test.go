package geo

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// square is a counter-clockwise unit square at (x, y).
func square(x, y float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}}
}

// validSet is a community "a" with two grids "b" and "c".
func validSet() *Set {
	return &Set{Levels: DefaultLevels, Grids: []Grid{
		{Code: "a", Level: "community", Geometry: square(0, 0)},
		{Code: "b", Level: "grid", Parent: "a", Geometry: square(0, 0)},
		{Code: "c", Level: "grid", Parent: "a", Geometry: square(0.5, 0)},
	}}
}

func TestValidateErrors(t *testing.T) {
	ring := func(pts ...orb.Point) orb.MultiPolygon { return orb.MultiPolygon{{pts}} }
	tests := []struct {
		name   string
		edit   func(s *Set)
		index  int
		code   string
		reason string // a substring of GridError.Reason
	}{
		{"null geometry", func(s *Set) { s.Grids[1].Geometry = nil }, 1, "b", "null or empty geometry"},
		{"empty geometry", func(s *Set) { s.Grids[1].Geometry = orb.MultiPolygon{} }, 1, "b", "null or empty geometry"},
		{"polygon without rings", func(s *Set) { s.Grids[2].Geometry = orb.MultiPolygon{{}} }, 2, "c", "polygon 0 has no rings"},
		{"ring with 3 positions", func(s *Set) { s.Grids[1].Geometry = ring(orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{0, 0}) }, 1, "b", "ring has 3 positions, need at least 4"},
		{"unclosed ring", func(s *Set) {
			s.Grids[1].Geometry = ring(orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{1, 1}, orb.Point{0, 1})
		}, 1, "b", "ring is not closed"},
		{"NaN", func(s *Set) { s.Grids[1].Geometry[0][0][2][0] = math.NaN() }, 1, "b", "position 2 is not a finite number"},
		{"Inf", func(s *Set) { s.Grids[1].Geometry[0][0][1][1] = math.Inf(-1) }, 1, "b", "position 1 is not a finite number"},
		{"lon 200", func(s *Set) { s.Grids[2].Geometry[0][0][1][0] = 200 }, 2, "c", "lon 200 outside [-180,180]"},
		{"lat 95", func(s *Set) { s.Grids[2].Geometry[0][0][3][1] = 95 }, 2, "c", "lat 95 outside [-90,90]"},
		{"bad hole", func(s *Set) {
			s.Grids[1].Geometry[0] = append(s.Grids[1].Geometry[0], orb.Ring{{0.2, 0.2}, {0.4, 0.2}, {0.2, 0.2}})
		}, 1, "b", "polygon 0 ring 1: ring has 3 positions"},
		{"bad second polygon", func(s *Set) {
			s.Grids[1].Geometry = append(s.Grids[1].Geometry, orb.Polygon{{{5, 5}, {6, 5}, {6, 6}, {5, 5.5}}})
		}, 1, "b", "polygon 1 ring 0: ring is not closed"},
		{"every shell degenerate", func(s *Set) {
			s.Grids[1].Geometry = ring(orb.Point{0, 0}, orb.Point{1, 1}, orb.Point{1, 1}, orb.Point{0, 0})
		}, 1, "b", "no usable polygon"},
		{"duplicate code", func(s *Set) { s.Grids[2].Code = "b" }, 2, "b", "duplicate code (also feature 1)"},
		{"missing code", func(s *Set) { s.Grids[1].Code = "" }, 1, "", "missing code"},
		{"missing level", func(s *Set) { s.Grids[2].Level = "" }, 2, "c", "missing level"},
		{"unknown level", func(s *Set) { s.Grids[2].Level = "province" }, 2, "c", `unknown level "province"`},
		{"unknown parent", func(s *Set) { s.Grids[2].Parent = "zz" }, 2, "c", `unknown parent "zz"`},
		{"parent at the same level", func(s *Set) { s.Grids[2].Parent = "b" }, 2, "c", `parent "b" is at level "grid", not coarser than "grid"`},
		{"parent at a finer level", func(s *Set) { s.Grids[0].Parent = "b" }, 0, "a", `not coarser than "community"`},
		{"own parent", func(s *Set) { s.Grids[1].Parent = "b" }, 1, "b", "grid is its own parent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := validSet()
			tc.edit(s)
			_, err := s.Validate()
			var ge *GridError
			if !errors.As(err, &ge) {
				t.Fatalf("Validate() = %v, want a *GridError", err)
			}
			if ge.Index != tc.index || ge.Code != tc.code || !strings.Contains(ge.Reason, tc.reason) {
				t.Errorf("Validate() = %+v, want feature %d code %q reason containing %q", *ge, tc.index, tc.code, tc.reason)
			}
			if !errors.Is(err, ErrInvalidGrid) {
				t.Errorf("errors.Is(%v, ErrInvalidGrid) = false", err)
			}
		})
	}
}

func TestValidateOK(t *testing.T) {
	s := validSet()
	s.Levels = nil
	warns, err := s.Validate()
	if err != nil || len(warns) != 0 {
		t.Fatalf("Validate() = %v, %v; want no warnings, nil", warns, err)
	}
	if !slices.Equal(s.Levels, DefaultLevels) {
		t.Errorf("Levels = %q, want the default %q", s.Levels, DefaultLevels)
	}
}

func TestValidateWarnings(t *testing.T) {
	tests := []struct {
		name  string
		wkt   string
		warns [][]string // per expected warning, substrings of its message
	}{
		{"clean square", "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))", nil},
		{"clean square with a hole", "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 3, 3 3, 3 1, 1 1))", nil},
		{"collinear run of vertices", "POLYGON((0 0, 1 0, 2 0, 3 0, 3 3, 0 3, 0 0))", nil},
		{"bow-tie", "POLYGON((0 10, 2 12, 2 10, 0 12, 0 10))", [][]string{{"polygon 0 ring 0 touches or crosses itself", "(1 places)"}}},
		{"touches itself at a vertex", "POLYGON((0 0, 2 0, 3 2, 1 2, 2 0, 4 0, 4 4, 0 4, 0 0))", [][]string{{"polygon 0 ring 0 touches or crosses itself at (2 0)"}}},
		// Both edges at (2 0) meet edge (0 0)-(4 0): two pairs, two places.
		{"vertex on its own edge", "POLYGON((0 0, 4 0, 4 4, 2 0, 0 4, 0 0))", [][]string{{"polygon 0 ring 0 touches or crosses itself at (2 0)", "(2 places)"}}},
		{"spike", "POLYGON((0 0, 4 0, 4 4, 4 6, 4 4, 0 4, 0 0))", [][]string{{"polygon 0 ring 0 touches or crosses itself"}}},
		{"crossing hole", "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 3 3, 3 1, 1 3, 1 1))", [][]string{{"polygon 0 ring 1 touches or crosses itself", "(1 places)"}}},
		{"degenerate hole dropped", "POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 2, 2 2, 1 1))", [][]string{{"polygon 0 ring 1 dropped"}}},
		{"degenerate part dropped", "MULTIPOLYGON(((0 0, 4 0, 4 4, 0 4, 0 0)), ((5 5, 6 6, 6 6, 5 5)))", [][]string{{"polygon 1 dropped"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := validSet()
			s.Grids[2].Geometry = mustWKT(t, tc.wkt)
			warns, err := s.Validate()
			if err != nil {
				t.Fatalf("Validate(): %v", err)
			}
			if len(warns) != len(tc.warns) {
				t.Fatalf("Validate() warnings = %v, want %d", warns, len(tc.warns))
			}
			for k, w := range warns {
				if w.Index != 2 || w.Code != "c" {
					t.Errorf("warning %d = %+v, want feature 2 code %q", k, w, "c")
				}
				for _, sub := range tc.warns[k] {
					if !strings.Contains(w.Message, sub) {
						t.Errorf("warning %d = %q, want it to contain %q", k, w.Message, sub)
					}
				}
			}
		})
	}
}

// signedArea is the shoelace area, positive counter-clockwise.
func signedArea(r orb.Ring) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a / 2
}

func TestValidateNormalises(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"clockwise shell turned, repeats removed",
			"POLYGON((0 0, 0 1, 0 1, 1 1, 1 0, 1 0, 0 0))",
			"POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))"},
		{"repeat of the first point",
			"POLYGON((0 0, 0 0, 1 0, 1 1, 0 0))",
			"POLYGON((0 0, 1 0, 1 1, 0 0))"},
		{"repeat of the closing point",
			"POLYGON((0 0, 1 0, 1 1, 0 0, 0 0))",
			"POLYGON((0 0, 1 0, 1 1, 0 0))"},
		{"counter-clockwise hole turned",
			"POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))",
			"POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))"},
		{"already normal",
			"POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))",
			"POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))"},
		{"each part of a multipolygon",
			"MULTIPOLYGON(((0 0, 0 1, 1 1, 1 0, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.5 5.25, 5.75 5.25, 5.75 5.5, 5.5 5.25)))",
			"MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.5 5.25, 5.75 5.5, 5.75 5.25, 5.5 5.25)))"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := validSet()
			s.Grids[2].Geometry = mustWKT(t, tc.in)
			if _, err := s.Validate(); err != nil {
				t.Fatalf("Validate(): %v", err)
			}
			if got, want := s.Grids[2].Geometry, mustWKT(t, tc.want); !got.Equal(want) {
				t.Errorf("normalised %s = %v, want %v", tc.in, got, want)
			}
		})
	}
}

// TestValidateNormalisesRandom: random rings in either direction with
// repeated points come out closed, without repeats, shells counter-clockwise
// and holes clockwise, covering exactly the points they covered before.
func TestValidateNormalisesRandom(t *testing.T) {
	rng, seed := testRand(t)
	for range 200 {
		shell := starRing(rng, orb.Point{113, 34}, 0.1, 3+rng.IntN(30))
		hole := starRing(rng, orb.Point{113, 34}, 0.04, 3+rng.IntN(30))
		var pg orb.Polygon
		for _, r := range []orb.Ring{shell, hole} {
			if rng.IntN(2) == 0 {
				slices.Reverse(r)
			}
			var out orb.Ring
			for _, p := range r {
				for range 1 + rng.IntN(2) {
					out = append(out, p)
				}
			}
			pg = append(pg, out)
		}
		before := orb.Clone(orb.MultiPolygon{pg}).(orb.MultiPolygon)
		s := &Set{Grids: []Grid{{Code: "x", Level: "grid", Geometry: orb.MultiPolygon{pg}}}}
		if _, err := s.Validate(); err != nil {
			t.Fatalf("Validate(): %v (seed %d)", err, seed)
		}
		after := s.Grids[0].Geometry
		for ri, r := range after[0] {
			if r[0] != r[len(r)-1] {
				t.Fatalf("ring %d not closed (seed %d)", ri, seed)
			}
			for k := 1; k < len(r); k++ {
				if r[k] == r[k-1] {
					t.Fatalf("ring %d repeats %v at %d (seed %d)", ri, r[k], k, seed)
				}
			}
			if a := signedArea(r); (a > 0) != (ri == 0) {
				t.Fatalf("ring %d has signed area %v (seed %d)", ri, a, seed)
			}
		}
		for range 50 {
			p := orb.Point{112.9 + 0.2*rng.Float64(), 33.9 + 0.2*rng.Float64()}
			if rng.IntN(4) == 0 {
				p = before[0][rng.IntN(2)][0]
			}
			if got, want := refShape(after, p), refShape(before, p); got != want {
				t.Fatalf("at %v normalised geometry is %v, was %v (seed %d)", p, got, want, seed)
			}
		}
	}
}

func TestGridErrorMessage(t *testing.T) {
	tests := []struct {
		err  *GridError
		want string
	}{
		{&GridError{Index: 3, Code: "g1", Reason: "missing level"}, `feature 3 (code "g1"): missing level`},
		{&GridError{Index: 0, Reason: "missing code"}, "feature 0: missing code"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

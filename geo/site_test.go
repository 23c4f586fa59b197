package geo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestSiteValidate(t *testing.T) {
	ok := Site{Kind: "station", ID: "s1", Point: orb.Point{113.6, 34.7}, Weight: 1}
	neg := -1.0
	tests := []struct {
		name string
		edit func(s *Site)
		want string // "" for valid
	}{
		{"valid", func(s *Site) {}, ""},
		{"Chinese kind", func(s *Site) { s.Kind = "驿站" }, ""},
		{"zero weight", func(s *Site) { s.Weight = 0 }, ""},
		{"empty kind", func(s *Site) { s.Kind = "" }, "kind is empty"},
		{"kind with a space", func(s *Site) { s.Kind = "new station" }, "may hold only"},
		{"long kind", func(s *Site) { s.Kind = strings.Repeat("k", MaxKindLen+1) }, "longer than"},
		{"missing id", func(s *Site) { s.ID = "" }, "missing id"},
		{"long id", func(s *Site) { s.ID = strings.Repeat("i", MaxSiteIDLen+1) }, "longer than"},
		{"bad UTF-8 id", func(s *Site) { s.ID = "\xff" }, "not valid UTF-8"},
		{"NaN lon", func(s *Site) { s.Point[0] = math.NaN() }, "lon must be a finite number"},
		{"lat 91", func(s *Site) { s.Point[1] = 91 }, "lat must be within [-90,90]"},
		{"negative weight", func(s *Site) { s.Weight = -2 }, "weight -2"},
		{"infinite weight", func(s *Site) { s.Weight = math.Inf(1) }, "weight +Inf"},
		{"negative capacity", func(s *Site) { s.Capacity = &neg }, "capacity -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			err := s.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
	e := &SiteError{Where: "sites.csv: line 7", ID: "r12", Reason: "lat must be within [-90,90]"}
	if e.Error() != `sites.csv: line 7 (id "r12"): lat must be within [-90,90]` || !errors.Is(e, ErrInvalidSite) {
		t.Errorf("SiteError = %q", e.Error())
	}
}

// TestSiteOwner follows the ownership rule on the edge-case list, with no
// nearest-grid fallback.
func TestSiteOwner(t *testing.T) {
	square := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	set := &Set{Levels: Levels{"district", "grid"}, Grids: []Grid{
		{Code: "D", Level: "district", Geometry: orb.MultiPolygon{{square(0, 0, 2, 1)}, {square(5, 5, 6, 6)}}},
		{Code: "G1", Level: "grid", Parent: "D", Geometry: orb.MultiPolygon{{square(0, 0, 1, 1), {{0.2, 0.2}, {0.2, 0.4}, {0.4, 0.4}, {0.4, 0.2}, {0.2, 0.2}}}}},
		{Code: "G2", Level: "grid", Parent: "D", Geometry: orb.MultiPolygon{{square(1, 0, 2, 1)}}},
	}}
	if _, err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	code := func(i int32) string {
		if i < 0 {
			return ""
		}
		return ix.Grid(i).Code
	}
	tests := []struct {
		name  string
		p     orb.Point
		level string
		want  string
	}{
		{"interior", orb.Point{0.7, 0.7}, "", "G1"},
		{"vertex", orb.Point{0, 0}, "", "G1"},
		{"shared edge: lowest code", orb.Point{1, 0.5}, "", "G1"},
		{"hole interior: the district", orb.Point{0.3, 0.3}, "", "D"},
		{"hole edge", orb.Point{0.2, 0.3}, "", "G1"},
		{"in the bbox, outside the polygons", orb.Point{3, 3}, "", ""},
		{"outside every bbox, no nearest fallback", orb.Point{2.0000001, 0.5}, "", ""},
		{"second part of a multipolygon", orb.Point{5.5, 5.5}, "", "D"},
		{"at district level", orb.Point{0.7, 0.7}, "district", "D"},
		{"hole at grid level: none", orb.Point{0.3, 0.3}, "grid", ""},
		{"NaN", orb.Point{math.NaN(), 0}, "", ""},
		{"out of range", orb.Point{0, 95}, "", ""},
	}
	for _, tt := range tests {
		if got := code(ix.SiteOwner(tt.p, tt.level)); got != tt.want {
			t.Errorf("%s: SiteOwner(%v, %q) = %q, want %q", tt.name, tt.p, tt.level, got, tt.want)
		}
	}
}

package topology

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

func TestRepair(t *testing.T) {
	tests := []struct {
		name  string
		wkt   string
		want  []string // the kinds of defect, sorted and without repeats
		area  float64  // square degrees
		parts int
	}{
		{"valid square", "POLYGON((0 0,1 0,1 1,0 1,0 0))", nil, 1, 1},
		{"clockwise shell", "POLYGON((0 0,0 1,1 1,1 0,0 0))", nil, 1, 1},
		{"bowtie", "POLYGON((0 0,2 2,2 0,0 2,0 0))", []string{WhatSelfIntersection}, 2, 2},
		// A spike is a vertex where the ring turns back; the vertex it
		// came from is then passed through twice (a self-touch).
		{"spike", "POLYGON((0 0,2 0,2 1,3 1,2 1,2 2,0 2,0 0))", []string{WhatSelfTouch, WhatSpike}, 4, 1},
		{"spike folding back part way", "POLYGON((0 0,2 0,2 2,1 2,1 3,1 2.5,0 2,0 0))", []string{WhatSelfTouch, WhatSpike}, 4.25, 1},
		{"inverted hole", "POLYGON((0 0,4 0,4 4,2 4,3 2,1 2,2 4,0 4,0 0))", []string{WhatSelfTouch}, 14, 1},
		{"lobes touching at a vertex", "POLYGON((0 0,2 0,2 2,4 2,4 4,2 4,2 2,0 2,0 0))", []string{WhatSelfTouch}, 8, 2},
		{"vertex on its own edge", "POLYGON((0 0,4 0,4 4,2 4,2 0,1 3,0 3,0 0))", []string{WhatSelfTouch}, 12.5, 2},
		{"duplicate point", "POLYGON((0 0,1 0,1 0,1 1,0 1,0 0))", []string{WhatDuplicatePoint}, 1, 1},
		{"zero-area ring", "POLYGON((0 0,1 1,2 2,0 0))", []string{WhatSpike, WhatZeroArea}, 0, 0},
		{"hole outside its shell", "POLYGON((0 0,1 0,1 1,0 1,0 0),(2 2,2 3,3 3,3 2,2 2))", []string{WhatHoleOutside}, 1, 1},
		{"hole crossing its shell", "POLYGON((0 0,4 0,4 4,0 4,0 0),(3 1,3 3,5 3,5 1,3 1))", []string{WhatRingsCross}, 14, 1},
		{"hole inside a hole", "POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,1 9,9 9,9 1,1 1),(2 2,2 8,8 8,8 2,2 2))", []string{WhatNestedHoles}, 36, 1},
		{"overlapping parts", "MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((1 1,3 1,3 3,1 3,1 1)))", []string{WhatPartsOverlap}, 7, 1},
		{"part inside a part", "MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0)),((1 1,2 1,2 2,1 2,1 1)))", []string{WhatPartsOverlap}, 16, 1},
		{"parts sharing an edge", "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 0,2 0,2 1,1 1,1 0)))", []string{WhatPartsOverlap}, 2, 1},
		{"island in a lake", "MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),(1 1,1 3,3 3,3 1,1 1)),((1.5 1.5,2.5 1.5,2.5 2.5,1.5 2.5,1.5 1.5)))", nil, 13, 2},
		{"parts touching at a point", "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 1,2 1,2 2,1 2,1 1)))", nil, 2, 2},
		// The ring winds twice around [1,9]²: the non-zero rule keeps it
		// (PostGIS's ST_MakeValid, deciding by parity, keeps 35).
		{"doubly wound", "POLYGON((0 0,10 0,10 10,0 10,0 1,9 1,9 9,1 9,1 0,0 0))", []string{WhatSelfIntersection, WhatSelfTouch, WhatSpike}, 99, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := mustWKT(t, tt.wkt)
			r := Repair(in)
			var got []string
			for _, d := range r.Defects {
				got = append(got, d.What)
			}
			slices.Sort(got)
			got = slices.Compact(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Repair(%s) defects = %q, want %q (%v)", tt.name, got, tt.want, r.Defects)
			}
			if a := planarArea(r.Geometry); math.Abs(a-tt.area) > 1e-9 {
				t.Errorf("Repair(%s) area = %v, want %v: %v", tt.name, a, tt.area, r.Geometry)
			}
			if len(r.Geometry) != tt.parts {
				t.Errorf("Repair(%s) has %d parts, want %d: %v", tt.name, len(r.Geometry), tt.parts, r.Geometry)
			}
			if len(r.Geometry) > 0 {
				if err := toSF(r.Geometry).Validate(); err != nil {
					t.Errorf("Repair(%s) = %v, not OGC-valid: %v", tt.name, r.Geometry, err)
				}
			}
			checkOrientation(t, r.Geometry)
			checkSameCover(t, in, r.Geometry, 2000, 1)
		})
	}
}

// planarArea is the area of a valid multipolygon in square degrees.
func planarArea(mp orb.MultiPolygon) float64 {
	var a float64
	for _, p := range mp {
		for i, r := range p {
			if i == 0 {
				a += math.Abs(shoelace(r))
			} else {
				a -= math.Abs(shoelace(r))
			}
		}
	}
	return a
}

func checkOrientation(t *testing.T, mp orb.MultiPolygon) {
	t.Helper()
	for pi, p := range mp {
		for ri, r := range p {
			if (shoelace(r) > 0) != (ri == 0) {
				t.Errorf("polygon %d ring %d is wound the wrong way", pi, ri)
			}
		}
	}
}

// covers reports whether the valid multipolygon mp covers p (-1 outside, 0
// on its boundary, 1 inside).
func covers(mp orb.MultiPolygon, p orb.Point) int {
	best := -1
	for _, pg := range mp {
		pos := ringPosition(p, pg[0])
		for _, h := range pg[1:] {
			switch ringPosition(p, h) {
			case 1:
				pos = -1
			case 0:
				pos = min(pos, 0)
			}
		}
		best = max(best, pos)
	}
	return best
}

// checkSameCover samples points in the box of raw and checks that repaired
// covers those geo's boundary rule says raw covers (points on either's
// boundary are skipped).
func checkSameCover(t *testing.T, raw, repaired orb.MultiPolygon, n int, seed uint64) {
	t.Helper()
	set := &geo.Set{Levels: geo.Levels{"l"}, Grids: []geo.Grid{{Code: "x", Level: "l", Geometry: cloneMP(raw)}}}
	if _, err := set.Validate(); err != nil {
		return // e.g. only degenerate rings: nothing to compare
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatalf("NewIndex: %v", err)
	}
	b := raw.Bound().Pad(0.1)
	rng := rand.New(rand.NewPCG(seed, 7))
	bad := 0
	for range n {
		p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		want := ix.Position(0, p)
		got := covers(repaired, p)
		if want == geo.Boundary || got == 0 {
			continue
		}
		if (want == geo.Interior) != (got > 0) {
			if bad++; bad <= 3 {
				t.Errorf("at %v: boundary rule says %v, repaired covers = %d", p, want, got)
			}
		}
	}
}

func cloneMP(mp orb.MultiPolygon) orb.MultiPolygon { return orb.Clone(mp).(orb.MultiPolygon) }

// TestRepairNational repairs every polygon of the national data: exactly the
// 2,376 that are not OGC-valid have defects, every result is OGC-valid but
// for rings touching at several points (which the overlay does not mind),
// and covers what the boundary rule says the original covers.
func TestRepairNational(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("-short or -race: the national data takes minutes under the race detector (data's PostGIS test checks samples of it against ST_IsValid)")
	}
	set, _ := national(t)
	withDefects, notOGC := 0, 0
	for i := range set.Grids {
		g := set.Grids[i].Geometry
		r := Repair(g)
		if len(r.Defects) > 0 {
			withDefects++
		}
		if (len(r.Defects) > 0) != (toSF(g).Validate() != nil) {
			t.Errorf("%s: %d defects, but simplefeatures' Validate says %v", set.Grids[i].Code, len(r.Defects), toSF(g).Validate())
		}
		if err := toSF(r.Geometry).Validate(); err != nil {
			notOGC++
		}
		if i%25 == 0 {
			checkSameCover(t, g, r.Geometry, 200, uint64(i))
		}
	}
	t.Logf("%d of %d polygons have defects; %d repaired ones have rings touching at several points", withDefects, len(set.Grids), notOGC)
	if withDefects != 2376 {
		t.Errorf("%d polygons have defects, want 2376 (the data's README)", withDefects)
	}
}

package topology

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
)

// The fixtures sit in Zhengzhou; u is 0.01° (about 1 km).
const u = 0.01

var x0, y0 = 113.6, 34.7

// rect is the rectangle [x1,x2]×[y1,y2] in units of u from (x0, y0).
func rect(x1, y1, x2, y2 float64) orb.Polygon {
	a, b := orb.Point{x0 + x1*u, y0 + y1*u}, orb.Point{x0 + x2*u, y0 + y2*u}
	return orb.Polygon{{a, {b[0], a[1]}, b, {a[0], b[1]}, a}}
}

func grid(code, name, level, parent string, parts ...orb.Polygon) geo.Grid {
	return geo.Grid{Code: code, Name: name, Level: level, Parent: parent, Geometry: orb.MultiPolygon(parts)}
}

func index(t *testing.T, grids ...geo.Grid) *geo.Index {
	t.Helper()
	set := &geo.Set{Layer: "main", Version: 7, Levels: geo.DefaultLevels, Grids: grids}
	if _, err := set.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatalf("NewIndex: %v", err)
	}
	return ix
}

// hierarchy is a district in three streets with communities, full of
// problems: see wantHierarchy.
func hierarchy(t *testing.T) *geo.Index {
	// s1 has a spike at (-1, 5).
	s1 := orb.Polygon{{{x0, y0}, {x0 + 5*u, y0}, {x0 + 5*u, y0 + 10*u}, {x0, y0 + 10*u}, {x0, y0 + 5*u}, {x0 - u, y0 + 5*u}, {x0, y0 + 5*u}, {x0, y0}}}
	return index(t,
		grid("d", "二七区", "district", "", rect(0, 0, 10, 10)),
		grid("s1", "甲街道", "street", "d", s1),
		grid("s2", "乙街道", "street", "d", rect(5, 0, 10, 9)), // leaves (5,9)-(10,10) of d uncovered
		grid("s3", "丙街道", "street", "d", rect(4, 0, 6, 1)),  // overlaps s1 and s2
		grid("c1", "东社区", "community", "s1", rect(0, 0, 5, 9)),
		grid("g1", "第1网格", "grid", "s1", rect(0, 9, 5, 10)),     // a grid right under a street
		grid("c2", "东社区", "community", "s2", rect(5, 0, 11, 9)), // sticks out of s2
		grid("c4", "东社区", "community", "s2", rect(6, 2, 7, 3)),  // inside c2, same name
		grid("c9", "孤社区", "community", "", rect(2, 2, 3, 3)),    // a community without a street
	)
}

type wantProblem struct {
	kind  Kind
	level string
	grids string // comma-separated
	area  orb.Polygon
}

func wantHierarchy() []wantProblem {
	return []wantProblem{
		{KindOverlap, "street", "s1,s3", rect(4, 0, 5, 1)},
		{KindOverlap, "street", "s2,s3", rect(5, 0, 6, 1)},
		{KindOverlap, "community", "c2,c4", rect(6, 2, 7, 3)},
		{KindGap, "street", "d", rect(5, 9, 10, 10)},
		{KindOutsideParent, "community", "c2,s2", rect(10, 0, 11, 9)},
		{KindInvalid, "street", "s1", nil},
		{KindOrphan, "community", "c9", nil},
		{KindLevelSkip, "grid", "g1", nil},
		{KindDuplicateName, "community", "c2,c4", nil},
	}
}

func TestValidateHierarchy(t *testing.T) {
	ix := hierarchy(t)
	all := wantHierarchy()
	tests := []struct {
		name    string
		opt     Options
		want    []wantProblem
		checked int
	}{
		{"every level", Options{MinAreaM2: DefaultMinAreaM2}, all, 9},
		{"streets", Options{Level: "street", MinAreaM2: DefaultMinAreaM2}, pick(all, "street"), 3},
		{"communities", Options{Level: "community", MinAreaM2: DefaultMinAreaM2}, pick(all, "community"), 4},
		{"grids", Options{Level: "grid", MinAreaM2: DefaultMinAreaM2}, pick(all, "grid"), 1},
		// 1.1 km² drops the 1 km² overlaps, keeps the 5 km² gap and the
		// 9 km² outside, and makes slivers of the 1 km² communities.
		{"threshold", Options{MinAreaM2: 1.1e6}, append(without(all, KindOverlap),
			wantProblem{KindSliver, "community", "c4", rect(6, 2, 7, 3)},
			wantProblem{KindSliver, "community", "c9", rect(2, 2, 3, 3)}), 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Validate(context.Background(), ix, tt.opt)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if rep.Grids != tt.checked || rep.Version != 7 || rep.Layer != "main" {
				t.Errorf("report of %d grids, layer %q version %d; want %d, main, 7", rep.Grids, rep.Layer, rep.Version, tt.checked)
			}
			checkProblems(t, rep.Problems, tt.want)
		})
	}
}

func pick(ps []wantProblem, level string) []wantProblem {
	var out []wantProblem
	for _, p := range ps {
		if p.level == level {
			out = append(out, p)
		}
	}
	return out
}

func without(ps []wantProblem, k Kind) []wantProblem {
	var out []wantProblem
	for _, p := range ps {
		if p.kind != k {
			out = append(out, p)
		}
	}
	return out
}

// checkProblems compares problems with want, in any order; areas must
// match the expected polygon's within 1 m² and the geometry's area.
func checkProblems(t *testing.T, got []Problem, want []wantProblem) {
	t.Helper()
	key := func(k Kind, grids string) string { return string(k) + " " + grids }
	byKey := map[string]Problem{}
	for _, p := range got {
		byKey[key(p.Kind, strings.Join(p.Grids, ","))] = p
	}
	for _, w := range want {
		k := key(w.kind, w.grids)
		p, ok := byKey[k]
		if !ok {
			t.Errorf("missing problem %s", k)
			continue
		}
		delete(byKey, k)
		if p.Level != w.level {
			t.Errorf("%s: level %q, want %q", k, p.Level, w.level)
		}
		if w.area != nil {
			want := PolygonAreaM2(w.area)
			if math.Abs(p.AreaM2-want) > 1 {
				t.Errorf("%s: area %.1f m², want %.1f", k, p.AreaM2, want)
			}
			mp, ok := p.Geometry.(orb.MultiPolygon)
			if !ok || math.Abs(AreaM2(mp)-p.AreaM2) > 1e-6 {
				t.Errorf("%s: geometry %v does not have the problem's area", k, p.Geometry)
			}
		}
		if p.Detail == "" {
			t.Errorf("%s: no detail", k)
		}
	}
	for k, p := range byKey {
		t.Errorf("unexpected problem %s: %s", k, p.Detail)
	}
}

func TestValidateInvalidLocations(t *testing.T) {
	rep, err := Validate(context.Background(), hierarchy(t), Options{Level: "street", MinAreaM2: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if p.Kind != KindInvalid {
			continue
		}
		pts, ok := p.Geometry.(orb.MultiPoint)
		if !ok || !slices.Contains(pts, orb.Point{x0 - u, y0 + 5*u}) {
			t.Errorf("invalid s1: locations %v, want the spike at %v", p.Geometry, orb.Point{x0 - u, y0 + 5*u})
		}
		if !strings.Contains(p.Detail, "spike ×1") {
			t.Errorf("invalid s1: detail %q does not count the spike", p.Detail)
		}
	}
}

func TestValidateRootGaps(t *testing.T) {
	ring := func(cells ...[2]float64) []geo.Grid {
		var gs []geo.Grid
		for i, c := range cells {
			gs = append(gs, grid(fmt.Sprint("r", i), "", "district", "", rect(c[0], c[1], c[0]+1, c[1]+1)))
		}
		return gs
	}
	around := [][2]float64{{0, 0}, {1, 0}, {2, 0}, {0, 1}, {2, 1}, {0, 2}, {1, 2}, {2, 2}}
	tests := []struct {
		name  string
		grids []geo.Grid
		want  []wantProblem
	}{
		{"hole in the middle", ring(around...), []wantProblem{{KindGap, "district", "r1,r3,r4,r6", rect(1, 1, 2, 2)}}},
		{"open on one side", ring(around[0], around[1], around[2], around[3], around[4], around[5], around[7]), nil},
		// Pinched: the hole opens onto the outside only through its corner
		// (1, 1), where the cells below and left of it meet.
		{"pinched pocket", []geo.Grid{
			grid("below", "", "district", "", rect(1, 0, 2, 1)),
			grid("left", "", "district", "", rect(0, 1, 1, 2)),
			grid("corner", "", "district", "", orb.Polygon{{{x0 + 1*u, y0 + 2*u}, {x0 + 2*u, y0 + 2*u}, {x0 + 2*u, y0 + 1*u}, {x0 + 3*u, y0 + 1*u}, {x0 + 3*u, y0 + 3*u}, {x0 + 1*u, y0 + 3*u}, {x0 + 1*u, y0 + 2*u}}}),
		}, []wantProblem{{KindGap, "district", "below,corner,left", rect(1, 1, 2, 2)}}},
		{"two gaps", append(ring(around...), grid("far", "", "district", "", rect(10, 10, 13, 11), rect(10, 12, 13, 13), rect(10, 11, 11, 12), rect(12, 11, 13, 12))),
			[]wantProblem{
				{KindGap, "district", "r1,r3,r4,r6", rect(1, 1, 2, 2)},
				{KindGap, "district", "far", rect(11, 11, 12, 12)},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Validate(context.Background(), index(t, tt.grids...), Options{MinAreaM2: 1})
			if err != nil {
				t.Fatal(err)
			}
			var ps []Problem
			for _, p := range rep.Problems {
				if p.Kind != KindInvalid { // "far" has touching parts: valid
					ps = append(ps, p)
				}
			}
			checkProblems(t, ps, tt.want)
		})
	}
}

func TestValidateSliver(t *testing.T) {
	tiny := orb.Polygon{{{x0 + 20*u, y0}, {x0 + 20*u + 1e-6, y0}, {x0 + 20*u, y0 + 1e-6}, {x0 + 20*u, y0}}}
	ix := index(t, grid("a", "", "district", "", rect(0, 0, 1, 1), tiny))
	rep, err := Validate(context.Background(), ix, Options{MinAreaM2: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, rep.Problems, []wantProblem{{KindSliver, "district", "a", tiny}})
	rep, _ = Validate(context.Background(), ix, Options{MinAreaM2: 0})
	if len(rep.Problems) != 0 {
		t.Errorf("with no threshold: %v, want no problems", rep.Problems)
	}
}

func TestValidateUnknownLevel(t *testing.T) {
	_, err := Validate(context.Background(), hierarchy(t), Options{Level: "province"})
	if !errors.Is(err, geo.ErrUnknownLevel) {
		t.Errorf("Validate(level province) = %v, want ErrUnknownLevel", err)
	}
}

func TestValidateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Validate(ctx, hierarchy(t), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Validate(cancelled) = %v, want context.Canceled", err)
	}
}

func TestReportForms(t *testing.T) {
	rep, err := Validate(context.Background(), hierarchy(t), Options{MinAreaM2: 1})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version  int64          `json:"version"`
		Layer    string         `json:"layer"`
		Counts   map[string]int `json:"counts"`
		Problems []struct {
			Kind     string          `json:"kind"`
			Level    string          `json:"level"`
			Grids    []string        `json:"grids"`
			AreaM2   *float64        `json:"area_m2"`
			Geometry json.RawMessage `json:"geometry"`
			Detail   string          `json:"detail"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("WriteJSON wrote invalid JSON: %v\n%s", err, buf.String())
	}
	if doc.Version != 7 || len(doc.Problems) != len(rep.Problems) || doc.Counts["overlap"] != 3 {
		t.Errorf("JSON: version %d, %d problems, %d overlaps; want 7, %d, 3", doc.Version, len(doc.Problems), doc.Counts["overlap"], len(rep.Problems))
	}
	for _, p := range doc.Problems {
		if p.AreaM2 == nil || p.Grids == nil || len(p.Geometry) == 0 || p.Level == "" {
			t.Errorf("JSON problem %+v lacks a field", p)
		}
		hierarchyKind := p.Kind == "orphan" || p.Kind == "level_skip" || p.Kind == "duplicate_name"
		if hierarchyKind != (string(p.Geometry) == "null") {
			t.Errorf("JSON problem %s has geometry %s", p.Kind, p.Geometry)
		}
	}

	buf.Reset()
	if err := rep.WriteGeoJSON(&buf); err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
	if err != nil {
		t.Fatalf("WriteGeoJSON wrote invalid GeoJSON: %v", err)
	}
	if len(fc.Features) != len(rep.Problems) {
		t.Errorf("GeoJSON has %d features, want %d", len(fc.Features), len(rep.Problems))
	}
	if k := fc.Features[0].Properties.MustString("kind", ""); k != "overlap" {
		t.Errorf("first feature kind %q, want overlap", k)
	}

	buf.Reset()
	if err := rep.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != len(rep.Problems)+1 || !strings.HasPrefix(lines[0], "layer main version 7: 9 grids checked, 9 problems") {
		t.Errorf("text: %d lines, first %q", len(lines), lines[0])
	}
	if f := strings.Split(lines[1], "\t"); len(f) != 5 || f[0] != "overlap" {
		t.Errorf("text line %q, want 5 tab-separated fields starting with overlap", lines[1])
	}
}

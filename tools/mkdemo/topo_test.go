package main

import (
	"strconv"
	"strings"
	"testing"
)

// sq is the counter-clockwise square [x0,x1]×[y0,y1] in lattice units.
func sq(x0, y0, x1, y1 int64) ring {
	return ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
}

func TestFormatCoord(t *testing.T) {
	for _, tc := range []struct {
		v    int64
		want string
	}{
		{1136600000, "113.66"},
		{347599102, "34.7599102"},
		{1130000000, "113"},
		{0, "0"},
		{-5, "-0.0000005"},
		{-1136600001, "-113.6600001"},
	} {
		got := string(formatCoord(nil, tc.v))
		if got != tc.want {
			t.Errorf("formatCoord(%d) = %q, want %q", tc.v, got, tc.want)
		}
		f, err := strconv.ParseFloat(got, 64)
		if err != nil || f != (pt{tc.v, 0}).deg()[0] {
			t.Errorf("ParseFloat(%q) = %v, %v; want %v, the value generator computed with", got, f, err, (pt{tc.v, 0}).deg()[0])
		}
	}
}

func TestClean(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   ring
		want int // points left; 0 for nil
	}{
		{"square", sq(0, 0, 10, 10), 4},
		{"repeated points", ring{{0, 0}, {10, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, 4},
		{"spike", ring{{0, 0}, {10, 0}, {20, 0}, {10, 0}, {10, 10}, {0, 10}}, 4},
		{"two-step spike", ring{{0, 0}, {10, 0}, {10, 30}, {10, 20}, {10, 10}, {0, 10}}, 4},
		{"collinear vertex kept", ring{{0, 0}, {5, 0}, {10, 0}, {10, 10}, {0, 10}}, 5},
		{"no area", ring{{0, 0}, {10, 0}, {20, 0}}, 0},
		{"one point", ring{{3, 3}, {3, 3}, {3, 3}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.clean(); len(got) != tc.want {
				t.Errorf("clean(%v) = %v, want %d points", tc.in, got, tc.want)
			}
		})
	}
}

func TestSplitPinches(t *testing.T) {
	for _, tc := range []struct {
		name         string
		in           ring
		polys, rings int
		area2        int64
	}{
		{"hole touching the shell", ring{{0, 0}, {20, 0}, {10, 10}, {30, 10}, {20, 0}, {40, 0}, {40, 40}, {0, 40}}, 1, 2, 3200 - 200},
		{"two lobes", ring{{0, 0}, {10, 0}, {10, 10}, {20, 10}, {20, 20}, {10, 20}, {10, 10}, {0, 10}}, 2, 2, 400},
		{"simple", sq(0, 0, 10, 10), 1, 1, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := splitPinches([]ring{tc.in})
			rings := 0
			for _, p := range m {
				rings += len(p)
			}
			if len(m) != tc.polys || rings != tc.rings || m.area2() != tc.area2 {
				t.Errorf("splitPinches = %v: %d polygons, %d rings, area2 %d; want %d, %d, %d", m, len(m), rings, m.area2(), tc.polys, tc.rings, tc.area2)
			}
			if err := toSF(m).Validate(); err != nil {
				t.Errorf("splitPinches = %v: %v", m, err)
			}
		})
	}
}

func TestNode(t *testing.T) {
	a := sq(0, 0, 100, 100)
	b := ring{{100, 0}, {200, 0}, {200, 100}, {100, 100}, {101, 50}} // 1 unit off a's edge
	c := ring{{300, 0}, {400, 0}, {400, 100}, {103, 70}}             // 3 units off: too far
	if n := node([]*ring{&a, &b, &c}, nil); n != 1 {
		t.Errorf("node inserted %d vertices, want 1", n)
	}
	want := ring{{0, 0}, {100, 0}, {101, 50}, {100, 100}, {0, 100}}
	if len(a) != len(want) {
		t.Fatalf("after node, a = %v, want %v", a, want)
	}
	for i := range want {
		if a[i] != want[i] {
			t.Fatalf("after node, a = %v, want %v", a, want)
		}
	}
	if err := checkTiling(mpoly{{{{0, 0}, {100, 0}, {200, 0}, {200, 100}, {100, 100}, {0, 100}}}}, []mpoly{{{a}}, {{b}}}); err != nil {
		t.Errorf("after node: %v", err)
	}
}

func TestWeld(t *testing.T) {
	fixed := []pt{{100, 100}}
	a := ring{{0, 0}, {100, 0}, {101, 99}, {0, 100}} // (101,99) is the fixed (100,100)
	b := ring{{100, 1}, {200, 0}, {200, 100}, {100, 100}}
	weld(fixed, []*ring{&a, &b})
	if a[2] != (pt{100, 100}) || a[1] != (pt{100, 0}) || b[0] != (pt{100, 0}) {
		t.Errorf("after weld, a = %v, b = %v; want (101,99) → (100,100) and (100,1) → (100,0)", a, b)
	}
}

func TestDissolve(t *testing.T) {
	var cells3x3 []poly
	for x := int64(0); x < 3; x++ {
		for y := int64(0); y < 3; y++ {
			if x == 1 && y == 1 {
				continue
			}
			cells3x3 = append(cells3x3, poly{sq(10*x, 10*y, 10*x+10, 10*y+10)})
		}
	}
	var touching []poly // 3×3 without the centre and the corner cell (2,2)
	for _, p := range cells3x3 {
		if p[0][0] != (pt{20, 20}) {
			touching = append(touching, p)
		}
	}
	for _, tc := range []struct {
		name         string
		in           []poly
		polys, rings int
		area2        int64
	}{
		{"shared edge", []poly{{sq(0, 0, 10, 10)}, {sq(10, 0, 20, 10)}}, 1, 1, 400},
		{"touching corners", []poly{{sq(0, 0, 10, 10)}, {sq(10, 10, 20, 20)}}, 2, 2, 400},
		{"ring around a hole", cells3x3, 1, 2, 1600},
		{"hole touching the shell", touching, 1, 2, 1400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := dissolve(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			rings := 0
			for _, p := range m {
				rings += len(p)
			}
			if len(m) != tc.polys || rings != tc.rings || m.area2() != tc.area2 {
				t.Errorf("dissolve = %v: %d polygons, %d rings, area2 %d; want %d, %d, %d", m, len(m), rings, m.area2(), tc.polys, tc.rings, tc.area2)
			}
			if err := toSF(m).Validate(); err != nil {
				t.Errorf("dissolve = %v: %v", m, err)
			}
		})
	}
}

func TestCheckTiling(t *testing.T) {
	parent := mpoly{{{{0, 0}, {10, 0}, {20, 0}, {20, 10}, {10, 10}, {0, 10}}}}
	left, right := mpoly{{sq(0, 0, 10, 10)}}, mpoly{{sq(10, 0, 20, 10)}}
	tjunction := mpoly{{{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 5}}}}
	for _, tc := range []struct {
		name     string
		parent   mpoly
		children []mpoly
		err      string // "" for no error
	}{
		{"tiling", parent, []mpoly{left, right}, ""},
		{"parent lacks the shared vertices", mpoly{{sq(0, 0, 20, 10)}}, []mpoly{left, right}, "is not an edge of a child"},
		{"gap", parent, []mpoly{left}, "is not an edge of a child"},
		{"overlap", parent, []mpoly{left, right, left}, "used twice"},
		{"vertex on one side only", parent, []mpoly{left, tjunction}, "has no neighbour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkTiling(tc.parent, tc.children)
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("checkTiling = %v, want nil", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("checkTiling = %v, want an error containing %q", err, tc.err)
			}
		})
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"淮河社区居民委员会":   "淮河社区",
		"马寨社区居民管理委员会": "马寨社区",
		"福华南街社区委员会":   "福华南街社区",
		"尖岗村委会":       "尖岗村",
		"郑州火车站地区拟居委会": "郑州火车站地区",
	} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := placeName("尖岗村委会"); got != "尖岗" {
		t.Errorf("placeName(尖岗村委会) = %q, want 尖岗", got)
	}
}

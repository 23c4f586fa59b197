package crs

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
)

// TestCoordtransformGolden compares the forward formulas with the output of
// the npm package coordtransform@2.1.2, written by testdata/gen_reference.js
// (see that file to regenerate it; there is no -update flag because the
// reference is JavaScript, not this package).
func TestCoordtransformGolden(t *testing.T) {
	rows := readGolden(t, "testdata/coordtransform-2.1.2.csv")
	const tolDeg = 1e-9
	var compared, exact, masked int
	var worst float64
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/line%d", row.fn, row.line), func(t *testing.T) {
			var name string
			var got orb.Point
			switch row.fn {
			case "wgs84togcj02":
				name, got = "WGS84ToGCJ02Unmasked", WGS84ToGCJ02Unmasked(row.in)
				// coordtransform shifts inside its bounding box; we shift
				// only inside the mainland.
				if InMainland(row.in) {
					if g := WGS84ToGCJ02(row.in); g != got {
						t.Errorf("WGS84ToGCJ02(%v) = %v, want %v (the unmasked value) in the mainland", row.in, g, got)
					}
				} else {
					masked++
					if g := WGS84ToGCJ02(row.in); g != row.in {
						t.Errorf("WGS84ToGCJ02(%v) = %v, want it unchanged outside the mainland", row.in, g)
					}
				}
			case "gcj02towgs84":
				name, got = "gcjOneStep", gcjOneStep(row.in)
			case "gcj02tobd09":
				name, got = "GCJ02ToBD09", GCJ02ToBD09(row.in)
			case "bd09togcj02":
				name, got = "BD09ToGCJ02", BD09ToGCJ02(row.in)
			default:
				t.Fatalf("unknown function %q", row.fn)
			}
			compared++
			if got == row.want {
				exact++
			}
			d := math.Max(math.Abs(got[0]-row.want[0]), math.Abs(got[1]-row.want[1]))
			worst = math.Max(worst, d)
			if !(d <= tolDeg) {
				t.Errorf("%s(%v) = %v, want %v (off by %g degrees)", name, row.in, got, row.want, d)
			}
		})
	}
	t.Logf("%d values compared, %d bit for bit, largest difference %g degrees; %d wgs84togcj02 inputs outside the mainland left unshifted",
		compared, exact, worst, masked)
	if n := len(rows) / 4; masked > n/2 {
		t.Errorf("%d of %d wgs84togcj02 inputs are outside the mainland; want most inside", masked, n)
	}
}

type goldenRow struct {
	line     int
	fn       string
	in, want orb.Point
}

func readGolden(t *testing.T, name string) []goldenRow {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	if len(recs) < 2 {
		t.Fatalf("read %s: no rows", name)
	}
	var rows []goldenRow
	for i, rec := range recs[1:] {
		var v [4]float64
		for k := range v {
			v[k], err = strconv.ParseFloat(rec[k+1], 64)
			if err != nil {
				t.Fatalf("%s:%d: %v", name, i+2, err)
			}
		}
		rows = append(rows, goldenRow{line: i + 2, fn: rec[0], in: orb.Point{v[0], v[1]}, want: orb.Point{v[2], v[3]}})
	}
	return rows
}

// TestGCJRoundTrip checks GCJ02ToWGS84(WGS84ToGCJ02(p)) against p for random
// mainland points, and that the common one-step inverse is much worse.
func TestGCJRoundTrip(t *testing.T) {
	r := newRand(t)
	var worstIter, worstOneStep float64
	for _, p := range randomMainland(r, 5000) {
		g := WGS84ToGCJ02(p)
		if d := distanceM(g, p); d < 10 || d > 750 {
			t.Errorf("WGS84ToGCJ02(%v) = %v, moved %.1f m, want 10-750 m", p, g, d)
		}
		w := GCJ02ToWGS84(g)
		d := distanceM(w, p)
		if d > 0.01 {
			t.Errorf("GCJ02ToWGS84(WGS84ToGCJ02(%v)) = %v, %.4f m away, want within 0.01 m", p, w, d)
		}
		worstIter = math.Max(worstIter, d)
		worstOneStep = math.Max(worstOneStep, distanceM(gcjOneStep(g), p))
	}
	t.Logf("largest round-trip error: iterative %.2g m, one-step %.2f m", worstIter, worstOneStep)
	if worstOneStep < 1 || worstOneStep < 1000*worstIter {
		t.Errorf("one-step inverse off by up to %.3g m, iterative by %.3g m; want the one-step error over 1 m and 1000 times larger",
			worstOneStep, worstIter)
	}
}

// TestBDRoundTrip checks BD09ToGCJ02(GCJ02ToBD09(p)) and the composed
// WGS-84 -> BD-09 -> WGS-84 trip. BD09ToGCJ02 is coordtransform's one-step
// formula, so the bound is 0.25 m, not 1 cm.
func TestBDRoundTrip(t *testing.T) {
	r := newRand(t)
	const tolM = 0.25
	var worst, worstBD float64
	for _, p := range randomMainland(r, 5000) {
		g := WGS84ToGCJ02(p)
		b := GCJ02ToBD09(g)
		if d := distanceM(b, g); d < 700 || d > 1100 {
			t.Errorf("GCJ02ToBD09(%v) = %v, moved %.1f m, want 700-1100 m", g, b, d)
		}
		back := BD09ToGCJ02(b)
		d := distanceM(back, g)
		if d > tolM {
			t.Errorf("BD09ToGCJ02(GCJ02ToBD09(%v)) = %v, %.3f m away, want within %g m", g, back, d, tolM)
		}
		worst = math.Max(worst, d)
		bb := GCJ02ToBD09(BD09ToGCJ02(b))
		worstBD = math.Max(worstBD, distanceM(bb, b))
		w := Convert(Convert(p, WGS84, BD09), BD09, WGS84)
		if d := distanceM(w, p); d > tolM {
			t.Errorf("Convert(Convert(%v, WGS84, BD09), BD09, WGS84) = %v, %.3f m away, want within %g m", p, w, d, tolM)
		}
	}
	t.Logf("largest round-trip error: gcj->bd->gcj %.3f m, bd->gcj->bd %.3f m", worst, worstBD)
}

func TestGCJ02ToWGS84Unmasked(t *testing.T) {
	tests := []struct {
		name string
		p    orb.Point
	}{
		{"Beijing", orb.Point{116.404, 39.915}},
		{"formula origin", orb.Point{105, 35}},
		{"Mohe, far north", orb.Point{122.53, 52.97}},
		{"Zengmu Ansha, far south", orb.Point{112.28, 3.97}},
		{"Hong Kong, shifted by some datasets", orb.Point{114.1722, 22.2975}},
		{"Greenwich, far outside", orb.Point{0, 51.48}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := GCJ02ToWGS84Unmasked(tt.p)
			back := WGS84ToGCJ02Unmasked(w)
			if dx, dy := math.Abs(back[0]-tt.p[0]), math.Abs(back[1]-tt.p[1]); dx >= 1e-9 || dy >= 1e-9 {
				t.Errorf("WGS84ToGCJ02Unmasked(GCJ02ToWGS84Unmasked(%v)) = %v, want within 1e-9 degrees", tt.p, back)
			}
		})
	}
}

func TestNotFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		p    orb.Point
	}{
		{"NaN lon", orb.Point{nan, 30}},
		{"NaN lat", orb.Point{110, nan}},
		{"+Inf lon", orb.Point{inf, 30}},
		{"-Inf lat", orb.Point{110, -inf}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if InMainland(tt.p) {
				t.Errorf("InMainland(%v) = true, want false", tt.p)
			}
			for _, f := range []struct {
				name string
				fn   func(orb.Point) orb.Point
			}{{"WGS84ToGCJ02", WGS84ToGCJ02}, {"GCJ02ToWGS84", GCJ02ToWGS84}, {"GCJ02ToWGS84Unmasked", GCJ02ToWGS84Unmasked}} {
				if got := f.fn(tt.p); !samePoint(got, tt.p) {
					t.Errorf("%s(%v) = %v, want it unchanged", f.name, tt.p, got)
				}
			}
		})
	}
}

// samePoint is == that also equates NaN with NaN.
func samePoint(a, b orb.Point) bool {
	for i := range 2 {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

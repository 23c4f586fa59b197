package crs

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

var fuzzSystems = [...]System{WGS84, GCJ02, BD09}

// FuzzConvert checks that Convert never panics, never turns a finite
// in-range point into NaN or infinity, and that mainland points survive
// the WGS-84 -> GCJ-02 -> WGS-84 trip within 1 cm and the GCJ-02 -> BD-09
// -> GCJ-02 trip within 0.25 m.
func FuzzConvert(f *testing.F) {
	f.Add(116.3975, 39.9087, uint8(0), uint8(1))  // Beijing
	f.Add(114.1722, 22.2975, uint8(1), uint8(0))  // Hong Kong
	f.Add(114.1149, 22.5338, uint8(0), uint8(2))  // Shenzhen, at the border
	f.Add(113.5491, 22.2191, uint8(2), uint8(0))  // Zhuhai, at the border
	f.Add(0.0065, 0.006, uint8(2), uint8(1))      // the BD-09 origin
	f.Add(-180.0, -90.0, uint8(1), uint8(2))      // a corner of the world
	f.Add(math.NaN(), 30.0, uint8(0), uint8(1))   // NaN in
	f.Add(73.0+1.0/1024, 3.0, uint8(0), uint8(1)) // mask cell edges
	f.Fuzz(func(t *testing.T, lon, lat float64, from, to uint8) {
		p := orb.Point{lon, lat}
		src, dst := fuzzSystems[int(from)%3], fuzzSystems[int(to)%3]
		got := Convert(p, src, dst)
		if !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) {
			return
		}
		if !isFinite(got) {
			t.Fatalf("Convert(%v, %q, %q) = %v, want finite", p, src, dst, got)
		}
		if !InMainland(p) {
			return
		}
		if w := GCJ02ToWGS84(WGS84ToGCJ02(p)); distanceM(w, p) > 0.01 {
			t.Errorf("GCJ02ToWGS84(WGS84ToGCJ02(%v)) = %v, %.4f m away, want within 0.01 m", p, w, distanceM(w, p))
		}
		if g := BD09ToGCJ02(GCJ02ToBD09(p)); distanceM(g, p) > 0.25 {
			t.Errorf("BD09ToGCJ02(GCJ02ToBD09(%v)) = %v, %.3f m away, want within 0.25 m", p, g, distanceM(g, p))
		}
	})
}

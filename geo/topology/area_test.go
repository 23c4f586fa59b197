package topology

import (
	"math"
	"testing"
)

// TestAreaM2 compares with PostGIS 3 ST_Area(geography), which measures
// geodesic polygons on the WGS-84 ellipsoid (GeographicLib).
func TestAreaM2(t *testing.T) {
	tests := []struct {
		name string
		wkt  string
		want float64 // m², from PostGIS
		tol  float64 // relative; 0 for 1e-5
	}{
		{"1° cell on the equator", "POLYGON((0 0,1 0,1 1,0 1,0 0))", 12308778361.469454, 0},
		{"0.1° cell in Zhengzhou", "POLYGON((113.6 34.7,113.7 34.7,113.7 34.8,113.6 34.8,113.6 34.7))", 101578483.30749512, 0},
		{"10° cell", "POLYGON((100 20,110 20,110 30,100 30,100 20))", 1118167299348.5347, 0},
		{"0.01° cell in Shenzhen", "POLYGON((114.05 22.54,114.06 22.54,114.06 22.55,114.05 22.55,114.05 22.54))", 1139080.4774565697, 0},
		// Long edges, whose geodesics bulge north of the parallels (by
		// 105 m on the first, 12 km on the second).
		{"triangle at 60°N", "POLYGON((120 60,121 60,120.5 60.5,120 60))", 1551316590.7994385, 0},
		// 850 km edges: taking the auxiliary longitude for the longitude
		// bends the geodesic by a fraction f of its 12 km bulge.
		{"flat triangle in Xinjiang", "POLYGON((80 40,90 40,85 41,80 40))", 42285665444.62598, 6e-4},
		{"10 m triangle", "POLYGON((113.6 34.7,113.60009 34.7,113.6 34.70009,113.6 34.7))", 41.16373847424984, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AreaM2(mustWKT(t, tt.wkt))
			tol := tt.tol
			if tol == 0 {
				tol = 1e-5
			}
			rel := math.Abs(got-tt.want) / tt.want
			t.Logf("AreaM2 = %.3f m², PostGIS %.3f, off by %.2g", got, tt.want, rel)
			if rel > tol {
				t.Errorf("AreaM2 = %.3f m², want %.3f (PostGIS), off by %.2g", got, tt.want, rel)
			}
			// Clockwise gives the same area; RingAreaM2 gives it negative.
			r := mustWKT(t, tt.wkt)[0][0]
			if s := RingAreaM2(r); s <= 0 {
				t.Errorf("RingAreaM2(counter-clockwise) = %v, want > 0", s)
			}
		})
	}
}

func TestAreaM2Hole(t *testing.T) {
	outer := AreaM2(mustWKT(t, "POLYGON((113.6 34.7,113.7 34.7,113.7 34.8,113.6 34.8,113.6 34.7))"))
	inner := AreaM2(mustWKT(t, "POLYGON((113.62 34.72,113.68 34.72,113.68 34.78,113.62 34.78,113.62 34.72))"))
	got := AreaM2(mustWKT(t, "POLYGON((113.6 34.7,113.7 34.7,113.7 34.8,113.6 34.8,113.6 34.7),(113.62 34.72,113.62 34.78,113.68 34.78,113.68 34.72,113.62 34.72))"))
	if math.Abs(got-(outer-inner)) > 1e-3 {
		t.Errorf("AreaM2(square with hole) = %v, want %v", got, outer-inner)
	}
}

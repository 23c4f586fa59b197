package plan

import (
	"math"

	"github.com/paulmach/orb"
)

// EarthRadiusM is the radius of the sphere distances are measured on: the
// IUGG mean Earth radius, metres.
const EarthRadiusM = 6371008.8

// MaxRadiusM is the largest radius a coverage or siting query may ask for,
// metres (100 km).
const MaxRadiusM = 100_000

const rad = math.Pi / 180

// DistanceM is the great-circle (haversine) distance between a and b in
// metres.
func DistanceM(a, b orb.Point) float64 {
	return havToM(hav(mkPt(a), mkPt(b)))
}

// pt is a point with what the haversine needs precomputed.
type pt struct {
	lon, lat float64 // degrees
	latR     float64 // radians
	cosLat   float64
}

func mkPt(p orb.Point) pt {
	return pt{lon: p[0], lat: p[1], latR: p[1] * rad, cosLat: math.Cos(p[1] * rad)}
}

// hav is the haversine of the central angle between a and b, in [0,1].
func hav(a, b pt) float64 {
	s1 := sinSmall((b.latR - a.latR) / 2)
	s2 := sinSmall((b.lon - a.lon) * (rad / 2))
	return min(s1*s1+a.cosLat*b.cosLat*s2*s2, 1)
}

// sinSmall is math.Sin, faster for the small angles of nearby points: for
// |x| < 0.01 (half the angle of 127 km) the Taylor series to x⁷ is exact to
// well under one ulp (the next term is below 3e-19·|x|).
func sinSmall(x float64) float64 {
	if x > 0.01 || x < -0.01 {
		return math.Sin(x)
	}
	x2 := x * x
	return x * (1 - x2/6*(1-x2/20*(1-x2/42)))
}

// havToM turns a haversine into metres.
func havToM(h float64) float64 { return 2 * EarthRadiusM * math.Asin(math.Sqrt(h)) }

// mToHav turns metres (≤ half the circumference) into a haversine.
func mToHav(m float64) float64 {
	s := math.Sin(min(m/EarthRadiusM, math.Pi) / 2)
	return s * s
}

// reach decides "within r metres" from a haversine h, where hr = mToHav(r):
// comparing haversines avoids an arcsine per pair, and a pair within a
// relative 1e-12 of the threshold is settled in metres, so the answer always
// agrees with havToM(h) ≤ r.
func reach(h, hr, r float64) bool {
	switch {
	case h < hr*(1-1e-12):
		return true
	case h > hr*(1+1e-12):
		return false
	}
	return havToM(h) <= r
}

// capBound returns the longitude/latitude box holding every point within r
// metres of p on the sphere, a little generous. wrap is true when the cap
// crosses the antimeridian or holds a pole: the box then spans every
// longitude.
func capBound(p pt, r float64) (lo, hi [2]float64) {
	d := r / EarthRadiusM // angular radius
	dLat := d/rad + 1e-9
	lo[1], hi[1] = max(p.lat-dLat, -90), min(p.lat+dLat, 90)
	if d >= math.Pi/2 || math.Abs(p.lat)+dLat >= 90 {
		lo[0], hi[0] = -180, 180
		return lo, hi
	}
	s := math.Sin(d) / math.Cos(p.latR)
	if s >= 1 {
		lo[0], hi[0] = -180, 180
		return lo, hi
	}
	dLon := math.Asin(s)/rad*(1+1e-9) + 1e-9
	lo[0], hi[0] = p.lon-dLon, p.lon+dLon
	if lo[0] < -180 || hi[0] > 180 {
		lo[0], hi[0] = -180, 180
	}
	return lo, hi
}

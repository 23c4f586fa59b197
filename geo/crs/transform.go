package crs

import (
	"math"

	"github.com/paulmach/orb"
)

// The constants of the public GCJ-02 and BD-09 formulas, spelled as in the
// npm package coordtransform@2.1.2.
//
// They are variables, not constants, on purpose: Go evaluates constant
// expressions such as a*(1-ee) exactly and rounds once, while JavaScript
// rounds after every operation. Keeping them variables makes every
// operation below a float64 operation, so the results match coordtransform
// bit for bit (up to the last bit of math.Sin and math.Atan2). They are
// never written.
var (
	a   = 6378245.0              // semi-major axis of Krasovsky 1940, in metres
	ee  = 0.00669342162296594323 // first eccentricity squared of Krasovsky 1940
	pi  = math.Pi                // coordtransform's PI, the same float64
	xPi = pi * 3000.0 / 180.0    // coordtransform's x_PI
)

// The float64(...) conversions around products below are not noise: they
// forbid the compiler from fusing a multiply and an add into one FMA
// instruction (which it may do on arm64, ppc64, s390x and amd64 v3), so the
// arithmetic stays that of JavaScript.

// transformLat is coordtransform's transformlat: the latitude shift, in
// metres before scaling, for an offset (dx, dy) in degrees from (105, 35).
func transformLat(dx, dy float64) float64 {
	ret := -100.0 + float64(2.0*dx) + float64(3.0*dy) + float64(0.2*dy*dy) +
		float64(0.1*dx*dy) + float64(0.2*math.Sqrt(math.Abs(dx)))
	ret += (float64(20.0*math.Sin(6.0*dx*pi)) + float64(20.0*math.Sin(2.0*dx*pi))) * 2.0 / 3.0
	ret += (float64(20.0*math.Sin(dy*pi)) + float64(40.0*math.Sin(dy/3.0*pi))) * 2.0 / 3.0
	ret += (float64(160.0*math.Sin(dy/12.0*pi)) + float64(320*math.Sin(dy*pi/30.0))) * 2.0 / 3.0
	return ret
}

// transformLng is coordtransform's transformlng: the longitude shift, in
// metres before scaling, for an offset (dx, dy) in degrees from (105, 35).
func transformLng(dx, dy float64) float64 {
	ret := 300.0 + dx + float64(2.0*dy) + float64(0.1*dx*dx) + float64(0.1*dx*dy) +
		float64(0.1*math.Sqrt(math.Abs(dx)))
	ret += (float64(20.0*math.Sin(6.0*dx*pi)) + float64(20.0*math.Sin(2.0*dx*pi))) * 2.0 / 3.0
	ret += (float64(20.0*math.Sin(dx*pi)) + float64(40.0*math.Sin(dx/3.0*pi))) * 2.0 / 3.0
	ret += (float64(150.0*math.Sin(dx/12.0*pi)) + float64(300.0*math.Sin(dx/30.0*pi))) * 2.0 / 3.0
	return ret
}

// gcjDelta returns the GCJ-02 shift (dlon, dlat), in degrees, of the WGS-84
// point (lng, lat): the arithmetic of coordtransform's wgs84togcj02.
func gcjDelta(lng, lat float64) (dlng, dlat float64) {
	dlat = transformLat(lng-105.0, lat-35.0)
	dlng = transformLng(lng-105.0, lat-35.0)
	radlat := lat / 180.0 * pi
	magic := math.Sin(radlat)
	magic = 1 - float64(ee*magic*magic)
	sqrtmagic := math.Sqrt(magic)
	dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * pi)
	dlng = (dlng * 180.0) / (a / sqrtmagic * math.Cos(radlat) * pi)
	return dlng, dlat
}

// WGS84ToGCJ02Unmasked applies the GCJ-02 forward formula to the WGS-84
// point p wherever it is, without asking InMainland. Use it only for data
// known to have been shifted outside the mainland too (the Hong Kong and
// Macao polygons of some public datasets are); otherwise use
// WGS84ToGCJ02. For a point far outside China the result is meaningless
// but finite when p is finite.
func WGS84ToGCJ02Unmasked(p orb.Point) orb.Point {
	dlng, dlat := gcjDelta(p[0], p[1])
	return orb.Point{p[0] + dlng, p[1] + dlat}
}

// GCJ02ToWGS84Unmasked inverts WGS84ToGCJ02Unmasked by fixed-point
// iteration, without asking InMainland: it returns w such that
// WGS84ToGCJ02Unmasked(w) lies within 1e-9 degrees (about 0.1 mm) of p in
// both coordinates, after at most 30 iterations (3 or 4 in practice). A
// point that is not finite is returned unchanged.
func GCJ02ToWGS84Unmasked(p orb.Point) orb.Point {
	if !finite(p) {
		return p
	}
	w := gcjOneStep(p)
	for range maxInverseIterations {
		g := WGS84ToGCJ02Unmasked(w)
		ex, ey := g[0]-p[0], g[1]-p[1]
		if math.Abs(ex) < inverseTolDeg && math.Abs(ey) < inverseTolDeg {
			break
		}
		w = orb.Point{w[0] - ex, w[1] - ey}
	}
	return w
}

const (
	maxInverseIterations = 30
	inverseTolDeg        = 1e-9 // stop when the forward image is this close, in degrees
)

// gcjOneStep is the common one-step inverse (coordtransform's
// gcj02towgs84): p minus the shift evaluated at p instead of at the
// unknown WGS-84 point. It is off by up to a few metres; GCJ02ToWGS84Unmasked
// starts from it and refines it.
func gcjOneStep(p orb.Point) orb.Point {
	dlng, dlat := gcjDelta(p[0], p[1])
	return orb.Point{p[0] - dlng, p[1] - dlat}
}

// WGS84ToGCJ02 converts the WGS-84 point p to GCJ-02 if InMainland(p), and
// returns p unchanged otherwise (Hong Kong, Macao, Taiwan, other
// countries, the open sea, NaN, out-of-range input). Inside the mainland
// the result is that of coordtransform@2.1.2's wgs84togcj02 to within
// 1e-9 degrees. The shift varies from about 20 m (in Qinghai) to 700 m (in
// the north-east).
func WGS84ToGCJ02(p orb.Point) orb.Point {
	if !InMainland(p) {
		return p
	}
	return WGS84ToGCJ02Unmasked(p)
}

// GCJ02ToWGS84 converts the GCJ-02 point p to WGS-84. It computes the
// iterative inverse w of the forward formula (accurate to about 0.1 mm;
// see GCJ02ToWGS84Unmasked) and returns w if w is in the mainland (or
// within 1e-8 degrees, about 1 mm, of it: so that round trips of mainland
// points never fall off the mask's edge), and p unchanged otherwise.
//
// Near the mainland's border the answer is ambiguous by nature: a foreign
// point p that is not shifted may also be the GCJ-02 image of a mainland
// point w a few hundred metres away. Such a p is taken to be that image.
func GCJ02ToWGS84(p orb.Point) orb.Point {
	if !nearMask(p) {
		return p
	}
	w := GCJ02ToWGS84Unmasked(p)
	if !inMainlandWithin(w, roundTripSlackDeg) {
		return p
	}
	return w
}

// roundTripSlackDeg is how far, in degrees, the inverse's result may lie
// outside the mask and still count as mainland: 10 times the inverse's
// tolerance.
const roundTripSlackDeg = 1e-8

// GCJ02ToBD09 converts the GCJ-02 point p to BD-09 (Baidu). The formula
// applies everywhere, inside the mainland or not; it is the arithmetic of
// coordtransform@2.1.2's gcj02tobd09. The shift is about 0.006 degrees
// north and east: 770–1010 m over the mainland.
func GCJ02ToBD09(p orb.Point) orb.Point {
	lng, lat := p[0], p[1]
	z := math.Sqrt(float64(lng*lng)+float64(lat*lat)) + float64(0.00002*math.Sin(lat*xPi))
	theta := math.Atan2(lat, lng) + float64(0.000003*math.Cos(lng*xPi))
	return orb.Point{float64(z*math.Cos(theta)) + 0.0065, float64(z*math.Sin(theta)) + 0.006}
}

// BD09ToGCJ02 converts the BD-09 point p to GCJ-02. The formula applies
// everywhere; it is the arithmetic of coordtransform@2.1.2's bd09togcj02,
// the de-facto definition of this direction. It is only a one-step inverse
// of GCJ02ToBD09: BD09ToGCJ02(GCJ02ToBD09(p)) is within 0.25 m of p over
// China, not closer (the tests measure it).
func BD09ToGCJ02(p orb.Point) orb.Point {
	x := p[0] - 0.0065
	y := p[1] - 0.006
	z := math.Sqrt(float64(x*x)+float64(y*y)) - float64(0.00002*math.Sin(y*xPi))
	theta := math.Atan2(y, x) - float64(0.000003*math.Cos(x*xPi))
	return orb.Point{z * math.Cos(theta), z * math.Sin(theta)}
}

// finite reports whether both coordinates of p are finite numbers.
func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsInf(p[0], 0) && !math.IsNaN(p[1]) && !math.IsInf(p[1], 0)
}

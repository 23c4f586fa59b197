package topology

import (
	"math"

	"github.com/paulmach/orb"
)

// Areas are computed on the WGS-84 ellipsoid through its authalic sphere:
// geodetic latitude φ becomes authalic latitude β, and the cylindrical
// equal-area map x = λ, y = sin β (scaled by the authalic radius) preserves
// area exactly. Edges are taken as geodesics, as PostGIS's geography type
// does: an edge longer than densifyDeg is cut into pieces along its great
// circle first, so that the straight pieces in the equal-area plane follow
// it (the area between a 500 m piece and its geodesic is under 2 m²).

const (
	wgs84A = 6378137.0
	wgs84F = 1 / 298.257223563
)

var (
	wgs84E2 = wgs84F * (2 - wgs84F)
	wgs84E  = math.Sqrt(wgs84E2)
	qPole   = authalicQ(1)
	// authalicR2 is the square of the authalic radius: the sphere of this
	// radius has the ellipsoid's area.
	authalicR2 = wgs84A * wgs84A * qPole / 2
)

// densifyDeg is the longest edge (in degrees of either coordinate) taken
// as straight in the equal-area plane; longer edges are cut along their
// great circle.
const densifyDeg = 0.005

// authalicQ is q(φ) of the authalic latitude for sin φ = s.
func authalicQ(s float64) float64 {
	es := wgs84E * s
	return (1 - wgs84E2) * (s/(1-es*es) - math.Log((1-es)/(1+es))/(2*wgs84E))
}

// equalArea maps a lon/lat point (degrees) to the equal-area plane (radians
// of longitude, sine of authalic latitude).
func equalArea(p orb.Point) (x, y float64) {
	return p[0] * math.Pi / 180, authalicQ(math.Sin(p[1]*math.Pi/180)) / qPole
}

// RingAreaM2 is the signed area of a closed ring in square metres on the
// WGS-84 ellipsoid: positive when the ring runs counter-clockwise.
func RingAreaM2(r []orb.Point) float64 {
	if len(r) < 4 {
		return 0
	}
	x0, y0 := equalArea(r[0])
	var sum float64
	px, py := 0.0, 0.0 // the previous point, relative to the first
	for i := 1; i < len(r); i++ {
		a, b := r[i-1], r[i]
		if math.Abs(b[0]-a[0]) > densifyDeg || math.Abs(b[1]-a[1]) > densifyDeg {
			n := int(math.Ceil(max(math.Abs(b[0]-a[0]), math.Abs(b[1]-a[1])) / densifyDeg))
			for k := 1; k < n; k++ {
				x, y := equalArea(greatCircle(a, b, float64(k)/float64(n)))
				x, y = x-x0, y-y0
				sum += px*y - x*py
				px, py = x, y
			}
		}
		x, y := equalArea(b)
		x, y = x-x0, y-y0
		sum += px*y - x*py
		px, py = x, y
	}
	return sum / 2 * authalicR2
}

// greatCircle returns the point a fraction t of the way from a to b along
// the geodesic between them, approximated (Bessel) by the great circle
// through them on the auxiliary sphere of reduced latitudes. The
// approximation only treats the auxiliary longitude as the longitude, which
// on edges of a few kilometres moves points by millimetres.
func greatCircle(a, b orb.Point, t float64) orb.Point {
	toXYZ := func(p orb.Point) [3]float64 {
		lon := p[0] * math.Pi / 180
		beta := math.Atan((1 - wgs84F) * math.Tan(p[1]*math.Pi/180))
		return [3]float64{math.Cos(beta) * math.Cos(lon), math.Cos(beta) * math.Sin(lon), math.Sin(beta)}
	}
	u, v := toXYZ(a), toXYZ(b)
	dot := u[0]*v[0] + u[1]*v[1] + u[2]*v[2]
	omega := math.Acos(min(max(dot, -1), 1))
	if omega < 1e-12 {
		return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
	}
	s := math.Sin(omega)
	ka, kb := math.Sin((1-t)*omega)/s, math.Sin(t*omega)/s
	w := [3]float64{ka*u[0] + kb*v[0], ka*u[1] + kb*v[1], ka*u[2] + kb*v[2]}
	beta := math.Atan2(w[2], math.Hypot(w[0], w[1]))
	lat := math.Atan(math.Tan(beta) / (1 - wgs84F))
	return orb.Point{math.Atan2(w[1], w[0]) * 180 / math.Pi, lat * 180 / math.Pi}
}

// PolygonAreaM2 is the area of a polygon in square metres on the WGS-84
// ellipsoid: its shell's less its holes', whatever their winding.
func PolygonAreaM2(p orb.Polygon) float64 {
	var a float64
	for i, r := range p {
		if i == 0 {
			a += math.Abs(RingAreaM2(r))
		} else {
			a -= math.Abs(RingAreaM2(r))
		}
	}
	return a
}

// AreaM2 is the area of a valid multipolygon in square metres on the WGS-84
// ellipsoid (the sum of its parts').
func AreaM2(mp orb.MultiPolygon) float64 {
	var a float64
	for _, p := range mp {
		a += PolygonAreaM2(p)
	}
	return a
}

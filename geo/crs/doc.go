// Package crs converts points between the coordinate systems of Chinese
// maps: WGS-84 (GPS, OpenStreetMap), GCJ-02 (AMap/Gaode, Tencent, Google
// Maps in China) and BD-09 (Baidu).
//
// # Coordinates and units
//
// A point is an orb.Point{lon, lat}: longitude first, then latitude, both
// in degrees. Distances in the documentation are in metres on the ground.
// Functions never modify their input; they return a new point.
//
// # Where each transform applies
//
// GCJ-02 is WGS-84 shifted by a published formula (by 20 to 700 m across
// China), but only inside mainland China: InMainland, a raster mask built
// from district outlines, decides. Hong Kong, Macao, Taiwan (with 金门,
// 马祖, 东沙 and 太平岛), neighbouring countries and the open sea are left
// unshifted, unlike the common bounding-box check, which wrongly shifts
// Hong Kong, Taipei, Hanoi, Seoul or Vladivostok. WGS84ToGCJ02 and
// GCJ02ToWGS84 return their input unchanged outside the mainland.
//
// BD-09 is GCJ-02 shifted again by about 0.006 degrees; GCJ02ToBD09 and
// BD09ToGCJ02 apply everywhere. Convert composes the steps for any pair
// of systems, through GCJ-02.
//
// The forward formulas are the public ones, computed with exactly the
// arithmetic of the npm package coordtransform@2.1.2: the tests compare
// against its output (testdata/coordtransform-2.1.2.csv) to within 1e-9
// degrees. Most values match bit for bit; the others differ by at most
// 3e-14 degrees, from last-bit differences between Go's and V8's sine and
// arc tangent.
//
// # Accuracy
//
// GCJ02ToWGS84 inverts the forward formula by iteration: the result maps
// back to its input within 1e-9 degrees (about 0.1 mm), so
// GCJ02ToWGS84(WGS84ToGCJ02(p)) is within 1 cm of p; the usual one-step
// inverse is off by up to about 5 m. BD09ToGCJ02 is coordtransform's
// one-step formula, the de-facto definition of the reverse direction;
// BD09ToGCJ02(GCJ02ToBD09(p)) is within 0.25 m of p (this error is in the
// published formulas themselves).
//
// InMainland works on cells of 1/1024 degree (about 100 m) and may be wrong
// within about one cell of a border or coast; see its documentation. Near
// the mainland's border GCJ02ToWGS84 is ambiguous by nature, since a
// foreign point left unshifted may coincide with the shifted image of a
// mainland point.
//
// # The mainland mask
//
// InMainland reads mainland.bin, embedded in the package: a run-length
// raster generated from public district outlines by tools/mkmainland and
// committed. It is not built at compile time; regenerate it with
//
//	go run ./tools/mkmainland -out geo/crs/mainland.bin
//
// when the outlines or the method change (the output is reproducible).
//
// # Concurrency
//
// All functions are safe for concurrent use. The mask is decoded once, at
// the first call that needs it, and is never modified afterwards.
package crs

package crs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
)

// System names a geographic coordinate system used by Chinese maps.
type System string

const (
	// WGS84 is the system of GPS, OpenStreetMap and EPSG:4326.
	WGS84 System = "wgs84"
	// GCJ02 is the obfuscated system required for maps of mainland China
	// (AMap/Gaode, Tencent, Google Maps in China): WGS-84 shifted by a
	// published formula inside the mainland, unchanged outside it.
	GCJ02 System = "gcj02"
	// BD09 is Baidu's system: GCJ-02 shifted once more, everywhere.
	BD09 System = "bd09"
)

// ErrUnknownSystem is wrapped by the error Parse returns for a name it does
// not know.
var ErrUnknownSystem = errors.New("unknown coordinate system")

// Parse returns the System named by s. It ignores case and surrounding
// space, and accepts "wgs84", "wgs-84", "epsg:4326", "gcj02", "gcj-02",
// "bd09" and "bd-09". The empty string means WGS84. Any other name
// returns an error wrapping ErrUnknownSystem that lists the valid names.
func Parse(s string) (System, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "wgs84", "wgs-84", "epsg:4326":
		return WGS84, nil
	case "gcj02", "gcj-02":
		return GCJ02, nil
	case "bd09", "bd-09":
		return BD09, nil
	}
	return "", fmt.Errorf("%w %q: want wgs84, gcj02 or bd09", ErrUnknownSystem, s)
}

// Valid reports whether s is WGS84, GCJ02 or BD09.
func (s System) Valid() bool {
	return s == WGS84 || s == GCJ02 || s == BD09
}

// Convert converts p from the system from to the system to. Any pair
// works; it is the identity when from == to. Conversions between WGS84 and
// the others pass through GCJ02 and shift only inside the mainland (see
// WGS84ToGCJ02 and GCJ02ToWGS84); the BD09 step shifts everywhere.
//
// If from or to is not Valid, p is returned unchanged: validate names with
// Parse first.
func Convert(p orb.Point, from, to System) orb.Point {
	if from == to || !from.Valid() || !to.Valid() {
		return p
	}
	switch from { // to GCJ-02
	case WGS84:
		p = WGS84ToGCJ02(p)
	case BD09:
		p = BD09ToGCJ02(p)
	}
	switch to { // from GCJ-02
	case WGS84:
		p = GCJ02ToWGS84(p)
	case BD09:
		p = GCJ02ToBD09(p)
	}
	return p
}

package tile

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/wangge/wangge/geo/crs"
)

// MaxZoom is the deepest zoom served.
const MaxZoom = 22

// Extent is the size of a tile in tile coordinates (MVT's layer extent).
const Extent = 4096

// ErrInvalidTile is wrapped by every *Error about a z/x/y.
var ErrInvalidTile = errors.New("invalid tile")

// Error says which of z, x and y is wrong and why.
type Error struct {
	Field  string // "z", "x" or "y"
	Reason string
}

func (e *Error) Error() string { return e.Field + " " + e.Reason }

// Unwrap lets errors.Is(err, ErrInvalidTile) hold.
func (e *Error) Unwrap() error { return ErrInvalidTile }

// Tile is one tile of the pyramid: 0 ≤ Z ≤ MaxZoom, 0 ≤ X, Y < 2^Z.
type Tile struct{ Z, X, Y uint32 }

func (t Tile) String() string { return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y) }

// Parse reads z, x and y as decimal integers (digits only) and checks that
// they name a tile of the pyramid.
func Parse(z, x, y string) (Tile, error) {
	zv, err := parseUint("z", z)
	if err != nil {
		return Tile{}, err
	}
	if zv > MaxZoom {
		return Tile{}, &Error{Field: "z", Reason: fmt.Sprintf("must be within [0,%d]", MaxZoom)}
	}
	n := uint64(1) << zv
	xv, err := parseUint("x", x)
	if err != nil {
		return Tile{}, err
	}
	if xv >= n {
		return Tile{}, &Error{Field: "x", Reason: fmt.Sprintf("must be within [0,%d] at zoom %d", n-1, zv)}
	}
	yv, err := parseUint("y", y)
	if err != nil {
		return Tile{}, err
	}
	if yv >= n {
		return Tile{}, &Error{Field: "y", Reason: fmt.Sprintf("must be within [0,%d] at zoom %d", n-1, zv)}
	}
	return Tile{Z: uint32(zv), X: uint32(xv), Y: uint32(yv)}, nil
}

func parseUint(field, s string) (uint64, error) {
	if s == "" || len(s) > 10 {
		return 0, &Error{Field: field, Reason: "must be a non-negative integer"}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, &Error{Field: field, Reason: "must be a non-negative integer"}
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, &Error{Field: field, Reason: "must be a non-negative integer"}
	}
	return v, nil
}

// Bound returns the tile's lon/lat box in the tile's own coordinate system
// (the pyramid is laid over the base map's coordinates), grown by buffer
// tile widths on every side.
func (t Tile) Bound(buffer float64) orb.Bound {
	return maptile.New(t.X, t.Y, maptile.Zoom(t.Z)).Bound(buffer)
}

// At returns the tile holding lon/lat point p (in the pyramid's coordinate
// system) at zoom z.
func At(p orb.Point, z uint32) Tile {
	mt := maptile.At(p, maptile.Zoom(z))
	return Tile{Z: z, X: mt.X, Y: mt.Y}
}

// searchBound is the WGS-84 box to search for features of tile t cut in
// sys: the buffered tile box, its corners brought back to WGS-84, grown by a
// margin that covers the variation of the GCJ-02 shift across a tile.
func searchBound(t Tile, sys crs.System, bufferPx float64) orb.Bound {
	b := t.Bound(bufferPx / Extent)
	if sys == crs.WGS84 || sys == "" {
		return b
	}
	out := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, p := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
		out = out.Extend(crs.Convert(p, sys, crs.WGS84))
	}
	const margin = 1e-4 // degrees, about 10 m
	return out.Pad(margin)
}

// worldXY is the Web Mercator position of lon/lat p in [0,1]² (y from the
// north), latitudes clamped to the pyramid's ±85.0511°.
func worldXY(p orb.Point) orb.Point {
	lat := math.Max(-85.05112878, math.Min(85.05112878, p[1]))
	s := math.Sin(lat * math.Pi / 180)
	return orb.Point{p[0]/360 + 0.5, 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)}
}

// frame maps world Mercator positions to the coordinates of one tile.
type frame struct {
	scale  float64 // 2^z · Extent
	ox, oy float64 // the tile's origin in scaled world units
	sys    crs.System
}

func newFrame(t Tile, sys crs.System) frame {
	scale := float64(uint64(1)<<t.Z) * Extent
	if sys == "" {
		sys = crs.WGS84
	}
	return frame{scale: scale, ox: float64(t.X) * Extent, oy: float64(t.Y) * Extent, sys: sys}
}

// world maps a world Mercator position to tile coordinates (not rounded).
func (f *frame) world(w orb.Point) orb.Point {
	return orb.Point{w[0]*f.scale - f.ox, w[1]*f.scale - f.oy}
}

// lonLat maps a WGS-84 point to tile coordinates, shifting it into the
// tile's coordinate system first.
func (f *frame) lonLat(p orb.Point) orb.Point {
	if f.sys != crs.WGS84 {
		p = crs.Convert(p, crs.WGS84, f.sys)
	}
	return f.world(worldXY(p))
}

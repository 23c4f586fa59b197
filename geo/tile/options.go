package tile

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultMinZoom is the zoom each usual level appears from: districts from
// z8 (a district fills a few tiles), streets from z11, communities from
// z12, grids from z13, micro-grids from z14.
var DefaultMinZoom = map[string]int{
	"province": 4, "city": 6, "district": 8, "street": 11, "community": 12, "grid": 13, "microgrid": 14,
}

// Options tune the grid tiles. The zero value means the defaults.
type Options struct {
	// MinZoom is the zoom each level appears from (nil: DefaultMinZoom). A
	// level it does not name appears one zoom after the level before it
	// (zoom 8 for the coarsest).
	MinZoom map[string]int
	// TolerancePx is the simplification tolerance in pixels of a 256-pixel
	// tile at the tile's zoom (0: 0.5).
	TolerancePx float64
	// BufferPx is the buffer around a tile, in tile coordinates of the 4096
	// extent (0: 64).
	BufferPx float64
}

func (o Options) withDefaults() Options {
	if o.MinZoom == nil {
		o.MinZoom = DefaultMinZoom
	}
	if o.TolerancePx <= 0 {
		o.TolerancePx = 0.5
	}
	if o.BufferPx <= 0 {
		o.BufferPx = 64
	}
	return o
}

// minZooms returns the zoom each level (coarsest first) appears from, never
// below the zoom of a coarser level.
func (o Options) minZooms(levels []string) []int {
	out := make([]int, len(levels))
	for r, l := range levels {
		z, ok := o.MinZoom[l]
		switch {
		case !ok && r == 0:
			z = 8
		case !ok:
			z = min(out[r-1]+1, MaxZoom)
		}
		if r > 0 && z < out[r-1] {
			z = out[r-1]
		}
		out[r] = max(0, min(z, MaxZoom))
	}
	return out
}

// ParseMinZoom reads "level=zoom,level=zoom" (as a flag or environment
// variable gives it) into Options.MinZoom; levels not named keep their
// default.
func ParseMinZoom(s string) (map[string]int, error) {
	m := make(map[string]int, len(DefaultMinZoom))
	for k, v := range DefaultMinZoom {
		m[k] = v
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		l, zs, ok := strings.Cut(part, "=")
		z, err := strconv.Atoi(strings.TrimSpace(zs))
		if !ok || strings.TrimSpace(l) == "" || err != nil || z < 0 || z > MaxZoom {
			return nil, fmt.Errorf("min zoom %q: want level=zoom with zoom within [0,%d]", part, MaxZoom)
		}
		m[strings.TrimSpace(l)] = z
	}
	return m, nil
}

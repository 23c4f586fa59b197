package main

import (
	"fmt"
	"math"
	"slices"
)

// grid is the raster: cell (row r, column c) covers longitudes
// [lon0+c/res, lon0+(c+1)/res) and latitudes [lat0+r/res, lat0+(r+1)/res),
// in WGS-84 degrees. Row 0 is the southernmost.
type grid struct {
	res          int // cells per degree
	lon0, lat0   int // south-west corner, in whole degrees
	ncols, nrows int
}

// The grid's extent, in whole degrees: it holds the mainland (73.5°E to
// 135.1°E, 3.8°N to 53.6°N, 三沙 included) with room for the dilation.
const (
	gridLon0, gridLon1 = 73, 136
	gridLat0, gridLat1 = 3, 54
)

func newGrid(res int) (grid, error) {
	g := grid{res: res, lon0: gridLon0, lat0: gridLat0,
		ncols: (gridLon1 - gridLon0) * res, nrows: (gridLat1 - gridLat0) * res}
	if res < 16 || g.ncols > math.MaxUint16 {
		return grid{}, fmt.Errorf("-res %d: want 16 to %d cells per degree", res, math.MaxUint16/(gridLon1-gridLon0))
	}
	return g, nil
}

// rowCentre returns the latitude of the centres of row r's cells.
func (g grid) rowCentre(r int) float64 {
	return float64(g.lat0) + (float64(r)+0.5)/float64(g.res)
}

// firstCol returns the first column whose centre is at or east of lon,
// clamped to [0, ncols].
func (g grid) firstCol(lon float64) int32 {
	c := math.Ceil((lon-float64(g.lon0))*float64(g.res) - 0.5)
	return int32(max(0, min(float64(g.ncols), c)))
}

// firstRow returns the first row whose centre is at or north of lat,
// clamped to [0, nrows].
func (g grid) firstRow(lat float64) int {
	r := math.Ceil((lat-float64(g.lat0))*float64(g.res) - 0.5)
	return int(max(0, min(float64(g.nrows), r)))
}

// span is a half-open range [s, e) of columns in one row.
type span struct{ s, e int32 }

// mask holds, for every row, its cells in the set as sorted, disjoint,
// non-adjacent spans.
type mask struct{ rows [][]span }

func newMask(g grid) *mask { return &mask{rows: make([][]span, g.nrows)} }

func (m *mask) runCount() int {
	n := 0
	for _, r := range m.rows {
		n += len(r)
	}
	return n
}

func (m *mask) cellCount() int64 {
	var n int64
	for _, r := range m.rows {
		for _, s := range r {
			n += int64(s.e - s.s)
		}
	}
	return n
}

// contains reports whether cell (r, c) is in the mask.
func (m *mask) contains(r int, c int32) bool {
	row := m.rows[r]
	i, _ := slices.BinarySearchFunc(row, c, func(s span, c int32) int {
		if s.e <= c {
			return -1
		}
		if s.s > c {
			return 1
		}
		return 0
	})
	return i < len(row) && row[i].s <= c && c < row[i].e
}

// normalize sorts spans and merges those that overlap or touch. It reuses
// the backing array.
func normalize(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return int(a.s) - int(b.s) })
	out := spans[:0]
	for _, s := range spans {
		if s.s >= s.e {
			continue
		}
		if n := len(out); n > 0 && s.s <= out[n-1].e {
			out[n-1].e = max(out[n-1].e, s.e)
			continue
		}
		out = append(out, s)
	}
	return out
}

// union returns the normalised union of two normalised rows.
func union(a, b []span) []span {
	out := make([]span, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	return normalize(out)
}

// intersect returns the intersection of two normalised rows.
func intersect(a, b []span) []span {
	var out []span
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		s, e := max(a[i].s, b[j].s), min(a[i].e, b[j].e)
		if s < e {
			out = append(out, span{s, e})
		}
		if a[i].e < b[j].e {
			i++
		} else {
			j++
		}
	}
	return out
}

// complement returns the spans of [0, n) not in the normalised row a.
func complement(a []span, n int32) []span {
	var out []span
	prev := int32(0)
	for _, s := range a {
		if s.s > prev {
			out = append(out, span{prev, s.s})
		}
		prev = s.e
	}
	if prev < n {
		out = append(out, span{prev, n})
	}
	return out
}

// subtract returns a minus b, both normalised, over [0, n).
func subtract(a, b []span, n int32) []span {
	return intersect(a, complement(b, n))
}

// expand widens every span of a normalised row by k columns on each side,
// clamped to [0, n).
func expand(a []span, k, n int32) []span {
	out := make([]span, len(a))
	for i, s := range a {
		out[i] = span{max(0, s.s-k), min(n, s.e+k)}
	}
	return normalize(out)
}

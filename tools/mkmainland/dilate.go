package main

import "math"

// metresPerDegree is the length of one degree of latitude on a sphere of
// the Earth's mean radius (6,371,008.8 m), in metres.
const metresPerDegree = 6371008.8 * math.Pi / 180

// The sea zone: where the mask may grow by dilation. It is every cell east
// of seaZoneMinLon and south of seaZoneMaxLat, except the mouth of the
// Yalu (north of yaluMinLat and east of yaluMinLon). This leaves out every
// land border: those with Russia, Mongolia and the countries to the west
// and south-west lie north of 41°N or west of 108.1°E (the Beilun river
// mouth, 东兴 and Móng Cái, is at 108.0°E), and North Korea's part south of
// 41°N is the Yalu, from 丹东 (124.4°E 40.1°N) to its mouth at 39.8°N.
// Hong Kong, Macao and Taiwan are kept out by their own polygons.
const (
	seaZoneMinLon = 108.1
	seaZoneMaxLat = 41.0
	yaluMinLon    = 124.2
	yaluMinLat    = 39.75
)

// seaZone returns the spans of row r that lie in the sea zone.
func seaZone(g grid, r int) []span {
	lat := g.rowCentre(r)
	if lat > seaZoneMaxLat {
		return nil
	}
	s, e := g.firstCol(seaZoneMinLon), int32(g.ncols)
	if lat >= yaluMinLat {
		e = g.firstCol(yaluMinLon)
	}
	if s >= e {
		return nil
	}
	return []span{{s, e}}
}

// dilate returns m grown by radiusM metres (centre to centre) into the
// cells that are in the sea zone and not in keepOut, and the number of
// cells added. m is not modified.
func dilate(g grid, m, keepOut *mask, radiusM float64) (*mask, int64) {
	n := int32(g.ncols)
	return grow(g, m, radiusM, func(r int) []span { return subtract(seaZone(g, r), keepOut.rows[r], n) })
}

// grow returns m grown by radiusM metres (centre to centre) into the cells
// allowed(r) of each row r, and the number of cells added. A nil allowed
// allows every cell. m is not modified.
func grow(g grid, m *mask, radiusM float64, allowed func(r int) []span) (*mask, int64) {
	out := newMask(g)
	cellM := metresPerDegree / float64(g.res) // height of a cell
	reach := int(radiusM / cellM)
	n := int32(g.ncols)
	var added int64
	for r := range g.nrows {
		own := m.rows[r]
		ok := []span{{0, n}}
		if allowed != nil {
			ok = allowed(r)
		}
		if radiusM <= 0 || len(ok) == 0 {
			out.rows[r] = own
			continue
		}
		widthM := cellM * math.Cos(g.rowCentre(r)*math.Pi/180)
		var grown []span
		for dr := -reach; dr <= reach; dr++ {
			src := r + dr
			if src < 0 || src >= g.nrows || len(m.rows[src]) == 0 {
				continue
			}
			dy := float64(dr) * cellM
			k := int32(math.Sqrt(radiusM*radiusM-dy*dy) / widthM)
			grown = union(grown, expand(m.rows[src], k, n))
		}
		extra := subtract(intersect(grown, ok), own, n)
		for _, s := range extra {
			added += int64(s.e - s.s)
		}
		out.rows[r] = union(own, extra)
	}
	return out, added
}

package data

import (
	"encoding/binary"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"
)

// wgs84SRID is the SRID every geometry of the PostgreSQL store carries.
const wgs84SRID = 4326

// multiPolygonEWKB encodes mp as 2D EWKB with SRID 4326, for a
// geometry(MultiPolygon, 4326) column. mp is not modified.
func multiPolygonEWKB(mp orb.MultiPolygon) ([]byte, error) {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	flat := make([]float64, 0, 2*n)
	endss := make([][]int, len(mp))
	for i, p := range mp {
		ends := make([]int, len(p))
		for j, r := range p {
			for _, pt := range r {
				flat = append(flat, pt[0], pt[1])
			}
			ends[j] = len(flat)
		}
		endss[i] = ends
	}
	g := geom.NewMultiPolygonFlat(geom.XY, flat, endss).SetSRID(wgs84SRID)
	return ewkb.Marshal(g, binary.LittleEndian)
}

// multiPolygonFromEWKB decodes (E)WKB of a Polygon or MultiPolygon, with or
// without Z and M (which are dropped), into an orb.MultiPolygon.
func multiPolygonFromEWKB(b []byte) (orb.MultiPolygon, error) {
	g, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, err
	}
	switch t := g.(type) {
	case *geom.MultiPolygon:
		return flatMultiPolygon(t.FlatCoords(), t.Endss(), t.Stride()), nil
	case *geom.Polygon:
		return flatMultiPolygon(t.FlatCoords(), [][]int{t.Ends()}, t.Stride()), nil
	}
	return nil, fmt.Errorf("geometry is a %T, not a (multi)polygon", g)
}

func flatMultiPolygon(flat []float64, endss [][]int, stride int) orb.MultiPolygon {
	mp := make(orb.MultiPolygon, 0, len(endss))
	start := 0
	for _, ends := range endss {
		p := make(orb.Polygon, 0, len(ends))
		for _, end := range ends {
			r := make(orb.Ring, 0, (end-start)/stride)
			for k := start; k < end; k += stride {
				r = append(r, orb.Point{flat[k], flat[k+1]})
			}
			p = append(p, r)
			start = end
		}
		mp = append(mp, p)
	}
	return mp
}

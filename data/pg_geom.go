package data

import (
	"encoding/binary"
	"errors"
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
	if err := checkWKBCounts(b); err != nil {
		return nil, err
	}
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

// checkWKBCounts walks (E)WKB of a Polygon or MultiPolygon and fails when a
// count of parts, rings or points is more than the rest of the input can
// hold: go-geom's reader allocates what the counts say before reading, so
// a few corrupt bytes could ask for gigabytes (found by
// FuzzMultiPolygonEWKB).
func checkWKBCounts(b []byte) error {
	r := wkbWalker{b: b}
	typ, dims, err := r.header()
	if err != nil {
		return err
	}
	switch typ {
	case 3:
		return r.polygon(dims)
	case 6:
		n, err := r.count(9)
		if err != nil {
			return err
		}
		for range n {
			typ, dims, err := r.header()
			if err != nil {
				return err
			}
			if typ != 3 {
				return fmt.Errorf("wkb: a multipolygon holds a geometry of type %d", typ)
			}
			if err := r.polygon(dims); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("wkb: geometry type %d is not a (multi)polygon", typ)
}

var errWKBShort = errors.New("wkb: counts exceed the input")

// wkbWalker reads the structure of WKB without decoding coordinates.
type wkbWalker struct {
	b     []byte
	off   int
	order binary.ByteOrder
}

// header reads a byte order and a geometry type (EWKB flags and ISO codes
// for Z and M; an EWKB SRID is skipped) and returns the type and the
// coordinates per point.
func (r *wkbWalker) header() (typ uint32, dims int, err error) {
	if len(r.b)-r.off < 5 {
		return 0, 0, errWKBShort
	}
	switch r.b[r.off] {
	case 0:
		r.order = binary.BigEndian
	case 1:
		r.order = binary.LittleEndian
	default:
		return 0, 0, fmt.Errorf("wkb: byte order %d", r.b[r.off])
	}
	t := r.order.Uint32(r.b[r.off+1:])
	r.off += 5
	dims = 2
	if t&0x80000000 != 0 {
		dims++
	}
	if t&0x40000000 != 0 {
		dims++
	}
	if t&0x20000000 != 0 {
		if len(r.b)-r.off < 4 {
			return 0, 0, errWKBShort
		}
		r.off += 4
	}
	t &= 0x0fffffff
	switch {
	case t >= 3000:
		dims, t = 4, t-3000
	case t >= 1000:
		dims, t = 3, t%1000
	}
	return t, dims, nil
}

// count reads a count of elements of at least size bytes each.
func (r *wkbWalker) count(size int) (int, error) {
	if len(r.b)-r.off < 4 {
		return 0, errWKBShort
	}
	n := int(r.order.Uint32(r.b[r.off:]))
	r.off += 4
	if n > (len(r.b)-r.off)/size {
		return 0, errWKBShort
	}
	return n, nil
}

func (r *wkbWalker) polygon(dims int) error {
	rings, err := r.count(4)
	if err != nil {
		return err
	}
	for range rings {
		pts, err := r.count(8 * dims)
		if err != nil {
			return err
		}
		r.off += pts * 8 * dims
	}
	return nil
}

package topology

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// simplefeatures (github.com/peterstace/simplefeatures, pure Go) is the
// reference the overlay is compared with on inputs it handles; these are
// the conversions and guarded calls the tests use.

// toSF converts mp to a simplefeatures geometry with the same coordinates.
func toSF(mp orb.MultiPolygon) geom.Geometry {
	ps := make([]geom.Polygon, 0, len(mp))
	for _, p := range mp {
		rs := make([]geom.LineString, 0, len(p))
		for _, r := range p {
			fl := make([]float64, 0, 2*len(r))
			for _, q := range r {
				fl = append(fl, q[0], q[1])
			}
			rs = append(rs, geom.NewLineString(geom.NewSequence(fl, geom.DimXY)))
		}
		ps = append(ps, geom.NewPolygon(rs))
	}
	return geom.NewMultiPolygon(ps).AsGeometry()
}

// fromSF returns the polygons of g (a Polygon, MultiPolygon or a collection
// holding some; lines and points are dropped), shells counter-clockwise and
// holes clockwise.
func fromSF(g geom.Geometry) orb.MultiPolygon {
	var out orb.MultiPolygon
	var walk func(g geom.Geometry)
	walk = func(g geom.Geometry) {
		switch g.Type() {
		case geom.TypePolygon:
			out = appendSFPolygon(out, g.MustAsPolygon())
		case geom.TypeMultiPolygon:
			m := g.MustAsMultiPolygon()
			for i := range m.NumPolygons() {
				out = appendSFPolygon(out, m.PolygonN(i))
			}
		case geom.TypeGeometryCollection:
			c := g.MustAsGeometryCollection()
			for i := range c.NumGeometries() {
				walk(c.GeometryN(i))
			}
		}
	}
	walk(g)
	return out
}

func appendSFPolygon(out orb.MultiPolygon, p geom.Polygon) orb.MultiPolygon {
	if p.IsEmpty() {
		return out
	}
	var pg orb.Polygon
	for i, ls := range p.ForceCCW().DumpRings() {
		seq := ls.Coordinates()
		r := make(orb.Ring, seq.Length())
		for k := range r {
			c := seq.GetXY(k)
			r[k] = orb.Point{c.X, c.Y}
		}
		if len(r) < 4 {
			if i == 0 {
				return out
			}
			continue
		}
		pg = append(pg, r)
	}
	return append(out, pg)
}

// errOverlay marks a failure of simplefeatures' overlay on some input.
var errOverlay = errors.New("polygon overlay failed")

// sfOp runs one simplefeatures overlay, turning a panic into an error.
func sfOp(op func() (geom.Geometry, error)) (g geom.Geometry, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errOverlay, r)
		}
	}()
	g, err = op()
	if err != nil {
		err = fmt.Errorf("%w: %v", errOverlay, err)
	}
	return g, err
}

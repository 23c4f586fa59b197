package main

import (
	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"
)

// toSF converts m to a simplefeatures geometry with exactly the float64
// coordinates the output will have.
func toSF(m mpoly) geom.Geometry {
	ps := make([]geom.Polygon, 0, len(m))
	for _, p := range m {
		rs := make([]geom.LineString, 0, len(p))
		for _, r := range p {
			fl := make([]float64, 0, 2*len(r)+2)
			for _, q := range r {
				d := q.deg()
				fl = append(fl, d[0], d[1])
			}
			d := r[0].deg()
			fl = append(fl, d[0], d[1])
			rs = append(rs, geom.NewLineString(geom.NewSequence(fl, geom.DimXY)))
		}
		ps = append(ps, geom.NewPolygon(rs))
	}
	return geom.NewMultiPolygon(ps).AsGeometry()
}

// fromSF returns the polygons of g (a Polygon, MultiPolygon or a collection
// holding some) with every vertex rounded to the lattice, shells
// counter-clockwise and holes clockwise; rings that collapse are dropped.
func fromSF(g geom.Geometry) []poly {
	var out []poly
	addPolygon := func(p geom.Polygon) {
		var pg poly
		for i, ls := range p.DumpRings() {
			seq := ls.Coordinates()
			var r ring
			for k := range seq.Length() - 1 { // the last repeats the first
				c := seq.GetXY(k)
				r = append(r, toLattice(orb.Point{c.X, c.Y}))
			}
			r = r.clean()
			if r == nil {
				if i == 0 {
					return
				}
				continue
			}
			pg = append(pg, r)
		}
		if len(pg) > 0 {
			out = append(out, orient(pg))
		}
	}
	var walk func(g geom.Geometry)
	walk = func(g geom.Geometry) {
		switch g.Type() {
		case geom.TypePolygon:
			p, _ := g.AsPolygon()
			addPolygon(p)
		case geom.TypeMultiPolygon:
			m, _ := g.AsMultiPolygon()
			for i := range m.NumPolygons() {
				addPolygon(m.PolygonN(i))
			}
		case geom.TypeGeometryCollection:
			c, _ := g.AsGeometryCollection()
			for i := range c.NumGeometries() {
				walk(c.GeometryN(i))
			}
		}
	}
	walk(g)
	return out
}

// convexToSF converts a convex polygon of the local plane to degrees.
func convexToSF(c []xy, f frame) geom.Geometry {
	fl := make([]float64, 0, 2*len(c)+2)
	for _, q := range append(c, c[0]) {
		p := f.inv(q)
		fl = append(fl, p[0], p[1])
	}
	return geom.NewPolygon([]geom.LineString{geom.NewLineString(geom.NewSequence(fl, geom.DimXY))}).AsGeometry()
}

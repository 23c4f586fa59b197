package demo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/peterstace/simplefeatures/geom"

	"github.com/wangge/wangge/geo"
)

// edge is a directed edge with exact float64 endpoints.
type edge [2]orb.Point

// TestSharedEdgesExact checks, bit for bit, that the children of every
// parent tile it: each directed edge of the parent is an edge of exactly one
// child, and every other edge of a child is the reverse of an edge of a
// sibling. With valid rings (TestValid) this means the children cover the
// parent, do not overlap, and neighbours have identical vertices along their
// common boundary.
func TestSharedEdgesExact(t *testing.T) {
	ix := index(t)
	for i := range int32(ix.Len()) {
		kids := ix.Children(i)
		if len(kids) == 0 {
			continue
		}
		parent := ix.Grid(i)
		owner := map[edge]int32{}
		for _, k := range kids {
			for e := range edges(ix.Grid(k).Geometry) {
				if o, dup := owner[e]; dup {
					t.Fatalf("%s: edge %v in both %s and %s in the same direction", parent.Code, e, ix.Grid(o).Code, ix.Grid(k).Code)
				}
				owner[e] = k
			}
		}
		onParent := map[edge]bool{}
		for e := range edges(parent.Geometry) {
			if _, ok := owner[e]; !ok {
				t.Fatalf("%s: its edge %v is not an edge of any child", parent.Code, e)
			}
			onParent[e] = true
		}
		for e, k := range owner {
			if onParent[e] {
				continue
			}
			o, ok := owner[edge{e[1], e[0]}]
			switch {
			case !ok:
				t.Fatalf("%s: edge %v of child %s is neither on the parent's boundary nor shared with a sibling", parent.Code, e, ix.Grid(k).Code)
			case o == k:
				t.Fatalf("%s: edge %v runs both ways inside child %s", parent.Code, e, ix.Grid(k).Code)
			}
		}
	}
}

func edges(mp orb.MultiPolygon) func(func(edge) bool) {
	return func(yield func(edge) bool) {
		for _, pg := range mp {
			for _, r := range pg {
				for k := 0; k+1 < len(r); k++ {
					if !yield(edge{r[k], r[k+1]}) {
						return
					}
				}
			}
		}
	}
}

// TestAreasAddUp checks that the children's areas add up to the parent's
// within 1e-9, relative.
func TestAreasAddUp(t *testing.T) {
	ix := index(t)
	origin := ix.Grid(0).Geometry[0][0][0]
	for i := range int32(ix.Len()) {
		kids := ix.Children(i)
		if len(kids) == 0 {
			continue
		}
		want := area(ix.Grid(i).Geometry, origin)
		var got float64
		for _, k := range kids {
			a := area(ix.Grid(k).Geometry, origin)
			if a <= 0 {
				t.Errorf("%s: area %g", ix.Grid(k).Code, a)
			}
			got += a
		}
		if math.Abs(got-want) > 1e-9*want {
			t.Errorf("%s: children's areas sum to %.15g, parent's area is %.15g (relative difference %.3g)", ix.Grid(i).Code, got, want, (got-want)/want)
		}
	}
}

// area is the shoelace area in square degrees, computed relative to a common
// origin so that shared edges cancel to rounding error.
func area(mp orb.MultiPolygon, o orb.Point) float64 {
	var s float64
	for _, pg := range mp {
		for _, r := range pg {
			for k := 0; k+1 < len(r); k++ {
				ax, ay := r[k][0]-o[0], r[k][1]-o[1]
				bx, by := r[k+1][0]-o[0], r[k+1][1]-o[1]
				s += ax*by - bx*ay
			}
		}
	}
	return s / 2
}

func toSF(t *testing.T, mp orb.MultiPolygon) geom.Geometry {
	t.Helper()
	ps := make([]geom.Polygon, 0, len(mp))
	for _, pg := range mp {
		rs := make([]geom.LineString, 0, len(pg))
		for _, r := range pg {
			fl := make([]float64, 0, 2*len(r))
			for _, p := range r {
				fl = append(fl, p[0], p[1])
			}
			rs = append(rs, geom.NewLineString(geom.NewSequence(fl, geom.DimXY)))
		}
		ps = append(ps, geom.NewPolygon(rs))
	}
	return geom.NewMultiPolygon(ps).AsGeometry()
}

// TestValid checks every feature with simplefeatures' OGC validation.
func TestValid(t *testing.T) {
	ix := index(t)
	for i := range int32(ix.Len()) {
		g := ix.Grid(i)
		if err := toSF(t, g.Geometry).Validate(); err != nil {
			t.Errorf("%s %s: %v", g.Level, g.Code, err)
		}
	}
}

// TestSiblingsOverlay checks with simplefeatures' overlay that siblings do
// not overlap and that the union of the children is the parent.
func TestSiblingsOverlay(t *testing.T) {
	if testing.Short() {
		t.Skip("overlay of every sibling pair: skipped in -short mode")
	}
	ix := index(t)
	for i := range int32(ix.Len()) {
		kids := ix.Children(i)
		if len(kids) == 0 {
			continue
		}
		parent := toSF(t, ix.Grid(i).Geometry)
		pa := parent.Area()
		gs := make([]geom.Geometry, len(kids))
		for k, c := range kids {
			gs[k] = toSF(t, ix.Grid(c).Geometry)
		}
		for a := range gs {
			for b := a + 1; b < len(gs); b++ {
				if !gs[a].Envelope().Intersects(gs[b].Envelope()) {
					continue
				}
				x, err := geom.Intersection(gs[a], gs[b])
				if err != nil {
					t.Fatalf("Intersection(%s, %s): %v", ix.Grid(kids[a]).Code, ix.Grid(kids[b]).Code, err)
				}
				if ar := x.Area(); ar > 1e-12*pa {
					t.Errorf("%s and %s overlap by %g square degrees", ix.Grid(kids[a]).Code, ix.Grid(kids[b]).Code, ar)
				}
			}
		}
		u, err := geom.UnionMany(gs)
		if err != nil {
			t.Fatalf("UnionMany(children of %s): %v", ix.Grid(i).Code, err)
		}
		d, err := geom.SymmetricDifference(u, parent)
		if err != nil {
			t.Fatalf("SymmetricDifference(%s): %v", ix.Grid(i).Code, err)
		}
		if ar := d.Area(); ar > 1e-9*pa {
			t.Errorf("%s: union of the children differs from the parent by %g square degrees (%.3g relative)", ix.Grid(i).Code, ar, ar/pa)
		}
	}
}

// TestChildVerticesInParent checks with the exact point test that every
// vertex of every child is covered by its parent.
func TestChildVerticesInParent(t *testing.T) {
	ix := index(t)
	for i := range int32(ix.Len()) {
		p := ix.Parent(i)
		if p < 0 {
			continue
		}
		for _, pg := range ix.Grid(i).Geometry {
			for _, r := range pg {
				for _, v := range r {
					if pos := ix.Position(p, v); pos == geo.Exterior {
						t.Fatalf("vertex %v of %s is outside its parent %s", v, ix.Grid(i).Code, ix.Grid(p).Code)
					}
				}
			}
		}
	}
}

// TestLabelPointsLocate checks that a point inside each grid, found two
// ways, locates to that grid: the index's label point and an approximate
// pole of inaccessibility (the interior point of a 24×24 lattice farthest
// from the boundary).
func TestLabelPointsLocate(t *testing.T) {
	ix := index(t)
	for i := range int32(ix.Len()) {
		g := ix.Grid(i)
		if g.Level != "grid" {
			continue
		}
		for name, p := range map[string]orb.Point{"LabelPoint": ix.LabelPoint(i), "pole": pole(ix, i)} {
			res, err := ix.Locate(p, geo.LocateOptions{})
			if err != nil {
				t.Fatalf("Locate(%v): %v", p, err)
			}
			if res.Match != geo.MatchInside || res.Owner != i {
				got := "none"
				if res.Owner >= 0 {
					got = ix.Grid(res.Owner).Code
				}
				t.Errorf("Locate(%s of %s = %v) = %s (%s), want %s inside", name, g.Code, p, got, res.Match, g.Code)
			}
		}
	}
}

func pole(ix *geo.Index, i int32) orb.Point {
	b := ix.Bound(i)
	const n = 24
	best, bestD := orb.Point{}, -1.0
	for a := range n {
		for c := range n {
			p := orb.Point{
				b.Min[0] + (b.Max[0]-b.Min[0])*(float64(a)+0.5)/n,
				b.Min[1] + (b.Max[1]-b.Min[1])*(float64(c)+0.5)/n,
			}
			if ix.Position(i, p) != geo.Interior {
				continue
			}
			if d := boundaryDist(ix.Grid(i).Geometry, p); d > bestD {
				best, bestD = p, d
			}
		}
	}
	return best
}

func boundaryDist(mp orb.MultiPolygon, p orb.Point) float64 {
	best := math.Inf(1)
	for e := range edges(mp) {
		a, b := e[0], e[1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / (dx*dx + dy*dy)
		t = max(0, min(1, t))
		best = min(best, math.Hypot(a[0]+t*dx-p[0], a[1]+t*dy-p[1]))
	}
	return best
}

package geo

import (
	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// manyHoles is the hole count above which a polygon indexes its holes' bounding
// boxes in an R-tree instead of scanning them.
const manyHoles = 16

// polygon is a Polygon prepared for point tests.
type polygon struct {
	shell ring
	holes []ring
	hidx  *rtree.RTreeG[int32] // over holes' bounding boxes; nil when few
}

// shape is a MultiPolygon prepared for point tests.
type shape struct {
	bound orb.Bound
	parts []polygon
}

func prepareShape(mp orb.MultiPolygon) shape {
	return prepareShapeInto(mp, make([]polygon, len(mp)))
}

// prepareShapeInto prepares mp's parts in parts (len(mp) of them).
func prepareShapeInto(mp orb.MultiPolygon, parts []polygon) shape {
	s := shape{parts: parts, bound: mp.Bound()}
	for i, pg := range mp {
		p := polygon{shell: prepareRing(pg[0])}
		if len(pg) > 1 {
			p.holes = make([]ring, len(pg)-1)
			for j, h := range pg[1:] {
				p.holes[j] = prepareRing(h)
			}
		}
		if len(p.holes) > manyHoles {
			p.hidx = new(rtree.RTreeG[int32])
			for j := range p.holes {
				b := p.holes[j].bound
				p.hidx.Insert(b.Min, b.Max, int32(j))
			}
		}
		s.parts[i] = p
	}
	return s
}

// locate tells where p lies: Interior or Boundary when a part covers it (see
// polygon.locate), the better of the parts' answers; else Exterior.
func (s *shape) locate(p orb.Point) Position {
	if !boundCovers(s.bound, p) {
		return Exterior
	}
	best := Exterior
	for i := range s.parts {
		if pos := s.parts[i].locate(p); pos > best {
			best = pos
			if best == Interior {
				break
			}
		}
	}
	return best
}

// locate: Exterior when p is outside the shell or strictly inside a hole;
// Boundary when p is on the shell or on a hole's edge (and in no hole);
// Interior otherwise.
func (pg *polygon) locate(p orb.Point) Position {
	pos := pg.shell.locate(p)
	if pos == Exterior || len(pg.holes) == 0 {
		return pos
	}
	if pg.hidx == nil {
		for j := range pg.holes {
			switch pg.holes[j].locate(p) {
			case Interior:
				return Exterior
			case Boundary:
				pos = Boundary
			}
		}
		return pos
	}
	pg.hidx.Search(p, p, func(_, _ [2]float64, j int32) bool {
		switch pg.holes[j].locate(p) {
		case Interior:
			pos = Exterior
			return false
		case Boundary:
			pos = Boundary
		}
		return true
	})
	return pos
}

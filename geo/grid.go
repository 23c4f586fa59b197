package geo

import (
	"github.com/paulmach/orb"
)

// Grid is one governed area: a district, street, community, grid or
// micro-grid. Geometry is WGS-84 lon/lat; after Set.Validate it is closed,
// free of NaN/Inf and repeated consecutive points, with shells counter-
// clockwise and holes clockwise (RFC 7946).
type Grid struct {
	Code     string           // unique within a set, e.g. "410103001001001"
	Name     string           // display name, e.g. "西福民社区"
	Level    string           // one of the set's level names
	Parent   string           // parent code; empty for a root
	Geometry orb.MultiPolygon // a Polygon is stored as a one-part MultiPolygon
	Attrs    map[string]any   // free attributes: leader, phone, members, households, ...
}

// DefaultLevels is the default level vocabulary, coarsest first:
// 区/街道/社区/网格/微网格.
var DefaultLevels = Levels{"district", "street", "community", "grid", "microgrid"}

// Levels is an ordered level vocabulary, coarsest first. The rank of a level is
// its position: 0 is the coarsest.
type Levels []string

// Rank returns the position of name in l, or -1 when l does not hold it.
func (l Levels) Rank(name string) int {
	for i, n := range l {
		if n == name {
			return i
		}
	}
	return -1
}

// Set is one boundary version of one layer: every grid of it, with the level
// vocabulary they use.
type Set struct {
	Layer   string // "main" unless told otherwise
	Version int64  // assigned by the store; 0 before it is saved
	Levels  Levels // coarsest first
	Grids   []Grid
}

// DefaultLayer is the layer lookups use unless told otherwise.
const DefaultLayer = "main"

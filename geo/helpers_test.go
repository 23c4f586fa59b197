package geo

import (
	"flag"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// seedFlag fixes the seed of the randomised tests: go test -run X -seed N.
var seedFlag = flag.Uint64("seed", 0, "seed for the randomised tests (0: from the clock)")

// testRand returns a generator and logs its seed, so a failure can be replayed
// with -seed.
func testRand(t testing.TB) (*rand.Rand, uint64) {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -seed %d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed
}

// mustWKT parses a POLYGON or MULTIPOLYGON into a MultiPolygon.
func mustWKT(t testing.TB, s string) orb.MultiPolygon {
	t.Helper()
	g, err := wkt.Unmarshal(s)
	if err != nil {
		t.Fatalf("wkt %q: %v", s, err)
	}
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	t.Fatalf("wkt %q: %T is not a polygon", s, g)
	return nil
}

// row is one grid of a fixture, its geometry as WKT.
type row struct {
	code, level, parent, wkt string
}

// buildSet validates the rows as a Set (failing the test on an error) and
// indexes it.
func buildSet(t testing.TB, rows []row) *Index {
	t.Helper()
	s := &Set{Layer: DefaultLayer, Levels: DefaultLevels}
	for _, r := range rows {
		s.Grids = append(s.Grids, Grid{Code: r.code, Name: r.code, Level: r.level, Parent: r.parent, Geometry: mustWKT(t, r.wkt)})
	}
	if _, err := s.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatalf("NewIndex: %v", err)
	}
	return ix
}

// codes turns index positions into codes.
func codes(ix *Index, is []int32) []string {
	var out []string
	for _, i := range is {
		out = append(out, ix.Grid(i).Code)
	}
	return out
}

// ownerCode is the owner's code, "" for none.
func ownerCode(ix *Index, r Result) string {
	if r.Owner < 0 {
		return ""
	}
	return ix.Grid(r.Owner).Code
}

// The reference below decides point-in-ring by another route than ring.locate
// (a ray to the east and where each edge crosses it, in exact integer
// arithmetic; no float filter, no index) so the two can be compared.

// fix returns v·2¹¹²⁷ as an exact integer: every float64 is a multiple of
// 2⁻¹⁰⁷⁴ and its 53-bit significand needs 53 more bits of scale.
func fix(v float64) *big.Int {
	if v == 0 {
		return new(big.Int)
	}
	frac, exp := math.Frexp(v) // v = frac·2^exp, 0.5 ≤ |frac| < 1
	m := big.NewInt(int64(frac * (1 << 53)))
	return m.Lsh(m, uint(exp+1074))
}

func sub(a, b float64) *big.Int { return new(big.Int).Sub(fix(a), fix(b)) }

// crossSign is the exact sign of (b−a)×(c−a).
func crossSign(a, b, c orb.Point) int {
	l := new(big.Int).Mul(sub(b[0], a[0]), sub(c[1], a[1]))
	r := new(big.Int).Mul(sub(b[1], a[1]), sub(c[0], a[0]))
	return l.Cmp(r)
}

// refOnSegment: p on the closed segment a–b, exactly.
func refOnSegment(p, a, b orb.Point) bool {
	return p[0] >= min(a[0], b[0]) && p[0] <= max(a[0], b[0]) &&
		p[1] >= min(a[1], b[1]) && p[1] <= max(a[1], b[1]) &&
		crossSign(a, b, p) == 0
}

// refRing is the naive exact point-in-ring test: Boundary when p is on an
// edge, else the non-zero winding rule counted along the ray to the east.
func refRing(r orb.Ring, p orb.Point) Position {
	wn := 0
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if p[1] < min(a[1], b[1]) || p[1] > max(a[1], b[1]) {
			continue
		}
		if refOnSegment(p, a, b) {
			return Boundary
		}
		// Half-open in y so a vertex on the ray counts once.
		if a[1] == b[1] || p[1] == max(a[1], b[1]) || p[0] > max(a[0], b[0]) {
			continue
		}
		up := 1
		if b[1] < a[1] {
			up = -1
		}
		if p[0] < min(a[0], b[0]) { // the crossing is east of p whatever its x
			wn += up
			continue
		}
		// The edge crosses y = p.y at x = a.x + num/den with
		// num = (p.y−a.y)(b.x−a.x), den = b.y−a.y; it is east of p when
		// num/den > p.x−a.x, i.e. num·sign(den) > (p.x−a.x)·|den|.
		num := new(big.Int).Mul(sub(p[1], a[1]), sub(b[0], a[0]))
		den := sub(b[1], a[1])
		if den.Sign() < 0 {
			num.Neg(num)
			den.Neg(den)
		}
		if num.Cmp(new(big.Int).Mul(sub(p[0], a[0]), den)) > 0 {
			wn += up
		}
	}
	if wn != 0 {
		return Interior
	}
	return Exterior
}

// refPolygon: the shell covers p and no hole has it strictly inside.
func refPolygon(pg orb.Polygon, p orb.Point) Position {
	pos := refRing(pg[0], p)
	if pos == Exterior {
		return pos
	}
	for _, h := range pg[1:] {
		switch refRing(h, p) {
		case Interior:
			return Exterior
		case Boundary:
			pos = Boundary
		}
	}
	return pos
}

// refShape: the best answer of the parts.
func refShape(mp orb.MultiPolygon, p orb.Point) Position {
	best := Exterior
	for _, pg := range mp {
		best = max(best, refPolygon(pg, p))
	}
	return best
}

// refLocate applies the ownership rule of doc.go by brute force over every
// grid: finest level, then interior before boundary, then lowest code. It
// returns the owner's code ("" when nothing covers p), its position and the
// codes of the others at the owner's level, in ownership order.
func refLocate(s *Set, p orb.Point) (string, Position, []string) {
	type cover struct {
		code string
		rank int
		pos  Position
	}
	var cs []cover
	for _, g := range s.Grids {
		if pos := refShape(g.Geometry, p); pos != Exterior {
			cs = append(cs, cover{g.Code, s.Levels.Rank(g.Level), pos})
		}
	}
	if len(cs) == 0 {
		return "", Exterior, nil
	}
	slices.SortFunc(cs, func(a, b cover) int {
		switch {
		case a.rank != b.rank:
			return b.rank - a.rank
		case a.pos != b.pos:
			return int(b.pos) - int(a.pos)
		case a.code < b.code:
			return -1
		case a.code > b.code:
			return 1
		}
		return 0
	})
	var others []string
	for _, c := range cs[1:] {
		if c.rank == cs[0].rank {
			others = append(others, c.code)
		}
	}
	return cs[0].code, cs[0].pos, others
}

// haversineM is the great-circle distance on the mean-radius sphere, metres:
// an independent check of the ellipsoidal distances in nearest.go (the two
// differ by well under 0.5% at mid latitudes).
func haversineM(p, q orb.Point) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dLat := (q[1] - p[1]) * rad
	dLon := (q[0] - p[0]) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(p[1]*rad)*math.Cos(q[1]*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

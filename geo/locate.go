package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Match says how a point relates to its owner.
type Match string

const (
	MatchInside   Match = "inside"   // strictly inside the owner
	MatchBoundary Match = "boundary" // exactly on the owner's boundary
	MatchNearest  Match = "nearest"  // outside every grid, within NearestM of the owner
	MatchNone     Match = "none"     // outside every grid and not near one
)

// DefaultNearestM is the default reach of the nearest-grid fallback, metres.
const DefaultNearestM = 50

// MaxNearestM caps NearestM: the distance is computed in a local plane around
// the point, accurate to 0.1% up to this distance, metres.
const MaxNearestM = 10000

// LocateOptions tune Locate.
type LocateOptions struct {
	// Level asks for the owner at this level instead of the finest one; ""
	// means the finest grid covering the point.
	Level string
	// NearestM: a point outside every grid is given the nearest grid whose
	// boundary lies within this many metres (match "nearest"); 0 turns the
	// fallback off. At most MaxNearestM.
	NearestM float64
}

// Result is the answer of Locate. Owner is a position in the index (see
// Index.Grid and Index.Path), -1 when Match is MatchNone.
type Result struct {
	Match     Match
	Owner     int32
	DistanceM float64 // 0 unless Match is MatchNearest
	// Others are the other grids at the owner's level that cover the point:
	// neighbours sharing the boundary the point is on, or overlapping grids.
	// Sorted by the ownership order (see the package doc).
	Others []int32
}

type candidate struct {
	i   int32
	pos Position
}

// Locate finds the grid that owns p (WGS-84 lon/lat) under the ownership rule
// in the package doc. It returns ErrInvalidPoint for NaN, infinite or
// out-of-range coordinates and ErrUnknownLevel for a level the set does not
// have. It reads the index only.
func (ix *Index) Locate(p orb.Point, opts LocateOptions) (Result, error) {
	if err := checkPoint(p); err != nil {
		return Result{}, err
	}
	level := -1
	if opts.Level != "" {
		if level = ix.set.Levels.Rank(opts.Level); level < 0 {
			return Result{}, fmt.Errorf("%w %q", ErrUnknownLevel, opts.Level)
		}
	}
	if opts.NearestM < 0 || opts.NearestM > MaxNearestM || math.IsNaN(opts.NearestM) {
		return Result{}, fmt.Errorf("nearest_m must be within [0,%d]", MaxNearestM)
	}
	var buf [16]candidate
	cands := ix.covering(p, buf[:0])
	owner := ix.pickOwner(cands, level)
	if owner < 0 {
		return ix.nearest(p, level, opts.NearestM), nil
	}
	res := Result{Match: MatchInside, Owner: cands[owner].i}
	if cands[owner].pos == Boundary {
		res.Match = MatchBoundary
	}
	rank := ix.nodes[res.Owner].rank
	for k, c := range cands {
		if k != owner && ix.nodes[c.i].rank == rank {
			res.Others = append(res.Others, c.i)
		}
	}
	if len(res.Others) > 1 {
		ix.sortOthers(res.Others, cands)
	}
	return res, nil
}

// covering appends to cands the grids covering p, each with the best
// position of its parts, from the records of p's leaf cell.
func (ix *Index) covering(p orb.Point, cands []candidate) []candidate {
	var recs []uint32
	var one [3]uint32
	switch w, ch := ix.cells.leaf(p); {
	case w == 0:
		return cands
	case w&cellInline != 0:
		one[0] = uint32(w)
		recs = one[:1]
		if one[0]&3 == recRings { // one ring to test
			one[1], one[2] = 1, uint32(w>>32)&inlineRing
			recs = one[:3]
		}
	default:
		recs = ch.records(w)
	}
	for k := 0; k < len(recs); {
		w := recs[k]
		k++
		pos := Interior
		switch w & 3 {
		case recShell:
			pos = ix.polys[w>>2].shell.locate(p)
		case recRings:
			n := int(recs[k])
			pos = ix.polys[w>>2].locateRings(p, recs[k+1:k+1+n])
			k += 1 + n
		}
		if pos == Exterior {
			continue
		}
		// A grid's parts are consecutive polygons, so its records are
		// consecutive too.
		g := ix.polyGrid[w>>2]
		if n := len(cands); n > 0 && cands[n-1].i == g {
			cands[n-1].pos = max(cands[n-1].pos, pos)
			continue
		}
		cands = append(cands, candidate{g, pos})
	}
	return cands
}

// pickOwner returns the position in cands of the owner: at level when level ≥
// 0 (preferring the finest owner's ancestor at that level), else the finest.
// -1 when no candidate qualifies.
func (ix *Index) pickOwner(cands []candidate, level int) int {
	best := -1
	for k := range cands {
		if best < 0 || ix.before(cands[k], cands[best]) {
			best = k
		}
	}
	if best < 0 || level < 0 {
		return best
	}
	if int(ix.nodes[cands[best].i].rank) == level {
		return best
	}
	for _, a := range ix.Path(cands[best].i) {
		if int(ix.nodes[a].rank) == level {
			for k, c := range cands {
				if c.i == a {
					return k
				}
			}
		}
	}
	best = -1
	for k, c := range cands {
		if int(ix.nodes[c.i].rank) == level && (best < 0 || ix.before(c, cands[best])) {
			best = k
		}
	}
	return best
}

// before is the ownership order: finer level first, then interior before
// boundary, then lower code.
func (ix *Index) before(a, b candidate) bool {
	ra, rb := ix.nodes[a.i].rank, ix.nodes[b.i].rank
	if ra != rb {
		return ra > rb
	}
	if a.pos != b.pos {
		return a.pos > b.pos
	}
	return ix.set.Grids[a.i].Code < ix.set.Grids[b.i].Code
}

func (ix *Index) sortOthers(others []int32, cands []candidate) {
	pos := func(i int32) Position {
		for _, c := range cands {
			if c.i == i {
				return c.pos
			}
		}
		return Exterior
	}
	for a := 1; a < len(others); a++ { // insertion sort: a handful at most
		for b := a; b > 0 && ix.before(candidate{others[b], pos(others[b])}, candidate{others[b-1], pos(others[b-1])}); b-- {
			others[b], others[b-1] = others[b-1], others[b]
		}
	}
}

package geo

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// fuzzReader hands out the fuzzer's bytes; zeros once they run out.
type fuzzReader []byte

func (r *fuzzReader) byte() byte {
	if len(*r) == 0 {
		return 0
	}
	b := (*r)[0]
	*r = (*r)[1:]
	return b
}

// lattice maps a byte to a coordinate on a 1/64° lattice round base, so that
// vertices, edges and points often coincide exactly.
func (r *fuzzReader) lattice(base float64) float64 {
	return base + float64(int8(r.byte()))/64
}

func (r *fuzzReader) float() float64 {
	var b [8]byte
	for i := range b {
		b[i] = r.byte()
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
}

func (r *fuzzReader) ring(n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for range n {
		ring = append(ring, orb.Point{r.lattice(113), r.lattice(34)})
	}
	return append(ring, ring[0])
}

// FuzzLocate builds a small set of random (often self-crossing, overlapping
// or degenerate) polygons on a lattice from the fuzzer's bytes, then checks
// Locate against the exact brute-force reference on points that hit
// vertices, edges and their neighbourhoods, and that invalid points are
// refused rather than answered or panicked on.
func FuzzLocate(f *testing.F) {
	f.Add([]byte{0, 1, 1, 0, 0, 64, 0, 64, 64, 0, 64, 0, 0, 32, 32, 0, 0, 0, 1, 2})
	f.Add([]byte{3, 1, 0, 0, 0, 40, 0, 40, 40, 1, 1, 1, 20, 0, 60, 0, 60, 40, 20, 40, 0, 0, 20, 20, 1, 5, 2, 20, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf8, 0x7f})
	f.Add([]byte{1, 0, 37, 0, 5, 9, 200, 17, 60, 99, 3, 250, 128, 127, 0, 44, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := fuzzReader(data)
		s := &Set{Levels: DefaultLevels}
		for i := range 1 + int(r.byte()%4) {
			g := Grid{Code: string(rune('a' + i)), Level: []string{"community", "grid"}[r.byte()%2]}
			pg := orb.Polygon{r.ring(3 + int(r.byte()%40))}
			if r.byte()%4 == 0 {
				pg = append(pg, r.ring(3+int(r.byte()%6)))
			}
			g.Geometry = orb.MultiPolygon{pg}
			if r.byte()%4 == 0 {
				g.Geometry = append(g.Geometry, orb.Polygon{r.ring(3 + int(r.byte()%6))})
			}
			s.Grids = append(s.Grids, g)
		}
		if _, err := s.Validate(); err != nil {
			if !errors.Is(err, ErrInvalidGrid) {
				t.Fatalf("Validate: %v is not an ErrInvalidGrid", err)
			}
			return // degenerate input, refused: fine
		}
		ix, err := NewIndex(s)
		if err != nil {
			t.Fatalf("NewIndex of a validated set: %v", err)
		}
		checkLabels(t, ix)
		for range 1 + int(r.byte()%16) {
			var p orb.Point
			switch r.byte() % 5 {
			case 0, 1:
				p = orb.Point{r.lattice(113), r.lattice(34)}
			case 2: // the midpoint of an edge (exact: the lattice is dyadic)
				g := s.Grids[int(r.byte())%len(s.Grids)].Geometry[0][0]
				e := int(r.byte()) % (len(g) - 1)
				p = orb.Point{(g[e][0] + g[e+1][0]) / 2, (g[e][1] + g[e+1][1]) / 2}
			case 3: // a lattice point nudged by an ulp
				p = orb.Point{r.lattice(113), r.lattice(34)}
				k := int(r.byte() % 2)
				p[k] = math.Nextafter(p[k], math.Inf(int(r.byte()%2)*2-1))
			case 4:
				p = orb.Point{r.float(), r.float()}
			}
			checkFuzzPoint(t, ix, p)
		}
	})
}

// checkLabels: each grid's label point is strictly inside it, or for a grid
// with no interior its first vertex.
func checkLabels(t *testing.T, ix *Index) {
	t.Helper()
	for i := range int32(ix.Len()) {
		g := ix.Grid(i)
		p := ix.LabelPoint(i)
		if pos := refShape(g.Geometry, p); pos != Interior && p != g.Geometry[0][0][0] {
			t.Fatalf("LabelPoint(%q) = %v, %v: neither inside nor the fallback vertex", g.Code, p, pos)
		}
	}
}

func checkFuzzPoint(t *testing.T, ix *Index, p orb.Point) {
	t.Helper()
	res, err := ix.Locate(p, LocateOptions{})
	valid := !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
	if !valid {
		if !errors.Is(err, ErrInvalidPoint) {
			t.Fatalf("Locate(%v) = %+v, %v; want ErrInvalidPoint", p, res, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("Locate(%v): %v", p, err)
	}
	owner, pos, others := refLocate(ix.Set(), p)
	wantMatch := map[Position]Match{Exterior: MatchNone, Boundary: MatchBoundary, Interior: MatchInside}[pos]
	if got := ownerCode(ix, res); got != owner || res.Match != wantMatch {
		t.Fatalf("Locate(%v) = %q %s, reference %q %s", p, got, res.Match, owner, wantMatch)
	}
	if got := codes(ix, res.Others); !slices.Equal(got, others) {
		t.Fatalf("Locate(%v).Others = %q, reference %q", p, got, others)
	}

	// With the fallback on, a covered point keeps its owner and an uncovered
	// one gets none or a grid within reach.
	const reach = 5000
	near, err := ix.Locate(p, LocateOptions{NearestM: reach})
	if err != nil {
		t.Fatalf("Locate(%v, NearestM %d): %v", p, reach, err)
	}
	switch {
	case owner != "":
		if near.Owner != res.Owner || near.Match != res.Match {
			t.Fatalf("Locate(%v, NearestM) = %+v, without it %+v", p, near, res)
		}
	case near.Match == MatchNearest:
		if !(near.DistanceM >= 0 && near.DistanceM <= reach) || near.Owner < 0 {
			t.Fatalf("Locate(%v, NearestM %d) = %+v", p, reach, near)
		}
	case near.Match != MatchNone || near.Owner != -1:
		t.Fatalf("Locate(%v, NearestM %d) = %+v, want nearest or none", p, reach, near)
	}

	// At a level, the owner is at that level and covers p.
	for _, level := range []string{"community", "grid"} {
		lv, err := ix.Locate(p, LocateOptions{Level: level})
		if err != nil {
			t.Fatalf("Locate(%v, %s): %v", p, level, err)
		}
		if lv.Owner >= 0 && (ix.Grid(lv.Owner).Level != level || refShape(ix.Grid(lv.Owner).Geometry, p) == Exterior) {
			t.Fatalf("Locate(%v, %s) = %q, at level %s", p, level, ownerCode(ix, lv), ix.Grid(lv.Owner).Level)
		}
	}
}

// FuzzValidate feeds Validate arbitrary rings (any float64, NaN and Inf
// included, any length, closed or not). It must never panic; what it accepts
// must be closed, finite, in range, free of repeats, shells counter-clockwise
// and holes clockwise (where the area is clear of rounding), and must index
// and answer lookups.
func FuzzValidate(f *testing.F) {
	f.Add([]byte{1, 4, 0, 0, 0, 64, 0, 64, 64, 0, 64})
	f.Add([]byte{2, 5, 1, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f, 3})
	f.Add([]byte{2, 3, 0, 1, 2, 3, 3, 2, 1, 0, 9, 9, 9, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := fuzzReader(data)
		var pg orb.Polygon
		for range 1 + int(r.byte()%3) {
			n := int(r.byte() % 12)
			raw := r.byte()%4 == 0
			var ring orb.Ring
			for range n {
				if raw {
					ring = append(ring, orb.Point{r.float(), r.float()})
				} else {
					ring = append(ring, orb.Point{r.lattice(113), r.lattice(34)})
				}
			}
			if len(ring) > 0 && r.byte()%8 != 0 {
				ring = append(ring, ring[0]) // usually closed
			}
			pg = append(pg, ring)
		}
		s := &Set{Grids: []Grid{{Code: "x", Level: "grid", Geometry: orb.MultiPolygon{pg}}}}
		if _, err := s.Validate(); err != nil {
			var ge *GridError
			if !errors.As(err, &ge) || ge.Index != 0 || ge.Code != "x" {
				t.Fatalf("Validate: %v, want a *GridError for feature 0", err)
			}
			return
		}
		for pi, pg := range s.Grids[0].Geometry {
			for ri, ring := range pg {
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					t.Fatalf("polygon %d ring %d = %v: not a closed ring", pi, ri, ring)
				}
				for k, p := range ring {
					if checkPoint(p) != nil {
						t.Fatalf("polygon %d ring %d position %d = %v accepted", pi, ri, k, p)
					}
					if k > 0 && p == ring[k-1] {
						t.Fatalf("polygon %d ring %d repeats %v", pi, ri, p)
					}
				}
				if a := signedArea(ring); math.Abs(a) > 1e-6 && (a > 0) != (ri == 0) {
					t.Fatalf("polygon %d ring %d has signed area %v", pi, ri, a)
				}
			}
		}
		ix, err := NewIndex(s)
		if err != nil {
			t.Fatalf("NewIndex of a validated set: %v", err)
		}
		checkLabels(t, ix)
		sh := s.Grids[0].Geometry[0][0]
		mid := orb.Point{(sh[0][0] + sh[1][0] + sh[2][0]) / 3, (sh[0][1] + sh[1][1] + sh[2][1]) / 3}
		for _, p := range []orb.Point{{113, 34}, {113.25, 33.75}, sh[0], mid} {
			checkFuzzPoint(t, ix, p)
		}
	})
}

// Package synth generates the synthetic data of wangge's benchmarks (issue
// "Core 2"): a country-sized polygon with a million vertices and a hundred
// thousand holes, lattices of small grids under a few parents, and uniform
// random points. Everything is fixed by a seed, so two runs (or two programs)
// see the same geometry and the same points.
//
// Coordinates are lon/lat degrees, well inside the valid range.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// Rand returns the generator of a seed (PCG, as the geo tests use).
func Rand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Points returns n points uniform over b.
func Points(rng *rand.Rand, b orb.Bound, n int) []orb.Point {
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{
			b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1]),
		}
	}
	return pts
}

// HolesSpec describes the synthetic country polygon.
type HolesSpec struct {
	Center     orb.Point // degrees
	RadiusDeg  float64   // mean radius of the shell
	ShellVerts int       // vertices of the shell
	Holes      int       // at least this many holes
	HoleVerts  int       // vertices of each hole (4: squares, 6: hexagons)
}

// DefaultHoles is the polygon of the issue: a wiggly shell of 500,000
// vertices about 16° across and 100,000+ hexagonal holes, 1.1 M vertices in
// all.
var DefaultHoles = HolesSpec{
	Center:     orb.Point{110, 32},
	RadiusDeg:  8,
	ShellVerts: 500_000,
	Holes:      100_000,
	HoleVerts:  6,
}

// HolesPolygon builds the polygon of spec: a shell that is star-shaped round
// the centre (so simple), its radius modulated by a few slow waves and a
// little noise, counter-clockwise; and small regular holes (clockwise,
// randomly turned, their centres jittered) on a square lattice inside 85% of
// the radius. Holes neither touch each other nor the shell.
func HolesPolygon(rng *rand.Rand, spec HolesSpec) orb.Polygon {
	c, R := spec.Center, spec.RadiusDeg
	shell := make(orb.Ring, 0, spec.ShellVerts+1)
	ph1, ph2 := rng.Float64()*2*math.Pi, rng.Float64()*2*math.Pi
	for k := range spec.ShellVerts {
		a := 2 * math.Pi * float64(k) / float64(spec.ShellVerts)
		r := R * (1 + 0.05*math.Sin(7*a+ph1) + 0.02*math.Sin(53*a+ph2) + 0.002*(rng.Float64()-0.5))
		shell = append(shell, orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)})
	}
	shell = append(shell, shell[0])
	pg := orb.Polygon{shell}

	// Lattice spacing d so that the disc of radius 0.85R holds spec.Holes
	// cells, a little smaller to be sure.
	inner := 0.85 * R * 0.93 // the shell's radius never drops below 0.93R
	d := inner * math.Sqrt(math.Pi/float64(spec.Holes))
	var centres []orb.Point
	for len(centres) < spec.Holes {
		d *= 0.998
		centres = centres[:0]
		side := int(2*inner/d) + 1
		for i := range side {
			for j := range side {
				x := c[0] - inner + (float64(i)+0.5)*d
				y := c[1] - inner + (float64(j)+0.5)*d
				if math.Hypot(x-c[0], y-c[1]) <= inner-d {
					centres = append(centres, orb.Point{x, y})
				}
			}
		}
	}
	for _, h := range centres {
		h[0] += (rng.Float64() - 0.5) * 0.2 * d
		h[1] += (rng.Float64() - 0.5) * 0.2 * d
		pg = append(pg, regularRing(h, 0.3*d, spec.HoleVerts, rng.Float64()*2*math.Pi, true))
	}
	return pg
}

// regularRing is a closed regular n-gon round c, radius r, first vertex at
// angle a0; clockwise when cw.
func regularRing(c orb.Point, r float64, n int, a0 float64, cw bool) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for k := range n {
		a := a0 + 2*math.Pi*float64(k)/float64(n)
		if cw {
			a = -a
		}
		ring = append(ring, orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// Vertices counts the positions of a polygon's rings, closing ones excluded.
func Vertices(pg orb.Polygon) int {
	n := 0
	for _, r := range pg {
		n += len(r) - 1
	}
	return n
}

// LatticeSpec describes a synthetic subdivision: Side×Side grids of
// 4·PerSide vertices each, tiling a square of Side·CellDeg degrees, under
// Parents×Parents streets of one district.
type LatticeSpec struct {
	Origin  orb.Point
	Side    int     // grids per row
	CellDeg float64 // cell size, degrees
	PerSide int     // vertices per side of a grid (5: 20-vertex grids)
	Parents int     // streets per row (Side must be a multiple)
	Jitter  float64 // fraction of a cell by which inner corners move
}

// Lattice returns a LatticeSpec of about n grids of 20 vertices, 100 m
// across, under 4×4 streets, with jittered corners.
func Lattice(n int) LatticeSpec {
	side := int(math.Ceil(math.Sqrt(float64(n))/4)) * 4
	return LatticeSpec{Origin: orb.Point{100, 25}, Side: side, CellDeg: 0.001, PerSide: 5, Parents: 4, Jitter: 0.2}
}

// Levels of a lattice's grids.
var LatticeLevels = geo.Levels{"district", "street", "grid"}

// Grids builds the lattice: one district "D" (a square), Parents² streets
// "S%02d%02d" (squares) and Side² grids "G%05d%05d" whose shared corners are
// jittered (except on the streets' borders, so every grid lies inside its
// street) and whose sides carry PerSide−1 intermediate points shared exactly
// with the neighbour.
func (spec LatticeSpec) Grids(rng *rand.Rand) []geo.Grid {
	n, d := spec.Side, spec.CellDeg
	per := n / spec.Parents
	corner := make([]orb.Point, (n+1)*(n+1)) // corner (i, j) at [i*(n+1)+j]
	for i := 0; i <= n; i++ {
		for j := 0; j <= n; j++ {
			p := orb.Point{spec.Origin[0] + float64(i)*d, spec.Origin[1] + float64(j)*d}
			if i%per != 0 && j%per != 0 {
				p[0] += (rng.Float64() - 0.5) * spec.Jitter * d
				p[1] += (rng.Float64() - 0.5) * spec.Jitter * d
			}
			corner[i*(n+1)+j] = p
		}
	}
	at := func(i, j int) orb.Point { return corner[i*(n+1)+j] }
	// side appends the points of the side from corner a to corner b (a the
	// lower-indexed one), a included and b excluded, or when reverse from b
	// to a, b included. The intermediate points are computed from a in both
	// cases, so the two neighbours sharing the side get the same bits.
	side := func(r orb.Ring, a, b orb.Point, reverse bool) orb.Ring {
		var mid [16]orb.Point
		for k := 1; k < spec.PerSide; k++ {
			t := float64(k) / float64(spec.PerSide)
			mid[k] = orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
		}
		if !reverse {
			r = append(r, a)
			for k := 1; k < spec.PerSide; k++ {
				r = append(r, mid[k])
			}
			return r
		}
		r = append(r, b)
		for k := spec.PerSide - 1; k >= 1; k-- {
			r = append(r, mid[k])
		}
		return r
	}
	grids := make([]geo.Grid, 0, 1+spec.Parents*spec.Parents+n*n)
	o, w := spec.Origin, float64(n)*d
	grids = append(grids, geo.Grid{Code: "D", Name: "合成区", Level: "district",
		Geometry: orb.MultiPolygon{{square(o, w)}}})
	for a := range spec.Parents {
		for b := range spec.Parents {
			so := orb.Point{o[0] + float64(a*per)*d, o[1] + float64(b*per)*d}
			grids = append(grids, geo.Grid{Code: fmt.Sprintf("S%02d%02d", a, b), Name: fmt.Sprintf("街道%d-%d", a, b),
				Level: "street", Parent: "D", Geometry: orb.MultiPolygon{{square(so, float64(per)*d)}}})
		}
	}
	for i := range n {
		for j := range n {
			r := make(orb.Ring, 0, 4*spec.PerSide+1)
			r = side(r, at(i, j), at(i+1, j), false)     // south, eastwards
			r = side(r, at(i+1, j), at(i+1, j+1), false) // east, northwards
			r = side(r, at(i, j+1), at(i+1, j+1), true)  // north, westwards
			r = side(r, at(i, j), at(i, j+1), true)      // west, southwards
			r = append(r, r[0])
			grids = append(grids, geo.Grid{
				Code:     fmt.Sprintf("G%05d%05d", i, j),
				Name:     fmt.Sprintf("第%d-%d网格", i, j),
				Level:    "grid",
				Parent:   fmt.Sprintf("S%02d%02d", i/per, j/per),
				Geometry: orb.MultiPolygon{{r}},
			})
		}
	}
	return grids
}

// Bound is the lattice's extent.
func (spec LatticeSpec) Bound() orb.Bound {
	w := float64(spec.Side) * spec.CellDeg
	return orb.Bound{Min: spec.Origin, Max: orb.Point{spec.Origin[0] + w, spec.Origin[1] + w}}
}

func square(o orb.Point, w float64) orb.Ring {
	return orb.Ring{o, {o[0] + w, o[1]}, {o[0] + w, o[1] + w}, {o[0], o[1] + w}, o}
}

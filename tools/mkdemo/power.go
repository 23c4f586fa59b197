package main

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// The inner boundaries are the cells of a power diagram (a Voronoi diagram
// whose sites carry weights, so that cells stay convex while their sizes can
// be steered) of seeded sites, balanced so that every child gets its share of
// a density: the children of a parent get equal (or prescribed) "mass", and
// since the density is high near the city centre and low in the south-west
// countryside, cells come out small in the north-east and large in the
// south-west, as in a real city.

// xy is a point in a local plane, kilometres east and north of the frame's
// origin.
type xy struct{ X, Y float64 }

// frame is a local equirectangular projection around the district.
type frame struct{ lon0, lat0, kx, ky float64 }

func newFrame(lon0, lat0 float64) frame {
	return frame{lon0, lat0, 111.32 * math.Cos(lat0*math.Pi/180), 110.57}
}

func (f frame) fwd(p orb.Point) xy { return xy{(p[0] - f.lon0) * f.kx, (p[1] - f.lat0) * f.ky} }
func (f frame) inv(q xy) orb.Point { return orb.Point{f.lon0 + q.X/f.kx, f.lat0 + q.Y/f.ky} }

// density is the relative number of households per km² at p.
type density func(p xy) float64

// sampleIn draws n points inside m with probability proportional to dens.
func sampleIn(m mpoly, n int, dens density, f frame, rng *rand.Rand) []xy {
	lo, hi := m.bound()
	a, b := f.fwd(lo.deg()), f.fwd(hi.deg())
	maxD := 0.0
	for range 2000 {
		p := xy{a.X + rng.Float64()*(b.X-a.X), a.Y + rng.Float64()*(b.Y-a.Y)}
		maxD = max(maxD, dens(p))
	}
	maxD *= 1.5
	out := make([]xy, 0, n)
	for len(out) < n {
		p := xy{a.X + rng.Float64()*(b.X-a.X), a.Y + rng.Float64()*(b.Y-a.Y)}
		if rng.Float64()*maxD > dens(p) {
			continue
		}
		if m.covers(toLattice(f.inv(p))) {
			out = append(out, p)
		}
	}
	return out
}

// site is a weighted site of the power diagram: the power distance of x is
// |x-s|² - w.
type site struct {
	s xy
	w float64
}

func (s site) power(x xy) float64 {
	dx, dy := x.X-s.s.X, x.Y-s.s.Y
	return dx*dx + dy*dy - s.w
}

// assign returns, for every sample, the site with the least power distance.
func assign(samples []xy, sites []site, owner []int) {
	for k, x := range samples {
		best, bd := 0, math.Inf(1)
		for i, s := range sites {
			if d := s.power(x); d < bd {
				best, bd = i, d
			}
		}
		owner[k] = best
	}
}

// balance moves the sites and adjusts their weights so that site i gets a
// share share[i] of the samples (the shares sum to 1) and the cells are
// compact: rounds of steps weight updates alternate with Lloyd steps (each
// site moves half way to the centroid of its samples). It returns the largest
// relative error of a share.
func balance(samples []xy, sites []site, share []float64, rounds, steps int) float64 {
	owner := make([]int, len(samples))
	n := len(sites)
	mass := make([]float64, n)
	sum := make([]xy, n)
	sq := make([]float64, n)
	worst := 0.0
	for round := range rounds {
		for range steps {
			worst = 0
			assign(samples, sites, owner)
			clear(mass)
			clear(sum)
			clear(sq)
			for k, x := range samples {
				i := owner[k]
				mass[i]++
				sum[i].X += x.X
				sum[i].Y += x.Y
			}
			for k, x := range samples {
				i := owner[k]
				c := xy{sum[i].X / mass[i], sum[i].Y / mass[i]}
				sq[i] += (x.X-c.X)*(x.X-c.X) + (x.Y-c.Y)*(x.Y-c.Y)
			}
			for i := range sites {
				want := share[i] * float64(len(samples))
				r2 := 0.0 // mean square radius of the cell
				if mass[i] > 1 {
					r2 = sq[i] / mass[i]
				} else {
					r2 = meanR2(sq, mass)
				}
				rel := max(-0.5, min(0.5, (want-mass[i])/want))
				sites[i].w += 1.5 * rel * r2
				worst = max(worst, math.Abs(rel))
			}
		}
		if round == rounds-1 {
			break
		}
		for i := range sites {
			if mass[i] > 0 {
				c := xy{sum[i].X / mass[i], sum[i].Y / mass[i]}
				sites[i].s = xy{(sites[i].s.X + c.X) / 2, (sites[i].s.Y + c.Y) / 2}
			}
		}
	}
	return worst
}

func meanR2(sq, mass []float64) float64 {
	s, m := 0.0, 0.0
	for i := range sq {
		s += sq[i]
		m += mass[i]
	}
	if m == 0 {
		return 1
	}
	return s / m
}

// cell returns the power cell of site i, clipped to the box [lo,hi], as a
// counter-clockwise polygon (empty when the cell is empty).
func cell(sites []site, i int, lo, hi xy) []xy {
	poly := []xy{{lo.X, lo.Y}, {hi.X, lo.Y}, {hi.X, hi.Y}, {lo.X, hi.Y}}
	si := sites[i]
	for j, sj := range sites {
		if j == i || len(poly) == 0 {
			continue
		}
		// Keep x with 2x·(sj-si) <= |sj|²-|si|² - wj + wi.
		ax, ay := 2*(sj.s.X-si.s.X), 2*(sj.s.Y-si.s.Y)
		c := sj.s.X*sj.s.X + sj.s.Y*sj.s.Y - si.s.X*si.s.X - si.s.Y*si.s.Y - sj.w + si.w
		poly = clipHalfPlane(poly, ax, ay, c)
	}
	return poly
}

// clipHalfPlane keeps the part of the convex polygon with ax·x + ay·y <= c.
func clipHalfPlane(poly []xy, ax, ay, c float64) []xy {
	var out []xy
	n := len(poly)
	for k := range n {
		p, q := poly[k], poly[(k+1)%n]
		fp, fq := ax*p.X+ay*p.Y-c, ax*q.X+ay*q.Y-c
		if fp <= 0 {
			out = append(out, p)
		}
		if (fp < 0 && fq > 0) || (fp > 0 && fq < 0) {
			t := fp / (fp - fq)
			out = append(out, xy{p.X + t*(q.X-p.X), p.Y + t*(q.Y-p.Y)})
		}
	}
	if len(out) < 3 {
		return nil
	}
	return out
}

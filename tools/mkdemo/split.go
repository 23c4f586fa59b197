package main

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/peterstace/simplefeatures/geom"
)

// splitter divides one parent polygon into children.
type splitter struct {
	f    frame
	dens density
	effort
}

// effort is how hard the balancing works: samples per child, rounds of
// Lloyd steps, weight updates per round.
type effort struct{ perChild, rounds, steps int }

var (
	streetEffort    = effort{800, 12, 8}
	communityEffort = effort{150, 10, 8}
	gridEffort      = effort{100, 8, 6}
)

// piece is one polygon of a clipped cell, and the child it belongs to.
type piece struct {
	child int
	p     poly
}

// split divides parent into len(share) children whose shares of the density
// are share (summing to 1). Sites start at init when given, else are spread
// over the parent's samples. It returns the children and the parent with the
// vertices inserted where the children's boundaries meet its own.
//
// Each child is the power cell of its site intersected with the parent
// (simplefeatures' overlay), rounded to the lattice; then the vertices of all
// children and the parent are welded and noded (see topo.go), pieces of a
// child cut off from its main part by the parent's shape go to the neighbour
// they share most boundary with, the pieces of each child are dissolved, and
// checkTiling verifies the result.
func (sp splitter) split(parent mpoly, share []float64, init []xy, rng *rand.Rand) ([]mpoly, mpoly, error) {
	sites := sp.sites(parent, share, init, rng)
	pieces, err := sp.clip(parent, sites)
	if err != nil {
		return nil, nil, err
	}
	parent, pieces = weldAndNode(parent, pieces)
	reassignFragments(pieces, len(share))
	children := make([]mpoly, len(share))
	for i := range children {
		var ps []poly
		for _, pc := range pieces {
			if pc.child == i {
				ps = append(ps, pc.p)
			}
		}
		m, err := dissolve(ps)
		if err != nil {
			return nil, nil, fmt.Errorf("child %d: %w", i, err)
		}
		if len(m) == 0 {
			return nil, nil, fmt.Errorf("child %d: empty after clipping", i)
		}
		children[i] = m
	}
	if err := checkTiling(parent, children); err != nil {
		return nil, nil, err
	}
	return children, parent, nil
}

// sites places and balances the power diagram's sites for the children.
func (sp splitter) sites(parent mpoly, share []float64, init []xy, rng *rand.Rand) []site {
	n := len(share)
	samples := sampleIn(parent, max(sp.perChild*n, 400), sp.dens, sp.f, rng)
	if init == nil {
		init = spread(samples, n, rng)
	}
	sites := make([]site, n)
	for i := range sites {
		sites[i].s = init[i]
	}
	if n > 1 {
		if worst := balance(samples, sites, share, sp.rounds, sp.steps); worst > 0.25 {
			log.Printf("balancing %d children: a share is off by %.0f%%", n, 100*worst)
		}
	}
	return sites
}

// clip intersects each site's power cell with the parent (simplefeatures'
// overlay) and rounds the pieces to the lattice.
func (sp splitter) clip(parent mpoly, sites []site) ([]piece, error) {
	lo, hi := parent.bound()
	a, b := sp.f.fwd(lo.deg()), sp.f.fwd(hi.deg())
	a, b = xy{a.X - 1, a.Y - 1}, xy{b.X + 1, b.Y + 1} // a box 1 km larger
	psf := toSF(parent)
	var pieces []piece
	for i := range sites {
		c := cell(sites, i, a, b)
		if c == nil {
			return nil, fmt.Errorf("child %d: empty power cell", i)
		}
		g, err := geom.Intersection(psf, convexToSF(c, sp.f))
		if err != nil {
			return nil, fmt.Errorf("child %d: %w", i, err)
		}
		for _, p := range fromSF(g) {
			pieces = append(pieces, piece{i, p})
		}
	}
	return pieces, nil
}

// weldAndNode welds the pieces' vertices to each other and to the parent's
// (which do not move), then nodes the parent and the pieces together. It
// drops what collapsed.
func weldAndNode(parent mpoly, pieces []piece) (mpoly, []piece) {
	var fixed []pt
	var rings []*ring
	for pi := range parent {
		for ri := range parent[pi] {
			fixed = append(fixed, parent[pi][ri]...)
			rings = append(rings, &parent[pi][ri])
		}
	}
	nParent := len(rings)
	for k := range pieces {
		for ri := range pieces[k].p {
			rings = append(rings, &pieces[k].p[ri])
		}
	}
	weld(fixed, rings[nParent:])
	node(rings, nil)
	kept := pieces[:0]
	for _, pc := range pieces {
		if pc.p = dropEmptyRings(pc.p); pc.p != nil && pc.p.area2() > 0 {
			kept = append(kept, pc)
		}
	}
	return dropEmpty(parent), kept
}

// reassignFragments gives every piece of a child but its largest to the
// sibling it shares the longest boundary with (a power cell is convex, but
// the parent is not, so a cell can fall apart). A fragment that shares no
// boundary with a sibling stays.
func reassignFragments(pieces []piece, n int) {
	owner := map[edge]int{}
	setOwner := func(pc piece) {
		for _, r := range pc.p {
			for i := range r {
				owner[edge{r[i], r[(i+1)%len(r)]}] = pc.child
			}
		}
	}
	largest := make([]int, n)
	for i := range largest {
		largest[i] = -1
	}
	for k, pc := range pieces {
		setOwner(pc)
		if j := largest[pc.child]; j < 0 || pc.p.area2() > pieces[j].p.area2() {
			largest[pc.child] = k
		}
	}
	for k := range pieces {
		pc := &pieces[k]
		if largest[pc.child] == k {
			continue
		}
		shared := make([]float64, n)
		for _, r := range pc.p {
			for i := range r {
				a, b := r[i], r[(i+1)%len(r)]
				if j, ok := owner[edge{b, a}]; ok && j != pc.child {
					d := b.sub(a)
					shared[j] += math.Hypot(float64(d.X), float64(d.Y))
				}
			}
		}
		best := pc.child
		for j, s := range shared {
			if s > 0 && (best == pc.child || s > shared[best]) {
				best = j
			}
		}
		pc.child = best
		setOwner(*pc)
	}
}

// spread picks n well-spread samples (k-means++ seeding).
func spread(samples []xy, n int, rng *rand.Rand) []xy {
	out := []xy{samples[rng.IntN(len(samples))]}
	d2 := make([]float64, len(samples))
	for i := range d2 {
		d2[i] = math.Inf(1)
	}
	for len(out) < n {
		last := out[len(out)-1]
		total := 0.0
		for i, s := range samples {
			d := (s.X-last.X)*(s.X-last.X) + (s.Y-last.Y)*(s.Y-last.Y)
			d2[i] = min(d2[i], d)
			total += d2[i]
		}
		t := rng.Float64() * total
		k := 0
		for k < len(samples)-1 && t > d2[k] {
			t -= d2[k]
			k++
		}
		out = append(out, samples[k])
	}
	return out
}

func dropEmptyRings(p poly) poly {
	if len(p) == 0 || p[0] == nil {
		return nil
	}
	return slices.DeleteFunc(p, func(r ring) bool { return r == nil })
}

func dropEmpty(m mpoly) mpoly {
	out := m[:0]
	for _, p := range m {
		if p = dropEmptyRings(p); p != nil {
			out = append(out, p)
		}
	}
	return out
}

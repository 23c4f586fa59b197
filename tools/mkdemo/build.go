package main

import (
	"fmt"
	"hash/fnv"
	"log"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
)

// feature is one output grid: a district, street, community or grid.
type feature struct {
	Code, Name, Level, Parent string
	Geom                      mpoly
	Attrs                     []attr // written in this order after the four fields
	children                  []int  // positions in the feature list
	up                        int    // position of the parent (0 for the root)
	share                     float64
}

// attr is one property; Val is a string, int or float64.
type attr struct {
	Key string
	Val any
}

// core is Zhengzhou's centre (二七广场 and the railway station), WGS-84:
// the density of households falls off with the distance from it.
var core = orb.Point{113.66, 34.75}

// coreScaleKm is the e-folding distance of the density, km; densityFloor
// keeps the countryside from emptying.
const (
	coreScaleKm  = 3.2
	densityFloor = 0.008
)

// towns are the centres of the two rural streets, where the density rises
// again: amplitude (relative to the city centre) and scale in km.
var towns = []struct {
	at      orb.Point
	amp, km float64
}{
	{orb.Point{113.548, 34.712}, 0.06, 1.5}, // 马寨
	{orb.Point{113.598, 34.668}, 0.04, 1.2}, // 侯寨
}

// streetSites are rough positions of the streets' real locations (WGS-84),
// the starting points of the balancing; the boundaries are synthetic.
var streetSites = map[string]orb.Point{
	"410103001": {113.640, 34.728}, // 淮河路
	"410103003": {113.655, 34.757}, // 铭功路
	"410103004": {113.648, 34.752}, // 一马路
	"410103005": {113.660, 34.735}, // 蜜蜂张
	"410103006": {113.646, 34.738}, // 五里堡
	"410103007": {113.662, 34.722}, // 大学路
	"410103008": {113.635, 34.750}, // 建中街
	"410103009": {113.656, 34.745}, // 福华街
	"410103010": {113.667, 34.750}, // 德化街
	"410103011": {113.628, 34.725}, // 嵩山路
	"410103012": {113.650, 34.715}, // 京广路
	"410103013": {113.665, 34.705}, // 长江路
	"410103014": {113.622, 34.740}, // 人和路
	"410103015": {113.590, 34.650}, // 侯寨
	"410103016": {113.640, 34.680}, // 金水源
	"410103100": {113.540, 34.710}, // 马寨
}

// world holds everything the generator derives from its inputs.
type world struct {
	seed  uint64
	f     frame
	dens  density
	feats []feature

	noStation int // communities without a station (set by makeSites)
}

func newWorld(seed uint64) *world {
	f := newFrame(113.59, 34.685)
	c := f.fwd(core)
	dens := func(p xy) float64 {
		d := math.Hypot(p.X-c.X, p.Y-c.Y)
		v := math.Exp(-d/coreScaleKm) + densityFloor
		for _, t := range towns {
			q := f.fwd(t.at)
			v += t.amp * math.Exp(-math.Hypot(p.X-q.X, p.Y-q.Y)/t.km)
		}
		return v
	}
	return &world{seed: seed, f: f, dens: dens}
}

// rng returns the random stream of one step for one code, so that a change
// in one place does not reshuffle the rest.
func (w *world) rng(step, code string, attempt int) *rand.Rand {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s/%d", step, code, attempt)
	return rand.New(rand.NewPCG(w.seed, h.Sum64()))
}

// urbanity is 1 at the centre and falls towards 0 in the countryside.
func (w *world) urbanity(p orb.Point) float64 {
	q, c := w.f.fwd(p), w.f.fwd(core)
	return math.Exp(-math.Hypot(q.X-c.X, q.Y-c.Y) / 4)
}

// splitFeature divides feature i into the children already listed in
// feats[i].children, retrying with another random stream if the result is
// not a clean tiling.
func (w *world) splitFeature(i int, e effort, init func(child *feature) *xy) error {
	parent := &w.feats[i]
	share := make([]float64, len(parent.children))
	total := 0.0
	for k, c := range parent.children {
		share[k] = w.feats[c].share
		total += share[k]
	}
	var sites []xy // nil unless init places every child
	if init != nil {
		for _, c := range parent.children {
			if p := init(&w.feats[c]); p != nil {
				sites = append(sites, *p)
			}
		}
		if len(sites) != len(parent.children) {
			sites = nil
		}
	}
	for k := range share {
		share[k] /= total
	}
	sp := splitter{f: w.f, dens: w.dens, effort: e}
	var err error
	for attempt := range 8 {
		geomCopy := cloneM(parent.Geom)
		var kids []mpoly
		kids, geomCopy, err = sp.split(geomCopy, share, sites, w.rng("split", parent.Code, attempt))
		if err == nil {
			parent.Geom = geomCopy
			for k, c := range parent.children {
				w.feats[c].Geom = kids[k]
			}
			return nil
		}
		log.Printf("split %s (attempt %d): %v", parent.Code, attempt, err)
		sites = nil
	}
	return fmt.Errorf("split %s: %w", parent.Code, err)
}

func cloneM(m mpoly) mpoly {
	out := make(mpoly, len(m))
	for i, p := range m {
		out[i] = make(poly, len(p))
		for j, r := range p {
			out[i][j] = append(ring(nil), r...)
		}
	}
	return out
}

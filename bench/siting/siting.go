// Package siting generates the siting benchmark of issue "Coverage and
// siting": demand points and candidate places uniform over the embedded demo
// district (二七区), fixed by a seed, so two runs see the same instance.
package siting

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

// DemoIndex is the embedded demo district, validated and indexed once.
var DemoIndex = sync.OnceValues(func() (*geo.Index, error) {
	grids, err := data.ReadGrids(bytes.NewReader(demo.Grids()), data.GridFields{}, 0)
	if err != nil {
		return nil, fmt.Errorf("demo grids: %w", err)
	}
	set := &geo.Set{Layer: geo.DefaultLayer, Levels: data.DemoLevels, Grids: grids}
	if _, err := set.Validate(); err != nil {
		return nil, err
	}
	return geo.NewIndex(set)
})

// Instance is one seeded siting problem over the demo district.
type Instance struct {
	Index      *geo.Index
	Demand     []geo.Site // kind "residential", weight 1..1000
	Candidates []plan.Candidate
}

// Uniform draws nDemand demand points and nCand candidates uniform over the
// district (rejection sampling in its bounding box against the index), with
// the generator of seed (PCG).
func Uniform(seed uint64, nDemand, nCand int) (*Instance, error) {
	ix, err := DemoIndex()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := ix.Bound(0)
	for i := int32(1); i < int32(ix.Len()); i++ {
		b = b.Union(ix.Bound(i))
	}
	draw := func() orb.Point {
		for {
			p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			if ix.SiteOwner(p, "") >= 0 {
				return p
			}
		}
	}
	in := &Instance{Index: ix, Demand: make([]geo.Site, nDemand), Candidates: make([]plan.Candidate, nCand)}
	for i := range in.Demand {
		in.Demand[i] = geo.Site{Kind: "residential", ID: fmt.Sprintf("d%06d", i), Point: draw(), Weight: float64(1 + rng.IntN(1000))}
	}
	for j := range in.Candidates {
		in.Candidates[j] = plan.Candidate{Point: draw()}
	}
	return in, nil
}

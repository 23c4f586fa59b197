package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// Levels of the output, coarsest first.
const (
	levelDistrict  = "district"
	levelStreet    = "street"
	levelCommunity = "community"
	levelGrid      = "grid"
)

// generate builds the district, its streets, communities and grids.
func (w *world) generate(d *district, streets, communities []place) error {
	code := d.Code
	w.feats = []feature{{Code: code, Name: d.Name, Level: levelDistrict, Geom: cloneM(d.Geom)}}
	streetIdx := map[string]int{}
	for _, s := range streets {
		streetIdx[s.Code] = len(w.feats)
		w.feats[0].children = append(w.feats[0].children, len(w.feats))
		w.feats = append(w.feats, feature{Code: s.Code, Name: s.Name, Level: levelStreet, Parent: code, up: 0})
	}
	for _, c := range communities {
		si, ok := streetIdx[c.Parent]
		if !ok {
			return fmt.Errorf("community %s: unknown street %s", c.Code, c.Parent)
		}
		w.feats[si].children = append(w.feats[si].children, len(w.feats))
		w.feats[si].share++
		w.feats = append(w.feats, feature{Code: c.Code, Name: c.Name, Level: levelCommunity, Parent: c.Parent, up: si})
	}

	// District → streets, from rough real positions; shares by the number
	// of communities.
	err := w.splitFeature(0, streetEffort, func(s *feature) *xy {
		p, ok := streetSites[s.Code]
		if !ok {
			return nil
		}
		q := w.f.fwd(p)
		return &q
	})
	if err != nil {
		return err
	}

	// Streets → communities of unequal size (±25% of the street's mean).
	for _, si := range w.feats[0].children {
		for _, ci := range w.feats[si].children {
			w.feats[ci].share = 0.75 + 0.5*w.rng("share", w.feats[ci].Code, 0).Float64()
		}
		if err := w.splitFeature(si, communityEffort, nil); err != nil {
			return err
		}
	}

	// Communities → 3 to 8 grids; urban grids are more numerous and hold
	// more households.
	for _, si := range w.feats[0].children {
		for _, ci := range w.feats[si].children {
			w.addGrids(ci)
			if err := w.splitFeature(ci, gridEffort, nil); err != nil {
				return err
			}
		}
	}
	return w.finish()
}

// addGrids appends the grids of community ci, with their households as the
// shares to split by.
func (w *world) addGrids(ci int) {
	c := &w.feats[ci]
	rng := w.rng("grids", c.Code, 0)
	u := w.urbanity(centroid(c.Geom))
	n := 3 + int(math.Round(5*u+rng.Float64()*2-0.8))
	n = max(3, min(8, n))
	perGrid := 200 + 560*math.Pow(u, 0.6)
	for k := range n {
		hh := math.Round(perGrid * (0.85 + 0.3*rng.Float64()))
		hh = max(200, min(800, hh))
		code := fmt.Sprintf("%s%03d", c.Code, k+1)
		w.feats[ci].children = append(w.feats[ci].children, len(w.feats))
		w.feats = append(w.feats, feature{
			Code: code, Name: fmt.Sprintf("第%d网格", k+1), Level: levelGrid, Parent: c.Code,
			share: hh, up: ci,
		})
		c = &w.feats[ci] // the append may have moved it
	}
}

// finish nodes every ring against every vertex of every level, so that a
// vertex one level added on a shared boundary is present in every ring along
// it, and checks the result.
func (w *world) finish() error {
	var rings []*ring
	for i := range w.feats {
		for pi := range w.feats[i].Geom {
			for ri := range w.feats[i].Geom[pi] {
				rings = append(rings, &w.feats[i].Geom[pi][ri])
			}
		}
	}
	node(rings, nil)
	for i := range w.feats {
		w.feats[i].Geom = dropEmpty(w.feats[i].Geom)
	}
	for i := range w.feats {
		f := &w.feats[i]
		if err := toSF(f.Geom).Validate(); err != nil {
			return fmt.Errorf("%s %s: invalid: %w", f.Level, f.Code, err)
		}
		if len(f.children) == 0 {
			continue
		}
		kids := make([]mpoly, len(f.children))
		for k, c := range f.children {
			kids[k] = w.feats[c].Geom
		}
		if err := checkTiling(f.Geom, kids); err != nil {
			return fmt.Errorf("children of %s %s: %w", f.Level, f.Code, err)
		}
	}
	return nil
}

// centroid is the centroid of the shell of the largest part of m, in
// degrees.
func centroid(m mpoly) orb.Point {
	big := 0
	for i, p := range m {
		if p[0].area2() > m[big][0].area2() {
			big = i
		}
	}
	r := m[big][0]
	o := r[0]
	var sx, sy, sa float64
	for i := 1; i+1 < len(r); i++ {
		a := float64(cross(o, r[i], r[i+1]))
		sx += a * float64(r[i].X+r[i+1].X-2*o.X) / 3
		sy += a * float64(r[i].Y+r[i+1].Y-2*o.Y) / 3
		sa += a
	}
	return orb.Point{(float64(o.X) + sx/sa) / unitsPerDeg, (float64(o.Y) + sy/sa) / unitsPerDeg}
}

// shortName turns the name of a committee into the name of its community:
// "淮河社区居民委员会" → "淮河社区", "尖岗村委会" → "尖岗村".
func shortName(name string) string {
	if s, ok := strings.CutSuffix(name, "村委会"); ok {
		return s + "村"
	}
	for _, suf := range []string{"居民管理委员会", "居民委员会", "管理委员会", "委员会", "拟居委会", "居委会"} {
		if s, ok := strings.CutSuffix(name, suf); ok {
			return s
		}
	}
	return name
}

// placeName is the place a community is named after: "淮河社区" → "淮河",
// "尖岗村" → "尖岗".
func placeName(name string) string {
	s := shortName(name)
	for _, suf := range []string{"社区", "村"} {
		if p, ok := strings.CutSuffix(s, suf); ok && p != "" {
			return p
		}
	}
	return s
}

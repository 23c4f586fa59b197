package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/wangge/wangge/geo/crs"
)

// taiwanZoneM is how close to a Taiwan polygon, in metres, most of a
// mainland polygon must lie for it to count as Taiwan-administered.
const taiwanZoneM = 800

// build rasterises the features and returns the finished mask (steps 1 to
// 4 of the package comment).
func build(g grid, feats []feature, c config) (*mask, error) {
	z := &rasterizer{g: g}
	keepOut, tw := newMask(g), newMask(g)
	counts := map[region]int{}
	for _, f := range feats {
		counts[f.region]++
		switch f.region {
		case hongKong, macao:
			z.add(keepOut, mapPolygons(f.polygons, crs.GCJ02ToWGS84Unmasked))
		case taiwan:
			z.add(tw, mapPolygons(f.polygons, crs.GCJ02ToWGS84Unmasked))
			z.add(tw, f.polygons)
		}
	}
	tw.normalize()
	keepOut.normalize()
	for r := range keepOut.rows {
		keepOut.rows[r] = union(keepOut.rows[r], tw.rows[r])
	}
	log.Printf("features: %d mainland, %d Hong Kong, %d Macao, %d Taiwan",
		counts[mainland], counts[hongKong], counts[macao], counts[taiwan])
	log.Printf("grid: %d cells per degree, %d columns x %d rows from %d°E %d°N", g.res, g.ncols, g.nrows, g.lon0, g.lat0)

	land := rasterizeMainland(z, feats, tw)
	log.Printf("rasterised: %d mainland cells (%d runs), %d Hong Kong/Macao/Taiwan cells, %d cells in both (removed from the mainland)",
		land.cellCount(), land.runCount(), keepOut.cellCount(), overlap(land, keepOut))
	n := int32(g.ncols)
	for r := range land.rows {
		land.rows[r] = subtract(land.rows[r], keepOut.rows[r], n)
	}

	holes := fillHoles(g, land, keepOut)
	reportHoles(g, holes)
	if c.holesOut != "" {
		if err := writeHoles(c.holesOut, g, holes); err != nil {
			return nil, err
		}
	}
	out, added := dilate(g, land, keepOut, c.dilateM)
	log.Printf("dilated by %g m into the sea zone: %d cells added", c.dilateM, added)
	return out, nil
}

// rasterizeMainland rasterises the mainland features in WGS-84, leaving out
// the islands held by Taiwan that the mainland's data lists as its own
// (金门县 entire, the 马祖 islets of 连江县, 乌坵, 东沙, 太平岛): every
// polygon with at least half of its cells within taiwanZoneM of a Taiwan
// polygon.
func rasterizeMainland(z *rasterizer, feats []feature, tw *mask) *mask {
	g := z.g
	zone, _ := grow(g, tw, taiwanZoneM, nil)
	land := newMask(g)
	type cellSpan struct {
		r int
		s span
	}
	var part []cellSpan
	for _, f := range feats {
		if f.region != mainland {
			continue
		}
		for i, poly := range mapPolygons(f.polygons, crs.GCJ02ToWGS84Unmasked) {
			part = part[:0]
			var cells, near int64
			z.polygon(poly, func(r int, s span) {
				part = append(part, cellSpan{r, s})
				cells += int64(s.e - s.s)
				for _, o := range intersect([]span{s}, zone.rows[r]) {
					near += int64(o.e - o.s)
				}
			})
			if cells > 0 && 2*near >= cells {
				log.Printf("left out %s %s (uid %s) polygon %d: %d of its %d cells are near Taiwan's", f.city, f.name, f.uid, i, near, cells)
				continue
			}
			for _, cs := range part {
				land.rows[cs.r] = append(land.rows[cs.r], cs.s)
			}
		}
	}
	land.normalize()
	return land
}

func overlap(a, b *mask) int64 {
	var n int64
	for r := range a.rows {
		for _, s := range intersect(a.rows[r], b.rows[r]) {
			n += int64(s.e - s.s)
		}
	}
	return n
}

// centre returns the WGS-84 centroid of a hole's cells.
func (h hole) centre(g grid) orb.Point {
	res := float64(g.res)
	return orb.Point{
		float64(g.lon0) + (h.sumCol/float64(h.cells)+0.5)/res,
		float64(g.lat0) + (h.sumRow/float64(h.cells)+0.5)/res,
	}
}

// areaKM2 returns the hole's area in square kilometres.
func (h hole) areaKM2(g grid) float64 {
	cellKM := metresPerDegree / float64(g.res) / 1000
	return float64(h.cells) * cellKM * cellKM * math.Cos(h.centre(g)[1]*math.Pi/180)
}

func reportHoles(g grid, holes []hole) {
	var total float64
	for _, h := range holes {
		total += h.areaKM2(g)
	}
	log.Printf("filled %d enclosed holes, %.1f km² in all", len(holes), total)
	big := slices.Clone(holes)
	slices.SortStableFunc(big, func(a, b hole) int { return cmp.Compare(b.cells, a.cells) })
	for _, h := range big[:min(8, len(big))] {
		c := h.centre(g)
		log.Printf("  hole at %.5f,%.5f: %.2f km²", c[0], c[1], h.areaKM2(g))
	}
}

func writeHoles(name string, g grid, holes []hole) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("write holes: %w", err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"lon", "lat", "cells", "area_km2"})
	for _, h := range holes {
		c := h.centre(g)
		_ = w.Write([]string{
			strconv.FormatFloat(c[0], 'f', 6, 64), strconv.FormatFloat(c[1], 'f', 6, 64),
			strconv.FormatInt(h.cells, 10), strconv.FormatFloat(h.areaKM2(g), 'f', 4, 64),
		})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write holes: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write holes: %w", err)
	}
	return nil
}

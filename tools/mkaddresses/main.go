// Command mkaddresses generates the demo address layer, data/demo/addresses.geojson,
// and the geocoding test set, geo/address/testdata/variants.csv, from the
// committed demo grids (data/demo/grids.geojson).
//
//	go run ./tools/mkaddresses            # from the repository root
//	go run ./tools/mkaddresses -seed N -grids FILE -out FILE -variants FILE
//
// Real: the province, city, district, street and community names (the demo
// grids carry them from ../shared/data/cn-gazetteer.csv). Made up: every
// road, house number, building and residential compound (小区) and every
// position. Each community gets 2–4 roads (a street named after a road,
// such as 淮河路街道, also gets that road in its first community), each road
// 3–8 house numbers 20–40 m apart along a line through the community, and
// 60% of the numbers 1–5 buildings within 40 m; one number per community is
// also a compound (POI) whose buildings carry its name. Every point lies
// inside its community.
//
// The variants are queries written the ways residents write them (full-width
// digits, Chinese numerals, 号楼/幢, prefixes left out, suffixes left out or
// spelled out, spaces and punctuation, one wrong character in a long name,
// a building the gazetteer does not have) with the answer they should get:
// the address and the precision (building, or number when the building is
// unknown). The output depends only on the inputs and the seed.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

const defaultSeed = 410103

func main() {
	log.SetFlags(0)
	log.SetPrefix("mkaddresses: ")
	seed := flag.Uint64("seed", defaultSeed, "random seed")
	gridsPath := flag.String("grids", filepath.Join("data", "demo", "grids.geojson"), "the demo grids")
	out := flag.String("out", filepath.Join("data", "demo", "addresses.geojson"), "the address layer to write")
	variants := flag.String("variants", filepath.Join("geo", "address", "testdata", "variants.csv"), "the test set to write")
	flag.Parse()
	grids, err := os.ReadFile(*gridsPath)
	if err != nil {
		log.Fatal(err)
	}
	g, err := generate(grids, *seed)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range []struct {
		path string
		b    []byte
	}{{*out, g.geojson}, {*variants, g.variants}} {
		if old, err := os.ReadFile(f.path); err == nil && bytes.Equal(old, f.b) {
			continue
		}
		if err := os.WriteFile(f.path, f.b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "%d addresses, %d variants\n", g.nAddr, g.nVar)
}

// Command mkdemo generates the embedded demo dataset of data/demo: the real
// outline of 二七区 (Zhengzhou, 410103) with its real 16 streets and 176
// communities (names and codes), and synthetic inner boundaries, grids,
// people and sites.
//
//	go run ./tools/mkdemo            # reads ../shared/data, writes data/demo
//	go run ./tools/mkdemo -data DIR -out DIR -seed N
//
// The output depends only on the inputs and the seed: running the command
// twice gives byte-identical files (on the same platform; floating-point
// rounding may differ between architectures). The generated files are
// committed; TestGenerateMatchesCommitted checks that they are up to date.
//
// Inputs (see ../shared/data/README.md): cn-districts.geojson for the
// outline (GCJ-02, converted to WGS-84 with geo/crs.GCJ02ToWGS84) and
// cn-gazetteer.csv for the streets and communities.
//
// Method:
//
//  1. The outline is put on a lattice of 1e-7 degree (the output's
//     precision); zero-area spikes of the source are removed and a ring
//     touching itself is split into a shell and a hole (see loadDistrict).
//  2. Each parent is divided into its children by a power diagram (a
//     weighted Voronoi diagram) of seeded sites, balanced so that each
//     child gets its share of a household density that is high near the
//     city centre (113.66, 34.75, in the north-east) and low in the
//     south-west countryside: urban communities come out small, rural ones
//     large. Streets start from rough real positions and get shares by
//     their number of communities; communities get ±25%; grids (3 to 8 per
//     community, more in the city) get shares by their households.
//  3. Each cell is intersected with the parent by simplefeatures' overlay
//     and rounded to the lattice; then the vertices of all children and the
//     parent are welded (merged within 2e-7°) and noded (a vertex within
//     2e-7° of an edge is inserted into it), so neighbours share their
//     common boundary vertex for vertex. After the last level every ring of
//     every level is noded against every vertex, and the result is checked:
//     every feature is valid (simplefeatures) and the children of every
//     parent tile it exactly (each parent edge is the edge of one child,
//     every other child edge is the reverse of a sibling's edge).
//  4. Attributes (made-up leaders, phones, households, population) and
//     sites (stations, schools, kindergartens, clinics, companies,
//     construction sites, candidate station places, residential points)
//     are drawn from the seed.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("mkdemo: ")
	if err := run(os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

// defaultSeed is the seed of the committed output.
const defaultSeed = 410103

type config struct {
	dataDir string
	outDir  string
	seed    uint64
}

func run(args []string) error {
	var c config
	fs := flag.NewFlagSet("mkdemo", flag.ContinueOnError)
	fs.StringVar(&c.dataDir, "data", filepath.Join("..", "shared", "data"), "directory holding cn-districts.geojson and cn-gazetteer.csv")
	fs.StringVar(&c.outDir, "out", filepath.Join("data", "demo"), "output directory")
	fs.Uint64Var(&c.seed, "seed", defaultSeed, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	out, err := generate(c.dataDir, c.seed)
	if err != nil {
		return err
	}
	for _, f := range out {
		if err := os.WriteFile(filepath.Join(c.outDir, f.name), f.data, 0o644); err != nil {
			return err
		}
		log.Printf("wrote %s: %d bytes", filepath.Join(c.outDir, f.name), len(f.data))
	}
	return nil
}

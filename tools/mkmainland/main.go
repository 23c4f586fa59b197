// Command mkmainland generates geo/crs/mainland.bin, the raster mask of
// mainland China that geo/crs.InMainland reads.
//
//	go run ./tools/mkmainland -out geo/crs/mainland.bin
//
// The generated file is committed; run this command again only when the
// boundary data or the method changes. The output depends only on the
// input files and the flags, so it is byte-for-byte reproducible.
//
// Input: the cn-all-districts-0{1,2,3}.geojson.gz files of -data (see its
// README.md): 3,253 polygons in GCJ-02. A feature belongs to the mainland
// unless its province_code is 710000 (Taiwan), 810000 (Hong Kong) or
// 820000 (Macao).
//
// Method:
//
//  1. Every vertex of a mainland polygon is converted to WGS-84 with the
//     iterative inverse of the GCJ-02 formula (crs.GCJ02ToWGS84Unmasked):
//     these points are in the mainland, so the shift applies. The Hong Kong
//     and Macao polygons were shifted the same way by the data's makers
//     (they share vertices with Shenzhen's and Zhuhai's), so they are
//     converted back too. Whether the Taiwan polygons were shifted cannot be
//     told from the data, so both their stored and their converted position
//     are used; they only ever restrict the mask.
//  2. The polygons are rasterised on a regular grid of -res cells per
//     degree (1024 by default, about 100 m): a cell belongs to a polygon if
//     its centre does, by the non-zero winding rule, so self-intersecting
//     rings are harmless. The mask is the union of all mainland polygons,
//     less the islands held by Taiwan that the mainland's data also lists
//     (金门县, the 马祖 islets, 乌坵, 东沙, 太平岛: every mainland polygon
//     with half its cells within 800 m of a Taiwan polygon), less every
//     cell of Hong Kong, Macao and Taiwan.
//  3. Enclosed holes are filled: every connected (4-neighbour) set of cells
//     outside the mask that touches neither the edge of the grid nor a cell
//     of Hong Kong, Macao or Taiwan. These are the gaps between districts
//     (郑州 has 8) and lakes or bays cut off by the district outlines.
//  4. The mask is dilated by -dilate-m metres (400 by default) to take in
//     reclaimed land, piers and harbours newer than the outlines, but only
//     into the sea zone (see seaZone) and never into a cell of Hong Kong,
//     Macao or Taiwan. Land borders are not dilated: a point a few hundred
//     metres inside Vietnam or North Korea must not be shifted.
//  5. The rows are written as run lengths (see encode.go).
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
	log.SetPrefix("mkmainland: ")
	if err := run(os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

// config holds the command-line flags.
type config struct {
	dataDir  string
	out      string
	res      int     // cells per degree
	dilateM  float64 // dilation radius into the sea, in metres
	holesOut string  // optional CSV listing the filled holes
}

func run(args []string) error {
	var c config
	fs := flag.NewFlagSet("mkmainland", flag.ContinueOnError)
	fs.StringVar(&c.dataDir, "data", filepath.Join("..", "shared", "data"), "directory holding cn-all-districts-0{1,2,3}.geojson.gz")
	fs.StringVar(&c.out, "out", filepath.Join("geo", "crs", "mainland.bin"), "output file")
	fs.IntVar(&c.res, "res", 1024, "grid cells per degree (at most 1040, so that a column fits 16 bits)")
	fs.Float64Var(&c.dilateM, "dilate-m", 400, "dilation into the sea, in metres (0 to disable)")
	fs.StringVar(&c.holesOut, "holes", "", "if set, write the filled holes (WGS-84 centre, cells) to this CSV file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	g, err := newGrid(c.res)
	if err != nil {
		return err
	}
	if c.dilateM < 0 || c.dilateM > 5000 {
		return fmt.Errorf("-dilate-m %g: want 0 to 5000", c.dilateM)
	}

	feats, err := loadFeatures(c.dataDir)
	if err != nil {
		return err
	}
	m, err := build(g, feats, c)
	if err != nil {
		return err
	}
	buf, err := encode(g, m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.out, buf, 0o644); err != nil {
		return fmt.Errorf("write mask: %w", err)
	}
	log.Printf("wrote %s: %d bytes, %d runs", c.out, len(buf), m.runCount())
	return nil
}

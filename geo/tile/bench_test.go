package tile_test

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/arcs"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/geo/tile"
)

// BenchmarkGridsTile cuts and encodes the z14 tile over the densest part
// of the demo (258 features, every level), with the topology and the
// zoom's simplified arcs already made (as after the first tile of a zoom),
// in WGS-84 and GCJ-02.
func BenchmarkGridsTile(b *testing.B) {
	ix := demoIndex(b)
	g := tile.NewGrids(ix, tile.Options{})
	g.Prepare(densestZ, densestZ)
	tl := tile.Tile{Z: densestZ, X: densestX, Y: densestY}
	for _, sys := range []crs.System{crs.WGS84, crs.GCJ02} {
		b.Run(fmt.Sprintf("z14-densest/%s", sys), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				raw, err := tile.Encode(g.Layer(tl, sys))
				if err != nil {
					b.Fatal(err)
				}
				n = len(raw)
			}
			b.ReportMetric(float64(n), "bytes/tile")
		})
	}
}

// BenchmarkGridsFirstTile is the first tile of a fresh index: building the
// arc topology of the demo's four levels, then simplifying the arcs the tile
// needs at its zoom.
func BenchmarkGridsFirstTile(b *testing.B) {
	ix := demoIndex(b)
	tl := tile.Tile{Z: densestZ, X: densestX, Y: densestY}
	b.ReportAllocs()
	for b.Loop() {
		g := tile.NewGrids(ix, tile.Options{})
		if _, err := tile.Encode(g.Layer(tl, crs.WGS84)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTopology builds the shared-arc topology of the demo (1,089 grids,
// 13,457 vertices, 2,687 arcs).
func BenchmarkTopology(b *testing.B) {
	ix := demoIndex(b)
	shapes := make([]orb.MultiPolygon, ix.Len())
	for i := range shapes {
		shapes[i] = ix.Grid(int32(i)).Geometry
	}
	b.ReportAllocs()
	for b.Loop() {
		arcs.Build(shapes)
	}
}

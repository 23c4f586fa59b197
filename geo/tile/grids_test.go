package tile_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/geo/tile"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, z, x, y string
		want          tile.Tile
		field         string // "" for valid
	}{
		{"world", "0", "0", "0", tile.Tile{}, ""},
		{"densest", "14", "13364", "6503", tile.Tile{Z: 14, X: 13364, Y: 6503}, ""},
		{"deepest corner", "22", "4194303", "4194303", tile.Tile{Z: 22, X: 4194303, Y: 4194303}, ""},
		{"zoom too deep", "23", "0", "0", tile.Tile{}, "z"},
		{"x outside the pyramid", "1", "2", "0", tile.Tile{}, "x"},
		{"y outside the pyramid", "1", "0", "2", tile.Tile{}, "y"},
		{"x at 2^z", "14", "16384", "0", tile.Tile{}, "x"},
		{"negative", "3", "-1", "0", tile.Tile{}, "x"},
		{"plus sign", "+3", "1", "0", tile.Tile{}, "z"},
		{"fraction", "3", "1.5", "0", tile.Tile{}, "x"},
		{"empty", "3", "1", "", tile.Tile{}, "y"},
		{"letters", "z", "1", "0", tile.Tile{}, "z"},
		{"huge", "3", "99999999999999999999", "0", tile.Tile{}, "x"},
		{"space", "3", " 1", "0", tile.Tile{}, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tile.Parse(tt.z, tt.x, tt.y)
			if tt.field == "" {
				if err != nil || got != tt.want {
					t.Errorf("Parse(%q,%q,%q) = %v, %v; want %v", tt.z, tt.x, tt.y, got, err, tt.want)
				}
				return
			}
			var te *tile.Error
			if !errors.As(err, &te) || te.Field != tt.field || !errors.Is(err, tile.ErrInvalidTile) {
				t.Errorf("Parse(%q,%q,%q) = %v, %v; want an error about %s", tt.z, tt.x, tt.y, got, err, tt.field)
			}
		})
	}
}

func TestMinZoom(t *testing.T) {
	ix := demoIndex(t)
	g := tile.NewGrids(ix, tile.Options{})
	for level, want := range map[string]int{"district": 8, "street": 11, "community": 12, "grid": 13, "microgrid": -1} {
		if got := g.MinZoom(level); got != want {
			t.Errorf("MinZoom(%q) = %d, want %d", level, got, want)
		}
	}
	custom := tile.NewGrids(ix, tile.Options{MinZoom: map[string]int{"district": 5, "street": 4, "grid": 15}})
	for level, want := range map[string]int{"district": 5, "street": 5, "community": 6, "grid": 15} {
		if got := custom.MinZoom(level); got != want {
			t.Errorf("custom MinZoom(%q) = %d, want %d (never below a coarser level; unnamed: one after)", level, got, want)
		}
	}
	m, err := tile.ParseMinZoom("grid=14, microgrid=16")
	if err != nil || m["grid"] != 14 || m["microgrid"] != 16 || m["district"] != 8 {
		t.Errorf("ParseMinZoom = %v, %v", m, err)
	}
	for _, bad := range []string{"grid", "grid=x", "grid=23", "=3"} {
		if _, err := tile.ParseMinZoom(bad); err == nil {
			t.Errorf("ParseMinZoom(%q) = nil error", bad)
		}
	}
}

// decode renders tile t of the demo in sys and decodes it again.
func decode(t *testing.T, g *tile.Grids, tl tile.Tile, sys crs.System) *mvt.Layer {
	t.Helper()
	b, err := tile.Encode(g.Layer(tl, sys))
	if err != nil {
		t.Fatal(err)
	}
	if b == nil {
		return nil
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("tile %v: %v", tl, err)
	}
	if len(ls) != 1 || ls[0].Name != "grids" || ls[0].Extent != tile.Extent || ls[0].Version != 2 {
		t.Fatalf("tile %v: layers %v, want one grids layer, extent 4096, version 2", tl, ls)
	}
	return ls[0]
}

func TestGridsLayerDensest(t *testing.T) {
	ix := demoIndex(t)
	g := tile.NewGrids(ix, tile.Options{})
	l := decode(t, g, tile.Tile{Z: densestZ, X: densestX, Y: densestY}, crs.WGS84)
	levels := map[string]int{}
	for _, f := range l.Features {
		code := f.Properties.MustString("code")
		i, ok := ix.Lookup(code)
		if !ok {
			t.Fatalf("feature with unknown code %q", code)
		}
		gr := ix.Grid(i)
		if f.Properties.MustString("name") != gr.Name || f.Properties.MustString("level") != gr.Level || f.Properties.MustString("parent", "") != gr.Parent {
			t.Errorf("feature %s properties %v, want name %q level %q parent %q", code, f.Properties, gr.Name, gr.Level, gr.Parent)
		}
		if want, _ := strconv.ParseUint(code, 10, 64); f.ID != float64(want) {
			t.Errorf("feature %s id %v, want the numeric code", code, f.ID)
		}
		if _, isRoot := f.Properties["parent"]; isRoot == (gr.Parent == "") {
			t.Errorf("feature %s: parent property present = %v, want %v", code, isRoot, gr.Parent != "")
		}
		levels[gr.Level]++
	}
	t.Logf("tile %d/%d/%d: %v", densestZ, densestX, densestY, levels)
	if levels["district"] != 1 || levels["street"] == 0 || levels["community"] == 0 || levels["grid"] < 150 {
		t.Errorf("levels in the densest tile = %v, want the district, streets, communities and 150+ grids", levels)
	}
}

func TestGridsLayerLevelsByZoom(t *testing.T) {
	ix := demoIndex(t)
	g := tile.NewGrids(ix, tile.Options{})
	centre := orb.Point{113.66, 34.75}
	for z, want := range map[uint32][]string{
		7: nil, 8: {"district"}, 10: {"district"}, 11: {"district", "street"},
		12: {"district", "street", "community"}, 13: {"district", "street", "community", "grid"},
	} {
		tl := tile.At(centre, z)
		l := decode(t, g, tl, crs.WGS84)
		seen := map[string]bool{}
		if l != nil {
			for _, f := range l.Features {
				seen[f.Properties.MustString("level")] = true
			}
		}
		if len(seen) != len(want) {
			t.Errorf("tile %v levels %v, want %v", tl, seen, want)
		}
		for _, lv := range want {
			if !seen[lv] {
				t.Errorf("tile %v levels %v, want %v", tl, seen, want)
			}
		}
	}
	if l := g.Layer(tile.Tile{Z: 14, X: 0, Y: 0}, crs.WGS84); l != nil {
		t.Errorf("tile far from the demo has %d features, want none", len(l.Features))
	}
}

// TestGridsLayerSharedEdges: in every tile around the demo's centre at zooms
// 8 to 17 and in every crs, each edge of a feature (not on the clip border)
// is the reverse of an edge of a neighbour at the same level or an edge of
// the level above, and the areas of the children in the tile add up to the
// parent's exactly (integer coordinates): no slivers, no gaps.
func TestGridsLayerSharedEdges(t *testing.T) {
	ix := demoIndex(t)
	g := tile.NewGrids(ix, tile.Options{})
	centre := orb.Point{113.655, 34.745}
	rank := map[string]int{}
	for r, l := range ix.Set().Levels {
		rank[l] = r
	}
	for _, sys := range []crs.System{crs.WGS84, crs.GCJ02, crs.BD09} {
		for z := uint32(8); z <= 17; z++ {
			c := tile.At(crs.Convert(centre, crs.WGS84, sys), z)
			for dx := -1; dx <= 1; dx++ {
				for dy := -1; dy <= 1; dy++ {
					tl := tile.Tile{Z: z, X: uint32(int(c.X) + dx), Y: uint32(int(c.Y) + dy)}
					t.Run(fmt.Sprintf("%s/%v", sys, tl), func(t *testing.T) {
						l := decode(t, g, tl, sys)
						if l != nil {
							checkTiling(t, l, rank)
						}
					})
				}
			}
		}
	}
}

func checkTiling(t *testing.T, l *mvt.Layer, rank map[string]int) {
	t.Helper()
	const lo, hi = -64, tile.Extent + 64
	onBorder := func(e [2]orb.Point) bool {
		for axis := range 2 {
			for _, v := range []float64{lo, hi} {
				if e[0][axis] == v && e[1][axis] == v {
					return true
				}
			}
		}
		return false
	}
	byRank := map[int][]*geojson.Feature{}
	area := map[string]float64{}
	for _, f := range l.Features {
		byRank[rank[f.Properties.MustString("level")]] = append(byRank[rank[f.Properties.MustString("level")]], f)
		area[f.Properties.MustString("code")] = planarArea(f.Geometry)
	}
	for r := 1; r < len(rank); r++ {
		if len(byRank[r]) == 0 {
			continue
		}
		kid := map[[2]orb.Point]int{}
		owner := map[[2]orb.Point]string{}
		sum := map[string]float64{}
		for _, f := range byRank[r] {
			for _, e := range edgesOf(f.Geometry) {
				kid[e]++
				owner[e] = f.Properties.MustString("code")
			}
			sum[f.Properties.MustString("parent")] += area[f.Properties.MustString("code")]
		}
		parent := map[[2]orb.Point]int{}
		for _, f := range byRank[r-1] {
			for _, e := range edgesOf(f.Geometry) {
				parent[e]++
			}
		}
		for e, n := range kid {
			if onBorder(e) {
				continue
			}
			// Once, and either shared with a neighbour or on the outline
			// of the level above.
			rev := kid[[2]orb.Point{e[1], e[0]}]
			if n != 1 || rev > 1 || rev == 0 && parent[e] != 1 {
				t.Fatalf("level %d edge %v of %s: used %d times, reversed %d times, %d times by the level above", r, e, owner[e], n, rev, parent[e])
			}
		}
		for e := range parent {
			if !onBorder(e) && kid[e] != 1 {
				t.Fatalf("level %d edge %v is on no child of level %d (a gap)", r-1, e, r)
			}
		}
		for p, s := range sum {
			if a, ok := area[p]; ok && a != s {
				t.Errorf("children of %s cover %g in the tile, the parent %g", p, s, a)
			}
		}
	}
}

func edgesOf(g orb.Geometry) [][2]orb.Point {
	var out [][2]orb.Point
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, pg := range polys {
		for _, r := range pg {
			for k := 0; k+1 < len(r); k++ {
				out = append(out, [2]orb.Point{r[k], r[k+1]})
			}
		}
	}
	return out
}

// planarArea is the shoelace area of a decoded polygon (exteriors
// positive, holes negative, as MVT orients them in tile coordinates).
func planarArea(g orb.Geometry) float64 {
	var a float64
	for _, e := range edgesOf(g) {
		a += e[0][0]*e[1][1] - e[1][0]*e[0][1]
	}
	return a / 2
}

// TestGridsLayerCRS: with crs=gcj02 or bd09 the grid under a point of the
// base map is the grid that owns the point once converted back to WGS-84.
func TestGridsLayerCRS(t *testing.T) {
	ix := demoIndex(t)
	g := tile.NewGrids(ix, tile.Options{})
	i, _ := ix.Lookup("410103100213003")
	label := ix.LabelPoint(i)
	for _, sys := range []crs.System{crs.WGS84, crs.GCJ02, crs.BD09} {
		p := crs.Convert(label, crs.WGS84, sys)
		tl := tile.At(p, 17)
		l := decode(t, g, tl, sys)
		if l == nil {
			t.Fatalf("%s: tile %v empty", sys, tl)
		}
		// p in tile coordinates
		px := mvtPoint(p, tl)
		found := ""
		for _, f := range l.Features {
			if f.Properties.MustString("level") != "grid" {
				continue
			}
			if mp, ok := f.Geometry.(orb.Polygon); ok && planar.PolygonContains(mp, px) {
				found = f.Properties.MustString("code")
			}
		}
		if found != "410103100213003" {
			t.Errorf("%s: the grid under the label point in tile %v is %q, want 410103100213003", sys, tl, found)
		}
	}
}

// mvtPoint projects lon/lat p into tile tl's coordinates the way a map
// client does.
func mvtPoint(p orb.Point, tl tile.Tile) orb.Point {
	l := &mvt.Layer{Name: "p", Version: 2, Extent: tile.Extent, Features: []*geojson.Feature{geojson.NewFeature(p)}}
	l.ProjectToTile(maptileOf(tl))
	return l.Features[0].Geometry.(orb.Point)
}

func TestGridsLayerLeavesIndexAlone(t *testing.T) {
	ix := demoIndex(t)
	i, _ := ix.Lookup("410103")
	before := orb.Clone(ix.Grid(i).Geometry).(orb.MultiPolygon)
	g := tile.NewGrids(ix, tile.Options{})
	for z := uint32(8); z <= 16; z += 2 {
		g.Layer(tile.At(orb.Point{113.62, 34.70}, z), crs.GCJ02)
	}
	if !orb.Equal(before, ix.Grid(i).Geometry) {
		t.Errorf("rendering tiles modified the index's geometry")
	}
}

// FuzzParse: Parse never panics, and what it accepts is in the pyramid.
func FuzzParse(f *testing.F) {
	for _, s := range [][3]string{{"14", "13364", "6503"}, {"0", "0", "0"}, {"22", "4194303", "1"}, {"23", "0", "0"}, {"3", "-1", "x"}, {"", "", ""}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, z, x, y string) {
		tl, err := tile.Parse(z, x, y)
		if err != nil {
			if !errors.Is(err, tile.ErrInvalidTile) {
				t.Fatalf("Parse(%q,%q,%q) error %v does not wrap ErrInvalidTile", z, x, y, err)
			}
			return
		}
		if tl.Z > tile.MaxZoom || uint64(tl.X) >= 1<<tl.Z || uint64(tl.Y) >= 1<<tl.Z {
			t.Fatalf("Parse(%q,%q,%q) = %v, outside the pyramid", z, x, y, tl)
		}
		if strconv.Itoa(int(tl.Z)) != strings.TrimLeft(z, "0") && !(tl.Z == 0 && strings.Trim(z, "0") == "") {
			t.Fatalf("Parse(%q,…) read zoom %d", z, tl.Z)
		}
	})
}

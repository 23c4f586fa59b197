package main

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func TestSpanOps(t *testing.T) {
	const n = 20
	a := []span{{2, 5}, {8, 12}}
	b := []span{{4, 9}, {15, 16}}
	tests := []struct {
		name string
		got  []span
		want []span
	}{
		{"union", union(a, b), []span{{2, 12}, {15, 16}}},
		{"union of touching spans merges", union([]span{{1, 3}}, []span{{3, 5}}), []span{{1, 5}}},
		{"intersect", intersect(a, b), []span{{4, 5}, {8, 9}}},
		{"intersect disjoint", intersect([]span{{0, 2}}, []span{{2, 4}}), nil},
		{"complement", complement(a, n), []span{{0, 2}, {5, 8}, {12, 20}}},
		{"complement of empty", complement(nil, n), []span{{0, 20}}},
		{"subtract", subtract(a, b, n), []span{{2, 4}, {9, 12}}},
		{"expand merges and clamps", expand([]span{{1, 3}, {6, 8}, {18, 19}}, 2, n), []span{{0, 10}, {16, 20}}},
		{"normalize drops empty spans", normalize([]span{{5, 5}, {3, 4}, {1, 3}}), []span{{1, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// cellsOf rasterises polys on a 16-cells-per-degree grid and returns the
// spans of the row whose centre is at lat.
func cellsOf(t *testing.T, lat float64, polys ...orb.Polygon) (grid, []span) {
	t.Helper()
	g, err := newGrid(16)
	if err != nil {
		t.Fatal(err)
	}
	m := newMask(g)
	z := &rasterizer{g: g}
	z.add(m, polys)
	m.normalize()
	return g, m.rows[g.firstRow(lat)]
}

func TestRasterize(t *testing.T) {
	square := orb.Polygon{{{100, 30}, {101, 30}, {101, 31}, {100, 31}, {100, 30}}}
	clockwise := orb.Polygon{{{100, 30}, {100, 31}, {101, 31}, {101, 30}, {100, 30}}}
	withHole := orb.Polygon{square[0], {{100.25, 30.25}, {100.25, 30.75}, {100.75, 30.75}, {100.75, 30.25}, {100.25, 30.25}}}
	// A ring that runs around the square twice: winding number 2 inside.
	twice := orb.Polygon{{{100, 30}, {101, 30}, {101, 31}, {100, 31}, {100, 30}, {101, 30}, {101, 31}, {100, 31}, {100, 30}}}
	// A bow tie: two triangles meeting at (100.5, 30.5).
	bowTie := orb.Polygon{{{100, 30}, {101, 31}, {101, 30}, {100, 31}, {100, 30}}}
	col := func(lon float64) int32 { g, _ := newGrid(16); return g.firstCol(lon) }

	tests := []struct {
		name  string
		polys []orb.Polygon
		lat   float64
		want  []span
	}{
		{"square", []orb.Polygon{square}, 30.5, []span{{col(100), col(101)}}},
		{"clockwise square", []orb.Polygon{clockwise}, 30.5, []span{{col(100), col(101)}}},
		{"row outside", []orb.Polygon{square}, 31.5, nil},
		{"hole", []orb.Polygon{withHole}, 30.5, []span{{col(100), col(100.25)}, {col(100.75), col(101)}}},
		{"below the hole", []orb.Polygon{withHole}, 30.1, []span{{col(100), col(101)}}},
		{"ring around twice", []orb.Polygon{twice}, 30.5, []span{{col(100), col(101)}}},
		// The row centre is at 30.15625°N, where the tie spans
		// [100, 100.15625) and [100.84375, 101).
		{"bow tie near its bottom", []orb.Polygon{bowTie}, 30.15, []span{{col(100), col(100.15625)}, {col(100.84375), col(101)}}},
		{"two squares unite", []orb.Polygon{square, {{{101, 30}, {102, 30}, {102, 31}, {101, 31}, {101, 30}}}}, 30.5, []span{{col(100), col(102)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := cellsOf(t, tt.lat, tt.polys...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("row at %v°N = %v, want %v", tt.lat, got, tt.want)
			}
		})
	}
}

func TestFillHoles(t *testing.T) {
	g, err := newGrid(16)
	if err != nil {
		t.Fatal(err)
	}
	z := &rasterizer{g: g}
	// Two districts side by side with a one-cell-wide slit between them
	// that is closed at both ends by a third: the slit is an enclosed hole.
	land := newMask(g)
	z.add(land, []orb.Polygon{
		{{{100, 30}, {100.5, 30}, {100.5, 31}, {100, 31}, {100, 30}}},
		{{{100.5625, 30}, {101, 30}, {101, 31}, {100.5625, 31}, {100.5625, 30}}},
		{{{100, 29.5}, {101, 29.5}, {101, 30.0625}, {100, 30.0625}, {100, 29.5}}},
		{{{100, 30.9375}, {101, 30.9375}, {101, 31.5}, {100, 31.5}, {100, 30.9375}}},
	})
	land.normalize()
	// A bay open to the outside must stay open.
	z.add(land, []orb.Polygon{{{{110, 30}, {111, 30}, {111, 31}, {110.75, 31}, {110.75, 30.25}, {110.25, 30.25}, {110.25, 31}, {110, 31}, {110, 30}}}})
	land.normalize()
	keepOut := newMask(g)

	holes := fillHoles(g, land, keepOut)
	if len(holes) != 1 {
		t.Fatalf("fillHoles found %d holes, want 1: %+v", len(holes), holes)
	}
	if c := holes[0].centre(g); c[0] < 100.5 || c[0] > 100.5625 || c[1] < 30.0625 || c[1] > 30.9375 {
		t.Errorf("hole centre = %v, want in the slit", c)
	}
	r := g.firstRow(30.5)
	if !land.contains(r, g.firstCol(100.53)) {
		t.Errorf("slit cell not filled")
	}
	if land.contains(g.firstRow(30.75), g.firstCol(110.5)) {
		t.Errorf("bay cell filled, want it left open")
	}

	// The same slit is left open when it touches a keep-out cell.
	land2 := newMask(g)
	for i := range land.rows {
		land2.rows[i] = slices.Clone(land.rows[i])
	}
	land2.rows[r] = subtract(land2.rows[r], []span{{g.firstCol(100.53), g.firstCol(100.53) + 1}}, int32(g.ncols))
	keepOut.rows[r] = []span{{g.firstCol(100.53), g.firstCol(100.53) + 1}}
	if holes := fillHoles(g, land2, keepOut); len(holes) != 0 {
		t.Errorf("fillHoles with a keep-out cell in the hole found %d holes, want 0", len(holes))
	}
}

func TestSeaZone(t *testing.T) {
	g, err := newGrid(1024)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		lon, lat float64
		want     bool
	}{
		{"Shanghai coast", 121.9, 31.0, true},
		{"Shenzhen Bay", 113.95, 22.5, true},
		{"Beihai", 109.1, 21.45, true},
		{"Bohai, Liaodong Bay", 121.5, 40.6, true},
		{"Móng Cái, Vietnam", 107.96, 21.52, false},
		{"Yalu at Dandong", 124.39, 40.12, false},
		{"Amur, Heihe", 127.5, 50.25, false},
		{"Mongolian border", 111.9, 43.6, false},
		{"Hekou", 103.97, 22.51, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zone := seaZone(g, g.firstRow(tt.lat))
			c := g.firstCol(tt.lon)
			got := len(intersect(zone, []span{{c, c + 1}})) > 0
			if got != tt.want {
				t.Errorf("sea zone at %v,%v = %v, want %v", tt.lon, tt.lat, got, tt.want)
			}
		})
	}
}

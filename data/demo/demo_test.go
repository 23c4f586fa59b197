package demo_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
)

var levels = geo.Levels{"district", "street", "community", "grid"}

// loaded is the embedded grids, validated and indexed once for all tests.
var loaded = sync.OnceValues(func() (*geo.Index, error) {
	grids, err := data.ReadGrids(bytes.NewReader(demo.Grids()), data.GridFields{}, 0)
	if err != nil {
		return nil, fmt.Errorf("ReadGrids: %w", err)
	}
	set := &geo.Set{Layer: geo.DefaultLayer, Levels: levels, Grids: grids}
	warns, err := set.Validate()
	if err != nil {
		return nil, fmt.Errorf("Validate: %w", err)
	}
	if len(warns) > 0 {
		return nil, fmt.Errorf("Validate: %d warnings, first %s", len(warns), warns[0])
	}
	return geo.NewIndex(set)
})

func index(t *testing.T) *geo.Index {
	t.Helper()
	ix, err := loaded()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestGridsParseAndValidate(t *testing.T) {
	ix := index(t)
	if got, want := ix.LevelCounts(), []int{1, 16, 176}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("LevelCounts() = %v, want %v and some grids", got, want)
	}
	if len(demo.Grids()) >= 3<<20 {
		t.Errorf("grids.geojson is %d bytes, want < 3 MB", len(demo.Grids()))
	}
}

func TestMetadata(t *testing.T) {
	for name, b := range map[string][]byte{"grids": demo.Grids(), "sites": demo.Sites()} {
		var top struct {
			Type     string `json:"type"`
			Metadata struct {
				CRS       string   `json:"crs"`
				Seed      uint64   `json:"seed"`
				Generator string   `json:"generator"`
				Synthetic []string `json:"synthetic"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(b, &top); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		md := top.Metadata
		if top.Type != "FeatureCollection" || !strings.HasPrefix(md.CRS, "WGS-84") || md.Seed == 0 ||
			!strings.Contains(md.Generator, "tools/mkdemo") || len(md.Synthetic) == 0 {
			t.Errorf("%s: metadata = %+v, want a WGS-84 FeatureCollection with seed, generator and what is synthetic", name, md)
		}
	}
}

func TestHierarchy(t *testing.T) {
	ix := index(t)
	gridCode := regexp.MustCompile(`^\d{15}$`)
	gridName := regexp.MustCompile(`^第[1-8]网格$`)
	for i := range int32(ix.Len()) {
		g := ix.Grid(i)
		kids := ix.Children(i)
		switch g.Level {
		case "district":
			if g.Code != "410103" || g.Name != "二七区" || g.Parent != "" || len(kids) != 16 {
				t.Errorf("district %s %s (parent %q) has %d children, want 410103 二七区, a root with 16", g.Code, g.Name, g.Parent, len(kids))
			}
		case "street":
			if len(g.Code) != 9 || !strings.HasPrefix(g.Code, "410103") || len(kids) == 0 {
				t.Errorf("street %s %s has %d children", g.Code, g.Name, len(kids))
			}
		case "community":
			if len(g.Code) != 12 || !strings.HasPrefix(g.Code, g.Parent) {
				t.Errorf("community %s: parent %s", g.Code, g.Parent)
			}
			if len(kids) < 3 || len(kids) > 8 {
				t.Errorf("community %s %s has %d grids, want 3 to 8", g.Code, g.Name, len(kids))
			}
		case "grid":
			if !gridCode.MatchString(g.Code) || g.Code[:12] != g.Parent || !gridName.MatchString(g.Name) || len(kids) != 0 {
				t.Errorf("grid %s %q (parent %s, %d children): want the community code + 3 digits, 第N网格", g.Code, g.Name, g.Parent, len(kids))
			}
		default:
			t.Errorf("%s: level %q", g.Code, g.Level)
		}
		for _, k := range kids {
			if c := ix.Grid(k); levels.Rank(c.Level) != levels.Rank(g.Level)+1 {
				t.Errorf("%s (%s) has child %s at level %s", g.Code, g.Level, c.Code, c.Level)
			}
		}
	}
}

func TestGridAttributes(t *testing.T) {
	ix := index(t)
	phone := regexp.MustCompile(`^1380000\d{4}$`)
	for i := range int32(ix.Len()) {
		g := ix.Grid(i)
		if g.Level != "grid" {
			continue
		}
		leader, _ := g.Attrs["leader"].(string)
		tel, _ := g.Attrs["leader_phone"].(string)
		members, hh, pop := num(g.Attrs["members"]), num(g.Attrs["households"]), num(g.Attrs["population"])
		if leader == "" || !phone.MatchString(tel) || members < 2 || members > 6 || hh < 200 || hh > 800 || pop < hh {
			t.Errorf("grid %s: leader %q phone %q members %v households %v population %v", g.Code, leader, tel, members, hh, pop)
		}
	}
	// Sums up the hierarchy.
	for i := range int32(ix.Len()) {
		g := ix.Grid(i)
		if len(ix.Children(i)) == 0 {
			continue
		}
		var sum float64
		for _, k := range ix.Children(i) {
			sum += num(ix.Grid(k).Attrs["population"])
		}
		if got := num(g.Attrs["population"]); got != sum {
			t.Errorf("%s %s: population %v, children sum to %v", g.Level, g.Code, got, sum)
		}
	}
}

// num reads a JSON number attribute (ReadGrids keeps them as json.Number).
func num(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case float64:
		return x
	}
	return -1
}

type site struct {
	Properties struct {
		ID       string   `json:"id"`
		Name     string   `json:"name"`
		Kind     string   `json:"kind"`
		Weight   *float64 `json:"weight"`
		Capacity *float64 `json:"capacity"`
	} `json:"properties"`
	Geometry struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	} `json:"geometry"`
}

func TestSites(t *testing.T) {
	ix := index(t)
	var fc struct {
		Type     string `json:"type"`
		Features []site `json:"features"`
	}
	if err := json.Unmarshal(demo.Sites(), &fc); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	ids := map[string]bool{}
	outside := 0
	popByGrid := map[int32]float64{}
	for _, s := range fc.Features {
		p := s.Properties
		count[p.Kind]++
		if ids[p.ID] || p.ID == "" || p.Name == "" {
			t.Errorf("site %q %q: empty or duplicate id or name", p.ID, p.Name)
		}
		ids[p.ID] = true
		if s.Geometry.Type != "Point" || len(s.Geometry.Coordinates) != 2 {
			t.Fatalf("site %s: geometry %s %v", p.ID, s.Geometry.Type, s.Geometry.Coordinates)
		}
		switch p.Kind {
		case "residential", "company", "construction_site":
			if p.Weight == nil || *p.Weight <= 0 {
				t.Errorf("site %s (%s): weight %v", p.ID, p.Kind, p.Weight)
			}
		case "station", "school", "kindergarten", "clinic", "candidate":
			if p.Capacity == nil || *p.Capacity <= 0 {
				t.Errorf("site %s (%s): capacity %v", p.ID, p.Kind, p.Capacity)
			}
		default:
			t.Errorf("site %s: kind %q", p.ID, p.Kind)
		}
		at := orb.Point{s.Geometry.Coordinates[0], s.Geometry.Coordinates[1]}
		res, err := ix.Locate(at, geo.LocateOptions{NearestM: 500})
		if err != nil {
			t.Fatalf("Locate(%v): %v", at, err)
		}
		switch res.Match {
		case geo.MatchInside:
		case geo.MatchNearest:
			outside++
		default:
			t.Errorf("site %s at %v: match %s, want inside the district or within 500 m", p.ID, at, res.Match)
			continue
		}
		if p.Kind == "residential" && res.Match == geo.MatchInside {
			popByGrid[res.Owner] += *p.Weight
		}
	}
	if outside > 5 {
		t.Errorf("%d sites outside the district, want a few", outside)
	}
	if n := count["residential"]; n < 900 || n > 1100 {
		t.Errorf("%d residential sites, want about 1,000", n)
	}
	if n := len(fc.Features) - count["residential"]; n < 200 || n > 800 {
		t.Errorf("%d non-residential sites, want a few hundred", n)
	}
	if n := count["station"]; n < 100 {
		t.Errorf("%d stations, want about one per community", n)
	}
	for _, k := range []string{"school", "kindergarten", "clinic", "company", "construction_site", "candidate"} {
		if count[k] == 0 {
			t.Errorf("no %s sites", k)
		}
	}
	// Residential weights add up to each grid's population.
	for i := range int32(ix.Len()) {
		g := ix.Grid(i)
		if g.Level == "grid" && popByGrid[i] != num(g.Attrs["population"]) {
			t.Errorf("grid %s: residential weights sum to %v, population is %v", g.Code, popByGrid[i], num(g.Attrs["population"]))
		}
	}
	// Some communities lack a station, so coverage analysis has gaps.
	withStation := map[string]bool{}
	for _, s := range fc.Features {
		if s.Properties.Kind == "station" {
			at := orb.Point{s.Geometry.Coordinates[0], s.Geometry.Coordinates[1]}
			res, _ := ix.Locate(at, geo.LocateOptions{Level: "community"})
			if res.Match != geo.MatchNone {
				withStation[ix.Grid(res.Owner).Code] = true
			}
		}
	}
	if n := len(withStation); n == 176 || n < 120 {
		t.Errorf("%d of 176 communities have a station, want most but not all", n)
	}
	t.Logf("sites: %v, %d outside the district", count, outside)
}

func ExampleGrids() {
	grids, err := data.ReadGrids(bytes.NewReader(demo.Grids()), data.GridFields{}, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	byLevel := map[string]int{}
	for _, g := range grids {
		byLevel[g.Level]++
	}
	fmt.Println(grids[0].Code, grids[0].Name, byLevel["street"], "streets,", byLevel["community"], "communities")
	// Output: 410103 二七区 16 streets, 176 communities
}

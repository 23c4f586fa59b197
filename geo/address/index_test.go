package address_test

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/address"
)

// TestFallback checks that answers say honestly how far they got.
func TestFallback(t *testing.T) {
	ix := demoIndex(t)
	tests := []struct {
		name, q   string
		precision address.Precision
		area      string // the code of a coarse answer
		minScore  float64
		maxScore  float64
	}{
		{"building", "郑州市二七区淮河路1号4栋", address.PrecisionBuilding, "", 1, 1},
		{"building unknown: the number", "郑州市二七区淮河路1号99栋", address.PrecisionNumber, "", 0.7, 0.9},
		{"number unknown: the road", "郑州市二七区淮河路999号", address.PrecisionRoad, "", 0.3, 0.6},
		{"community by its short name", "西福民社区", address.PrecisionCommunity, "410103008010", 1, 1},
		{"community spelled out", "西福民社区居民委员会", address.PrecisionCommunity, "410103008010", 1, 1},
		{"community without suffix, street short", "建中街西福民", address.PrecisionCommunity, "410103008010", 0.5, 1},
		{"a grid of a community", "西福民社区第3网格", address.PrecisionGrid, "410103008010003", 1, 1},
		{"street", "二七区侯寨街道", address.PrecisionStreet, "410103015", 1, 1},
		{"district", "二七区", address.PrecisionDistrict, "410103", 1, 1},
		{"unknown road in a known district", "郑州市二七区火星路99号", address.PrecisionDistrict, "410103", 0, 0.3},
		{"a compound's building", "春华华府二号楼", address.PrecisionBuilding, "", 1, 1},
		{"a compound's unknown building: the compound", "春华华府99栋", address.PrecisionPOI, "", 0.4, 0.6},
		{"a number with a compound", "北胜利街1号", address.PrecisionNumber, "", 1, 1},
		{"a road", "北胜利街", address.PrecisionRoad, "", 1, 1},
		{"unit and room are finer than the gazetteer", "康复社区春华华府3栋2单元501室", address.PrecisionBuilding, "", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := ix.Geocode(tt.q, 5)
			if len(ms) == 0 {
				t.Fatalf("Geocode(%q) = nothing", tt.q)
			}
			m := ms[0]
			if m.Precision != tt.precision || (tt.area != "" && m.Area != tt.area) || m.Score < tt.minScore || m.Score > tt.maxScore {
				t.Errorf("Geocode(%q) = %s %q area %q score %v, want %s area %q score in [%v,%v]",
					tt.q, m.Precision, m.Address, m.Area, m.Score, tt.precision, tt.area, tt.minScore, tt.maxScore)
			}
		})
	}
	if ms := ix.Geocode("完全无关的文字", 5); len(ms) != 0 {
		t.Errorf("Geocode(unrelated text) = %v, want nothing", ms)
	}
	if ms := ix.Geocode("   ，。", 5); len(ms) != 0 {
		t.Errorf("Geocode(punctuation) = %v, want nothing", ms)
	}
}

func TestReverse(t *testing.T) {
	ix := demoIndex(t)
	ms := ix.Geocode("郑州市二七区淮河路1号4栋", 1)
	if len(ms) == 0 {
		t.Fatal("no answer")
	}
	p := ms[0].Point
	m, ok := ix.Reverse(orb.Point{p[0] + 0.00001, p[1]})
	if !ok || m.Address != ms[0].Address || m.DistanceM > 2 {
		t.Errorf("Reverse(near %v) = %+v, %v; want %q within 2 m", p, m, ok, ms[0].Address)
	}
	if _, ok := ix.Reverse(orb.Point{0, 0}); ok {
		t.Error("Reverse(0,0) found an address in 二七区")
	}
	if _, ok := ix.Reverse(orb.Point{200, 0}); ok {
		t.Error("Reverse(200,0) answered")
	}
}

func TestEmptyIndex(t *testing.T) {
	ix := address.NewIndex(nil, nil)
	if ms := ix.Geocode("郑州市二七区淮河路1号4栋", 5); len(ms) != 0 {
		t.Errorf("Geocode on an empty index = %v", ms)
	}
	if _, ok := ix.Reverse(orb.Point{113.6, 34.7}); ok {
		t.Error("Reverse on an empty index answered")
	}
}

// TestConcurrent runs Geocode and Reverse from several goroutines on one
// index (run with -race): the index is read-only after NewIndex.
func TestConcurrent(t *testing.T) {
	ix := demoIndex(t)
	want := ix.Geocode("郑州市二七区淮河路1号4栋", 3)
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- true }()
			for range 50 {
				got := ix.Geocode("郑州市二七区淮河路1号4栋", 3)
				if len(got) != len(want) || got[0].Address != want[0].Address {
					t.Errorf("concurrent Geocode = %v, want %v", got, want)
					return
				}
				ix.Reverse(want[0].Point)
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

// TestVillageAndCommunity: 张寨社区 and 张寨村 of one district are two places,
// however each is written.
func TestVillageAndCommunity(t *testing.T) {
	recs := []address.Record{
		{Address: "二七区张寨社区幸福路1号1栋", Point: orb.Point{113.60, 34.70}, Components: address.Components{District: "二七区", Community: "张寨社区居民委员会", Road: "幸福路", Number: "1", Building: "1"}},
		{Address: "二七区张寨村幸福路1号1栋", Point: orb.Point{113.61, 34.71}, Components: address.Components{District: "二七区", Community: "张寨村民委员会", Road: "幸福路", Number: "1", Building: "1"}},
	}
	ix := address.NewIndex(recs, nil)
	tests := []struct{ q, want string }{
		{"张寨社区幸福路1号1栋", "二七区张寨社区幸福路1号1栋"},
		{"张寨社区居民委员会幸福路一号一栋", "二七区张寨社区幸福路1号1栋"},
		{"张寨村幸福路1号1栋", "二七区张寨村幸福路1号1栋"},
		{"张寨村委会 幸福路1号1栋", "二七区张寨村幸福路1号1栋"},
		{"张寨村民委员会幸福路1号1号楼", "二七区张寨村幸福路1号1栋"},
	}
	for _, tt := range tests {
		ms := ix.Geocode(tt.q, 2)
		if len(ms) == 0 || ms[0].Address != tt.want || ms[0].Score != 1 {
			t.Errorf("Geocode(%q) = %+v, want %q with score 1", tt.q, ms, tt.want)
		}
	}
	// written without 社区 or 村, either will do; both are offered
	if ms := ix.Geocode("张寨幸福路1号1栋", 2); len(ms) != 2 {
		t.Errorf("Geocode(张寨…) = %d answers, want both", len(ms))
	}
}

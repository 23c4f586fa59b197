package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// addr is one generated address.
type addr struct {
	Province, City, District, Street, Community string
	Road, Number, Building, POI                 string
	At                                          orb.Point
	comm                                        int32 // the community grid
	street                                      int32
}

func (a *addr) text() string {
	s := a.City + a.District + a.Road + a.Number + "号"
	if a.POI != "" {
		s += a.POI
	}
	if a.Building != "" {
		s += a.Building + "栋"
	}
	return s
}

type output struct {
	geojson, variants []byte
	nAddr, nVar       int
}

var (
	roadHeads = []string{"建设", "文化", "友爱", "光明", "青年", "团结", "朝阳", "新华", "育才", "和平", "胜利", "红旗", "振兴", "前进",
		"向阳", "春晖", "桃源", "杏林", "柳荫", "槐荫", "松柏", "梧桐", "银杏", "丁香", "海棠", "紫薇", "牡丹", "芙蓉", "石榴", "枣园",
		"苗圃", "果园", "纺织", "机电", "铁道", "电厂", "粮库", "砖瓦", "陶瓷", "化工", "仓库", "运河", "清水", "金沙", "玉带", "凤台",
		"龙湖", "虎丘", "鹤鸣", "雁塔", "鸿运", "富民", "安康", "吉祥", "如意", "兴旺", "丰收", "庆丰", "秀水", "锦屏", "翠微", "碧波",
		"望嵩", "连云", "卧龙", "伏牛", "太行", "黄河", "洛河", "颍河", "贾鲁", "须水", "索须", "樱桃", "葡萄", "蔷薇", "茉莉", "月季"}
	roadTails  = []string{"路", "路", "路", "街", "街", "巷", "大道"}
	estateHead = []string{"锦绣", "金水", "嵩阳", "凤凰", "碧云", "春华", "秋实", "幸福", "和谐", "阳光", "翠竹", "紫荆", "桂园", "兴隆", "福寿",
		"安居", "康宁", "文华", "书香", "怡景", "华庭", "盛世", "御景", "泰和", "明珠", "东方", "西城", "南苑", "长青", "馨园", "丽水",
		"康桥", "锦江", "滨河", "嘉和", "瑞祥", "棉纺", "铁路", "电力", "工商", "绿城", "正商", "建业", "永威", "鑫苑", "升龙", "康桥", "亚星"}
	estateTail = []string{"小区", "花园", "家园", "苑", "公寓", "新城", "雅居", "名门", "华府", "佳苑", "新村", "公馆"}
)

// generate makes the address layer and the test set from the demo grids.
func generate(gridsJSON []byte, seed uint64) (*output, error) {
	grids, err := data.ReadGrids(bytes.NewReader(gridsJSON), data.GridFields{}, 0)
	if err != nil {
		return nil, err
	}
	set := &geo.Set{Layer: geo.DefaultLayer, Levels: data.DemoLevels, Grids: grids}
	ix, err := geo.NewIndex(set)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0xad0))
	var district *geo.Grid
	var comms []int32
	for _, gi := range ix.Sorted() {
		g := ix.Grid(gi)
		switch g.Level {
		case "district":
			district = g
		case "community":
			comms = append(comms, gi)
		}
	}
	if district == nil {
		return nil, fmt.Errorf("no district in the grids")
	}
	province, _ := district.Attrs["province"].(string)
	city, _ := district.Attrs["city"].(string)
	usedRoad := map[string]bool{}
	usedEstate := map[string]bool{}
	var all []addr
	firstOfStreet := map[int32]bool{}
	for _, ci := range comms {
		comm := ix.Grid(ci)
		street := ix.Parent(ci)
		var roads []string
		if !firstOfStreet[street] {
			firstOfStreet[street] = true
			sn := ix.Grid(street).Name
			if r, ok := strings.CutSuffix(sn, "街道"); ok && (strings.HasSuffix(r, "路") || strings.HasSuffix(r, "街")) && !usedRoad[r] {
				roads = append(roads, r) // 淮河路街道 has a 淮河路
				usedRoad[r] = true
			}
		}
		for n := 2 + rng.IntN(3); len(roads) < n; {
			r := roadHeads[rng.IntN(len(roadHeads))] + roadTails[rng.IntN(len(roadTails))]
			if rng.IntN(2) == 0 {
				r = []string{"东", "西", "南", "北", "中", "新"}[rng.IntN(6)] + r
			}
			if usedRoad[r] {
				continue
			}
			usedRoad[r] = true
			roads = append(roads, r)
		}
		estate := ""
		for estate == "" || usedEstate[estate] {
			estate = estateHead[rng.IntN(len(estateHead))] + estateTail[rng.IntN(len(estateTail))]
		}
		usedEstate[estate] = true
		estateAt := rng.IntN(len(roads))
		for ri, road := range roads {
			numbers := placeRoad(ix, ci, rng, 3+rng.IntN(6))
			for k, p := range numbers {
				base := addr{Province: province, City: city, District: district.Name, Street: ix.Grid(street).Name,
					Community: comm.Name, Road: road, Number: strconv.Itoa(2*k + 1), At: p, comm: ci, street: street}
				isEstate := ri == estateAt && k == 0
				if !isEstate && rng.Float64() < 0.4 {
					all = append(all, base) // a number without buildings (a shop, a yard)
					continue
				}
				nb := 1 + rng.IntN(5)
				if isEstate {
					nb = 3 + rng.IntN(4)
				}
				for b := 1; b <= nb; b++ {
					a := base
					a.Building = strconv.Itoa(b)
					if isEstate {
						a.POI = estate
					}
					a.At = near(ix, ci, rng, p)
					all = append(all, a)
				}
			}
		}
	}
	gj, err := writeGeoJSON(all, seed)
	if err != nil {
		return nil, err
	}
	vs := makeVariants(all, rng, usedRoad)
	return &output{geojson: gj, variants: vs.csv(), nAddr: len(all), nVar: len(vs)}, nil
}

// inside reports whether p lies in community ci.
func inside(ix *geo.Index, ci int32, p orb.Point) bool {
	o := ix.SiteOwner(p, "")
	return o >= 0 && slices.Contains(ix.Path(o), ci)
}

// metres per degree near the demo.
const (
	mLat = 110950.0
	mLon = 91400.0
)

// placeRoad places n house numbers 20–40 m apart along a line through the
// community, each inside it.
func placeRoad(ix *geo.Index, ci int32, rng *rand.Rand, n int) []orb.Point {
	b := ix.Bound(ci)
	for attempt := 0; ; attempt++ {
		start := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		if !inside(ix, ci, start) {
			if attempt > 2000 {
				return []orb.Point{ix.LabelPoint(ci)}
			}
			continue
		}
		ang := rng.Float64() * math.Pi
		step := 20 + rng.Float64()*20
		if attempt > 200 {
			step = 3 // a tiny community: crowd the numbers
		}
		var out []orb.Point
		for k := 0; k < n; k++ {
			p := orb.Point{round7(start[0] + math.Cos(ang)*step*float64(k)/mLon), round7(start[1] + math.Sin(ang)*step*float64(k)/mLat)}
			if !inside(ix, ci, p) {
				break
			}
			out = append(out, p)
		}
		if len(out) == n || attempt > 400 {
			if len(out) == 0 {
				out = []orb.Point{ix.LabelPoint(ci)}
			}
			return out
		}
	}
}

// near is a point within 40 m of p inside the community (p itself when
// none is found).
func near(ix *geo.Index, ci int32, rng *rand.Rand, p orb.Point) orb.Point {
	for range 20 {
		d, ang := 8+rng.Float64()*32, rng.Float64()*2*math.Pi
		q := orb.Point{round7(p[0] + math.Cos(ang)*d/mLon), round7(p[1] + math.Sin(ang)*d/mLat)}
		if inside(ix, ci, q) {
			return q
		}
	}
	return p
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

// writeGeoJSON writes the layer with its metadata, one feature a line.
func writeGeoJSON(all []addr, seed uint64) ([]byte, error) {
	var b bytes.Buffer
	meta := map[string]any{
		"title":     "二七区 (郑州市, 410103): a made-up address layer for the wangge demo",
		"crs":       "WGS-84 (EPSG:4326), [lon, lat], at most 7 decimals",
		"count":     len(all),
		"generator": fmt.Sprintf("tools/mkaddresses (go run ./tools/mkaddresses -seed %d)", seed),
		"seed":      seed,
		"real":      []string{"province, city, district, street and community names (from the demo grids, which take them from cn-gazetteer.csv, china-division@2.7.0)"},
		"synthetic": []string{"every road, house number, building and residential compound (小区) name, and every position: made up, any resemblance to a real address is chance",
			"streets named after a road (淮河路街道) get that road in their first community, as in real cities"},
	}
	mj, err := json.MarshalIndent(meta, "", " ")
	if err != nil {
		return nil, err
	}
	b.WriteString("{\"type\":\"FeatureCollection\",\n\"metadata\":")
	b.Write(mj)
	b.WriteString(",\n\"features\":[\n")
	for i, a := range all {
		props := []string{"address", a.text(), "street", a.Street, "community", a.Community, "road", a.Road, "number", a.Number}
		if a.Building != "" {
			props = append(props, "building", a.Building)
		}
		if a.POI != "" {
			props = append(props, "poi", a.POI)
		}
		b.WriteString(`{"type":"Feature","properties":{`)
		for k := 0; k < len(props); k += 2 {
			if k > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%q:%q", props[k], props[k+1])
		}
		fmt.Fprintf(&b, `},"geometry":{"type":"Point","coordinates":[%s,%s]}}`,
			strconv.FormatFloat(a.At[0], 'f', -1, 64), strconv.FormatFloat(a.At[1], 'f', -1, 64))
		if i < len(all)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return b.Bytes(), nil
}

// variant is one query of the test set with its expected answer.
type variant struct {
	query, want, precision, how string
}

type variants []variant

func (vs variants) csv() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"query", "want", "want_precision", "variation"}) // want: community|road|number|building
	for _, v := range vs {
		w.Write([]string{v.query, v.want, v.precision, v.how})
	}
	w.Flush()
	return b.Bytes()
}

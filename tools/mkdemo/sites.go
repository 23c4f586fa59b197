package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// siteFeature is one point of sites.geojson.
type siteFeature struct {
	ID, Name, Kind string
	At             pt
	Attrs          []attr // weight and/or capacity
}

var (
	roadNames  = []string{"大学路", "嵩山路", "京广路", "长江路", "航海路", "陇海路", "淮河路", "汝河路", "兴华街", "政通路", "幸福路", "康复路", "民主路", "铭功路", "福华街", "德化街", "建中街", "人和路", "齐礼阎路", "碧云路", "工人路", "棉纺路", "华山路", "桐柏路", "帝湖路", "南四环", "南三环", "芦庄路", "侯寨路", "马寨大道"}
	brandChars = []rune("华中鑫盛豫恒安泰达通金源宏远博信嘉和德兴隆瑞锦新嵩郑商")
	industries = []string{"商贸", "科技", "物流", "建材", "食品", "机械", "服饰", "电子", "餐饮管理", "物业服务", "医药", "广告传媒", "汽车服务", "印刷", "家居"}
	estateTail = []string{"小区", "花园", "家园", "苑", "公寓", "新城", "雅居", "名门", "华府", "佳苑", "新村", "公馆"}
	estateHead = []string{"锦绣", "金水", "嵩阳", "凤凰", "碧云", "春华", "秋实", "幸福", "和谐", "阳光", "翠竹", "紫荆", "桂园", "兴隆", "福寿", "安居", "康宁", "文华", "书香", "怡景", "华庭", "盛世", "御景", "泰和", "明珠", "东方", "西城", "南苑", "长青", "馨园", "丽水", "康桥", "锦江", "滨河", "嘉和", "瑞祥", "棉纺", "铁路", "电力", "工商"}
)

// sitePlan is how many sites of each kind to place, besides the stations
// (about one per community) and the residential points.
var sitePlan = []struct {
	kind string
	n    int
}{
	{"school", 42},
	{"kindergarten", 58},
	{"clinic", 48},
	{"company", 80},
	{"construction_site", 18},
	{"candidate", 36},
}

// residentialTarget is about how many residential points to place.
const residentialTarget = 1000

// siteList collects sites.
type siteList []siteFeature

func (l *siteList) add(kind, name string, at pt, attrs ...attr) {
	*l = append(*l, siteFeature{Kind: kind, Name: name, At: at, Attrs: attrs})
}

// kindOrder is the order of the kinds in the output.
var kindOrder = []string{"station", "school", "kindergarten", "clinic", "company", "construction_site", "candidate", "residential"}

// makeSites places the sites: stations per community, the planned kinds in
// grids chosen by population, a few companies and a construction site just
// outside the district (as real data has them), and residential points whose
// weights add up to each grid's population. Ids are the kind and a number.
func (w *world) makeSites() []siteFeature {
	rng := w.rng("sites", "", 0)
	var grids, comms []int
	for i, f := range w.feats {
		switch f.Level {
		case levelGrid:
			grids = append(grids, i)
		case levelCommunity:
			comms = append(comms, i)
		}
	}
	var out siteList
	noStation := w.placeStations(&out, comms, rng)
	w.noStation = len(noStation)
	w.placePlanned(&out, grids, noStation, rng)
	for k, kind := range []string{"company", "company", "construction_site"} {
		name, attrs := w.siteName(kind, 0, 100+k, rng)
		out.add(kind, name, w.pointOutside(rng), attrs...)
	}
	w.placeResidential(&out, grids, rng)

	slices.SortStableFunc(out, func(a, b siteFeature) int {
		return slices.Index(kindOrder, a.Kind) - slices.Index(kindOrder, b.Kind)
	})
	count := map[string]int{}
	for i := range out {
		count[out[i].Kind]++
		out[i].ID = fmt.Sprintf("%s-%04d", out[i].Kind, count[out[i].Kind])
	}
	return out
}

// placeStations gives about six in seven communities a station (党群服务中心)
// near their middle, and a few populous ones a second, smaller one (驿站). It
// returns the communities left without.
func (w *world) placeStations(out *siteList, comms []int, rng *rand.Rand) []int {
	var none []int
	for _, ci := range comms {
		c := &w.feats[ci]
		short := shortName(c.Name)
		if rng.Float64() < 0.14 {
			none = append(none, ci)
		} else {
			out.add("station", short+"党群服务中心", w.nearMiddle(c.Geom, rng), attr{"capacity", 2000 * (2 + rng.IntN(5))})
		}
		if attrInt(c.Attrs, "population") > 9000 && rng.Float64() < 0.3 {
			out.add("station", short+"网格驿站", w.pointIn(c.Geom, rng), attr{"capacity", 500 * (2 + rng.IntN(5))})
		}
	}
	return none
}

// placePlanned places the kinds of sitePlan in grids drawn by population;
// construction sites where the city's edge grows; candidate places first in
// the communities without a station.
func (w *world) placePlanned(out *siteList, grids, noStation []int, rng *rand.Rand) {
	pop := func(i int) float64 { return float64(attrInt(w.feats[i].Attrs, "population")) }
	edge := func(i int) float64 {
		u := w.urbanity(centroid(w.feats[i].Geom))
		return u * (1 - u) * (1 - u)
	}
	for _, p := range sitePlan {
		for k := range p.n {
			var host int
			switch {
			case p.kind == "candidate" && k < len(noStation):
				host = noStation[k]
			case p.kind == "construction_site":
				host = pick(grids, rng, edge)
			default:
				host = pick(grids, rng, pop)
			}
			at := w.pointIn(w.feats[host].Geom, rng)
			name, attrs := w.siteName(p.kind, host, k, rng)
			out.add(p.kind, name, at, attrs...)
		}
	}
}

// placeResidential splits each grid's population over one or more
// residential points, about residentialTarget in all.
func (w *world) placeResidential(out *siteList, grids []int, rng *rand.Rand) {
	pop := func(i int) int { return attrInt(w.feats[i].Attrs, "population") }
	per := 0.0
	for _, g := range grids {
		per += float64(pop(g))
	}
	per /= residentialTarget
	for _, g := range grids {
		n := max(1, int(math.Round(float64(pop(g))/per)))
		left := pop(g)
		for k := range n {
			wgt := left / (n - k)
			if k < n-1 { // ±30%, and the last takes the rest
				wgt = int(float64(wgt) * (0.7 + 0.6*rng.Float64()))
			}
			left -= wgt
			out.add("residential", w.estateName(g, rng), w.pointIn(w.feats[g].Geom, rng), attr{"weight", wgt})
		}
	}
}

// siteName makes up a name (and weight or capacity) for a site of kind in
// feature host.
func (w *world) siteName(kind string, host, k int, rng *rand.Rand) (string, []attr) {
	comm := shortName(w.feats[w.communityOf(host)].Name)
	road := roadNames[rng.IntN(len(roadNames))]
	switch kind {
	case "school":
		place := placeName(w.feats[w.communityOf(host)].Name)
		if k%3 == 2 {
			return place + []string{"中学", "实验中学"}[rng.IntN(2)], []attr{{"capacity", 100 * (12 + rng.IntN(20))}}
		}
		return place + []string{"小学", "第二小学", "实验小学"}[rng.IntN(3)], []attr{{"capacity", 60 * (10 + rng.IntN(25))}}
	case "kindergarten":
		return comm + []string{"幼儿园", "第一幼儿园", "双语幼儿园", "阳光幼儿园"}[rng.IntN(4)], []attr{{"capacity", 30 * (3 + rng.IntN(10))}}
	case "clinic":
		if strings.HasSuffix(comm, "村") {
			return comm + "卫生室", []attr{{"capacity", 10 * (3 + rng.IntN(6))}}
		}
		return comm + "社区卫生服务站", []attr{{"capacity", 20 * (3 + rng.IntN(12))}}
	case "company":
		b := string([]rune{brandChars[rng.IntN(len(brandChars))], brandChars[rng.IntN(len(brandChars))]})
		return "郑州" + b + industries[rng.IntN(len(industries))] + "有限公司", []attr{{"weight", []int{15, 30, 60, 120, 300, 800}[rng.IntN(6)] + rng.IntN(15)}}
	case "construction_site":
		return []string{road + "改造工程", comm + "安置房项目", road + "地铁站工程", comm + "学校新建工程"}[rng.IntN(4)] + "工地", []attr{{"weight", 30 + 10*rng.IntN(40)}}
	case "candidate":
		return fmt.Sprintf("候选点%d·%s%s", k+1, comm, []string{"闲置用房", "临街商铺", "空地", "物业用房", "老旧厂房"}[rng.IntN(5)]), []attr{{"capacity", 2000 * (2 + rng.IntN(4))}}
	}
	return kind, nil
}

// estateName makes up the name of a housing estate in grid g: a village
// group in the countryside.
func (w *world) estateName(g int, rng *rand.Rand) string {
	c := &w.feats[w.communityOf(g)]
	if attrString(c.Attrs, "kind") == "村" {
		return fmt.Sprintf("%s%d组", shortName(c.Name), 1+rng.IntN(12))
	}
	return estateHead[rng.IntN(len(estateHead))] + estateTail[rng.IntN(len(estateTail))]
}

// communityOf returns the community that holds feature i (itself if it is
// one; the first community below it for a street or the district).
func (w *world) communityOf(i int) int {
	for w.feats[i].Level != levelCommunity {
		if w.feats[i].Level == levelGrid {
			i = w.feats[i].up
		} else {
			i = w.feats[i].children[0]
		}
	}
	return i
}

// pointIn returns a random lattice point strictly inside m.
func (w *world) pointIn(m mpoly, rng *rand.Rand) pt {
	lo, hi := m.bound()
	for {
		p := pt{lo.X + rng.Int64N(hi.X-lo.X+1), lo.Y + rng.Int64N(hi.Y-lo.Y+1)}
		if strictlyInside(m, p) {
			return p
		}
	}
}

// nearMiddle returns the one of a few random points inside m closest to its
// centroid.
func (w *world) nearMiddle(m mpoly, rng *rand.Rand) pt {
	c := toLattice(centroid(m))
	best, bd := pt{}, math.Inf(1)
	for range 6 {
		p := w.pointIn(m, rng)
		if d := math.Hypot(float64(p.X-c.X), float64(p.Y-c.Y)); d < bd {
			best, bd = p, d
		}
	}
	return best
}

// pointOutside returns a point 50 to 300 m outside the district, near its
// north-east (urban) edge.
func (w *world) pointOutside(rng *rand.Rand) pt {
	d := w.feats[0].Geom
	shell := d[0][0]
	for {
		v := shell[rng.IntN(len(shell))]
		if v.deg()[1] < 34.70 {
			continue
		}
		dist := 50 + 250*rng.Float64() // metres
		ang := rng.Float64() * 2 * math.Pi
		q := w.f.fwd(v.deg())
		p := toLattice(w.f.inv(xy{q.X + dist/1000*math.Cos(ang), q.Y + dist/1000*math.Sin(ang)}))
		if !d.covers(p) && distToBoundaryM(d, p, w.f) >= 50 {
			return p
		}
	}
}

func strictlyInside(m mpoly, p pt) bool {
	for _, pg := range m {
		wn, on := pg[0].winding(p)
		if on || wn == 0 {
			continue
		}
		inHole := false
		for _, h := range pg[1:] {
			if wn, on := h.winding(p); on || wn != 0 {
				inHole = true
				break
			}
		}
		if !inHole {
			return true
		}
	}
	return false
}

// distToBoundaryM is the distance from p to the nearest edge of m, metres.
func distToBoundaryM(m mpoly, p pt, f frame) float64 {
	q := f.fwd(p.deg())
	best := math.Inf(1)
	for _, pg := range m {
		for _, r := range pg {
			for i := range r {
				a, b := f.fwd(r[i].deg()), f.fwd(r[(i+1)%len(r)].deg())
				dx, dy := b.X-a.X, b.Y-a.Y
				t := ((q.X-a.X)*dx + (q.Y-a.Y)*dy) / (dx*dx + dy*dy)
				t = max(0, min(1, t))
				best = min(best, math.Hypot(a.X+t*dx-q.X, a.Y+t*dy-q.Y)*1000)
			}
		}
	}
	return best
}

// pick chooses one of items with probability proportional to weight.
func pick(items []int, rng *rand.Rand, weight func(int) float64) int {
	total := 0.0
	for _, i := range items {
		total += weight(i)
	}
	t := rng.Float64() * total
	for _, i := range items {
		if t -= weight(i); t < 0 {
			return i
		}
	}
	return items[len(items)-1]
}

func attrInt(as []attr, key string) int {
	for _, a := range as {
		if a.Key == key {
			if v, ok := a.Val.(int); ok {
				return v
			}
		}
	}
	return 0
}

func attrString(as []attr, key string) string {
	for _, a := range as {
		if a.Key == key {
			if v, ok := a.Val.(string); ok {
				return v
			}
		}
	}
	return ""
}

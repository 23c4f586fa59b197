// Package addrgen generates a synthetic gazetteer of Chinese addresses for
// benchmarks: n addresses over 12 real district names of 郑州市 with made-up
// streets, communities, roads, house numbers and buildings, and queries
// written from them the ways residents write them. The output depends only
// on n and the seed. Points fall in a box around 二七区 (WGS-84), so that
// an import computes owners against the demo boundaries.
package addrgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/address"
)

var (
	districts = []string{"中原区", "二七区", "管城回族区", "金水区", "上街区", "惠济区", "中牟县", "巩义市", "荥阳市", "新密市", "新郑市", "登封市"}
	syll      = []rune("东西南北中新华兴福康和安平阳光明文化建设朝青年团结友爱春晖桃源杏林柳槐松柏梧桐银杏丁香海棠紫薇牡丹芙蓉石榴枣园苗圃果园纺织机电铁道粮库金沙玉带凤台龙湖鸿运富民吉祥如意丰收秀水锦屏翠微碧波望嵩连云卧伏牛太行黄河洛颍贾鲁须索樱桃葡萄蔷薇茉莉月季")
	roadTails = []string{"路", "路", "路", "街", "街", "巷", "大道"}
	commTails = []string{"社区", "社区", "社区", "村"}
)

// Addr is one generated address.
type Addr struct {
	Text  string
	Point orb.Point
	C     address.Components
}

func name(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteRune(syll[rng.IntN(len(syll))])
	}
	return b.String()
}

// Generate makes n addresses: per district 20 streets, per street 20
// communities, per community 5 roads (names drawn from a pool, so a road
// name recurs across districts), 10 odd house numbers per road and 1–9
// buildings per number, until n.
func Generate(n int, seed uint64) []Addr {
	rng := rand.New(rand.NewPCG(seed, 0xadd))
	roads := make([]string, 4000)
	seen := map[string]bool{}
	for i := range roads {
		for {
			r := name(rng, 2+rng.IntN(2)) + roadTails[rng.IntN(len(roadTails))]
			if !seen[r] {
				seen[r], roads[i] = true, r
				break
			}
		}
	}
	out := make([]Addr, 0, n)
	for len(out) < n {
		for di := 0; di < len(districts) && len(out) < n; di++ {
			for si := 0; si < 20 && len(out) < n; si++ {
				street := name(rng, 2+rng.IntN(2)) + "街道"
				for ci := 0; ci < 20 && len(out) < n; ci++ {
					comm := name(rng, 2+rng.IntN(2)) + commTails[rng.IntN(len(commTails))]
					base := orb.Point{113.50 + rng.Float64()*0.2, 34.60 + rng.Float64()*0.18}
					for ri := 0; ri < 5 && len(out) < n; ri++ {
						road := roads[rng.IntN(len(roads))]
						for k := 0; k < 10 && len(out) < n; k++ {
							num := strconv.Itoa(2*k + 1)
							nb := 1 + rng.IntN(9)
							for b := 1; b <= nb && len(out) < n; b++ {
								c := address.Components{Province: "河南省", City: "郑州市", District: districts[di], Street: street,
									Community: comm, Road: road, Number: num, Building: strconv.Itoa(b)}
								p := orb.Point{base[0] + float64(ri)*0.0004 + float64(b)*0.00003, base[1] + float64(k)*0.0003}
								out = append(out, Addr{Text: "郑州市" + districts[di] + road + num + "号" + strconv.Itoa(b) + "栋", Point: p, C: c})
							}
						}
					}
				}
			}
		}
	}
	return out
}

// Query writes a as a resident might: the whole chain, the community and
// the rest, Chinese numerals, 号楼, or one wrong character in the road (kind
// k mod 5).
func Query(a Addr, k int, rng *rand.Rand) string {
	c := a.C
	switch k % 5 {
	case 0:
		return c.City + c.District + c.Street + c.Community + " " + c.Road + c.Number + "号" + c.Building + "栋"
	case 1:
		return c.Community + c.Road + c.Number + "号" + c.Building + "号楼"
	case 2:
		return strings.TrimSuffix(c.District, "区") + c.Community + c.Road + cn(c.Number) + "号" + cn(c.Building) + "栋"
	case 3:
		return c.District + "，" + c.Community + "，" + c.Road + fullWidth(c.Number) + "号 " + fullWidth(c.Building) + "幢"
	}
	rs := []rune(c.Road)
	rs[rng.IntN(len(rs)-1)] = '错'
	return c.District + c.Community + string(rs) + c.Number + "号" + c.Building + "栋"
}

func cn(s string) string {
	n, _ := strconv.Atoi(s)
	d := []rune("零一二三四五六七八九")
	switch {
	case n < 10:
		return string(d[n])
	case n < 20:
		return "十" + strings.TrimPrefix(string(d[n-10]), "零")
	}
	out := string(d[n/10]) + "十"
	if n%10 != 0 {
		out += string(d[n%10])
	}
	return out
}

// CSV writes the addresses as CSV address,lon,lat with the component
// columns.
func CSV(as []Addr, w func(string)) {
	w("address,lon,lat,province,city,district,street,community,road,number,building\n")
	for _, a := range as {
		c := a.C
		w(fmt.Sprintf("%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", a.Text, strconv.FormatFloat(a.Point[0], 'f', 7, 64), strconv.FormatFloat(a.Point[1], 'f', 7, 64),
			c.Province, c.City, c.District, c.Street, c.Community, c.Road, c.Number, c.Building))
	}
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

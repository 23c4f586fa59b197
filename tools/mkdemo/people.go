package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Made-up people: names drawn from common surnames and given-name characters,
// phone numbers from the 1380000xxxx block, each used once.

var surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")

var givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰红梅建国志文俊辉鹏飞丹萍慧颖宇浩凯晨欣怡佳琳雪梅海燕云峰亮斌波宁秀珍春燕立新德胜振华玲瑞翠利")

// people hands out names and phone numbers.
type people struct {
	rng    *rand.Rand
	phones []int // a shuffled 0..9999
	next   int
}

func newPeople(rng *rand.Rand) *people {
	return &people{rng: rng, phones: rng.Perm(10000)}
}

// name returns a made-up two- or three-character name.
func (p *people) name() string {
	var b strings.Builder
	b.WriteRune(surnames[p.rng.IntN(len(surnames))])
	b.WriteRune(givenChars[p.rng.IntN(len(givenChars))])
	if p.rng.IntN(10) < 7 {
		b.WriteRune(givenChars[p.rng.IntN(len(givenChars))])
	}
	return b.String()
}

// phone returns an unused made-up mobile number, 1380000xxxx.
func (p *people) phone() string {
	n := p.phones[p.next%len(p.phones)]
	p.next++
	return fmt.Sprintf("1380000%04d", n)
}

// areaKm2 is the area of m in km², on the local plane of f.
func areaKm2(m mpoly, f frame) float64 {
	return float64(m.area2()) / 2 / (unitsPerDeg * unitsPerDeg) * f.kx * f.ky
}

func round(v float64, decimals int) float64 {
	k := math.Pow(10, float64(decimals))
	return math.Round(v*k) / k
}

// addAttrs gives every feature its attributes: grids their leader (网格长),
// members (网格员), households and population; communities their secretary
// and the sums of their grids; streets and the district the sums of theirs.
func (w *world) addAttrs() {
	ppl := newPeople(w.rng("people", "", 0))
	type sums struct{ households, population int }
	total := make([]sums, len(w.feats))
	for i := len(w.feats) - 1; i >= 0; i-- { // children come after parents
		f := &w.feats[i]
		rng := w.rng("attrs", f.Code, 0)
		if f.Level == levelGrid {
			hh := int(f.share)
			pop := int(math.Round(float64(hh) * (2.5 + 0.6*rng.Float64())))
			members := max(2, min(6, int(math.Round(float64(hh)/150))+rng.IntN(3)-1))
			total[i] = sums{hh, pop}
			f.Attrs = []attr{
				{"leader", ppl.name()},
				{"leader_phone", ppl.phone()},
				{"members", members},
				{"households", hh},
				{"population", pop},
			}
		}
		for _, c := range f.children {
			total[i].households += total[c].households
			total[i].population += total[c].population
		}
		area := attr{"area_km2", round(areaKm2(f.Geom, w.f), 4)}
		switch f.Level {
		case levelCommunity:
			kind := "社区"
			if strings.HasSuffix(f.Name, "村委会") {
				kind = "村"
			}
			f.Attrs = []attr{
				{"short_name", shortName(f.Name)},
				{"kind", kind},
				{"secretary", ppl.name()},
				{"secretary_phone", ppl.phone()},
				{"grids", len(f.children)},
				{"households", total[i].households},
				{"population", total[i].population},
			}
		case levelStreet:
			kind := "街道"
			if strings.HasSuffix(f.Name, "镇") {
				kind = "镇"
			}
			f.Attrs = []attr{
				{"kind", kind},
				{"communities", len(f.children)},
				{"households", total[i].households},
				{"population", total[i].population},
			}
		case levelDistrict:
			f.Attrs = []attr{
				{"city", "郑州市"},
				{"province", "河南省"},
				{"streets", len(f.children)},
				{"households", total[i].households},
				{"population", total[i].population},
			}
		}
		f.Attrs = append(f.Attrs, area)
	}
}

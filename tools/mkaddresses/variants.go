package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// nVariants is the size of the test set.
const nVariants = 640

// wrongChars are the characters a mistyped name gets.
var wrongChars = []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经")

// makeVariants writes addresses the ways people write them, each with the
// answer it should get.
func makeVariants(all []addr, rng *rand.Rand, roads map[string]bool) variants {
	var out variants
	kinds := []string{"fullwidth", "numerals", "building-word", "no-prefix", "short-names", "long-names", "spaces", "wrong-char", "unknown-building", "number-only"}
	for len(out) < nVariants {
		a := all[rng.IntN(len(all))]
		how := []string{kinds[len(out)%len(kinds)]}
		if rng.IntN(3) == 0 { // a second variation on top
			if k := kinds[rng.IntN(len(kinds)-2)]; k != how[0] {
				how = append(how, k)
			}
		}
		v, ok := write(a, how, rng, roads)
		if !ok {
			continue
		}
		out = append(out, v)
	}
	return out
}

// parts of an address as a resident writes it.
type parts struct {
	prefix    []string // province, city, district
	street    string
	community string
	road      string
	number    string
	poi       string
	building  string
	sep       string
}

func has(how []string, k string) bool {
	for _, h := range how {
		if h == k {
			return true
		}
	}
	return false
}

func write(a addr, how []string, rng *rand.Rand, roads map[string]bool) (variant, bool) {
	want := variant{precision: "building"}
	if a.Building == "" {
		want.precision = "number"
	}
	if has(how, "number-only") != (a.Building == "") {
		return variant{}, false // number-only variants are drawn from numbers without buildings and only those
	}
	bnum := a.Building // the building asked for
	if has(how, "unknown-building") {
		if a.Building == "" {
			return variant{}, false
		}
		bnum = strconv.Itoa(90 + rng.IntN(9))
		want.precision = "number"
	}
	p := parts{prefix: []string{a.City, a.District}, street: a.Street, community: shortComm(a.Community),
		road: a.Road, number: a.Number + "号", building: ""}
	if bnum != "" {
		p.building = bnum + "栋"
	}
	switch rng.IntN(4) { // how much of the chain people write
	case 0:
		p.prefix = []string{a.Province, a.City, a.District}
	case 1:
		p.street = ""
	case 2:
		p.street, p.community = "", ""
	}
	if a.POI != "" && rng.IntN(2) == 0 {
		p.poi = a.POI
	}
	for _, h := range how {
		switch h {
		case "fullwidth":
			p.number = fullWidth(p.number)
			p.building = fullWidth(p.building)
		case "numerals":
			p.number = cnNumber(a.Number) + "号"
			if bnum != "" {
				p.building = cnNumber(bnum) + "栋"
			}
		case "building-word":
			if bnum == "" {
				return variant{}, false
			}
			p.building = bnum + []string{"号楼", "幢", "号楼", "座"}[rng.IntN(4)]
		case "no-prefix":
			p.prefix = nil
			if rng.IntN(2) == 0 {
				p.street = ""
			}
		case "short-names":
			p.prefix = []string{strings.TrimSuffix(a.City, "市"), strings.TrimSuffix(a.District, "区")}
			p.street = strings.TrimSuffix(a.Street, "街道")
			p.community = strings.TrimSuffix(shortComm(a.Community), "社区")
			if p.street == a.Road {
				p.street = "" // 淮河路 (the street) right before a road is too ambiguous to ask
			}
		case "long-names":
			p.street = strings.TrimSuffix(a.Street, "街道") + "街道办事处"
			if strings.HasSuffix(a.Street, "镇") {
				p.street = a.Street
			}
			p.community = a.Community
		case "spaces":
			p.sep = []string{" ", "，", "  ", "、"}[rng.IntN(4)]
		case "wrong-char":
			if rng.IntN(2) == 0 && p.community != "" && len([]rune(p.community)) >= 4 {
				p.community = mistype(p.community, len([]rune(p.community))-2, rng)
			} else {
				r := mistype(a.Road, len([]rune(a.Road))-len([]rune(roadTail(a.Road))), rng)
				if roads[r] || containsRoad(r, roads) || nearRoad(r, a.Road, roads) {
					// another road as typed (or inside what was typed, as
					// 机电街 in 定机电街 for 北机电街): not one wrong
					// character any more, but another address
					return variant{}, false
				}
				p.road = r
			}
		}
	}
	var segs []string
	segs = append(segs, p.prefix...)
	for _, s := range []string{p.street, p.community, p.road + p.number, p.poi, p.building} {
		if s != "" {
			segs = append(segs, s)
		}
	}
	q := strings.Join(segs, p.sep)
	if p.sep == "" && rng.IntN(3) == 0 {
		q = strings.Join(segs[:len(segs)-1], "") + " " + segs[len(segs)-1]
	}
	want.query = q
	want.how = strings.Join(how, "+")
	want.want = strings.Join([]string{a.Community, a.Road, a.Number, a.Building}, "|")
	if want.precision == "number" {
		want.want = strings.Join([]string{a.Community, a.Road, a.Number, ""}, "|")
	}
	return want, true
}

// shortComm is 西福民社区 for 西福民社区居民委员会 (and 郭村 for 郭村村民委员会).
func shortComm(name string) string {
	if s, ok := strings.CutSuffix(name, "居民委员会"); ok {
		return s
	}
	if s, ok := strings.CutSuffix(name, "村民委员会"); ok {
		if strings.HasSuffix(s, "村") {
			return s
		}
		return s + "村"
	}
	return name
}

// containsRoad reports whether one of roads is written inside s.
func containsRoad(s string, roads map[string]bool) bool {
	for r := range roads {
		if strings.Contains(s, r) {
			return true
		}
	}
	return false
}

// nearRoad reports whether s is within one wrong character of a road other
// than own (大水街 for 须水街 is as near 秀水街).
func nearRoad(s, own string, roads map[string]bool) bool {
	rs := []rune(s)
	for r := range roads {
		o := []rune(r)
		if r == own || len(o) != len(rs) {
			continue
		}
		diff := 0
		for i := range o {
			if o[i] != rs[i] {
				diff++
			}
		}
		if diff <= 1 {
			return true
		}
	}
	return false
}

func roadTail(r string) string {
	for _, t := range []string{"大道", "路", "街", "巷"} {
		if strings.HasSuffix(r, t) {
			return t
		}
	}
	return ""
}

// mistype replaces one of the first n characters of s.
func mistype(s string, n int, rng *rand.Rand) string {
	rs := []rune(s)
	if n < 1 {
		return s
	}
	i := rng.IntN(n)
	for {
		c := wrongChars[rng.IntN(len(wrongChars))]
		if c != rs[i] {
			rs[i] = c
			return string(rs)
		}
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

// cnNumber writes n in Chinese numerals: 3 三, 12 十二, 25 二十五, 105 一百零五.
func cnNumber(s string) string {
	n, _ := strconv.Atoi(s)
	d := []rune("零一二三四五六七八九")
	switch {
	case n < 10:
		return string(d[n])
	case n < 20:
		if n == 10 {
			return "十"
		}
		return "十" + string(d[n-10])
	case n < 100:
		out := string(d[n/10]) + "十"
		if n%10 != 0 {
			out += string(d[n%10])
		}
		return out
	}
	out := string(d[n/100]) + "百"
	if r := n % 100; r != 0 {
		if r < 10 {
			out += "零" + string(d[r])
		} else {
			out += string(d[r/10]) + "十"
			if r%10 != 0 {
				out += string(d[r%10])
			}
		}
	}
	return out
}

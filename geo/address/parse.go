package address

import "strings"

// Components are the parts of a Chinese address, coarsest first. Number is
// the house number without 号 ("12", "12-1"), Building the building without
// 栋 ("3", "A"), Unit the unit without 单元; the others are names as written
// ("二七区", "淮河路街道", "西福民社区", "幸福路", "幸福小区"). Empty means
// unknown.
type Components struct {
	Province  string `json:"province,omitempty"`
	City      string `json:"city,omitempty"`
	District  string `json:"district,omitempty"`
	Street    string `json:"street,omitempty"`
	Community string `json:"community,omitempty"`
	Road      string `json:"road,omitempty"`
	Number    string `json:"number,omitempty"`
	Building  string `json:"building,omitempty"`
	Unit      string `json:"unit,omitempty"`
	POI       string `json:"poi,omitempty"`
}

// Field names of Components, in order, as the CSV columns and GeoJSON
// properties of a gazetteer name them.
var Fields = [nKinds]string{"province", "city", "district", "street", "community", "road", "number", "building", "unit", "poi"}

// kind numbers the components, in Fields order.
type kind uint8

const (
	kProvince kind = iota
	kCity
	kDistrict
	kStreet
	kCommunity
	kRoad
	kNumber
	kBuilding
	kUnit
	kPOI
	nKinds
)

// Get returns the component named by Fields[k].
func (c *Components) Get(k int) string { return *c.ptr(kind(k)) }

// Set sets the component named by Fields[k].
func (c *Components) Set(k int, v string) { *c.ptr(kind(k)) = v }

func (c *Components) ptr(k kind) *string {
	switch k {
	case kProvince:
		return &c.Province
	case kCity:
		return &c.City
	case kDistrict:
		return &c.District
	case kStreet:
		return &c.Street
	case kCommunity:
		return &c.Community
	case kRoad:
		return &c.Road
	case kNumber:
		return &c.Number
	case kBuilding:
		return &c.Building
	case kUnit:
		return &c.Unit
	}
	return &c.POI
}

// Merge returns c with every empty component taken from o.
func (c Components) Merge(o Components) Components {
	for k := range int(nKinds) {
		if c.Get(k) == "" {
			c.Set(k, o.Get(k))
		}
	}
	return c
}

// Parse splits an address into components by its words alone, without a
// gazetteer: province (…省, …自治区, or a municipality 北京市 上海市 天津市
// 重庆市), city (…市, …自治州, …地区, …盟), district (…区, …县, …旗, a second
// …市), street (…街道, …镇, …乡), community (…社区, …居委会, …居民委员会, …村,
// …村委会), road (…路, …街, …大道, …道, …巷, …胡同, …弄), number (digits then
// 号), building (digits or a letter then 栋, after Normalize), unit (digits
// then 单元); text between the road and the house parts, or in place of a
// road, is the POI (小区, 大厦, ...). Parts must come coarsest first; a part
// written without its suffix (二七 for 二七区) is not recognised here (the
// Index recognises it by its gazetteer). The input need not be normalised.
func Parse(s string) Components {
	return parseNormalized(Normalize(s))
}

func parseNormalized(n string) Components {
	var c Components
	head, house := splitHouse(n)
	c.Number, c.Building, c.Unit, c.POI = houseParts(house)
	rest := []rune(head)
	take := func(k int) string {
		s := string(rest[:k])
		rest = rest[k:]
		return s
	}
	if k := municipality(rest); k > 0 {
		c.Province = take(k)
		c.City = c.Province
	} else if k := suffixAt(rest, 10, []string{"自治区", "省"}, nil); k > 0 {
		c.Province = take(k)
	}
	if c.City == "" {
		if k := suffixAt(rest, 10, []string{"自治州", "地区", "盟", "市"}, []string{"市场"}); k > 0 {
			c.City = take(k)
		}
	}
	if k := suffixAt(rest, 8, []string{"区", "县", "旗", "市"}, []string{"社区", "小区", "园区", "校区", "景区", "市场", "街区", "新区路"}); k > 0 {
		c.District = take(k)
	}
	if k := suffixAt(rest, 12, []string{"街道办事处", "街道", "镇", "乡"}, nil); k > 0 {
		c.Street = take(k)
	}
	if k := suffixAt(rest, 14, []string{"社区居民管理委员会", "居民管理委员会", "社区居民委员会", "居民委员会", "村民委员会", "居委会", "村委会", "社区", "村"}, nil); k > 0 {
		c.Community = take(k)
	}
	if k := lastRoadEnd(rest); k > 0 {
		c.Road = take(k)
	}
	if len(rest) > 0 {
		if c.POI != "" {
			c.POI = string(rest) + c.POI
		} else {
			c.POI = string(rest)
		}
	}
	return c
}

// municipality returns the length of a leading 北京市/上海市/天津市/重庆市.
func municipality(rs []rune) int {
	for _, m := range []string{"北京市", "上海市", "天津市", "重庆市"} {
		if hasPrefixRunes(rs, m) {
			return 3
		}
	}
	return 0
}

// roadStop are the characters that, right after a suffix, show the suffix is
// part of a longer name (新区路, 马村街).
const roadStop = "路街道巷大"

// suffixAt returns the end (in runes) of the first of suffixes ending within
// the first max runes of rs, unless the match is one of not or is followed
// by a road word; 0 when none.
func suffixAt(rs []rune, max int, suffixes, not []string) int {
	limit := min(len(rs), max)
	for end := 2; end <= limit; end++ {
		for _, suf := range suffixes {
			n := runeCount(suf)
			if end < n+1 || !hasPrefixRunes(rs[end-n:], suf) {
				continue
			}
			sr := rs[end-n : end]
			if end < len(rs) && strings.ContainsRune(roadStop, rs[end]) {
				continue
			}
			bad := false
			for _, n := range not {
				nn := runeCount(n)
				for off := 0; off < nn && !bad; off++ {
					st := end - len(sr) - off
					if st >= 0 && hasPrefixRunes(rs[st:], n) && st+nn >= end {
						bad = true
					}
				}
			}
			if !bad {
				return extendSuffix(rs, end-len(sr), end, suffixes)
			}
		}
	}
	return 0
}

// runeCount is utf8.RuneCountInString for the short suffixes here.
func runeCount(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// extendSuffix widens a suffix match [st,end) to a longer suffix of the list
// written at the same place (社区 → 社区居民委员会).
func extendSuffix(rs []rune, st, end int, suffixes []string) int {
	for _, suf := range suffixes {
		if n := runeCount(suf); st+n > end && hasPrefixRunes(rs[st:], suf) {
			end = st + n
		}
	}
	return end
}

// roadSuffixes end road names, longest first.
var roadSuffixes = []string{"大道", "大街", "胡同", "路", "街", "道", "巷", "弄"}

// lastRoadEnd returns the end of the last road word in rs (0 when none), so
// that 淮河路 in 淮河路幸福小区 is the road and 幸福小区 the POI.
func lastRoadEnd(rs []rune) int {
	for end := len(rs); end >= 2; end-- {
		for _, suf := range roadSuffixes {
			n := runeCount(suf)
			if end-n >= 1 && hasPrefixRunes(rs[end-n:], suf) {
				return end
			}
		}
	}
	return 0
}

// splitHouse splits a normalised address at its house part: digits (or a
// letter) followed by 号, 栋 or 单元. Of several, the first right after a road
// word (路 街 道 巷 弄) wins, else the first: the 1号 of 长江1号社区 is a name.
func splitHouse(n string) (head, house string) {
	rs := []rune(n)
	starts := houseStarts(rs)
	if len(starts) == 0 {
		return n, ""
	}
	at := starts[0]
	for _, i := range starts {
		if afterRoadWord(rs, i) {
			at = i
			break
		}
	}
	return string(rs[:at]), string(rs[at:])
}

// afterRoadWord reports whether rs[i] follows a road word (路 街 道 巷 弄,
// but not the 道 of 街道).
func afterRoadWord(rs []rune, i int) bool {
	if i == 0 || !strings.ContainsRune("路街道巷弄", rs[i-1]) {
		return false
	}
	return !(rs[i-1] == '道' && i >= 2 && rs[i-2] == '街')
}

// houseStarts are the rune positions where a house part may start.
func houseStarts(rs []rune) []int {
	var out []int
	for i := 0; i < len(rs); i++ {
		if !isDigit(rs[i]) && !isLetter(rs[i]) {
			continue
		}
		if i > 0 && (isDigit(rs[i-1]) || isLetter(rs[i-1]) || rs[i-1] == '-') {
			continue
		}
		j := i
		for j < len(rs) && (isDigit(rs[j]) || isLetter(rs[j]) || rs[j] == '-') {
			j++
		}
		if j < len(rs) && (rs[j] == '号' || rs[j] == '栋' || hasPrefixRunes(rs[j:], "单元")) {
			out = append(out, i)
		}
	}
	return out
}

// houseParts reads number (…号), building (…栋) and unit (…单元) from the
// house part of a normalised address; other text in it is returned as poi.
func houseParts(h string) (number, building, unit, poi string) {
	rs := []rune(h)
	var other []rune
	for i := 0; i < len(rs); {
		if isDigit(rs[i]) || isLetter(rs[i]) {
			j := i
			for j < len(rs) && (isDigit(rs[j]) || isLetter(rs[j]) || rs[j] == '-') {
				j++
			}
			tok := string(rs[i:j])
			switch {
			case j < len(rs) && rs[j] == '号' && number == "" && building == "":
				number = tok
				i = j + 1
				continue
			case j < len(rs) && rs[j] == '栋' && building == "":
				building = tok
				i = j + 1
				continue
			case hasPrefixRunes(rs[j:], "单元") && unit == "":
				unit = tok
				i = j + 2
				continue
			case j < len(rs) && (rs[j] == '室' || rs[j] == '层' || rs[j] == '楼'):
				i = j + 1 // room and floor: finer than the gazetteer
				continue
			}
			if number != "" || building != "" || unit != "" {
				i = j // trailing digits (a room without 室)
				continue
			}
			other = append(other, rs[i:j]...)
			i = j
			continue
		}
		if number != "" && building == "" && unit == "" {
			other = append(other, rs[i])
		}
		i++
	}
	return number, building, unit, string(other)
}

package address

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// weights of the components in a score: the house parts weigh most.
var weights = [nKinds]float64{kProvince: 0.5, kCity: 0.5, kDistrict: 1, kStreet: 1, kCommunity: 1.5,
	kRoad: 3, kNumber: 3, kBuilding: 2, kUnit: 0, kPOI: 2}

// Credit of a component in a score: exact, one character off in a name of
// five or more characters (shorter ones get less, see fuzzyCredit), and an
// administrative name the answer does not know (neither agrees nor
// contradicts).
const (
	creditExact   = 1.0
	creditFuzzy   = 0.85
	creditUnknown = 0.5
	gridWeight    = 1.0
)

// hit is a name found in the query: runes [st,en) of the head stand for
// target t.
type hit struct {
	st, en int
	t      target
	fuzzy  bool
}

// query is a parsed query: per kind, the keys it names and whether one
// character was off.
type query struct {
	given   [nKinds]bool
	keys    [nKinds][]int32
	credits [nKinds][]float64 // per key: creditExact, or fuzzyCredit of a name one character off
	grid    string            // a 第N网格 named in the text, normalised
	hasGrd  bool
}

func (q *query) add(k kind, id int32, credit float64) {
	q.given[k] = true
	if i := slices.Index(q.keys[k], id); i >= 0 {
		q.credits[k][i] = max(q.credits[k][i], credit)
		return
	}
	q.keys[k] = append(q.keys[k], id)
	q.credits[k] = append(q.credits[k], credit)
}

// fuzzyCredit is the credit of a name of n characters matched with one
// wrong, missing or extra character: one of three characters is a third of
// the name (幸福路 for 银福路), one of six much less.
func fuzzyCredit(n int) float64 {
	switch {
	case n <= 3:
		return 0.5
	case n == 4:
		return 0.7
	}
	return creditFuzzy
}

// credit is how well key id of kind k meets the query: 0 when it
// contradicts it or is missing.
func (q *query) credit(k kind, id int32) float64 {
	if id == 0 {
		if isAdmin(k) {
			return creditUnknown
		}
		return 0
	}
	if i := slices.Index(q.keys[k], id); i >= 0 {
		return q.credits[k][i]
	}
	return 0
}

// score of an answer with components c (and grid: whether it is the grid
// the query names).
func (q *query) score(c *[nKinds]int32, grid bool) float64 {
	var num, den float64
	for k := range nKinds {
		if !q.given[k] || weights[k] == 0 {
			continue
		}
		den += weights[k]
		num += weights[k] * q.credit(k, c[k])
	}
	if q.hasGrd {
		den += gridWeight
		if grid {
			num += gridWeight
		}
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// Geocode finds the addresses (and hierarchy names) best matching text q,
// best first, at most limit (≥ 1). It returns nil when nothing matches.
func (ix *Index) Geocode(q string, limit int) []Match {
	n := Normalize(q)
	if n == "" || limit < 1 {
		return nil
	}
	all, offs := ix.hits(n)
	at := ix.houseAt(n, offs, all)
	head, house := n[:offs[at]], n[offs[at]:]
	hs := all[:0:0]
	for _, h := range all {
		if h.en <= at {
			hs = append(hs, h)
		}
	}
	offs = offs[:at+1]
	qq := &query{}
	number, building, unit, housePOI := houseParts(house)
	for _, hp := range []struct {
		k kind
		v string
	}{{kNumber, number}, {kBuilding, building}, {kUnit, unit}} {
		if hp.v != "" {
			qq.add(hp.k, ix.strID[hp.v], creditExact) // 0 when unknown: never matches
		}
	}
	hs = append(hs, ix.fuzzyHits(head, offs, hs)...)
	road := chooseRoad(hs)
	hs = dropOverlapping(hs, road)
	for _, h := range hs {
		c := creditExact
		if h.fuzzy {
			c = fuzzyCredit(h.en - h.st)
		}
		qq.add(h.t.k, h.t.id, c)
	}
	if housePOI != "" {
		if ts, ok := ix.exact[housePOI]; ok {
			for _, t := range ts {
				if t.k == kPOI {
					qq.add(kPOI, t.id, creditExact)
				}
			}
		} else {
			qq.given[kPOI] = true
		}
	}
	if i := strings.Index(head, "网格"); i > 0 {
		qq.grid, qq.hasGrd = gridName(head[:i+len("网格")]), true
		head = strings.Replace(head, qq.grid, "", 1)
	}
	ix.unknownParts(qq, head)
	return ix.answers(qq, limit)
}

// houseAt is the rune position where the house part of n starts (len when
// there is none): the first place houseStarts finds that is not inside a
// name of the gazetteer (长江1号社区), preferring one right after a road word.
func (ix *Index) houseAt(n string, offs []int, hs []hit) int {
	rs := []rune(n)
	first := -1
	for _, i := range houseStarts(rs) {
		inside := false
		for _, h := range hs {
			if h.st <= i && i < h.en {
				inside = true
				break
			}
		}
		if inside {
			continue
		}
		if afterRoadWord(rs, i) {
			return i
		}
		if first < 0 {
			first = i
		}
	}
	if first < 0 {
		return len(offs) - 1
	}
	return first
}

// gridName is the 第N网格 (or other name) ending s: the digits or letters
// before 网格, with 第 when written.
func gridName(s string) string {
	rs := []rune(s)
	i := len(rs) - 2
	for i > 0 && (isDigit(rs[i-1]) || isLetter(rs[i-1])) {
		i--
	}
	if i > 0 && rs[i-1] == '第' {
		i--
	}
	return string(rs[i:])
}

// hits finds every alias written in head, dropping those inside a longer
// one; offs are the byte offsets of head's runes (and its length).
func (ix *Index) hits(head string) ([]hit, []int) {
	offs := make([]int, 0, len(head)/3+1)
	for i := range head {
		offs = append(offs, i)
	}
	offs = append(offs, len(head))
	nr := len(offs) - 1
	var hs []hit
	for st := 0; st < nr; st++ {
		for en := st + 2; en <= nr && en-st <= ix.maxAlias; en++ {
			for _, t := range ix.exact[head[offs[st]:offs[en]]] {
				hs = append(hs, hit{st: st, en: en, t: t})
			}
		}
	}
	return maximal(hs), offs
}

// maximal drops the hits lying strictly inside a longer hit.
func maximal(hs []hit) []hit {
	out := hs[:0:0]
	for i, h := range hs {
		inside := false
		for j, o := range hs {
			if i != j && o.st <= h.st && h.en <= o.en && o.en-o.st > h.en-h.st {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, h)
		}
	}
	return out
}

// chooseRoad picks the road hit nearest the end of the head (right before
// the house number), not followed by a street or community name; of those ending there, the longest, then an exact one;
// nil when there is none.
func chooseRoad(hs []hit) *hit {
	var best *hit
	for i := range hs {
		h := &hs[i]
		if h.t.k != kRoad || beforeAdmin(hs, h) {
			continue
		}
		if best == nil || h.en > best.en || (h.en == best.en && h.st < best.st) || (h.en == best.en && h.st == best.st && !h.fuzzy && best.fuzzy) {
			best = h
		}
	}
	if best == nil {
		return nil
	}
	r := *best
	return &r
}

// beforeAdmin reports whether a street or community is named after road hit
// h: then h is a street written short (建中街 for 建中街街道 in 建中街西福民),
// not the road.
func beforeAdmin(hs []hit, h *hit) bool {
	for _, o := range hs {
		if (o.t.k == kStreet || o.t.k == kCommunity) && o.st >= h.en {
			return true
		}
	}
	return false
}

// dropOverlapping keeps the road hits overlapping road (the road as written,
// and the roads one character away: all are asked for, the house number and
// the community decide) and the other hits not overlapping any of them;
// road hits elsewhere are street names written short, or noise.
func dropOverlapping(hs []hit, road *hit) []hit {
	if road == nil { // every road hit, if any, names a street
		out := hs[:0:0]
		for _, h := range hs {
			if h.t.k != kRoad {
				out = append(out, h)
			}
		}
		return out
	}
	st, en := road.st, road.en
	for _, h := range hs {
		if h.t.k == kRoad && h.st < road.en && road.st < h.en {
			st, en = min(st, h.st), max(en, h.en)
		}
	}
	out := hs[:0:0]
	for _, h := range hs {
		over := h.st < en && st < h.en
		switch {
		case h.t.k == kRoad && h.st < road.en && road.st < h.en:
			out = append(out, h)
		case over, h.t.k == kRoad:
		default:
			out = append(out, h)
		}
	}
	return out
}

// fuzzyHits looks for names within one character of text no exact hit
// covers: around each uncovered stretch, substrings holding at least one
// uncovered character (the wrong character may sit next to correct ones:
// 西福民社去 leaves only 去 uncovered).
func (ix *Index) fuzzyHits(head string, offs []int, hs []hit) []hit {
	nr := len(offs) - 1
	covered := make([]bool, nr)
	for _, h := range hs {
		for i := h.st; i < h.en; i++ {
			covered[i] = true
		}
	}
	var out []hit
	budget := fuzzyBudget
	for st := 0; st < nr; {
		if covered[st] {
			st++
			continue
		}
		en := st
		for en < nr && !covered[en] {
			en++
		}
		if nr >= fuzzyMin-1 && en-st <= budget {
			budget -= en - st
			out = append(out, ix.fuzzySpan(head, offs, max(0, st-fuzzyReach), min(nr, en+fuzzyReach), covered, hs)...)
		}
		st = en
	}
	return out
}

// The search for names one character off looks at most fuzzyReach
// characters either side of text no name covers, and at no more than
// fuzzyBudget uncovered characters per query in all: a mistyped name is a
// few characters, and long unknown text (up to the 200 characters a query
// may have) must not cost much.
const (
	fuzzyReach  = 6
	fuzzyBudget = 24
)

// fuzzySpan finds the names within one edit of substrings of runes [st,en),
// keeping the longest non-overlapping ones.
func (ix *Index) fuzzySpan(head string, offs []int, st, en int, covered []bool, exact []hit) []hit {
	rs := []rune(head[offs[st]:offs[en]])
	var cands []hit
	buf := make([]rune, 0, ix.maxAlias+1)
	seen := map[hit]bool{}
	try := func(i, j int, s string, probe []rune) {
		check := func(ai int32) {
			a := ix.aliasKey[ai]
			if !editDistance1(ix.aliasRunes[ai], probe) {
				return
			}
			for _, t := range ix.exact[a] {
				h := hit{st: st + i, en: st + j, t: t, fuzzy: true}
				if !seen[h] {
					seen[h] = true
					cands = append(cands, h)
				}
			}
		}
		for _, ai := range ix.dels[s] {
			check(ai)
		}
	}
	for i := 0; i < len(rs); i++ {
		for j := i + fuzzyMin - 1; j <= len(rs) && j-i <= ix.maxAlias+1; j++ {
			if !slices.Contains(covered[st+i:st+j], false) {
				continue
			}
			sub := rs[i:j]
			s := string(sub)
			if _, ok := ix.exact[s]; ok {
				continue // an exact hit already (or a part of one)
			}
			try(i, j, s, sub)
			for d := range sub {
				buf = append(append(buf[:0], sub[:d]...), sub[d+1:]...)
				ds := string(buf)
				if ts, ok := ix.exact[ds]; ok && len(buf) >= fuzzyMin {
					for _, t := range ts {
						h := hit{st: st + i, en: st + j, t: t, fuzzy: true}
						if !seen[h] {
							seen[h] = true
							cands = append(cands, h)
						}
					}
				}
				for _, ai := range ix.dels[ds] {
					if editDistance1(ix.aliasRunes[ai], sub) {
						for _, t := range ix.exact[ix.aliasKey[ai]] {
							h := hit{st: st + i, en: st + j, t: t, fuzzy: true}
							if !seen[h] {
								seen[h] = true
								cands = append(cands, h)
							}
						}
					}
				}
			}
		}
	}
	// those covering the most uncovered text first, then the longest; drop
	// those overlapping an exact hit at least as long, or of the same name
	// (二七区松 is 二七区 and a stray character), or a pick before them
	uncovered := func(h hit) int {
		n := 0
		for i := h.st; i < h.en; i++ {
			if !covered[i] {
				n++
			}
		}
		return n
	}
	slices.SortStableFunc(cands, func(a, b hit) int {
		if c := cmp.Compare(uncovered(b), uncovered(a)); c != 0 {
			return c
		}
		return cmp.Compare(b.en-b.st, a.en-a.st)
	})
	var out []hit
	for _, c := range cands {
		ok := true
		for _, e := range exact {
			if c.st < e.en && e.st < c.en && ((e.en-e.st) >= (c.en-c.st) || e.t == c.t) {
				ok = false
			}
		}
		for _, o := range out {
			if c.st < o.en && o.st < c.en && (o.st != c.st || o.en != c.en) {
				ok = false
			}
		}
		if ok {
			out = append(out, c)
		}
	}
	return out
}

// unknownParts marks the parts the rule parser finds in head that no name of
// the gazetteer matched (an unknown road or district), so that they lower
// the score of every answer.
func (ix *Index) unknownParts(q *query, head string) {
	c := parseNormalized(head)
	for _, k := range []kind{kDistrict, kStreet, kCommunity, kRoad, kPOI} {
		v := c.Get(int(k))
		if v == "" || q.given[k] || utf8.RuneCountInString(v) < 2 {
			continue
		}
		if _, known := ix.exact[v]; known {
			continue
		}
		if _, known := ix.exact[key(k, v)]; known {
			continue
		}
		q.given[k] = true
	}
}

// cand is an answer being ranked.
type cand struct {
	m    Match
	c    [nKinds]int32
	grid bool
	id   [2]int32 // (source, index), to drop repeats
}

// answers gathers the candidates the query reaches and ranks them.
func (ix *Index) answers(q *query, limit int) []Match {
	var cs []cand
	addRec := func(id int32, p Precision) {
		r := &ix.recs[id]
		cs = append(cs, cand{m: Match{Address: string(ix.text[r.off:r.end]), Point: r.p, Precision: p}, c: r.c, id: [2]int32{0, id}})
	}
	addGroup := func(g group, p Precision, src int32) {
		cs = append(cs, cand{m: Match{Address: ix.compose(&g.c), Point: g.p, Precision: p}, c: g.c, id: [2]int32{src, -1}})
	}
	// addresses by road and number, then building
	for _, road := range q.keys[kRoad] {
		found := false
		for _, num := range q.keys[kNumber] {
			ids := ix.byNumber[[2]int32{road, num}]
			if len(ids) == 0 {
				continue
			}
			found = true
			ix.houses(ids, q, kRoad, addRec, addGroup)
		}
		if !found {
			for _, g := range ix.roads[road] {
				addGroup(g, PrecisionRoad, 2)
			}
		}
	}
	for _, poi := range q.keys[kPOI] {
		if ids := ix.byPOI[poi]; len(ids) > 0 {
			ix.houses(ids, q, kPOI, addRec, addGroup)
		}
	}
	// hierarchy names
	for _, k := range []kind{kCommunity, kStreet, kDistrict} {
		for _, id := range q.keys[k] {
			for _, ai := range ix.areaByID[[2]int32{int32(k), id}] {
				a := &ix.areas[ai]
				cs = append(cs, cand{m: Match{Address: a.path, Point: a.p, Precision: areaPrecision(a.k), Area: a.code}, c: a.c, id: [2]int32{4, ai}})
				if k == kCommunity && q.hasGrd {
					for _, gi := range a.grids {
						g := &ix.areas[gi]
						if Normalize(g.name) == q.grid {
							cs = append(cs, cand{m: Match{Address: g.path, Point: g.p, Precision: PrecisionGrid, Area: g.code}, c: g.c, grid: true, id: [2]int32{4, gi}})
						}
					}
				}
			}
		}
	}
	for i := range cs {
		cs[i].m.Score = q.score(&cs[i].c, cs[i].grid)
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if c := cmp.Compare(b.m.Score, a.m.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.m.Precision.rank(), b.m.Precision.rank())
	})
	var out []Match
	seen := map[[2]int32]bool{}
	seenText := map[string]bool{}
	for _, c := range cs {
		if len(out) == limit {
			break
		}
		if (c.id[1] >= 0 && seen[c.id]) || seenText[string(c.m.Precision)+c.m.Address] {
			continue
		}
		seen[c.id], seenText[string(c.m.Precision)+c.m.Address] = true, true
		c.m.Components = ix.components(&c.c)
		c.m.Score = float64(int(c.m.Score*1000+0.5)) / 1000
		out = append(out, c.m)
	}
	return out
}

func areaPrecision(k kind) Precision {
	switch k {
	case kCommunity:
		return PrecisionCommunity
	case kStreet:
		return PrecisionStreet
	case nKinds:
		return PrecisionGrid
	}
	return PrecisionDistrict
}

// houses adds the answers among the records ids sharing a road and number
// (by kRoad) or a POI: the records of the building asked for, else the
// number (or POI) as a whole, one per community.
func (ix *Index) houses(ids []int32, q *query, by kind, addRec func(int32, Precision), addGroup func(group, Precision, int32)) {
	if q.given[kBuilding] {
		hit := false
		for _, id := range ids {
			if slices.Contains(q.keys[kBuilding], ix.recs[id].c[kBuilding]) && ix.recs[id].c[kBuilding] != 0 {
				addRec(id, PrecisionBuilding)
				hit = true
			}
		}
		if hit {
			return
		}
	}
	p := PrecisionNumber
	if by == kPOI {
		p = PrecisionPOI
	}
	// one answer per community: the record without a building when there is
	// one, else the group of its buildings
	type ck [3]int32
	groups := map[ck][]int32{}
	var order []ck
	for _, id := range ids {
		r := &ix.recs[id]
		k := ck{r.c[kDistrict], r.c[kStreet], r.c[kCommunity]}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], id)
	}
	for _, k := range order {
		members := groups[k]
		if len(members) == 1 && ix.recs[members[0]].c[kBuilding] == 0 {
			addRec(members[0], p)
			continue
		}
		noBuilding := members[:0:0]
		for _, id := range members {
			if ix.recs[id].c[kBuilding] == 0 {
				noBuilding = append(noBuilding, id)
			}
		}
		if len(noBuilding) > 0 {
			addRec(noBuilding[0], p)
			continue
		}
		upTo := kNumber
		if by == kPOI {
			upTo = kPOI
		}
		g := ix.groupOf(members, upTo)
		g.c[kBuilding], g.c[kUnit] = 0, 0
		addGroup(g, p, 3)
	}
}

// compose writes components out as an address, for answers coarser than a
// gazetteer record.
func (ix *Index) compose(c *[nKinds]int32) string {
	var b strings.Builder
	for k := range nKinds {
		if c[k] == 0 {
			continue
		}
		switch k {
		case kNumber:
			b.WriteString(ix.strs[c[k]] + "号")
		case kBuilding:
			b.WriteString(ix.strs[c[k]] + "栋")
		case kUnit:
			b.WriteString(ix.strs[c[k]] + "单元")
		default:
			b.WriteString(ix.display(k, c[k]))
		}
	}
	return b.String()
}

func (ix *Index) display(k kind, id int32) string {
	if d, ok := ix.disp[[2]int32{int32(k), id}]; ok {
		return d
	}
	return ix.strs[id]
}

// components writes c out as Components.
func (ix *Index) components(c *[nKinds]int32) Components {
	var out Components
	for k := range nKinds {
		if c[k] != 0 {
			out.Set(int(k), ix.display(k, c[k]))
		}
	}
	return out
}

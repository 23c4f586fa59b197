package address

import (
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// Record is one address of a gazetteer: its text, its point (WGS-84) and its
// components (the caller merges given component columns over Parse of the
// text).
type Record struct {
	Address    string
	Point      orb.Point
	Components Components
}

// Precision says how fine a match is, finest first.
type Precision string

const (
	PrecisionBuilding  Precision = "building"
	PrecisionNumber    Precision = "number"
	PrecisionRoad      Precision = "road"
	PrecisionPOI       Precision = "poi"
	PrecisionGrid      Precision = "grid"
	PrecisionCommunity Precision = "community"
	PrecisionStreet    Precision = "street"
	PrecisionDistrict  Precision = "district"
)

// precisionRank orders precisions, finest first, for ties.
func (p Precision) rank() int {
	return slices.Index([]Precision{PrecisionBuilding, PrecisionNumber, PrecisionRoad, PrecisionPOI,
		PrecisionGrid, PrecisionCommunity, PrecisionStreet, PrecisionDistrict}, p)
}

// Match is one answer of Geocode or Reverse.
type Match struct {
	Address    string     // the gazetteer's text, or the components written out for a coarser answer
	Point      orb.Point  // WGS-84
	Score      float64    // in [0,1]: 1 when every part of the query matched exactly
	Precision  Precision  // the finest part reached
	Components Components // of the answer, as the gazetteer writes them
	// Area is the code of the grid a coarse answer (grid, community, street,
	// district) names, taken from the boundary hierarchy; "" for addresses.
	Area string
	// DistanceM is, for Reverse, the distance from the point asked about in
	// metres; 0 for Geocode.
	DistanceM float64
}

// Index is the in-memory gazetteer. It is immutable after NewIndex and safe
// for concurrent use.
type Index struct {
	strs  []string         // interned keys; strs[0] == ""
	strID map[string]int32 //
	disp  map[[2]int32]string
	recs  []rec
	text  []byte // the addresses, concatenated

	exact      map[string][]target // alias → names
	dels       map[string][]int32  // an alias without one character → aliasKeys
	aliasKey   []string
	aliasRunes [][]rune // aliasKey as runes, for the edit distance
	aliasTgt   [][]target
	maxAlias   int // longest alias in runes

	byNumber map[[2]int32][]int32 // (road, number) → records
	byPOI    map[int32][]int32    // poi → records
	roads    map[int32][]group    // road → groups by (district, street, community)

	areas    []area
	areaByID map[[2]int32][]int32 // (kind, key) → areas

	cells map[int64][]int32 // reverse: cell → records
	nKeys [nKinds]map[int32]bool
}

// target is a name an alias stands for.
type target struct {
	k  kind
	id int32
}

type rec struct {
	c        [nKinds]int32
	p        orb.Point
	off, end uint32
}

// group is a road within one community (or street, or district), or a
// number or POI with several buildings: its point is the member address
// nearest the members' centroid.
type group struct {
	c [nKinds]int32
	p orb.Point
}

// area is a grid of the boundary hierarchy, answerable by name.
type area struct {
	code, name string
	k          kind // kDistrict, kStreet, kCommunity; nKinds for a grid
	c          [nKinds]int32
	p          orb.Point
	path       string // the names root first, for Match.Address
	grids      []int32
}

// Reverse search cells are cellDeg degrees on a side.
const cellDeg = 0.001

// NewIndex indexes recs. grids, when not nil, is the boundary index whose
// hierarchy names (districts, streets, communities, grids) become coarse
// answers, and whose owners fill the administrative components a record
// lacks (a record in 西福民社区 is found by that name even when its text does
// not say it). Records with a non-finite point are skipped. recs is not
// kept.
func NewIndex(recs []Record, grids *geo.Index) *Index {
	b := NewBuilder(grids)
	for i := range recs {
		b.Add(&recs[i])
	}
	return b.Index()
}

// Builder builds an Index one record at a time, so that a large gazetteer
// need not be held as records first. Use NewBuilder, Add, then Index once.
type Builder struct {
	ix        *Index
	grids     *geo.Index
	levelKind map[string]kind
	aliasSeen map[target]bool
	keyCache  [nKinds]map[string]int32 // raw component → key id: names repeat
}

// NewBuilder starts an index over the boundary index grids (nil: none); see
// NewIndex.
func NewBuilder(grids *geo.Index) *Builder {
	ix := &Index{strID: map[string]int32{"": 0}, strs: []string{""}, disp: map[[2]int32]string{},
		exact: map[string][]target{}, dels: map[string][]int32{},
		byNumber: map[[2]int32][]int32{}, byPOI: map[int32][]int32{}, roads: map[int32][]group{},
		areaByID: map[[2]int32][]int32{}, cells: map[int64][]int32{}}
	for k := range ix.nKeys {
		ix.nKeys[k] = map[int32]bool{}
	}
	b := &Builder{ix: ix, grids: grids, aliasSeen: map[target]bool{}}
	for k := range b.keyCache {
		b.keyCache[k] = map[string]int32{}
	}
	if grids != nil {
		b.levelKind = ix.addAreas(grids)
	}
	return b
}

// Add indexes r (skipped when its point is not finite); r is not kept.
func (b *Builder) Add(r *Record) {
	ix := b.ix
	if !finite(r.Point) {
		return
	}
	c := r.Components
	if b.grids != nil {
		c = c.Merge(ownerComponents(b.grids, r.Point, b.levelKind))
	}
	var rc rec
	rc.p = r.Point
	rc.off = uint32(len(ix.text))
	ix.text = append(ix.text, r.Address...)
	rc.end = uint32(len(ix.text))
	for k := range nKinds {
		v := c.Get(int(k))
		if v == "" {
			continue
		}
		id, ok := b.keyCache[k][v]
		if !ok {
			id = ix.intern(key(k, v))
			b.keyCache[k][v] = id
		}
		rc.c[k] = id
		if id == 0 {
			continue
		}
		ix.nKeys[k][id] = true
		if (isAdmin(k) || k == kRoad || k == kPOI) && !b.aliasSeen[target{k, id}] {
			b.aliasSeen[target{k, id}] = true
			ix.addAliases(k, id, v)
		}
	}
	n := int32(len(ix.recs))
	ix.recs = append(ix.recs, rc)
	if rc.c[kRoad] != 0 && rc.c[kNumber] != 0 {
		kk := [2]int32{rc.c[kRoad], rc.c[kNumber]}
		ix.byNumber[kk] = append(ix.byNumber[kk], n)
	}
	if rc.c[kPOI] != 0 {
		ix.byPOI[rc.c[kPOI]] = append(ix.byPOI[rc.c[kPOI]], n)
	}
	ck := cellKey(r.Point)
	ix.cells[ck] = append(ix.cells[ck], n)
}

// Index finishes the index; the Builder must not be used afterwards.
func (b *Builder) Index() *Index {
	b.ix.buildRoads()
	b.ix.buildDeletions()
	ix := b.ix
	b.ix = nil
	return ix
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0) &&
		p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
}

// Len is the number of addresses indexed.
func (ix *Index) Len() int { return len(ix.recs) }

// Areas is the number of hierarchy grids answerable by name.
func (ix *Index) Areas() int { return len(ix.areas) }

func (ix *Index) intern(s string) int32 {
	if id, ok := ix.strID[s]; ok {
		return id
	}
	id := int32(len(ix.strs))
	ix.strs = append(ix.strs, s)
	ix.strID[s] = id
	return id
}

// addAliases records the forms name (of kind k, key id) may be written in,
// and its display form.
func (ix *Index) addAliases(k kind, id int32, name string) {
	if _, ok := ix.disp[[2]int32{int32(k), id}]; !ok {
		ix.disp[[2]int32{int32(k), id}] = Normalize(name)
	}
	for _, a := range aliases(k, name) {
		if runeLen(a) < 2 {
			continue
		}
		t := target{k, id}
		if slices.Contains(ix.exact[a], t) {
			continue
		}
		if _, ok := ix.exact[a]; !ok {
			ix.aliasKey = append(ix.aliasKey, a)
		}
		ix.exact[a] = append(ix.exact[a], t)
		ix.maxAlias = max(ix.maxAlias, runeLen(a))
	}
}

// buildDeletions indexes every alias of at least fuzzyMin characters by
// each form with one character deleted (the symmetric-deletion method: two
// strings within one edit share such a form, or one is such a form of the
// other).
func (ix *Index) buildDeletions() {
	ix.aliasRunes = make([][]rune, len(ix.aliasKey))
	for i, a := range ix.aliasKey {
		rs := []rune(a)
		ix.aliasRunes[i] = rs
		if len(rs) < fuzzyMin {
			continue
		}
		buf := make([]rune, 0, len(rs))
		for d := range rs {
			buf = append(append(buf[:0], rs[:d]...), rs[d+1:]...)
			s := string(buf)
			if l := ix.dels[s]; len(l) == 0 || l[len(l)-1] != int32(i) {
				ix.dels[s] = append(l, int32(i))
			}
		}
	}
}

// fuzzyMin is the shortest name (in characters) matched with one wrong,
// missing or extra character.
const fuzzyMin = 3

// buildRoads groups the records of each road by (district, street,
// community).
func (ix *Index) buildRoads() {
	type gk struct{ road, d, s, c int32 }
	members := map[gk][]int32{}
	var order []gk
	for i := range ix.recs {
		r := &ix.recs[i]
		if r.c[kRoad] == 0 {
			continue
		}
		k := gk{r.c[kRoad], r.c[kDistrict], r.c[kStreet], r.c[kCommunity]}
		if _, ok := members[k]; !ok {
			order = append(order, k)
		}
		members[k] = append(members[k], int32(i))
	}
	for _, k := range order {
		g := ix.groupOf(members[k], kRoad)
		ix.roads[k.road] = append(ix.roads[k.road], g)
	}
}

// groupOf makes a group of records: the components they share up to (and
// including) kind upTo, and the member nearest their centroid.
func (ix *Index) groupOf(ids []int32, upTo kind) group { // upTo ≥ kRoad
	var g group
	first := &ix.recs[ids[0]]
	for k := kProvince; k <= upTo; k++ {
		g.c[k] = first.c[k]
	}
	// a number group keeps its POI, a POI group its road and number, when
	// all members agree
	g.c[kRoad], g.c[kNumber], g.c[kPOI] = first.c[kRoad], first.c[kNumber], first.c[kPOI]
	var cx, cy float64
	for _, id := range ids {
		r := &ix.recs[id]
		cx += r.p[0]
		cy += r.p[1]
		for k := range nKinds {
			if g.c[k] != r.c[k] {
				g.c[k] = 0
			}
		}
	}
	cx /= float64(len(ids))
	cy /= float64(len(ids))
	best, bd := ids[0], math.Inf(1)
	for _, id := range ids {
		p := ix.recs[id].p
		if d := (p[0]-cx)*(p[0]-cx) + (p[1]-cy)*(p[1]-cy); d < bd {
			best, bd = id, d
		}
	}
	g.p = ix.recs[best].p
	return g
}

// levelKinds maps the level names of boundary sets to components.
var levelKinds = map[string]kind{"province": kProvince, "city": kCity, "district": kDistrict, "county": kDistrict,
	"street": kStreet, "township": kStreet, "town": kStreet, "community": kCommunity, "village": kCommunity,
	"grid": nKinds, "microgrid": nKinds}

// addAreas makes the grids of the hierarchy answerable by name and returns
// the kinds of the set's levels.
func (ix *Index) addAreas(grids *geo.Index) map[string]kind {
	lk := map[string]kind{}
	for _, l := range grids.Set().Levels {
		if k, ok := levelKinds[l]; ok {
			lk[l] = k
		}
	}
	pos := map[int32]int32{} // grid → area
	for _, gi := range grids.Sorted() {
		g := grids.Grid(gi)
		k, ok := lk[g.Level]
		if !ok {
			continue
		}
		a := area{code: g.Code, name: g.Name, k: k, p: grids.LabelPoint(gi)}
		var names []string
		for _, anc := range grids.Path(gi) {
			ag := grids.Grid(anc)
			names = append(names, ag.Name)
			if ak, ok := lk[ag.Level]; ok && ak < nKinds {
				id := ix.intern(key(ak, ag.Name))
				a.c[ak] = id
				if id != 0 {
					ix.nKeys[ak][id] = true
					ix.addAliases(ak, id, ag.Name)
				}
			}
		}
		a.path = strings.Join(names, "")
		n := int32(len(ix.areas))
		ix.areas = append(ix.areas, a)
		pos[gi] = n
		if k < nKinds {
			kk := [2]int32{int32(k), a.c[k]}
			ix.areaByID[kk] = append(ix.areaByID[kk], n)
		} else if p := grids.Parent(gi); p >= 0 {
			if pa, ok := pos[p]; ok {
				ix.areas[pa].grids = append(ix.areas[pa].grids, n)
			}
		}
	}
	return lk
}

// ownerComponents are the administrative names of the grids owning p.
func ownerComponents(grids *geo.Index, p orb.Point, lk map[string]kind) Components {
	var c Components
	o := grids.SiteOwner(p, "")
	if o < 0 {
		return c
	}
	for _, anc := range grids.Path(o) {
		g := grids.Grid(anc)
		if k, ok := lk[g.Level]; ok && k < nKinds {
			c.Set(int(k), g.Name)
		}
	}
	return c
}

func cellKey(p orb.Point) int64 {
	return cellXY(int32(math.Floor(p[0]/cellDeg)), int32(math.Floor(p[1]/cellDeg)))
}

func cellXY(x, y int32) int64 { return int64(y)<<32 | int64(uint32(x)) }

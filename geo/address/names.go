package address

import "strings"

// adminSuffixes are stripped from administrative names to make their key
// (西福民社区居民委员会 → 西福民, 二七区 → 二七), longest first; the key keeps
// at least two characters.
var adminSuffixes = []string{"社区居民管理委员会", "居民管理委员会", "社区居民委员会", "社区居委会", "居民委员会", "村民委员会", "街道办事处", "办事处",
	"居委会", "村委会", "自治区", "自治州", "自治县", "社区", "街道", "地区", "省", "市", "区", "县", "旗", "镇", "乡", "盟", "村"}

// kindSuffixes are the suffixes an administrative name may be written with,
// per kind; every one makes an alias of the name.
var kindSuffixes = [nKinds][]string{
	kProvince: {"省", "自治区", "市"},
	kCity:     {"市", "地区", "自治州", "盟"},
	kDistrict: {"区", "县", "市", "旗", "自治县"},
	kStreet:   {"街道", "街道办事处", "办事处", "镇", "乡"},
}

// communitySuffixes are the suffixes a 社区 may be written with (villages:
// villageSuffixes).
var communitySuffixes = []string{"社区", "社区居委会", "社区居民委员会", "社区居民管理委员会", "居委会", "居民委员会"}

func isAdmin(k kind) bool { return k <= kCommunity }

// key is the form a component is compared in: Normalize'd, administrative
// names without their suffix, numbers without 号, buildings without 栋, units
// without 单元.
func key(k kind, v string) string {
	n := Normalize(v)
	switch {
	case k == kCommunity:
		return communityKey(n)
	case isAdmin(k):
		return stripAdmin(n)
	case k == kNumber:
		return strings.TrimSuffix(n, "号")
	case k == kBuilding:
		return strings.TrimSuffix(strings.TrimSuffix(n, "楼"), "栋")
	case k == kUnit:
		return strings.TrimSuffix(n, "单元")
	}
	return n
}

// villageSuffixes end the names of villages (村), longest first.
var villageSuffixes = []string{"村民委员会", "村委会", "村"}

// communityKey is the key of a community name: a village keeps its 村 (张寨村
// for 张寨村委会 and 张寨村民委员会), so that it is not the 张寨社区 of the same
// district, whose key is 张寨.
func communityKey(n string) string {
	for _, suf := range villageSuffixes {
		if base, ok := strings.CutSuffix(n, suf); ok && runeLen(base) >= 2 {
			return base + "村"
		}
	}
	return stripAdmin(n)
}

func stripAdmin(n string) string {
	for _, suf := range adminSuffixes {
		if base, ok := strings.CutSuffix(n, suf); ok && runeLen(base) >= 2 {
			return base
		}
	}
	return n
}

func runeLen(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// aliases are the forms a name may be written in: its normalised form, its
// key, and for administrative names the key with each suffix of its kind.
func aliases(k kind, name string) []string {
	n := Normalize(name)
	if n == "" {
		return nil
	}
	out := []string{n}
	if !isAdmin(k) {
		return out
	}
	base := stripAdmin(n)
	suffixes := kindSuffixes[k]
	if k == kCommunity {
		if key := communityKey(n); strings.HasSuffix(key, "村") {
			base = strings.TrimSuffix(key, "村") // a village: 张寨, 张寨村, 张寨村委会, ...
			suffixes = villageSuffixes
		} else {
			suffixes = communitySuffixes
		}
	}
	if base != n {
		out = append(out, base)
	}
	for _, suf := range suffixes {
		if a := base + suf; a != n {
			out = append(out, a)
		}
	}
	return out
}

// editDistance1 reports whether a and b (rune slices) differ by at most one
// insertion, deletion or substitution.
func editDistance1(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return i == len(a) || string(a[i+1:]) == string(b[i+1:])
	}
	return string(a[i:]) == string(b[i+1:])
}

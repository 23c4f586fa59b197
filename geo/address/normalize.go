package address

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize returns s in the form every comparison of this package uses:
//
//   - full-width ASCII (Ａ１２) folded to half-width, the ideographic space to
//     a space, a few traditional characters of addresses (號 棟 區 ...) to
//     their simplified forms, ASCII letters upper-cased;
//   - spaces, punctuation and symbols dropped, except a hyphen between two
//     digits (12-1号; 之 between digits is read as a hyphen too);
//   - Chinese numerals right before a house marker (号 栋 幢 座 楼 单元 室 层
//     期 网格 ...) written in digits: 十二号 → 12号, 三栋 → 3栋, 第十网格 → 第10网格;
//     numerals elsewhere (二七区, 五里堡) are left alone;
//   - the building words unified: 号楼, 幢 and 座 after a digit or letter become
//     栋 (3号楼 → 3栋), 号院 becomes 号.
//
// It never fails; invalid UTF-8 bytes are dropped.
func Normalize(s string) string {
	rs := fold(s)
	rs = numerals(rs)
	return buildingWords(rs)
}

// traditional maps the traditional forms that turn up in addresses.
var traditional = map[rune]rune{'號': '号', '棟': '栋', '區': '区', '縣': '县', '鎮': '镇', '鄉': '乡',
	'單': '单', '樓': '楼', '門': '门', '遼': '辽', '廣': '广', '東': '东', '園': '园', '莊': '庄', '橋': '桥', '灣': '湾', '軍': '军'}

// fold does the width, case, punctuation and space part of Normalize.
func fold(s string) []rune {
	out := make([]rune, 0, len(s)/2+1)
	src := []rune(strings.ToValidUTF8(s, ""))
	for i, r := range src {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		if t, ok := traditional[r]; ok {
			r = t
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		if isDash(r) || r == '之' {
			if len(out) > 0 && isDigit(out[len(out)-1]) && i+1 < len(src) && isDigit(widthFold(src[i+1])) {
				out = append(out, '-')
			} else if r == '之' {
				out = append(out, r)
			}
			continue
		}
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsControl(r) || r == utf8.RuneError {
			continue
		}
		out = append(out, r)
	}
	return out
}

func widthFold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	return r
}

func isDash(r rune) bool {
	switch r {
	case '-', '－', '‐', '‑', '–', '—', '―', '−':
		return true
	}
	return false
}

func isDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' }

// houseMarkers are the words after which a number is a house, building,
// unit, room or grid number.
var houseMarkers = []string{"号", "栋", "幢", "座", "楼", "单元", "室", "层", "期", "网格", "组", "排", "弄"}

const cnDigits = "零〇一二两三四五六七八九"

func cnDigit(r rune) (int, bool) {
	switch r {
	case '零', '〇':
		return 0, true
	case '一':
		return 1, true
	case '二', '两':
		return 2, true
	case '三':
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	}
	return 0, false
}

func isCnNumeral(r rune) bool {
	_, ok := cnDigit(r)
	return ok || r == '十' || r == '百' || r == '千'
}

// numerals writes runs of Chinese numerals that stand right before a house
// marker in digits.
func numerals(rs []rune) []rune {
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); {
		if !isCnNumeral(rs[i]) {
			out = append(out, rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isCnNumeral(rs[j]) {
			j++
		}
		v, ok := cnValue(rs[i:j])
		if ok && j-i <= 8 && beforeMarker(rs[j:]) {
			out = append(out, []rune(itoa(v))...)
		} else {
			out = append(out, rs[i:j]...)
		}
		i = j
	}
	return out
}

func beforeMarker(rest []rune) bool {
	for _, m := range houseMarkers {
		if hasPrefixRunes(rest, m) {
			return true
		}
	}
	return false
}

func hasPrefixRunes(rs []rune, p string) bool {
	k := 0
	for _, r := range p {
		if k >= len(rs) || rs[k] != r {
			return false
		}
		k++
	}
	return true
}

// cnValue reads a Chinese numeral: 十二 = 12, 二十 = 20, 一百零五 = 105, and
// digit by digit without 十/百/千 (一二 = 12, 一零五 = 105).
func cnValue(rs []rune) (int, bool) {
	positional := true
	for _, r := range rs {
		if r == '十' || r == '百' || r == '千' {
			positional = false
		}
	}
	if positional {
		v := 0
		for _, r := range rs {
			d, _ := cnDigit(r)
			v = v*10 + d
		}
		return v, true
	}
	total, cur := 0, -1
	for _, r := range rs {
		if d, ok := cnDigit(r); ok {
			if cur >= 0 && cur != 0 && d != 0 {
				return 0, false // two digits in a row: 二三十
			}
			cur = d
			continue
		}
		unit := map[rune]int{'十': 10, '百': 100, '千': 1000}[r]
		if cur < 0 {
			if unit != 10 || total != 0 {
				return 0, false
			}
			cur = 1 // 十二: the leading 一 is implied
		}
		total += cur * unit
		cur = -1
	}
	if cur > 0 {
		total += cur
	}
	return total, true
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

// buildingWords unifies 号楼/幢/座 after a digit or letter to 栋 and 号院 to 号.
func buildingWords(rs []rune) string {
	var b strings.Builder
	b.Grow(len(rs) * 3)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		afterNum := i > 0 && (isDigit(rs[i-1]) || isLetter(rs[i-1]))
		switch {
		case afterNum && r == '号' && i+1 < len(rs) && rs[i+1] == '楼':
			b.WriteRune('栋')
			i++
		case afterNum && r == '号' && i+1 < len(rs) && rs[i+1] == '院':
			b.WriteRune('号')
			i++
		case afterNum && (r == '幢' || r == '座'):
			b.WriteRune('栋')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

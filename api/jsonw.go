package api

import (
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

func appendFloat(b []byte, v float64) []byte { return strconv.AppendFloat(b, v, 'f', -1, 64) }

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = appendFloat(b, p[0])
	b = append(b, ',')
	b = appendFloat(b, p[1])
	return append(b, ']')
}

// appendRef appends {"code","name","level"} of grid i.
func appendRef(b []byte, ix *geo.Index, i int32) []byte {
	g := ix.Grid(i)
	b = append(b, `{"code":`...)
	b = appendString(b, g.Code)
	b = append(b, `,"name":`...)
	b = appendString(b, g.Name)
	b = append(b, `,"level":`...)
	b = appendString(b, g.Level)
	return append(b, '}')
}

func appendRefs(b []byte, ix *geo.Index, is []int32) []byte {
	b = append(b, '[')
	for k, i := range is {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendRef(b, ix, i)
	}
	return append(b, ']')
}

// resultFields selects the members of a locate result (all when nil).
type resultFields map[string]bool

func (f resultFields) has(name string) bool { return f == nil || f[name] }

// appendResult appends the locate result object (without the closing brace
// when open is true, so the caller can add members).
func appendResult(b []byte, ix *geo.Index, res geo.Result, f resultFields) []byte {
	sep := false
	member := func(name string) {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	if f.has("match") {
		member("match")
		b = appendString(b, string(res.Match))
	}
	if f.has("owner") {
		member("owner")
		if res.Owner < 0 {
			b = append(b, "null"...)
		} else {
			b = appendRef(b, ix, res.Owner)
		}
	}
	if f.has("code") && f != nil { // a trimmed result may ask for the bare code
		member("code")
		if res.Owner < 0 {
			b = append(b, "null"...)
		} else {
			b = appendString(b, ix.Grid(res.Owner).Code)
		}
	}
	if f.has("path") {
		member("path")
		if res.Owner < 0 {
			b = append(b, "[]"...)
		} else {
			b = appendRefs(b, ix, ix.Path(res.Owner))
		}
	}
	if f.has("distance_m") {
		member("distance_m")
		b = strconv.AppendFloat(b, res.DistanceM, 'f', -1, 64)
	}
	if f.has("others") {
		member("others")
		b = appendRefs(b, ix, res.Others)
	}
	return b
}

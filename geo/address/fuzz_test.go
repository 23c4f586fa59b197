package address

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse feeds Normalize, Parse and Geocode arbitrary text: no panic,
// valid UTF-8 out, Normalize idempotent, components drawn from the text.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"郑州市二七区淮河路街道西福民社区 幸福路12号3栋", "幸福路十二号三栋二单元", "北京市朝阳区建国路88号",
		"幸福小区3号楼", "第十网格", "１２－１号", "二三十号", "\xff\xfe", "号号号栋栋", "一百零五号", "长江一号社区黄河路13号"} {
		f.Add(s)
	}
	ix := NewIndex([]Record{{Address: "郑州市二七区幸福路12号3栋", Components: Parse("郑州市二七区幸福路12号3栋")}}, nil)
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: not UTF-8", s, n)
		}
		if nn := Normalize(n); nn != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, n, nn)
		}
		c := Parse(s)
		for k := range Fields {
			if !utf8.ValidString(c.Get(k)) {
				t.Fatalf("Parse(%q).%s = %q: not UTF-8", s, Fields[k], c.Get(k))
			}
		}
		for _, m := range ix.Geocode(s, 3) {
			if m.Score < 0 || m.Score > 1 {
				t.Fatalf("Geocode(%q) score %v", s, m.Score)
			}
		}
	})
}

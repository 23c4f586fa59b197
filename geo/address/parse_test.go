package address

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"幸福路十二号三栋", "幸福路12号3栋"},
		{"幸福路１２号 ３号楼", "幸福路12号3栋"},
		{"幸福路12号3幢2单元", "幸福路12号3栋2单元"},
		{"幸福路二十三号", "幸福路23号"},
		{"幸福路一百零五号", "幸福路105号"},
		{"二七区五里堡街道", "二七区五里堡街道"},
		{"第十网格", "第10网格"},
		{"Ａ座", "A栋"},
		{"a座", "A栋"},
		{"12号A座", "12号A栋"},
		{"幸福路12-1号", "幸福路12-1号"},
		{"幸福路12之1号", "幸福路12-1号"},
		{"郑州市，二七区（淮河路街道）", "郑州市二七区淮河路街道"},
		{"幸福路12号院3号楼", "幸福路12号3栋"},
		{"幸福路十二號", "幸福路12号"},
		{"两栋", "2栋"},
		{"\xff幸福", "幸福"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Components
	}{
		{"郑州市二七区淮河路街道西福民社区 幸福路12号3栋", Components{City: "郑州市", District: "二七区", Street: "淮河路街道", Community: "西福民社区", Road: "幸福路", Number: "12", Building: "3"}},
		{"河南省郑州市二七区幸福路十二号三栋二单元", Components{Province: "河南省", City: "郑州市", District: "二七区", Road: "幸福路", Number: "12", Building: "3", Unit: "2"}},
		{"北京市朝阳区建国路88号", Components{Province: "北京市", City: "北京市", District: "朝阳区", Road: "建国路", Number: "88"}},
		{"幸福小区3号楼", Components{Building: "3", POI: "幸福小区"}},
		{"淮河路12号幸福小区3栋", Components{Road: "淮河路", Number: "12", Building: "3", POI: "幸福小区"}},
		{"马寨镇郭村路5号", Components{Street: "马寨镇", Road: "郭村路", Number: "5"}},
		{"二七区长江路街道", Components{District: "二七区", Street: "长江路街道"}},
		{"西福民社区居民委员会", Components{Community: "西福民社区居民委员会"}},
		{"幸福路12号301室", Components{Road: "幸福路", Number: "12"}},
	}
	for _, tt := range tests {
		if got := Parse(tt.in); got != tt.want {
			t.Errorf("Parse(%q) =\n  %+v, want\n  %+v", tt.in, got, tt.want)
		}
	}
}

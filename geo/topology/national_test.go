package topology

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// TestValidateNational validates the 3,253 districts of cn-all-districts
// (as one level of roots) and checks what is known of them: the 2,376
// invalid polygons, and overlaps measured with PostGIS.
func TestValidateNational(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("-short or -race: the national data takes too long (data's PostGIS test covers samples of it)")
	}
	_, ix := national(t)
	start := time.Now()
	rep, err := Validate(context.Background(), ix, Options{MinAreaM2: DefaultMinAreaM2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("validated %d grids in %v", rep.Grids, time.Since(start).Round(time.Millisecond))
	for _, k := range Kinds {
		t.Logf("%-14s %d", k, rep.Count(k))
	}
	if n := rep.Count(KindInvalid); n != 2376 {
		t.Errorf("%d invalid grids, want 2376", n)
	}
	// PostGIS: ST_Area(ST_Intersection(ST_MakeValid(a), ST_MakeValid(b))::geography).
	known := map[string]float64{
		"310151,320681":      48331780, // 崇明区, 启东市
		"500154,511722":      45162010, // 开州区, 宣汉县
		"350527,x09020020-1": 41192926, // 金门县, 金沙鎮
		"130922,131025":      16063952, // 青县, 大城县
		"110117,120119":      9317215,  // 平谷区, 蓟州区
		"310118,320509":      123752,   // 青浦区, 吴江区 (simplefeatures said 1,229 km²)
	}
	for _, p := range rep.Problems {
		key := strings.Join(p.Grids, ",")
		if want, ok := known[key]; ok && p.Kind == KindOverlap {
			if math.Abs(p.AreaM2-want) > max(0.005*want, 100) {
				t.Errorf("overlap %s: %.0f m², PostGIS %.0f", key, p.AreaM2, want)
			}
			delete(known, key)
		}
	}
	for key := range known {
		t.Errorf("overlap %s not reported", key)
	}
}

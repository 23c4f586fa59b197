package data

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

func testSet(layer string, codes ...string) *geo.Set {
	s := &geo.Set{Layer: layer, Levels: geo.Levels{"district", "street"}}
	for i, c := range codes {
		x := float64(i)
		g := geo.Grid{Code: c, Name: "名" + c, Level: "district",
			Geometry: orb.MultiPolygon{{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}},
			Attrs:    map[string]any{"leader": "李" + c, "households": float64(100 + i)}}
		if i > 0 {
			g.Level, g.Parent = "street", codes[0]
		}
		s.Grids = append(s.Grids, g)
	}
	return s
}

func TestSQLiteSetRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "w.db")
	st, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CurrentSet(ctx, "main"); !errors.Is(err, geo.ErrNotFound) {
		t.Fatalf("CurrentSet on an empty store: err = %v, want ErrNotFound", err)
	}
	v1, err := st.SaveSet(ctx, testSet("main", "a", "b"), "first")
	if err != nil {
		t.Fatal(err)
	}
	want := testSet("main", "a", "b", "c")
	v2, err := st.SaveSet(ctx, want, "second")
	if err != nil {
		t.Fatal(err)
	}
	if v2 <= v1 || want.Version != v2 {
		t.Fatalf("versions %d then %d (set.Version %d): want increasing and set", v1, v2, want.Version)
	}
	if _, err := st.SaveSet(ctx, testSet("police", "p"), ""); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = OpenSQLite(ctx, path) // reopen: migrations must not run twice
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.CurrentSet(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CurrentSet = %+v\nwant %+v", got, want)
	}
	old, err := st.VersionSet(ctx, v1)
	if err != nil || len(old.Grids) != 2 {
		t.Errorf("VersionSet(%d) = %v grids, %v; want the 2 grids of the first version", v1, len(old.Grids), err)
	}
	vs, err := st.Versions(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Current || !vs[1].Current || vs[1].Note != "second" || vs[1].GridCount != 3 {
		t.Errorf("Versions = %+v, want two with the second current", vs)
	}
	police, err := st.CurrentSet(ctx, "police")
	if err != nil || len(police.Grids) != 1 || police.Layer != "police" {
		t.Errorf("CurrentSet(police) = %+v, %v", police, err)
	}
	if _, err := st.VersionSet(ctx, 999); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("VersionSet(999): err = %v, want ErrNotFound", err)
	}
}

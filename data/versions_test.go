package data

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/wangge/wangge/geo"
)

func TestRestoreVersion(t *testing.T) { forEachStore(t, testRestoreVersion) }

func testRestoreVersion(t *testing.T, k storeKind) {
	ctx := context.Background()
	st := openTestStore(t, k)
	first := testSet("main", "a", "b")
	v1, err := st.SaveSet(ctx, first, "first")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSet(ctx, testSet("main", "a", "b", "c"), "second"); err != nil {
		t.Fatal(err)
	}
	v3, err := RestoreVersion(ctx, st, v1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.CurrentSet(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	first.Version = v3
	if got.Version != v3 || !reflect.DeepEqual(got, first) {
		t.Errorf("after restoring version %d, current = %+v\nwant %+v", v1, got, first)
	}
	vs, _ := st.Versions(ctx, "main")
	if len(vs) != 3 || vs[2].Note != "restore of version 1" || !vs[2].Current {
		t.Errorf("versions %+v: want three, the last a current restore of 1", vs)
	}
	if _, err := RestoreVersion(ctx, st, 99); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("RestoreVersion(99): err %v, want ErrNotFound", err)
	}
}

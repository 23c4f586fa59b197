package address_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

var demoOnce = sync.OnceValues(func() (*address.Index, error) {
	grids, err := data.ReadGrids(bytes.NewReader(demo.Grids()), data.GridFields{}, 0)
	if err != nil {
		return nil, err
	}
	gix, err := geo.NewIndex(&geo.Set{Layer: geo.DefaultLayer, Levels: data.DemoLevels, Grids: grids})
	if err != nil {
		return nil, err
	}
	recs, err := data.ReadAddresses(bytes.NewReader(demo.Addresses()), true, data.AddressFields{})
	if err != nil {
		return nil, err
	}
	return address.NewIndex(recs, gix), nil
})

// demoIndex is the demo gazetteer indexed with the demo grids.
func demoIndex(t testing.TB) *address.Index {
	t.Helper()
	ix, err := demoOnce()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestVariants runs the committed test set (testdata/variants.csv, made by
// tools/mkaddresses from the demo gazetteer): at least 98% of the queries
// must reach the right building, or the right number when the building is
// not in the gazetteer.
func TestVariants(t *testing.T) {
	ix := demoIndex(t)
	f, err := os.ReadFile("testdata/variants.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:]
	if len(rows) < 500 {
		t.Fatalf("the test set has %d variants, want at least 500", len(rows))
	}
	failed := map[string]int{}
	total := map[string]int{}
	bad := 0
	for _, row := range rows {
		q, want, prec, how := row[0], strings.Split(row[1], "|"), row[2], row[3]
		total[how]++
		ms := ix.Geocode(q, 5)
		ok := len(ms) > 0 && string(ms[0].Precision) == prec &&
			address.Normalize(ms[0].Components.Community) == address.Normalize(want[0]) &&
			ms[0].Components.Road == want[1] && ms[0].Components.Number == want[2] &&
			(prec != "building" || ms[0].Components.Building == want[3])
		if !ok {
			bad++
			failed[how]++
			got := "no answer"
			if len(ms) > 0 {
				got = string(ms[0].Precision) + " " + ms[0].Address + " " + ms[0].Components.Community + " score " + strings.TrimSpace(fmtF(ms[0].Score))
			}
			t.Logf("%s: Geocode(%q) = %s, want %s %s", how, q, got, prec, row[1])
		}
	}
	rate := 1 - float64(bad)/float64(len(rows))
	t.Logf("%d variants, %d right (%.1f%%); wrong by variation: %v of %v", len(rows), len(rows)-bad, 100*rate, failed, total)
	if rate < 0.98 {
		t.Errorf("%.1f%% of the variants reached the right building or number, want at least 98%%", 100*rate)
	}
}

func fmtF(v float64) string { return strings.TrimRight(strings.TrimRight(strconvF(v), "0"), ".") }

func strconvF(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

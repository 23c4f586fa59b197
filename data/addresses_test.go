package data

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

func TestReadAddressesCSV(t *testing.T) {
	in := "\ufeffaddress,lon,lat,community,building,extra\n" +
		"郑州市二七区幸福路12号3栋,113.62,34.72,西社区,,x\n" +
		"\"幸福路14号\",113.621,34.721,,5,\n"
	recs, err := ReadAddresses(strings.NewReader(in), false, AddressFields{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("read %d rows, want 2", len(recs))
	}
	want := address.Components{City: "郑州市", District: "二七区", Community: "西社区", Road: "幸福路", Number: "12", Building: "3"}
	if recs[0].Components != want {
		t.Errorf("row 1 components = %+v, want %+v", recs[0].Components, want)
	}
	if recs[1].Components.Building != "5" { // the column wins (the text has none)
		t.Errorf("row 2 building = %q, want 5 from the column", recs[1].Components.Building)
	}
	// a column wins over the text
	recs, err = ReadAddresses(strings.NewReader("address,lon,lat,road\n幸福路12号,113.6,34.7,和平路\n"), false, AddressFields{})
	if err != nil || recs[0].Components.Road != "和平路" || recs[0].Components.Number != "12" {
		t.Errorf("road column over text: %+v, %v", recs, err)
	}
}

func TestReadAddressesBad(t *testing.T) {
	tests := []struct {
		name, in string
		geojson  bool
		where    string
	}{
		{"empty", "", false, "line 1"},
		{"no lat column", "address,lon\n幸福路,113\n", false, "line 1"},
		{"lat out of range", "address,lon,lat\n幸福路1号,113.6,34.7\n幸福路2号,113.6,91\n", false, "line 3"},
		{"lon not a number", "address,lon,lat\n幸福路1号,东经,34.7\n", false, "line 2"},
		{"empty address", "address,lon,lat\n ,113.6,34.7\n", false, "line 2"},
		{"NaN", "address,lon,lat\n幸福路1号,NaN,34.7\n", false, "line 2"},
		{"geojson not a point", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"address":"a"},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}]}`, true, "feature 0"},
		{"geojson no address", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"address":"a"},"geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}`, true, "feature 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAddresses(strings.NewReader(tt.in), tt.geojson, AddressFields{})
			var ae *AddressError
			if !errors.As(err, &ae) || ae.Where != tt.where {
				t.Errorf("ReadAddresses = %v, want an AddressError at %s", err, tt.where)
			}
		})
	}
}

func TestImportAddresses(t *testing.T) {
	ctx := context.Background()
	st, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := SeedDemo(ctx, st); err != nil {
		t.Fatal(err)
	}
	n, err := st.AddressCount(ctx)
	if err != nil || n < 5000 {
		t.Fatalf("demo addresses: %d, %v; want the embedded layer", n, err)
	}
	set, err := st.CurrentSet(ctx, geo.DefaultLayer)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadAddresses(bytes.NewReader([]byte("address,lon,lat\n二七区幸福路1号,113.6446,34.7351\n远处路1号,120,30\n")), false, AddressFields{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.ImportAddresses(ctx, recs, AddressImport{Append: true, Index: ix})
	if err != nil || res.Written != 2 || res.Outside != 1 || res.Total != n+2 {
		t.Fatalf("append = %+v, %v; want 2 written, 1 outside, %d in all", res, err, n+2)
	}
	var grid string
	if err := st.db.QueryRowContext(ctx, `SELECT grid FROM addresses WHERE address = '二七区幸福路1号'`).Scan(&grid); err != nil || !strings.HasPrefix(grid, "410103001") {
		t.Errorf("owner = %q, %v; want a grid of 淮河路街道", grid, err)
	}
	res, err = st.ImportAddresses(ctx, recs[:1], AddressImport{Index: ix})
	if err != nil || res.Total != 1 {
		t.Fatalf("replace = %+v, %v; want 1 in all", res, err)
	}
	all, err := st.Addresses(ctx)
	if err != nil || len(all) != 1 || all[0].Components.Road != "幸福路" {
		t.Errorf("Addresses = %+v, %v", all, err)
	}
	if _, err := st.ImportAddresses(ctx, nil, AddressImport{}); err == nil {
		t.Error("an empty import succeeded")
	}
	// SeedDemo leaves a store with addresses alone
	if seeded, err := SeedDemo(ctx, st); err != nil || seeded {
		t.Errorf("second SeedDemo = %v, %v", seeded, err)
	}
}

func FuzzReadAddresses(f *testing.F) {
	f.Add("address,lon,lat\n郑州市二七区幸福路十二号三栋,113.6,34.7\n", false)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"address":"幸福路1号","road":"幸福路"},"geometry":{"type":"Point","coordinates":[113.6,34.7]}}]}`, true)
	f.Fuzz(func(t *testing.T, in string, geojson bool) {
		recs, err := ReadAddresses(strings.NewReader(in), geojson, AddressFields{})
		if err != nil {
			return
		}
		for _, r := range recs {
			if r.Address == "" || r.Point[0] < -180 || r.Point[0] > 180 || r.Point[1] < -90 || r.Point[1] > 90 {
				t.Fatalf("accepted a bad record %+v", r)
			}
		}
	})
}

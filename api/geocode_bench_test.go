package api_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

// BenchmarkGeocodeGET is the whole gin chain for GET /v1/geocode on the demo
// district and its address layer, the queries of the geocoding test set in
// turn, without the network.
func BenchmarkGeocodeGET(b *testing.B) {
	grids, err := data.ReadGrids(bytes.NewReader(demo.Grids()), data.GridFields{}, 0)
	if err != nil {
		b.Fatal(err)
	}
	ix, err := geo.NewIndex(&geo.Set{Layer: geo.DefaultLayer, Levels: data.DemoLevels, Grids: grids})
	if err != nil {
		b.Fatal(err)
	}
	recs, err := data.ReadAddresses(bytes.NewReader(demo.Addresses()), true, data.AddressFields{})
	if err != nil {
		b.Fatal(err)
	}
	holder, addrs := new(geo.Holder), new(api.AddressHolder)
	holder.Store(ix)
	addrs.Store(address.NewIndex(recs, ix))
	srv := api.New(api.Config{Boundaries: holder, Addresses: addrs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f, err := os.ReadFile("../geo/address/testdata/variants.csv")
	if err != nil {
		b.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	var targets []string
	for _, r := range rows[1:] {
		targets = append(targets, "/v1/geocode?limit=5&q="+url.QueryEscape(r[0]))
	}
	h := srv.Handler()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", targets[i%len(targets)], nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

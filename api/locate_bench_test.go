package api_test

import (
	"net/http/httptest"
	"testing"

	"github.com/wangge/wangge/api"
)

// BenchmarkLocateGET is the whole gin chain (request id, log, metrics,
// auth, handler) for one GET /v1/locate, without the network.
func BenchmarkLocateGET(b *testing.B) {
	t := &testing.T{}
	f := newFixture(t, api.Config{}, zhengzhou)
	h := f.srv.Handler()
	req := httptest.NewRequest("GET", "/v1/locate?lon=113.63&lat=34.75", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

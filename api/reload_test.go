package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wangge/wangge/api"
)

// squares builds a set of n×n grids of side 0.01° over Zhengzhou under one
// district, every code starting with prefix, so a response shows which set
// answered it.
func squares(prefix string, n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	x0, y0 := 113.6, 34.7
	side := 0.01
	fmt.Fprintf(&b, `{"type":"Feature","properties":{"code":"%s","level":"district"},"geometry":{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}}`,
		prefix, x0, y0, x0+side*float64(n), y0, x0+side*float64(n), y0+side*float64(n), x0, y0+side*float64(n), x0, y0)
	for i := range n {
		for j := range n {
			x, y := x0+side*float64(i), y0+side*float64(j)
			fmt.Fprintf(&b, `,{"type":"Feature","properties":{"code":"%s-%03d-%03d","level":"grid","parent":"%s"},"geometry":{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}}`,
				prefix, i, j, prefix, x, y, x+side, y, x+side, y+side, x, y+side, x, y)
		}
	}
	b.WriteString("]}")
	return b.String()
}

// TestHotReload keeps lookups running on a real HTTP server while the set is
// replaced twice, and asserts that none fails and each answer comes whole
// from one set (its owner and path share one prefix).
func TestHotReload(t *testing.T) {
	f := newFixture(t, api.Config{AdminToken: "tok"}, squares("A", 10))
	ts := httptest.NewServer(f.srv.Handler())
	defer ts.Close()

	var stop atomic.Bool
	var lookups, failures atomic.Int64
	seen := sync.Map{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := ts.Client()
			for k := 0; !stop.Load() || k < 50; k++ {
				lon := 113.6 + 0.0013*float64((k*7+w*13)%70)
				lat := 34.7 + 0.0011*float64((k*11+w*5)%85)
				resp, err := client.Get(fmt.Sprintf("%s/v1/locate?lon=%v&lat=%v", ts.URL, lon, lat))
				if err != nil {
					failures.Add(1)
					continue
				}
				var m struct {
					Match string
					Owner struct{ Code string }
					Path  []struct{ Code string }
				}
				err = json.NewDecoder(resp.Body).Decode(&m)
				resp.Body.Close()
				lookups.Add(1)
				if err != nil || resp.StatusCode != 200 || m.Match == "none" || len(m.Path) != 2 {
					failures.Add(1)
					continue
				}
				set := m.Path[0].Code
				if !strings.HasPrefix(m.Owner.Code, set+"-") {
					t.Errorf("owner %s from another set than its path root %s", m.Owner.Code, set)
				}
				seen.Store(set, true)
			}
		}()
	}
	for _, prefix := range []string{"B", "C"} {
		req, _ := http.NewRequest("PUT", ts.URL+"/v1/grids", strings.NewReader(squares(prefix, 10)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := ts.Client().Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("PUT %s: %v %v", prefix, err, resp)
		}
		resp.Body.Close()
	}
	stop.Store(true)
	wg.Wait()
	if failures.Load() != 0 {
		t.Errorf("%d of %d lookups failed during reloads", failures.Load(), lookups.Load())
	}
	if _, ok := seen.Load("C"); !ok {
		t.Errorf("no lookup saw the final set C")
	}
	t.Logf("%d lookups, 0 failures, across two reloads", lookups.Load())
}

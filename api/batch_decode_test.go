package api

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzDecodeBatch: the hand-written batch decoder never panics, accepts only
// valid JSON, and agrees with encoding/json on every point it accepts.
func FuzzDecodeBatch(f *testing.F) {
	f.Add(`{"crs":"gcj02","level":"grid","nearest_m":0,"fields":"code,match","points":[{"id":"a","lon":113.6,"lat":34.7},{"lat":1e-3,"lon":-0.5,"id":7}]}`)
	f.Add(`{"points":[]}`)
	f.Add(`{"points":[{"id":"\u00e9\"x","lon":1,"lat":2}]}`)
	f.Add(`{"points":[{"id":"a","lon":1,"lat":2}],"crs":"bd09"}`)
	f.Add(`{"points":[{"id":"a","lon":1,"lat":2} ] }  `)
	s := &Server{cfg: Config{MaxBatchPoints: 1000}}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := s.decodeBatch(strings.NewReader(body))
		if err != nil {
			if _, ok := err.(*apiError); !ok {
				t.Fatalf("error %T %v is not an apiError", err, err)
			}
			return
		}
		if !json.Valid([]byte(body)) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		var ref struct {
			Points []struct {
				ID  json.RawMessage
				Lon float64
				Lat float64
			}
		}
		if err := json.Unmarshal([]byte(body), &ref); err != nil {
			t.Fatalf("encoding/json rejects accepted body %q: %v", body, err)
		}
		if len(ref.Points) != len(req.points) {
			t.Fatalf("%d points, encoding/json finds %d", len(req.points), len(ref.Points))
		}
		for i, p := range req.points {
			r := ref.Points[i]
			if p.p[0] != r.Lon || p.p[1] != r.Lat {
				t.Errorf("point %d = %v, encoding/json says %v,%v", i, p.p, r.Lon, r.Lat)
			}
			var a, b any
			json.Unmarshal(p.id, &a)
			json.Unmarshal(r.ID, &b)
			if a != b {
				t.Errorf("point %d id %s, encoding/json says %s", i, p.id, r.ID)
			}
		}
	})
}

// FuzzValidNumber: validNumber agrees with encoding/json on what a number is.
func FuzzValidNumber(f *testing.F) {
	for _, s := range []string{"0", "-0", "1.5e3", "01", "1.", ".5", "-", "1e", "1e+5", "2E-3", "113.6584"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n json.Number
		want := json.Unmarshal([]byte(s), &n) == nil && strings.TrimSpace(s) == s && s != "" && s[0] != '"'
		if got := validNumber([]byte(s)); got != want {
			t.Errorf("validNumber(%q) = %v, encoding/json says %v", s, got, want)
		}
	})
}

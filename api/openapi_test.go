package api_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/api"
)

// TestOpenAPIMatchesRoutes: every route the server registers is in
// /openapi.json, and every documented operation is a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := newFixture(t, api.Config{AdminToken: "x"}, zhengzhou) // admin routes on
	code, _, body := f.do("GET", "/openapi.json", "", "")
	if code != 200 {
		t.Fatalf("/openapi.json = %d", code)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	routes := map[string]bool{}
	for _, r := range f.srv.Handler().(*gin.Engine).Routes() {
		path := param.ReplaceAllString(r.Path, "{$1}")
		key := strings.ToLower(r.Method) + " " + path
		routes[key] = true
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s is not in openapi.json", key)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !routes[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which is not a route", method, path)
			}
		}
	}
}

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules keeps the layering of ../shared/STYLE.md: api never imports
// data; geo imports neither gin, net/http nor database/sql; data never
// imports api or gin.
func TestImportRules(t *testing.T) {
	const mod = "github.com/wangge/wangge/"
	forbidden := map[string][]string{
		// api may not reach the store; database/sql itself comes in through
		// prometheus/collectors, which api does not use for a database.
		mod + "api":     {mod + "data", "modernc.org/sqlite", "github.com/jackc/pgx/v5"},
		mod + "geo":     {mod + "data", mod + "api", "github.com/gin-gonic/gin", "net/http", "database/sql"},
		mod + "geo/crs": {mod + "data", mod + "api", "github.com/gin-gonic/gin", "net/http", "database/sql"},
		mod + "data":    {mod + "api", "github.com/gin-gonic/gin"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := map[string]bool{}
		for _, d := range strings.Fields(string(out)) {
			deps[d] = true
		}
		for _, b := range bad {
			if deps[b] {
				t.Errorf("%s imports %s (directly or not)", pkg, b)
			}
		}
	}
}

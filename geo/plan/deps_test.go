package plan_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps plan inside geo's rule (../../../shared/STYLE.md): only
// geo, geometry libraries and the standard library; never storage or HTTP.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/wangge/wangge/geo/plan").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, d := range strings.Fields(string(out)) {
		switch {
		case d == "net/http", d == "database/sql", strings.HasPrefix(d, "github.com/gin-gonic/"),
			strings.HasPrefix(d, "github.com/wangge/wangge/data"), strings.HasPrefix(d, "github.com/wangge/wangge/api"):
			t.Errorf("geo/plan imports %s (directly or not)", d)
		}
	}
}

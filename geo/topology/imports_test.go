package topology

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps geo/topology to geometry libraries and the standard
// library (../shared/STYLE.md): no storage, no HTTP, and no simplefeatures
// outside the tests (its overlay is only the tests' reference).
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, bad := range []string{"github.com/wangge/wangge/data", "github.com/wangge/wangge/api", "github.com/gin-gonic/gin",
			"net/http", "database/sql", "github.com/peterstace/simplefeatures"} {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("geo/topology imports %s", dep)
			}
		}
	}
}

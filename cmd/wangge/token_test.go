package main

import (
	"context"
	"strings"
	"testing"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

func TestTokenCLI(t *testing.T) { forEachStore(t, testTokenCLI) }

func testTokenCLI(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	src := writeFile(t, "grids.geojson", twoGrids)
	if code, _, errs := run(t, "", "import", "grids", src, "--db", db, "--levels", "district,grid"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	ctx := context.Background()
	tokens := map[string]string{}
	good := []struct {
		name string
		args []string
		role geo.Role
		grid string
	}{
		{"admin", []string{"--role", "admin", "--name", "管理员"}, geo.RoleAdmin, ""},
		{"dispatcher", []string{"--role", "dispatcher", "--expires", "12h"}, geo.RoleDispatcher, ""},
		{"worker", []string{"--role", "worker", "--grid", "D1", "--name", "王芳", "--expires", "never"}, geo.RoleWorker, "D1"},
		{"reporter", []string{"--role", "reporter", "--expires", "7d"}, geo.RoleReporter, ""},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, "", append([]string{"token", "create", "--db", db}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			// The token alone is the last (and only) line of stdout.
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			tok := lines[len(lines)-1]
			if len(lines) != 1 || !strings.HasPrefix(tok, data.TokenPrefix) || strings.ContainsAny(tok, " \t") {
				t.Fatalf("stdout %q, want the token alone", out)
			}
			if !strings.Contains(errs, "role "+string(tt.role)) || strings.Contains(errs, tok) {
				t.Errorf("stderr %q: want the role, never the token", errs)
			}
			st, err := data.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			p, err := st.Authenticate(ctx, tok)
			if err != nil || p.Role != tt.role || p.Grid != tt.grid {
				t.Errorf("Authenticate = %+v %v, want %s %q", p, err, tt.role, tt.grid)
			}
			tokens[tt.name] = tok
		})
	}
	bad := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--role", "root"}, 2, "unknown role"},
		{[]string{}, 2, "unknown role"},
		{[]string{"--role", "worker"}, 2, "needs --grid"},
		{[]string{"--role", "admin", "--grid", "D1"}, 2, "--grid goes with --role worker"},
		{[]string{"--role", "worker", "--grid", "NOPE"}, 1, `grid "NOPE" is not in the current boundary set`},
		{[]string{"--role", "admin", "--expires", "soon"}, 2, "--expires"},
		{[]string{"--role", "admin", "--expires", "-1d"}, 2, "--expires"},
		{[]string{"--role", "admin", "extra"}, 2, "unexpected argument"},
	}
	for _, tt := range bad {
		code, out, errs := run(t, "", append([]string{"token", "create", "--db", db}, tt.args...)...)
		if code != tt.code || !strings.Contains(errs, tt.want) || out != "" {
			t.Errorf("token create %v: exit %d, stdout %q, stderr %q; want %d and %q", tt.args, code, out, errs, tt.code, tt.want)
		}
	}
	// list: CSV without the tokens.
	code, out, _ := run(t, "", "token", "list", "--db", db)
	if code != 0 || strings.Count(out, "\n") != 5 || !strings.Contains(out, "3,worker,D1,王芳,") {
		t.Errorf("token list: exit %d\n%s", code, out)
	}
	for _, tok := range tokens {
		if strings.Contains(out, tok) {
			t.Error("token list shows a token")
		}
	}
	// revoke by id and by token.
	if code, out, errs := run(t, "", "token", "revoke", "--db", db, "3"); code != 0 || !strings.Contains(out, "token 3 (worker 王芳) revoked") {
		t.Errorf("revoke 3: exit %d %q %q", code, out, errs)
	}
	if code, _, errs := run(t, "", "token", "revoke", tokens["reporter"], "--db", db); code != 0 {
		t.Errorf("revoke by token: exit %d %q", code, errs)
	}
	st, _ := data.Open(ctx, db)
	defer st.Close()
	for _, name := range []string{"worker", "reporter"} {
		if _, err := st.Authenticate(ctx, tokens[name]); err == nil {
			t.Errorf("the %s token works after revoke", name)
		}
	}
	if _, err := st.Authenticate(ctx, tokens["admin"]); err != nil {
		t.Errorf("the admin token stopped working: %v", err)
	}
	if code, _, errs := run(t, "", "token", "revoke", "--db", db, "99"); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("revoke 99: exit %d %q", code, errs)
	}
	if code, _, _ := run(t, "", "token", "revoke", "--db", db); code != 2 {
		t.Errorf("revoke without an argument: exit %d, want 2", code)
	}
}

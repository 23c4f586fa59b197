package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pgCluster is a PostgreSQL server of a test's own (initdb in a temporary
// directory, on a free loopback port), which the test may stop and start.
type pgCluster struct {
	bin, dir string
	port     int
}

// newPGCluster creates and starts a cluster; it is stopped and removed when
// t ends. The test is skipped (see skipExternal) unless WANGGE_TEST_PG is
// set (the PostgreSQL tests run) and the server programs are installed.
func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	if os.Getenv("WANGGE_TEST_PG") == "" {
		skipExternal(t, "WANGGE_TEST_PG is not set (the PostgreSQL tests are off)")
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		skipExternal(t, "no PostgreSQL server programs (/usr/lib/postgresql/*/bin/initdb)")
	}
	dir, err := os.MkdirTemp("", "wangge-pg")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777) // initdb may run as user postgres (below)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &pgCluster{bin: filepath.Dir(bins[len(bins)-1]), dir: dir, port: ln.Addr().(*net.TCPAddr).Port}
	ln.Close()
	t.Cleanup(func() {
		c.ctl("stop", "-m", "immediate") // ignore errors: it may be stopped
		os.RemoveAll(dir)
	})
	if out, err := c.cmd("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.start(t)
	return c
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// url is the cluster's postgres database.
func (c *pgCluster) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

// cmd runs a server program, as user postgres when run by root (initdb
// and the server refuse root).
func (c *pgCluster) cmd(prog string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, prog)
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

func (c *pgCluster) ctl(args ...string) ([]byte, error) {
	return c.cmd("pg_ctl", append([]string{"-D", c.data(), "-w"}, args...)...).CombinedOutput()
}

func (c *pgCluster) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", c.port, c.dir)
	if out, err := c.ctl("-l", filepath.Join(c.dir, "log"), "-o", opts, "start"); err != nil {
		t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
}

func (c *pgCluster) stop(t *testing.T) {
	t.Helper()
	if out, err := c.ctl("-m", "fast", "stop"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

// TestPostgresDown: lookups are served from memory, so they keep working
// while the database is stopped; reports fail cleanly with 503 meanwhile;
// and both work again once it is back, without restarting wangge.
func TestPostgresDown(t *testing.T) {
	const admin = "pgdown-admin-token"
	pg := newPGCluster(t)
	srv := startServer(t, []string{"WANGGE_ADMIN_TOKEN=" + admin}, "--demo", "--db", pg.url(), "--log-level", "warn")
	client := &http.Client{Timeout: 10 * time.Second}
	body := func(key string) string {
		return fmt.Sprintf(`{"lon":113.59,"lat":34.69,"category":"general","title":%q}`, key)
	}
	first, status, err := postReport(client, srv.url, admin, "before", body("before"))
	if err != nil || status != 201 {
		t.Fatalf("POST before the stop = %d %v", status, err)
	}
	get := func(path string) int {
		req, _ := http.NewRequest("GET", srv.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	lookups := func(when string) {
		for i := range 50 {
			var out struct{ Match string }
			if code := getJSON(t, fmt.Sprintf("%s/v1/locate?lon=%v&lat=34.69", srv.url, 113.59+float64(i)*1e-4), &out); code != 200 || out.Match != "inside" {
				t.Fatalf("%s: lookup %d = %d %q", when, i, code, out.Match)
			}
		}
	}

	pg.stop(t)
	lookups("database stopped")
	for _, path := range []string{"/readyz", "/v1/version", "/v1/levels"} {
		if code := get(path); code != 200 {
			t.Errorf("database stopped: GET %s = %d, want 200", path, code)
		}
	}
	for i := range 5 {
		req, _ := http.NewRequest("POST", srv.url+"/v1/reports", strings.NewReader(body(fmt.Sprint("down", i))))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Idempotency-Key", fmt.Sprint("down", i))
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Error struct{ Code string } }
		decodeBody(resp, &e)
		if resp.StatusCode != 503 || e.Error.Code != "store_unavailable" {
			t.Errorf("database stopped: POST /v1/reports = %d %q, want 503 store_unavailable", resp.StatusCode, e.Error.Code)
		}
	}
	if code := get(fmt.Sprintf("/v1/reports/%d", first)); code != 503 {
		t.Errorf("database stopped: GET /v1/reports/%d = %d, want 503", first, code)
	}

	pg.start(t)
	// The first requests may meet a pooled connection the restart broke
	// (503); then every one succeeds.
	var codes []int
	for deadline := time.Now().Add(15 * time.Second); ; {
		_, status, err := postReport(client, srv.url, admin, "after", body("after"))
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, status)
		if status == 201 {
			break
		}
		if status != 503 || time.Now().After(deadline) {
			t.Fatalf("database back: POST answers %v", codes)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("database back: POST answered %v", codes)
	for i := range 20 {
		key := fmt.Sprint("back", i)
		if _, status, err := postReport(client, srv.url, admin, key, body(key)); err != nil || status != 201 {
			t.Errorf("database back: POST %d = %d %v", i, status, err)
		}
	}
	if code := get(fmt.Sprintf("/v1/reports/%d", first)); code != 200 {
		t.Errorf("database back: GET /v1/reports/%d = %d", first, code)
	}
	lookups("database back")
	if strings.Contains(srv.log(), `"status":500`) {
		t.Errorf("a request failed with 500:\n%s", srv.log())
	}
}

func decodeBody(resp *http.Response, v any) {
	defer resp.Body.Close()
	json.NewDecoder(resp.Body).Decode(v)
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles the real wangge binary once per test run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "wangge-e2e")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "wangge")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// server is a running wangge serve process.
type server struct {
	cmd    *exec.Cmd
	url    string
	mu     sync.Mutex // guards stderr
	stderr *bytes.Buffer
	done   chan error
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// startServer runs `wangge serve --addr 127.0.0.1:0 args...` and waits until
// it is ready.
func startServer(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping the end-to-end test in -short mode")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: new(bytes.Buffer), done: make(chan error, 1)}
	urlc := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`serving (http://\S+)`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.mu.Lock()
			s.stderr.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
	}()
	go func() { s.done <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server stderr:\n%s", s.log())
		}
	})
	select {
	case s.url = <-urlc:
	case err := <-s.done:
		t.Fatalf("server exited: %v\n%s", err, s.log())
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start within 60 s")
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 30 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode
}

type gridPage struct {
	Features []struct {
		Properties struct {
			Code       string
			Level      string
			LabelPoint [2]float64 `json:"label_point"`
		}
	}
	NextCursor string `json:"next_cursor"`
}

// TestServeDemoEndToEnd starts the real binary on the embedded demo and
// checks, for every demo grid, that locating its label point returns that
// grid; then stops it with SIGTERM and restarts it without --demo on the same
// file.
func TestServeDemoEndToEnd(t *testing.T) { forEachStore(t, testServeDemoEndToEnd) }

func testServeDemoEndToEnd(t *testing.T, k storeKind) {
	db := storeDB(t, k, "demo.db")
	s := startServer(t, nil, "--demo", "--db", db, "--log-level", "warn")

	type label struct {
		code, level string
		p           [2]float64
	}
	var labels []label
	for cursor := ""; ; {
		var page gridPage
		if code := getJSON(t, s.url+"/v1/grids?limit=1000&cursor="+cursor, &page); code != 200 {
			t.Fatalf("GET /v1/grids = %d", code)
		}
		for _, f := range page.Features {
			labels = append(labels, label{f.Properties.Code, f.Properties.Level, f.Properties.LabelPoint})
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	var levels struct {
		Levels []struct {
			Name  string
			Count int
		}
	}
	getJSON(t, s.url+"/v1/levels", &levels)
	want := map[string]int{}
	total := 0
	for _, l := range levels.Levels {
		want[l.Name] = l.Count
		total += l.Count
	}
	if want["district"] != 1 || want["street"] != 16 || want["community"] != 176 || want["grid"] < 3*176 {
		t.Errorf("demo levels = %+v, want 1 district, 16 streets, 176 communities, ≥528 grids", levels.Levels)
	}
	if len(labels) != total {
		t.Fatalf("paged %d grids, /v1/levels counts %d", len(labels), total)
	}
	// One batch per level: each label point must locate to its own grid.
	byLevel := map[string][]label{}
	for _, l := range labels {
		byLevel[l.level] = append(byLevel[l.level], l)
	}
	for level, ls := range byLevel {
		var body bytes.Buffer
		fmt.Fprintf(&body, `{"level":%q,"points":[`, level)
		for i, l := range ls {
			if i > 0 {
				body.WriteByte(',')
			}
			fmt.Fprintf(&body, `{"id":%q,"lon":%v,"lat":%v}`, l.code, l.p[0], l.p[1])
		}
		body.WriteString("]}")
		resp, err := http.Post(s.url+"/v1/locate", "application/json", &body)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Results []struct {
				ID    string
				Match string
				Owner struct{ Code string }
			}
		}
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if len(out.Results) != len(ls) {
			t.Fatalf("level %s: %d results for %d points", level, len(out.Results), len(ls))
		}
		for _, r := range out.Results {
			if r.Owner.Code != r.ID || r.Match != "inside" {
				t.Errorf("label point of %s (%s) locates to %q (%s), want itself, inside", r.ID, level, r.Owner.Code, r.Match)
			}
		}
	}
	// A single GET agrees for one grid of each level.
	for level, ls := range byLevel {
		var one struct {
			Match string
			Owner struct{ Code string }
		}
		l := ls[len(ls)/2]
		getJSON(t, fmt.Sprintf("%s/v1/locate?lon=%v&lat=%v&level=%s", s.url, l.p[0], l.p[1], level), &one)
		if one.Owner.Code != l.code {
			t.Errorf("GET locate label of %s = %q", l.code, one.Owner.Code)
		}
	}

	var ver struct {
		BoundaryVersion int64 `json:"boundary_version"`
	}
	getJSON(t, s.url+"/v1/version", &ver)

	// Geocoding: the hierarchy's names on every store, the demo's address
	// layer on SQLite (where it lives).
	geocode := func(q string) (precision, grid string) {
		var out struct {
			Results []struct {
				Precision string
				Grid      struct{ Code string }
			}
		}
		if code := getJSON(t, s.url+"/v1/geocode?limit=1&q="+url.QueryEscape(q), &out); code != 200 || len(out.Results) == 0 {
			t.Fatalf("GET /v1/geocode?q=%s = %d, %d results", q, code, len(out.Results))
		}
		return out.Results[0].Precision, out.Results[0].Grid.Code
	}
	if p, g := geocode("西福民社区第3网格"); p != "grid" || g != "410103008010003" {
		t.Errorf("geocode 西福民社区第3网格 = %s %s, want grid 410103008010003", p, g)
	}
	if p, g := geocode("郑州市二七区淮河路一号四栋"); p != "building" || !strings.HasPrefix(g, "410103001") {
		t.Errorf("geocode 淮河路1号4栋 = %s %s, want a building in 淮河路街道", p, g)
	}

	// SIGTERM: graceful shutdown, exit status 0.
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("after SIGTERM the server exited with %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop within 15 s of SIGTERM")
	}

	// The demo stays in the file: a restart without --demo serves it.
	s2 := startServer(t, nil, "--db", db, "--log-level", "warn")
	var ver2 struct {
		BoundaryVersion int64 `json:"boundary_version"`
	}
	getJSON(t, s2.url+"/v1/version", &ver2)
	if ver2.BoundaryVersion != ver.BoundaryVersion || ver.BoundaryVersion == 0 {
		t.Errorf("restart serves version %d, want %d", ver2.BoundaryVersion, ver.BoundaryVersion)
	}
	if !strings.Contains(s.log(), "serving http://127.0.0.1:") {
		t.Errorf("start-up message missing: %s", s.log())
	}
}

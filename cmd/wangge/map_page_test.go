package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
)

// webtestDir holds the browser test's driver (tools/webtest, relative to
// this package).
const webtestDir = "../../tools/webtest"

// needBrowser returns Debian's chromium and node, with the driver's
// playwright-core installed from tools/webtest's package-lock.json (`npm ci`
// when it is not there yet). Anything missing skips the test with a visible
// message, or fails it under WANGGE_REQUIRE_EXTERNAL=1 (as CI sets).
func needBrowser(t *testing.T) (chromium, node string) {
	t.Helper()
	missing := func(msg string) {
		t.Helper()
		if os.Getenv("WANGGE_REQUIRE_EXTERNAL") == "1" {
			t.Fatalf("WANGGE_REQUIRE_EXTERNAL=1 but %s", msg)
		}
		t.Skip("skipped: " + msg)
	}
	chromium = os.Getenv("WANGGE_CHROMIUM") // another Chromium build, for a machine without Debian's
	if chromium == "" {
		chromium = "chromium"
	}
	chromium, err := exec.LookPath(chromium)
	if err != nil {
		missing("chromium is not installed (apt-get install -y chromium): " + err.Error())
	}
	node, err = exec.LookPath("node")
	if err != nil {
		missing("node is not installed (the browser test's driver runs on Node.js)")
	}
	if _, err := os.Stat(filepath.Join(webtestDir, "node_modules", "playwright-core", "package.json")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			missing("tools/webtest/node_modules is missing and there is no npm (make webtest-deps)")
		}
		t.Logf("installing the browser test's driver: npm ci in tools/webtest (make webtest-deps)")
		cmd := exec.Command(npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund")
		cmd.Dir = webtestDir
		if out, err := cmd.CombinedOutput(); err != nil {
			missing(fmt.Sprintf("npm ci in tools/webtest failed (make webtest-deps): %v\n%s", err, out))
		}
	}
	return chromium, node
}

// artifactsDir is where the browser test writes its screenshots:
// $WANGGE_ARTIFACTS, else var/artifacts at the top of the repository
// (ignored by git).
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("WANGGE_ARTIFACTS")
	if dir == "" {
		dir = "../../var/artifacts"
	}
	dir, err := filepath.Abs(filepath.Join(dir, "map-page"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// mapCase is what the browser test checks, found on the running demo (the
// WANGGE_CASE of tools/webtest/map.test.mjs).
type mapCase struct {
	District lonLat   `json:"district"`
	Outside  lonLat   `json:"outside"`
	Click    gridCase `json:"click"`
	Token    string   `json:"token"`
	Counts   struct {
		Open    int `json:"open"`
		Overdue int `json:"overdue"`
	} `json:"counts"`
	Search struct {
		Text string `json:"text"`
		CRS  string `json:"crs"`
		gridCase
	} `json:"search"`
	Problem struct {
		Kind string     `json:"kind"`
		BBox [4]float64 `json:"bbox"` // minLon, minLat, maxLon, maxLat
	} `json:"problem"`
	Basemap struct {
		URL   string `json:"url"`
		CRS   string `json:"crs"`
		Color [3]int `json:"color"`
	} `json:"basemap"`
}

type lonLat struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

type gridCase struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Parent string  `json:"parent"`
	Leader string  `json:"leader"`
	Lon    float64 `json:"lon"`
	Lat    float64 `json:"lat"`
}

// gridFeature is the part of GET /v1/grids/{code} the test reads.
type gridFeature struct {
	Properties struct {
		Code       string
		Name       string
		Level      string
		Path       []struct{ Code, Name string }
		Attributes map[string]any
		LabelPoint [2]float64 `json:"label_point"`
	}
}

// TestMapPage runs the map page (GET /) in Debian's chromium, headless,
// against the real binary serving the demo: the page loads with no console
// errors, the grid tiles are drawn (pixels of the screenshot differ from the
// background inside the district), clicking a grid shows its name, chain,
// leader and report counts (public, then with a token), a BD-09 coordinate
// typed in the box shows its grid, coverage and siting draw, English
// works, and a raster base map is used with the overlays in its
// coordinates. Screenshots go to var/artifacts/map-page (or
// $WANGGE_ARTIFACTS/map-page).
func TestMapPage(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the browser test in -short mode")
	}
	chromium, node := needBrowser(t)
	db := filepath.Join(t.TempDir(), "demo.db")
	s := startServer(t, nil, "--demo", "--db", db, "--log-level", "warn",
		"--categories", "emergency=2h,utilities=24h,general=7d,quick=1s")
	c := mapCase{Token: demoToken(t, s)}

	// The district's label point, and a point of its bounding box that no
	// grid owns.
	var root struct{ Features []gridFeature }
	getJSON(t, s.url+"/v1/grids?level=district&limit=1&simplify_m=100000", &root)
	if len(root.Features) != 1 {
		t.Fatalf("GET /v1/grids?level=district: %d features, want 1", len(root.Features))
	}
	lp := root.Features[0].Properties.LabelPoint
	c.District = lonLat{lp[0], lp[1]}
	c.Outside = outsidePoint(t, s.url)

	// The grid of 郑州站 with two reports there, one of them overdue.
	c.Click = gridAt(t, s.url, 113.6584, 34.7464)
	for _, cat := range []string{"quick", "general"} {
		body := fmt.Sprintf(`{"lon":113.6584,"lat":34.7464,"category":%q,"title":"browser test"}`, cat)
		req, _ := http.NewRequest("POST", s.url+"/v1/reports", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+c.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /v1/reports = %d", resp.StatusCode)
		}
	}
	c.Counts.Open, c.Counts.Overdue = 2, 1
	waitOverdue(t, s.url, c.Token, c.Click.Code, 1)

	// A grid of another street, typed in BD-09.
	c.Search.gridCase = gridAt(t, s.url, 113.61022219095182, 34.699389975)
	if c.Search.Code[:9] == c.Click.Code[:9] {
		t.Fatalf("the search grid %s is in the street of the clicked one %s", c.Search.Code, c.Click.Code)
	}
	bd := crs.Convert(orb.Point{c.Search.Lon, c.Search.Lat}, crs.WGS84, crs.BD09)
	c.Search.CRS = string(crs.BD09)
	c.Search.Text = strconv.FormatFloat(bd[0], 'f', -1, 64) + "," + strconv.FormatFloat(bd[1], 'f', -1, 64)

	// A topology problem of the demo (GET /v1/validation, with the token):
	// the first one that is a polygon.
	c.Problem.Kind, c.Problem.BBox = validationProblem(t, s.url, c.Token)

	// A raster base map: one colour, served on loopback.
	c.Basemap.Color = [3]int{200, 222, 196}
	var tiles atomic.Int64
	c.Basemap.URL, c.Basemap.CRS = basemapServer(t, c.Basemap.Color, &tiles)+"/{z}/{x}/{y}.png", string(crs.GCJ02)

	caseJSON, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	artifacts := artifactsDir(t)
	if err := os.RemoveAll(artifacts); err != nil { // no screenshot of an earlier run left behind
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "map.test.mjs")
	cmd.Dir = webtestDir
	cmd.Env = append(os.Environ(), "WANGGE_URL="+s.url, "WANGGE_CASE="+string(caseJSON),
		"CHROMIUM="+chromium, "WANGGE_ARTIFACTS="+artifacts)
	// The driver and its browser are one process group, killed together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var failed []string
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		t.Log(line)
		if strings.HasPrefix(line, "not ok") {
			failed = append(failed, line)
		}
	}
	err = cmd.Wait()
	t.Logf("browser test: %.1f s; screenshots in %s", time.Since(start).Seconds(), artifacts)
	if len(failed) > 0 || err != nil {
		t.Errorf("the browser test failed (%v):\n%s\n%s", err, strings.Join(failed, "\n"), stderr.String())
	}
	if tiles.Load() == 0 {
		t.Errorf("the page never asked the base map for a tile")
	}
}

// demoToken reads the admin token `serve --demo` prints at start.
func demoToken(t *testing.T, s *server) string {
	t.Helper()
	re := regexp.MustCompile(`demo admin token \(30 days\): (\S+)`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(s.log()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("serve --demo printed no admin token:\n%s", s.log())
	return ""
}

// gridAt returns the grid owning (lon, lat), with its label point.
func gridAt(t *testing.T, url string, lon, lat float64) gridCase {
	t.Helper()
	var loc struct {
		Owner *struct{ Code string }
	}
	getJSON(t, fmt.Sprintf("%s/v1/locate?lon=%v&lat=%v", url, lon, lat), &loc)
	if loc.Owner == nil {
		t.Fatalf("no grid owns %v,%v", lon, lat)
	}
	var f gridFeature
	getJSON(t, url+"/v1/grids/"+loc.Owner.Code, &f)
	p := f.Properties
	g := gridCase{Code: p.Code, Name: p.Name, Lon: p.LabelPoint[0], Lat: p.LabelPoint[1]}
	if n := len(p.Path); n >= 2 {
		g.Parent = p.Path[n-2].Name
	}
	g.Leader, _ = p.Attributes["leader"].(string)
	if g.Parent == "" || g.Leader == "" {
		t.Fatalf("grid %s has no parent or leader: %+v", g.Code, p)
	}
	return g
}

// outsidePoint returns a point inside the district's bounding box that no
// grid owns (the box's corners are outside an irregular district).
func outsidePoint(t *testing.T, url string) lonLat {
	t.Helper()
	var tj struct{ Bounds [4]float64 }
	getJSON(t, url+"/tiles/grids.json", &tj)
	b := tj.Bounds
	dx, dy := (b[2]-b[0])*0.03, (b[3]-b[1])*0.03
	for _, p := range []lonLat{{b[0] + dx, b[3] - dy}, {b[2] - dx, b[1] + dy}, {b[0] + dx, b[1] + dy}, {b[2] - dx, b[3] - dy}} {
		var loc struct{ Match string }
		getJSON(t, fmt.Sprintf("%s/v1/locate?lon=%v&lat=%v&nearest_m=0", url, p.Lon, p.Lat), &loc)
		if loc.Match == "none" {
			return p
		}
	}
	t.Fatalf("every corner of %v is inside a grid", b)
	return lonLat{}
}

// waitOverdue waits until the grid has want overdue reports (the "quick"
// category's deadline is 1 s).
func waitOverdue(t *testing.T, url, token, code string, want int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		req, _ := http.NewRequest("GET", url+"/v1/reports?overdue=true&descendants=true&grid="+code, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Reports []json.RawMessage }
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err == nil && len(r.Reports) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("grid %s: %d overdue reports after 10 s, want %d (%v)", code, len(r.Reports), want, err)
		}
	}
}

// basemapServer serves a one-colour 256-pixel PNG for every tile and counts
// the requests; it returns its URL.
func basemapServer(t *testing.T, rgb [3]int, n *atomic.Int64) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for y := range 256 {
		for x := range 256 {
			img.Set(x, y, color.RGBA{uint8(rgb[0]), uint8(rgb[1]), uint8(rgb[2]), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Write(buf.Bytes())
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// validationProblem returns the kind and bounding box of the first polygonal
// problem GET /v1/validation reports on the served boundaries.
func validationProblem(t *testing.T, url, token string) (string, [4]float64) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/v1/validation", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/validation = %d", resp.StatusCode)
	}
	var rep struct {
		Problems []struct {
			Kind     string
			Geometry struct {
				Type        string
				Coordinates [][][][2]float64
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if p.Geometry.Type != "MultiPolygon" || len(p.Geometry.Coordinates) == 0 {
			continue
		}
		b := [4]float64{180, 90, -180, -90}
		for _, poly := range p.Geometry.Coordinates {
			for _, ring := range poly {
				for _, q := range ring {
					b[0], b[1] = min(b[0], q[0]), min(b[1], q[1])
					b[2], b[3] = max(b[2], q[0]), max(b[3], q[1])
				}
			}
		}
		return p.Kind, b
	}
	t.Fatalf("GET /v1/validation: no polygonal problem on the demo (%d problems)", len(rep.Problems))
	return "", [4]float64{}
}

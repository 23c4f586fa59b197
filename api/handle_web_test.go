package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/wangge/wangge/api"
)

// webGet requests target from the server with the headers hdr (name,
// value, ...).
func webGet(t *testing.T, srv *api.Server, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec
}

// pageAssets returns the version and the asset paths ("web/app.js") that
// the page names.
func pageAssets(t *testing.T, page string) (version string, assets []string) {
	t.Helper()
	re := regexp.MustCompile(`(?:href|src)="(web/[^"?]+)\?v=([0-9a-f]+)"`)
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		if version != "" && m[2] != version {
			t.Errorf("the page names versions %s and %s", version, m[2])
		}
		version = m[2]
		assets = append(assets, m[1])
	}
	if len(assets) < 3 {
		t.Fatalf("the page names %d versioned assets, want app.js, app.css and maplibre-gl.css:\n%s", len(assets), page)
	}
	return version, assets
}

// TestWebPage: GET / is the map page with its security and caching headers;
// every asset it names (and the modules app.js imports) is served
// with its content type, cached for good under the current version and
// revalidated otherwise.
func TestWebPage(t *testing.T) {
	f := newFixture(t, api.Config{AdminToken: "x"}, "") // tokens on: / must still be public
	rec := webGet(t, f.srv, "/")
	if rec.Code != 200 {
		t.Fatalf("GET / = %d\n%s", rec.Code, rec.Body)
	}
	h := rec.Header()
	for name, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-cache",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("GET / %s = %q, want %q", name, got, want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("GET / Content-Security-Policy = %q, want script-src 'self'", csp)
	}
	if h.Get("ETag") == "" {
		t.Error("GET / has no ETag")
	}
	page := rec.Body.String()
	if strings.Contains(page, "{{") {
		t.Errorf("the page still holds a template mark:\n%s", page)
	}
	version, assets := pageAssets(t, page)
	assets = append(assets, "web/i18n.js", "web/crs.js", "web/maplibre/maplibre-gl.mjs", "web/maplibre/maplibre-gl-worker.mjs",
		"web/maplibre/LICENSE.txt", "web/maplibre/VERSION")
	types := map[string]string{
		".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8", ".txt": "text/plain; charset=utf-8", "": "text/plain; charset=utf-8",
	}
	for _, a := range assets {
		t.Run(a, func(t *testing.T) {
			rec := webGet(t, f.srv, "/"+a+"?v="+version)
			if rec.Code != 200 {
				t.Fatalf("GET /%s = %d", a, rec.Code)
			}
			if got, want := rec.Header().Get("Content-Type"), types[path.Ext(a)]; got != want {
				t.Errorf("GET /%s Content-Type = %q, want %q", a, got, want)
			}
			if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("GET /%s?v=current Cache-Control = %q, want immutable", a, got)
			}
			if got := webGet(t, f.srv, "/"+a+"?v=old").Header().Get("Cache-Control"); got != "no-cache" {
				t.Errorf("GET /%s?v=old Cache-Control = %q, want no-cache", a, got)
			}
		})
	}
}

// TestWebGzipAndETag: text assets are gzipped when the client accepts it,
// each encoding with its own ETag, and If-None-Match gives a 304.
func TestWebGzipAndETag(t *testing.T) {
	f := newFixture(t, api.Config{}, "")
	for _, target := range []string{"/", "/web/app.js", "/web/maplibre/maplibre-gl.mjs"} {
		plain := webGet(t, f.srv, target)
		zipped := webGet(t, f.srv, target, "Accept-Encoding", "br, gzip")
		if plain.Code != 200 || zipped.Code != 200 {
			t.Fatalf("GET %s = %d, %d (gzip)", target, plain.Code, zipped.Code)
		}
		if plain.Header().Get("Content-Encoding") != "" || zipped.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s Content-Encoding = %q, %q (gzip); want none, gzip", target,
				plain.Header().Get("Content-Encoding"), zipped.Header().Get("Content-Encoding"))
		}
		if zipped.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("GET %s Vary = %q, want Accept-Encoding", target, zipped.Header().Get("Vary"))
		}
		zlen := zipped.Body.Len()
		zr, err := gzip.NewReader(zipped.Body)
		if err != nil {
			t.Fatalf("GET %s gzip: %v", target, err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unzipped, plain.Body.Bytes()) {
			t.Errorf("GET %s: the gzipped body is not the plain one (%v)", target, err)
		}
		etag, gzETag := plain.Header().Get("ETag"), zipped.Header().Get("ETag")
		if etag == "" || etag == gzETag {
			t.Errorf("GET %s ETags = %q, %q (gzip); want two different ones", target, etag, gzETag)
		}
		if rec := webGet(t, f.srv, target, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("GET %s If-None-Match: %s = %d with %d bytes, want an empty 304", target, etag, rec.Code, rec.Body.Len())
		}
		t.Logf("%s: %d bytes, %d gzipped", target, plain.Body.Len(), zlen)
	}
}

// TestWebNotFound: files that are not embedded, and index.html under
// /web/, are 404s with the usual error body.
func TestWebNotFound(t *testing.T) {
	f := newFixture(t, api.Config{}, "")
	for _, target := range []string{"/web/nope.js", "/web/index.html", "/web/maplibre/nope.mjs", "/web/maplibre/maplibre-gl.js.map", "/web/..%2fhandle_web.go"} {
		code, m, _ := f.do("GET", target, "", "")
		if c, _ := errorOf(m); code != 404 || c != "not_found" {
			t.Errorf("GET %s = %d %q, want 404 not_found", target, code, c)
		}
	}
}

// TestWebAccess: the page and its files are public under the default
// public routes, and need a token when --public-routes takes them out.
func TestWebAccess(t *testing.T) {
	closed := newFixture(t, api.Config{AdminToken: "secret", PublicRoutes: []string{}}, "")
	for _, target := range []string{"/", "/web/app.js"} {
		if rec := webGet(t, closed.srv, target); rec.Code != http.StatusUnauthorized {
			t.Errorf("GET %s with no public routes = %d, want 401", target, rec.Code)
		}
		if rec := webGet(t, closed.srv, target, "Authorization", "Bearer secret"); rec.Code != 200 {
			t.Errorf("GET %s with the admin token = %d, want 200", target, rec.Code)
		}
	}
}

// TestWebMapLibrePinned: the embedded MapLibre GL JS is the release the
// Makefile pins (make maplibre), with its licence, and the page stays
// small enough to ship in the binary.
func TestWebMapLibrePinned(t *testing.T) {
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^MAPLIBRE_VERSION\s*:=\s*(\S+)`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("the Makefile pins no MAPLIBRE_VERSION")
	}
	version := string(m[1])
	f := newFixture(t, api.Config{}, "")
	if got := webGet(t, f.srv, "/web/maplibre/VERSION").Body.String(); !strings.HasPrefix(got, "maplibre-gl "+version+"\n") {
		t.Errorf("web/maplibre/VERSION = %q, want maplibre-gl %s (run make maplibre)", got, version)
	}
	if js := webGet(t, f.srv, "/web/maplibre/maplibre-gl.mjs").Body.String(); !strings.Contains(js, "`"+version+"`") {
		t.Errorf("maplibre-gl.mjs does not carry version %s (run make maplibre)", version)
	}
	if lic := webGet(t, f.srv, "/web/maplibre/LICENSE.txt").Body.String(); !strings.Contains(lic, "MapLibre") {
		t.Errorf("web/maplibre/LICENSE.txt is not MapLibre's licence:\n%.200s", lic)
	}
	total, wire := 0, 0
	for _, target := range []string{"/", "/web/app.js", "/web/i18n.js", "/web/crs.js", "/web/app.css", "/web/maplibre/maplibre-gl.css",
		"/web/maplibre/maplibre-gl.mjs", "/web/maplibre/maplibre-gl-worker.mjs"} {
		total += webGet(t, f.srv, target).Body.Len()
		wire += webGet(t, f.srv, target, "Accept-Encoding", "gzip").Body.Len()
	}
	t.Logf("the page loads %d bytes (%d gzipped)", total, wire)
	if total > 2<<20 || wire > 700<<10 {
		t.Errorf("the page loads %d bytes (%d gzipped), more than 2 MiB (700 KiB): is a source map or a dev build embedded?", total, wire)
	}
}

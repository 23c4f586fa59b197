package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// web is the map page served at / (index.html, app.js, app.css) and the
// pinned MapLibre GL JS release it is built on (web/maplibre, refreshed by
// `make maplibre`). Everything is in the binary: the page works offline.
//
//go:embed web
var web embed.FS

// webVersionMark in index.html is replaced by webAssets.version, so that
// asset URLs change whenever an embedded file does.
const webVersionMark = "{{v}}"

// webCSP is the page's Content-Security-Policy: scripts and styles from this
// server only; images and fetches anywhere, because the optional base map
// is a raster tile URL the user names; MapLibre's worker from here or blob:.
const webCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: *; " +
	"connect-src 'self' *; worker-src 'self' blob:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

// webAsset is one embedded file, ready to serve.
type webAsset struct {
	body   []byte
	gz     []byte // nil when gzip would not help
	ctype  string
	etag   string
	gzETag string
}

// webAssets are the embedded files by their path under web/ ("app.js",
// "maplibre/maplibre-gl.mjs"); version hashes them all.
type webAssets struct {
	files   map[string]*webAsset
	version string
}

// loadWeb prepares the embedded files once (about 0.1 s, started with the
// server): content types, ETags, gzipped bodies. The files are fixed at build time, so this cannot fail at run
// time; an unreadable file is a broken build and is left out (a test reads
// every one).
var loadWeb = sync.OnceValue(func() *webAssets {
	w := &webAssets{files: map[string]*webAsset{}}
	var names []string
	raw := map[string][]byte{}
	fs.WalkDir(web, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, err := web.ReadFile(p)
		if err != nil {
			return nil
		}
		name := strings.TrimPrefix(p, "web/")
		names = append(names, name)
		raw[name] = b
		return nil
	})
	slices.Sort(names)
	h := sha256.New()
	for _, name := range names {
		if name != "index.html" {
			h.Write([]byte(name))
			h.Write(raw[name])
		}
	}
	w.version = hex.EncodeToString(h.Sum(nil))[:16]
	for _, name := range names {
		b := raw[name]
		if name == "index.html" {
			b = bytes.ReplaceAll(b, []byte(webVersionMark), []byte(w.version))
		}
		w.files[name] = newWebAsset(name, b)
	}
	return w
})

func newWebAsset(name string, b []byte) *webAsset {
	sum := sha256.Sum256(b)
	a := &webAsset{body: b, ctype: webContentType(name), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	if len(b) >= 1024 && strings.HasPrefix(a.ctype, "text/") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		if buf.Len() < len(b)*9/10 {
			a.gz = buf.Bytes()
			a.gzETag = `"` + hex.EncodeToString(sum[:8]) + `-gz"`
		}
	}
	return a
}

// webContentType names the media type of an embedded file by its extension.
func webContentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	default: // LICENSE.txt, VERSION
		return "text/plain; charset=utf-8"
	}
}

// webRoutes registers the map page. It is public under the default public
// routes ("/" and "/web/*"); the data it shows comes from the public map
// routes, and the report figures from the token the user gives it.
func (s *Server) webRoutes(e *gin.Engine) {
	go loadWeb() // gzip the files now rather than on the first page load
	e.GET("/", s.handleWebIndex)
	e.GET("/web/:file", s.handleWebAsset)
	e.GET("/web/maplibre/:file", s.handleWebAsset)
}

// handleWebIndex: GET / → the map page. It is revalidated on every load
// (no-cache with an ETag); the assets it names carry the build's version
// in their URLs and are cached for good.
func (s *Server) handleWebIndex(c *gin.Context) {
	a := loadWeb().files["index.html"]
	c.Header("Content-Security-Policy", webCSP)
	c.Header("Cache-Control", "no-cache")
	s.writeWebAsset(c, a)
}

// handleWebAsset: GET /web/{file}, /web/maplibre/{file} → an embedded file
// with its content type. With ?v= naming the current version (as the page
// asks) it may be cached for a year; otherwise it is revalidated each time.
func (s *Server) handleWebAsset(c *gin.Context) {
	w := loadWeb()
	name := strings.TrimPrefix(c.Request.URL.Path, "/web/")
	a, ok := w.files[name]
	if !ok || name == "index.html" {
		s.failStatus(c, http.StatusNotFound, "not_found", "no such file: "+c.Request.URL.Path)
		return
	}
	if c.Query("v") == w.version {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	s.writeWebAsset(c, a)
}

// writeWebAsset answers with a, gzipped when the client accepts it and it
// helps; 304 when If-None-Match names its ETag.
func (s *Server) writeWebAsset(c *gin.Context, a *webAsset) {
	c.Header("X-Content-Type-Options", "nosniff")
	body, etag := a.body, a.etag
	gz := a.gz != nil && acceptsGzip(c.GetHeader("Accept-Encoding"))
	if a.gz != nil {
		c.Header("Vary", "Accept-Encoding")
	}
	if gz {
		body, etag = a.gz, a.gzETag
	}
	c.Header("ETag", etag)
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return
	}
	if gz {
		c.Header("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, a.ctype, body)
}

package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/tile"
)

// The tile layers and how they are cached.
const (
	layerGrids   = "grids"
	layerSites   = "sites"
	layerReports = "reports"

	// sitesMinZoom and reportsMinZoom are the zooms the point layers
	// appear from; below them their tiles are empty.
	sitesMinZoom   = 10
	reportsMinZoom = 10
	// tileJSONMaxZoom is the deepest zoom the TileJSON advertises: clients
	// over-zoom beyond it (a z16 tile has 12 cm resolution here), though
	// the server cuts tiles down to tile.MaxZoom.
	tileJSONMaxZoom = 16
	// maxReportsPerTile caps the reports read for one tile.
	maxReportsPerTile = 5000
	// reportTileTTL is how long a reports tile is cached: reports change
	// all the time and have no version to key on.
	reportTileTTL = 10 * time.Second

	mvtContentType = "application/vnd.mapbox-vector-tile"
)

// mapRoutes registers the vector tile and OGC API - Features routes. They
// are public (see DefaultPublicRoutes) and answer any origin, so that a web
// map on another site can load them.
func (s *Server) mapRoutes(e *gin.Engine) {
	s.maps.cache = newTileCache(s.cfg.TileCacheBytes)
	e.GET("/tiles/grids.json", allowAnyOrigin, s.handleTileJSON(layerGrids))
	e.GET("/tiles/sites.json", allowAnyOrigin, s.handleTileJSON(layerSites))
	e.GET("/tiles/reports.json", allowAnyOrigin, s.handleTileJSON(layerReports))
	e.GET("/tiles/validation.json", allowAnyOrigin, s.handleTileJSON(layerValidation))
	e.GET("/tiles/:layer/:z/:x/:y", allowAnyOrigin, s.handleTile)
	s.ogcRoutes(e)
}

// allowAnyOrigin lets browsers on any origin read the answer (CORS): the map
// routes carry no credentials and no personal data.
func allowAnyOrigin(c *gin.Context) {
	c.Header("Access-Control-Allow-Origin", "*")
	c.Header("Access-Control-Expose-Headers", "ETag")
	c.Next()
}

// handleTile: GET /tiles/{layer}/{z}/{x}/{y}.mvt?crs= → a Mapbox Vector Tile
// (gzipped when the client accepts it), 204 when the tile is empty. The
// layer is grids, sites, reports or validation (404 otherwise); z/x/y outside the
// pyramid or not integers are a 400. With crs=gcj02 or bd09 the tile is cut
// in that system's pyramid, for AMap/Tencent or Baidu base maps. gin names
// the last segment "y": its ".mvt" is taken off here.
func (s *Server) handleTile(c *gin.Context) {
	layer := c.Param("layer")
	if layer != layerGrids && layer != layerSites && layer != layerReports && layer != layerValidation {
		s.failStatus(c, http.StatusNotFound, "not_found", fmt.Sprintf("no tile layer %q (grids, sites, reports, validation)", layer))
		return
	}
	y, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		s.fail(c, &tile.Error{Field: "y", Reason: "must be an integer followed by .mvt"})
		return
	}
	t, err := tile.Parse(c.Param("z"), c.Param("x"), y)
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	key := tileKey{layer: layer, t: t, sys: sys}
	var e *tileEntry
	switch layer {
	case layerGrids:
		e, err = s.gridsTile(key)
	case layerSites:
		e, err = s.sitesTile(c.Request.Context(), key)
	case layerReports:
		e, err = s.reportsTile(c.Request.Context(), key)
	case layerValidation:
		e, err = s.validationTile(c.Request.Context(), key)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeTile(c, e)
}

// gridsTile returns the grids tile of key, from the cache or cut now.
func (s *Server) gridsTile(key tileKey) (*tileEntry, error) {
	ix, err := s.index()
	if err != nil {
		return nil, err
	}
	g := s.gridTiles(ix)
	if e := s.maps.cache.get(key, g, time.Time{}); e != nil {
		return e, nil
	}
	raw, err := tile.Encode(g.Layer(key.t, key.sys))
	if err != nil {
		return nil, fmt.Errorf("grids tile %v: %w", key.t, err)
	}
	e := newTileEntry(key, g, ix.Set().Version, raw)
	s.maps.cache.put(e)
	return e, nil
}

// sitesTile returns the sites tile of key: properties id, kind and name;
// feature ids number the sites from 1 in kind and input order.
func (s *Server) sitesTile(ctx context.Context, key tileKey) (*tileEntry, error) {
	set, err := s.siteSet(ctx)
	if err != nil {
		return nil, err
	}
	if e := s.maps.cache.get(key, set, time.Time{}); e != nil {
		return e, nil
	}
	var layer *mvt.Layer
	if key.t.Z >= sitesMinZoom {
		b := tile.SearchBound(key.t, key.sys, 0)
		var pts []tile.Point
		id := uint64(0)
		for _, kind := range set.Kinds() {
			for i := range set.Sites(kind) {
				st := &set.Sites(kind)[i]
				id++
				if b.Contains(st.Point) {
					pts = append(pts, tile.Point{ID: id, P: st.Point, Props: geojson.Properties{"id": st.ID, "kind": st.Kind, "name": st.Name}})
				}
			}
		}
		layer = tile.PointsLayer(layerSites, key.t, key.sys, 0, pts)
	}
	raw, err := tile.Encode(layer)
	if err != nil {
		return nil, fmt.Errorf("sites tile %v: %w", key.t, err)
	}
	e := newTileEntry(key, set, int64(set.Len()), raw)
	s.maps.cache.put(e)
	return e, nil
}

// reportsTile returns the reports tile of key: properties status and
// category only (no title, description or reporter: the route is public);
// feature ids are the report ids. It is cached for reportTileTTL.
func (s *Server) reportsTile(ctx context.Context, key tileKey) (*tileEntry, error) {
	if s.cfg.Reports == nil {
		return nil, errNoReports
	}
	now := s.cfg.Now()
	if e := s.maps.cache.get(key, nil, now); e != nil {
		return e, nil
	}
	var layer *mvt.Layer
	if key.t.Z >= reportsMinZoom {
		b := tile.SearchBound(key.t, key.sys, 0)
		rs, err := s.cfg.Reports.ListReports(ctx, geo.ReportFilter{BBox: &b, Limit: maxReportsPerTile, Now: now})
		if err != nil {
			return nil, err
		}
		pts := make([]tile.Point, len(rs))
		for i, r := range rs {
			pts[i] = tile.Point{ID: uint64(r.ID), P: r.Point, Props: geojson.Properties{"status": string(r.Status), "category": r.Category}}
		}
		layer = tile.PointsLayer(layerReports, key.t, key.sys, 0, pts)
	}
	raw, err := tile.Encode(layer)
	if err != nil {
		return nil, fmt.Errorf("reports tile %v: %w", key.t, err)
	}
	e := newTileEntry(key, nil, now.Unix(), raw)
	e.exp = now.Add(reportTileTTL)
	s.maps.cache.put(e)
	return e, nil
}

// writeTile answers with e: 204 for an empty tile, else the tile with its
// ETag (304 when If-None-Match names it), gzipped when accepted.
func (s *Server) writeTile(c *gin.Context, e *tileEntry) {
	maxAge := 60
	if e.key.layer == layerReports {
		maxAge = int(reportTileTTL / time.Second)
	}
	c.Header("Cache-Control", "public, max-age="+strconv.Itoa(maxAge))
	c.Header("Vary", "Accept-Encoding")
	if e.raw == nil {
		c.Status(http.StatusNoContent)
		return
	}
	body, etag := e.raw, e.etag
	gz := acceptsGzip(c.GetHeader("Accept-Encoding"))
	if gz {
		etag = e.gzipETag()
	}
	c.Header("ETag", etag)
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return
	}
	if gz {
		body = s.maps.cache.gzipped(e)
		c.Header("Content-Encoding", "gzip")
	}
	c.Data(http.StatusOK, mvtContentType, body)
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) with a q above 0.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "x-gzip" && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		if q > 0 {
			return true
		}
	}
	return false
}

// etagMatches reads If-None-Match: "*" or a list of (weak or strong) tags.
func etagMatches(h, etag string) bool {
	if h == "" {
		return false
	}
	for _, t := range strings.Split(h, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

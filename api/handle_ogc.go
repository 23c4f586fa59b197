package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

// OGC API - Features Part 1 (Core, GeoJSON, OpenAPI 3.0) under /ogc: grids
// as one collection per level ("grids-street"), sites as one collection per
// kind ("sites-school"). Coordinates are CRS84 (WGS-84 lon/lat). Every link
// is absolute, built from the request's Host.

const (
	ogcCRS84       = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	ogcDefaultPage = 100
	ogcMaxPage     = 10000
	geoJSONType    = "application/geo+json"
	jsonType       = "application/json"
)

var ogcConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
}

// levelTitles are the Chinese names of the usual levels.
var levelTitles = map[string]string{
	"province": "省", "city": "市", "district": "区", "street": "街道", "community": "社区", "grid": "网格", "microgrid": "微网格",
}

func (s *Server) ogcRoutes(e *gin.Engine) {
	g := e.Group("/ogc", allowAnyOrigin)
	g.GET("", s.handleOGCLanding)
	g.GET("/conformance", s.handleOGCConformance)
	g.GET("/collections", s.handleOGCCollections)
	g.GET("/collections/:collection_id", s.handleOGCCollection)
	g.GET("/collections/:collection_id/items", s.handleOGCItems)
	g.GET("/collections/:collection_id/items/:feature_id", s.handleOGCItem)
}

type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// handleOGCLanding: GET /ogc → the landing page with its links.
func (s *Server) handleOGCLanding(c *gin.Context) {
	base := baseURL(c)
	c.JSON(http.StatusOK, gin.H{
		"title":       "wangge 网格",
		"description": "Grids (网格) of every level and sites, as OGC API - Features",
		"links": []ogcLink{
			{Href: base + "/ogc", Rel: "self", Type: jsonType, Title: "This document"},
			{Href: base + "/openapi.json", Rel: "service-desc", Type: "application/vnd.oai.openapi+json;version=3.0", Title: "The API definition"},
			{Href: base + "/ogc/conformance", Rel: "conformance", Type: jsonType, Title: "Conformance classes"},
			{Href: base + "/ogc/collections", Rel: "data", Type: jsonType, Title: "Collections"},
		},
	})
}

// handleOGCConformance: GET /ogc/conformance.
func (s *Server) handleOGCConformance(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"conformsTo": ogcConformance})
}

// ogcSource is one collection: the grids of a level or the sites of a kind.
type ogcSource struct {
	id, title, description string
	level                  string // grids; "" for sites
	kind                   string // sites
	ix                     *geo.Index
	sites                  *plan.SiteSet
}

// ogcSources lists the collections: the grids of each level of the served
// set (none before an index is loaded), then the sites of each kind.
func (s *Server) ogcSources(ctx context.Context) ([]ogcSource, error) {
	var out []ogcSource
	if ix := s.cfg.Boundaries.Load(); ix != nil {
		for r, l := range ix.Set().Levels {
			title := "Grids: " + l
			if zh := levelTitles[l]; zh != "" {
				title += " (" + zh + ")"
			}
			out = append(out, ogcSource{id: "grids-" + l, title: title, level: l, ix: ix,
				description: fmt.Sprintf("The %d grids at level %s of boundary version %d", ix.LevelCounts()[r], l, ix.Set().Version)})
		}
	}
	set, err := s.siteSet(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range set.Kinds() {
		out = append(out, ogcSource{id: "sites-" + k, title: "Sites: " + k, kind: k, sites: set, ix: s.cfg.Boundaries.Load(),
			description: fmt.Sprintf("The %d sites of kind %s", len(set.Sites(k)), k)})
	}
	return out, nil
}

// ogcSource finds collection id (geo.ErrNotFound when there is none).
func (s *Server) ogcSource(ctx context.Context, id string) (ogcSource, error) {
	if !strings.HasPrefix(id, "grids-") && !strings.HasPrefix(id, "sites-") {
		return ogcSource{}, fmt.Errorf("collection %q: %w", id, geo.ErrNotFound)
	}
	all, err := s.ogcSources(ctx)
	if err != nil {
		return ogcSource{}, err
	}
	for _, src := range all {
		if src.id == id {
			return src, nil
		}
	}
	return ogcSource{}, fmt.Errorf("collection %q: %w", id, geo.ErrNotFound)
}

// bound is the collection's extent (WGS-84).
func (src *ogcSource) bound() orb.Bound {
	var b orb.Bound
	first := true
	add := func(o orb.Bound) {
		if first {
			b, first = o, false
		} else {
			b = b.Union(o)
		}
	}
	if src.level != "" {
		for i := range src.ix.Len() {
			if src.ix.Grid(int32(i)).Level == src.level {
				add(src.ix.Bound(int32(i)))
			}
		}
	} else {
		for _, st := range src.sites.Sites(src.kind) {
			add(st.Point.Bound())
		}
	}
	return b
}

func (s *Server) ogcCollectionJSON(base string, src ogcSource) gin.H {
	b := src.bound()
	self := base + "/ogc/collections/" + src.id
	return gin.H{
		"id":          src.id,
		"title":       src.title,
		"description": src.description,
		"itemType":    "feature",
		"crs":         []string{ogcCRS84},
		"extent": gin.H{"spatial": gin.H{
			"bbox": [][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}},
			"crs":  ogcCRS84,
		}},
		"links": []ogcLink{
			{Href: self, Rel: "self", Type: jsonType, Title: "This collection"},
			{Href: self + "/items", Rel: "items", Type: geoJSONType, Title: "The features"},
		},
	}
}

// handleOGCCollections: GET /ogc/collections.
func (s *Server) handleOGCCollections(c *gin.Context) {
	all, err := s.ogcSources(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	base := baseURL(c)
	cols := make([]gin.H, len(all))
	for i, src := range all {
		cols[i] = s.ogcCollectionJSON(base, src)
	}
	c.JSON(http.StatusOK, gin.H{
		"links":       []ogcLink{{Href: base + "/ogc/collections", Rel: "self", Type: jsonType, Title: "This document"}},
		"collections": cols,
	})
}

// handleOGCCollection: GET /ogc/collections/{collectionId}; 404 for an
// unknown one.
func (s *Server) handleOGCCollection(c *gin.Context) {
	src, err := s.ogcSource(c.Request.Context(), c.Param("collection_id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.ogcCollectionJSON(baseURL(c), src))
}

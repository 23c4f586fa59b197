package api

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// tileJSON is a TileJSON 3.0.0 document, with wangge's extensions levels
// (the zoom each grid level appears from) and boundary_version.
type tileJSON struct {
	TileJSON        string        `json:"tilejson"`
	Name            string        `json:"name"`
	Description     string        `json:"description"`
	Scheme          string        `json:"scheme"`
	Tiles           []string      `json:"tiles"`
	MinZoom         int           `json:"minzoom"`
	MaxZoom         int           `json:"maxzoom"`
	Bounds          [4]float64    `json:"bounds"`
	Center          [3]float64    `json:"center"`
	VectorLayers    []vectorLayer `json:"vector_layers"`
	Levels          []levelZoom   `json:"levels,omitempty"`
	BoundaryVersion *int64        `json:"boundary_version,omitempty"`
	Kinds           []string      `json:"kinds,omitempty"`
}

type vectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

type levelZoom struct {
	Level   string `json:"level"`
	MinZoom int    `json:"minzoom"`
	Count   int    `json:"count"`
}

// handleTileJSON: GET /tiles/{layer}.json?crs= → the layer's TileJSON 3.0.0,
// its tile URL absolute (from the request's Host) and carrying crs.
func (s *Server) handleTileJSON(layer string) gin.HandlerFunc {
	return func(c *gin.Context) {
		sys, err := parseCRS(c.Query("crs"))
		if err != nil {
			s.fail(c, err)
			return
		}
		u := baseURL(c) + "/tiles/" + layer + "/{z}/{x}/{y}.mvt"
		if c.Query("crs") != "" {
			u += "?crs=" + url.QueryEscape(string(sys))
		}
		doc := tileJSON{TileJSON: "3.0.0", Scheme: "xyz", Tiles: []string{u}, MaxZoom: tileJSONMaxZoom}
		ix := s.cfg.Boundaries.Load()
		bound := orb.Bound{Min: orb.Point{-180, -85.0511}, Max: orb.Point{180, 85.0511}}
		if ix != nil {
			bound = setBound(ix)
		}
		switch layer {
		case layerGrids:
			if ix == nil {
				s.fail(c, errNotReady)
				return
			}
			g := s.gridTiles(ix)
			doc.Name = "wangge grids"
			doc.Description = "Grid boundaries of every level, simplified per zoom with shared edges kept shared. Each level appears from its minzoom (see levels)."
			doc.MinZoom = tileJSONMaxZoom
			desc := ""
			for r, l := range ix.Set().Levels {
				z := g.MinZoom(l)
				doc.Levels = append(doc.Levels, levelZoom{Level: l, MinZoom: z, Count: ix.LevelCounts()[r]})
				doc.MinZoom = min(doc.MinZoom, z)
				if desc != "" {
					desc += ", "
				}
				desc += l + " from z" + strconv.Itoa(z)
			}
			v := ix.Set().Version
			doc.BoundaryVersion = &v
			doc.VectorLayers = []vectorLayer{{ID: layerGrids, MinZoom: doc.MinZoom, MaxZoom: tileJSONMaxZoom,
				Description: "Grids (feature id: the numeric code); levels: " + desc,
				Fields:      map[string]string{"code": "String", "name": "String", "level": "String", "parent": "String (absent for a root)"}}}
		case layerSites:
			set, err := s.siteSet(c.Request.Context())
			if err != nil {
				s.fail(c, err)
				return
			}
			doc.Name = "wangge sites"
			doc.Description = "Sites: stations, schools, clinics, residential points, ..."
			doc.MinZoom = sitesMinZoom
			doc.Kinds = append([]string{}, set.Kinds()...)
			doc.VectorLayers = []vectorLayer{{ID: layerSites, MinZoom: sitesMinZoom, MaxZoom: tileJSONMaxZoom,
				Description: "Sites as points", Fields: map[string]string{"id": "String", "kind": "String", "name": "String"}}}
		case layerReports:
			if s.cfg.Reports == nil {
				s.fail(c, errNoReports)
				return
			}
			doc.Name = "wangge reports"
			doc.Description = "Reports as points: status and category only (no personal data); cached for 10 s."
			doc.MinZoom = reportsMinZoom
			doc.VectorLayers = []vectorLayer{{ID: layerReports, MinZoom: reportsMinZoom, MaxZoom: tileJSONMaxZoom,
				Description: "Reports (feature id: the report id)", Fields: map[string]string{"status": "String", "category": "String"}}}
		case layerValidation:
			if ix == nil {
				s.fail(c, errNotReady)
				return
			}
			v := ix.Set().Version
			doc.BoundaryVersion = &v
			doc.Name = "wangge validation"
			doc.Description = "Topology problems of the boundaries (see GET /v1/validation): overlaps, gaps, parts outside a parent and slivers as polygons (points when too small to see), invalid geometry as points."
			doc.MinZoom = validationMinZoom
			doc.VectorLayers = []vectorLayer{{ID: layerValidation, MinZoom: validationMinZoom, MaxZoom: tileJSONMaxZoom,
				Description: "Problems (feature id: the problem's number from 1)",
				Fields:      map[string]string{"kind": "String", "level": "String", "grids": "String (codes, comma-separated)", "area_m2": "Number", "detail": "String"}}}
		default:
			s.failStatus(c, http.StatusNotFound, "not_found", "no such tile layer")
			return
		}
		bound = orb.Bound{Min: crs.Convert(bound.Min, crs.WGS84, sys), Max: crs.Convert(bound.Max, crs.WGS84, sys)}
		doc.Bounds = [4]float64{round7(bound.Min[0]), round7(bound.Min[1]), round7(bound.Max[0]), round7(bound.Max[1])}
		ctr := bound.Center()
		doc.Center = [3]float64{round7(ctr[0]), round7(ctr[1]), float64(max(doc.MinZoom, 12))}
		c.Header("Cache-Control", "public, max-age=60")
		c.JSON(http.StatusOK, doc)
	}
}

// setBound is the bounding box of every grid of ix (WGS-84).
func setBound(ix *geo.Index) orb.Bound {
	if ix.Len() == 0 {
		return orb.Bound{}
	}
	b := ix.Bound(0)
	for i := 1; i < ix.Len(); i++ {
		b = b.Union(ix.Bound(int32(i)))
	}
	return b
}

// baseURL is the scheme and host the request reached the server at, for
// absolute links (the Host header; proxy headers are not trusted).
func baseURL(c *gin.Context) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

func round7(v float64) float64 { return math.Round(v*1e7) / 1e7 }

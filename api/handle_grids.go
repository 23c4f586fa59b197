package api

import (
	"encoding/base64"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

const (
	defaultPageSize = 100
	maxPageSize     = 1000
	maxSimplifyM    = 100_000 // metres
)

// handleGrids: GET /v1/grids?level=&parent=&bbox=&limit=&cursor=&crs=&simplify_m=
// → a GeoJSON FeatureCollection in code order, with "next_cursor" unless this
// is the last page. bbox (in the request's crs) keeps grids whose bounding
// box meets it. The cursor is opaque (the last code of the page), so paging
// survives a reload. simplify_m > 0 simplifies the boundaries with that
// tolerance in metres, arc by arc over the shared-arc topology of the whole
// set, so neighbours (and parents and children) still share their edges
// vertex for vertex, on every page and across requests.
func (s *Server) handleGrids(c *gin.Context) {
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	q, err := parseGridQuery(c, ix)
	if err != nil {
		s.fail(c, err)
		return
	}
	simplified := func(i int32) orb.MultiPolygon { return ix.Grid(i).Geometry }
	if q.simplifyM > 0 {
		// The topology of every level, whatever level asks for, so that
		// pages and levels fetched apart still fit together.
		topo, shapeOf := s.gridTiles(ix).Arcs(len(ix.Set().Levels) - 1)
		simp := topo.SimplifyM(q.simplifyM)
		simplified = func(i int32) orb.MultiPolygon {
			if mp := simp.Shape(int(shapeOf[i])); len(mp) > 0 {
				return mp
			}
			return ix.Grid(i).Geometry // nothing left: keep the original
		}
	}
	sorted := ix.Sorted()
	start := 0
	if q.after != "" {
		start = sort.Search(len(sorted), func(k int) bool { return ix.Grid(sorted[k]).Code > q.after })
	}
	b := make([]byte, 0, 64<<10)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	n, last := 0, ""
	more := false
	for _, i := range sorted[start:] {
		if !q.match(ix, i) {
			continue
		}
		if n == q.limit {
			more = true
			break
		}
		if n > 0 {
			b = append(b, ',')
		}
		if b, err = appendGridFeatureGeom(b, ix, i, simplified(i), q.sys); err != nil {
			s.fail(c, err)
			return
		}
		n++
		last = ix.Grid(i).Code
	}
	b = append(b, ']')
	if more {
		b = append(b, `,"next_cursor":`...)
		b = appendString(b, base64.RawURLEncoding.EncodeToString([]byte(last)))
	}
	b = append(b, '}')
	c.Data(http.StatusOK, "application/geo+json; charset=utf-8", b)
}

type gridQuery struct {
	level, parent string
	bbox          *orb.Bound // WGS-84
	limit         int
	after         string
	sys           crs.System
	simplifyM     float64 // 0: not simplified
}

func parseGridQuery(c *gin.Context, ix *geo.Index) (gridQuery, error) {
	var q gridQuery
	var err error
	if q.sys, err = parseCRS(c.Query("crs")); err != nil {
		return q, err
	}
	if q.level, err = parseLevel(ix, c.Query("level")); err != nil {
		return q, err
	}
	q.parent = c.Query("parent")
	if s := c.Query("bbox"); s != "" {
		b, err := parseBBox(s)
		if err != nil {
			return q, err
		}
		// Converting the corners is exact enough: the shift varies by well
		// under a metre across a map view.
		b = orb.Bound{Min: crs.Convert(b.Min, q.sys, crs.WGS84), Max: crs.Convert(b.Max, q.sys, crs.WGS84)}
		q.bbox = &b
	}
	if q.limit, err = parseLimit(c.Query("limit"), defaultPageSize, maxPageSize); err != nil {
		return q, err
	}
	if v := c.Query("simplify_m"); v != "" {
		if q.simplifyM, err = parseFloat("simplify_m", v); err != nil {
			return q, err
		}
		if q.simplifyM < 0 || q.simplifyM > maxSimplifyM {
			return q, badRequest("invalid_simplify_m", "simplify_m", "simplify_m must be within [0,%d]", maxSimplifyM)
		}
	}
	if cur := c.Query("cursor"); cur != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cur)
		if err != nil || len(raw) == 0 {
			return q, badRequest("invalid_cursor", "cursor", "cursor is not one this server gave out")
		}
		q.after = string(raw)
	}
	return q, nil
}

func (q *gridQuery) match(ix *geo.Index, i int32) bool {
	g := ix.Grid(i)
	if q.level != "" && g.Level != q.level {
		return false
	}
	if q.parent != "" && g.Parent != q.parent {
		return false
	}
	if q.bbox != nil && !q.bbox.Intersects(ix.Bound(i)) {
		return false
	}
	return true
}

package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// handleLocate: GET /v1/locate?lon=&lat=&crs=&level=&nearest_m=
// → {"match","owner","path","distance_m","others"}; match "none" is a 200.
func (s *Server) handleLocate(c *gin.Context) {
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := queryPoint(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	level, err := parseLevel(ix, c.Query("level"))
	if err != nil {
		s.fail(c, err)
		return
	}
	nearest, err := parseNearest(c.Query("nearest_m"))
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := ix.Locate(crs.Convert(p, sys, crs.WGS84), geo.LocateOptions{Level: level, NearestM: nearest})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.metrics.lookups.WithLabelValues(string(res.Match)).Inc()
	b := make([]byte, 0, 512)
	b = append(b, '{')
	b = appendResult(b, ix, res, nil)
	b = append(b, '}')
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

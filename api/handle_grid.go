package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
)

// handleGrid: GET /v1/grids/{code}?crs= → a GeoJSON Feature; 404 for an
// unknown code.
func (s *Server) handleGrid(c *gin.Context) {
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	code := c.Param("code")
	i, ok := ix.Lookup(code)
	if !ok {
		s.fail(c, fmt.Errorf("grid %q: %w", code, geo.ErrNotFound))
		return
	}
	b, err := appendGridFeature(make([]byte, 0, 4096), ix, i, sys)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/geo+json; charset=utf-8", b)
}

package api

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
)

// requireAdmin lets a request through only with "Authorization: Bearer
// <admin token>" (401 otherwise). Until the Reports issue brings roles, the
// admin token is the one from the environment.
func (s *Server) requireAdmin(c *gin.Context) {
	token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="wangge"`)
		s.failStatus(c, http.StatusUnauthorized, "unauthorized", "a valid bearer token is required")
		return
	}
	c.Next()
}

// maxWarningsShown caps the warnings listed in a PUT /v1/grids response.
const maxWarningsShown = 100

// handlePutGrids: PUT /v1/grids?crs= with a GeoJSON FeatureCollection body
// replaces the whole main set (validated like the CLI import, all or
// nothing) and then swaps the served index atomically: lookups in flight
// finish on the old snapshot, new ones see the new set, none sees half.
func (s *Server) handlePutGrids(c *gin.Context) {
	if err := requireJSON(c); err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxUploadBytes)
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	set, warns, err := s.cfg.Grids.ReplaceGrids(c.Request.Context(), geo.DefaultLayer, body, string(sys))
	if err != nil {
		s.metrics.reloads.WithLabelValues("rejected").Inc()
		s.fail(c, err)
		return
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		s.metrics.reloads.WithLabelValues("failed").Inc()
		s.fail(c, err)
		return
	}
	s.swap(ix)
	s.metrics.reloads.WithLabelValues("ok").Inc()
	s.log.InfoContext(c.Request.Context(), "boundaries replaced", "version", set.Version, "grids", len(set.Grids), "warnings", len(warns), "request_id", requestID(c))
	shown := make([]string, 0, min(len(warns), maxWarningsShown))
	for _, w := range warns[:min(len(warns), maxWarningsShown)] {
		shown = append(shown, w.String())
	}
	c.JSON(http.StatusOK, gin.H{"boundary_version": set.Version, "grids": len(set.Grids), "warning_count": len(warns), "warnings": shown})
}

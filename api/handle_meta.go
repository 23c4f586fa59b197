package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// handleLevels: GET /v1/levels → {"levels":[{"name","rank","count"}]},
// coarsest first.
func (s *Server) handleLevels(c *gin.Context) {
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	type level struct {
		Name  string `json:"name"`
		Rank  int    `json:"rank"`
		Count int    `json:"count"`
	}
	out := make([]level, 0, len(ix.Set().Levels))
	counts := ix.LevelCounts()
	for r, name := range ix.Set().Levels {
		out = append(out, level{name, r, counts[r]})
	}
	c.JSON(http.StatusOK, gin.H{"levels": out})
}

// handleVersion: GET /v1/version → the build and the served boundary version.
func (s *Server) handleVersion(c *gin.Context) {
	out := gin.H{"version": s.cfg.Version, "boundary_version": nil, "layer": nil, "grids": 0, "loaded_at": nil}
	if ix := s.cfg.Boundaries.Load(); ix != nil {
		out["boundary_version"] = ix.Set().Version
		out["layer"] = ix.Set().Layer
		out["grids"] = ix.Len()
		out["loaded_at"] = time.Unix(0, s.loadedAt.Load()).UTC().Format(time.RFC3339Nano)
	}
	c.JSON(http.StatusOK, out)
}

// handleHealthz: GET /healthz → 200 while the process serves.
func (s *Server) handleHealthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// handleReadyz: GET /readyz → 200 once a boundary index is loaded, else 503.
func (s *Server) handleReadyz(c *gin.Context) {
	ix := s.cfg.Boundaries.Load()
	if ix == nil {
		s.fail(c, errNotReady)
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "boundary_version": ix.Set().Version, "grids": ix.Len()})
}

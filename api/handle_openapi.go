package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPI is the OpenAPI 3 description of every route; a test keeps it and
// the router in step.
//
//go:embed openapi.json
var openAPI []byte

// handleOpenAPI: GET /openapi.json.
func (s *Server) handleOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", openAPI)
}

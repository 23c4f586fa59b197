package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
	"github.com/wangge/wangge/geo/tile"
)

// apiError is an error with its HTTP status, a stable machine-readable code
// and the request field it concerns.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Allowed lists the statuses a report may move to, with a 409 for a
	// transition the lifecycle does not allow.
	Allowed []geo.Status `json:"allowed,omitempty"`
}

func (e *apiError) Error() string { return e.Message }

func badRequest(code, field, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// toAPIError is the one table from errors to HTTP statuses.
func toAPIError(err error) *apiError {
	var ae *apiError
	var mbe *http.MaxBytesError
	var ge *geo.GridError
	var te *geo.TransitionError
	var se *geo.SiteError
	var ie *plan.InputError
	var tle *tile.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &mbe):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)}
	case errors.As(err, &ge):
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_grid", Field: fmt.Sprintf("features[%d]", ge.Index), Message: ge.Error()}
	case errors.Is(err, geo.ErrInvalidGrid):
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_grid", Message: err.Error()}
	case errors.As(err, &se): // "feature 3" → features[3]; "line 7" stays
		field := se.Where
		if n, ok := strings.CutPrefix(field, "feature "); ok {
			field = "features[" + n + "]"
		}
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_site", Field: field, Message: se.Error()}
	case errors.Is(err, geo.ErrInvalidSite):
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_site", Message: err.Error()}
	case errors.As(err, &ie):
		return &apiError{Status: http.StatusBadRequest, Code: ie.Code, Field: ie.Field, Message: ie.Message}
	case errors.As(err, &tle):
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_tile", Field: tle.Field, Message: tle.Error()}
	case errors.Is(err, geo.ErrInvalidPoint):
		field := "lon"
		if strings.Contains(err.Error(), "lat ") {
			field = "lat"
		}
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_point", Field: field, Message: strings.TrimPrefix(err.Error(), geo.ErrInvalidPoint.Error()+": ")}
	case errors.Is(err, geo.ErrUnknownLevel):
		return &apiError{Status: http.StatusBadRequest, Code: "unknown_level", Field: "level", Message: err.Error()}
	case errors.Is(err, geo.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: err.Error()}
	case errors.As(err, &te):
		return &apiError{Status: http.StatusConflict, Code: "invalid_transition", Field: "to", Message: te.Error(), Allowed: te.Allowed}
	case errors.Is(err, geo.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: err.Error()}
	case errors.Is(err, geo.ErrInvalidChange):
		return &apiError{Status: http.StatusBadRequest, Code: "invalid_change", Field: "grid", Message: err.Error()}
	case errors.Is(err, geo.ErrIdempotencyMismatch):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused", Field: "Idempotency-Key",
			Message: "this Idempotency-Key was used with a different request"}
	case errors.Is(err, geo.ErrUnauthenticated):
		return &apiError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "a valid bearer token is required"}
	case errors.Is(err, geo.ErrForbidden):
		return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: err.Error()}
	case errors.Is(err, errNoReports):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "not_configured", Message: "reports are not configured on this server"}
	case errors.Is(err, errNoAddresses):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "not_configured", Message: "no address index is loaded on this server"}
	case errors.Is(err, errNotReady):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "no boundary set is loaded yet"}
	case errors.Is(err, geo.ErrUnavailable):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "store_unavailable", Message: "the store is unavailable; retry later"}
	case errors.Is(err, errValidationBusy):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "busy", Message: err.Error()}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}
}

var errNotReady = errors.New("not ready")

// fail writes err as the JSON error body with its status and stops the chain.
// Internal errors are logged with their detail; the client sees "internal error".
func (s *Server) fail(c *gin.Context, err error) {
	ae := toAPIError(err)
	if ae.Status >= 500 && ae.Code == "internal" {
		s.log.ErrorContext(c.Request.Context(), "internal error", "err", err, "request_id", requestID(c))
	}
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(ae.Status, gin.H{"error": ae})
}

// failStatus writes a plain status error (404 for unknown routes, ...).
func (s *Server) failStatus(c *gin.Context, status int, code, msg string) {
	s.fail(c, &apiError{Status: status, Code: code, Message: msg})
}

package api

import (
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
)

// TokenAuthenticator finds who a bearer token stands for. Unknown, expired
// and revoked tokens are errors wrapping geo.ErrUnauthenticated.
// data.SQLite implements it.
type TokenAuthenticator interface {
	Authenticate(ctx context.Context, token string) (geo.Principal, error)
}

// DefaultPublicRoutes are the routes served without a token. A pattern is
// "[METHOD ]PATH", where a PATH ending in "*" matches every path it
// prefixes ("/ogc/*" matches "/ogc" too); without a METHOD it matches every
// method.
var DefaultPublicRoutes = []string{
	"/healthz", "/readyz", "/metrics", "/openapi.json", "/", "/web/*",
	"/v1/locate", "/v1/levels", "/v1/version", "GET /v1/grids*",
	"GET /v1/sites", "/v1/coverage", "POST /v1/siting", "/v1/geocode", "/v1/reverse",
	"/tiles/*", "/ogc", "/ogc/*",
}

// BootstrapTokenID is the TokenID of the admin the AdminToken of Config
// (WANGGE_ADMIN_TOKEN) stands for.
const BootstrapTokenID = "env"

const principalKey = "principal"

// publicRoute is a parsed public route pattern.
type publicRoute struct {
	method string // "" for any
	path   string
	prefix bool
}

func parsePublicRoutes(patterns []string) []publicRoute {
	out := make([]publicRoute, 0, len(patterns))
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		var r publicRoute
		if m, path, ok := strings.Cut(p, " "); ok {
			r.method, p = strings.ToUpper(m), strings.TrimSpace(path)
		}
		r.path, r.prefix = strings.CutSuffix(p, "*")
		out = append(out, r)
	}
	return out
}

// isPublic reports whether method and path are served without a token.
func (s *Server) isPublic(method, path string) bool {
	for _, r := range s.public {
		if r.method != "" && r.method != method {
			continue
		}
		if path == r.path || r.prefix && strings.HasPrefix(path, r.path) {
			return true
		}
		// "/ogc/*" also covers "/ogc" itself.
		if r.prefix && strings.HasSuffix(r.path, "/") && path == r.path[:len(r.path)-1] {
			return true
		}
	}
	return false
}

// authMiddleware reads the bearer token, when there is one, and records who
// the request acts as. A token that is sent must be valid (401 otherwise),
// even on a public route; a route that is not public needs one. Unknown
// routes pass through to their 404.
func (s *Server) authMiddleware(c *gin.Context) {
	p, ok, err := s.authenticate(c)
	if err != nil {
		c.Header("WWW-Authenticate", `Bearer realm="wangge", error="invalid_token"`)
		s.fail(c, err)
		return
	}
	if ok {
		c.Set(principalKey, p)
	} else if c.FullPath() != "" && !s.isPublic(c.Request.Method, c.Request.URL.Path) {
		c.Header("WWW-Authenticate", `Bearer realm="wangge"`)
		s.fail(c, geo.ErrUnauthenticated)
		return
	}
	c.Next()
}

// authenticate resolves the Authorization header: ok is false without one.
func (s *Server) authenticate(c *gin.Context) (p geo.Principal, ok bool, err error) {
	h := c.GetHeader("Authorization")
	if h == "" {
		return p, false, nil
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return p, false, fmt.Errorf("%w: want Authorization: Bearer TOKEN", geo.ErrUnauthenticated)
	}
	if s.cfg.AdminToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) == 1 {
		return geo.Principal{TokenID: BootstrapTokenID, Role: geo.RoleAdmin, Name: "WANGGE_ADMIN_TOKEN"}, true, nil
	}
	if s.cfg.Tokens == nil {
		return p, false, geo.ErrUnauthenticated
	}
	p, err = s.cfg.Tokens.Authenticate(c.Request.Context(), token)
	if err != nil {
		return p, false, err
	}
	return p, true, nil
}

// principal returns who the request acts as; ok is false on a public route
// called without a token.
func principal(c *gin.Context) (geo.Principal, bool) {
	v, ok := c.Get(principalKey)
	if !ok {
		return geo.Principal{}, false
	}
	p, ok := v.(geo.Principal)
	return p, ok
}

// requireRole lets a request through only when it acts as one of roles: 401
// without a token, 403 for another role.
func (s *Server) requireRole(roles ...geo.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := principal(c)
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="wangge"`)
			s.fail(c, geo.ErrUnauthenticated)
			return
		}
		if !slices.Contains(roles, p.Role) {
			s.fail(c, fmt.Errorf("%w: a %s token cannot do this", geo.ErrForbidden, p.Role))
			return
		}
		c.Next()
	}
}

// forbidden answers 403 with a reason.
func forbidden(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{geo.ErrForbidden}, args...)...)
}

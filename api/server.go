package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

// GridReplacer makes a GeoJSON FeatureCollection (in the named crs) the new
// current version of a layer, all or nothing. Bad input is reported with
// errors wrapping geo.ErrInvalidGrid (a *geo.GridError names the feature).
// data.SQLite implements it.
type GridReplacer interface {
	ReplaceGrids(ctx context.Context, layer string, body io.Reader, crs string) (*geo.Set, []geo.Warning, error)
}

// Config wires a Server.
type Config struct {
	Boundaries *geo.Holder          // the served index; required
	Grids      GridReplacer         // nil turns PUT /v1/grids off
	AdminToken string               // bootstrap admin bearer token (WANGGE_ADMIN_TOKEN); "" for none
	Logger     *slog.Logger         // nil: slog.Default()
	Version    string               // the build's version, for /v1/version
	Registry   *prometheus.Registry // nil: a new one

	MaxBatchPoints int   // POST /v1/locate; default 100,000
	MaxBodyBytes   int64 // POST /v1/locate; default 16 MiB
	MaxUploadBytes int64 // PUT /v1/grids; default 512 MiB

	// Reports: intake, lifecycle, queries, figures (nil: those routes
	// answer 503). Tokens: the bearer tokens with roles (nil: only
	// AdminToken is known).
	Reports    ReportStore
	Tokens     TokenAuthenticator
	Categories geo.Categories // nil: geo.DefaultCategories
	// PublicRoutes are served without a token (see DefaultPublicRoutes for
	// the patterns): nil means DefaultPublicRoutes, an empty slice none.
	PublicRoutes []string
	Now          func() time.Time // nil: time.Now; for tests of deadlines

	// Sites: the store behind /v1/sites, /v1/coverage and /v1/siting (nil:
	// Grids when it holds sites too, else none). Presets: the coverage
	// presets (nil: plan.DefaultPresets).
	Sites   SiteStore
	Presets plan.Presets

	// Map data (/tiles, /ogc): the zoom each grid level appears from in the
	// tiles (nil: tile.DefaultMinZoom) and the tile cache's size in bytes
	// (0: 64 MiB; negative: no cache).
	TileMinZoom    map[string]int
	TileCacheBytes int64

	// Addresses: the gazetteer behind /v1/geocode, /v1/reverse and reports
	// sent with an address (nil or empty: those answer 503).
	// AddressThreshold: the score below which such a report goes to a
	// dispatcher unassigned (0: DefaultAddressThreshold).
	Addresses        *AddressHolder
	AddressThreshold float64
	// AddressLoader, when set, builds the address index again for new
	// boundaries (their names and owners): called in the background after
	// each swap (PUT /v1/grids, Reload), the result stored in Addresses.
	AddressLoader func(ctx context.Context, ix *geo.Index) (AddressIndex, error)
}

// Server is the HTTP service. Create it with New; it is safe for concurrent
// use.
type Server struct {
	cfg      Config
	log      *slog.Logger
	public   []publicRoute
	engine   *gin.Engine
	metrics  *metrics
	reloadMu sync.Mutex      // one PUT /v1/grids at a time
	loadedAt atomic.Int64    // unix nanoseconds of the last index swap
	sites    siteState       // the sites in memory (handle_sites_state.go)
	maps     mapState        // tile sources and cache (handle_tiles_state.go)
	valid    validationState // topology reports (handle_validation.go)
	addrs    addressState    // address index rebuilds (handle_geocode.go)
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBatchPoints <= 0 {
		cfg.MaxBatchPoints = 100_000
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 16 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 512 << 20
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	if cfg.Categories == nil {
		cfg.Categories = geo.DefaultCategories
	}
	if cfg.PublicRoutes == nil {
		cfg.PublicRoutes = DefaultPublicRoutes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AddressThreshold <= 0 {
		cfg.AddressThreshold = DefaultAddressThreshold
	}
	s := &Server{cfg: cfg, log: cfg.Logger, public: parsePublicRoutes(cfg.PublicRoutes)}
	s.metrics = newMetrics(cfg.Registry, cfg.Boundaries)
	if cfg.Boundaries.Load() != nil {
		s.loadedAt.Store(time.Now().UnixNano())
	}
	s.engine = s.routes()
	return s
}

// Handler returns the http.Handler serving every route.
func (s *Server) Handler() http.Handler { return s.engine }

func (s *Server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.SetTrustedProxies(nil) // client IPs come from the connection, not headers
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	e.Use(s.requestIDMiddleware, s.logMiddleware, s.metricsMiddleware, s.recoverMiddleware, s.authMiddleware)
	e.NoRoute(func(c *gin.Context) { s.failStatus(c, http.StatusNotFound, "not_found", "no such route") })
	e.NoMethod(func(c *gin.Context) {
		s.failStatus(c, http.StatusMethodNotAllowed, "method_not_allowed", c.Request.Method+" is not allowed here")
	})

	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/metrics", s.handleMetrics)
	e.GET("/openapi.json", s.handleOpenAPI)

	v1 := e.Group("/v1")
	v1.GET("/locate", s.handleLocate)
	v1.POST("/locate", s.handleLocateBatch)
	v1.GET("/grids", s.handleGrids)
	v1.GET("/grids/:code", s.handleGrid)
	v1.GET("/levels", s.handleLevels)
	v1.GET("/version", s.handleVersion)
	v1.GET("/validation", s.handleValidation)
	v1.GET("/geocode", s.handleGeocode)
	v1.GET("/reverse", s.handleReverse)
	if s.cfg.Grids != nil && (s.cfg.AdminToken != "" || s.cfg.Tokens != nil) {
		v1.PUT("/grids", s.requireRole(geo.RoleAdmin), s.handlePutGrids)
	}
	s.reportRoutes(v1)
	s.siteRoutes(v1)
	s.mapRoutes(e)
	s.webRoutes(e) // the map page: / and /web/*
	return e
}

// index returns the current snapshot, or errNotReady before the first load.
func (s *Server) index() (*geo.Index, error) {
	ix := s.cfg.Boundaries.Load()
	if ix == nil {
		return nil, errNotReady
	}
	return ix, nil
}

// swap makes ix the served index.
func (s *Server) swap(ix *geo.Index) {
	s.cfg.Boundaries.Store(ix)
	s.loadedAt.Store(time.Now().UnixNano())
	s.reloadAddresses(ix)
}

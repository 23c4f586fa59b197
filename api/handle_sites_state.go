package api

import (
	"context"
	"io"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/plan"
)

// SiteStore holds the sites (stations, schools, residential points, ...).
// Bad input to ReplaceSites is reported with errors wrapping
// geo.ErrInvalidSite (a *geo.SiteError names the feature or line).
// data.SQLite implements it.
type SiteStore interface {
	// ReplaceSites reads sites in format ("geojson" or "csv") and crs from
	// body and writes them all or nothing: each kind present replaced whole,
	// or with add, added to. kind, when not "", is the default and only kind
	// allowed. It returns the kinds written and the number of sites.
	ReplaceSites(ctx context.Context, body io.Reader, format, kind, crs string, add bool) ([]string, int, error)
	// Sites returns the sites of kind ("" every kind), by kind and input order.
	Sites(ctx context.Context, kind string) ([]geo.Site, error)
}

// maxSitingAtOnce caps the siting queries computed at the same time (each
// may take a second and a hundred megabytes at full scale); more wait.
const maxSitingAtOnce = 2

// siteState is the server's view of the sites: every site in memory
// (storage is read at start-up and after each PUT /v1/sites), and the owning
// grid of each, computed against the served index and recomputed when the
// index or the sites change.
type siteState struct {
	mu   sync.Mutex // one load or replacement at a time
	set  atomic.Pointer[plan.SiteSet]
	view atomic.Pointer[siteView]
	once sync.Once
	sem  chan struct{} // siting slots, made on first use
}

// siteView is the owners of the sites of one SiteSet under one index.
type siteView struct {
	set    *plan.SiteSet
	ix     *geo.Index
	mu     sync.Mutex
	owners map[string][]int32 // kind → finest owner of each site, -1 for none
}

// siteStore returns the configured site store: Config.Sites, else the grid
// store when it holds sites too (data.SQLite does); nil for none.
func (s *Server) siteStore() SiteStore {
	if s.cfg.Sites != nil {
		return s.cfg.Sites
	}
	if ss, ok := s.cfg.Grids.(SiteStore); ok {
		return ss
	}
	return nil
}

// LoadSites reads every site from the store into memory. The server calls it
// on first need; calling it at start-up makes a bad store fail early.
func (s *Server) LoadSites(ctx context.Context) error {
	s.sites.mu.Lock()
	defer s.sites.mu.Unlock()
	return s.loadSitesLocked(ctx)
}

func (s *Server) loadSitesLocked(ctx context.Context) error {
	var all []geo.Site
	if st := s.siteStore(); st != nil {
		var err error
		if all, err = st.Sites(ctx, ""); err != nil {
			return err
		}
	}
	s.sites.set.Store(plan.NewSiteSet(all))
	return nil
}

// siteSet returns the sites in memory, loading them on first use.
func (s *Server) siteSet(ctx context.Context) (*plan.SiteSet, error) {
	if set := s.sites.set.Load(); set != nil {
		return set, nil
	}
	s.sites.mu.Lock()
	defer s.sites.mu.Unlock()
	if set := s.sites.set.Load(); set != nil {
		return set, nil
	}
	if err := s.loadSitesLocked(ctx); err != nil {
		return nil, err
	}
	return s.sites.set.Load(), nil
}

// owners returns the finest owning grid of each site of kind under ix
// (positions in ix, -1 outside every grid), computed once per set and index.
func (s *Server) owners(set *plan.SiteSet, ix *geo.Index, kind string) []int32 {
	v := s.sites.view.Load()
	if v == nil || v.set != set || v.ix != ix {
		nv := &siteView{set: set, ix: ix, owners: map[string][]int32{}}
		if s.sites.view.CompareAndSwap(v, nv) {
			v = nv
		} else if v = s.sites.view.Load(); v.set != set || v.ix != ix {
			v = nv // another goroutine swapped in a different view: use ours unshared
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if o, ok := v.owners[kind]; ok {
		return o
	}
	sites := set.Sites(kind)
	o := make([]int32, len(sites))
	for k := range sites {
		o[k] = ix.SiteOwner(sites[k].Point, "")
	}
	v.owners[kind] = o
	return o
}

// acquireSiting waits for a siting slot; release it with releaseSiting.
func (s *Server) acquireSiting(ctx context.Context) error {
	s.sites.once.Do(func() { s.sites.sem = make(chan struct{}, maxSitingAtOnce) })
	select {
	case s.sites.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) releaseSiting() { <-s.sites.sem }

// siteRoutes registers the site, coverage and siting routes. PUT /v1/sites
// needs a site store and an admin token.
func (s *Server) siteRoutes(v1 *gin.RouterGroup) {
	v1.GET("/sites", s.handleSites)
	v1.GET("/coverage", s.handleCoverage)
	v1.POST("/siting", s.handleSiting)
	if s.siteStore() != nil && (s.cfg.AdminToken != "" || s.cfg.Tokens != nil) {
		v1.PUT("/sites", s.requireRole(geo.RoleAdmin), s.handlePutSites)
	}
}

// presets returns the coverage presets in use.
func (s *Server) presets() plan.Presets {
	if s.cfg.Presets != nil {
		return s.cfg.Presets
	}
	return plan.DefaultPresets
}

package api

import (
	"sync"
	"sync/atomic"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/tile"
)

// mapState is what the map routes keep between requests: the grid tile
// source of the served index (its arc topologies and simplified arcs), and
// the tile cache.
type mapState struct {
	mu    sync.Mutex // one tile.Grids built at a time
	grids atomic.Pointer[tile.Grids]
	cache *tileCache // nil: no cache
}

// gridTiles returns the tile source of ix, building it when ix is not the
// index the current one was made for (after a reload). The old source is
// dropped, and the tiles cached from it are never served again (the cache
// compares sources).
func (s *Server) gridTiles(ix *geo.Index) *tile.Grids {
	if g := s.maps.grids.Load(); g != nil && g.Index() == ix {
		return g
	}
	s.maps.mu.Lock()
	defer s.maps.mu.Unlock()
	if g := s.maps.grids.Load(); g != nil && g.Index() == ix {
		return g
	}
	g := tile.NewGrids(ix, tile.Options{MinZoom: s.cfg.TileMinZoom})
	if ix == s.cfg.Boundaries.Load() { // not a request that began before a reload
		s.maps.grids.Store(g)
	}
	return g
}

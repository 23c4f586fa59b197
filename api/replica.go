package api

import "github.com/wangge/wangge/geo"

// Reload makes ix the served index unless the server serves that boundary
// version of that layer already, and reports whether it swapped. It is how
// a replica takes a version another process saved (cmd/wangge watches the
// store for them). As for PUT /v1/grids, the swap is atomic: lookups in
// flight finish on the old snapshot, new ones see the new one, none sees
// half of each.
func (s *Server) Reload(ix *geo.Index) bool {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if cur := s.cfg.Boundaries.Load(); cur != nil && cur.Set().Version == ix.Set().Version && cur.Set().Layer == ix.Set().Layer {
		return false
	}
	s.swap(ix)
	s.metrics.reloads.WithLabelValues("ok").Inc()
	return true
}

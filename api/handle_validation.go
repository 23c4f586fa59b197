package api

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/topology"
)

// handleValidation: GET /v1/validation?level=&min_area_m2=&format=json|geojson
// → the topology report of the served boundaries (overlaps, gaps, parts
// outside parents, invalid geometry, slivers, hierarchy problems; see
// geo/topology): one JSON document {"version","layer","counts","problems":
// [{"kind","level","grids","area_m2","geometry","detail"}]} by default, a
// GeoJSON FeatureCollection (application/geo+json) with format=geojson.
// Geometry is WGS-84. A report is computed once per boundary version and
// options and kept (a few seconds for a district, up to a minute for a
// country; one at a time); an unknown level, a min_area_m2 that is not a
// number ≥ 0 or an unknown format is a 400.
func (s *Server) handleValidation(c *gin.Context) {
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	level, err := parseLevel(ix, c.Query("level"))
	if err != nil {
		s.fail(c, err)
		return
	}
	minArea := topology.DefaultMinAreaM2
	if q, ok := c.GetQuery("min_area_m2"); ok {
		if minArea, err = parseFloat("min_area_m2", q); err != nil {
			s.fail(c, err)
			return
		}
		if minArea < 0 {
			s.fail(c, badRequest("invalid_number", "min_area_m2", "min_area_m2 must be ≥ 0"))
			return
		}
	}
	write, ctype := (*topology.Report).WriteJSON, "application/json; charset=utf-8"
	switch f := c.Query("format"); f {
	case "", "json":
	case "geojson":
		write, ctype = (*topology.Report).WriteGeoJSON, "application/geo+json"
	default:
		s.fail(c, badRequest("invalid_format", "format", "format must be json or geojson"))
		return
	}
	v, err := s.validation(c.Request.Context(), ix, topology.Options{Level: level, MinAreaM2: minArea})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", ctype)
	c.Header("Cache-Control", "no-cache")
	c.Status(http.StatusOK)
	if err := write(v.rep, c.Writer); err != nil {
		s.log.WarnContext(c.Request.Context(), "write validation report", "err", err, "request_id", requestID(c))
	}
}

// validationState keeps the reports of the served index, computed on first
// use, one at a time (each spreads over every core already).
type validationState struct {
	mu      sync.Mutex // guards ix and entries
	run     sync.Mutex // one validation at a time
	ix      *geo.Index // the index the entries are for
	entries map[topology.Options]*validationEntry
}

// maxValidationEntries bounds the reports kept for one index, and
// maxValidationPending the reports being computed or waiting to be (more
// requests for new options are a 503 until one is done).
const (
	maxValidationEntries = 16
	maxValidationPending = 4
)

// errValidationBusy: too many reports are being computed.
var errValidationBusy = errors.New("too many validation reports are being computed; try again later")

// validationEntry is one report, ready once done is closed.
type validationEntry struct {
	done   chan struct{}
	rep    *topology.Report
	bounds []orb.Bound // of each problem's geometry (empty for none)
	err    error
}

// validation returns the report of ix under opt, computing it unless
// another request has. The computation is not tied to the request that
// started it: a client that goes away leaves it to finish for the next.
func (s *Server) validation(ctx context.Context, ix *geo.Index, opt topology.Options) (*validationEntry, error) {
	st := &s.valid
	st.mu.Lock()
	if st.ix != ix {
		st.ix, st.entries = ix, map[topology.Options]*validationEntry{}
	}
	e, ok := st.entries[opt]
	if !ok {
		pending := 0
		for k, old := range st.entries {
			select {
			case <-old.done:
				if len(st.entries) >= maxValidationEntries {
					delete(st.entries, k)
				}
			default:
				pending++
			}
		}
		if pending >= maxValidationPending {
			st.mu.Unlock()
			return nil, errValidationBusy
		}
		e = &validationEntry{done: make(chan struct{})}
		st.entries[opt] = e
		go s.computeValidation(ix, opt, e)
	}
	st.mu.Unlock()
	select {
	case <-e.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	return e, nil
}

func (s *Server) computeValidation(ix *geo.Index, opt topology.Options, e *validationEntry) {
	defer close(e.done)
	s.valid.run.Lock()
	defer s.valid.run.Unlock()
	e.rep, e.err = topology.Validate(context.Background(), ix, opt)
	if e.err != nil {
		s.valid.mu.Lock()
		if s.valid.entries[opt] == e {
			delete(s.valid.entries, opt) // not kept: the next request tries again
		}
		s.valid.mu.Unlock()
		return
	}
	e.bounds = make([]orb.Bound, len(e.rep.Problems))
	for i, p := range e.rep.Problems {
		if p.Geometry != nil {
			e.bounds[i] = p.Geometry.Bound()
		}
	}
	s.log.Info("validated boundaries", "version", ix.Set().Version, "level", opt.Level, "min_area_m2", opt.MinAreaM2,
		"problems", len(e.rep.Problems), "grids", e.rep.Grids)
}

package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
	"github.com/wangge/wangge/geo/crs"
)

// AddressIndex is the gazetteer behind /v1/geocode, /v1/reverse and reports
// sent with an address. address.Index implements it; it must be safe for
// concurrent use.
type AddressIndex interface {
	// Geocode returns the best matches of text q, best first, at most limit.
	Geocode(q string, limit int) []address.Match
	// Reverse returns the address nearest p (WGS-84), false when none is near.
	Reverse(p orb.Point) (address.Match, bool)
}

// AddressHolder holds the served address index; a new one is swapped in
// atomically (readers in flight keep the one they loaded).
type AddressHolder struct{ p atomic.Pointer[AddressIndex] }

// Load returns the served index, nil before the first Store.
func (h *AddressHolder) Load() AddressIndex {
	if h == nil {
		return nil
	}
	if p := h.p.Load(); p != nil {
		return *p
	}
	return nil
}

// Store makes ix the served index.
func (h *AddressHolder) Store(ix AddressIndex) { h.p.Store(&ix) }

var errNoAddresses = errors.New("no address index is loaded")

// addressState serialises the rebuilds of the address index: only the one
// for the latest boundaries is stored.
type addressState struct {
	mu  sync.Mutex
	gen atomic.Int64
}

// reloadAddresses rebuilds the address index for ix in the background (when
// an AddressLoader is configured); lookups go on with the old one meanwhile.
func (s *Server) reloadAddresses(ix *geo.Index) {
	if s.cfg.AddressLoader == nil || s.cfg.Addresses == nil {
		return
	}
	gen := s.addrs.gen.Add(1)
	go func() {
		s.addrs.mu.Lock()
		defer s.addrs.mu.Unlock()
		if s.addrs.gen.Load() != gen {
			return // newer boundaries came in: their rebuild follows
		}
		aix, err := s.cfg.AddressLoader(context.Background(), ix)
		if err != nil {
			s.log.Error("address index rebuild failed; the previous one stays", "err", err)
			return
		}
		if s.addrs.gen.Load() == gen {
			s.cfg.Addresses.Store(aix)
		}
	}()
}

// Limits of geocoding input.
const (
	maxGeocodeQuery = 200 // characters
	maxGeocodeLimit = 20
	// DefaultAddressThreshold is the score below which a report sent with an
	// address goes to a dispatcher unassigned, with the candidates.
	DefaultAddressThreshold = 0.65
)

func (s *Server) addresses() (AddressIndex, error) {
	ix := s.cfg.Addresses.Load()
	if ix == nil {
		return nil, errNoAddresses
	}
	return ix, nil
}

// checkAddressText validates a geocoding text (the q parameter or a
// report's "address").
func checkAddressText(field, q string) error {
	if q == "" {
		return badRequest("missing_"+field, field, "%s is required", field)
	}
	if !utf8.ValidString(q) {
		return badRequest("invalid_text", field, "%s must be UTF-8 text", field)
	}
	if n := utf8.RuneCountInString(q); n > maxGeocodeQuery {
		return badRequest("invalid_text", field, "%s must be at most %d characters (it has %d)", field, maxGeocodeQuery, n)
	}
	return nil
}

// handleGeocode: GET /v1/geocode?q=&limit=5&crs= → {"results":[{"address",
// "lon","lat","score","precision","components","grid","path"}]}, best first;
// an empty list when nothing matches. grid is the grid a coarse answer names,
// else the finest grid owning the point under the served boundaries (null
// outside every grid or before boundaries are loaded).
func (s *Server) handleGeocode(c *gin.Context) {
	aix, err := s.addresses()
	if err != nil {
		s.fail(c, err)
		return
	}
	q := c.Query("q")
	if err := checkAddressText("q", q); err != nil {
		s.fail(c, err)
		return
	}
	limit, err := parseLimit(c.Query("limit"), 5, maxGeocodeLimit)
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	ix := s.cfg.Boundaries.Load()
	b := append(make([]byte, 0, 1024), `{"results":[`...)
	for k, m := range aix.Geocode(q, limit) {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendMatch(b, ix, m, sys, false)
	}
	b = append(b, "]}"...)
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// handleReverse: GET /v1/reverse?lon=&lat=&crs= → {"address":{...}|null,
// "grid","path"}: the nearest address within address.MaxReverseM (its
// distance_m from the point) and the grid owning the point itself.
func (s *Server) handleReverse(c *gin.Context) {
	aix, err := s.addresses()
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := queryPoint(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	w := crs.Convert(p, sys, crs.WGS84)
	ix := s.cfg.Boundaries.Load()
	b := append(make([]byte, 0, 512), `{"address":`...)
	if m, ok := aix.Reverse(w); ok {
		b = appendMatch(b, ix, m, sys, true)
	} else {
		b = append(b, "null"...)
	}
	b = appendOwner(b, ix, w, "")
	b = append(b, '}')
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// appendMatch appends one match object; with distance, its distance_m.
func appendMatch(b []byte, ix *geo.Index, m address.Match, sys crs.System, distance bool) []byte {
	p := crs.Convert(m.Point, crs.WGS84, orWGS84(sys))
	b = append(b, `{"address":`...)
	b = appendString(b, m.Address)
	b = append(b, `,"lon":`...)
	b = appendFloat(b, p[0])
	b = append(b, `,"lat":`...)
	b = appendFloat(b, p[1])
	b = append(b, `,"score":`...)
	b = strconv.AppendFloat(b, m.Score, 'f', -1, 64)
	b = append(b, `,"precision":`...)
	b = appendString(b, string(m.Precision))
	if distance {
		b = append(b, `,"distance_m":`...)
		b = strconv.AppendFloat(b, m.DistanceM, 'f', -1, 64)
	}
	b = append(b, `,"components":{`...)
	n := 0
	for k, name := range address.Fields {
		if v := m.Components.Get(k); v != "" {
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendString(b, name)
			b = append(b, ':')
			b = appendString(b, v)
		}
	}
	b = append(b, '}')
	b = appendOwner(b, ix, m.Point, m.Area)
	return append(b, '}')
}

// appendOwner appends ,"grid":{...}|null,"path":[...]: the grid named code
// when it is served, else the finest grid owning p (WGS-84).
func appendOwner(b []byte, ix *geo.Index, p orb.Point, code string) []byte {
	owner := int32(-1)
	if ix != nil {
		if i, ok := ix.Lookup(code); code != "" && ok {
			owner = i
		} else {
			owner = ix.SiteOwner(p, "")
		}
	}
	if owner < 0 {
		return append(b, `,"grid":null,"path":[]`...)
	}
	b = append(b, `,"grid":`...)
	b = appendRef(b, ix, owner)
	b = append(b, `,"path":`...)
	return appendRefs(b, ix, ix.Path(owner))
}

// geocodeReport finds where a report sent with an address goes: the best
// match's placement (the named grid for a coarse answer, else the grid
// owning its point) when its score reaches the threshold; otherwise no
// placement, and the candidates for a dispatcher. It fails with a 422 when
// nothing at all matches.
func (s *Server) geocodeReport(text string, ix *geo.Index) (p orb.Point, pl geo.Placement, g *geo.Geocoded, assign bool, err error) {
	aix, err := s.addresses()
	if err != nil {
		return p, pl, nil, false, err
	}
	ms := aix.Geocode(text, 5)
	if len(ms) == 0 {
		return p, pl, nil, false, &apiError{Status: http.StatusUnprocessableEntity, Code: "address_not_found", Field: "address",
			Message: "the address matches nothing in the gazetteer; send lon and lat instead"}
	}
	best := ms[0]
	g = &geo.Geocoded{Query: text, Address: best.Address, Precision: string(best.Precision), Score: best.Score}
	assign = best.Score >= s.cfg.AddressThreshold
	if ix != nil {
		if i, ok := ix.Lookup(best.Area); best.Area != "" && ok {
			pl, err = ix.PlaceIn(ix.Grid(i).Code)
		} else {
			pl, err = ix.Place(best.Point)
		}
		if err != nil {
			return p, pl, nil, false, err
		}
	}
	if !assign {
		for _, m := range ms {
			cand := geo.GeocodeCandidate{Address: m.Address, Lon: m.Point[0], Lat: m.Point[1], Score: m.Score, Precision: string(m.Precision)}
			if ix != nil {
				if i, ok := ix.Lookup(m.Area); m.Area != "" && ok {
					cand.Grid = ix.Grid(i).Code
				} else if o := ix.SiteOwner(m.Point, ""); o >= 0 {
					cand.Grid = ix.Grid(o).Code
				}
			}
			g.Candidates = append(g.Candidates, cand)
		}
	}
	return best.Point, pl, g, assign, nil
}

package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// handleSites: GET /v1/sites?kind=&grid=&bbox=&crs= → a GeoJSON
// FeatureCollection of Point features, by kind and then input order, with
// properties id, kind, name, weight, capacity, grid (the code of the finest
// grid owning the site under the served boundaries, null outside every grid)
// and attributes. grid keeps the sites inside that grid at any level; bbox
// (in crs) those inside the box. An unknown kind is a 400.
func (s *Server) handleSites(c *gin.Context) {
	ctx := c.Request.Context()
	set, err := s.siteSet(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	kinds := set.Kinds()
	if k := c.Query("kind"); k != "" {
		if _, err := set.Lookup("kind", k); err != nil {
			s.fail(c, err)
			return
		}
		kinds = []string{k}
	}
	var box *orb.Bound
	if q := c.Query("bbox"); q != "" {
		b, err := parseBBox(q)
		if err != nil {
			s.fail(c, err)
			return
		}
		b = orb.Bound{Min: crs.Convert(b.Min, sys, crs.WGS84), Max: crs.Convert(b.Max, sys, crs.WGS84)}
		box = &b
	}
	ix := s.cfg.Boundaries.Load()
	within := int32(-1)
	if code := c.Query("grid"); code != "" {
		if ix == nil {
			s.fail(c, errNotReady)
			return
		}
		i, ok := ix.Lookup(code)
		if !ok {
			s.fail(c, badRequest("unknown_grid", "grid", "grid %q is not in the served boundaries", code))
			return
		}
		within = i
	}
	b := make([]byte, 0, 64<<10)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	n := 0
	for _, kind := range kinds {
		sites := set.Sites(kind)
		var owners []int32
		if ix != nil {
			owners = s.owners(set, ix, kind)
		}
		for k := range sites {
			st := &sites[k]
			owner := int32(-1)
			if owners != nil {
				owner = owners[k]
			}
			if box != nil && !box.Contains(st.Point) {
				continue
			}
			if within >= 0 && (owner < 0 || !slices.Contains(ix.Path(owner), within)) {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			if b, err = appendSiteFeature(b, st, ix, owner, sys); err != nil {
				s.fail(c, err)
				return
			}
			n++
		}
	}
	b = append(b, `],"count":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, '}')
	c.Data(http.StatusOK, "application/geo+json; charset=utf-8", b)
}

// appendSiteFeature appends a site as a GeoJSON Point feature in sys.
func appendSiteFeature(b []byte, st *geo.Site, ix *geo.Index, owner int32, sys crs.System) ([]byte, error) {
	b = append(b, `{"type":"Feature","geometry":{"type":"Point","coordinates":`...)
	b = appendPoint(b, crs.Convert(st.Point, crs.WGS84, sys))
	b = append(b, `},"properties":{"id":`...)
	b = appendString(b, st.ID)
	b = append(b, `,"kind":`...)
	b = appendString(b, st.Kind)
	b = append(b, `,"name":`...)
	b = appendString(b, st.Name)
	b = append(b, `,"weight":`...)
	b = appendFloat(b, st.Weight)
	b = append(b, `,"capacity":`...)
	if st.Capacity == nil {
		b = append(b, "null"...)
	} else {
		b = appendFloat(b, *st.Capacity)
	}
	b = append(b, `,"grid":`...)
	if owner < 0 {
		b = append(b, "null"...)
	} else {
		b = appendString(b, ix.Grid(owner).Code)
	}
	b = append(b, `,"attributes":`...)
	attrs, err := json.Marshal(nonNilAttrs(st.Attrs))
	if err != nil {
		return b, err
	}
	b = append(b, attrs...)
	return append(b, "}}"...), nil
}

// maxSiteWarnings caps the warnings listed in a PUT /v1/sites response.
const maxSiteWarnings = 100

// handlePutSites: PUT /v1/sites?kind=&crs=&append= (admin) with a GeoJSON
// (application/geo+json or application/json) or CSV (text/csv) body:
// replaces each kind present (or with append=true adds to it), validated
// like the CLI import, all or nothing. kind is the kind of sites naming
// none, and the only kind allowed. The answer counts the sites outside every
// served grid: they are kept, without an owner.
func (s *Server) handlePutSites(c *gin.Context) {
	ctx := c.Request.Context()
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	format := "geojson"
	switch mt {
	case "text/csv":
		format = "csv"
	default:
		if err := requireJSON(c); err != nil {
			s.fail(c, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Field: "Content-Type",
				Message: "Content-Type must be application/geo+json, application/json or text/csv"})
			return
		}
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	add := false
	if a := c.Query("append"); a != "" {
		if add, err = strconv.ParseBool(a); err != nil {
			s.fail(c, badRequest("invalid_append", "append", "append must be true or false"))
			return
		}
	}
	kind := c.Query("kind")
	if kind != "" {
		if err := geo.CheckKind(kind); err != nil {
			s.fail(c, badRequest("invalid_kind", "kind", "%v", err))
			return
		}
	}
	body := &limitedBody{r: http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxUploadBytes)}
	s.sites.mu.Lock()
	defer s.sites.mu.Unlock()
	kinds, n, err := s.siteStore().ReplaceSites(ctx, body, format, kind, string(sys), add)
	if body.tooLarge != nil { // a 413, whatever the decoder made of the cut
		err = body.tooLarge
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.loadSitesLocked(ctx); err != nil {
		s.fail(c, err)
		return
	}
	set := s.sites.set.Load()
	warns := []string{}
	outside := 0
	if ix := s.cfg.Boundaries.Load(); ix != nil {
		for _, k := range kinds {
			sites := set.Sites(k)
			for j, o := range s.owners(set, ix, k) {
				if o < 0 {
					outside++
					if len(warns) < maxSiteWarnings {
						warns = append(warns, fmt.Sprintf("%s %q: outside every grid: kept without an owner", k, sites[j].ID))
					}
				}
			}
		}
	}
	s.log.InfoContext(ctx, "sites replaced", "kinds", kinds, "sites", n, "append", add, "outside", outside, "request_id", requestID(c))
	c.JSON(http.StatusOK, gin.H{"kinds": kinds, "sites": n, "append": add, "outside_count": outside, "warnings": warns})
}

// limitedBody remembers that the body hit its size limit, which a decoder
// may report as a syntax error.
type limitedBody struct {
	r        io.Reader
	tooLarge error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.tooLarge = err
	}
	return n, err
}

package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/geo/tile"
)

// ogcQuery is the parsed query of an items request.
type ogcQuery struct {
	limit, offset int
	bbox          *orb.Bound
}

func parseOGCQuery(c *gin.Context) (ogcQuery, error) {
	q := ogcQuery{limit: ogcDefaultPage}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return q, badRequest("invalid_limit", "limit", "limit must be a positive integer")
		}
		q.limit = min(n, ogcMaxPage) // the standard: a larger limit is not an error
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return q, badRequest("invalid_offset", "offset", "offset must be a non-negative integer")
		}
		q.offset = n
	}
	if v := c.Query("bbox"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) == 6 { // minLon,minLat,minH,maxLon,maxLat,maxH: heights do not matter
			parts = []string{parts[0], parts[1], parts[3], parts[4]}
		}
		b, err := parseBBox(strings.Join(parts, ","))
		if err != nil {
			return q, err
		}
		q.bbox = &b
	}
	if v := c.Query("bbox-crs"); v != "" && v != ogcCRS84 {
		return q, badRequest("invalid_bbox_crs", "bbox-crs", "bbox-crs must be %s", ogcCRS84)
	}
	return q, nil
}

// handleOGCItems: GET /ogc/collections/{collectionId}/items?bbox=&limit=&offset=
// → a GeoJSON FeatureCollection (application/geo+json), streamed: grids in
// code order, sites in input order; bbox keeps the features whose geometry
// meets the box (exactly, not by bounding box). limit is 100 by default and
// at most 10,000 (a larger one is served as 10,000); next and prev links
// page with offset. numberMatched counts every match, numberReturned this
// page.
func (s *Server) handleOGCItems(c *gin.Context) {
	src, err := s.ogcSource(c.Request.Context(), c.Param("collection_id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	q, err := parseOGCQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	matched := src.match(q.bbox)
	lo := min(q.offset, len(matched))
	hi := min(lo+q.limit, len(matched))
	page := matched[lo:hi]

	base := baseURL(c)
	path := base + c.Request.URL.Path
	link := func(offset int) string {
		v := c.Request.URL.Query()
		v.Set("limit", strconv.Itoa(q.limit))
		v.Set("offset", strconv.Itoa(offset))
		if offset == 0 {
			v.Del("offset")
		}
		return path + "?" + v.Encode()
	}
	b := make([]byte, 0, 64<<10)
	b = append(b, `{"type":"FeatureCollection","numberMatched":`...)
	b = strconv.AppendInt(b, int64(len(matched)), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b = append(b, `,"timeStamp":`...)
	b = appendString(b, s.cfg.Now().UTC().Format(time.RFC3339))
	b = append(b, `,"links":[`...)
	self := path
	if c.Request.URL.RawQuery != "" {
		self += "?" + c.Request.URL.RawQuery
	}
	b = appendLink(b, self, "self", geoJSONType, "This page")
	if hi < len(matched) {
		b = append(b, ',')
		b = appendLink(b, link(hi), "next", geoJSONType, "Next page")
	}
	if lo > 0 {
		b = append(b, ',')
		b = appendLink(b, link(max(0, lo-q.limit)), "prev", geoJSONType, "Previous page")
	}
	b = append(b, ',')
	b = appendLink(b, base+"/ogc/collections/"+src.id, "collection", jsonType, "The collection")
	b = append(b, `],"features":[`...)

	c.Header("Content-Type", geoJSONType)
	c.Status(http.StatusOK)
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	var keys []string
	for k, i := range page {
		if k > 0 {
			b = append(b, ',')
		}
		if b, keys, err = src.appendFeature(b, i, keys, s); err != nil {
			s.log.ErrorContext(c.Request.Context(), "ogc items", "err", err, "request_id", requestID(c))
			return // the client sees a truncated body
		}
		if len(b) >= 32<<10 {
			if _, err := w.Write(b); err != nil {
				return // the client went away
			}
			b = b[:0]
		}
	}
	b = append(b, "]}"...)
	w.Write(b)
	w.Flush()
}

// handleOGCItem: GET /ogc/collections/{collectionId}/items/{featureId} → one
// GeoJSON Feature with its links; 404 for an unknown feature.
func (s *Server) handleOGCItem(c *gin.Context) {
	src, err := s.ogcSource(c.Request.Context(), c.Param("collection_id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	id := c.Param("feature_id")
	i, ok := src.lookup(id)
	if !ok {
		s.fail(c, fmt.Errorf("feature %q of collection %q: %w", id, src.id, geo.ErrNotFound))
		return
	}
	b, _, err := src.appendFeature(make([]byte, 0, 4096), i, nil, s)
	if err != nil {
		s.fail(c, err)
		return
	}
	col := baseURL(c) + "/ogc/collections/" + src.id
	b = b[:len(b)-1] // reopen the feature for its links
	b = append(b, `,"links":[`...)
	b = appendLink(b, col+"/items/"+url.PathEscape(id), "self", geoJSONType, "This feature")
	b = append(b, ',')
	b = appendLink(b, col, "collection", jsonType, "The collection")
	b = append(b, "]}"...)
	c.Data(http.StatusOK, geoJSONType, b)
}

func appendLink(b []byte, href, rel, typ, title string) []byte {
	b = append(b, `{"href":`...)
	b = appendString(b, href)
	b = append(b, `,"rel":`...)
	b = appendString(b, rel)
	b = append(b, `,"type":`...)
	b = appendString(b, typ)
	b = append(b, `,"title":`...)
	b = appendString(b, title)
	return append(b, '}')
}

// match returns the features of the collection meeting bbox (all when nil):
// grid positions in code order, or site positions in input order.
func (src *ogcSource) match(bbox *orb.Bound) []int32 {
	var out []int32
	if src.level != "" {
		for _, i := range src.ix.Sorted() {
			g := src.ix.Grid(i)
			if g.Level != src.level {
				continue
			}
			if bbox != nil && (!bbox.Intersects(src.ix.Bound(i)) || !tile.Meets(g.Geometry, *bbox)) {
				continue
			}
			out = append(out, i)
		}
		return out
	}
	for k, st := range src.sites.Sites(src.kind) {
		if bbox == nil || bbox.Contains(st.Point) {
			out = append(out, int32(k))
		}
	}
	return out
}

// lookup finds a feature by its id: a grid code at the collection's level,
// or a site id of its kind.
func (src *ogcSource) lookup(id string) (int32, bool) {
	if src.level != "" {
		i, ok := src.ix.Lookup(id)
		return i, ok && src.ix.Grid(i).Level == src.level
	}
	k := slices.IndexFunc(src.sites.Sites(src.kind), func(st geo.Site) bool { return st.ID == id })
	return int32(k), k >= 0
}

// appendFeature appends feature i as GeoJSON: id, geometry and flat
// properties (code, name, level, parent for grids; id, kind, name, weight,
// capacity, grid for sites; then the attributes, nested values as JSON).
func (src *ogcSource) appendFeature(b []byte, i int32, keys []string, s *Server) ([]byte, []string, error) {
	if src.level != "" {
		g := src.ix.Grid(i)
		b = append(b, `{"type":"Feature","id":`...)
		b = appendString(b, g.Code)
		b = append(b, `,"geometry":`...)
		b = appendGeometry(b, g.Geometry, crs.WGS84)
		b = append(b, `,"properties":{"code":`...)
		b = appendString(b, g.Code)
		b = append(b, `,"name":`...)
		b = appendString(b, g.Name)
		b = append(b, `,"level":`...)
		b = appendString(b, g.Level)
		b = append(b, `,"parent":`...)
		if g.Parent == "" {
			b = append(b, "null"...)
		} else {
			b = appendString(b, g.Parent)
		}
		return appendFlatAttrs(b, g.Attrs, keys, "code", "name", "level", "parent")
	}
	st := &src.sites.Sites(src.kind)[i]
	b = append(b, `{"type":"Feature","id":`...)
	b = appendString(b, st.ID)
	b = append(b, `,"geometry":{"type":"Point","coordinates":`...)
	b = appendPoint(b, st.Point)
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
	if src.ix == nil {
		b = append(b, "null"...)
	} else if o := s.owners(src.sites, src.ix, src.kind)[i]; o < 0 {
		b = append(b, "null"...)
	} else {
		b = appendString(b, src.ix.Grid(o).Code)
	}
	return appendFlatAttrs(b, st.Attrs, keys, "id", "kind", "name", "weight", "capacity", "grid")
}

// appendFlatAttrs appends the attributes as more properties, by name,
// leaving out the names taken, and closes the properties and the feature.
func appendFlatAttrs(b []byte, attrs map[string]any, keys []string, taken ...string) ([]byte, []string, error) {
	keys = keys[:0]
	for k := range attrs {
		if !slices.Contains(taken, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = append(b, ',')
		b = appendString(b, k)
		b = append(b, ':')
		switch v := attrs[k].(type) {
		case nil:
			b = append(b, "null"...)
		case string:
			b = appendString(b, v)
		case bool:
			b = strconv.AppendBool(b, v)
		case float64:
			b = appendFloat(b, v)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		default:
			raw, err := json.Marshal(v)
			if err != nil {
				return b, keys, fmt.Errorf("attribute %q: %w", k, err)
			}
			b = append(b, raw...)
		}
	}
	return append(b, "}}"...), keys, nil
}

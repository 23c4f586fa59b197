package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"runtime"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// batchPoint is one decoded point of a batch: its id kept as raw JSON (a
// string or a number, echoed as sent).
type batchPoint struct {
	id json.RawMessage
	p  orb.Point
}

// batchChunk is how many points one worker locates and encodes at a time.
const batchChunk = 2048

// handleLocateBatch: POST /v1/locate
// {"crs","level","nearest_m","fields","points":[{"id","lon","lat"},...]}
// → {"results":[{"id",...result},...]} in input order. The body is decoded as
// a stream into a compact point list, validated whole (a bad point is a 400
// naming points[i]), then located in parallel chunks and written as it goes.
func (s *Server) handleLocateBatch(c *gin.Context) {
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := requireJSON(c); err != nil {
		s.fail(c, err)
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes)
	req, err := s.decodeBatch(bufio.NewReaderSize(body, 64<<10))
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(req.crs)
	if err != nil {
		s.fail(c, err)
		return
	}
	level, err := parseLevel(ix, req.level)
	if err != nil {
		s.fail(c, err)
		return
	}
	opts := geo.LocateOptions{Level: level, NearestM: req.nearestM}
	for i := range req.points {
		if err := checkLonLat(fmt.Sprintf("points[%d].", i), req.points[i].p[0], req.points[i].p[1]); err != nil {
			s.fail(c, err)
			return
		}
	}
	c.Header("Content-Type", "application/json; charset=utf-8")
	c.Status(http.StatusOK)
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	w.WriteString(`{"results":[`)
	var counts [4]int64
	s.locateChunks(ix, req.points, sys, opts, req.fields, w, &counts)
	w.WriteString("]}")
	w.Flush()
	for k, m := range []geo.Match{geo.MatchInside, geo.MatchBoundary, geo.MatchNearest, geo.MatchNone} {
		s.metrics.lookups.WithLabelValues(string(m)).Add(float64(counts[k]))
	}
}

// locateChunks locates pts in chunks on all cores and writes the encoded
// results to w in input order.
func (s *Server) locateChunks(ix *geo.Index, pts []batchPoint, sys crs.System, opts geo.LocateOptions, f resultFields, w io.Writer, counts *[4]int64) {
	n := (len(pts) + batchChunk - 1) / batchChunk
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	outs := make([]chan []byte, n)
	for k := range outs {
		outs[k] = make(chan []byte, 1)
	}
	var mu sync.Mutex
	next := 0
	// Each worker takes the next chunk; at most `workers` chunks are ahead of
	// the writer, so memory stays bounded by a few chunks.
	sem := make(chan struct{}, workers*2)
	var wg sync.WaitGroup
	defer wg.Wait() // the workers' counts are merged before returning
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local [4]int64
			defer func() {
				mu.Lock()
				for k := range local {
					counts[k] += local[k]
				}
				mu.Unlock()
			}()
			for {
				sem <- struct{}{}
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= n {
					<-sem
					return
				}
				lo, hi := k*batchChunk, min((k+1)*batchChunk, len(pts))
				b := make([]byte, 0, (hi-lo)*160)
				for i := lo; i < hi; i++ {
					res, _ := ix.Locate(crs.Convert(pts[i].p, sys, crs.WGS84), opts) // point and options validated
					local[matchIndex(res.Match)]++
					if i > 0 {
						b = append(b, ',')
					}
					b = append(b, `{"id":`...)
					b = append(b, pts[i].id...)
					b = append(b, ',')
					b = appendResult(b, ix, res, f)
					b = append(b, '}')
				}
				outs[k] <- b
			}
		}()
	}
	for k := range outs {
		w.Write(<-outs[k])
		<-sem
	}
}

func matchIndex(m geo.Match) int {
	switch m {
	case geo.MatchInside:
		return 0
	case geo.MatchBoundary:
		return 1
	case geo.MatchNearest:
		return 2
	}
	return 3
}

type batchRequest struct {
	crs, level string
	nearestM   float64
	fields     resultFields
	points     []batchPoint
}

var batchFields = []string{"match", "owner", "code", "path", "distance_m", "others"}

// decodeBatch reads the request object member by member, and the points one
// at a time, so a large body is never held whole in memory.
func (s *Server) decodeBatch(r io.Reader) (*batchRequest, error) {
	dec := json.NewDecoder(r)
	req := &batchRequest{nearestM: geo.DefaultNearestM}
	bad := func(field, format string, args ...any) error {
		return badRequest("invalid_body", field, format, args...)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, jsonErr(err, bad("", "body must be a JSON object"))
	}
	seenPoints := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, jsonErr(err, bad("", "body is not valid JSON"))
		}
		key, _ := t.(string)
		switch key {
		case "crs", "level":
			var v string
			if err := dec.Decode(&v); err != nil {
				return nil, jsonErr(err, bad(key, "%s must be a string", key))
			}
			if key == "crs" {
				req.crs = v
			} else {
				req.level = v
			}
		case "nearest_m":
			var v *float64
			if err := dec.Decode(&v); err != nil || v == nil || *v < 0 || *v > geo.MaxNearestM {
				return nil, jsonErr(err, bad(key, "nearest_m must be a number within [0,%d]", geo.MaxNearestM))
			}
			req.nearestM = *v
		case "fields":
			var v string
			if err := dec.Decode(&v); err != nil {
				return nil, jsonErr(err, bad(key, "fields must be a comma-separated string"))
			}
			req.fields = resultFields{}
			for _, f := range strings.Split(v, ",") {
				f = strings.TrimSpace(f)
				if !contains(batchFields, f) {
					return nil, bad("fields", "unknown field %q (fields: %s)", f, strings.Join(batchFields, ","))
				}
				req.fields[f] = true
			}
		case "points":
			seenPoints = true
			if err := s.decodePoints(dec, req); err != nil {
				return nil, err
			}
		default:
			return nil, bad(key, "unknown member %q", key)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonErr(err, bad("", "body is not valid JSON"))
	}
	if !seenPoints {
		return nil, bad("points", "points is required")
	}
	return req, nil
}

func (s *Server) decodePoints(dec *json.Decoder, req *batchRequest) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return jsonErr(err, badRequest("invalid_body", "points", "points must be an array"))
	}
	var pt struct {
		ID  json.RawMessage `json:"id"`
		Lon *float64        `json:"lon"`
		Lat *float64        `json:"lat"`
	}
	for i := 0; dec.More(); i++ {
		if i >= s.cfg.MaxBatchPoints {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_many_points", Field: "points",
				Message: fmt.Sprintf("at most %d points per request", s.cfg.MaxBatchPoints)}
		}
		pt.ID, pt.Lon, pt.Lat = nil, nil, nil
		field := fmt.Sprintf("points[%d]", i)
		if err := dec.Decode(&pt); err != nil {
			return jsonErr(err, badRequest("invalid_point", field, "%s must be an object {\"id\",\"lon\",\"lat\"} with numeric lon and lat", field))
		}
		id := bytes.TrimSpace(pt.ID)
		if len(id) == 0 || id[0] == '{' || id[0] == '[' || string(id) == "null" || id[0] == 't' || id[0] == 'f' {
			return badRequest("invalid_point", field+".id", "%s.id must be a string or a number", field)
		}
		if pt.Lon == nil {
			return badRequest("invalid_point", field+".lon", "%s.lon is required", field)
		}
		if pt.Lat == nil {
			return badRequest("invalid_point", field+".lat", "%s.lat is required", field)
		}
		req.points = append(req.points, batchPoint{id: append(json.RawMessage(nil), id...), p: orb.Point{*pt.Lon, *pt.Lat}})
	}
	if _, err := dec.Token(); err != nil {
		return jsonErr(err, badRequest("invalid_body", "points", "points must be an array"))
	}
	return nil
}

// jsonErr prefers a body-size error (413) over the decoding error it caused.
func jsonErr(err error, fallback error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return fallback
}

// requireJSON answers 415 unless the request body is JSON.
func requireJSON(c *gin.Context) error {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || (mt != "application/json" && mt != "application/geo+json" && !strings.HasSuffix(mt, "+json")) {
		return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Field: "Content-Type",
			Message: "Content-Type must be application/json"}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package api

import (
	"bufio"
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
	req, err := s.decodeBatch(body)
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

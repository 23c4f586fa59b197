package api

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
)

// maxReassign caps the reports one reassign call moves.
const maxReassign = 10_000

// movedScan is how many open reports are read at a time when looking for
// moved ones.
const movedScan = 512

// movedReport is an open report whose owner differs under the current
// boundaries, with the grid that owns its point now (nil: none).
type movedReport struct {
	r   *geo.Report
	now *geo.GridRef
}

// moved reports whether the grid owning r's point under pl differs from the
// grid r is assigned to.
func moved(r *geo.Report, pl geo.Placement) bool {
	if r.Grid == nil || pl.Grid == nil {
		return (r.Grid == nil) != (pl.Grid == nil)
	}
	return r.Grid.Code != pl.Grid.Code
}

// findMoved reads open reports after id after and returns up to limit moved
// ones, and whether there are more.
func (s *Server) findMoved(c *gin.Context, ix *geo.Index, after int64, limit int) ([]movedReport, bool, error) {
	var out []movedReport
	for {
		rs, err := s.cfg.Reports.OpenReportsNotIn(c.Request.Context(), ix.Set().Version, after, movedScan)
		if err != nil {
			return nil, false, err
		}
		for _, r := range rs {
			pl, err := ix.Place(r.Point)
			if err != nil {
				return nil, false, fmt.Errorf("report %d: %w", r.ID, err)
			}
			if moved(r, pl) {
				if len(out) == limit {
					return out, true, nil
				}
				out = append(out, movedReport{r, pl.Grid})
			}
			after = r.ID
		}
		if len(rs) < movedScan {
			return out, false, nil
		}
	}
}

// handleMovedReports: GET /v1/reports/moved?limit=&cursor=&crs= → open
// reports whose owning grid would differ under the current boundaries:
// {"boundary_version","reports":[{...report, "current_grid"}],"next_cursor"}.
// A report keeps the grid it was assigned to until a dispatcher moves it.
func (s *Server) handleMovedReports(c *gin.Context) {
	p, _ := principal(c)
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, err := parseLimit(c.Query("limit"), defaultPageSize, maxPageSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	var after int64
	if q := c.Query("cursor"); q != "" {
		raw, _ := base64.RawURLEncoding.DecodeString(q)
		if after, err = strconv.ParseInt(string(raw), 10, 64); err != nil || after < 1 {
			s.fail(c, badRequest("invalid_cursor", "cursor", "cursor is not one this server gave out"))
			return
		}
	}
	ms, more, err := s.findMoved(c, ix, after, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.viewFor(p, sys, s.cfg.Now())
	rs := make([]*geo.Report, len(ms))
	for i, m := range ms {
		rs[i] = m.r
	}
	if err := s.audit(c, p, v, rs); err != nil {
		s.fail(c, err)
		return
	}
	b := make([]byte, 0, 1024+len(ms)*1536)
	b = append(b, `{"boundary_version":`...)
	b = strconv.AppendInt(b, ix.Set().Version, 10)
	b = append(b, `,"reports":[`...)
	for k, m := range ms {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendReport(b, m.r, v, func(b []byte) []byte {
			b = append(b, `,"current_grid":`...)
			if m.now == nil {
				return append(b, "null"...)
			}
			return appendGridRef(b, *m.now)
		})
	}
	b = append(b, `],"next_cursor":`...)
	if more {
		b = appendString(b, base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ms[len(ms)-1].r.ID, 10))))
	} else {
		b = append(b, "null"...)
	}
	b = append(b, '}')
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// handleReassignMoved: POST /v1/reports/moved/reassign {"ids"?,"note"?} →
// moves each listed report (every moved one when ids is absent, at most
// 10,000) to the grid owning its point under the current boundaries, in one
// transaction: {"boundary_version","reassigned":[{"id","from","to"}],
// "skipped":[{"id","reason"}]}. Reports now outside every grid, or not
// moved after all, are skipped.
func (s *Server) handleReassignMoved(c *gin.Context) {
	p, _ := principal(c)
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	var req struct {
		IDs  []int64 `json:"ids"`
		Note string  `json:"note"`
	}
	if c.Request.ContentLength != 0 {
		if err := requireJSON(c); err != nil {
			s.fail(c, err)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20))
		if err != nil {
			s.fail(c, err)
			return
		}
		if err := decodeStrict(body, &req); err != nil {
			s.fail(c, err)
			return
		}
	}
	note, err := cleanText("note", req.Note, maxNote, false, true)
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(req.IDs) > maxReassign {
		s.fail(c, badRequest("too_many_ids", "ids", "at most %d ids per call", maxReassign))
		return
	}
	seen := make(map[int64]bool, len(req.IDs))
	ids := req.IDs[:0]
	for i, id := range req.IDs {
		if id < 1 {
			s.fail(c, badRequest("invalid_id", fmt.Sprintf("ids[%d]", i), "a report id is a positive integer"))
			return
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	req.IDs = ids
	if req.IDs == nil {
		ms, _, err := s.findMoved(c, ix, 0, maxReassign)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, m := range ms {
			req.IDs = append(req.IDs, m.r.ID)
		}
	}
	now := s.cfg.Now().UTC().Truncate(time.Millisecond)
	from := map[int64]*geo.GridRef{} // written by fn in the store's writer, read after it returned
	out, errs, err := s.cfg.Reports.UpdateReports(c.Request.Context(), req.IDs, func(r *geo.Report) error {
		from[r.ID] = r.Grid
		pl, err := ix.Place(r.Point)
		switch {
		case err != nil:
			return err
		case !moved(r, pl):
			return errNotMoved
		case pl.Grid == nil:
			return errNowOutside
		}
		to := geo.StatusReassigned
		if !geo.CanMove(r.Status, to) {
			to = geo.StatusAssigned
		}
		return r.Apply(geo.Change{To: to, Note: note, By: p.Label(), At: now, Place: &pl})
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	type moveOut struct {
		ID   int64  `json:"id"`
		From any    `json:"from"`
		To   string `json:"to"`
	}
	type skipOut struct {
		ID     int64  `json:"id"`
		Reason string `json:"reason"`
	}
	res := struct {
		Version    int64     `json:"boundary_version"`
		Reassigned []moveOut `json:"reassigned"`
		Skipped    []skipOut `json:"skipped"`
	}{Version: ix.Set().Version, Reassigned: []moveOut{}, Skipped: []skipOut{}}
	for i, id := range req.IDs {
		if errs[i] != nil {
			res.Skipped = append(res.Skipped, skipOut{id, skipReason(errs[i])})
			continue
		}
		var f any
		if g := from[id]; g != nil {
			f = g.Code
		}
		res.Reassigned = append(res.Reassigned, moveOut{id, f, out[i].Grid.Code})
	}
	c.JSON(http.StatusOK, res)
}

var (
	errNotMoved   = errors.New("its grid is still the owner under the current boundaries")
	errNowOutside = errors.New("it lies outside every grid now: assign it by hand")
)

func skipReason(err error) string {
	switch {
	case errors.Is(err, errNotMoved), errors.Is(err, errNowOutside):
		return err.Error()
	case errors.Is(err, geo.ErrNotFound):
		return "no such report"
	}
	var te *geo.TransitionError
	if errors.As(err, &te) {
		return te.Error()
	}
	return "internal error"
}

package api

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
)

// eventRequest is the body of POST /v1/reports/{id}/events.
type eventRequest struct {
	To   string `json:"to"`
	Note string `json:"note"`
	Grid string `json:"grid"` // for assigned and reassigned: the grid to assign to
}

// handleReportEvent: POST /v1/reports/{id}/events {"to","note","grid"?} →
// 200 with the changed report. The lifecycle decides what may follow what
// (409 listing the allowed statuses); the role decides who may make a move
// (403): workers accept, work on, resolve, return and escalate the reports
// of their subtree (others are a 404); dispatchers and admins do anything.
// assigned and reassigned take the grid named, or else the grid owning the
// report's point under the current boundaries; escalated goes to the team
// of the nearest level up.
func (s *Server) handleReportEvent(c *gin.Context) {
	p, _ := principal(c)
	id, err := parseReportID(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := requireJSON(c); err != nil {
		s.fail(c, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxReportBody))
	if err != nil {
		s.fail(c, err)
		return
	}
	var req eventRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(c, err)
		return
	}
	to, ok := geo.ParseStatus(req.To)
	switch {
	case req.To == "":
		s.fail(c, badRequest("missing_to", "to", "to is required (one of %s)", statusNames()))
		return
	case !ok:
		s.fail(c, badRequest("invalid_status", "to", "to %q is not one of %s", req.To, statusNames()))
		return
	}
	note, err := cleanText("note", req.Note, maxNote, false, true)
	if err != nil {
		s.fail(c, err)
		return
	}
	ix := s.cfg.Boundaries.Load()
	var target *geo.Placement
	if req.Grid != "" {
		if to != geo.StatusAssigned && to != geo.StatusReassigned {
			s.fail(c, badRequest("invalid_change", "grid", "grid goes with assigned or reassigned only"))
			return
		}
		if ix == nil {
			s.fail(c, errNotReady)
			return
		}
		pl, err := ix.PlaceIn(req.Grid)
		if err != nil {
			s.fail(c, badRequest("unknown_grid", "grid", "grid %q is not in the current boundaries", req.Grid))
			return
		}
		target = &pl
	}
	if !p.MayMove(to) {
		s.fail(c, forbidden("a %s token cannot move a report to %s", p.Role, to))
		return
	}
	now := s.cfg.Now().UTC().Truncate(time.Millisecond)
	out, errs, err := s.cfg.Reports.UpdateReports(c.Request.Context(), []int64{id}, func(r *geo.Report) error {
		if !p.CanSee(r) {
			return fmt.Errorf("report %d: %w", r.ID, geo.ErrNotFound)
		}
		ch, err := change(ix, r, to, target)
		if err != nil {
			return err
		}
		ch.Note, ch.By, ch.At = note, p.Label(), now
		return r.Apply(ch)
	})
	if err == nil {
		err = errs[0]
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.viewFor(p, "", now)
	rep := out[0]
	if err := s.audit(c, p, v, []*geo.Report{rep}); err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", appendReport(make([]byte, 0, 2048), rep, v, nil))
}

// change prepares the move of r to status to: the grid for assigned and
// reassigned (target, else the owner of r's point in ix), the team for
// escalated. It runs inside the store's transaction and does no I/O.
func change(ix *geo.Index, r *geo.Report, to geo.Status, target *geo.Placement) (geo.Change, error) {
	ch := geo.Change{To: to}
	if !geo.CanMove(r.Status, to) {
		return ch, &geo.TransitionError{From: r.Status, To: to, Allowed: geo.Allowed(r.Status)}
	}
	switch to {
	case geo.StatusAssigned, geo.StatusReassigned:
		if target != nil {
			ch.Place = target
			break
		}
		if ix == nil {
			return ch, errNotReady
		}
		pl, err := ix.Place(r.Point)
		if err != nil {
			return ch, err
		}
		if pl.Grid == nil {
			return ch, badRequest("missing_grid", "grid", "report %d lies outside every grid: name the grid to assign it to", r.ID)
		}
		ch.Place = &pl
	case geo.StatusEscalated:
		if ix == nil {
			return ch, errNotReady
		}
		a, err := ix.EscalationTarget(r)
		if err != nil {
			return ch, err
		}
		ch.Assignee = a
	}
	return ch, nil
}

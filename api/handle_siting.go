package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/geo/plan"
)

// sitingRequest is the body of POST /v1/siting.
type sitingRequest struct {
	Service     string          `json:"service"`
	Demand      string          `json:"demand"`
	RadiusM     *float64        `json:"radius_m"`
	Preset      string          `json:"preset"`
	K           *int            `json:"k"`
	Candidates  json.RawMessage `json:"candidates"`
	Objective   string          `json:"objective"`
	TargetRatio *float64        `json:"target_ratio"`
	Level       string          `json:"level"`
	CRS         string          `json:"crs"`
}

// candidateSpec is the object form of "candidates".
type candidateSpec struct {
	Kind            string   `json:"kind"`
	LatticeM        *float64 `json:"lattice_m"`
	GridLabelPoints bool     `json:"grid_label_points"`
}

// handleSiting: POST /v1/siting
// {"service","demand","radius_m"|"preset","k","candidates","objective","target_ratio","level","crs"}
// → plan.SitingReport. candidates is {"kind":K} (the sites of kind K),
// {"lattice_m":M} (a square lattice of M metres inside the district),
// {"grid_label_points":true} (the label point of every grid at level) or a
// list [[lon,lat],...] in crs. Existing service sites stay open. Chosen
// coordinates come back in crs.
func (s *Server) handleSiting(c *gin.Context) {
	ctx := c.Request.Context()
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := requireJSON(c); err != nil {
		s.fail(c, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		s.fail(c, err)
		return
	}
	var req sitingRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(c, err)
		return
	}
	q, sys, err := s.sitingQuery(c, ix, &req)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.acquireSiting(ctx); err != nil {
		s.fail(c, err)
		return
	}
	rep, err := plan.Siting(ctx, q)
	s.releaseSiting()
	if err != nil {
		s.fail(c, err)
		return
	}
	if sys != crs.WGS84 {
		for k := range rep.Chosen {
			ch := &rep.Chosen[k]
			p := crs.Convert(orb.Point{ch.Lon, ch.Lat}, crs.WGS84, sys)
			ch.Lon, ch.Lat = p[0], p[1]
		}
	}
	c.JSON(http.StatusOK, rep)
}

// sitingQuery validates a request into a plan query.
func (s *Server) sitingQuery(c *gin.Context, ix *geo.Index, req *sitingRequest) (plan.SitingQuery, crs.System, error) {
	var q plan.SitingQuery
	sys, err := parseCRS(req.CRS)
	if err != nil {
		return q, "", err
	}
	set, err := s.siteSet(c.Request.Context())
	if err != nil {
		return q, "", err
	}
	if q.Service, err = set.Lookup("service", req.Service); err != nil {
		return q, "", err
	}
	if q.Demand, err = set.Lookup("demand", req.Demand); err != nil {
		return q, "", err
	}
	q.ServiceKind, q.DemandKind, q.Index, q.Level = req.Service, req.Demand, ix, req.Level
	if q.RadiusM, err = s.presets().Radius("radius_m", req.RadiusM, req.Preset); err != nil {
		return q, "", err
	}
	q.Objective = req.Objective
	if q.Objective == "" {
		q.Objective = plan.MaxCoverage
	}
	switch {
	case req.K != nil:
		q.K = *req.K
		if q.K < 1 {
			return q, "", badRequest("invalid_k", "k", "k must be at least 1")
		}
	case q.Objective == plan.MaxCoverage:
		return q, "", badRequest("missing_k", "k", "k (the number of new sites) is required")
	}
	if q.Objective == plan.MinSites {
		if req.TargetRatio == nil {
			return q, "", badRequest("missing_target_ratio", "target_ratio", "target_ratio is required for min_sites")
		}
		q.TargetRatio = *req.TargetRatio
	}
	q.Candidates, err = candidates(set, ix, req, sys)
	return q, sys, err
}

// candidates resolves the "candidates" member.
func candidates(set *plan.SiteSet, ix *geo.Index, req *sitingRequest, sys crs.System) ([]plan.Candidate, error) {
	raw := bytes.TrimSpace(req.Candidates)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, badRequest("missing_candidates", "candidates", `candidates is required: {"kind":K}, {"lattice_m":M}, {"grid_label_points":true} or [[lon,lat],...]`)
	}
	if raw[0] == '[' {
		var pts [][]float64
		if err := json.Unmarshal(raw, &pts); err != nil {
			return nil, badRequest("invalid_candidates", "candidates", "candidates must be a list of [lon,lat] pairs")
		}
		if len(pts) > plan.MaxCandidates {
			return nil, badRequest("too_many_candidates", "candidates", "at most %d candidates", plan.MaxCandidates)
		}
		out := make([]plan.Candidate, len(pts))
		for j, p := range pts {
			if len(p) != 2 {
				return nil, badRequest("invalid_candidates", fmt.Sprintf("candidates[%d]", j), "candidates[%d] must be [lon,lat]", j)
			}
			if err := checkLonLat(fmt.Sprintf("candidates[%d].", j), p[0], p[1]); err != nil {
				return nil, err
			}
			out[j] = plan.Candidate{Point: crs.Convert(orb.Point{p[0], p[1]}, sys, crs.WGS84)}
		}
		return out, nil
	}
	var spec candidateSpec
	if err := decodeStrict(raw, &spec); err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Field != "" {
			ae.Field = "candidates." + ae.Field
		}
		return nil, err
	}
	n := 0
	for _, set := range []bool{spec.Kind != "", spec.LatticeM != nil, spec.GridLabelPoints} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, badRequest("invalid_candidates", "candidates", `candidates must name exactly one of kind, lattice_m, grid_label_points`)
	}
	switch {
	case spec.Kind != "":
		sites, err := set.Lookup("candidates.kind", spec.Kind)
		if err != nil {
			return nil, err
		}
		return plan.SiteCandidates(sites), nil
	case spec.LatticeM != nil:
		return plan.LatticeCandidates(ix, *spec.LatticeM)
	}
	return plan.LabelCandidates(ix, req.Level)
}

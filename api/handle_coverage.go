package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/geo/plan"
)

// handleCoverage: GET /v1/coverage?service=&demand=&radius_m=&preset=&level=&crs=
// → plan.CoverageReport: which demand sites have a service site within the
// radius (great-circle metres), per grid at level (default the finest with
// grids), the uncovered ones with their nearest service, and the grids
// without service. radius_m overrides the preset's radius. Coordinates in
// the answer are in crs. An unknown kind, level or preset, or a radius
// outside [0, 100 km], is a 400 naming the field; no demand at all is a 200
// with zero totals.
func (s *Server) handleCoverage(c *gin.Context) {
	ctx := c.Request.Context()
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
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
	service, err := set.Lookup("service", c.Query("service"))
	if err != nil {
		s.fail(c, err)
		return
	}
	demand, err := set.Lookup("demand", c.Query("demand"))
	if err != nil {
		s.fail(c, err)
		return
	}
	var radius *float64
	if q := c.Query("radius_m"); q != "" {
		r, err := parseFloat("radius_m", q)
		if err != nil {
			s.fail(c, err)
			return
		}
		radius = &r
	}
	r, err := s.presets().Radius("radius_m", radius, c.Query("preset"))
	if err != nil {
		s.fail(c, err)
		return
	}
	rep, err := plan.Coverage(ctx, plan.CoverageQuery{Service: service, Demand: demand, ServiceKind: c.Query("service"),
		DemandKind: c.Query("demand"), RadiusM: r, Index: ix, Level: c.Query("level")})
	if err != nil {
		s.fail(c, err)
		return
	}
	if sys != crs.WGS84 {
		for k := range rep.Uncovered {
			u := &rep.Uncovered[k]
			p := crs.Convert([2]float64{u.Lon, u.Lat}, crs.WGS84, sys)
			u.Lon, u.Lat = p[0], p[1]
		}
	}
	c.JSON(http.StatusOK, rep)
}

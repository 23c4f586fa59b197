package api

import (
	"math"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// parseCRS reads a coordinate system name (query parameter or JSON member
// "crs"); "" is WGS-84.
func parseCRS(s string) (crs.System, error) {
	sys, err := crs.Parse(s)
	if err != nil {
		return "", badRequest("invalid_crs", "crs", "crs must be one of wgs84, gcj02, bd09")
	}
	return sys, nil
}

// parseLevel checks a level name against the served set's vocabulary.
func parseLevel(ix *geo.Index, s string) (string, error) {
	if s == "" || ix.Set().Levels.Rank(s) >= 0 {
		return s, nil
	}
	return "", badRequest("unknown_level", "level", "level must be one of %s", strings.Join(ix.Set().Levels, ", "))
}

// parseFloat reads a required finite number named field.
func parseFloat(field, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, badRequest("missing_"+field, field, "%s is required", field)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, badRequest("invalid_number", field, "%s must be a number", field)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, badRequest("invalid_number", field, "%s must be a finite number", field)
	}
	return v, nil
}

// checkLonLat validates a point; field names are prefixed (e.g. "points[3].").
func checkLonLat(prefix string, lon, lat float64) error {
	switch {
	case math.IsNaN(lon) || math.IsInf(lon, 0):
		return badRequest("invalid_point", prefix+"lon", "lon must be a finite number")
	case math.IsNaN(lat) || math.IsInf(lat, 0):
		return badRequest("invalid_point", prefix+"lat", "lat must be a finite number")
	case lon < -180 || lon > 180:
		return badRequest("invalid_point", prefix+"lon", "lon must be within [-180,180]")
	case lat < -90 || lat > 90:
		return badRequest("invalid_point", prefix+"lat", "lat must be within [-90,90]")
	}
	return nil
}

// queryPoint reads lon and lat from the query string.
func queryPoint(c *gin.Context) (orb.Point, error) {
	lon, err := parseFloat("lon", c.Query("lon"))
	if err != nil {
		return orb.Point{}, err
	}
	lat, err := parseFloat("lat", c.Query("lat"))
	if err != nil {
		return orb.Point{}, err
	}
	return orb.Point{lon, lat}, checkLonLat("", lon, lat)
}

// parseNearest reads nearest_m; absent means geo.DefaultNearestM.
func parseNearest(s string) (float64, error) {
	if s == "" {
		return geo.DefaultNearestM, nil
	}
	v, err := parseFloat("nearest_m", s)
	if err != nil {
		return 0, err
	}
	if v < 0 || v > geo.MaxNearestM {
		return 0, badRequest("invalid_nearest_m", "nearest_m", "nearest_m must be within [0,%d]", geo.MaxNearestM)
	}
	return v, nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat.
func parseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, badRequest("invalid_bbox", "bbox", "bbox must be minLon,minLat,maxLon,maxLat")
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, badRequest("invalid_bbox", "bbox", "bbox must be four finite numbers minLon,minLat,maxLon,maxLat")
		}
		v[i] = f
	}
	if err := checkLonLat("bbox.min", v[0], v[1]); err != nil {
		return orb.Bound{}, badRequest("invalid_bbox", "bbox", "bbox corners must be within [-180,180] × [-90,90]")
	}
	if err := checkLonLat("bbox.max", v[2], v[3]); err != nil {
		return orb.Bound{}, badRequest("invalid_bbox", "bbox", "bbox corners must be within [-180,180] × [-90,90]")
	}
	if v[0] > v[2] || v[1] > v[3] {
		return orb.Bound{}, badRequest("invalid_bbox", "bbox", "bbox min must not exceed max")
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// parseLimit reads a page size in [1,max], def when absent.
func parseLimit(s string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, badRequest("invalid_limit", "limit", "limit must be an integer within [1,%d]", max)
	}
	return n, nil
}

package api

import (
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/geo"
)

// handleReportStats: GET /v1/stats/reports?level=community&from=&to= → the
// figures district staff report, per grid of the level (every grid of it in
// the current boundaries, in code order, then grids that only old reports
// name) and in total: received in [from, to) by current status, resolved in
// [from, to), on-time rate, median hours to resolve, overdue now. A worker
// gets its subtree's figures only.
func (s *Server) handleReportStats(c *gin.Context) {
	p, _ := principal(c)
	ix, err := s.index()
	if err != nil {
		s.fail(c, err)
		return
	}
	level := c.Query("level")
	if level == "" {
		if ix.Set().Levels.Rank("community") < 0 {
			s.fail(c, badRequest("missing_level", "level", "level is required"))
			return
		}
		level = "community"
	}
	if level, err = parseLevel(ix, level); err != nil {
		s.fail(c, err)
		return
	}
	now := s.cfg.Now()
	f := geo.StatsFilter{Level: level, Now: now}
	if f.From, f.To, err = parsePeriod(c); err != nil {
		s.fail(c, err)
		return
	}
	if p.Role == geo.RoleWorker {
		own, err := ix.PlaceIn(p.Grid)
		if err != nil {
			s.fail(c, forbidden("your grid %s is not in the current boundaries", p.Grid))
			return
		}
		f.Within = own.Path
	}
	st, err := s.cfg.Reports.ReportStats(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	b := make([]byte, 0, 256*(len(st.Grids)+16))
	b = append(b, `{"level":`...)
	b = appendString(b, level)
	b = append(b, `,"from":`...)
	b = appendTime(b, f.From)
	b = append(b, `,"to":`...)
	b = appendTime(b, f.To)
	b = append(b, `,"at":`...)
	b = appendTime(b, now)
	b = append(b, `,"boundary_version":`...)
	b = strconv.AppendInt(b, ix.Set().Version, 10)
	b = append(b, `,"grids":[`...)
	n := 0
	add := func(ref geo.GridRef, fig *geo.ReportFigures) {
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, `{"code":`...)
		b = appendString(b, ref.Code)
		b = append(b, `,"name":`...)
		b = appendString(b, ref.Name)
		b = append(b, `,"level":`...)
		b = appendString(b, ref.Level)
		b = append(b, ',')
		b = appendFigures(b, fig)
		b = append(b, '}')
	}
	done := map[string]bool{}
	for _, i := range ix.Sorted() {
		g := ix.Grid(i)
		if g.Level != level {
			continue
		}
		if len(f.Within) > 0 {
			if pl, _ := ix.PlaceIn(g.Code); !pathHas(pl.Path, p.Grid) && !pathHas(f.Within, g.Code) {
				continue
			}
		}
		fig := st.Grids[g.Code]
		if fig == nil {
			fig = new(geo.ReportFigures)
		}
		add(geo.GridRef{Code: g.Code, Name: g.Name, Level: g.Level}, fig)
		done[g.Code] = true
	}
	var gone []string
	for code := range st.Grids {
		if !done[code] {
			gone = append(gone, code)
		}
	}
	slices.Sort(gone)
	for _, code := range gone {
		add(geo.GridRef{Code: code, Level: level}, st.Grids[code])
	}
	b = append(b, `],"total":{`...)
	b = appendFigures(b, &st.Total)
	b = append(b, "}}"...)
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// appendFigures appends the members "received", "by_status", "resolved",
// "on_time", "on_time_rate", "median_hours_to_resolve", "overdue_now".
func appendFigures(b []byte, f *geo.ReportFigures) []byte {
	b = append(b, `"received":`...)
	b = strconv.AppendInt(b, int64(f.Received), 10)
	b = append(b, `,"by_status":{`...)
	k := 0
	for _, st := range geo.Statuses {
		if n := f.ByStatus[st]; n > 0 {
			if k > 0 {
				b = append(b, ',')
			}
			k++
			b = appendString(b, string(st))
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(n), 10)
		}
	}
	b = append(b, `},"resolved":`...)
	b = strconv.AppendInt(b, int64(f.Resolved), 10)
	b = append(b, `,"on_time":`...)
	b = strconv.AppendInt(b, int64(f.OnTime), 10)
	rate, ok := f.OnTimeRate()
	b = append(b, `,"on_time_rate":`...)
	b = appendOptFloat(b, rate, ok)
	hours, ok := f.MedianHours()
	b = append(b, `,"median_hours_to_resolve":`...)
	b = appendOptFloat(b, hours, ok)
	b = append(b, `,"overdue_now":`...)
	return strconv.AppendInt(b, int64(f.OverdueNow), 10)
}

func appendOptFloat(b []byte, v float64, ok bool) []byte {
	if !ok {
		return append(b, "null"...)
	}
	return appendFloat(b, math.Round(v*1000)/1000)
}

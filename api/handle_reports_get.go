package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// handleReport: GET /v1/reports/{id}?crs= → the report object. A report the
// token may not see is a 404, exactly like one that does not exist.
func (s *Server) handleReport(c *gin.Context) {
	p, _ := principal(c)
	id, err := parseReportID(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		s.fail(c, err)
		return
	}
	r, err := s.cfg.Reports.Report(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !p.CanSee(r) {
		s.fail(c, fmt.Errorf("report %d: %w", id, geo.ErrNotFound))
		return
	}
	v := s.viewFor(p, sys, s.cfg.Now())
	if err := s.audit(c, p, v, []*geo.Report{r}); err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", appendReport(make([]byte, 0, 2048), r, v, nil))
}

func parseReportID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, badRequest("invalid_id", "id", "a report id is a positive integer")
	}
	return id, nil
}

// handleReports: GET /v1/reports?grid=&descendants=&status=&category=
// &overdue=&from=&to=&bbox=&crs=&limit=&cursor= → {"reports":[...],
// "next_cursor"}, newest first. A worker sees its grid's subtree only (a
// grid outside it is a 403), a reporter its own reports.
func (s *Server) handleReports(c *gin.Context) {
	p, _ := principal(c)
	now := s.cfg.Now()
	f, sys, err := s.parseReportFilter(c, p, now)
	if err != nil {
		s.fail(c, err)
		return
	}
	limit := f.Limit
	f.Limit++ // one more tells whether there is a next page
	rs, err := s.cfg.Reports.ListReports(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	more := len(rs) > limit
	if more {
		rs = rs[:limit]
	}
	v := s.viewFor(p, sys, now)
	if err := s.audit(c, p, v, rs); err != nil {
		s.fail(c, err)
		return
	}
	b := make([]byte, 0, 1024+len(rs)*1536)
	b = append(b, `{"reports":[`...)
	for k, r := range rs {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendReport(b, r, v, nil)
	}
	b = append(b, `],"next_cursor":`...)
	if more {
		last := rs[len(rs)-1]
		b = appendString(b, encodeReportCursor(geo.ReportCursor{CreatedAt: last.CreatedAt, ID: last.ID}))
	} else {
		b = append(b, "null"...)
	}
	b = append(b, '}')
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

func (s *Server) parseReportFilter(c *gin.Context, p geo.Principal, now time.Time) (geo.ReportFilter, crs.System, error) {
	f := geo.ReportFilter{Now: now}
	sys, err := parseCRS(c.Query("crs"))
	if err != nil {
		return f, "", err
	}
	if f.Descendants, err = parseBool("descendants", c.Query("descendants")); err != nil {
		return f, "", err
	}
	if code := c.Query("grid"); code != "" {
		ix, err := s.index()
		if err != nil {
			return f, "", err
		}
		pl, err := ix.PlaceIn(code)
		if err != nil {
			return f, "", badRequest("unknown_grid", "grid", "grid %q is not in the current boundaries", code)
		}
		f.Grid = pl.Path
	}
	if err := s.scope(&f, p); err != nil {
		return f, "", err
	}
	for _, name := range splitList(c.Query("status")) {
		st, ok := geo.ParseStatus(name)
		if !ok {
			return f, "", badRequest("invalid_status", "status", "status %q is not one of %s", name, statusNames())
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, name := range splitList(c.Query("category")) {
		if _, ok := s.cfg.Categories.Find(name); !ok {
			return f, "", badRequest("invalid_category", "category", "category %q is not one of %s", name, strings.Join(s.cfg.Categories.Names(), ", "))
		}
		f.Categories = append(f.Categories, name)
	}
	if q, ok := c.GetQuery("overdue"); ok {
		v, err := parseBool("overdue", q)
		if err != nil {
			return f, "", err
		}
		f.Overdue = &v
	}
	if f.From, f.To, err = parsePeriod(c); err != nil {
		return f, "", err
	}
	if q := c.Query("bbox"); q != "" {
		b, err := parseBBox(q)
		if err != nil {
			return f, "", err
		}
		b = orb.Bound{Min: crs.Convert(b.Min, sys, crs.WGS84), Max: crs.Convert(b.Max, sys, crs.WGS84)}
		f.BBox = &b
	}
	if f.Limit, err = parseLimit(c.Query("limit"), defaultPageSize, maxPageSize); err != nil {
		return f, "", err
	}
	if q := c.Query("cursor"); q != "" {
		cur, err := decodeReportCursor(q)
		if err != nil {
			return f, "", err
		}
		f.After = &cur
	}
	return f, sys, nil
}

// scope narrows f to what p may list: a worker its grid's subtree (a grid
// filter outside it is a 403), a reporter its own reports.
func (s *Server) scope(f *geo.ReportFilter, p geo.Principal) error {
	switch p.Role {
	case geo.RoleAdmin, geo.RoleDispatcher:
		return nil
	case geo.RoleReporter:
		f.CreatedBy = p.TokenID
		return nil
	case geo.RoleWorker:
		ix, err := s.index()
		if err != nil {
			return err
		}
		own, err := ix.PlaceIn(p.Grid)
		if err != nil {
			return forbidden("your grid %s is not in the current boundaries", p.Grid)
		}
		switch {
		case len(f.Grid) == 0:
			f.Grid, f.Descendants = own.Path, true
		case pathHas(f.Grid, p.Grid):
			// inside the worker's subtree
		case f.Descendants && pathHas(own.Path, f.Grid[len(f.Grid)-1].Code):
			f.Grid = own.Path // an ancestor's subtree, cut down to the worker's
		default:
			return forbidden("grid %s is outside your grid %s", f.Grid[len(f.Grid)-1].Code, p.Grid)
		}
		return nil
	}
	return forbidden("a %s token cannot list reports", p.Role)
}

func pathHas(path []geo.GridRef, code string) bool {
	for _, g := range path {
		if g.Code == code {
			return true
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func statusNames() string {
	names := make([]string, len(geo.Statuses))
	for i, s := range geo.Statuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

func parseBool(field, s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "false", "0", "no":
		return false, nil
	case "true", "1", "yes":
		return true, nil
	}
	return false, badRequest("invalid_"+field, field, "%s must be true or false", field)
}

// china is China Standard Time, in which bare dates are read.
var china = time.FixedZone("CST", 8*3600)

// parsePeriod reads from and to: RFC 3339 times, or dates (YYYY-MM-DD) read
// as midnight China Standard Time (UTC+8). The period is [from, to).
func parsePeriod(c *gin.Context) (from, to time.Time, err error) {
	read := func(field string) (time.Time, error) {
		q := strings.TrimSpace(c.Query(field))
		if q == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.RFC3339, q); err == nil {
			return t, nil
		}
		if t, err := time.ParseInLocation("2006-01-02", q, china); err == nil {
			return t, nil
		}
		return time.Time{}, badRequest("invalid_time", field, "%s must be an RFC 3339 time or a date YYYY-MM-DD", field)
	}
	if from, err = read("from"); err != nil {
		return
	}
	if to, err = read("to"); err != nil {
		return
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, badRequest("invalid_period", "to", "to must be after from")
	}
	return from, to, nil
}

func encodeReportCursor(cur geo.ReportCursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(cur.CreatedAt.UnixMilli(), 10) + "." + strconv.FormatInt(cur.ID, 10)))
}

func decodeReportCursor(s string) (geo.ReportCursor, error) {
	bad := badRequest("invalid_cursor", "cursor", "cursor is not one this server gave out")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return geo.ReportCursor{}, bad
	}
	at, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return geo.ReportCursor{}, bad
	}
	msec, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n < 1 {
		return geo.ReportCursor{}, bad
	}
	return geo.ReportCursor{CreatedAt: time.UnixMilli(msec).UTC(), ID: n}, nil
}

// handleReportCategories: GET /v1/reports/categories →
// {"categories":[{"name","deadline","deadline_hours"}]}.
func (s *Server) handleReportCategories(c *gin.Context) {
	type category struct {
		Name          string  `json:"name"`
		Deadline      string  `json:"deadline"`
		DeadlineHours float64 `json:"deadline_hours"`
	}
	out := make([]category, len(s.cfg.Categories))
	for i, cat := range s.cfg.Categories {
		out[i] = category{cat.Name, geo.FormatDuration(cat.Deadline), cat.Deadline.Hours()}
	}
	c.JSON(http.StatusOK, gin.H{"categories": out})
}

package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// ReportStore keeps reports, their events, idempotency keys and the audit
// log. Writes are durable when they return. data.Reports implements it.
type ReportStore interface {
	// CreateReport stores a new report and sets its ID. With a key it
	// stores idem.Render's answer too and returns it, or returns the first
	// answer (replayed) or geo.ErrIdempotencyMismatch for a key used before.
	CreateReport(ctx context.Context, r *geo.Report, idem *geo.IdempotencyKey) (body []byte, replayed bool, err error)
	// Report reads one report with its events (geo.ErrNotFound).
	Report(ctx context.Context, id int64) (*geo.Report, error)
	// ListReports reads the reports f selects, newest first.
	ListReports(ctx context.Context, f geo.ReportFilter) ([]*geo.Report, error)
	// UpdateReports reads each report, calls fn and writes what it changed,
	// all in one transaction; errs holds fn's error (or geo.ErrNotFound) per
	// report, which is then left unchanged.
	UpdateReports(ctx context.Context, ids []int64, fn func(r *geo.Report) error) (out []*geo.Report, errs []error, err error)
	// OpenReportsNotIn reads open reports not placed under version, by id.
	OpenReportsNotIn(ctx context.Context, version, afterID int64, limit int) ([]*geo.Report, error)
	ReportStats(ctx context.Context, f geo.StatsFilter) (*geo.ReportStats, error)
	// Audit appends an entry to the audit log.
	Audit(ctx context.Context, e geo.AuditEntry) error
	AuditLog(ctx context.Context, afterID int64, limit int) ([]geo.AuditEntry, error)
}

var errNoReports = errors.New("reports are not configured")

// Limits of report input.
const (
	maxReportBody   = 64 << 10
	maxTitle        = 200 // characters
	maxDescription  = 5000
	maxNote         = 2000
	maxReporterName = 50
	maxIdemKey      = 255
)

func (s *Server) reportRoutes(v1 *gin.RouterGroup) {
	g := v1.Group("", s.needReports)
	anyRole := s.requireRole(geo.RoleAdmin, geo.RoleDispatcher, geo.RoleWorker, geo.RoleReporter)
	staff := s.requireRole(geo.RoleAdmin, geo.RoleDispatcher, geo.RoleWorker)
	desk := s.requireRole(geo.RoleAdmin, geo.RoleDispatcher)
	g.POST("/reports", anyRole, s.handleCreateReport)
	g.GET("/reports", anyRole, s.handleReports)
	g.GET("/reports/categories", anyRole, s.handleReportCategories)
	g.GET("/reports/moved", desk, s.handleMovedReports)
	g.POST("/reports/moved/reassign", desk, s.handleReassignMoved)
	g.GET("/reports/:id", anyRole, s.handleReport)
	g.POST("/reports/:id/events", staff, s.handleReportEvent)
	g.GET("/stats/reports", staff, s.handleReportStats)
	g.GET("/audit", s.requireRole(geo.RoleAdmin), s.handleAudit)
}

// needReports answers 503 when no report store is configured.
func (s *Server) needReports(c *gin.Context) {
	if s.cfg.Reports == nil {
		s.fail(c, errNoReports)
		return
	}
	c.Next()
}

// reportRequest is the body of POST /v1/reports.
type reportRequest struct {
	Lon         *float64 `json:"lon"`
	Lat         *float64 `json:"lat"`
	Address     *string  `json:"address"` // instead of lon/lat: geocoded, then assigned
	CRS         string   `json:"crs"`
	Category    string   `json:"category"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Reporter    *struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"reporter"`
	OccurredAt string `json:"occurred_at"`
	Source     string `json:"source"`
}

// handleCreateReport: POST /v1/reports → 201 with the report object. The
// report is assigned to the finest grid owning its point and that grid's
// team (or the nearest one up); a point outside every grid is stored
// unassigned, never rejected. With an Idempotency-Key header a replay gets
// the first answer back (same status and body); the same key with another
// body is a 422. The 201 is sent only once the report is durably stored.
func (s *Server) handleCreateReport(c *gin.Context) {
	p, _ := principal(c)
	now := s.cfg.Now().UTC().Truncate(time.Millisecond)
	if err := requireJSON(c); err != nil {
		s.fail(c, err)
		return
	}
	key := c.GetHeader("Idempotency-Key")
	if err := checkIdempotencyKey(key); err != nil {
		s.fail(c, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxReportBody))
	if err != nil {
		s.fail(c, err)
		return
	}
	in, sys, text, err := s.parseReport(body, p, now)
	if err != nil {
		s.fail(c, err)
		return
	}
	var r *geo.Report
	if text != "" { // sent with an address: geocoded, then placed
		point, pl, g, assign, err := s.geocodeReport(text, s.cfg.Boundaries.Load())
		if err != nil {
			s.fail(c, err)
			return
		}
		in.Point = point
		r = geo.NewAddressReport(in, pl, g, assign, s.cfg.AddressThreshold, now)
	} else {
		pl := geo.Placement{}
		if ix := s.cfg.Boundaries.Load(); ix != nil {
			if pl, err = ix.Place(in.Point); err != nil {
				s.fail(c, err)
				return
			}
		}
		r = geo.NewReport(in, pl, now)
	}
	view := s.viewFor(p, sys, now)
	var idem *geo.IdempotencyKey
	if key != "" {
		idem = &geo.IdempotencyKey{Scope: p.TokenID, Key: key, Hash: sha256.Sum256(body),
			Render: func(r *geo.Report) ([]byte, error) { return appendReport(nil, r, view, nil), nil }}
	}
	out, replayed, err := s.cfg.Reports.CreateReport(c.Request.Context(), r, idem)
	if err != nil {
		s.fail(c, err)
		return
	}
	if replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	if out == nil {
		out = appendReport(make([]byte, 0, 2048), r, view, nil)
	}
	if id, ok := reportID(out); ok {
		c.Header("Location", "/v1/reports/"+strconv.FormatInt(id, 10))
	}
	c.Data(http.StatusCreated, "application/json; charset=utf-8", out)
}

// reportID reads the id at the start of a rendered report.
func reportID(body []byte) (int64, bool) {
	rest, ok := bytes.CutPrefix(body, []byte(`{"id":`))
	if !ok {
		return 0, false
	}
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return 0, false
	}
	id, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	return id, err == nil
}

func checkIdempotencyKey(key string) error {
	if key == "" {
		return nil
	}
	if len(key) > maxIdemKey {
		return badRequest("invalid_idempotency_key", "Idempotency-Key", "Idempotency-Key must be at most %d characters", maxIdemKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return badRequest("invalid_idempotency_key", "Idempotency-Key", "Idempotency-Key must be printable ASCII without spaces")
		}
	}
	return nil
}

// parseReport decodes and validates a report body; the point comes back in
// WGS-84 with the crs it was sent in, or, for a report sent with an address
// instead, the address text (and no point).
func (s *Server) parseReport(body []byte, p geo.Principal, now time.Time) (in geo.Intake, sys crs.System, text string, err error) {
	var req reportRequest
	if err := decodeStrict(body, &req); err != nil {
		return geo.Intake{}, "", "", err
	}
	if sys, err = parseCRS(req.CRS); err != nil {
		return geo.Intake{}, "", "", err
	}
	in = geo.Intake{By: p.Label(), CreatedBy: p.TokenID}
	switch {
	case req.Address != nil && (req.Lon != nil || req.Lat != nil):
		return geo.Intake{}, "", "", badRequest("invalid_body", "address", "send either address or lon and lat, not both")
	case req.Address != nil:
		if text, err = cleanText("address", *req.Address, maxGeocodeQuery, true, false); err != nil {
			return geo.Intake{}, "", "", err
		}
	case req.Lon == nil:
		return geo.Intake{}, "", "", badRequest("missing_lon", "lon", "lon is required (or address instead of lon and lat)")
	case req.Lat == nil:
		return geo.Intake{}, "", "", badRequest("missing_lat", "lat", "lat is required")
	default:
		if err := checkLonLat("", *req.Lon, *req.Lat); err != nil {
			return geo.Intake{}, "", "", err
		}
		in.Point = crs.Convert(orb.Point{*req.Lon, *req.Lat}, sys, crs.WGS84)
	}
	in, err = s.parseReportRest(req, in, now)
	return in, sys, text, err
}

// parseReportRest validates the members of a report other than its place.
func (s *Server) parseReportRest(req reportRequest, in geo.Intake, now time.Time) (geo.Intake, error) {
	var err error
	if req.Category == "" {
		return geo.Intake{}, badRequest("missing_category", "category", "category is required (one of %s)", strings.Join(s.cfg.Categories.Names(), ", "))
	}
	var ok bool
	if in.Category, ok = s.cfg.Categories.Find(req.Category); !ok {
		return geo.Intake{}, badRequest("invalid_category", "category", "category must be one of %s", strings.Join(s.cfg.Categories.Names(), ", "))
	}
	if in.Title, err = cleanText("title", req.Title, maxTitle, true, false); err != nil {
		return geo.Intake{}, err
	}
	if in.Description, err = cleanText("description", req.Description, maxDescription, false, true); err != nil {
		return geo.Intake{}, err
	}
	if req.Reporter != nil {
		if in.Reporter.Name, err = cleanText("reporter.name", req.Reporter.Name, maxReporterName, false, false); err != nil {
			return geo.Intake{}, err
		}
		if in.Reporter.Phone, err = cleanPhone(req.Reporter.Phone); err != nil {
			return geo.Intake{}, err
		}
	}
	in.Source = "app"
	if req.Source != "" {
		if !geo.ValidSource(req.Source) {
			return geo.Intake{}, badRequest("invalid_source", "source", "source must be 1-32 of a-z, 0-9, _ and - (app, hotline, patrol, ...)")
		}
		in.Source = req.Source
	}
	if req.OccurredAt != "" {
		t, err := time.Parse(time.RFC3339, req.OccurredAt)
		if err != nil {
			return geo.Intake{}, badRequest("invalid_time", "occurred_at", "occurred_at must be an RFC 3339 time such as 2025-06-01T08:30:00+08:00")
		}
		if t.After(now.Add(5 * time.Minute)) {
			return geo.Intake{}, badRequest("invalid_time", "occurred_at", "occurred_at is in the future")
		}
		in.OccurredAt = t.UTC().Truncate(time.Millisecond)
	}
	return in, nil
}

// decodeStrict decodes one JSON object into v, refusing unknown members and
// trailing data; errors are 400s naming the member.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case err == nil:
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return badRequest("invalid_body", "", "body must be a JSON object")
		}
		return badRequest("invalid_body", field, "%s must be %s", field, jsonKind(te.Type.Kind().String()))
	case errors.As(err, &se), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("invalid_body", "", "body is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return badRequest("invalid_body", name, "unknown member %q", name)
	default:
		return badRequest("invalid_body", "", "body is not valid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("invalid_body", "", "body must hold one JSON object")
	}
	return nil
}

func jsonKind(kind string) string {
	switch kind {
	case "float64", "int64", "int":
		return "a number"
	case "string":
		return "a string"
	case "struct", "ptr":
		return "an object"
	case "slice":
		return "an array"
	}
	return "of another type"
}

// cleanText trims s and checks it: required, at most max characters, no
// control characters (newlines and tabs allowed when multiline).
func cleanText(field, s string, max int, required, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" && required {
		return "", badRequest("missing_"+strings.ReplaceAll(field, ".", "_"), field, "%s is required", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", badRequest("invalid_text", field, "%s must be at most %d characters (it has %d)", field, max, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r')) {
			return "", badRequest("invalid_text", field, "%s must not hold control characters", field)
		}
	}
	return s, nil
}

// cleanPhone accepts digits with optional '+', spaces, '-' and parentheses:
// 3 to 20 digits.
func cleanPhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			return "", badRequest("invalid_phone", "reporter.phone", "reporter.phone must be digits with optional +, spaces, - and ()")
		}
	}
	if digits < 3 || digits > 20 {
		return "", badRequest("invalid_phone", "reporter.phone", "reporter.phone must have 3 to 20 digits")
	}
	return s, nil
}

// reportView says how reports are shown to one request.
type reportView struct {
	unmasked bool       // reporter name and phone in clear (dispatcher, admin)
	sys      crs.System // coordinates in this crs
	now      time.Time  // for "overdue"
}

func (s *Server) viewFor(p geo.Principal, sys crs.System, now time.Time) reportView {
	return reportView{unmasked: p.SeesPersonalData(), sys: sys, now: now}
}

// audit records that reports were shown with unmasked personal data, before
// the answer goes out; reports without personal data are not recorded.
func (s *Server) audit(c *gin.Context, p geo.Principal, v reportView, rs []*geo.Report) error {
	if !v.unmasked {
		return nil
	}
	var ids []int64
	for _, r := range rs {
		if !r.Reporter.Empty() {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	err := s.cfg.Reports.Audit(c.Request.Context(), geo.AuditEntry{
		At: s.cfg.Now().UTC(), By: p, Action: c.Request.Method + " " + c.FullPath(), ReportIDs: ids,
		RequestID: requestID(c), Remote: c.ClientIP(),
	})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

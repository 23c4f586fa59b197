package api

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// handleAudit: GET /v1/audit?limit=&cursor= (admin) → the audit log of reads
// of unmasked personal data, oldest first: {"entries":[{"id","at","token_id",
// "role","name","action","report_ids","request_id","remote"}],"next_cursor"}.
func (s *Server) handleAudit(c *gin.Context) {
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
	es, err := s.cfg.Reports.AuditLog(c.Request.Context(), after, limit+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	type entry struct {
		ID        int64   `json:"id"`
		At        string  `json:"at"`
		TokenID   string  `json:"token_id"`
		Role      string  `json:"role"`
		Name      string  `json:"name"`
		Action    string  `json:"action"`
		ReportIDs []int64 `json:"report_ids"`
		RequestID string  `json:"request_id"`
		Remote    string  `json:"remote"`
	}
	out := struct {
		Entries    []entry `json:"entries"`
		NextCursor *string `json:"next_cursor"`
	}{Entries: []entry{}}
	for i, e := range es {
		if i == limit {
			cur := base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(es[i-1].ID, 10)))
			out.NextCursor = &cur
			break
		}
		out.Entries = append(out.Entries, entry{e.ID, e.At.UTC().Format(timeLayout), e.By.TokenID, string(e.By.Role),
			e.By.Name, e.Action, e.ReportIDs, e.RequestID, e.Remote})
	}
	c.JSON(http.StatusOK, out)
}

package geo

import (
	"time"

	"github.com/paulmach/orb"
)

// ReportFilter selects reports for a list, newest first (by CreatedAt, then
// ID). Zero fields do not filter.
type ReportFilter struct {
	// Grid is the path (root first) of the grid whose reports to list, as
	// the current boundaries have it; with Descendants, its subtree's too.
	// A report matches by the path it was assigned under.
	Grid        []GridRef
	Descendants bool
	// Within limits the list to a subtree (a worker's grid, path root first).
	Within     []GridRef
	CreatedBy  string // a reporter's own reports
	Statuses   []Status
	Categories []string
	Overdue    *bool     // open and past due at Now (true) or not (false)
	From, To   time.Time // CreatedAt in [From, To)
	BBox       *orb.Bound
	Now        time.Time
	Limit      int
	After      *ReportCursor // the last report of the previous page
}

// ReportCursor is a position in the newest-first report order.
type ReportCursor struct {
	CreatedAt time.Time
	ID        int64
}

// StatsFilter selects the reports ReportStats figures are computed over.
type StatsFilter struct {
	Level    string    // the level whose grids the figures are per
	Within   []GridRef // only this subtree (a worker's grid), path root first
	From, To time.Time // the period: received and resolved in [From, To)
	Now      time.Time // for "overdue now"
}

// ReportStats are figures per grid code at one level, and for all reports in
// the filter's scope (including those assigned above that level or not at
// all).
type ReportStats struct {
	Grids map[string]*ReportFigures
	Total ReportFigures
}

// AuditEntry records one read of unmasked personal data.
type AuditEntry struct {
	ID        int64 // assigned by the store
	At        time.Time
	By        Principal
	Action    string  // e.g. "GET /v1/reports/{id}"
	ReportIDs []int64 // the reports whose reporter was shown unmasked
	RequestID string
	Remote    string
}

// IdempotencyKey ties a create request to its first answer. Replaying Key
// (within Scope) with the same Hash gets the stored body back; with another
// Hash, ErrIdempotencyMismatch.
type IdempotencyKey struct {
	Scope string   // whose key: the token's id
	Key   string   // the client's Idempotency-Key
	Hash  [32]byte // SHA-256 of the request
	// Render makes the answer's body from the stored report (ID set). It is
	// called once, in the transaction that stores the report, and its bytes
	// are kept with the key.
	Render func(*Report) ([]byte, error)
}

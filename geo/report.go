package geo

import (
	"time"

	"github.com/paulmach/orb"
)

// A Report (诉求/事件) is a problem at a place, sent in by a resident, a
// company or a grid member. It is assigned to the grid that owns the place
// and follows the lifecycle in report_lifecycle.go; every change is an Event
// kept forever.
//
// The report keeps the grid it was assigned to when boundaries change later:
// Grid, Path, Assignee and BoundaryVersion describe the boundary version the
// assignment was made under, not the current one.
//
// Grid, Path and Assignee may be shared with other reports (a store shares
// the decoded path of one grid between its reports): a change replaces them,
// never writes into them.
type Report struct {
	ID          int64 // assigned by the store, from 1, never reused
	Status      Status
	Category    string
	Title       string
	Description string
	Point       orb.Point // WGS-84 lon/lat
	Source      string    // app, hotline, patrol, ...
	Reporter    Reporter
	CreatedBy   string // the creating token's id; "" for imported reports

	Grid            *GridRef  // the owning grid; nil while unassigned
	Path            []GridRef // Grid's chain, root first; empty while unassigned
	Assignee        *Assignee // the team holding the report; nil when none is named
	BoundaryVersion int64     // the version Grid was taken from; 0 while unassigned

	OccurredAt time.Time // zero when not given
	CreatedAt  time.Time
	DueAt      time.Time // CreatedAt plus the category's deadline
	UpdatedAt  time.Time
	ResolvedAt time.Time // set on resolved, kept through verified and closed; zero otherwise
	DoneAt     time.Time // when it left the open states (resolved or rejected); zero while open

	Events []Event // oldest first; never rewritten, only appended to

	Geocode *Geocoded // how a report sent with an address was matched; nil for one sent with a point
}

// GridRef names a grid as it was when a report was assigned to it.
type GridRef struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// Assignee is the team that holds a report: the leader and team named in the
// attributes of Grid (the owning grid or one of its ancestors).
type Assignee struct {
	Grid    GridRef `json:"grid"`
	Leader  string  `json:"leader,omitempty"`
	Phone   string  `json:"phone,omitempty"`
	Team    string  `json:"team,omitempty"`
	Members any     `json:"members,omitempty"` // a count or a list, as the attributes hold it
}

// Reporter is the person who sent a report in: personal data, shown masked
// to everyone but dispatchers and admins (see MaskName, MaskPhone).
type Reporter struct {
	Name  string
	Phone string
}

// Empty reports whether no personal data was given.
func (r Reporter) Empty() bool { return r.Name == "" && r.Phone == "" }

// Event is one change of a report: who made it and when, the status before
// (empty for the first event) and after, a note, and the grid the report was
// assigned, reassigned or escalated to ("" otherwise).
type Event struct {
	At   time.Time
	By   string
	From Status
	To   Status
	Note string
	Grid string
}

// Overdue reports whether r is past its deadline and still open (neither
// resolved nor rejected) at now.
func (r *Report) Overdue(now time.Time) bool {
	return r.DoneAt.IsZero() && now.After(r.DueAt)
}

// InSubtree reports whether code is r's grid or one of its ancestors (in the
// path r was assigned under).
func (r *Report) InSubtree(code string) bool {
	for _, g := range r.Path {
		if g.Code == code {
			return true
		}
	}
	return false
}

// Intake is what a report is made from: the validated request, in WGS-84.
type Intake struct {
	Point       orb.Point
	Category    Category
	Title       string
	Description string
	Source      string
	Reporter    Reporter
	OccurredAt  time.Time
	By          string // who sends it (Principal.Label)
	CreatedBy   string // the sender's token id
}

// NewReport makes a report from in, placed by pl (see Index.Place), received
// at now. It starts as reported and is assigned to pl's grid at once, or
// becomes unassigned for a dispatcher when the point lies outside every grid:
// two events.
func NewReport(in Intake, pl Placement, now time.Time) *Report {
	r := &Report{
		Category:    in.Category.Name,
		Title:       in.Title,
		Description: in.Description,
		Point:       in.Point,
		Source:      in.Source,
		Reporter:    in.Reporter,
		CreatedBy:   in.CreatedBy,
		OccurredAt:  in.OccurredAt,
		CreatedAt:   now,
		DueAt:       now.Add(in.Category.Deadline),
		UpdatedAt:   now,
		Status:      StatusReported,
	}
	r.Events = append(r.Events, Event{At: now, By: in.By, To: StatusReported})
	if pl.Grid == nil {
		r.Status = StatusUnassigned
		r.Events = append(r.Events, Event{At: now, By: SystemActor, From: StatusReported, To: StatusUnassigned,
			Note: "outside every grid: for a dispatcher"})
		return r
	}
	r.place(pl)
	r.Status = StatusAssigned
	r.Events = append(r.Events, Event{At: now, By: SystemActor, From: StatusReported, To: StatusAssigned,
		Note: pl.note(), Grid: pl.Grid.Code})
	return r
}

// SystemActor is the By of events wangge makes itself.
const SystemActor = "system"

func (r *Report) place(pl Placement) {
	r.Grid, r.Path, r.Assignee, r.BoundaryVersion = pl.Grid, pl.Path, pl.Assignee, pl.Version
}

package geo

import (
	"fmt"
	"strings"
	"time"
)

// Status is where a report stands in its lifecycle:
//
//	reported → assigned → accepted → in_progress → resolved → verified → closed
//
// plus unassigned (outside every grid, for a dispatcher), returned (back to
// dispatch, e.g. the wrong grid), reassigned (to another grid), escalated (to
// the team of a level up) and rejected (not a valid report). transitions
// lists the allowed moves.
type Status string

const (
	StatusReported   Status = "reported"
	StatusUnassigned Status = "unassigned"
	StatusAssigned   Status = "assigned"
	StatusAccepted   Status = "accepted"
	StatusInProgress Status = "in_progress"
	StatusResolved   Status = "resolved"
	StatusVerified   Status = "verified"
	StatusClosed     Status = "closed"
	StatusReturned   Status = "returned"
	StatusReassigned Status = "reassigned"
	StatusEscalated  Status = "escalated"
	StatusRejected   Status = "rejected"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusReported, StatusUnassigned, StatusAssigned, StatusAccepted, StatusInProgress, StatusResolved,
	StatusVerified, StatusClosed, StatusReturned, StatusReassigned, StatusEscalated, StatusRejected,
}

// transitions: from each status, the statuses a report may move to. closed
// and rejected are final.
var transitions = map[Status][]Status{
	StatusReported:   {StatusAssigned, StatusUnassigned, StatusRejected},
	StatusUnassigned: {StatusAssigned, StatusRejected},
	StatusAssigned:   {StatusAccepted, StatusReturned, StatusReassigned, StatusEscalated, StatusRejected},
	StatusReassigned: {StatusAccepted, StatusReturned, StatusReassigned, StatusEscalated, StatusRejected},
	StatusEscalated:  {StatusAccepted, StatusReturned, StatusReassigned, StatusEscalated, StatusRejected},
	StatusReturned:   {StatusAssigned, StatusReassigned, StatusRejected},
	StatusAccepted:   {StatusInProgress, StatusReturned, StatusReassigned, StatusEscalated},
	StatusInProgress: {StatusResolved, StatusReturned, StatusReassigned, StatusEscalated},
	StatusResolved:   {StatusVerified, StatusInProgress}, // verification failed: back to work
	StatusVerified:   {StatusClosed},
	StatusClosed:     nil,
	StatusRejected:   nil,
}

// ParseStatus checks a status name.
func ParseStatus(s string) (Status, bool) {
	_, ok := transitions[Status(s)]
	return Status(s), ok
}

// Allowed returns the statuses a report in status from may move to.
func Allowed(from Status) []Status { return transitions[from] }

// CanMove reports whether from → to is an allowed transition.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Open reports whether s counts as open work: not resolved, verified, closed
// or rejected. Open reports can be overdue.
func (s Status) Open() bool {
	switch s {
	case StatusResolved, StatusVerified, StatusClosed, StatusRejected:
		return false
	}
	return true
}

// TransitionError is a move the lifecycle does not allow; Allowed lists the
// moves it does allow from From.
type TransitionError struct {
	From, To Status
	Allowed  []Status
}

func (e *TransitionError) Error() string {
	if len(e.Allowed) == 0 {
		return fmt.Sprintf("a %s report cannot change any more", e.From)
	}
	names := make([]string, len(e.Allowed))
	for i, s := range e.Allowed {
		names[i] = string(s)
	}
	return fmt.Sprintf("cannot go from %s to %s; allowed: %s", e.From, e.To, strings.Join(names, ", "))
}

// Unwrap lets errors.Is(err, ErrConflict) hold.
func (e *TransitionError) Unwrap() error { return ErrConflict }

// Change is one move of a report.
type Change struct {
	To   Status
	Note string
	By   string
	At   time.Time
	// Place is the new grid for assigned and reassigned (required for them).
	Place *Placement
	// Assignee is the new team for escalated (required for it).
	Assignee *Assignee
}

// Apply checks that r may make the change and makes it: the status, the grid
// (assigned, reassigned) or team (escalated), the resolution and done times,
// and one new event. It returns a *TransitionError for a move the lifecycle
// does not allow and leaves r untouched on any error.
func (r *Report) Apply(ch Change) error {
	if !CanMove(r.Status, ch.To) {
		return &TransitionError{From: r.Status, To: ch.To, Allowed: Allowed(r.Status)}
	}
	ev := Event{At: ch.At, By: ch.By, From: r.Status, To: ch.To, Note: ch.Note}
	switch ch.To {
	case StatusAssigned, StatusReassigned:
		if ch.Place == nil || ch.Place.Grid == nil {
			return fmt.Errorf("%w: %s needs a grid", ErrInvalidChange, ch.To)
		}
		r.place(*ch.Place)
		ev.Grid = ch.Place.Grid.Code
	case StatusEscalated:
		if ch.Assignee == nil {
			return fmt.Errorf("%w: escalated needs the team of a level up", ErrInvalidChange)
		}
		r.Assignee = ch.Assignee
		ev.Grid = ch.Assignee.Grid.Code
	case StatusResolved:
		r.ResolvedAt = ch.At
	case StatusInProgress:
		r.ResolvedAt = time.Time{} // reopened after a failed verification
	}
	if ch.To.Open() {
		r.DoneAt = time.Time{}
	} else if r.DoneAt.IsZero() {
		r.DoneAt = ch.At
	}
	r.Status = ch.To
	r.UpdatedAt = ch.At
	r.Events = append(r.Events, ev)
	return nil
}

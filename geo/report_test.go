package geo

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// reportIndex: a district 0..4 × 0..2 whose west street holds a community
// cut into two grids. Teams: the district (a leader), the community (a
// secretary, as demo communities have), grid G1 (a leader); G2 and both
// streets name none.
func reportIndex(t testing.TB) *Index {
	t.Helper()
	rows := []struct {
		code, level, parent, wkt string
		attrs                    map[string]any
	}{
		{"D", "district", "", "POLYGON((0 0,4 0,4 2,0 2,0 0))", map[string]any{"leader": "区长", "leader_phone": "13900000000"}},
		{"S1", "street", "D", "POLYGON((0 0,2 0,2 2,0 2,0 0))", nil},
		{"S2", "street", "D", "POLYGON((2 0,4 0,4 2,2 2,2 0))", nil},
		{"C1", "community", "S1", "POLYGON((0 0,2 0,2 1,0 1,0 0))", map[string]any{"secretary": "书记", "secretary_phone": "13700000000"}},
		{"G1", "grid", "C1", "POLYGON((0 0,1 0,1 1,0 1,0 0))", map[string]any{"leader": "格长", "leader_phone": "13800000000", "members": float64(5)}},
		{"G2", "grid", "C1", "POLYGON((1 0,2 0,2 1,1 1,1 0))", map[string]any{"households": float64(300)}},
	}
	s := &Set{Layer: DefaultLayer, Levels: DefaultLevels, Version: 7}
	for _, r := range rows {
		s.Grids = append(s.Grids, Grid{Code: r.code, Name: "name of " + r.code, Level: r.level, Parent: r.parent,
			Geometry: mustWKT(t, r.wkt), Attrs: r.attrs})
	}
	if _, err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

var t0 = time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)

func newTestReport(t *testing.T, ix *Index, p orb.Point, cat Category) *Report {
	t.Helper()
	pl, err := ix.Place(p)
	if err != nil {
		t.Fatalf("Place(%v): %v", p, err)
	}
	return NewReport(Intake{Point: p, Category: cat, Title: "t", By: "reporter:x", CreatedBy: "3"}, pl, t0)
}

func TestNewReport(t *testing.T) {
	ix := reportIndex(t)
	general, _ := DefaultCategories.Find("general")
	tests := []struct {
		name           string
		p              orb.Point
		status         Status
		grid, team     string
		leader, phone  string
		path           string
		boundaryVerson int64
	}{
		{"grid with a leader", orb.Point{0.5, 0.5}, StatusAssigned, "G1", "G1", "格长", "13800000000", "D/S1/C1/G1", 7},
		{"grid without one: the community's secretary", orb.Point{1.5, 0.5}, StatusAssigned, "G2", "C1", "书记", "13700000000", "D/S1/C1/G2", 7},
		{"street without grids: the district's leader", orb.Point{3, 1}, StatusAssigned, "S2", "D", "区长", "13900000000", "D/S2", 7},
		{"shared edge: one owner", orb.Point{1, 0.5}, StatusAssigned, "G1", "G1", "格长", "13800000000", "D/S1/C1/G1", 7},
		{"outside every grid", orb.Point{5, 5}, StatusUnassigned, "", "", "", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestReport(t, ix, tt.p, general)
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s", r.Status, tt.status)
			}
			var grid, team, leader, phone string
			if r.Grid != nil {
				grid = r.Grid.Code
			}
			if r.Assignee != nil {
				team, leader, phone = r.Assignee.Grid.Code, r.Assignee.Leader, r.Assignee.Phone
			}
			if grid != tt.grid || team != tt.team || leader != tt.leader || phone != tt.phone {
				t.Errorf("grid %q team %q leader %q phone %q, want %q %q %q %q", grid, team, leader, phone, tt.grid, tt.team, tt.leader, tt.phone)
			}
			var path []string
			for _, g := range r.Path {
				path = append(path, g.Code)
			}
			if got := strings.Join(path, "/"); got != tt.path {
				t.Errorf("path = %s, want %s", got, tt.path)
			}
			if r.BoundaryVersion != tt.boundaryVerson {
				t.Errorf("boundary version = %d, want %d", r.BoundaryVersion, tt.boundaryVerson)
			}
			if len(r.Events) != 2 || r.Events[0].From != "" || r.Events[0].To != StatusReported ||
				r.Events[1].From != StatusReported || r.Events[1].To != tt.status || r.Events[1].Grid != tt.grid {
				t.Errorf("events = %+v, want reported then %s", r.Events, tt.status)
			}
			if !r.DueAt.Equal(t0.Add(7 * 24 * time.Hour)) {
				t.Errorf("due %v, want 7 days after %v", r.DueAt, t0)
			}
		})
	}
	if r := newTestReport(t, ix, orb.Point{0.5, 0.5}, DefaultCategories[0]); !r.DueAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("emergency due %v, want 2 h after %v", r.DueAt, t0)
	}
	if _, err := ix.Place(orb.Point{200, 0}); !errors.Is(err, ErrInvalidPoint) {
		t.Errorf("Place(200,0) error = %v, want ErrInvalidPoint", err)
	}
}

func TestTransitions(t *testing.T) {
	// Every pair of statuses: allowed exactly when the table says so, and a
	// refused move names the allowed ones and leaves the report alone.
	allowed := map[Status]string{
		StatusReported:   "assigned unassigned rejected",
		StatusUnassigned: "assigned rejected",
		StatusAssigned:   "accepted returned reassigned escalated rejected",
		StatusReassigned: "accepted returned reassigned escalated rejected",
		StatusEscalated:  "accepted returned reassigned escalated rejected",
		StatusReturned:   "assigned reassigned rejected",
		StatusAccepted:   "in_progress returned reassigned escalated",
		StatusInProgress: "resolved returned reassigned escalated",
		StatusResolved:   "verified in_progress",
		StatusVerified:   "closed",
		StatusClosed:     "",
		StatusRejected:   "",
	}
	ix := reportIndex(t)
	pl, _ := ix.PlaceIn("G1")
	team, _ := ix.EscalationTarget(&Report{Path: pl.Path, Assignee: pl.Assignee})
	for _, from := range Statuses {
		want := strings.Fields(allowed[from])
		for _, to := range Statuses {
			name := string(from) + "→" + string(to)
			t.Run(name, func(t *testing.T) {
				r := &Report{Status: from, Grid: pl.Grid, Path: pl.Path, Assignee: pl.Assignee}
				err := r.Apply(Change{To: to, At: t0, By: "test", Place: &pl, Assignee: team})
				ok := slices.Contains(want, string(to))
				if ok != (err == nil) {
					t.Fatalf("Apply(%s) = %v, want allowed %v", name, err, ok)
				}
				if ok {
					if r.Status != to || len(r.Events) != 1 || r.Events[0].From != from || r.Events[0].To != to {
						t.Errorf("after %s: status %s, events %+v", name, r.Status, r.Events)
					}
					return
				}
				var te *TransitionError
				if !errors.As(err, &te) || !errors.Is(err, ErrConflict) {
					t.Fatalf("Apply(%s) error %v is not a *TransitionError wrapping ErrConflict", name, err)
				}
				if got := strings.Join(statusStrings(te.Allowed), " "); got != allowed[from] {
					t.Errorf("allowed from %s = %q, want %q", from, got, allowed[from])
				}
				if r.Status != from || len(r.Events) != 0 {
					t.Errorf("a refused move changed the report: %s, %d events", r.Status, len(r.Events))
				}
			})
		}
	}
}

func statusStrings(ss []Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

func TestLifecycleTimes(t *testing.T) {
	ix := reportIndex(t)
	general, _ := DefaultCategories.Find("general")
	r := newTestReport(t, ix, orb.Point{0.5, 0.5}, general)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	steps := []struct {
		to               Status
		resolved, done   bool
		overdueAt200h    bool
		assigneeAfterEsc string
	}{
		{StatusAccepted, false, false, true, ""},
		{StatusInProgress, false, false, true, ""},
		{StatusResolved, true, true, false, ""},
		{StatusInProgress, false, false, true, ""}, // verification failed
		{StatusEscalated, false, false, true, "C1"},
		{StatusAccepted, false, false, true, ""},
		{StatusInProgress, false, false, true, ""},
		{StatusResolved, true, true, false, ""},
		{StatusVerified, true, true, false, ""},
		{StatusClosed, true, true, false, ""},
	}
	for k, st := range steps {
		ch := Change{To: st.to, At: at(k + 1), By: "worker:x"}
		if st.to == StatusEscalated {
			a, err := ix.EscalationTarget(r)
			if err != nil {
				t.Fatal(err)
			}
			ch.Assignee = a
		}
		if err := r.Apply(ch); err != nil {
			t.Fatalf("step %d → %s: %v", k, st.to, err)
		}
		if !r.ResolvedAt.IsZero() != st.resolved || !r.DoneAt.IsZero() != st.done {
			t.Errorf("after → %s: resolved_at %v done_at %v, want set %v %v", st.to, r.ResolvedAt, r.DoneAt, st.resolved, st.done)
		}
		if got := r.Overdue(t0.Add(200 * time.Hour)); got != st.overdueAt200h {
			t.Errorf("after → %s: overdue 200 h later = %v, want %v", st.to, got, st.overdueAt200h)
		}
		if st.assigneeAfterEsc != "" && r.Assignee.Grid.Code != st.assigneeAfterEsc {
			t.Errorf("escalated to %s, want %s", r.Assignee.Grid.Code, st.assigneeAfterEsc)
		}
	}
	if len(r.Events) != 2+len(steps) {
		t.Errorf("%d events, want %d", len(r.Events), 2+len(steps))
	}
	if !r.ResolvedAt.Equal(at(8)) || !r.DoneAt.Equal(at(8)) {
		t.Errorf("resolved_at %v done_at %v, want both at the second resolution %v", r.ResolvedAt, r.DoneAt, at(8))
	}
	// Rejected is done without a resolution.
	rej := newTestReport(t, ix, orb.Point{0.5, 0.5}, general)
	if err := rej.Apply(Change{To: StatusRejected, At: at(1)}); err != nil || rej.DoneAt.IsZero() || !rej.ResolvedAt.IsZero() {
		t.Errorf("rejected: %v, done %v resolved %v", err, rej.DoneAt, rej.ResolvedAt)
	}
	// assigned and reassigned need a grid; escalated a team.
	un := newTestReport(t, ix, orb.Point{9, 9}, general)
	if err := un.Apply(Change{To: StatusAssigned, At: at(1)}); !errors.Is(err, ErrInvalidChange) {
		t.Errorf("assigned without a grid: %v, want ErrInvalidChange", err)
	}
	as := newTestReport(t, ix, orb.Point{0.5, 0.5}, general)
	if err := as.Apply(Change{To: StatusEscalated, At: at(1)}); !errors.Is(err, ErrInvalidChange) {
		t.Errorf("escalated without a team: %v, want ErrInvalidChange", err)
	}
	pl, _ := ix.PlaceIn("S2")
	if err := un.Apply(Change{To: StatusAssigned, At: at(1), Place: &pl}); err != nil || un.Grid.Code != "S2" || un.BoundaryVersion != 7 {
		t.Errorf("assign to S2: %v, grid %v", err, un.Grid)
	}
}

func TestEscalationTarget(t *testing.T) {
	ix := reportIndex(t)
	tests := []struct {
		p    orb.Point
		from string // the team before
		want string // "" for none
	}{
		{orb.Point{0.5, 0.5}, "G1", "C1"},
		{orb.Point{0.5, 0.5}, "C1", "D"}, // S1 names no team
		{orb.Point{0.5, 0.5}, "D", ""},
		{orb.Point{3, 1}, "D", ""},
	}
	for _, tt := range tests {
		pl, _ := ix.Place(tt.p)
		r := &Report{Path: pl.Path, Grid: pl.Grid}
		from, _ := ix.PlaceIn(tt.from)
		r.Assignee = ix.team(mustLookup(t, ix, from.Grid.Code))
		a, err := ix.EscalationTarget(r)
		switch {
		case tt.want == "" && !errors.Is(err, ErrConflict):
			t.Errorf("escalate %v from %s: %v, want ErrConflict", tt.p, tt.from, err)
		case tt.want != "" && (err != nil || a.Grid.Code != tt.want):
			t.Errorf("escalate %v from %s = %v, %v; want %s", tt.p, tt.from, a, err, tt.want)
		}
	}
	if _, err := ix.EscalationTarget(&Report{}); !errors.Is(err, ErrConflict) {
		t.Errorf("escalate an unassigned report: %v, want ErrConflict", err)
	}
}

func mustLookup(t *testing.T, ix *Index, code string) int32 {
	i, ok := ix.Lookup(code)
	if !ok {
		t.Fatalf("no grid %s", code)
	}
	return i
}

func TestParseCategories(t *testing.T) {
	good := []struct{ in, want string }{
		{"emergency=2h,utilities=24h,general=7d,complex=15d", "emergency=2h0m0s,utilities=1d,general=7d,complex=15d"},
		{" a=90m , b=1d ", "a=1h30m0s,b=1d"},
	}
	for _, tt := range good {
		cs, err := ParseCategories(tt.in)
		if err != nil || cs.String() != tt.want {
			t.Errorf("ParseCategories(%q) = %v, %v; want %s", tt.in, cs, err, tt.want)
		}
	}
	bad := []string{"", "a", "a=", "a=0h", "a=-1h", "a=xd", "A=1h", "a=1h,a=2h", "a b=1h", strings.Repeat("x", 33) + "=1h"}
	for _, in := range bad {
		if cs, err := ParseCategories(in); err == nil {
			t.Errorf("ParseCategories(%q) = %v, want an error", in, cs)
		}
	}
	if DefaultCategories.String() != "emergency=2h0m0s,utilities=1d,general=7d,complex=15d" {
		t.Errorf("defaults = %s", DefaultCategories)
	}
	if round, err := ParseCategories(DefaultCategories.String()); err != nil || !slices.Equal(round, DefaultCategories) {
		t.Errorf("defaults do not round-trip: %v %v", round, err)
	}
}

func TestMask(t *testing.T) {
	phones := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+8613812345678", "+86*******5678"},
		{"010-1234567", "010****4567"},
		{"1234567", "*****67"},
		{"12", "12"},
		{"", ""},
	}
	for _, tt := range phones {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	names := []struct{ in, want string }{{"王芳", "王*"}, {"欧阳娜娜", "欧***"}, {"王", "*"}, {"", ""}, {"Alice", "A****"}}
	for _, tt := range names {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPrincipal(t *testing.T) {
	ix := reportIndex(t)
	pl, _ := ix.Place(orb.Point{0.5, 0.5}) // D/S1/C1/G1
	r := &Report{Path: pl.Path, Grid: pl.Grid, CreatedBy: "9"}
	tests := []struct {
		p       Principal
		see     bool
		moves   string // the statuses it may move to, of accepted resolved verified reassigned rejected
		unmasks bool
	}{
		{Principal{TokenID: "1", Role: RoleAdmin}, true, "accepted resolved verified reassigned rejected", true},
		{Principal{TokenID: "2", Role: RoleDispatcher}, true, "accepted resolved verified reassigned rejected", true},
		{Principal{TokenID: "3", Role: RoleWorker, Grid: "C1"}, true, "accepted resolved", false},
		{Principal{TokenID: "4", Role: RoleWorker, Grid: "G1"}, true, "accepted resolved", false},
		{Principal{TokenID: "5", Role: RoleWorker, Grid: "G2"}, false, "accepted resolved", false},
		{Principal{TokenID: "6", Role: RoleWorker}, false, "accepted resolved", false},
		{Principal{TokenID: "9", Role: RoleReporter}, true, "", false},
		{Principal{TokenID: "8", Role: RoleReporter}, false, "", false},
		{Principal{Role: RoleReporter}, false, "", false},
	}
	for _, tt := range tests {
		if got := tt.p.CanSee(r); got != tt.see {
			t.Errorf("%+v CanSee = %v, want %v", tt.p, got, tt.see)
		}
		var moves []string
		for _, to := range []Status{StatusAccepted, StatusResolved, StatusVerified, StatusReassigned, StatusRejected} {
			if tt.p.MayMove(to) {
				moves = append(moves, string(to))
			}
		}
		if got := strings.Join(moves, " "); got != tt.moves {
			t.Errorf("%+v MayMove: %q, want %q", tt.p, got, tt.moves)
		}
		if got := tt.p.SeesPersonalData(); got != tt.unmasks {
			t.Errorf("%+v SeesPersonalData = %v", tt.p, got)
		}
	}
	if l := (Principal{TokenID: "4", Role: RoleWorker, Name: "张三"}).Label(); l != "worker:张三" {
		t.Errorf("Label = %q", l)
	}
	if l := (Principal{TokenID: "4", Role: RoleWorker}).Label(); l != "worker#4" {
		t.Errorf("Label = %q", l)
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("ParseRole(root) succeeded")
	}
}

func TestReportFigures(t *testing.T) {
	var f ReportFigures
	if _, ok := f.MedianHours(); ok {
		t.Error("median of nothing")
	}
	if _, ok := f.OnTimeRate(); ok {
		t.Error("on-time rate of nothing")
	}
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	f.AddResolved(h(0), h(10), h(4))  // 4 h, on time
	f.AddResolved(h(0), h(10), h(10)) // 10 h, on time (at the deadline)
	f.AddResolved(h(0), h(10), h(30)) // 30 h, late
	if m, _ := f.MedianHours(); m != 10 {
		t.Errorf("median = %v, want 10", m)
	}
	if r, _ := f.OnTimeRate(); r != 2.0/3 {
		t.Errorf("on-time rate = %v, want 2/3", r)
	}
	var g ReportFigures
	g.AddResolved(h(0), h(10), h(6))
	g.AddReceived(StatusClosed)
	g.AddOverdue()
	f.Merge(&g)
	if m, _ := f.MedianHours(); m != 8 || f.Resolved != 4 || f.Received != 1 || f.ByStatus[StatusClosed] != 1 || f.OverdueNow != 1 {
		t.Errorf("merged: median %v, %+v", m, f)
	}
}

package geo

import (
	"fmt"

	"github.com/paulmach/orb"
)

// Placement is where a report falls under one boundary version: the owning
// grid, its chain and the team responsible. Grid is nil outside every grid.
type Placement struct {
	Grid     *GridRef
	Path     []GridRef // root first, ending with Grid
	Assignee *Assignee
	Version  int64 // the boundary version
}

func (pl Placement) note() string {
	if pl.Grid == nil {
		return ""
	}
	if pl.Assignee == nil {
		return fmt.Sprintf("to %s %s; no team is named up the chain", pl.Grid.Code, pl.Grid.Name)
	}
	return fmt.Sprintf("to %s %s, team of %s", pl.Grid.Code, pl.Grid.Name, pl.Assignee.Grid.Code)
}

// Place finds the finest grid covering p (WGS-84; a point on a shared edge
// goes to one grid by the ownership rule) and its team. No nearest-grid
// fallback: a point outside every grid is outside. It returns
// ErrInvalidPoint for a bad point.
func (ix *Index) Place(p orb.Point) (Placement, error) {
	res, err := ix.Locate(p, LocateOptions{})
	if err != nil {
		return Placement{}, err
	}
	if res.Owner < 0 {
		return Placement{Version: ix.set.Version}, nil
	}
	return ix.placement(res.Owner), nil
}

// PlaceIn is the placement in the grid named code, for a dispatcher who
// chooses the grid. It returns an error wrapping ErrNotFound for an unknown
// code.
func (ix *Index) PlaceIn(code string) (Placement, error) {
	i, ok := ix.Lookup(code)
	if !ok {
		return Placement{}, fmt.Errorf("grid %q: %w", code, ErrNotFound)
	}
	return ix.placement(i), nil
}

func (ix *Index) placement(i int32) Placement {
	path := ix.Path(i)
	pl := Placement{Path: make([]GridRef, len(path)), Version: ix.set.Version}
	for k, a := range path {
		pl.Path[k] = ix.ref(a)
	}
	pl.Grid = &pl.Path[len(pl.Path)-1]
	for k := len(path) - 1; k >= 0 && pl.Assignee == nil; k-- {
		pl.Assignee = ix.team(path[k])
	}
	return pl
}

func (ix *Index) ref(i int32) GridRef {
	g := ix.Grid(i)
	return GridRef{Code: g.Code, Name: g.Name, Level: g.Level}
}

// team reads the team named in grid i's attributes, nil when there is none.
// A leader is the "leader" attribute (or "secretary", as communities name
// theirs), the phone "leader_phone" (or "secretary_phone"), the team "team";
// "members" is kept as the attributes hold it.
func (ix *Index) team(i int32) *Assignee {
	attrs := ix.Grid(i).Attrs
	str := func(keys ...string) string {
		for _, k := range keys {
			if s, ok := attrs[k].(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	a := &Assignee{Grid: ix.ref(i), Leader: str("leader", "secretary"), Phone: str("leader_phone", "secretary_phone"), Team: str("team")}
	if a.Leader == "" && a.Team == "" {
		return nil
	}
	a.Members = attrs["members"]
	return a
}

// EscalationTarget returns the team a report escalates to: the nearest grid
// above the report's current team, along the path it was assigned under,
// that names a team in ix. It returns an error wrapping ErrConflict when
// there is none (the report is at the top, or the grids above are not in ix).
func (ix *Index) EscalationTarget(r *Report) (*Assignee, error) {
	from := len(r.Path) // no team: start at the owning grid
	if r.Assignee != nil {
		for k, g := range r.Path {
			if g.Code == r.Assignee.Grid.Code {
				from = k
			}
		}
	}
	for k := from - 1; k >= 0; k-- {
		if i, ok := ix.Lookup(r.Path[k].Code); ok {
			if a := ix.team(i); a != nil {
				return a, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: no team above %s to escalate to", ErrConflict, r.teamGrid())
}

func (r *Report) teamGrid() string {
	if r.Assignee != nil {
		return r.Assignee.Grid.Code
	}
	if r.Grid != nil {
		return r.Grid.Code
	}
	return "an unassigned report"
}

package data

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/wangge/wangge/geo"
)

// maxMerge: reports under at most this many placements are read placement
// by placement (see ListReports).
const maxMerge = 64

// ListReports returns the reports f selects, newest first (CreatedAt, then
// ID), at most f.Limit of them (100 when 0), with their events.
//
// The reports of one placement (a grid, its names and team) come in order
// from the index on (placement_id, created_at). A grid or a subtree is a set
// of placements (a prefix range of their gpath); when it is a small set
// (every grid of a community, say) each placement is read in order up to
// the limit and the runs are merged, so a page costs the same whatever the
// subtree holds. Larger sets are read through the index on created_at,
// newest first, keeping the reports of the set.
func (s *Reports) ListReports(ctx context.Context, f geo.ReportFilter) ([]*geo.Report, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	order := "ORDER BY created_at DESC, id DESC LIMIT " + strconv.Itoa(limit)
	w := reportFilter(f)
	var ids []int64
	if len(f.Grid) > 0 {
		var err error
		if ids, err = s.placementsUnder(ctx, f.Grid, f.Descendants); err != nil {
			return nil, fmt.Errorf("list reports: %w", err)
		}
		switch {
		case ids == nil:
			w.path(f.Grid, f.Descendants)
		case len(ids) == 0:
			return nil, nil
		}
	}
	query, args := `SELECT id, `+reportColumns+` FROM reports `+w.String()+` `+order, w.args
	if len(ids) > 0 {
		query, args = mergeQuery(ids, w, order)
	}
	rs, err := s.readReportsQuery(ctx, s.db, query, args)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	return rs, nil
}

// mergeQuery reads each placement's newest reports in index order and
// merges them: SQLite merges the ordered runs of a UNION ALL.
func mergeQuery(ids []int64, w where, order string) (string, []any) {
	var b strings.Builder
	var args []any
	b.WriteString(`SELECT id, ` + reportColumns + ` FROM (`)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		one := where{conds: append([]string{"placement_id = ?"}, w.conds...)}
		// Every subquery named: PostgreSQL before 16 requires it.
		b.WriteString(`SELECT * FROM (SELECT id, ` + reportColumns + ` FROM reports ` + one.String() + ` ` + order + `) AS p` + strconv.Itoa(i))
		args = append(append(args, id), w.args...)
	}
	b.WriteString(`) AS merged ` + order)
	return b.String(), args
}

// placementsUnder lists the placements of the grid at path, or of its whole
// subtree; nil when there are more than maxMerge.
func (s *Reports) placementsUnder(ctx context.Context, path []geo.GridRef, descendants bool) ([]int64, error) {
	var w where
	w.placementPath(path, descendants)
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM report_placements `+w.String()+` LIMIT `+strconv.Itoa(maxMerge+1), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if len(ids) > maxMerge {
		return nil, rows.Err()
	}
	return ids, rows.Err()
}

// reportFilter is the WHERE clause of f but for f.Grid.
func reportFilter(f geo.ReportFilter) where {
	var w where
	if len(f.Within) > 0 {
		w.path(f.Within, true)
	}
	if f.CreatedBy != "" {
		w.add("created_by = ?", f.CreatedBy)
	}
	if len(f.Statuses) > 0 {
		args := make([]any, len(f.Statuses))
		for i, st := range f.Statuses {
			args[i] = string(st)
		}
		w.add("status IN ("+placeholders(len(args))+")", args...)
	}
	if len(f.Categories) > 0 {
		args := make([]any, len(f.Categories))
		for i, c := range f.Categories {
			args[i] = c
		}
		w.add("category IN ("+placeholders(len(args))+")", args...)
	}
	if f.Overdue != nil {
		if *f.Overdue {
			w.add("done_at IS NULL AND due_at < ?", ms(f.Now))
		} else {
			w.add("(done_at IS NOT NULL OR due_at >= ?)", ms(f.Now))
		}
	}
	if !f.From.IsZero() {
		w.add("created_at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		w.add("created_at < ?", ms(f.To))
	}
	if f.BBox != nil {
		w.add("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?", f.BBox.Min[0], f.BBox.Max[0], f.BBox.Min[1], f.BBox.Max[1])
	}
	if f.After != nil {
		at := ms(f.After.CreatedAt)
		w.add("created_at <= ? AND (created_at < ? OR id < ?)", at, at, f.After.ID)
	}
	return w
}

// OpenReportsNotIn returns open reports (neither resolved nor rejected) that
// were not placed under boundary version: assigned under another version,
// or unassigned. They are the candidates for "moved" reports. At most limit,
// in id order after afterID.
func (s *Reports) OpenReportsNotIn(ctx context.Context, version, afterID int64, limit int) ([]*geo.Report, error) {
	rs, err := s.readReports(ctx, s.db, `WHERE done_at IS NULL AND (boundary_version IS NULL OR boundary_version <> ?) AND id > ?`,
		[]any{version, afterID}, "ORDER BY id LIMIT "+strconv.Itoa(limit))
	if err != nil {
		return nil, fmt.Errorf("open reports: %w", err)
	}
	return rs, nil
}

// ReportStats computes the figures per grid at f.Level: received (created
// in [From, To)) by current status, resolved in [From, To) with on-time
// rate and median time, and overdue now (whenever received).
func (s *Reports) ReportStats(ctx context.Context, f geo.StatsFilter) (*geo.ReportStats, error) {
	out := &geo.ReportStats{Grids: map[string]*geo.ReportFigures{}}
	figures := func(gp string) *geo.ReportFigures {
		code, ok := codeAt(gp, f.Level)
		if !ok {
			return nil
		}
		g := out.Grids[code]
		if g == nil {
			g = new(geo.ReportFigures)
			out.Grids[code] = g
		}
		return g
	}
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !f.From.IsZero() {
		from = ms(f.From)
	}
	if !f.To.IsZero() {
		to = ms(f.To)
	}
	scope := func(w *where) {
		if len(f.Within) > 0 {
			w.path(f.Within, true)
		}
	}

	var w where
	w.add("created_at >= ? AND created_at < ?", from, to)
	scope(&w)
	err := s.scan(ctx, `SELECT coalesce(p.gpath, ''), status FROM reports LEFT JOIN report_placements p ON p.id = placement_id `+w.String(), w.args, func(gp string, v []any) {
		st := geo.Status(*v[0].(*string))
		out.Total.AddReceived(st)
		if g := figures(gp); g != nil {
			g.AddReceived(st)
		}
	}, new(string))
	if err != nil {
		return nil, err
	}

	w = where{}
	w.add("resolved_at >= ? AND resolved_at < ?", from, to)
	scope(&w)
	err = s.scan(ctx, `SELECT coalesce(p.gpath, ''), created_at, due_at, resolved_at FROM reports LEFT JOIN report_placements p ON p.id = placement_id `+w.String(), w.args, func(gp string, v []any) {
		c, d, r := fromMS(*v[0].(*int64)), fromMS(*v[1].(*int64)), fromMS(*v[2].(*int64))
		out.Total.AddResolved(c, d, r)
		if g := figures(gp); g != nil {
			g.AddResolved(c, d, r)
		}
	}, new(int64), new(int64), new(int64))
	if err != nil {
		return nil, err
	}

	w = where{}
	w.add("done_at IS NULL AND due_at < ?", ms(f.Now))
	scope(&w)
	err = s.scan(ctx, `SELECT coalesce(p.gpath, '') FROM reports LEFT JOIN report_placements p ON p.id = placement_id `+w.String(), w.args, func(gp string, _ []any) {
		out.Total.AddOverdue()
		if g := figures(gp); g != nil {
			g.AddOverdue()
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scan runs query and calls fn with each row's gpath and the other columns
// scanned into dest.
func (s *Reports) scan(ctx context.Context, query string, args []any, fn func(gpath string, dest []any), dest ...any) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("report stats: %w", err)
	}
	defer rows.Close()
	var gp string
	all := append([]any{&gp}, dest...)
	for rows.Next() {
		if err := rows.Scan(all...); err != nil {
			return fmt.Errorf("report stats: %w", err)
		}
		fn(gp, dest)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report stats: %w", err)
	}
	return nil
}

// Audit appends e to the audit log; it is durable when Audit returns.
func (s *Reports) Audit(ctx context.Context, e geo.AuditEntry) error {
	ids := make([]string, len(e.ReportIDs))
	for i, id := range e.ReportIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	err := s.w.do(ctx, func(b *batch) error {
		_, err := b.exec(`INSERT INTO audit_log(at, token_id, role, name, action, report_ids, request_id, remote)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ms(e.At), e.By.TokenID, string(e.By.Role), e.By.Name, e.Action,
			strings.Join(ids, ","), e.RequestID, e.Remote)
		return err
	})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog reads the audit log from entry afterID on, oldest first, at most
// limit entries.
func (s *Reports) AuditLog(ctx context.Context, afterID int64, limit int) ([]geo.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, token_id, role, name, action, report_ids, request_id, remote
		FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []geo.AuditEntry
	for rows.Next() {
		var a geo.AuditEntry
		var at int64
		var role, ids string
		if err := rows.Scan(&a.ID, &at, &a.By.TokenID, &role, &a.By.Name, &a.Action, &ids, &a.RequestID, &a.Remote); err != nil {
			return nil, err
		}
		a.At, a.By.Role = fromMS(at), geo.Role(role)
		for _, s := range strings.Split(ids, ",") {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				a.ReportIDs = append(a.ReportIDs, id)
			}
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// where builds a WHERE clause.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// path selects reports placed under path (root first): in that grid, or
// with descendants in its whole subtree.
func (w *where) path(path []geo.GridRef, descendants bool) {
	var sub where
	sub.placementPath(path, descendants)
	w.add("placement_id IN (SELECT id FROM report_placements "+sub.String()+")", sub.args...)
}

// placementPath selects placements of the grid at path, or of its subtree:
// every gpath in the subtree starts with the grid's, which ends in 0x1f; the
// strings starting with it are those in [p, p with its last byte 0x20).
func (w *where) placementPath(path []geo.GridRef, descendants bool) {
	p := gpath(path)
	if !descendants {
		w.add("gpath = ?", p)
		return
	}
	w.add("gpath >= ? AND gpath < ?", p, p[:len(p)-1]+"\x20")
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(w.conds, " AND ")
}

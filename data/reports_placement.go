package data

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"

	"github.com/wangge/wangge/geo"
)

// placement is the stored form of where a report is: its grid's path and
// team, as one row of report_placements that every report of that grid
// (with that team, under those names) shares. The id is a hash of the
// content, so the same placement always gets the same id and rows never
// change.
type placement struct {
	id    int64 // 0: unassigned, no row
	gpath string
	data  string
}

// placementData is the JSON of report_placements.data.
type placementData struct {
	Path     []geo.GridRef `json:"path"`
	Assignee *geo.Assignee `json:"assignee"`
}

// encodePlacement makes the placement of r (id 0 when r is unassigned).
func encodePlacement(r *geo.Report) (placement, error) {
	if r.Grid == nil {
		return placement{}, nil
	}
	b, err := json.Marshal(placementData{Path: r.Path, Assignee: r.Assignee})
	if err != nil {
		return placement{}, fmt.Errorf("report placement: %w", err)
	}
	pl := placement{gpath: gpath(r.Path), data: string(b)}
	pl.id = placementID(pl.gpath, pl.data)
	return pl, nil
}

// placementID hashes a placement (FNV-1a, 64 bits, kept positive and non
// zero). A collision would be detected when the row is written.
func placementID(gpath, data string) int64 {
	h := fnv.New64a()
	h.Write([]byte(gpath))
	h.Write([]byte{0})
	h.Write([]byte(data))
	id := int64(h.Sum64() &^ (1 << 63))
	if id == 0 {
		id = 1
	}
	return id
}

// gpath encodes a path for prefix queries: "level\x1ecode\x1f" per grid,
// root first. The separators (ASCII record and unit separators) do not
// occur in real codes and levels.
func gpath(path []geo.GridRef) string {
	var b strings.Builder
	for _, g := range path {
		b.WriteString(g.Level)
		b.WriteByte(0x1e)
		b.WriteString(g.Code)
		b.WriteByte(0x1f)
	}
	return b.String()
}

// codeAt finds the code of the grid at level in an encoded path.
func codeAt(gp, level string) (string, bool) {
	for gp != "" {
		seg, rest, _ := strings.Cut(gp, "\x1f")
		lv, code, _ := strings.Cut(seg, "\x1e")
		if lv == level {
			return code, true
		}
		gp = rest
	}
	return "", false
}

// ensurePlacement writes pl's row in the batch's transaction unless it is
// known to be stored. A stored row with the same id and other content (a
// hash collision) is an error.
func (s *Reports) ensurePlacement(b *batch, pl placement) error {
	if pl.id == 0 || s.places.stored(pl.id) {
		return nil
	}
	var gp, data string
	err := b.queryRow(`SELECT gpath, data FROM report_placements WHERE id = ?`, pl.id).Scan(&gp, &data)
	switch {
	case err == nil:
		if gp != pl.gpath || data != pl.data {
			return fmt.Errorf("placement %d: hash collision between %q and %q", pl.id, data, pl.data)
		}
	case errors.Is(err, sql.ErrNoRows):
		// ON CONFLICT: another process may store the same placement at the
		// same time (PostgreSQL); the rows are equal (see placementID).
		if _, err := b.exec(`INSERT INTO report_placements(id, gpath, data) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`, pl.id, pl.gpath, pl.data); err != nil {
			return err
		}
	default:
		return err
	}
	// Known stored once the batch commits; dropped if this operation is
	// rolled back.
	b.onCommit = append(b.onCommit, func() { s.places.markStored(pl.id) })
	return nil
}

// storePlacement writes pl's row on PostgreSQL in a transaction of its
// own, before the report's, unless it is known to be stored: placements
// never change and are named by their content, so one stored for a report
// that then fails is harmless, and processes writing reports of the same
// grids at once never wait on each other's uncommitted placement rows
// (which, in group-committed transactions, deadlock). A stored row with
// the same id and other content (a hash collision) is an error.
func (s *Reports) storePlacement(ctx context.Context, pl placement) error {
	if pl.id == 0 || s.places.stored(pl.id) {
		return nil
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO report_placements(id, gpath, data) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`, pl.id, pl.gpath, pl.data)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		var gp, data string
		if err := s.db.QueryRowContext(ctx, `SELECT gpath, data FROM report_placements WHERE id = ?`, pl.id).Scan(&gp, &data); err != nil {
			return err
		}
		if gp != pl.gpath || data != pl.data {
			return fmt.Errorf("placement %d: hash collision between %q and %q", pl.id, data, pl.data)
		}
	}
	s.places.markStored(pl.id)
	return nil
}

// placementCache keeps decoded placements by id (rows never change, so an
// entry never goes stale) and which ids are stored. Decoded values are
// shared between reports and never modified (see geo.Report). It is safe
// for concurrent use.
type placementCache struct {
	mu      sync.Mutex
	decoded map[int64]placementData
	written map[int64]bool
}

// maxCachedPlacements bounds the cache; it is emptied when full.
const maxCachedPlacements = 1 << 16

func newPlacementCache() *placementCache {
	return &placementCache{decoded: map[int64]placementData{}, written: map[int64]bool{}}
}

func (c *placementCache) stored(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.written[id]
}

func (c *placementCache) markStored(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.written) >= maxCachedPlacements {
		clear(c.written)
	}
	c.written[id] = true
}

// resolve sets the grid, path and team of each report from its placement
// id (0 for none), reading the placements it does not know.
func (c *placementCache) resolve(ctx context.Context, q querier, rs []*geo.Report, pids []int64) error {
	var missing []int64
	c.mu.Lock()
	for _, id := range pids {
		if _, ok := c.decoded[id]; !ok && id != 0 {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) > 0 {
		got, err := readPlacements(ctx, q, missing)
		if err != nil {
			return err
		}
		c.mu.Lock()
		if len(c.decoded)+len(got) > maxCachedPlacements {
			clear(c.decoded)
		}
		for id, d := range got {
			c.decoded[id] = d
		}
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, r := range rs {
		if pids[i] == 0 {
			continue
		}
		d, ok := c.decoded[pids[i]]
		if !ok {
			return fmt.Errorf("report %d: placement %d is missing", r.ID, pids[i])
		}
		r.Path, r.Assignee = d.Path, d.Assignee
		if len(r.Path) > 0 {
			r.Grid = &r.Path[len(r.Path)-1]
		}
	}
	return nil
}

func readPlacements(ctx context.Context, q querier, ids []int64) (map[int64]placementData, error) {
	out := make(map[int64]placementData, len(ids))
	rows, err := q.QueryContext(ctx, `SELECT id, data FROM report_placements WHERE id IN (`+placeholders(len(ids))+`)`, int64s(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, err
		}
		var d placementData
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("placement %d: %w", id, err)
		}
		out[id] = d
	}
	return out, rows.Err()
}

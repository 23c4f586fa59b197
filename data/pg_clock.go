package data

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// DBClock is the database server's clock as seen from this process: the
// local clock plus the offset measured by Sync. Replicas that take "now"
// from it agree on what is overdue and when an event happened, whatever
// their own clocks say, without a database round trip per request.
// The zero value reads the local clock until the first Sync. Safe for
// concurrent use.
type DBClock struct {
	off   atomic.Int64     // nanoseconds to add to the local clock
	local func() time.Time // the local clock; nil: time.Now (a test shifts it)
}

func (c *DBClock) localNow() time.Time {
	if c.local != nil {
		return c.local()
	}
	return time.Now()
}

// Now returns the database's current time (to within half the round trip
// of the last Sync).
func (c *DBClock) Now() time.Time {
	return c.localNow().Add(time.Duration(c.off.Load()))
}

// Offset returns the offset the last Sync measured: database minus local.
func (c *DBClock) Offset() time.Duration { return time.Duration(c.off.Load()) }

// Sync reads PostgreSQL's clock_timestamp() and sets the offset to it minus
// the local time halfway through the round trip. It keeps the fastest of
// three round trips (the least uncertain) and returns that round trip.
func (c *DBClock) Sync(ctx context.Context, p *Postgres) (time.Duration, error) {
	best := time.Duration(-1)
	var off time.Duration
	for range 3 {
		var db time.Time
		start := c.localNow()
		if err := p.db.QueryRowContext(ctx, "SELECT clock_timestamp()").Scan(&db); err != nil {
			return 0, err
		}
		rtt := c.localNow().Sub(start)
		if best < 0 || rtt < best {
			best = rtt
			off = db.Sub(start.Add(rtt / 2))
		}
	}
	c.off.Store(int64(off))
	return best, nil
}

// Run syncs c every interval until ctx ends, logging failures (the last
// offset stays in use while the database is away).
func (c *DBClock) Run(ctx context.Context, p *Postgres, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := c.Sync(ctx, p); err != nil && ctx.Err() == nil {
				log.Warn("database clock sync failed; keeping the last offset", "err", err, "offset", c.Offset())
			}
		}
	}
}

package data

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// VersionNotices listens on the versionChannel, on a connection of its own,
// until ctx ends, and sends on the returned channel whenever some process
// (a replica's PUT /v1/grids, a wangge import grids) made a new boundary
// version current or wrote sites, and each time the listening connection is (re)made,
// since notices sent while it was down are lost. Notices that arrive
// before the last is taken are merged into one: the receiver is to read
// the current version (CurrentVersion) and act on that. When the server is
// unreachable it tries again every second.
func (p *Postgres) VersionNotices(ctx context.Context) <-chan struct{} {
	out := make(chan struct{}, 1)
	signal := func() {
		select {
		case out <- struct{}{}:
		default:
		}
	}
	go func() {
		for ctx.Err() == nil {
			p.listen(ctx, signal)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	return out
}

// SitesVersion counts the writes of sites to the database (SaveSites):
// a server that read the sites when it was n has them all while it is n.
func (p *Postgres) SitesVersion(ctx context.Context) (int64, error) {
	var n int64
	err := p.queryRow(ctx, `SELECT n FROM change_counters WHERE name = 'sites'`).Scan(&n)
	return n, err
}

// listen holds one LISTEN connection until it fails or ctx ends.
func (p *Postgres) listen(ctx context.Context, signal func()) {
	conn, err := pgx.ConnectConfig(ctx, p.cfg)
	if err != nil {
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+versionChannel); err != nil {
		return
	}
	signal() // anything missed while not listening
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return
		}
		signal()
	}
}

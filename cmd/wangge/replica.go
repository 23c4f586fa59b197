package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// versionPoll is how often a server on PostgreSQL reads the current
// boundary version besides the notices, should one be lost.
const versionPoll = time.Second

// followVersions keeps a server on PostgreSQL serving the current version
// of the main layer, whichever process made it current (another replica's
// PUT /v1/grids, a wangge import grids): on each notice (LISTEN/NOTIFY, see
// data.Postgres.VersionNotices) and every versionPoll it reads the current
// version and, when it is not the one served, loads it, indexes it and
// swaps it in (api.Server.Reload). It reloads the sites in the same way
// when another process wrote some (data.Postgres.SitesVersion). A SQLite store is left alone: one
// server serves it. It returns when ctx ends.
func followVersions(ctx context.Context, store data.Store, srv *api.Server, holder *geo.Holder, log *slog.Logger) {
	pg, ok := store.(*data.Postgres)
	if !ok {
		return
	}
	notices := pg.VersionNotices(ctx)
	tick := time.NewTicker(versionPoll)
	defer tick.Stop()
	// The sites' version loaded: unknown at first, so they are loaded once
	// more (the counter is read before the sites, so no write is missed).
	sites := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-notices:
		case <-tick.C:
		}
		if n, err := pg.SitesVersion(ctx); err == nil && n != sites {
			if err := srv.LoadSites(ctx); err != nil {
				log.Warn("cannot reload the sites", "err", err)
				continue
			}
			log.Debug("sites reloaded", "version", n)
			sites = n
		}
		v, err := store.CurrentVersion(ctx, geo.DefaultLayer)
		if err != nil {
			log.Debug("boundary version check failed", "err", err)
			continue
		}
		if ix := holder.Load(); v == 0 || ix != nil && ix.Set().Version == v {
			continue
		}
		start := time.Now()
		set, err := store.VersionSet(ctx, v)
		if err != nil {
			log.Warn("cannot read the new boundary version", "version", v, "err", err)
			continue
		}
		ix, err := geo.NewIndex(set)
		if err != nil {
			log.Error("cannot index the new boundary version", "version", v, "err", err)
			continue
		}
		if srv.Reload(ix) {
			log.Info("boundaries reloaded", "version", v, "grids", ix.Len(), "ms", time.Since(start).Milliseconds())
		}
	}
}

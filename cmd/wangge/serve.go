package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// version is the build's version, set with -ldflags "-X main.version=...".
var version = "dev"

// serve: wangge serve [--db PATH] [--addr HOST:PORT] [--demo]
func (m *Main) serve(ctx context.Context, args []string) error {
	fs := m.newFlags("serve")
	db := m.dbFlag(fs)
	addr := fs.String("addr", m.env("WANGGE_ADDR", "127.0.0.1:8080"), "listen address `host:port` (env WANGGE_ADDR)")
	demo := fs.Bool("demo", envBool(m.env("WANGGE_DEMO", "")), "write the embedded demo district into the store when it has no boundary set (env WANGGE_DEMO)")
	logLevel := fs.String("log-level", m.env("WANGGE_LOG_LEVEL", "info"), "debug, info, warn or error (env WANGGE_LOG_LEVEL)")
	maxBatch := fs.Int("max-batch-points", envInt(m.env("WANGGE_MAX_BATCH_POINTS", ""), 100_000), "most points in one POST /v1/locate (env WANGGE_MAX_BATCH_POINTS)")
	categories := fs.String("categories", m.env("WANGGE_CATEGORIES", geo.DefaultCategories.String()), "report categories and their deadlines, `name=deadline,...` (env WANGGE_CATEGORIES)")
	public := fs.String("public-routes", m.env("WANGGE_PUBLIC_ROUTES", "default"), "routes served without a token: default, none, or `patterns` such as \"GET /v1/grids*,/v1/locate\" (env WANGGE_PUBLIC_ROUTES)")
	addrThreshold := fs.Float64("address-threshold", envFloat(m.env("WANGGE_ADDRESS_THRESHOLD", ""), api.DefaultAddressThreshold), "score in (0,1] below which a report sent with an address goes to a dispatcher unassigned (env WANGGE_ADDRESS_THRESHOLD)")
	presetsFile := m.presetsFlag(fs)
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if !(*addrThreshold > 0 && *addrThreshold <= 1) {
		return fmt.Errorf("%w: --address-threshold must be within (0,1]", errUsage)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("%w: --log-level: %v", errUsage, err)
	}
	logOut := newLogWriter(m.Stderr)
	defer logOut.Close()
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: level}))
	cats, err := geo.ParseCategories(*categories)
	if err != nil {
		return fmt.Errorf("%w: --categories: %v", errUsage, err)
	}
	presets, err := loadPresets(*presetsFile)
	if err != nil {
		return err
	}

	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if *demo {
		seeded, err := data.SeedDemo(ctx, store)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if seeded {
			log.Info("demo district written", "db", *db)
		}
	}
	holder := new(geo.Holder)
	set, err := store.CurrentSet(ctx, geo.DefaultLayer)
	switch {
	case errors.Is(err, geo.ErrNotFound):
		log.Warn("no boundary set yet: /readyz answers 503 until one is imported", "db", *db)
	case err != nil:
		return err
	default:
		start := time.Now()
		ix, err := geo.NewIndex(set)
		if err != nil {
			return fmt.Errorf("index boundary version %d: %w", set.Version, err)
		}
		holder.Store(ix)
		log.Info("boundaries loaded", "version", set.Version, "grids", ix.Len(), "ms", time.Since(start).Milliseconds())
	}

	addresses, err := loadAddresses(ctx, store, holder.Load(), log)
	if err != nil {
		return fmt.Errorf("load addresses: %w", err)
	}
	reports := data.NewReports(store)
	defer reports.Close()
	// On PostgreSQL, reports are dated by the database's clock, so that
	// replicas agree on when each came in and is due.
	reports.UseDatabaseClock()
	var demoToken string
	if *demo {
		if demoToken, _, err = store.CreateToken(ctx, geo.RoleAdmin, "", "demo admin", 30*24*time.Hour); err != nil {
			return fmt.Errorf("demo admin token: %w", err)
		}
	}

	// On PostgreSQL every replica takes "now" (event times, what is
	// overdue) from the database's clock, synced every 30 s, so that
	// replicas on machines whose clocks drift apart still agree.
	var now func() time.Time
	if pg, ok := store.(*data.Postgres); ok {
		clk := new(data.DBClock)
		if _, err := clk.Sync(ctx, pg); err != nil {
			log.Warn("database clock sync failed; using the local clock until it works", "err", err)
		}
		go clk.Run(ctx, pg, 30*time.Second, log)
		now = clk.Now
	}
	srv := api.New(api.Config{
		Now:        now,
		Boundaries: holder, Grids: store, AdminToken: m.Getenv("WANGGE_ADMIN_TOKEN"),
		Logger: log, Version: version, MaxBatchPoints: *maxBatch,
		Reports: reports, Tokens: data.NewTokenCache(store, tokenTTL), Categories: cats, PublicRoutes: publicRoutes(*public),
		Sites: store, Presets: presets, Addresses: addresses, AddressLoader: addressLoader(store, log), AddressThreshold: *addrThreshold,
	})
	if err := srv.LoadSites(ctx); err != nil {
		return fmt.Errorf("load sites: %w", err)
	}
	// On PostgreSQL other processes may import boundaries: follow them.
	go followVersions(ctx, store, srv, holder, log)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(m.Stderr, "wangge %s serving %s\n  try: %s/v1/locate?lon=113.6584&lat=34.7464\n       %s/v1/levels   %s/openapi.json   %s/metrics\n",
		version, url, url, url, url, url)
	if demoToken != "" {
		fmt.Fprintf(m.Stderr, "  demo admin token (30 days): %s\n       curl -H 'Authorization: Bearer %s' %s/v1/reports\n", demoToken, demoToken, url)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// tokenTTL is how long the server trusts a token it has checked: a revoked
// token stops working within this time.
const tokenTTL = 5 * time.Second

// publicRoutes reads --public-routes: "default" (api.DefaultPublicRoutes),
// "none", or comma-separated patterns.
func publicRoutes(s string) []string {
	switch strings.TrimSpace(s) {
	case "", "default":
		return nil
	case "none":
		return []string{}
	}
	return strings.Split(s, ",")
}

func envBool(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func envFloat(s string, def float64) float64 {
	var v float64
	if _, err := fmt.Sscanf(s, "%g", &v); err != nil {
		return def
	}
	return v
}

func envInt(s string, def int) int {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n <= 0 {
		return def
	}
	return n
}

package data

// The store test suite: the tests of reports, tokens, sites and boundary
// sets run once per store, SQLite (always) and PostgreSQL/PostGIS (with
// WANGGE_TEST_PG; skipped with a message otherwise, failed instead when
// WANGGE_REQUIRE_EXTERNAL=1). Each PostgreSQL test gets a database of its
// own, dropped when it ends.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// storeKind names one of the two stores.
type storeKind string

const (
	kindSQLite   storeKind = "sqlite"
	kindPostgres storeKind = "postgres"
)

// forEachStore runs fn as a subtest per store, named after it.
func forEachStore(t *testing.T, fn func(t *testing.T, k storeKind)) {
	t.Helper()
	for _, k := range []storeKind{kindSQLite, kindPostgres} {
		t.Run(string(k), func(t *testing.T) { fn(t, k) })
	}
}

// openTestStore opens an empty store of kind k, closed when t ends.
func openTestStore(t testing.TB, k storeKind) Store {
	t.Helper()
	ctx := context.Background()
	var st Store
	var err error
	switch k {
	case kindPostgres:
		st, err = OpenPostgres(ctx, pgTestDB(t, "store"))
	default:
		st, err = OpenSQLite(ctx, filepath.Join(t.TempDir(), "w.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// pgTestDB creates a database wangge_<prefix>_<random> on the server of
// WANGGE_TEST_PG (skipping t when unset, see pgSkip), with PostGIS, and
// returns its URL. It is dropped when t ends.
func pgTestDB(t testing.TB, prefix string) string {
	t.Helper()
	dsn := os.Getenv("WANGGE_TEST_PG")
	if dsn == "" {
		pgSkip(t, "WANGGE_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse WANGGE_TEST_PG: %v", err)
	}
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		pgSkip(t, "PostgreSQL at WANGGE_TEST_PG is unreachable: %v", err)
	}
	defer admin.Close(context.Background())
	var rnd [6]byte
	rand.Read(rnd[:])
	name := "wangge_" + prefix + "_" + hex.EncodeToString(rnd[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, err := pgx.ConnectConfig(context.Background(), cfg)
		if err != nil {
			t.Errorf("drop database %s: %v", name, err)
			return
		}
		defer admin.Close(context.Background())
		if _, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	dbCfg := cfg.Copy()
	dbCfg.Database = name
	conn, err := pgx.ConnectConfig(ctx, dbCfg)
	if err != nil {
		t.Fatalf("connect to %s: %v", name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		pgSkip(t, "PostGIS is not available on the server at WANGGE_TEST_PG: %v", err)
	}
	u := *dbCfg
	return pgURL(&u)
}

// pgURL writes a connection config back as a URL (user, host, port,
// database; sslmode=disable, as the test server has it).
func pgURL(c *pgx.ConnConfig) string {
	auth := c.User
	if c.Password != "" {
		auth += ":" + c.Password
	}
	return "postgres://" + auth + "@" + c.Host + ":" + itoa(int(c.Port)) + "/" + c.Database + "?sslmode=disable"
}

func itoa(n int) string {
	return string(appendInt(nil, n))
}

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

// pgSkip skips t or, with WANGGE_REQUIRE_EXTERNAL=1, fails it.
func pgSkip(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("WANGGE_REQUIRE_EXTERNAL") == "1" {
		t.Fatalf("WANGGE_REQUIRE_EXTERNAL=1 but "+format, args...)
	}
	t.Skipf("skipped: "+format, args...)
}

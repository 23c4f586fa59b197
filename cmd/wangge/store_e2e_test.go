package main

// The end-to-end tests that start the real binary run once per store: a
// SQLite file, and a PostgreSQL/PostGIS database of their own on the server
// of WANGGE_TEST_PG (skipped with a message when it is unset, failed
// instead when WANGGE_REQUIRE_EXTERNAL=1).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

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

// storeDB returns a new, empty store of kind k for --db: a file named name
// in a temporary directory, or the URL of a new PostgreSQL database
// (dropped when t ends).
func storeDB(t *testing.T, k storeKind, name string) string {
	t.Helper()
	if k == kindSQLite {
		return filepath.Join(t.TempDir(), name)
	}
	return pgTempURL(t)
}

// pgTempURL creates a database on the server of WANGGE_TEST_PG with PostGIS
// and returns its URL; it is dropped when t ends.
func pgTempURL(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("WANGGE_TEST_PG")
	if dsn == "" {
		skipExternal(t, "WANGGE_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse WANGGE_TEST_PG: %v", err)
	}
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		skipExternal(t, "PostgreSQL at WANGGE_TEST_PG is unreachable: %v", err)
	}
	defer admin.Close(context.Background())
	var rnd [6]byte
	rand.Read(rnd[:])
	name := "wangge_e2e_" + hex.EncodeToString(rnd[:])
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
	db := cfg.Copy()
	db.Database = name
	conn, err := pgx.ConnectConfig(ctx, db)
	if err != nil {
		t.Fatalf("connect to %s: %v", name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		skipExternal(t, "PostGIS is not available on the server at WANGGE_TEST_PG: %v", err)
	}
	auth := db.User
	if db.Password != "" {
		auth += ":" + db.Password
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", auth, db.Host, db.Port, name)
}

// skipExternal skips t, saying what is missing, or fails it when
// WANGGE_REQUIRE_EXTERNAL=1.
func skipExternal(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("WANGGE_REQUIRE_EXTERNAL") == "1" {
		t.Fatalf("WANGGE_REQUIRE_EXTERNAL=1 but "+format, args...)
	}
	t.Skipf("skipped: "+format, args...)
}

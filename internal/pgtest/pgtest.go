// Package pgtest gives tests a PostgreSQL/PostGIS database of their own on
// the server named by WANGGE_TEST_PG (a connection string, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable). When that
// is unset, unreachable or without PostGIS, the test is skipped with a
// message saying so, or failed instead under WANGGE_REQUIRE_EXTERNAL=1 (as
// CI sets it). Only tests import it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Skip skips t, saying what external resource is missing, or fails it when
// WANGGE_REQUIRE_EXTERNAL=1.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("WANGGE_REQUIRE_EXTERNAL") == "1" {
		t.Fatalf("WANGGE_REQUIRE_EXTERNAL=1 but "+format, args...)
	}
	t.Skipf("skipped: "+format, args...)
}

// DSN returns WANGGE_TEST_PG, skipping t (see Skip) when it is unset.
func DSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("WANGGE_TEST_PG")
	if dsn == "" {
		Skip(t, "WANGGE_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	return dsn
}

// TempDB creates a database wangge_<prefix>_<random hex> on the server of
// WANGGE_TEST_PG with the PostGIS extension in it, and returns its URL. The
// database is dropped (WITH FORCE) when t ends. prefix must be a plain
// identifier (letters, digits, underscores).
func TempDB(t testing.TB, prefix string) string {
	t.Helper()
	dsn := DSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse WANGGE_TEST_PG: %v", err)
	}
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		Skip(t, "PostgreSQL at WANGGE_TEST_PG is unreachable: %v", err)
	}
	defer admin.Close(context.Background())
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
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
	db := cfg.Copy()
	db.Database = name
	conn, err := pgx.ConnectConfig(ctx, db)
	if err != nil {
		t.Fatalf("connect to %s: %v", name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		Skip(t, "PostGIS is not available on the server at WANGGE_TEST_PG: %v", err)
	}
	auth := db.User
	if db.Password != "" {
		auth += ":" + db.Password
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", auth, db.Host, db.Port, name)
}

package main

// The end-to-end tests that start the real binary run once per store: a
// SQLite file, and a PostgreSQL/PostGIS database of their own on the server
// of WANGGE_TEST_PG (skipped with a message when it is unset, failed
// instead when WANGGE_REQUIRE_EXTERNAL=1).

import (
	"path/filepath"
	"testing"

	"github.com/wangge/wangge/internal/pgtest"
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
	return pgtest.TempDB(t, "e2e")
}

// skipExternal skips t, saying what is missing, or fails it when
// WANGGE_REQUIRE_EXTERNAL=1.
func skipExternal(t *testing.T, format string, args ...any) {
	t.Helper()
	pgtest.Skip(t, format, args...)
}

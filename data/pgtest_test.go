package data_test

// Helpers for tests that need something outside the repository: a PostgreSQL
// server with PostGIS, or the shared data files. Such a test is skipped, with
// a message saying what is missing, unless WANGGE_REQUIRE_EXTERNAL=1, which
// turns every skip into a failure (for the CI job that provides them).

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/internal/pgtest"
)

// skipExternal skips t, saying what external resource is missing, or fails it
// when WANGGE_REQUIRE_EXTERNAL=1.
func skipExternal(t testing.TB, format string, args ...any) {
	t.Helper()
	pgtest.Skip(t, format, args...)
}

// pgOrSkip returns the connection string in WANGGE_TEST_PG (for example
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable) after checking
// that the server answers and offers the postgis extension. It skips t (see
// skipExternal) when the variable is unset or the check fails.
func pgOrSkip(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("WANGGE_TEST_PG")
	if dsn == "" {
		skipExternal(t, "WANGGE_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		skipExternal(t, "PostgreSQL at WANGGE_TEST_PG is unreachable: %v", err)
	}
	defer conn.Close(context.Background())
	var version string
	err = conn.QueryRow(ctx, `SELECT default_version FROM pg_available_extensions WHERE name = 'postgis'`).Scan(&version)
	if err != nil {
		skipExternal(t, "PostGIS is not available on the server at WANGGE_TEST_PG: %v", err)
	}
	return dsn
}

// pgTempDB creates a database named wangge_<prefix>_<random> on the server of
// dsn, installs PostGIS in it and returns a connection to it. The connection
// is closed and the database dropped when t ends.
func pgTempDB(t testing.TB, dsn, prefix string) *pgx.Conn {
	t.Helper()
	_ = dsn // pgtest.TempDB reads the same WANGGE_TEST_PG
	conn, err := pgx.Connect(context.Background(), pgtest.TempDB(t, prefix))
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// sharedDataOrSkip returns the directory of the shared data files:
// WANGGE_SHARED_DATA when set, else ../shared/data beside the repository
// (../../shared/data from a package directory). It skips t (see skipExternal)
// when any of the named files is missing there.
func sharedDataOrSkip(t testing.TB, names ...string) string {
	t.Helper()
	dir := os.Getenv("WANGGE_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			skipExternal(t, "shared data file missing (set WANGGE_SHARED_DATA): %v", err)
		}
	}
	return dir
}

package data

// The store test suite: the tests of reports, tokens, sites and boundary
// sets run once per store, SQLite (always) and PostgreSQL/PostGIS (with
// WANGGE_TEST_PG; skipped with a message otherwise, failed instead when
// WANGGE_REQUIRE_EXTERNAL=1). Each PostgreSQL test gets a database of its
// own, dropped when it ends.

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wangge/wangge/internal/pgtest"
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
	return pgtest.TempDB(t, prefix)
}

// pgSkip skips t or, with WANGGE_REQUIRE_EXTERNAL=1, fails it.
func pgSkip(t testing.TB, format string, args ...any) {
	t.Helper()
	pgtest.Skip(t, format, args...)
}

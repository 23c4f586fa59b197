package api_test

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

// fixturePG, when set, makes newReportsFixture store in the PostgreSQL
// database whose URL it returns (a new one per call) instead of a SQLite
// file.
var fixturePG func(t *testing.T) string

// TestReportsAPIOnPostgres runs the HTTP tests of reports (intake,
// idempotency, lifecycle, access, masking and audit, lists, moved reports,
// figures, concurrent posts, reports sent with an address) again with the PostgreSQL store, each in a
// database of its own on the server of WANGGE_TEST_PG. It is skipped with
// a message when that is unset (a failure under WANGGE_REQUIRE_EXTERNAL=1).
func TestReportsAPIOnPostgres(t *testing.T) {
	dsn := os.Getenv("WANGGE_TEST_PG")
	if dsn == "" {
		if os.Getenv("WANGGE_REQUIRE_EXTERNAL") == "1" {
			t.Fatal("WANGGE_REQUIRE_EXTERNAL=1 but WANGGE_TEST_PG is not set")
		}
		t.Skip("skipped: WANGGE_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)")
	}
	fixturePG = func(t *testing.T) string { return pgTempDB(t, dsn) }
	defer func() { fixturePG = nil }()
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"CreateReport", TestCreateReport}, {"CreateReportBadInput", TestCreateReportBadInput},
		{"IdempotencyKey", TestIdempotencyKey}, {"LifecycleAPI", TestLifecycleAPI},
		{"ReportEventBadInput", TestReportEventBadInput}, {"AccessControl", TestAccessControl},
		{"PublicRoutesClosed", TestPublicRoutesClosed}, {"MaskingAndAudit", TestMaskingAndAudit},
		{"ListReportsAPI", TestListReportsAPI}, {"MovedReports", TestMovedReports},
		{"ReportStatsAPI", TestReportStatsAPI}, {"ReportCategories", TestReportCategories},
		{"ConcurrentPosts", TestConcurrentPosts}, {"ReportByAddress", TestReportByAddress},
	} {
		t.Run(tc.name, tc.fn)
	}
}

// pgTempDB creates a database with PostGIS on the server of dsn and
// returns its URL; it is dropped when t ends.
func pgTempDB(t *testing.T, dsn string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("PostgreSQL at WANGGE_TEST_PG: %v", err)
	}
	defer admin.Close(context.Background())
	var rnd [6]byte
	rand.Read(rnd[:])
	name := "wangge_api_" + hex.EncodeToString(rnd[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
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
	auth := cfg.User
	if cfg.Password != "" {
		auth += ":" + cfg.Password
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", auth, cfg.Host, cfg.Port, name)
}

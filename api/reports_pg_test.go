package api_test

import (
	"testing"

	"github.com/wangge/wangge/internal/pgtest"
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
	pgtest.DSN(t) // skips (or fails under WANGGE_REQUIRE_EXTERNAL=1) when unset
	fixturePG = func(t *testing.T) string { return pgtest.TempDB(t, "api") }
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

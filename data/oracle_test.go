package data_test

// TestOracleCovers is a differential test of geo's boundary rule against
// PostGIS ST_Covers on the shared boundary data. Both sides see the same
// normalised geometry, bit for bit (written as EWKB, checked back with
// ST_AsBinary), and the same points, bit for bit (WKB, checked back too).
//
// Default run (CI): every distinct vertex of cn-districts.geojson (points on
// boundaries, many shared by two or three districts) against that file; 100,000
// uniform random points over the bounding box plus a sample of 200,000
// distinct vertices against cn-all-districts-0{1,2,3}.geojson.gz. With
// -oracle.full or WANGGE_ORACLE_FULL=1, every distinct vertex of
// cn-all-districts is tested instead of the sample.

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

var (
	oracleFull = flag.Bool("oracle.full", false, "TestOracleCovers: test every distinct vertex of cn-all-districts, not a sample (also WANGGE_ORACLE_FULL=1)")
	oracleSeed = flag.Uint64("oracle.seed", 0, "TestOracleCovers: seed of the random points and the vertex sample; 0 picks one (also WANGGE_ORACLE_SEED)")
)

const (
	oracleRandomPoints = 100_000
	oracleVertexSample = 200_000
	oracleMaxReport    = 20
	oracleSRID         = 4326
)

var oracleAllFiles = []string{
	"cn-all-districts-01.geojson.gz",
	"cn-all-districts-02.geojson.gz",
	"cn-all-districts-03.geojson.gz",
}

func TestOracleCovers(t *testing.T) {
	dsn := pgOrSkip(t)
	dir := sharedDataOrSkip(t, append([]string{"cn-districts.geojson"}, oracleAllFiles...)...)
	full := *oracleFull || os.Getenv("WANGGE_ORACLE_FULL") == "1"
	seed := oracleSeedValue(t)
	t.Logf("seed %d (rerun with -oracle.seed=%d or WANGGE_ORACLE_SEED=%d)", seed, seed, seed)
	conn := pgTempDB(t, dsn, "oracle")

	t.Run("cn-districts", func(t *testing.T) {
		set, ix := oracleLoadSet(t, dir, "adcode", "cn-districts.geojson")
		var pts oraclePoints
		pts.add("vertex", distinctVertices(set))
		oracleCompare(t, conn, "grids_districts", ix, &pts)
	})
	t.Run("cn-all-districts", func(t *testing.T) {
		set, ix := oracleLoadSet(t, dir, "uid", oracleAllFiles...)
		rng := rand.New(rand.NewPCG(seed, 0x6f7261636c65))
		var pts oraclePoints
		pts.add("random", randomPoints(rng, ix, oracleRandomPoints))
		verts := distinctVertices(set)
		if !full {
			verts = sample(rng, verts, oracleVertexSample)
		}
		pts.add("vertex", verts)
		oracleCompare(t, conn, "grids_all", ix, &pts)
	})
}

func oracleSeedValue(t *testing.T) uint64 {
	if *oracleSeed != 0 {
		return *oracleSeed
	}
	if s := os.Getenv("WANGGE_ORACLE_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("WANGGE_ORACLE_SEED=%q: %v", s, err)
		}
		return v
	}
	return uint64(time.Now().UnixNano())
}

// oracleLoadSet reads the files with the project's own reader, untransformed,
// validates the set (normalising its geometry) and indexes it.
func oracleLoadSet(t *testing.T, dir, codeField string, files ...string) (*geo.Set, *geo.Index) {
	t.Helper()
	start := time.Now()
	set := &geo.Set{Levels: geo.Levels{"district"}}
	for _, f := range files {
		grids, err := data.ReadGridsFile(filepath.Join(dir, f), data.GridFields{Code: codeField, DefaultLevel: "district"}, len(set.Grids))
		if err != nil {
			t.Fatalf("ReadGridsFile(%s): %v", f, err)
		}
		set.Grids = append(set.Grids, grids...)
	}
	warns, err := set.Validate()
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatalf("NewIndex: %v", err)
	}
	t.Logf("%d grids from %s, %d validation warnings, loaded in %v", len(set.Grids), strings.Join(files, ", "), len(warns), time.Since(start).Round(time.Millisecond))
	return set, ix
}

// oraclePoints are the test points with the kind of each (an index into kinds).
type oraclePoints struct {
	kinds []string
	pts   []orb.Point
	kind  []uint8
}

func (o *oraclePoints) add(kind string, pts []orb.Point) {
	o.kinds = append(o.kinds, kind)
	for _, p := range pts {
		o.pts = append(o.pts, p)
		o.kind = append(o.kind, uint8(len(o.kinds)-1))
	}
}

// distinctVertices returns every distinct vertex of the set's rings, sorted.
func distinctVertices(set *geo.Set) []orb.Point {
	var out []orb.Point
	for _, g := range set.Grids {
		for _, pg := range g.Geometry {
			for _, r := range pg {
				out = append(out, r[:len(r)-1]...)
			}
		}
	}
	slices.SortFunc(out, func(a, b orb.Point) int {
		if c := cmpFloat(a[0], b[0]); c != 0 {
			return c
		}
		return cmpFloat(a[1], b[1])
	})
	return slices.Compact(out)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sample returns n of pts chosen at random (all of them when there are fewer),
// reordering pts.
func sample(rng *rand.Rand, pts []orb.Point, n int) []orb.Point {
	if n >= len(pts) {
		return pts
	}
	for i := range n {
		j := i + rng.IntN(len(pts)-i)
		pts[i], pts[j] = pts[j], pts[i]
	}
	return pts[:n]
}

// randomPoints returns n points uniform over the bounding box of the index's grids.
func randomPoints(rng *rand.Rand, ix *geo.Index, n int) []orb.Point {
	b := ix.Grid(0).Geometry.Bound()
	for i := 1; i < ix.Len(); i++ {
		b = b.Union(ix.Grid(int32(i)).Geometry.Bound())
	}
	out := make([]orb.Point, n)
	for i := range out {
		out[i] = orb.Point{
			b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1]),
		}
	}
	return out
}

// oracleCompare loads the index's grids into table and the points into a
// temporary table pts, asks PostGIS which grids cover each point, and checks
// Locate against the answer.
func oracleCompare(t *testing.T, conn *pgx.Conn, table string, ix *geo.Index, pts *oraclePoints) {
	ctx := context.Background()
	start := time.Now()
	pgLoadGrids(t, conn, table, ix)
	pgLoadPoints(t, conn, pts.pts)
	t.Logf("loaded %d grids and %d points into PostGIS in %v", ix.Len(), len(pts.pts), time.Since(start).Round(time.Millisecond))

	start = time.Now()
	covers := make([][]string, len(pts.pts))
	// The join is SELECT p.id, array_agg(g.code) FROM pts p JOIN grids g ON
	// ST_Covers(g.geom, p.geom) GROUP BY p.id, written so that the grids are
	// the outer side (OFFSET 0 keeps the planner from flattening the
	// subquery): PostGIS then reuses its per-call cache (the detoasted polygon
	// and its edge tree) for all of a grid's candidate points. Left to itself
	// the planner loops over the points and rebuilds that cache at almost
	// every call, ten times slower.
	rows, err := conn.Query(ctx, `SELECT p.id, array_agg(g.code) FROM `+table+` g
		CROSS JOIN LATERAL (SELECT id FROM pts p WHERE ST_Covers(g.geom, p.geom) OFFSET 0) p
		GROUP BY p.id`)
	if err != nil {
		t.Fatalf("covers query: %v", err)
	}
	var id int32
	var codes []string
	_, err = pgx.ForEachRow(rows, []any{&id, &codes}, func() error {
		slices.Sort(codes)
		covers[id] = slices.Clone(codes)
		return nil
	})
	if err != nil {
		t.Fatalf("covers query: %v", err)
	}
	t.Logf("PostGIS answered in %v", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	stats := make([]oracleStats, len(pts.kinds))
	for k := range stats {
		stats[k].match = map[geo.Match]int{}
	}
	var bad []oracleDisagreement
	for i, p := range pts.pts {
		res, err := ix.Locate(p, geo.LocateOptions{NearestM: 0})
		if err != nil {
			t.Fatalf("Locate(%.17g, %.17g): %v", p[0], p[1], err)
		}
		set := covers[i]
		st := &stats[pts.kind[i]]
		st.n++
		st.match[res.Match]++
		st.pgCount[min(len(set), 3)]++
		if ok := oracleAgrees(ix, res, set); !ok {
			bad = append(bad, oracleDisagreement{p: p, kind: pts.kinds[pts.kind[i]], res: res, pg: set})
		} else if !slices.Equal(wanggeCovers(ix, res), set) {
			st.setDiff++
			if st.setDiff <= 3 {
				t.Logf("note: %s point (%.17g, %.17g): wangge's covering set %v differs from PostGIS's %v (owner in both; not asserted)",
					pts.kinds[pts.kind[i]], p[0], p[1], wanggeCovers(ix, res), set)
			}
		}
	}
	t.Logf("Locate answered in %v", time.Since(start).Round(time.Millisecond))
	for k, st := range stats {
		t.Logf("%-6s points: %7d; wangge inside %d, boundary %d, none %d; PostGIS covering sets of size 0: %d, 1: %d, 2: %d, 3+: %d; full set differs (owner agrees): %d",
			pts.kinds[k], st.n, st.match[geo.MatchInside], st.match[geo.MatchBoundary], st.match[geo.MatchNone],
			st.pgCount[0], st.pgCount[1], st.pgCount[2], st.pgCount[3], st.setDiff)
	}
	if len(bad) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d points disagree with PostGIS ST_Covers", len(bad), len(pts.pts))
	if len(bad) > oracleMaxReport {
		fmt.Fprintf(&b, " (first %d shown)", oracleMaxReport)
	}
	b.WriteString(":\n")
	for _, d := range bad[:min(len(bad), oracleMaxReport)] {
		b.WriteString(d.describe(ix))
	}
	t.Error(b.String())
}

type oracleStats struct {
	n       int
	match   map[geo.Match]int
	pgCount [4]int // PostGIS covering sets of size 0, 1, 2, 3 or more
	setDiff int
}

// oracleAgrees is the rule asserted: the owner is one of the grids PostGIS
// says cover the point, and Locate says none exactly when PostGIS finds none.
func oracleAgrees(ix *geo.Index, res geo.Result, pg []string) bool {
	if len(pg) == 0 {
		return res.Match == geo.MatchNone
	}
	return res.Match != geo.MatchNone && slices.Contains(pg, ix.Grid(res.Owner).Code)
}

// wanggeCovers is the sorted set of codes Locate found covering the point:
// the owner and the others (one level only in these sets).
func wanggeCovers(ix *geo.Index, res geo.Result) []string {
	if res.Match == geo.MatchNone {
		return nil
	}
	out := []string{ix.Grid(res.Owner).Code}
	for _, o := range res.Others {
		out = append(out, ix.Grid(o).Code)
	}
	slices.Sort(out)
	return out
}

type oracleDisagreement struct {
	p    orb.Point
	kind string
	res  geo.Result
	pg   []string
}

// describe prints the point, both answers and, for every grid either side
// named, the edges on which PostGIS's floating-point side test (determineSide
// in liblwgeom) and the exact orientation disagree in sign.
func (d oracleDisagreement) describe(ix *geo.Index) string {
	var b strings.Builder
	owner := "-"
	if d.res.Match != geo.MatchNone {
		owner = ix.Grid(d.res.Owner).Code
	}
	var others []string
	for _, o := range d.res.Others {
		others = append(others, ix.Grid(o).Code)
	}
	fmt.Fprintf(&b, "  %s point (%.17g, %.17g): wangge owner %s match %s others %v; PostGIS covers %v\n",
		d.kind, d.p[0], d.p[1], owner, d.res.Match, others, d.pg)
	codes := slices.Concat(wanggeCovers(ix, d.res), d.pg)
	slices.Sort(codes)
	found := false
	for _, code := range slices.Compact(codes) {
		i, _ := ix.Lookup(code)
		for pi, pg := range ix.Grid(i).Geometry {
			for ri, r := range pg {
				for e := 0; e+1 < len(r); e++ {
					a, c := r[e], r[e+1]
					if d.p[1] < min(a[1], c[1]) || d.p[1] > max(a[1], c[1]) {
						continue
					}
					fs, es := floatSide(a, c, d.p), exactSide(a, c, d.p)
					if sideSign(fs) != es {
						found = true
						fmt.Fprintf(&b, "    grid %s polygon %d ring %d edge %d (%.17g, %.17g)-(%.17g, %.17g): exact sign %+d, PostGIS float side %g\n",
							code, pi, ri, e, a[0], a[1], c[0], c[1], es, fs)
					}
				}
			}
		}
	}
	if !found {
		b.WriteString("    no edge of these grids has a float/exact sign difference at this point\n")
	}
	return b.String()
}

// floatSide is liblwgeom's determineSide, evaluated as PostGIS does in double
// precision without fused multiply-add: positive when p is left of a→b.
func floatSide(a, b, p orb.Point) float64 {
	return float64((b[0]-a[0])*(p[1]-a[1])) - float64((p[0]-a[0])*(b[1]-a[1]))
}

// exactSide is the exact sign of the same determinant.
func exactSide(a, b, p orb.Point) int {
	r := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	dx1 := new(big.Rat).Sub(r(b[0]), r(a[0]))
	dy1 := new(big.Rat).Sub(r(p[1]), r(a[1]))
	dx2 := new(big.Rat).Sub(r(p[0]), r(a[0]))
	dy2 := new(big.Rat).Sub(r(b[1]), r(a[1]))
	return new(big.Rat).Mul(dx1, dy1).Cmp(new(big.Rat).Mul(dx2, dy2))
}

func sideSign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// pgLoadGrids creates table (code, geom) with a GiST index, copies the grids'
// geometry into it as EWKB and checks that PostGIS holds it bit for bit.
func pgLoadGrids(t *testing.T, conn *pgx.Conn, table string, ix *geo.Index) {
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `CREATE TABLE `+table+` (code text PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)`); err != nil {
		t.Fatalf("create %s: %v", table, err)
	}
	want := make(map[string]string, ix.Len())
	n := 0
	_, err := conn.CopyFrom(ctx, pgx.Identifier{table}, []string{"code", "geom"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == ix.Len() {
				return nil, nil
			}
			g := ix.Grid(int32(n))
			n++
			b, err := ewkb.Marshal(g.Geometry, oracleSRID)
			if err != nil {
				return nil, fmt.Errorf("grid %s: %w", g.Code, err)
			}
			want[g.Code] = wkbMD5(g.Geometry)
			return []any{g.Code, b}, nil
		}))
	if err != nil {
		t.Fatalf("copy into %s: %v", table, err)
	}
	for _, q := range []string{
		`CREATE INDEX ON ` + table + ` USING gist (geom)`,
		`ANALYZE ` + table,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows, err := conn.Query(ctx, `SELECT code, md5(ST_AsBinary(geom, 'NDR')) FROM `+table)
	if err != nil {
		t.Fatalf("read back %s: %v", table, err)
	}
	var code, sum string
	got := 0
	_, err = pgx.ForEachRow(rows, []any{&code, &sum}, func() error {
		got++
		if want[code] != sum {
			return fmt.Errorf("grid %s: PostGIS holds a different geometry (WKB md5 %s, want %s)", code, sum, want[code])
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read back %s: %v", table, err)
	}
	if got != ix.Len() {
		t.Fatalf("read back %s: %d grids, want %d", table, got, ix.Len())
	}
}

func wkbMD5(g orb.Geometry) string {
	sum := md5.Sum(wkb.MustMarshal(g))
	return hex.EncodeToString(sum[:])
}

// pgLoadPoints (re)creates the temporary table pts(id, geom), id being the
// point's position in pts, and checks that PostGIS holds the points bit for bit.
func pgLoadPoints(t *testing.T, conn *pgx.Conn, pts []orb.Point) {
	ctx := context.Background()
	for _, q := range []string{
		`DROP TABLE IF EXISTS pts`,
		`CREATE TEMP TABLE pts (id int NOT NULL, geom geometry(Point, 4326) NOT NULL)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var all bytes.Buffer
	n := 0
	_, err := conn.CopyFrom(ctx, pgx.Identifier{"pts"}, []string{"id", "geom"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == len(pts) {
				return nil, nil
			}
			p := pts[n]
			n++
			all.Write(wkb.MustMarshal(p))
			return []any{int32(n - 1), ewkb.MustMarshal(p, oracleSRID)}, nil
		}))
	if err != nil {
		t.Fatalf("copy into pts: %v", err)
	}
	for _, q := range []string{`CREATE INDEX ON pts USING gist (geom)`, `ANALYZE pts`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	want := md5.Sum(all.Bytes())
	var got string
	if err := conn.QueryRow(ctx, `SELECT md5(string_agg(ST_AsBinary(geom, 'NDR'), ''::bytea ORDER BY id)) FROM pts`).Scan(&got); err != nil {
		t.Fatalf("read back pts: %v", err)
	}
	if got != hex.EncodeToString(want[:]) {
		t.Fatalf("read back pts: PostGIS holds different coordinates (WKB md5 %s, want %x)", got, want)
	}
}

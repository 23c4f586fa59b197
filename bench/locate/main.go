// Command locate compares, in one run on the same polygons and the same
// points, wangge's in-process Locate with "the plain approach" (tidwall/rtree
// over bounding boxes + orb planar.PolygonContains on every candidate) and
// with PostGIS ST_Covers over a GiST index (issue "Core 2", goals 1–3).
//
//	go run ./bench/locate -pg 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//
// Two data sets: cn-all-districts (3,253 polygons, 4.5 M vertices, from
// ../shared/data or -data) and a synthetic polygon of 1.1 M vertices and
// 100,000+ holes (bench/synth). Points are seeded uniform random over each
// set's bounding box.
//
// wangge: Locate on one goroutine over all the points, three passes, the
// median pass reported as ns per lookup. Plain: the same code path on a
// prefix of the points (it is slow on the big polygon). PostGIS (when -pg is
// given): a temporary database with the polygons (GiST-indexed) and the
// points (GiST-indexed) loaded by COPY; throughput is one query counting the
// (point, polygon) covering pairs, planned both ways (points outer, and
// polygons outer so PostGIS reuses its per-polygon edge cache, as
// data/oracle_test.go found ten times faster), parallel workers off so it is
// one core like wangge, the faster taken, divided by the number of points;
// latency is a prepared single-point query over the loopback connection. The
// database is dropped at the end.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"github.com/wangge/wangge/bench"
	"github.com/wangge/wangge/bench/synth"
	"github.com/wangge/wangge/geo"
)

type config struct {
	pg        string
	dataDir   string
	n         int // points for wangge
	pgN       int // points for the PostGIS batch query (national)
	pgNHoles  int // ... on the synthetic polygon
	pgSingle  int // single-point PostGIS queries (national; a tenth on the synthetic polygon)
	plainNat  int // points for the plain approach on the national set
	plainHole int // ... and on the synthetic polygon
	seed      uint64
	only      string
}

func main() {
	var c config
	flag.StringVar(&c.pg, "pg", os.Getenv("WANGGE_TEST_PG"), "PostgreSQL with PostGIS (empty: skip PostGIS)")
	flag.StringVar(&c.dataDir, "data", bench.SharedDir(), "directory of cn-all-districts-0{1,2,3}.geojson.gz")
	flag.IntVar(&c.n, "n", 1_000_000, "points for wangge")
	flag.IntVar(&c.pgN, "pgn", 100_000, "points for the PostGIS batch query on cn-all-districts (a prefix of the wangge points)")
	flag.IntVar(&c.pgNHoles, "pgnholes", 2000, "points for the PostGIS batch query on the synthetic polygon (about 3 ms each)")
	flag.IntVar(&c.pgSingle, "pgsingle", 2000, "single-point PostGIS queries")
	flag.IntVar(&c.plainNat, "plainn", 100_000, "points for the plain approach on cn-all-districts")
	flag.IntVar(&c.plainHole, "plainholes", 100, "points for the plain approach on the synthetic polygon (about 60 ms each)")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the points and of the synthetic polygon")
	flag.StringVar(&c.only, "only", "", "run one data set only: national or holes")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "locate:", err)
		os.Exit(1)
	}
}

// result holds one data set's figures, ns per point.
type result struct {
	name                 string
	polygons, vertices   int
	holes                int
	load                 time.Duration // Validate + NewIndex
	wangge, wanggeCPU    float64       // all points: wall time, thread CPU time
	wanggePG, wanggePl   float64       // on the PostGIS and plain prefixes
	plain                float64
	pgBatch, pgSingle    float64
	pgPlan               string
	pairsWangge, pairsPG int // covering pairs on the PostGIS prefix
	plainDisagree        int
	n, plainN, pgN       int
}

func run(c config) error {
	ctx := context.Background()
	var db *pgDB
	if c.pg != "" {
		var err error
		if db, err = newPGDB(ctx, c.pg); err != nil {
			return err
		}
		defer db.drop(ctx)
	}
	var results []result
	if c.only == "" || c.only == "national" {
		fmt.Fprintf(os.Stderr, "loading cn-all-districts from %s ...\n", c.dataDir)
		t := time.Now()
		set, err := bench.NationalSet(c.dataDir)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "read and validated in %v\n", time.Since(t).Round(time.Millisecond))
		r, err := measure(ctx, c, db, "cn-all-districts", set, c.plainNat, c.pgN, c.pgSingle)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if c.only == "" || c.only == "holes" {
		pg := synth.HolesPolygon(synth.Rand(c.seed), synth.DefaultHoles)
		set := &geo.Set{Levels: geo.Levels{"district"}, Grids: []geo.Grid{{Code: "holes", Level: "district", Geometry: orb.MultiPolygon{pg}}}}
		r, err := measure(ctx, c, db, "synthetic 1.1M vertices, 100k holes", set, c.plainHole, c.pgNHoles, max(c.pgSingle/20, 20))
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	report(results, db != nil)
	return nil
}

func measure(ctx context.Context, c config, db *pgDB, name string, set *geo.Set, plainN, pgN, pgSingle int) (result, error) {
	r := result{name: name, polygons: 0}
	t := time.Now()
	if _, err := set.Validate(); err != nil {
		return r, err
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		return r, err
	}
	r.load = time.Since(t)
	for _, g := range set.Grids {
		for _, pg := range g.Geometry {
			r.polygons++
			r.holes += len(pg) - 1
			r.vertices += synth.Vertices(pg)
		}
	}
	fmt.Fprintf(os.Stderr, "%s: %d polygons, %d holes, %d vertices; Validate+NewIndex %v\n", name, r.polygons, r.holes, r.vertices, r.load.Round(time.Millisecond))
	pts := synth.Points(synth.Rand(c.seed+1), bench.SetBound(set), c.n)
	r.n = len(pts)

	// wangge, one goroutine.
	r.wangge, r.wanggeCPU = timeLocate(ix, pts, 3)
	r.plainN = min(plainN, len(pts))
	r.wanggePl, _ = timeLocate(ix, pts[:r.plainN], 3)
	fmt.Fprintf(os.Stderr, "  wangge %.0f ns/lookup (thread CPU time %.0f ns) over %d points\n", r.wangge, r.wanggeCPU, len(pts))

	// The plain approach on a prefix.
	pl := bench.NewPlain(set)
	var buf []int32
	t = time.Now()
	for _, p := range pts[:r.plainN] {
		buf = pl.Covering(p, buf[:0])
	}
	r.plain = float64(time.Since(t).Nanoseconds()) / float64(r.plainN)
	for _, p := range pts[:r.plainN] {
		res, _ := ix.Locate(p, geo.LocateOptions{})
		buf = pl.Covering(p, buf[:0])
		if (res.Match == geo.MatchNone) != (len(buf) == 0) || (len(buf) > 0 && !slices.Contains(buf, res.Owner)) {
			r.plainDisagree++
		}
	}
	fmt.Fprintf(os.Stderr, "  plain %.0f ns/lookup over %d points\n", r.plain, r.plainN)

	if db == nil {
		return r, nil
	}
	r.pgN = min(pgN, len(pts))
	r.wanggePG, _ = timeLocate(ix, pts[:r.pgN], 3)
	for _, p := range pts[:r.pgN] {
		res, _ := ix.Locate(p, geo.LocateOptions{})
		if res.Match != geo.MatchNone {
			r.pairsWangge += 1 + len(res.Others)
		}
	}
	if err := db.load(ctx, set, pts[:r.pgN]); err != nil {
		return r, err
	}
	var pairs int
	r.pgBatch, pairs, r.pgPlan, err = db.batch(ctx, r.pgN)
	if err != nil {
		return r, err
	}
	r.pairsPG = pairs
	fmt.Fprintf(os.Stderr, "  PostGIS batch %.0f ns/point (%s)\n", r.pgBatch, r.pgPlan)
	if r.pgSingle, err = db.single(ctx, pts[:min(pgSingle, len(pts))]); err != nil {
		return r, err
	}
	fmt.Fprintf(os.Stderr, "  PostGIS single-point %.0f ns/query\n", r.pgSingle)
	return r, nil
}

// timeLocate returns the median over passes of the ns per Locate on pts, on
// one goroutine locked to its thread: wall time, and the thread's CPU time
// (which leaves out the time the thread waited for a core on a busy machine).
func timeLocate(ix *geo.Index, pts []orb.Point, passes int) (wall, cpu float64) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var walls, cpus []float64
	for range passes {
		t, c := time.Now(), bench.ThreadCPU()
		for _, p := range pts {
			if _, err := ix.Locate(p, geo.LocateOptions{}); err != nil {
				panic(err)
			}
		}
		walls = append(walls, float64(time.Since(t).Nanoseconds())/float64(len(pts)))
		cpus = append(cpus, float64((bench.ThreadCPU()-c).Nanoseconds())/float64(len(pts)))
	}
	sort.Float64s(walls)
	sort.Float64s(cpus)
	return walls[len(walls)/2], cpus[len(cpus)/2]
}

func report(rs []result, pg bool) {
	fmt.Println("## locate: wangge vs the plain approach vs PostGIS (one core each)")
	for _, r := range rs {
		fmt.Printf("\n### %s (%d polygons, %d holes, %d vertices; Validate+NewIndex %v)\n", r.name, r.polygons, r.holes, r.vertices, r.load.Round(time.Millisecond))
		fmt.Printf("wangge Locate:           %9.0f ns/lookup  (%.1f M lookups/s; thread CPU time %.0f ns; median of 3 passes over %d points)\n", r.wangge, 1e3/r.wangge, r.wanggeCPU, r.n)
		fmt.Printf("plain rtree+orb:         %9.0f ns/lookup  on the first %d points (wangge on the same: %.0f ns) -> wangge %.0fx faster; owners disagreeing: %d\n",
			r.plain, r.plainN, r.wanggePl, r.plain/r.wanggePl, r.plainDisagree)
		if pg {
			fmt.Printf("PostGIS batch ST_Covers: %9.0f ns/point   on the first %d points (wangge on the same: %.0f ns) -> wangge %.0fx faster; plan: %s\n",
				r.pgBatch, r.pgN, r.wanggePG, r.pgBatch/r.wanggePG, r.pgPlan)
			fmt.Printf("PostGIS single query:    %9.0f ns/query   (prepared, loopback) -> wangge %.0fx faster\n", r.pgSingle, r.pgSingle/r.wanggePG)
			fmt.Printf("covering pairs on the PostGIS points: wangge %d, PostGIS %d\n", r.pairsWangge, r.pairsPG)
		}
	}
	fmt.Println("\n### summary (ratios: other / wangge, same points)")
	for _, r := range rs {
		line := fmt.Sprintf("%-40s wangge %6.0f ns (CPU %4.0f) | plain x%.0f", r.name, r.wangge, r.wanggeCPU, r.plain/r.wanggePl)
		if pg {
			line += fmt.Sprintf(" | PostGIS batch x%.0f | PostGIS single x%.0f", r.pgBatch/r.wanggePG, r.pgSingle/r.wanggePG)
		}
		fmt.Println(line)
	}
}

// pgDB is a temporary PostGIS database, dropped by drop.
type pgDB struct {
	admin *pgx.Conn
	conn  *pgx.Conn
	name  string
}

func newPGDB(ctx context.Context, dsn string) (*pgDB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("-pg: %w", err)
	}
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	db := &pgDB{admin: admin, name: "wangge_bench_" + hex.EncodeToString(rnd[:])}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+db.name); err != nil {
		admin.Close(ctx)
		return nil, fmt.Errorf("create database: %w", err)
	}
	cfg.Database = db.name
	if db.conn, err = pgx.ConnectConfig(ctx, cfg); err != nil {
		db.drop(ctx)
		return nil, err
	}
	for _, q := range []string{
		`CREATE EXTENSION postgis`,
		`SET max_parallel_workers_per_gather = 0`, // one core, as wangge is measured
		`SET work_mem = '256MB'`,
	} {
		if _, err := db.conn.Exec(ctx, q); err != nil {
			db.drop(ctx)
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	var v string
	if err := db.conn.QueryRow(ctx, `SELECT postgis_lib_version() || ' on ' || split_part(version(), ' on ', 1)`).Scan(&v); err == nil {
		fmt.Fprintf(os.Stderr, "PostGIS %s\n", v)
	}
	return db, nil
}

func (db *pgDB) drop(ctx context.Context) {
	if db.conn != nil {
		db.conn.Close(ctx)
	}
	if _, err := db.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db.name); err != nil {
		fmt.Fprintf(os.Stderr, "drop database %s: %v\n", db.name, err)
	}
	db.admin.Close(ctx)
}

// load replaces the tables grids (code, geom) and pts (id, geom), both
// GiST-indexed and analysed.
func (db *pgDB) load(ctx context.Context, set *geo.Set, pts []orb.Point) error {
	t := time.Now()
	for _, q := range []string{
		`DROP TABLE IF EXISTS grids, pts`,
		`CREATE TABLE grids (code text PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)`,
		`CREATE TABLE pts (id int PRIMARY KEY, geom geometry(Point, 4326) NOT NULL)`,
	} {
		if _, err := db.conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	n := 0
	_, err := db.conn.CopyFrom(ctx, pgx.Identifier{"grids"}, []string{"code", "geom"}, pgx.CopyFromFunc(func() ([]any, error) {
		if n == len(set.Grids) {
			return nil, nil
		}
		g := &set.Grids[n]
		n++
		b, err := ewkb.Marshal(g.Geometry, 4326)
		return []any{g.Code, b}, err
	}))
	if err != nil {
		return fmt.Errorf("copy grids: %w", err)
	}
	n = 0
	_, err = db.conn.CopyFrom(ctx, pgx.Identifier{"pts"}, []string{"id", "geom"}, pgx.CopyFromFunc(func() ([]any, error) {
		if n == len(pts) {
			return nil, nil
		}
		b, err := ewkb.Marshal(pts[n], 4326)
		n++
		return []any{n - 1, b}, err
	}))
	if err != nil {
		return fmt.Errorf("copy points: %w", err)
	}
	for _, q := range []string{
		`CREATE INDEX ON grids USING gist (geom)`,
		`CREATE INDEX ON pts USING gist (geom)`,
		`ANALYZE grids`,
		`ANALYZE pts`,
	} {
		if _, err := db.conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	fmt.Fprintf(os.Stderr, "  PostGIS loaded %d grids and %d points in %v\n", len(set.Grids), len(pts), time.Since(t).Round(time.Millisecond))
	return nil
}

// batch times the covering-pairs count over all points, both plans, and
// returns the faster per point, the pair count and which plan it was.
func (db *pgDB) batch(ctx context.Context, n int) (float64, int, string, error) {
	queries := []struct{ name, sql string }{
		{"points outer, GiST on grids", `SELECT count(*) FROM pts p JOIN grids g ON ST_Covers(g.geom, p.geom)`},
		{"polygons outer, GiST on points", `SELECT count(*) FROM grids g
			CROSS JOIN LATERAL (SELECT p.id FROM pts p WHERE ST_Covers(g.geom, p.geom) OFFSET 0) p`},
	}
	best, pairs, plan := 0.0, 0, ""
	var all []string
	for _, q := range queries {
		// One warm-up run (caches, detoasting), then the timed one.
		var c int
		if err := db.conn.QueryRow(ctx, q.sql).Scan(&c); err != nil {
			return 0, 0, "", fmt.Errorf("%s: %w", q.name, err)
		}
		t := time.Now()
		if err := db.conn.QueryRow(ctx, q.sql).Scan(&c); err != nil {
			return 0, 0, "", fmt.Errorf("%s: %w", q.name, err)
		}
		ns := float64(time.Since(t).Nanoseconds()) / float64(n)
		all = append(all, fmt.Sprintf("%s %.0f ns", q.name, ns))
		if plan == "" || ns < best {
			best, pairs, plan = ns, c, q.name
		}
	}
	return best, pairs, "best of: " + strings.Join(all, "; "), nil
}

// single returns the mean latency of a prepared single-point query.
func (db *pgDB) single(ctx context.Context, pts []orb.Point) (float64, error) {
	const q = `SELECT code FROM grids WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`
	if _, err := db.conn.Prepare(ctx, "one", q); err != nil {
		return 0, err
	}
	for _, p := range pts[:min(10, len(pts))] { // warm-up
		rows, _ := db.conn.Query(ctx, "one", p[0], p[1])
		rows.Close()
	}
	t := time.Now()
	for _, p := range pts {
		rows, err := db.conn.Query(ctx, "one", p[0], p[1])
		if err != nil {
			return 0, err
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	return float64(time.Since(t).Nanoseconds()) / float64(len(pts)), nil
}

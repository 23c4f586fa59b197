package data_test

// TestValidationAgainstPostGIS is a differential test of geo/topology
// against PostGIS on the shared boundary data. Areas must agree within
// max(0.5%, 100 m²).
//
// wangge repairs a dirty grid to what its boundary rule covers (geo.Locate,
// and PostGIS's own ST_Covers on the raw geometry, as TestOracleCovers
// checks). PostGIS's ST_MakeValid decides by parity over the de-duplicated
// linework instead, so it differs where a ring runs twice along a stretch
// (the ground it fences off becomes inside), where parts of a multipolygon
// overlap (the overlap becomes outside) or where a ring winds twice: on 494
// of the 3,253 national polygons. So the test checks, for each data set:
//
//   - the repair: on random points around every invalid grid, the repaired
//     geometry covers exactly what ST_Covers says the raw geometry covers;
//   - every overlap of two siblings against ST_Area(ST_Intersection(
//     ST_MakeValid(a), ST_MakeValid(b))::geography), literally, for the
//     pairs whose grids ST_MakeValid repairs the same way (ST_SymDifference
//     under 1 m²), and on the repaired geometry for every pair;
//   - the gaps (the connected parts of ST_Difference of the parent, or of an
//     envelope around the roots, with ST_Union of the children) and each
//     child's part outside its parent (ST_Difference), on the repaired
//     geometry;
//   - the set of invalid grids against ST_IsValid.
//
// Both sides see the same geometry bit for bit (pgLoadGrids checks the
// normalised input back; the repaired geometry goes in as WKB).

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/planar"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/topology"
)

// validationTolerance is how far an area may be from PostGIS's.
func validationTolerance(pg float64) float64 { return max(0.005*pg, 100) }

func TestValidationAgainstPostGIS(t *testing.T) {
	dsn := pgOrSkip(t)
	dir := sharedDataOrSkip(t, append([]string{"cn-districts.geojson", "cn-districts-wgs84.geojson"}, oracleAllFiles...)...)
	conn := pgTempDB(t, dsn, "topology")

	city := func(name string) func(geo.Grid) bool {
		return func(g geo.Grid) bool { return g.Attrs["city"] == name }
	}
	// Two windows of the national data where cities and provinces meet
	// (their boundaries were drawn apart: overlaps and gaps).
	window := func(b orb.Bound) func(geo.Grid) bool {
		return func(g geo.Grid) bool { return g.Geometry.Bound().Intersects(b) }
	}
	cases := []struct {
		name, table, code string
		files             []string
		keep              func(geo.Grid) bool
	}{
		{"郑州", "zz", "adcode", []string{"cn-districts.geojson"}, city("郑州市")},
		{"深圳", "sz", "adcode", []string{"cn-districts.geojson"}, city("深圳市")},
		{"上海-江苏-浙江", "sh", "uid", oracleAllFiles, window(orb.Bound{Min: orb.Point{120.4, 30.7}, Max: orb.Point{121.3, 31.5}})},
		{"北京-天津-河北", "jj", "uid", oracleAllFiles, window(orb.Bound{Min: orb.Point{116.9, 39.2}, Max: orb.Point{117.6, 40.1}})},
	}
	read := map[string][]geo.Grid{} // file → grids, read once
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := &geo.Set{Layer: "main", Levels: geo.Levels{"district"}}
			for _, f := range c.files {
				grids, ok := read[f]
				if !ok {
					var err error
					grids, err = data.ReadGridsFile(filepath.Join(dir, f), data.GridFields{Code: c.code, DefaultLevel: "district"}, 0)
					if err != nil {
						t.Fatal(err)
					}
					read[f] = grids
				}
				for _, g := range grids {
					if c.keep(g) {
						set.Grids = append(set.Grids, g)
					}
				}
			}
			ix := indexOf(t, set)
			rep := validateAll(t, ix)
			pgLoadGrids(t, conn, c.table, ix)
			same := pgLoadRepaired(t, conn, c.table, ix)
			compareRepair(t, conn, c.table, ix)
			compareOverlaps(t, conn, c.table, "", rep, same)
			compareGaps(t, conn, c.table, "", "district", rep)
			compareInvalid(t, conn, c.table, rep)
		})
	}

	// 二七区 as the one-step WGS-84 conversion of cn-districts-wgs84.geojson,
	// with the demo's 16 streets, cut from wangge's own (iterative, 1 cm)
	// conversion of the same outline: they differ by up to about a metre,
	// so the streets stick out and leave slivers along the outline.
	t.Run("二七区 streets", func(t *testing.T) {
		set := &geo.Set{Layer: "main", Levels: geo.Levels{"district", "street"}}
		outline, err := data.ReadGridsFile(filepath.Join(dir, "cn-districts-wgs84.geojson"), data.GridFields{Code: "adcode", DefaultLevel: "district"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range outline {
			if g.Code == "410103" {
				set.Grids = append(set.Grids, geo.Grid{Code: g.Code, Name: g.Name, Level: "district", Geometry: g.Geometry})
			}
		}
		streets, err := data.ReadGrids(bytes.NewReader(demo.Grids()), data.GridFields{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range streets {
			if g.Level == "street" {
				set.Grids = append(set.Grids, geo.Grid{Code: g.Code, Name: g.Name, Level: "street", Parent: "410103", Geometry: g.Geometry})
			}
		}
		ix := indexOf(t, set)
		rep := validateAll(t, ix)
		pgLoadGrids(t, conn, "erqi", ix)
		same := pgLoadRepaired(t, conn, "erqi", ix)
		compareRepair(t, conn, "erqi", ix)
		compareOverlaps(t, conn, "erqi", "410103", rep, same)
		compareOutside(t, conn, "erqi", "410103", rep)
		compareGaps(t, conn, "erqi", "410103", "street", rep)
	})
}

func indexOf(t *testing.T, set *geo.Set) *geo.Index {
	t.Helper()
	if _, err := set.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatalf("NewIndex: %v", err)
	}
	return ix
}

// validateAll reports every overlap, gap and part outside, however small.
func validateAll(t *testing.T, ix *geo.Index) *topology.Report {
	t.Helper()
	start := time.Now()
	rep, err := topology.Validate(context.Background(), ix, topology.Options{MinAreaM2: 0})
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	t.Logf("%d grids validated in %v: %d overlaps, %d gaps, %d outside, %d invalid", ix.Len(), time.Since(start).Round(time.Millisecond),
		rep.Count(topology.KindOverlap), rep.Count(topology.KindGap), rep.Count(topology.KindOutsideParent), rep.Count(topology.KindInvalid))
	return rep
}

// areaCheck accumulates comparisons and reports the worst.
type areaCheck struct {
	t        *testing.T
	what     string
	n, bad   int
	worst    float64 // largest |diff| / tolerance
	worstMsg string
}

func (c *areaCheck) check(key string, got, pg float64) {
	c.n++
	d := math.Abs(got - pg)
	if r := d / validationTolerance(pg); r > c.worst {
		c.worst, c.worstMsg = r, fmt.Sprintf("%s: %.1f m², PostGIS %.1f", key, got, pg)
	}
	if d > validationTolerance(pg) {
		if c.bad++; c.bad <= 10 {
			c.t.Errorf("%s %s: %.1f m², PostGIS %.1f (off by %.1f m², tolerance %.1f)", c.what, key, got, pg, d, validationTolerance(pg))
		}
	}
}

func (c *areaCheck) log() {
	c.t.Logf("%s: %d compared, %d off; closest to the tolerance: %.3g of it (%s)", c.what, c.n, c.bad, c.worst, c.worstMsg)
}

// compareOverlaps compares the overlap of every pair of siblings whose
// boxes meet (the children of parent, or every grid when parent is ""):
// with ST_MakeValid of the raw geometry when both grids are in same, and
// with the repaired geometry always.
func compareOverlaps(t *testing.T, conn *pgx.Conn, table, parent string, rep *topology.Report, same map[string]bool) {
	mine := map[string]float64{}
	for _, p := range rep.Problems {
		if p.Kind == topology.KindOverlap {
			mine[strings.Join(p.Grids, ",")] = p.AreaM2
		}
	}
	for _, src := range []struct{ what, table, geom string }{
		{"overlap (ST_MakeValid of the raw geometry)", table, "ST_MakeValid(%s.geom)"},
		{"overlap (repaired geometry)", table + "_fixed", "%s.geom"},
	} {
		a, b := fmt.Sprintf(src.geom, "a"), fmt.Sprintf(src.geom, "b")
		q := `SELECT a.code, b.code, ST_Area(ST_Intersection(` + a + `, ` + b + `)::geography)
			FROM ` + src.table + ` a JOIN ` + src.table + ` b ON a.code < b.code AND a.geom && b.geom
			WHERE a.code <> $1 AND b.code <> $1`
		rows, err := conn.Query(context.Background(), q, parent)
		if err != nil {
			t.Fatalf("overlaps: %v", err)
		}
		c := &areaCheck{t: t, what: src.what}
		seen := map[string]bool{}
		skipped := 0
		var ca, cb string
		var area float64
		_, err = pgx.ForEachRow(rows, []any{&ca, &cb, &area}, func() error {
			key := ca + "," + cb
			seen[key] = true
			if src.table == table && (!same[ca] || !same[cb]) {
				skipped++
				return nil
			}
			c.check(key, mine[key], area)
			return nil
		})
		if err != nil {
			t.Fatalf("overlaps: %v", err)
		}
		for key, area := range mine {
			if !seen[key] {
				c.check(key+" (boxes apart in PostGIS)", area, 0)
			}
		}
		c.log()
		if skipped > 0 {
			t.Logf("%s: %d pairs left to the repaired comparison (ST_MakeValid repairs a grid of theirs otherwise)", src.what, skipped)
		}
	}
}

// compareOutside compares each child's part outside parent (repaired
// geometry).
func compareOutside(t *testing.T, conn *pgx.Conn, table, parent string, rep *topology.Report) {
	mine := map[string]float64{}
	for _, p := range rep.Problems {
		if p.Kind == topology.KindOutsideParent {
			mine[p.Grids[0]] = p.AreaM2
		}
	}
	rows, err := conn.Query(context.Background(), `SELECT c.code, ST_Area(ST_Difference(c.geom, p.geom)::geography)
		FROM `+table+`_fixed c, `+table+`_fixed p WHERE p.code = $1 AND c.code <> $1`, parent)
	if err != nil {
		t.Fatalf("outside: %v", err)
	}
	c := &areaCheck{t: t, what: "outside_parent"}
	var code string
	var area float64
	_, err = pgx.ForEachRow(rows, []any{&code, &area}, func() error {
		c.check(code, mine[code], area)
		return nil
	})
	if err != nil {
		t.Fatalf("outside: %v", err)
	}
	c.log()
}

// compareGaps compares the gaps (repaired geometry): in parent when it is
// not "" (its difference with the union of the others), else between the
// roots (the parts of an envelope's difference with their union that do not
// reach the envelope's edge). The totals must agree, and each PostGIS gap of
// 1,000 m² or more must match one of ours (holding its point on surface).
func compareGaps(t *testing.T, conn *pgx.Conn, table, parent, level string, rep *topology.Report) {
	var q string
	if parent != "" {
		q = `WITH u AS (SELECT ST_Union(geom) g FROM ` + table + `_fixed WHERE code <> $1),
			d AS (SELECT (ST_Dump(ST_Difference(p.geom, u.g))).geom g FROM ` + table + `_fixed p, u WHERE p.code = $1)
			SELECT ST_Area(g::geography), ST_AsBinary(ST_PointOnSurface(g)) FROM d WHERE ST_Dimension(g) = 2`
	} else {
		q = `WITH u AS (SELECT ST_Union(geom) g FROM ` + table + `_fixed WHERE code <> $1),
			e AS (SELECT ST_Expand(ST_Envelope(g), 0.01) env, g FROM u),
			d AS (SELECT (ST_Dump(ST_Difference(env, g))).geom g, env FROM e)
			SELECT ST_Area(g::geography), ST_AsBinary(ST_PointOnSurface(g)) FROM d
			WHERE ST_Dimension(g) = 2 AND NOT ST_Intersects(g, ST_Boundary(env))`
	}
	rows, err := conn.Query(context.Background(), q, parent)
	if err != nil {
		t.Fatalf("gaps: %v", err)
	}
	var gaps []orb.MultiPolygon
	var mineTotal float64
	for _, p := range rep.Problems {
		// The gaps at level: in parent mode those of its children, not
		// those between roots (which its own holes are).
		if p.Kind == topology.KindGap && p.Level == level {
			gaps = append(gaps, p.Geometry.(orb.MultiPolygon))
			mineTotal += p.AreaM2
		}
	}
	c := &areaCheck{t: t, what: "gap"}
	var pgTotal float64
	var pgN int
	var area float64
	var pt []byte
	type big struct {
		area float64
		at   orb.Point
	}
	var bigs []big
	_, err = pgx.ForEachRow(rows, []any{&area, &pt}, func() error {
		pgTotal += area
		pgN++
		if area >= 1000 {
			g, err := wkb.Unmarshal(pt)
			if err != nil {
				return err
			}
			bigs = append(bigs, big{area, g.(orb.Point)})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("gaps: %v", err)
	}
	sort.Slice(bigs, func(i, j int) bool { return bigs[i].area > bigs[j].area })
	for _, b := range bigs {
		i := slices.IndexFunc(gaps, func(g orb.MultiPolygon) bool { return planar.MultiPolygonContains(g, b.at) })
		if i < 0 {
			t.Errorf("PostGIS gap of %.1f m² at %v: no gap of ours holds it", b.area, b.at)
			continue
		}
		c.check(fmt.Sprintf("at %v", b.at), topology.AreaM2(gaps[i]), b.area)
	}
	c.check("total", mineTotal, pgTotal)
	c.log()
	t.Logf("gaps: %d ours (%.1f m²), %d PostGIS (%.1f m²)", len(gaps), mineTotal, pgN, pgTotal)
}

// compareInvalid compares the grids reported invalid with ST_IsValid.
func compareInvalid(t *testing.T, conn *pgx.Conn, table string, rep *topology.Report) {
	rows, err := conn.Query(context.Background(), `SELECT code FROM `+table+` WHERE NOT ST_IsValid(geom) ORDER BY code`)
	if err != nil {
		t.Fatalf("invalid: %v", err)
	}
	pg, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("invalid: %v", err)
	}
	var mine []string
	for _, p := range rep.Problems {
		if p.Kind == topology.KindInvalid {
			mine = append(mine, p.Grids...)
		}
	}
	slices.Sort(mine)
	if !slices.Equal(mine, pg) {
		t.Errorf("invalid grids: ours %v, PostGIS %v", mine, pg)
	}
	t.Logf("invalid: %d grids, as PostGIS", len(mine))
}

// pgLoadRepaired loads each grid's repaired geometry into table_fixed
// (made valid in the OGC sense by ST_MakeValid, which moves no point there:
// it only splits polygons whose rings touch at several points) and returns
// the grids ST_MakeValid repairs to the same ground from the raw geometry
// (symmetric difference under 1 m²).
func pgLoadRepaired(t *testing.T, conn *pgx.Conn, table string, ix *geo.Index) map[string]bool {
	ctx := context.Background()
	fixed := table + "_fixed"
	if _, err := conn.Exec(ctx, `CREATE TABLE `+fixed+` (code text PRIMARY KEY, geom geometry NOT NULL)`); err != nil {
		t.Fatalf("create %s: %v", fixed, err)
	}
	n := 0
	_, err := conn.CopyFrom(ctx, pgx.Identifier{fixed}, []string{"code", "geom"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n == ix.Len() {
				return nil, nil
			}
			g := ix.Grid(int32(n))
			n++
			b, err := ewkb.Marshal(topology.Repair(g.Geometry).Geometry, oracleSRID)
			return []any{g.Code, b}, err
		}))
	if err != nil {
		t.Fatalf("copy into %s: %v", fixed, err)
	}
	for _, q := range []string{
		`UPDATE ` + fixed + ` SET geom = ST_MakeValid(geom) WHERE NOT ST_IsValid(geom)`,
		`CREATE INDEX ON ` + fixed + ` USING gist (geom)`,
		`ANALYZE ` + fixed,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows, err := conn.Query(ctx, `SELECT r.code, ST_Area(ST_SymDifference(ST_MakeValid(r.geom), f.geom)::geography)
		FROM `+table+` r JOIN `+fixed+` f USING (code)`)
	if err != nil {
		t.Fatalf("compare with ST_MakeValid: %v", err)
	}
	same := map[string]bool{}
	var code string
	var d float64
	differ, worst, worstCode := 0, 0.0, ""
	_, err = pgx.ForEachRow(rows, []any{&code, &d}, func() error {
		if d < 1 {
			same[code] = true
		} else {
			differ++
			if d > worst {
				worst, worstCode = d, code
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("compare with ST_MakeValid: %v", err)
	}
	t.Logf("ST_MakeValid repairs %d of %d grids to other ground than the boundary rule (the most: %s, %.0f m²)", differ, ix.Len(), worstCode, worst)
	return same
}

// compareRepair checks the repair against ST_Covers on the raw geometry, on
// 300 random points in the box of each invalid grid.
func compareRepair(t *testing.T, conn *pgx.Conn, table string, ix *geo.Index) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	type sample struct {
		code string
		p    orb.Point
		in   bool
	}
	var samples []sample
	for i := range ix.Len() {
		g := ix.Grid(int32(i))
		r := topology.Repair(g.Geometry)
		if len(r.Defects) == 0 {
			continue
		}
		b := ix.Bound(int32(i))
		for range 300 {
			p := orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
			samples = append(samples, sample{g.Code, p, planar.MultiPolygonContains(r.Geometry, p)})
		}
	}
	if len(samples) == 0 {
		return
	}
	codes := make([]string, len(samples))
	xs := make([]float64, len(samples))
	ys := make([]float64, len(samples))
	for i, s := range samples {
		codes[i], xs[i], ys[i] = s.code, s.p[0], s.p[1]
	}
	rows, err := conn.Query(ctx, `SELECT s.i, ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(s.x, s.y), 4326)), ST_Intersects(ST_Boundary(g.geom), ST_SetSRID(ST_MakePoint(s.x, s.y), 4326))
		FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS s(code, x, y, i) JOIN `+table+` g ON g.code = s.code`, codes, xs, ys)
	if err != nil {
		t.Fatalf("repair points: %v", err)
	}
	var i int64
	var covers, onBoundary bool
	bad := 0
	_, err = pgx.ForEachRow(rows, []any{&i, &covers, &onBoundary}, func() error {
		s := samples[i-1]
		if !onBoundary && covers != s.in {
			if bad++; bad <= 5 {
				t.Errorf("repaired %s covers %v: %v, PostGIS ST_Covers on the raw geometry: %v", s.code, s.p, s.in, covers)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("repair points: %v", err)
	}
	t.Logf("repair: %d points around the invalid grids, %d disagree with ST_Covers", len(samples), bad)
}

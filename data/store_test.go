package data

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

// TestStoreSetRoundTrip: boundary versions of two layers written and read
// back the same on both stores, with which is current.
func TestStoreSetRoundTrip(t *testing.T) { forEachStore(t, testStoreSetRoundTrip) }

func testStoreSetRoundTrip(t *testing.T, k storeKind) {
	ctx := context.Background()
	st := openTestStore(t, k)
	if _, err := st.CurrentSet(ctx, "main"); !errors.Is(err, geo.ErrNotFound) {
		t.Fatalf("CurrentSet on an empty store: err = %v, want ErrNotFound", err)
	}
	if v, err := st.CurrentVersion(ctx, "main"); v != 0 || err != nil {
		t.Fatalf("CurrentVersion on an empty store = %d, %v; want 0", v, err)
	}
	v1, err := st.SaveSet(ctx, testSet("main", "a", "b"), "first")
	if err != nil {
		t.Fatal(err)
	}
	want := testSet("main", "a", "b", "c")
	// A polygon with a hole and a second part: rings and parts must come
	// back in order.
	want.Grids[2].Geometry = orb.MultiPolygon{
		{{{2, 0}, {3, 0}, {3, 1}, {2, 1}, {2, 0}}, {{2.2, 0.2}, {2.2, 0.4}, {2.4, 0.4}, {2.4, 0.2}, {2.2, 0.2}}},
		{{{2.5, 1.5}, {2.6, 1.5}, {2.6, 1.6}, {2.5, 1.5}}},
	}
	v2, err := st.SaveSet(ctx, want, "second")
	if err != nil {
		t.Fatal(err)
	}
	if v2 <= v1 || want.Version != v2 {
		t.Fatalf("versions %d then %d (set.Version %d): want increasing and set", v1, v2, want.Version)
	}
	if _, err := st.SaveSet(ctx, testSet("police", "p"), ""); err != nil {
		t.Fatal(err)
	}
	got, err := st.CurrentSet(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CurrentSet = %+v\nwant %+v", got, want)
	}
	if v, err := st.CurrentVersion(ctx, "main"); v != v2 || err != nil {
		t.Errorf("CurrentVersion = %d, %v; want %d", v, err, v2)
	}
	old, err := st.VersionSet(ctx, v1)
	if err != nil || len(old.Grids) != 2 {
		t.Errorf("VersionSet(%d) = %v grids, %v; want the 2 grids of the first version", v1, len(old.Grids), err)
	}
	vs, err := st.Versions(ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Current || !vs[1].Current || vs[1].Note != "second" || vs[1].GridCount != 3 {
		t.Errorf("Versions = %+v, want two with the second current", vs)
	}
	police, err := st.CurrentSet(ctx, "police")
	if err != nil || len(police.Grids) != 1 || police.Layer != "police" {
		t.Errorf("CurrentSet(police) = %+v, %v", police, err)
	}
	if _, err := st.VersionSet(ctx, 999); !errors.Is(err, geo.ErrNotFound) {
		t.Errorf("VersionSet(999): err = %v, want ErrNotFound", err)
	}
	if k != kindPostgres {
		return
	}
	// In PostGIS: valid multipolygons in SRID 4326, found through the GiST
	// index by ST_Covers as the index finds them.
	var n int
	var code string
	err = st.base().db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE ST_SRID(geom) = 4326 AND ST_IsValid(geom)
		AND GeometryType(geom) = 'MULTIPOLYGON') FROM grids WHERE version_id = ?`, v2).Scan(&n)
	if err != nil || n != 3 {
		t.Errorf("valid 4326 multipolygons of version %d = %d, %v; want 3", v2, n, err)
	}
	err = st.base().db.QueryRowContext(ctx, `SELECT code FROM grids WHERE version_id = ?
		AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(2.55, 1.52), 4326))`, v2).Scan(&code)
	if err != nil || code != "c" {
		t.Errorf("ST_Covers(2.55 1.52) = %q, %v; want c (second part)", code, err)
	}
	err = st.base().db.QueryRowContext(ctx, `SELECT count(*) FROM grids WHERE version_id = ?
		AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(2.3, 0.3), 4326))`, v2).Scan(&n)
	if err != nil || n != 0 {
		t.Errorf("grids covering a hole's interior = %d, %v; want 0", n, err)
	}
}

// TestMultiPolygonEWKB: the EWKB codec round-trips, and reads Z and M
// coordinates (dropped) and single polygons, which orb's reader misreads.
func TestMultiPolygonEWKB(t *testing.T) {
	mp := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, {{0.1, 0.05}, {0.2, 0.05}, {0.2, 0.1}, {0.1, 0.05}}}, {{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}}
	b, err := multiPolygonEWKB(mp)
	if err != nil {
		t.Fatal(err)
	}
	got, err := multiPolygonFromEWKB(b)
	if err != nil || !reflect.DeepEqual(got, mp) {
		t.Errorf("round trip = %v, %v; want %v", got, err, mp)
	}
	g, _ := ewkb.Unmarshal(b)
	if g.SRID() != 4326 {
		t.Errorf("SRID = %d, want 4326", g.SRID())
	}
	zm := geom.NewPolygon(geom.XYZM).MustSetCoords([][]geom.Coord{{{0, 0, 9, 8}, {1, 0, 9, 8}, {1, 1, 9, 8}, {0, 0, 9, 8}}}).SetSRID(4326)
	b, err = ewkb.Marshal(zm, binary.BigEndian)
	if err != nil {
		t.Fatal(err)
	}
	got, err = multiPolygonFromEWKB(b)
	if want := (orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("XYZM polygon = %v, %v; want %v", got, err, want)
	}
	if _, err := multiPolygonFromEWKB([]byte{1, 2, 3}); err == nil {
		t.Error("garbage decoded without error")
	}
}

var testAddresses = []address.Record{
	{Address: "河南省郑州市二七区淮河路街道大学路12号", Point: orb.Point{0.5, 0.5},
		Components: address.Components{Province: "河南省", City: "郑州市", District: "二七区", Road: "大学路", Number: "12号"}},
	{Address: "大学路14号", Point: orb.Point{1.5, 0.5}, Components: address.Components{Road: "大学路", Number: "14号"}},
}

// TestStoreAddresses: the address layer written, appended to, replaced and
// read back the same on both stores, with each row's owning grid.
func TestStoreAddresses(t *testing.T) { forEachStore(t, testStoreAddresses) }

func testStoreAddresses(t *testing.T, k storeKind) {
	ctx := context.Background()
	st := openTestStore(t, k)
	if got, err := st.Addresses(ctx); got != nil || err != nil {
		t.Fatalf("Addresses of an empty store = %v, %v", got, err)
	}
	ix, err := geo.NewIndex(testSet("main", "a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.ImportAddresses(ctx, testAddresses, AddressImport{Index: ix})
	if err != nil || res.Written != 2 || res.Total != 2 || res.Outside != 0 {
		t.Fatalf("ImportAddresses = %+v, %v", res, err)
	}
	res, err = st.ImportAddresses(ctx, testAddresses[:1], AddressImport{Append: true})
	if err != nil || res.Total != 3 {
		t.Fatalf("append = %+v, %v", res, err)
	}
	got, err := st.Addresses(ctx)
	if want := append(append([]address.Record(nil), testAddresses...), testAddresses[0]); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Addresses = %+v, %v\nwant %+v", got, err, want)
	}
	var grid string
	if err := st.base().db.QueryRowContext(ctx, `SELECT grid FROM addresses WHERE id = 2`).Scan(&grid); err != nil || grid != "b" {
		t.Errorf("owner of address 2 = %q, %v; want b", grid, err)
	}
	if _, err := st.ImportAddresses(ctx, testAddresses[1:], AddressImport{}); err != nil {
		t.Fatal(err)
	}
	if n, err := st.AddressCount(ctx); n != 1 || err != nil {
		t.Errorf("AddressCount after replacing = %d, %v; want 1", n, err)
	}
}

// TestPgPipelineFallback: on PostgreSQL a batch of creates is pipelined; a
// statement failing in it (here the check on coordinates, which the API's
// validation would have refused) sends the batch one by one, under
// savepoints: that report fails alone, the others are stored once each,
// and replays in the same batch get the first answer.
func TestPgPipelineFallback(t *testing.T) {
	_, rs, ix := openReports(t, kindPostgres)
	ctx := context.Background()
	const n = 60
	errs := make([]error, n)
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newReport(t, ix, orb.Point{0.1 + float64(i)/n, 0.5}, day0, "1")
			var idem *geo.IdempotencyKey
			switch {
			case i == n/2:
				r.Point = orb.Point{500, 0.5}
			case i%10 == 0:
				idem = &geo.IdempotencyKey{Scope: "1", Key: "same", Render: func(r *geo.Report) ([]byte, error) { return fmt.Appendf(nil, "%d", r.ID), nil }}
			}
			var body []byte
			body, _, errs[i] = rs.CreateReport(ctx, r, idem)
			bodies[i] = string(body)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == n/2) {
			t.Errorf("report %d: err %v", i, err)
		}
		if i%10 == 0 && i != n/2 && bodies[i] != bodies[0] {
			t.Errorf("same key answered %q and %q", bodies[0], bodies[i])
		}
	}
	// One refused, five under one key (stored once).
	if got, want := countReports(t, rs), n-1-5+1; got != want {
		t.Errorf("%d reports stored, want %d", got, want)
	}
}

// FuzzMultiPolygonEWKB: any bytes decode without a panic, and what decodes
// encodes and decodes back the same.
func FuzzMultiPolygonEWKB(f *testing.F) {
	b, _ := multiPolygonEWKB(orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}})
	f.Add(b)
	zm := geom.NewPolygon(geom.XYZM).MustSetCoords([][]geom.Coord{{{0, 0, 9, 8}, {1, 0, 9, 8}, {1, 1, 9, 8}, {0, 0, 9, 8}}})
	b, _ = ewkb.Marshal(zm, binary.BigEndian)
	f.Add(b)
	f.Add([]byte{1, 6, 0, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		mp, err := multiPolygonFromEWKB(in)
		if err != nil {
			return
		}
		out, err := multiPolygonEWKB(mp)
		if err != nil {
			t.Fatalf("decoded %v but cannot encode it: %v", mp, err)
		}
		back, err := multiPolygonFromEWKB(out)
		if err != nil || len(back) != len(mp) {
			t.Fatalf("round trip of %v = %v, %v", mp, back, err)
		}
	})
}

// TestSeedDemoTogether: two processes seeding the demo into one empty
// PostgreSQL database at once write it once.
func TestSeedDemoTogether(t *testing.T) {
	ctx := context.Background()
	url := pgTestDB(t, "seed")
	var stores [2]Store
	for i := range stores {
		st, err := OpenPostgres(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		stores[i] = st
	}
	var wg sync.WaitGroup
	wrote := make([]bool, len(stores))
	for i, st := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if wrote[i], err = SeedDemo(ctx, st); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	vs, err := stores[0].Versions(ctx, geo.DefaultLayer)
	if err != nil || len(vs) != 1 || wrote[0] == wrote[1] {
		t.Errorf("after two seeds at once: %d versions (%v), wrote %v; want one version, written once", len(vs), err, wrote)
	}
}

// TestDatabaseClock: with UseDatabaseClock, new reports are dated by
// PostgreSQL's clock, deadline and creation events moved with them, in the
// stored report and in the answer kept for the idempotency key.
func TestDatabaseClock(t *testing.T) {
	_, rs, ix := openReports(t, kindPostgres)
	rs.UseDatabaseClock()
	ctx := context.Background()
	var dbNow time.Time
	if err := rs.db.QueryRowContext(ctx, `SELECT clock_timestamp()`).Scan(&dbNow); err != nil {
		t.Fatal(err)
	}
	for _, keyed := range []bool{false, true} {
		r := newReport(t, ix, orb.Point{0.5, 0.5}, day0, "1") // dated 2025-06-01 by the caller
		deadline := r.DueAt.Sub(r.CreatedAt)
		var idem *geo.IdempotencyKey
		if keyed {
			idem = &geo.IdempotencyKey{Scope: "1", Key: "k", Render: func(r *geo.Report) ([]byte, error) {
				return []byte(r.CreatedAt.Format(time.RFC3339Nano)), nil
			}}
		}
		body, _, err := rs.CreateReport(ctx, r, idem)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rs.Report(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := got.CreatedAt.Sub(dbNow); d < 0 || d > time.Minute {
			t.Errorf("created at %v, the database's clock said %v", got.CreatedAt, dbNow)
		}
		if !got.CreatedAt.Equal(r.CreatedAt) || got.DueAt.Sub(got.CreatedAt) != deadline || !got.UpdatedAt.Equal(got.CreatedAt) {
			t.Errorf("stored %v due %v updated %v (caller sees %v); want the deadline %v after creation", got.CreatedAt, got.DueAt, got.UpdatedAt, r.CreatedAt, deadline)
		}
		for _, e := range got.Events {
			if !e.At.Equal(got.CreatedAt) {
				t.Errorf("event %+v not at the creation %v", e, got.CreatedAt)
			}
		}
		if keyed && string(body) != got.CreatedAt.Format(time.RFC3339Nano) {
			t.Errorf("answer %q, stored creation %v", body, got.CreatedAt)
		}
	}
}

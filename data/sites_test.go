package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

func pointGeom(lon, lat string) string {
	return `{"type":"Point","coordinates":[` + lon + `,` + lat + `]}`
}

func TestReadSitesGeoJSON(t *testing.T) {
	in := fc(
		feat(`{"id":"s1","name":"淮河社区党群服务中心","kind":"station","capacity":8000,"phone":"0371"}`, pointGeom("113.64", "34.73")),
		feat(`{"id":17,"kind":"residential","weight":967}`, `{"type":"Point","coordinates":[113.56,34.71,88]}`),
		`{"type":"Feature","id":"f3","properties":{"weight":"12.5"},"geometry":`+pointGeom("113.6", "34.7")+`}`,
		feat(`{"id":"s4","weight":null,"capacity":null}`, pointGeom("0", "0")),
	)
	b, err := ReadSites(strings.NewReader(in), FormatGeoJSON, SiteFields{})
	if err == nil {
		t.Fatalf("features without a kind and no default kind: no error")
	}
	b, err = ReadSites(strings.NewReader(in), FormatGeoJSON, SiteFields{Kind: ""})
	if err == nil {
		t.Fatal("no error without a kind")
	}
	// A default kind fills the missing ones but may not contradict a feature's own.
	_, err = ReadSites(strings.NewReader(in), FormatGeoJSON, SiteFields{Kind: "residential"})
	if err == nil || !strings.Contains(err.Error(), `feature 0 (id "s1"): kind "station" differs`) {
		t.Errorf("kind conflict: %v", err)
	}
	in = fc(
		feat(`{"id":"s1","name":"淮河社区党群服务中心","kind":"station","capacity":8000,"phone":"0371"}`, pointGeom("113.64", "34.73")),
		feat(`{"id":17,"kind":"station","weight":967}`, `{"type":"Point","coordinates":[113.56,34.71,88]}`),
		`{"type":"Feature","id":"f3","properties":{"weight":"12.5"},"geometry":`+pointGeom("113.6", "34.7")+`}`,
		feat(`{"id":"s4","weight":null,"capacity":null}`, pointGeom("0", "0")),
	)
	b, err = ReadSites(strings.NewReader(in), FormatGeoJSON, SiteFields{Kind: "station"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Sites) != 4 || b.Pos[3] != 3 || b.Where(2) != "feature 2" {
		t.Fatalf("read %d sites, positions %v", len(b.Sites), b.Pos)
	}
	s := b.Sites
	if s[0].ID != "s1" || s[0].Kind != "station" || s[0].Weight != 1 || s[0].Capacity == nil || *s[0].Capacity != 8000 || s[0].Attrs["phone"] != "0371" || s[0].Name != "淮河社区党群服务中心" {
		t.Errorf("site 0 = %+v", s[0])
	}
	if s[1].ID != "17" || s[1].Weight != 967 || s[1].Point != (orb.Point{113.56, 34.71}) {
		t.Errorf("site 1 = %+v (numeric id, z dropped)", s[1])
	}
	if s[2].ID != "f3" || s[2].Weight != 12.5 {
		t.Errorf("site 2 = %+v (feature id, numeric string weight)", s[2])
	}
	if s[3].Weight != 1 || s[3].Capacity != nil {
		t.Errorf("site 3 = %+v (null weight is 1, null capacity none)", s[3])
	}
}

func TestReadSitesErrors(t *testing.T) {
	ok := feat(`{"id":"a","kind":"school"}`, pointGeom("113.6", "34.7"))
	tests := []struct {
		name, in, want string
	}{
		{"null geometry", fc(ok, feat(`{"id":"b","kind":"school"}`, `null`)), `feature 1 (id "b"): null geometry`},
		{"polygon", fc(feat(`{"id":"b","kind":"school"}`, square)), `feature 0 (id "b"): geometry type Polygon, want Point`},
		{"lat out of range", fc(ok, ok, feat(`{"id":"c","kind":"school"}`, pointGeom("113", "91"))), `feature 2 (id "c"): lat must be within [-90,90]`},
		{"missing id", fc(feat(`{"kind":"school"}`, pointGeom("1", "1"))), `feature 0: missing id`},
		{"negative weight", fc(feat(`{"id":"a","kind":"school","weight":-3}`, pointGeom("1", "1"))), `weight -3 must be a finite number ≥ 0`},
		{"weight not a number", fc(feat(`{"id":"a","kind":"school","weight":"many"}`, pointGeom("1", "1"))), `property "weight": "many" is not a number`},
		{"weight an object", fc(feat(`{"id":"a","kind":"school","weight":{}}`, pointGeom("1", "1"))), `property "weight" must be a number, not an object`},
		{"bad kind", fc(feat(`{"id":"a","kind":"two words"}`, pointGeom("1", "1"))), `may hold only letters, digits`},
		{"short coordinates", fc(feat(`{"id":"a","kind":"school"}`, `{"type":"Point","coordinates":[1]}`)), `Point coordinates must be [lon, lat]`},
		{"not a feature", fc(ok, `{"type":"Point"}`), `feature 1: type is "Point"`},
		{"not JSON", `{"type":"FeatureCollection","features":[`, `invalid site`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadSites(strings.NewReader(tt.in), FormatGeoJSON, SiteFields{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, geo.ErrInvalidSite) {
				t.Errorf("ReadSites = %v, want an invalid-site error containing %q", err, tt.want)
			}
		})
	}
}

func TestReadSitesCSV(t *testing.T) {
	in := "\ufeffID,Name,Lon,Lat,Weight,capacity,floors\n" +
		"r1,湾刘村10组,113.5669603,34.7124642,967,,6\n" +
		"\"r,2\",\"多行\n名字\",113.6,34.7,,120,\n"
	b, err := ReadSites(strings.NewReader(in), FormatCSV, SiteFields{Kind: "residential"})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Sites) != 2 || b.Where(1) != "line 3" {
		t.Fatalf("read %d sites, second at %q; want 2, line 3", len(b.Sites), b.Where(1))
	}
	r1, r2 := b.Sites[0], b.Sites[1]
	if r1.ID != "r1" || r1.Name != "湾刘村10组" || r1.Weight != 967 || r1.Capacity != nil || r1.Attrs["floors"] != "6" || r1.Point != (orb.Point{113.5669603, 34.7124642}) || r1.Kind != "residential" {
		t.Errorf("row 1 = %+v", r1)
	}
	if r2.ID != "r,2" || r2.Weight != 1 || r2.Capacity == nil || *r2.Capacity != 120 {
		t.Errorf("row 2 = %+v (quoted id, empty weight 1, capacity 120)", r2)
	}
	tests := []struct {
		name, in, want string
	}{ // every case but "missing kind" has the default kind x
		{"no header columns", "a,b,c\n1,2,3\n", "line 1: the header must name the columns id, lon and lat"},
		{"empty", "", "empty CSV"},
		{"bad lon", "id,lon,lat\na,1,2\nb,east,2\n", `line 3 (id "b"): lon "east" is not a number`},
		{"NaN lat", "id,lon,lat\na,1,NaN\n", `line 2 (id "a"): lat must be a finite number`},
		{"short row", "id,lon,lat\na,1,2\nb,1\n", "line 3: wrong number of fields"},
		{"missing kind", "id,lon,lat,kind\na,1,2,\n", `line 2 (id "a"): missing kind`},
		{"duplicate column", "id,lon,lat,lng\na,1,2,3\n", `column "lon" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := "x"
			if tt.name == "missing kind" {
				kind = ""
			}
			_, err := ReadSites(strings.NewReader(tt.in), FormatCSV, SiteFields{Kind: kind})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, geo.ErrInvalidSite) {
				t.Errorf("ReadSites = %v, want an invalid-site error containing %q", err, tt.want)
			}
		})
	}
}

func TestReadSitesFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	geojson := fc(feat(`{"id":"a","kind":"school"}`, pointGeom("113.6", "34.7")))
	for _, name := range []string{"s.geojson", "s.json", "s.txt"} {
		if b, err := ReadSitesFile(write(name, geojson), SiteFields{}); err != nil || b.Format != FormatGeoJSON || len(b.Sites) != 1 {
			t.Errorf("%s: %v %+v, want one GeoJSON site", name, err, b)
		}
	}
	if b, err := ReadSitesFile(write("s.csv", "id,lon,lat\na,1,2\n"), SiteFields{Kind: "x"}); err != nil || b.Format != FormatCSV || b.Where(0) != filepath.Join(dir, "s.csv")+": line 2" {
		t.Errorf("s.csv: %v %+v", err, b)
	}
	_, err := ReadSitesFile(write("bad.csv", "id,lon,lat\na,1,200\n"), SiteFields{Kind: "x"})
	if err == nil || !strings.Contains(err.Error(), "bad.csv: line 2 (id \"a\"): lat must be within") {
		t.Errorf("bad.csv: %v, want the file and line", err)
	}
}

func newSiteStore(t *testing.T, k storeKind) Store {
	t.Helper()
	return openTestStore(t, k)
}

func siteBatch(t *testing.T, format, in, kind string) *SiteBatch {
	t.Helper()
	b, err := ReadSites(strings.NewReader(in), format, SiteFields{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func siteKeys(sites []geo.Site) string {
	var out []string
	for _, s := range sites {
		out = append(out, s.Kind+"/"+s.ID)
	}
	return strings.Join(out, " ")
}

func TestImportSites(t *testing.T) { forEachStore(t, testImportSites) }

func testImportSites(t *testing.T, k storeKind) {
	ctx := context.Background()
	st := newSiteStore(t, k)
	first := siteBatch(t, FormatCSV, "id,lon,lat,kind\ns1,113.6,34.7,station\ns2,113.61,34.7,station\nk1,113.6,34.71,school\n", "")
	res, err := ImportSites(ctx, st, []*SiteBatch{first}, SiteImport{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 3 || res.Read != 3 || strings.Join(res.Kinds, ",") != "school,station" {
		t.Errorf("first import = %+v", res)
	}
	// Replacing the stations keeps the schools and drops s2.
	res, err = ImportSites(ctx, st, []*SiteBatch{siteBatch(t, FormatCSV, "id,lon,lat\ns3,113.62,34.7\ns1,113.6,34.7\n", "station")}, SiteImport{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || res.Updated != 1 || res.Removed != 1 {
		t.Errorf("replace = %+v, want 1 added, 1 updated, 1 removed", res)
	}
	all, _ := st.Sites(ctx, "")
	if got := siteKeys(all); got != "school/k1 station/s3 station/s1" {
		t.Errorf("after replace: %s", got)
	}
	// Append adds s4 after the others and updates s3 in place.
	res, err = ImportSites(ctx, st, []*SiteBatch{siteBatch(t, FormatCSV, "id,name,lon,lat\ns4,新,113.63,34.7\ns3,改,113.62,34.7\n", "station")}, SiteImport{Append: true})
	if err != nil {
		t.Fatal(err)
	}
	stations, _ := st.Sites(ctx, "station")
	if res.Added != 1 || res.Updated != 1 || siteKeys(stations) != "station/s3 station/s1 station/s4" || stations[0].Name != "改" {
		t.Errorf("append = %+v, stations %s (%q)", res, siteKeys(stations), stations[0].Name)
	}
	// A duplicate key across two files names both places; nothing is written.
	a := siteBatch(t, FormatCSV, "id,lon,lat\nx,1,1\n", "station")
	a.Name = "a.csv"
	b := siteBatch(t, FormatGeoJSON, fc(feat(`{"id":"y"}`, pointGeom("1", "1")), feat(`{"id":"x"}`, pointGeom("1", "1"))), "station")
	b.Name = "b.geojson"
	_, err = ImportSites(ctx, st, []*SiteBatch{a, b}, SiteImport{})
	if err == nil || err.Error() != `b.geojson: feature 1 (id "x"): duplicate id in kind "station" (first at a.csv: line 2)` {
		t.Errorf("duplicate: %v", err)
	}
	if after, _ := st.Sites(ctx, ""); siteKeys(after) != "school/k1 station/s3 station/s1 station/s4" {
		t.Errorf("a failed import changed the store: %s", siteKeys(after))
	}
	if _, err := ImportSites(ctx, st, []*SiteBatch{{Format: FormatCSV}}, SiteImport{}); !errors.Is(err, geo.ErrInvalidSite) {
		t.Errorf("empty import: %v, want an invalid-site error", err)
	}
}

// TestImportSitesOwners: sites outside every grid import with a warning.
func TestImportSitesOwners(t *testing.T) { forEachStore(t, testImportSitesOwners) }

func testImportSitesOwners(t *testing.T, k storeKind) {
	set := &geo.Set{Levels: geo.Levels{"grid"}, Grids: []geo.Grid{{Code: "g", Level: "grid",
		Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}}}}
	if _, err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		t.Fatal(err)
	}
	st := newSiteStore(t, k)
	res, err := ImportSites(context.Background(), st, []*SiteBatch{siteBatch(t, FormatCSV, "id,lon,lat\nin,0.5,0.5\nedge,1,0.5\nout,2,2\n", "clinic")}, SiteImport{Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	if res.Outside != 1 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `line 4 (id "out"): outside every grid`) {
		t.Errorf("owners: %+v, want one warning for line 4", res)
	}
	if all, _ := st.Sites(context.Background(), "clinic"); len(all) != 3 {
		t.Errorf("%d clinics stored, want all 3", len(all))
	}
}

func TestReplaceSites(t *testing.T) { forEachStore(t, testReplaceSites) }

func testReplaceSites(t *testing.T, k storeKind) {
	st := newSiteStore(t, k)
	ctx := context.Background()
	kinds, n, err := st.ReplaceSites(ctx, strings.NewReader("id,lon,lat\na,113.6,34.7\n"), FormatCSV, "clinic", "gcj02", false)
	if err != nil || n != 1 || len(kinds) != 1 || kinds[0] != "clinic" {
		t.Fatalf("ReplaceSites = %v %d %v", kinds, n, err)
	}
	got, _ := st.Sites(ctx, "clinic")
	if got[0].Point == (orb.Point{113.6, 34.7}) {
		t.Error("gcj02 input stored unconverted")
	}
	for _, bad := range []struct{ format, kind, crs string }{{"xml", "", ""}, {FormatCSV, "two words", ""}, {FormatCSV, "clinic", "mercator"}} {
		if _, _, err := st.ReplaceSites(ctx, strings.NewReader("id,lon,lat\na,1,1\n"), bad.format, bad.kind, bad.crs, false); !errors.Is(err, geo.ErrInvalidSite) {
			t.Errorf("ReplaceSites(%+v) = %v, want an invalid-site error", bad, err)
		}
	}
}

func TestSeedDemoSites(t *testing.T) { forEachStore(t, testSeedDemoSites) }

func testSeedDemoSites(t *testing.T, k storeKind) {
	ctx := context.Background()
	st := newSiteStore(t, k)
	wrote, err := SeedDemo(ctx, st)
	if err != nil || !wrote {
		t.Fatalf("SeedDemo = %v %v", wrote, err)
	}
	all, err := st.Sites(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, s := range all {
		counts[s.Kind]++
	}
	want := map[string]int{"candidate": 36, "clinic": 48, "company": 82, "construction_site": 19, "kindergarten": 58, "residential": 995, "school": 42, "station": 162}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("demo %s: %d sites, want %d", k, counts[k], n)
		}
	}
	if wrote, err := SeedDemo(ctx, st); wrote || err != nil {
		t.Errorf("second SeedDemo = %v %v, want nothing written", wrote, err)
	}
	// A store whose sites were removed by hand gets the demo sites again;
	// one with other boundaries never does.
	other := newSiteStore(t, k)
	if _, _, err := other.ReplaceGrids(ctx, geo.DefaultLayer, strings.NewReader(fc(feat(`{"code":"x","level":"district"}`, square))), "wgs84"); err != nil {
		t.Fatal(err)
	}
	if wrote, err := SeedDemo(ctx, other); wrote || err != nil {
		t.Errorf("SeedDemo on a store with other boundaries = %v %v, want nothing written", wrote, err)
	}
	if n, _ := other.SiteCount(ctx); n != 0 {
		t.Errorf("a store with other boundaries got %d demo sites", n)
	}
}

func FuzzReadSites(f *testing.F) {
	f.Add(fc(feat(`{"id":"a","kind":"school","weight":3}`, pointGeom("113.6", "34.7"))), false)
	f.Add(`{"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[1,2]}}`, false)
	f.Add("id,name,lon,lat,weight,kind\na,b,1,2,3,school\n", true)
	f.Add("\ufeffid,lon,lat\n\"x\ny\",1,2\n", true)
	f.Fuzz(func(t *testing.T, in string, csv bool) {
		format := FormatGeoJSON
		if csv {
			format = FormatCSV
		}
		b, err := ReadSites(strings.NewReader(in), format, SiteFields{Kind: "school"})
		if err != nil {
			if !errors.Is(err, geo.ErrInvalidSite) {
				t.Fatalf("error %v does not wrap ErrInvalidSite", err)
			}
			return
		}
		if len(b.Pos) != len(b.Sites) {
			t.Fatalf("%d positions for %d sites", len(b.Pos), len(b.Sites))
		}
		for k := range b.Sites {
			if err := b.Sites[k].Validate(); err != nil {
				t.Fatalf("site %d read but invalid: %v", k, err)
			}
		}
	})
}

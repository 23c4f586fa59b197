package main

import (
	"strings"
	"testing"
)

func TestImportAddresses(t *testing.T) { forEachStore(t, testImportAddresses) }

func testImportAddresses(t *testing.T, k storeKind) {
	db := storeDB(t, k, "w.db")
	if code, _, errs := run(t, "", "import", "grids", writeFile(t, "grids.geojson", twoGrids), "--db", db, "--levels", "district,grid"); code != 0 {
		t.Fatalf("import grids: %s", errs)
	}
	csv := "address,lon,lat,building\n幸福路12号,0.5,0.5,3\n幸福路14号,1.5,0.5,\n远方路1号,3,3,\n"
	code, out, errs := run(t, "", "import", "addresses", writeFile(t, "a.csv", csv), "--db", db)
	if code != 0 || !strings.Contains(out, "addresses: 3 written, 1 outside every grid, 3 in the layer") {
		t.Fatalf("import addresses: exit %d %q %q", code, out, errs)
	}
	gj := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"address":"和平路5号"},"geometry":{"type":"Point","coordinates":[0.4,0.4]}}]}`
	code, out, errs = run(t, "", "import", "addresses", "--append", writeFile(t, "b.geojson", gj), "--db", db)
	if code != 0 || !strings.Contains(out, "1 written, 0 outside every grid, 4 in the layer") {
		t.Fatalf("append: exit %d %q %q", code, out, errs)
	}
	// a bad row: nothing imported, the line named
	code, _, errs = run(t, "", "import", "addresses", writeFile(t, "c.csv", "address,lon,lat\n幸福路1号,0.5,0.5\n幸福路2号,0.5,95\n"), "--db", db)
	if code != 1 || !strings.Contains(errs, "c.csv: line 3: lat must be") || !strings.Contains(errs, "nothing imported") {
		t.Errorf("bad row: exit %d %q", code, errs)
	}
	code, _, errs = run(t, "", "import", "addresses", "--db", db)
	if code != 2 {
		t.Errorf("no files: exit %d %q, want 2", code, errs)
	}
	code, _, errs = run(t, "", "import", "addresses", writeFile(t, "d.csv", csv), "--crs", "utm", "--db", db)
	if code != 2 {
		t.Errorf("bad crs: exit %d %q, want 2", code, errs)
	}
	// the layer is unchanged by the failed imports
	code, out, _ = run(t, "", "import", "addresses", "--append", writeFile(t, "e.csv", "address,lon,lat\n终点路1号,0.5,0.5\n"), "--db", db)
	if code != 0 || !strings.Contains(out, "5 in the layer") {
		t.Errorf("after failures: exit %d %q, want 5 in the layer", code, out)
	}
}

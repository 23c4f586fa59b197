package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGenerateMatchesCommitted regenerates the demo address layer and the
// test set from the committed grids and compares them byte for byte with the
// committed files: they are up to date and the generator is deterministic.
func TestGenerateMatchesCommitted(t *testing.T) {
	root := filepath.Join("..", "..")
	grids, err := os.ReadFile(filepath.Join(root, "data", "demo", "grids.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := generate(grids, defaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		path string
		b    []byte
	}{{filepath.Join(root, "data", "demo", "addresses.geojson"), g.geojson}, {filepath.Join(root, "geo", "address", "testdata", "variants.csv"), g.variants}} {
		old, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(old, f.b) {
			t.Errorf("%s is not what tools/mkaddresses makes: run go run ./tools/mkaddresses", f.path)
		}
	}
	if g.nVar < 500 {
		t.Errorf("%d variants, want at least 500", g.nVar)
	}
}

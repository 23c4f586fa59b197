package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

var update = flag.Bool("update", false, "rewrite data/demo from ../shared/data")

// outDir is data/demo, seen from this package's directory.
var outDir = filepath.Join("..", "..", "data", "demo")

// sharedData returns ../shared/data (seen from the repository root), or
// skips the test when it is not there.
func sharedData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(dir, "cn-districts.geojson")); err != nil {
		t.Skipf("skipped: the real boundary data is not available (%v)", err)
	}
	return dir
}

// TestGenerateMatchesCommitted regenerates data/demo and compares it byte for
// byte with the committed files: they are up to date, and a run of today
// gives what an earlier run gave. -update rewrites them.
func TestGenerateMatchesCommitted(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: runs the whole generator")
	}
	if runtime.GOARCH != "amd64" && !*update {
		t.Skipf("skipped on %s: the committed files were generated on amd64, and floating-point contraction (FMA) elsewhere may change the last bits of the geometry", runtime.GOARCH)
	}
	dir := sharedData(t)
	out, err := generate(dir, defaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range out {
		name := filepath.Join(outDir, f.name)
		if *update {
			if err := os.WriteFile(name, f.data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(old, f.data) {
			t.Errorf("%s differs from a fresh run (%d bytes, fresh %d): run `go run ./tools/mkdemo` (or `go test ./tools/mkdemo -update`) and commit the result", name, len(old), len(f.data))
		}
	}
}

// TestGenerateDeterministic runs the generator twice with another seed and
// compares the outputs byte for byte.
func TestGenerateDeterministic(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("skipped in -short mode and under the race detector: runs the whole generator twice")
	}
	dir := sharedData(t)
	const seed = 7
	a, err := generate(dir, seed)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	b, err := generate(dir, seed)
	if err != nil {
		t.Fatalf("seed %d, second run: %v", seed, err)
	}
	for i := range a {
		if !bytes.Equal(a[i].data, b[i].data) {
			t.Errorf("seed %d: %s differs between two runs", seed, a[i].name)
		}
	}
	c, err := generate(dir, seed+1)
	if err != nil {
		t.Fatalf("seed %d: %v", seed+1, err)
	}
	if bytes.Equal(a[0].data, c[0].data) {
		t.Errorf("seeds %d and %d give the same grids", seed, seed+1)
	}
}

func TestRunFlags(t *testing.T) {
	for _, args := range [][]string{{"-seed", "x"}, {"extra"}, {"-nope"}} {
		if err := run(args); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
)

// Main runs one wangge command with its own standard streams and
// environment, so end-to-end tests can run the real thing in-process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// errUsage marks an error in how the command was called (exit status 2).
var errUsage = errors.New("usage")

type command struct {
	name, summary string
	run           func(m *Main, ctx context.Context, args []string) error
}

func (m *Main) commands() []command {
	return []command{
		{"serve", "run the HTTP service (--demo: on the embedded demo district)", (*Main).serve},
		{"import grids", "import grid boundaries from GeoJSON files", (*Main).importGrids},
		{"import sites", "import sites (stations, schools, residential points, ...) from GeoJSON or CSV", (*Main).importSites},
		{"import addresses", "import the address layer (gazetteer) from CSV address,lon,lat,... or GeoJSON points", (*Main).importAddresses},
		{"locate", "find the owning grid of each CSV row id,lon,lat (stdin → stdout)", (*Main).locate},
		{"convert", "convert CSV id,lon,lat between wgs84, gcj02 and bd09 (stdin → stdout)", (*Main).convert},
		{"versions", "list the boundary versions of a layer", (*Main).versions},
		{"validate", "check the boundaries: overlaps, gaps, parts outside parents, invalid geometry, hierarchy", (*Main).validate},
		{"repair", "propose (--apply: make) a clean set: snap, overlaps to one grid, gaps to a neighbour, valid rings", (*Main).repair},
		{"compare", "crosswalk of two layers: shared areas and shares, split grids, ground only one covers", (*Main).compare},
		{"merge", "merge two layers into one (多网合一): --prefer a layer or --refine", (*Main).merge},
		{"sites", "list sites with their owning grid (CSV or GeoJSON)", (*Main).sites},
		{"coverage", "who is within reach of a service, per grid; which grids have none", (*Main).coverage},
		{"site", "where to add service sites: max coverage for k, or the fewest for a target", (*Main).siting},
		{"token create", "make a bearer token with a role (printed once, only its hash is kept)", (*Main).tokenCreate},
		{"token revoke", "revoke a token by its id or the token itself", (*Main).tokenRevoke},
		{"token list", "list the tokens (never the tokens themselves) as CSV", (*Main).tokenList},
		{"reports import", "import historical reports from CSV, all or nothing", (*Main).reportsImport},
		{"migrate", "copy a whole store (SQLite file or PostgreSQL URL) into another, all or nothing", (*Main).migrate},
	}
}

// Run executes the command named by args and returns the exit status: 0 on
// success, 1 on failure, 2 on a usage error.
func (m *Main) Run(ctx context.Context, args []string) int {
	if m.Getenv == nil {
		m.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage(m.Stdout)
		return 0
	}
	for _, c := range m.commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			err := c.run(m, ctx, args[len(words):])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				fmt.Fprintf(m.Stderr, "wangge %s: %v\n", c.name, err)
				return 2
			default:
				fmt.Fprintf(m.Stderr, "wangge %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(m.Stderr, "wangge: unknown command %q\n", strings.Join(args, " "))
	m.usage(m.Stderr)
	return 2
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "usage: wangge COMMAND [flags] [args]\n\ncommands:")
	for _, c := range m.commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'wangge COMMAND -h' for a command's flags. Flags may come before or after arguments.")
}

// parseFlags parses args with fs, allowing flags before and after positional
// arguments, and returns the positional ones. "--" ends flag parsing.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stopped at a positional argument, or after "--".
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// newFlags makes a FlagSet that reports errors to the caller, not os.Exit.
func (m *Main) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("wangge "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	return fs
}

// env returns the environment variable key, or def when it is unset.
func (m *Main) env(key, def string) string {
	if v := m.Getenv(key); v != "" {
		return v
	}
	return def
}

// defaultDB is the store used when neither --db nor WANGGE_DB says otherwise.
const defaultDB = "./var/wangge.db"

func (m *Main) dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", m.env("WANGGE_DB", defaultDB), "store: a SQLite file `path`, or a postgres:// URL for PostgreSQL/PostGIS (env WANGGE_DB)")
}

// inputTransform parses the --crs value of an importer and returns the
// conversion of its points to WGS-84: nil for wgs84 (nothing to do), a
// usage error for an unknown name.
func inputTransform(name string) (func(orb.Point) orb.Point, error) {
	system, err := crs.Parse(name)
	if err != nil {
		return nil, fmt.Errorf("%w: --crs: %v", errUsage, err)
	}
	if system == crs.WGS84 {
		return nil, nil
	}
	return func(p orb.Point) orb.Point { return crs.Convert(p, system, crs.WGS84) }, nil
}

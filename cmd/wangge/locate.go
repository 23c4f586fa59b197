package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// locate: wangge locate [flags] < id,lon,lat CSV > located CSV
func (m *Main) locate(ctx context.Context, args []string) error {
	fs := m.newFlags("locate")
	db := m.dbFlag(fs)
	layer := fs.String("layer", geo.DefaultLayer, "boundary `layer` to locate in")
	crsName := fs.String("crs", "wgs84", "coordinate system of the input points: wgs84, gcj02 or bd09")
	level := fs.String("level", "", "answer the owner at this level (default: the finest grid)")
	nearestM := fs.Float64("nearest-m", geo.DefaultNearestM, "outside every grid, take the nearest grid within this many metres (0: off)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q (input is CSV on stdin)", errUsage, pos[0])
	}
	system, err := crs.Parse(*crsName)
	if err != nil {
		return fmt.Errorf("%w: --crs: %v", errUsage, err)
	}
	if *nearestM < 0 || *nearestM > geo.MaxNearestM {
		return fmt.Errorf("%w: --nearest-m must be within [0,%d]", errUsage, geo.MaxNearestM)
	}
	ix, err := loadIndex(ctx, *db, *layer)
	if err != nil {
		return err
	}
	if *level != "" && ix.Set().Levels.Rank(*level) < 0 {
		return fmt.Errorf("%w: --level: unknown level %q (levels: %s)", errUsage, *level, strings.Join(ix.Set().Levels, ", "))
	}
	opts := geo.LocateOptions{Level: *level, NearestM: *nearestM}

	in := csv.NewReader(bufio.NewReaderSize(m.Stdin, 1<<20))
	in.FieldsPerRecord = -1
	cols, err := readHeader(in, "id", "lon", "lat")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(m.Stdout, 1<<20)
	defer w.Flush()
	w.WriteString("id,lon,lat,code,name,level,match,distance_m,path\n")
	bad, err := runPipeline(in, w, m.Stderr, func(b *rowBatch) {
		for k, rec := range b.recs {
			id, lonS, latS, p, perr := pointOf(rec, cols)
			if perr == nil {
				var res geo.Result
				res, perr = ix.Locate(crs.Convert(p, system, crs.WGS84), opts)
				if perr == nil {
					b.out = appendLocated(b.out, ix, id, lonS, latS, res)
					continue
				}
			}
			b.bad = append(b.bad, fmt.Sprintf("line %d: %v", b.lines[k], perr))
			b.out = appendCSV(b.out, id, lonS, latS, "", "", "", "error", "", "")
		}
	})
	if err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d bad rows (reported above, written with match=error)", bad)
	}
	return nil
}

// loadIndex opens the store, reads the current set of layer and indexes it.
func loadIndex(ctx context.Context, db, layer string) (*geo.Index, error) {
	store, err := data.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	set, err := store.CurrentSet(ctx, layer)
	if err != nil {
		if errors.Is(err, geo.ErrNotFound) {
			return nil, fmt.Errorf("%w (import grids first: wangge import grids FILE --db %s)", err, db)
		}
		return nil, err
	}
	return geo.NewIndex(set)
}

// readHeader reads the CSV header and returns the positions of the wanted
// columns, in the order asked.
func readHeader(in *csv.Reader, want ...string) ([]int, error) {
	hdr, err := in.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("line 1: empty input, want a header %s", strings.Join(want, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	cols := make([]int, len(want))
	for k, name := range want {
		cols[k] = -1
		for j, h := range hdr {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), name) {
				cols[k] = j
			}
		}
		if cols[k] < 0 {
			return nil, fmt.Errorf("line 1: header has no %q column (want %s)", name, strings.Join(want, ","))
		}
	}
	return cols, nil
}

// pointOf reads id, lon and lat from a record. The strings are returned even
// when the point is bad, so the row can be echoed.
func pointOf(rec []string, cols []int) (id, lonS, latS string, p orb.Point, err error) {
	get := func(k int) string {
		if cols[k] < len(rec) {
			return rec[cols[k]]
		}
		return ""
	}
	id, lonS, latS = get(0), get(1), get(2)
	if p[0], err = parseCoord("lon", lonS); err != nil {
		return
	}
	p[1], err = parseCoord("lat", latS)
	return
}

func parseCoord(name, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("%s is missing", name)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number", name, s)
	}
	return v, nil
}

func appendLocated(row []byte, ix *geo.Index, id, lon, lat string, res geo.Result) []byte {
	if res.Owner < 0 {
		return appendCSV(row, id, lon, lat, "", "", "", string(res.Match), "", "")
	}
	g := ix.Grid(res.Owner)
	dist := "0"
	if res.Match == geo.MatchNearest {
		dist = strconv.FormatFloat(res.DistanceM, 'f', 2, 64)
	}
	row = appendCSV(row, id, lon, lat, g.Code, g.Name, g.Level, string(res.Match), dist)
	row[len(row)-1] = ','
	path := ix.Path(res.Owner)
	plain := true
	for _, a := range path {
		plain = plain && !needsQuote(ix.Grid(a).Code)
	}
	if !plain { // rare: a code with a comma or quote
		codes := make([]string, len(path))
		for k, a := range path {
			codes[k] = ix.Grid(a).Code
		}
		return appendCSV(row, strings.Join(codes, "/"))
	}
	for k, a := range path {
		if k > 0 {
			row = append(row, '/')
		}
		row = append(row, ix.Grid(a).Code...)
	}
	return append(row, '\n')
}

// needsQuote reports whether a CSV field must be quoted (RFC 4180, plus a
// leading space, which some readers would trim).
func needsQuote(f string) bool {
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return len(f) > 0 && f[0] == ' '
}

// appendCSV appends one CSV record (RFC 4180 quoting) and a newline.
func appendCSV(row []byte, fields ...string) []byte {
	for k, f := range fields {
		if k > 0 {
			row = append(row, ',')
		}
		if needsQuote(f) {
			row = append(row, '"')
			row = append(row, strings.ReplaceAll(f, `"`, `""`)...)
			row = append(row, '"')
		} else {
			row = append(row, f...)
		}
	}
	return append(row, '\n')
}

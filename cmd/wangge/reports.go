package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/crs"
)

// importColumns are the columns of `wangge reports import`; the first four
// and created_at are required.
var importColumns = []string{"lon", "lat", "category", "title", "created_at",
	"description", "source", "reporter_name", "reporter_phone", "occurred_at", "status", "resolved_at", "due_at"}

const requiredImportColumns = 5

// maxImportErrors: an import stops after this many bad rows.
const maxImportErrors = 20

// reportsImport: wangge reports import FILE.csv [--db PATH] [--crs X]
// [--categories ...]. Every row is validated and placed in the current
// boundaries; the reports are written in one transaction: all or nothing.
func (m *Main) reportsImport(ctx context.Context, args []string) error {
	fs := m.newFlags("reports import")
	db := m.dbFlag(fs)
	crsName := fs.String("crs", "wgs84", "coordinate system of lon,lat: wgs84, gcj02 or bd09")
	categories := fs.String("categories", m.env("WANGGE_CATEGORIES", geo.DefaultCategories.String()), "report categories and their deadlines, `name=deadline,...` (env WANGGE_CATEGORIES)")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("%w: want one CSV file (wangge reports import FILE.csv)", errUsage)
	}
	system, err := crs.Parse(*crsName)
	if err != nil {
		return fmt.Errorf("%w: --crs: %v", errUsage, err)
	}
	cats, err := geo.ParseCategories(*categories)
	if err != nil {
		return fmt.Errorf("%w: --categories: %v", errUsage, err)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	in := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	in.FieldsPerRecord = -1
	cols, err := importHeader(in)
	if err != nil {
		return fmt.Errorf("%s: %w", files[0], err)
	}

	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	var ix *geo.Index
	set, err := store.CurrentSet(ctx, geo.DefaultLayer)
	switch {
	case errors.Is(err, geo.ErrNotFound):
		fmt.Fprintf(m.Stderr, "warning: %s has no boundary set: every report is imported unassigned\n", *db)
	case err != nil:
		return err
	default:
		if ix, err = geo.NewIndex(set); err != nil {
			return fmt.Errorf("index boundary version %d: %w", set.Version, err)
		}
	}
	reports := data.NewReports(store)
	defer reports.Close()

	// The import allocates little that lives long; collecting less often
	// saves a tenth of its time.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	conv := newRowConverter(cols, system, cats, ix)
	start := time.Now()
	expected, err := countLines(files[0])
	if err != nil {
		return err
	}
	prog := &importProgress{w: m.Stderr, start: start, last: start}
	imp, err := reports.BeginImport(ctx, data.ImportOptions{Expected: expected - 1, By: "import",
		Note: "imported from " + filepath.Base(files[0]), Step: prog.step})
	if err != nil {
		return err
	}
	stats, err := importRows(in, conv, imp.Prepare, func(b *data.ImportBatch) error {
		if err := imp.AddBatch(b); err != nil {
			return err
		}
		prog.add(b.Len())
		return nil
	})
	if err != nil {
		imp.Rollback()
		for _, msg := range stats.bad {
			fmt.Fprintf(m.Stderr, "%s: %s\n", files[0], msg)
		}
		return fmt.Errorf("%s: %w; nothing was imported", files[0], err)
	}
	n, err := imp.Commit()
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(m.Stderr, "imported %d rows in %.1fs (%.0f rows/s)\n", n, el.Seconds(), float64(n)/el.Seconds())
	fmt.Fprintf(m.Stdout, "%d reports imported: %d assigned to a grid, %d outside every grid\n", n, n-stats.unassigned, stats.unassigned)
	return nil
}

// countLines counts the lines of a file: about its rows, for BeginImport.
func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// importHeader maps the header to column positions (-1 for an absent
// optional column); unknown and duplicate columns are errors.
func importHeader(in *csv.Reader) ([]int, error) {
	hdr, err := in.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("line 1: empty file, want a header with %s", strings.Join(importColumns[:requiredImportColumns], ","))
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	cols := make([]int, len(importColumns))
	for k := range cols {
		cols[k] = -1
	}
	for j, h := range hdr {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		k := -1
		for i, name := range importColumns {
			if name == h {
				k = i
			}
		}
		switch {
		case k < 0:
			return nil, fmt.Errorf("line 1: unknown column %q (columns: %s)", h, strings.Join(importColumns, ","))
		case cols[k] >= 0:
			return nil, fmt.Errorf("line 1: column %q appears twice", h)
		}
		cols[k] = j
	}
	for k := range requiredImportColumns {
		if cols[k] < 0 {
			return nil, fmt.Errorf("line 1: header has no %q column (required: %s)", importColumns[k], strings.Join(importColumns[:requiredImportColumns], ","))
		}
	}
	return cols, nil
}

// rowConverter turns CSV rows into reports placed in ix. It is safe for
// concurrent use.
type rowConverter struct {
	cols []int
	sys  crs.System
	cats geo.Categories
	ix   *geo.Index // nil: every report unassigned
	// places holds the placement of each grid of ix, made on first use
	// and shared by the reports of that grid (as data.ReportImport
	// expects: it encodes each shared placement once).
	places []atomic.Pointer[geo.Placement]
}

func newRowConverter(cols []int, sys crs.System, cats geo.Categories, ix *geo.Index) *rowConverter {
	rc := &rowConverter{cols: cols, sys: sys, cats: cats, ix: ix}
	if ix != nil {
		rc.places = make([]atomic.Pointer[geo.Placement], ix.Len())
	}
	return rc
}

// place is ix.Place(p), with the placement of each grid made once.
func (rc *rowConverter) place(p orb.Point) (geo.Placement, error) {
	if rc.ix == nil {
		return geo.Placement{}, nil
	}
	res, err := rc.ix.Locate(p, geo.LocateOptions{})
	if err != nil {
		return geo.Placement{}, err
	}
	if res.Owner < 0 {
		return geo.Placement{Version: rc.ix.Set().Version}, nil
	}
	if pl := rc.places[res.Owner].Load(); pl != nil {
		return *pl, nil
	}
	pl, err := rc.ix.PlaceIn(rc.ix.Grid(res.Owner).Code)
	if err != nil {
		return geo.Placement{}, err
	}
	// Two goroutines may make the same placement: the first stored wins,
	// so that every report of the grid shares it.
	rc.places[res.Owner].CompareAndSwap(nil, &pl)
	return *rc.places[res.Owner].Load(), nil
}

// convert makes the report of one row.
func (rc *rowConverter) convert(rec []string) (*geo.Report, error) {
	get := func(k int) string {
		if c := rc.cols[k]; c >= 0 && c < len(rec) {
			return trimSpace(rec[c])
		}
		return ""
	}
	num := func(k int) (float64, error) {
		v, err := strconv.ParseFloat(get(k), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%s %q is not a finite number", importColumns[k], get(k))
		}
		return v, nil
	}
	lon, err := num(0)
	if err != nil {
		return nil, err
	}
	lat, err := num(1)
	if err != nil {
		return nil, err
	}
	if lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return nil, fmt.Errorf("lon,lat %v,%v outside [-180,180] × [-90,90]", lon, lat)
	}
	cat, ok := rc.cats.Find(get(2))
	if !ok {
		return nil, fmt.Errorf("category %q is not one of %s", get(2), strings.Join(rc.cats.Names(), ", "))
	}
	r := &geo.Report{Category: cat.Name, Title: get(3), Description: get(5), Source: get(6),
		Reporter: geo.Reporter{Name: get(7), Phone: get(8)}}
	switch n := utf8.RuneCountInString(r.Title); {
	case n == 0:
		return nil, fmt.Errorf("title is empty")
	case n > 200:
		return nil, fmt.Errorf("title has %d characters, at most 200", n)
	}
	if r.Source == "" {
		r.Source = "import"
	} else if !geo.ValidSource(r.Source) {
		return nil, fmt.Errorf("source %q: want 1-32 of a-z, 0-9, _ and -", r.Source)
	}
	times := [...]struct {
		col int
		t   *time.Time
	}{{4, &r.CreatedAt}, {9, &r.OccurredAt}, {11, &r.ResolvedAt}, {12, &r.DueAt}}
	for _, c := range times {
		if s := get(c.col); s != "" {
			t, err := parseImportTime(s)
			if err != nil {
				return nil, fmt.Errorf("%s %q: %v", importColumns[c.col], s, err)
			}
			*c.t = t
		}
	}
	if r.CreatedAt.IsZero() {
		return nil, fmt.Errorf("created_at is empty")
	}
	if r.DueAt.IsZero() {
		r.DueAt = r.CreatedAt.Add(cat.Deadline)
	}
	r.Point = crs.Convert(orb.Point{lon, lat}, rc.sys, crs.WGS84)
	pl, err := rc.place(r.Point)
	if err != nil {
		return nil, err
	}
	r.Grid, r.Path, r.Assignee, r.BoundaryVersion = pl.Grid, pl.Path, pl.Assignee, pl.Version
	if err := rc.status(r, get(10)); err != nil {
		return nil, err
	}
	return r, nil // its event comes from the import: "imported from FILE (row N)"
}

// status sets r's status (given, or: closed when resolved, else assigned or
// unassigned by its grid) and the times that go with it.
func (rc *rowConverter) status(r *geo.Report, given string) error {
	switch {
	case given != "":
		st, ok := geo.ParseStatus(given)
		if !ok {
			return fmt.Errorf("status %q is not a status", given)
		}
		r.Status = st
	case !r.ResolvedAt.IsZero():
		r.Status = geo.StatusClosed
	case r.Grid == nil:
		r.Status = geo.StatusUnassigned
	default:
		r.Status = geo.StatusAssigned
	}
	resolved := r.Status == geo.StatusResolved || r.Status == geo.StatusVerified || r.Status == geo.StatusClosed
	switch {
	case resolved && r.ResolvedAt.IsZero():
		return fmt.Errorf("status %s needs resolved_at", r.Status)
	case !resolved && !r.ResolvedAt.IsZero():
		return fmt.Errorf("resolved_at goes with status resolved, verified or closed, not %s", r.Status)
	case resolved && r.ResolvedAt.Before(r.CreatedAt):
		return fmt.Errorf("resolved_at is before created_at")
	}
	r.UpdatedAt = r.CreatedAt
	if !r.Status.Open() {
		r.DoneAt = r.CreatedAt
		if resolved {
			r.DoneAt, r.UpdatedAt = r.ResolvedAt, r.ResolvedAt
		}
	}
	return nil
}

// trimSpace is strings.TrimSpace without its slow path for a field that
// starts or ends with a non-ASCII character (Chinese text) and has no space
// to trim.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !unicode.IsSpace(first) && !unicode.IsSpace(last) {
		return s
	}
	return strings.TrimSpace(s)
}

// parseImportTime reads RFC 3339, or "YYYY-MM-DD hh:mm:ss" and "YYYY-MM-DD"
// in China Standard Time (UTC+8).
func parseImportTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		loc := chinaTime
		if layout == time.RFC3339 {
			loc = time.UTC
		}
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC().Truncate(time.Millisecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("want RFC 3339 or YYYY-MM-DD[ hh:mm:ss] (China Standard Time)")
}

var chinaTime = time.FixedZone("CST", 8*3600)

// importChunk is a run of rows on their way through the import pipeline.
type importChunk struct {
	lines []int
	recs  [][]string
	out   []*geo.Report
	batch *data.ImportBatch // out, prepared for the store
	bad   []string
	done  chan struct{}
}

type importStats struct {
	unassigned int
	bad        []string
}

// importRows reads the rows of in, converts them and prepares them for the
// store (prep) on every core, and hands the batches to add in input order.
// It stops at the first failure of add, or after maxImportErrors bad rows
// (or at the end when there are fewer), returning the bad rows' messages.
func importRows(in *csv.Reader, rc *rowConverter, prep func([]*geo.Report) *data.ImportBatch, add func(*data.ImportBatch) error) (importStats, error) {
	var st importStats
	workers := runtime.GOMAXPROCS(0)
	todo := make(chan *importChunk, workers*2)
	order := make(chan *importChunk, workers*4)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range todo {
				for k, rec := range c.recs {
					r, err := rc.convert(rec)
					if err != nil {
						c.bad = append(c.bad, fmt.Sprintf("line %d: %v", c.lines[k], err))
						continue
					}
					c.out = append(c.out, r)
				}
				if len(c.bad) == 0 {
					c.batch = prep(c.out)
				}
				close(c.done)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(todo)
		for {
			select {
			case <-stop:
				readErr <- nil
				return
			default:
			}
			c := &importChunk{done: make(chan struct{})}
			var err error
			for len(c.recs) < batchRows {
				var rec []string
				if rec, err = in.Read(); err != nil {
					break
				}
				line, _ := in.FieldPos(0)
				c.lines = append(c.lines, line)
				c.recs = append(c.recs, rec)
			}
			if len(c.recs) > 0 {
				select {
				case todo <- c:
					order <- c
				case <-stop:
					readErr <- nil
					return
				}
			}
			if err == io.EOF {
				readErr <- nil
				return
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					err = fmt.Errorf("line %d: %v", pe.Line, pe.Err)
				}
				readErr <- err
				return
			}
		}
	}()
	var err error
	for c := range order {
		<-c.done
		if err != nil {
			continue // drain
		}
		st.bad = append(st.bad, c.bad...)
		if len(st.bad) >= maxImportErrors {
			st.bad = st.bad[:maxImportErrors]
			err = fmt.Errorf("stopped after %d bad rows", maxImportErrors)
			close(stop)
			continue
		}
		if len(st.bad) > 0 {
			continue // keep validating, but write no more
		}
		for _, r := range c.out {
			if r.Grid == nil {
				st.unassigned++
			}
		}
		if err = add(c.batch); err != nil {
			close(stop)
		}
	}
	wg.Wait()
	if rerr := <-readErr; err == nil && rerr != nil {
		err = rerr
	}
	if err == nil && len(st.bad) > 0 {
		err = fmt.Errorf("%d bad rows", len(st.bad))
	}
	return st, err
}

// importProgress prints a line on stderr at most once a second.
type importProgress struct {
	w           io.Writer
	start, last time.Time
	n           int
}

func (p *importProgress) add(n int) {
	p.n += n
	if now := time.Now(); now.Sub(p.last) >= time.Second {
		p.last = now
		el := now.Sub(p.start).Seconds()
		fmt.Fprintf(p.w, "imported %d rows (%.0fs, %.0f rows/s)\n", p.n, el, float64(p.n)/el)
	}
}

// step prints the step of the commit the import is at once every row is
// written: building an index, committing.
func (p *importProgress) step(s string) {
	fmt.Fprintf(p.w, "%d rows written (%.1fs), now: %s\n", p.n, time.Since(p.start).Seconds(), s)
}

package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

// AddressError is a bad row of an address input: where it is (a file and
// "line 7" or "feature 3") and why.
type AddressError struct {
	Where  string
	Reason string
}

func (e *AddressError) Error() string { return e.Where + ": " + e.Reason }

// AddressFields says how an address import reads its input.
type AddressFields struct {
	// Transform converts each position to WGS-84 (nil: positions are WGS-84).
	Transform func(orb.Point) orb.Point
	// Progress, when set, is called with the number of rows read so far,
	// every 10,000 rows.
	Progress func(n int)
}

// ReadAddressesFile reads addresses from a file: GeoJSON when its name ends
// in .geojson or .json (or its first byte is '{'), else CSV; gzip when it
// ends in .gz. Errors are *AddressError naming the file and line or feature.
func ReadAddressesFile(path string, f AddressFields) ([]address.Record, error) {
	var out []address.Record
	err := ReadAddressesFileFunc(path, f, func(r address.Record) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// ReadAddressesFileFunc is ReadAddressesFile calling emit with each record
// as it is read, without holding them; an error of emit stops the read and
// is returned.
func ReadAddressesFileFunc(path string, f AddressFields, emit func(address.Record) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 1<<20)
	name := strings.ToLower(path)
	if n, ok := strings.CutSuffix(name, ".gz"); ok {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		br, name = bufio.NewReaderSize(zr, 1<<20), n
	}
	geojson := strings.HasSuffix(name, ".geojson") || strings.HasSuffix(name, ".json")
	if !geojson && !strings.HasSuffix(name, ".csv") {
		head, _ := br.Peek(512)
		geojson = bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n"), []byte("{"))
	}
	err = readAddressesFunc(br, geojson, f, emit)
	var ae *AddressError
	if errors.As(err, &ae) {
		return &AddressError{Where: path + ": " + ae.Where, Reason: ae.Reason}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ReadAddresses reads addresses from r: GeoJSON Point features (geojson
// true) whose properties are address and the component names of
// address.Fields, or CSV with a header naming address, lon (or lng), lat and
// optionally the component columns, in any order (other columns are
// ignored). The components of each record are the given ones, and for those
// not given (or empty), what address.Parse finds in the text. A record needs
// an address text and a finite point within [-180,180] × [-90,90]; the first
// bad one stops the read with an *AddressError.
func ReadAddresses(r io.Reader, geojson bool, f AddressFields) ([]address.Record, error) {
	var out []address.Record
	err := readAddressesFunc(r, geojson, f, func(rec address.Record) error {
		out = append(out, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func readAddressesFunc(r io.Reader, geojson bool, f AddressFields, emit func(address.Record) error) error {
	if geojson {
		return readAddressesGeoJSON(r, f, emit)
	}
	return readAddressesCSV(r, f, emit)
}

// finish checks a record, converts its point and fills in its components.
func (f AddressFields) finish(rec *address.Record, given address.Components) error {
	rec.Address = strings.TrimSpace(rec.Address)
	if rec.Address == "" {
		return errors.New("address is empty")
	}
	p := rec.Point
	switch {
	case math.IsNaN(p[0]) || math.IsInf(p[0], 0) || p[0] < -180 || p[0] > 180:
		return errors.New("lon must be a finite number within [-180,180]")
	case math.IsNaN(p[1]) || math.IsInf(p[1], 0) || p[1] < -90 || p[1] > 90:
		return errors.New("lat must be a finite number within [-90,90]")
	}
	if f.Transform != nil {
		rec.Point = f.Transform(p)
	}
	rec.Components = given.Merge(address.Parse(rec.Address))
	return nil
}

func readAddressesCSV(r io.Reader, f AddressFields, emit func(address.Record) error) error {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return &AddressError{Where: "line 1", Reason: "empty CSV: the first line must name the columns address,lon,lat"}
	}
	if err != nil {
		return csvAddressError(err)
	}
	col := map[string]int{}
	for k, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "lng" || h == "longitude" {
			h = "lon"
		}
		if h == "latitude" {
			h = "lat"
		}
		if _, dup := col[h]; dup && h != "" {
			return &AddressError{Where: "line 1", Reason: fmt.Sprintf("column %q appears twice", h)}
		}
		col[h] = k
	}
	for _, need := range []string{"address", "lon", "lat"} {
		if _, ok := col[need]; !ok {
			return &AddressError{Where: "line 1", Reason: fmt.Sprintf("the header must name the columns address, lon and lat (and optionally %s); it has %s",
				strings.Join(address.Fields[:], ","), strings.Join(header, ","))}
		}
	}
	comp := make([]int, len(address.Fields))
	for k, name := range address.Fields {
		comp[k] = -1
		if c, ok := col[name]; ok {
			comp[k] = c
		}
	}
	n := 0
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvAddressError(err)
		}
		line, _ := cr.FieldPos(0)
		cell := func(c int) string {
			if c < 0 || c >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[c])
		}
		rec := address.Record{Address: cell(col["address"])}
		for k, c := range []string{"lon", "lat"} {
			v := cell(col[c])
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return &AddressError{Where: fmt.Sprintf("line %d", line), Reason: fmt.Sprintf("%s %q is not a number", c, v)}
			}
			rec.Point[k] = x
		}
		var given address.Components
		for k, c := range comp {
			given.Set(k, cell(c))
		}
		if err := f.finish(&rec, given); err != nil {
			return &AddressError{Where: fmt.Sprintf("line %d", line), Reason: err.Error()}
		}
		if err := emit(rec); err != nil {
			return err
		}
		if n++; f.Progress != nil && n%10000 == 0 {
			f.Progress(n)
		}
	}
}

func csvAddressError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &AddressError{Where: fmt.Sprintf("line %d", pe.Line), Reason: pe.Err.Error()}
	}
	return err
}

func readAddressesGeoJSON(r io.Reader, f AddressFields, emit func(address.Record) error) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	count := 0
	err := walkFeatures(dec, func(n int, raw rawFeature) error {
		where := fmt.Sprintf("feature %d", n)
		p, err := decodePoint(raw.Geometry)
		if err != nil {
			return &AddressError{Where: where, Reason: err.Error()}
		}
		rec := address.Record{Point: p}
		if rec.Address, err = propString(raw.Properties, "address"); err != nil {
			return &AddressError{Where: where, Reason: err.Error()}
		}
		var given address.Components
		for k, name := range address.Fields {
			v, err := propString(raw.Properties, name)
			if err != nil {
				return &AddressError{Where: where, Reason: err.Error()}
			}
			given.Set(k, v)
		}
		if err := f.finish(&rec, given); err != nil {
			return &AddressError{Where: where, Reason: err.Error()}
		}
		if err := emit(rec); err != nil {
			return err
		}
		if count++; f.Progress != nil && count%10000 == 0 {
			f.Progress(count)
		}
		return nil
	})
	var ae *AddressError
	var ge *geo.GridError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.As(err, &ge):
		return &AddressError{Where: fmt.Sprintf("feature %d", ge.Index), Reason: ge.Reason}
	}
	return err
}

// AddressImport says how ImportAddresses writes.
type AddressImport struct {
	Append bool       // add to the layer instead of replacing it
	Index  *geo.Index // the boundaries owners are computed with (nil: none)
	// Progress, when set, is called with the rows written so far.
	Progress func(n int)
}

// AddressImportResult says what ImportAddresses wrote.
type AddressImportResult struct {
	Written int // rows written
	Outside int // of them, outside every grid of Index (written with no owner)
	Total   int // rows in the layer afterwards
}

// addressRows is how many rows one INSERT writes.
const addressRows = 64

// ImportAddresses writes recs as the address layer (or, with Append, adds
// them to it) in one transaction: all or nothing. Each row's owner is the
// finest grid of imp.Index covering its point (the ownership rule of
// geo.Index.SiteOwner), ” outside every grid.
func (s *SQLite) ImportAddresses(ctx context.Context, recs []address.Record, imp AddressImport) (*AddressImportResult, error) {
	return s.ImportAddressesFunc(ctx, imp, func(emit func(address.Record) error) error {
		for _, r := range recs {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// importBatch is how many records the reading goroutine of
// ImportAddressesFunc hands to the writing one at a time.
const importBatch = 4096

// ImportAddressesFunc is ImportAddresses for records produce emits (reading
// files, say), in one transaction: produce runs on a goroutine of its own
// while the rows are written, so reading and parsing overlap with writing,
// and no more than a few batches of records are held at once. An error of
// produce (a bad row) or of the writing stops both and nothing is imported.
func (s *SQLite) ImportAddressesFunc(ctx context.Context, imp AddressImport, produce func(emit func(address.Record) error) error) (*AddressImportResult, error) {
	res := &AddressImportResult{}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		w, err := newAddressWriter(ctx, tx, imp.Append)
		if err != nil {
			return err
		}
		defer w.close()
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		batches := make(chan []address.Record, 2)
		perr := make(chan error, 1)
		go func() {
			defer close(batches)
			batch := make([]address.Record, 0, importBatch)
			send := func() error {
				select {
				case batches <- batch:
					batch = make([]address.Record, 0, importBatch)
					return nil
				case <-pctx.Done():
					return pctx.Err()
				}
			}
			err := produce(func(r address.Record) error {
				batch = append(batch, r)
				if len(batch) == importBatch {
					return send()
				}
				return nil
			})
			if err == nil && len(batch) > 0 {
				err = send()
			}
			perr <- err
		}()
		var werr error
		for batch := range batches {
			if werr != nil {
				continue // drain: produce stops at its next send
			}
			if werr = w.write(batch, imp.Index, res); werr != nil {
				cancel()
				continue
			}
			if imp.Progress != nil {
				imp.Progress(res.Written)
			}
		}
		if err := <-perr; err != nil && werr == nil {
			return err
		}
		if werr != nil {
			return werr
		}
		if res.Written == 0 {
			return errors.New("no addresses to import")
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM addresses`).Scan(&res.Total)
	})
	if err != nil {
		var ae *AddressError
		if errors.As(err, &ae) {
			return nil, err
		}
		return nil, fmt.Errorf("import addresses: %w", err)
	}
	return res, nil
}

// addressWriter inserts address rows addressRows at a time.
type addressWriter struct {
	ctx  context.Context
	tx   *sql.Tx
	full *sql.Stmt
	next int64 // the last id used
	args []any
}

const addressCols = 15

func newAddressWriter(ctx context.Context, tx *sql.Tx, add bool) (*addressWriter, error) {
	w := &addressWriter{ctx: ctx, tx: tx, args: make([]any, 0, addressRows*addressCols)}
	if add {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM addresses`).Scan(&w.next); err != nil {
			return nil, err
		}
	} else if _, err := tx.ExecContext(ctx, `DELETE FROM addresses`); err != nil {
		return nil, err
	}
	var err error
	w.full, err = w.prepare(addressRows)
	return w, err
}

func (w *addressWriter) prepare(n int) (*sql.Stmt, error) {
	var b strings.Builder
	b.WriteString(`INSERT INTO addresses(id, address, lon, lat, province, city, district, street, community, road, number, building, unit, poi, grid) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?" + strings.Repeat(",?", addressCols-1) + ")")
	}
	return w.tx.PrepareContext(w.ctx, b.String())
}

func (w *addressWriter) close() { w.full.Close() }

// write inserts recs, with their owners under ix (nil: none).
func (w *addressWriter) write(recs []address.Record, ix *geo.Index, res *AddressImportResult) error {
	for start := 0; start < len(recs); start += addressRows {
		batch := recs[start:min(len(recs), start+addressRows)]
		w.args = w.args[:0]
		for i := range batch {
			r := &batch[i]
			owner := ""
			if ix != nil {
				if o := ix.SiteOwner(r.Point, ""); o >= 0 {
					owner = ix.Grid(o).Code
				} else {
					res.Outside++
				}
			}
			w.next++
			c := &r.Components
			w.args = append(w.args, w.next, r.Address, r.Point[0], r.Point[1], c.Province, c.City, c.District, c.Street,
				c.Community, c.Road, c.Number, c.Building, c.Unit, c.POI, owner)
		}
		st := w.full
		if len(batch) < addressRows {
			var err error
			if st, err = w.prepare(len(batch)); err != nil {
				return err
			}
			defer st.Close()
		}
		if _, err := st.ExecContext(w.ctx, w.args...); err != nil {
			return err
		}
		res.Written += len(batch)
	}
	return nil
}

// Addresses reads the address layer in id order (nil when empty).
func (s *SQLite) Addresses(ctx context.Context) ([]address.Record, error) {
	var out []address.Record
	err := s.EachAddress(ctx, func(r *address.Record) error {
		out = append(out, *r)
		return nil
	})
	return out, err
}

// EachAddress calls fn with each row of the address layer in id order,
// reusing one Record (fn must copy what it keeps); an error of fn stops it.
func (s *SQLite) EachAddress(ctx context.Context, fn func(*address.Record) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT address, lon, lat, province, city, district, street, community, road, number, building, unit, poi FROM addresses ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r address.Record
	c := &r.Components
	for rows.Next() {
		if err := rows.Scan(&r.Address, &r.Point[0], &r.Point[1], &c.Province, &c.City, &c.District, &c.Street,
			&c.Community, &c.Road, &c.Number, &c.Building, &c.Unit, &c.POI); err != nil {
			return err
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AddressCount is the number of rows of the address layer.
func (s *SQLite) AddressCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM addresses`).Scan(&n)
	return n, err
}

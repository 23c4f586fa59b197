package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// SiteFields says how a site import reads its input.
type SiteFields struct {
	// Kind is the kind of sites whose input names none. A site that names
	// another kind is an error, so an import for one kind cannot write
	// another by mistake.
	Kind string
	// Transform converts each position to WGS-84 (nil: positions are WGS-84).
	Transform func(orb.Point) orb.Point
}

// Site input formats.
const (
	FormatGeoJSON = "geojson"
	FormatCSV     = "csv"
)

// SiteBatch is the sites read from one input, with where each came from.
type SiteBatch struct {
	Name   string // the file, for messages; "" for a request body
	Format string // FormatGeoJSON or FormatCSV
	Sites  []geo.Site
	Pos    []int // per site: its feature number (from 0) or CSV line (from 1)
}

// Where names site k for a person: "sites.csv: line 7" or "feature 3".
func (b *SiteBatch) Where(k int) string { return b.where(b.Pos[k]) }

func (b *SiteBatch) where(pos int) string {
	w := fmt.Sprintf("feature %d", pos)
	if b.Format == FormatCSV {
		w = fmt.Sprintf("line %d", pos)
	}
	if b.Name != "" {
		w = b.Name + ": " + w
	}
	return w
}

// ReadSitesFile reads sites from a file: CSV when its name ends in .csv (or
// .csv.gz), GeoJSON when it ends in .geojson or .json, else whichever the
// first byte says ('{' is GeoJSON); gzip-compressed when it ends in .gz.
// Errors name the file and the feature or line.
func ReadSitesFile(path string, f SiteFields) (*SiteBatch, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 1<<20)
	var r io.Reader = br
	name := strings.TrimSuffix(strings.ToLower(path), ".gz")
	if name != strings.ToLower(path) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
		r = br
	}
	format := ""
	switch {
	case strings.HasSuffix(name, ".csv"):
		format = FormatCSV
	case strings.HasSuffix(name, ".geojson"), strings.HasSuffix(name, ".json"):
		format = FormatGeoJSON
	default:
		format = FormatCSV
		if head, _ := br.Peek(512); bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n"), []byte("{")) {
			format = FormatGeoJSON
		}
	}
	b, err := ReadSites(r, format, f)
	if b != nil {
		b.Name = path
	}
	var se *geo.SiteError
	if errors.As(err, &se) {
		local := *se
		local.Where = path + ": " + se.Where
		return nil, &local
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// ReadSites reads sites in format (FormatGeoJSON or FormatCSV) from r.
//
// GeoJSON: a FeatureCollection (or one Feature) of Point features whose
// properties id (string or number; else the feature's id), name, kind,
// weight (default 1) and capacity are read and the others kept as Attrs.
//
// CSV: a header row naming the columns, in any order: id, lon (or lng),
// lat, and optionally name, weight (empty: 1), kind, capacity; other columns
// are kept as string Attrs. A UTF-8 byte order mark is skipped.
//
// Every site is validated (geo.Site.Validate); the first bad one stops the
// read with a *geo.SiteError naming its feature number or line.
func ReadSites(r io.Reader, format string, f SiteFields) (*SiteBatch, error) {
	switch format {
	case FormatGeoJSON, "":
		return readSitesGeoJSON(r, f)
	case FormatCSV:
		return readSitesCSV(r, f)
	}
	return nil, fmt.Errorf("%w: unknown format %q (geojson or csv)", geo.ErrInvalidSite, format)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func readSitesGeoJSON(r io.Reader, f SiteFields) (*SiteBatch, error) {
	b := &SiteBatch{Format: FormatGeoJSON}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	err := walkFeatures(dec, func(n int, raw rawFeature) error {
		s, err := raw.site(f)
		if err != nil {
			return &geo.SiteError{Where: b.where(n), ID: s.ID, Reason: err.Error()}
		}
		b.Sites = append(b.Sites, s)
		b.Pos = append(b.Pos, n)
		return nil
	})
	var ge *geo.GridError
	var se *geo.SiteError
	switch {
	case err == nil:
		return b, nil
	case errors.As(err, &se):
		return nil, err
	case errors.As(err, &ge): // a feature walkFeatures could not decode
		return nil, &geo.SiteError{Where: b.where(ge.Index), Reason: ge.Reason}
	}
	return nil, fmt.Errorf("%w: %w", geo.ErrInvalidSite, err)
}

// site turns a GeoJSON feature into a validated site.
func (raw rawFeature) site(f SiteFields) (geo.Site, error) {
	s := geo.Site{Weight: 1, Attrs: map[string]any{}}
	var err error
	if s.ID, err = propString(raw.Properties, "id"); err != nil {
		return s, err
	}
	if s.ID == "" && raw.ID != nil {
		s.ID = scalarString(raw.ID)
	}
	if s.Name, err = propString(raw.Properties, "name"); err != nil {
		return s, err
	}
	kind, err := propString(raw.Properties, "kind")
	if err != nil {
		return s, err
	}
	if s.Kind, err = pickKind(kind, f.Kind); err != nil {
		return s, err
	}
	if w, ok, err := propNumber(raw.Properties, "weight"); err != nil {
		return s, err
	} else if ok {
		s.Weight = w
	}
	if c, ok, err := propNumber(raw.Properties, "capacity"); err != nil {
		return s, err
	} else if ok {
		s.Capacity = &c
	}
	for k, v := range raw.Properties {
		switch k {
		case "id", "name", "kind", "weight", "capacity":
		default:
			s.Attrs[k] = v
		}
	}
	if s.Point, err = decodePoint(raw.Geometry); err != nil {
		return s, err
	}
	if f.Transform != nil {
		s.Point = f.Transform(s.Point)
	}
	return s, s.Validate()
}

// pickKind settles a site's kind from its own and the import's default.
func pickKind(own, def string) (string, error) {
	switch {
	case own == "" && def == "":
		return "", errors.New("missing kind: give the site a kind or the import a default kind")
	case own == "":
		return def, nil
	case def != "" && own != def:
		return "", fmt.Errorf("kind %q differs from the kind being imported (%q)", own, def)
	}
	return own, nil
}

// propNumber reads an optional number property; a numeric string is
// accepted (spreadsheets export them), null or absent is "not given".
func propNumber(props map[string]any, key string) (float64, bool, error) {
	v, ok := props[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		if s = strings.TrimSpace(x); s == "" {
			return 0, false, nil
		}
	default:
		return 0, false, fmt.Errorf("property %q must be a number, not %s", key, jsonKind(v))
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, fmt.Errorf("property %q: %q is not a number", key, s)
	}
	return n, true, nil
}

// decodePoint decodes a GeoJSON Point; a position keeps its first two
// numbers.
func decodePoint(raw json.RawMessage) (orb.Point, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return orb.Point{}, errors.New("null geometry")
	}
	var gj struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &gj); err != nil {
		return orb.Point{}, fmt.Errorf("geometry: %v", err)
	}
	if gj.Type != "Point" {
		if gj.Type == "" {
			return orb.Point{}, errors.New("geometry has no type")
		}
		return orb.Point{}, fmt.Errorf("geometry type %s, want Point", gj.Type)
	}
	var pos []float64
	if err := json.Unmarshal(gj.Coordinates, &pos); err != nil || len(pos) < 2 {
		return orb.Point{}, errors.New("Point coordinates must be [lon, lat]")
	}
	return orb.Point{pos[0], pos[1]}, nil
}

// csvColumns are the columns a site CSV may name; others become attributes.
var csvColumns = map[string]string{"id": "id", "name": "name", "lon": "lon", "lng": "lon", "longitude": "lon",
	"lat": "lat", "latitude": "lat", "weight": "weight", "kind": "kind", "capacity": "capacity"}

func readSitesCSV(r io.Reader, f SiteFields) (*SiteBatch, error) {
	b := &SiteBatch{Format: FormatCSV}
	br := bufio.NewReader(r)
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	bad := func(line int, id, format string, args ...any) error {
		return &geo.SiteError{Where: b.where(line), ID: id, Reason: fmt.Sprintf(format, args...)}
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty CSV: the first line must name the columns id,name,lon,lat,weight", geo.ErrInvalidSite)
	}
	if err != nil {
		return nil, csvError(b, err)
	}
	header = slices.Clone(header) // the reader reuses its record
	col := map[string]int{}
	names := slices.Clone(header)
	for k, h := range names {
		h = strings.ToLower(strings.TrimSpace(h))
		names[k] = h
		if c, ok := csvColumns[h]; ok {
			if _, dup := col[c]; dup {
				return nil, bad(1, "", "column %q appears twice", c)
			}
			col[c] = k
		}
	}
	for _, need := range []string{"id", "lon", "lat"} {
		if _, ok := col[need]; !ok {
			return nil, bad(1, "", "the header must name the columns id, lon and lat (and optionally name, weight, kind, capacity); it has %s", strings.Join(names, ","))
		}
	}
	get := func(rec []string, c string) string {
		if k, ok := col[c]; ok {
			return strings.TrimSpace(rec[k])
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, csvError(b, err)
		}
		line, _ := cr.FieldPos(0)
		s := geo.Site{ID: get(rec, "id"), Name: get(rec, "name"), Weight: 1}
		if s.Kind, err = pickKind(get(rec, "kind"), f.Kind); err != nil {
			return nil, bad(line, s.ID, "%v", err)
		}
		for _, c := range []string{"lon", "lat", "weight", "capacity"} {
			v := get(rec, c)
			if v == "" && (c == "weight" || c == "capacity") {
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, bad(line, s.ID, "%s %q is not a number", c, v)
			}
			switch c {
			case "lon":
				s.Point[0] = x
			case "lat":
				s.Point[1] = x
			case "weight":
				s.Weight = x
			case "capacity":
				s.Capacity = &x
			}
		}
		for k, h := range names {
			if _, known := csvColumns[h]; !known && h != "" {
				if s.Attrs == nil {
					s.Attrs = map[string]any{}
				}
				s.Attrs[header[k]] = rec[k]
			}
		}
		if f.Transform != nil {
			s.Point = f.Transform(s.Point)
		}
		if err := s.Validate(); err != nil {
			return nil, bad(line, s.ID, "%v", err)
		}
		b.Sites = append(b.Sites, s)
		b.Pos = append(b.Pos, line)
	}
}

// csvError turns a CSV syntax error into a SiteError naming its line.
func csvError(b *SiteBatch, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &geo.SiteError{Where: b.where(pe.Line), Reason: pe.Err.Error()}
	}
	return fmt.Errorf("%w: %w", geo.ErrInvalidSite, err)
}

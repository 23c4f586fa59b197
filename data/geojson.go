package data

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
)

// GridFields names the feature properties a grid import reads. Empty fields
// take the defaults code, name, level and parent.
type GridFields struct {
	Code, Name, Level, Parent string
	// DefaultLevel fills the level of features that have none.
	DefaultLevel string
	// Transform converts each position to WGS-84 (nil: positions are WGS-84).
	Transform func(orb.Point) orb.Point
	// Progress, when set, is called every 1,000 features with the count read.
	Progress func(n int)
}

func (f GridFields) withDefaults() GridFields {
	if f.Code == "" {
		f.Code = "code"
	}
	if f.Name == "" {
		f.Name = "name"
	}
	if f.Level == "" {
		f.Level = "level"
	}
	if f.Parent == "" {
		f.Parent = "parent"
	}
	return f
}

// ReadGridsFile reads grids from a GeoJSON file, gzip-compressed when its name
// ends in .gz. See ReadGrids.
func ReadGridsFile(path string, f GridFields, first int) ([]geo.Grid, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var r io.Reader = bufio.NewReaderSize(fh, 1<<20)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	return ReadGrids(r, f, first)
}

// ReadGrids decodes a GeoJSON FeatureCollection (RFC 7946; a single Feature
// is accepted too) of Polygon and MultiPolygon features into grids, streaming
// feature by feature. Features are numbered from first, in file order; an
// error is a *geo.GridError naming the feature's number and code. The code may
// be a JSON string or number; properties other than the four fields become
// attributes. Positions keep their first two numbers (lon, lat); a Polygon
// becomes a one-part MultiPolygon. ReadGrids checks the shape of the input but
// not the geometry's validity: that is geo.Set.Validate's work.
func ReadGrids(r io.Reader, f GridFields, first int) ([]geo.Grid, error) {
	f = f.withDefaults()
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var grids []geo.Grid
	err := walkFeatures(dec, func(n int, raw rawFeature) error {
		g, err := raw.grid(f)
		if err != nil {
			return &geo.GridError{Index: first + n, Code: g.Code, Reason: err.Error()}
		}
		grids = append(grids, g)
		if f.Progress != nil && len(grids)%1000 == 0 {
			f.Progress(len(grids))
		}
		return nil
	})
	var ge *geo.GridError
	if err != nil && !errors.As(err, &ge) {
		err = fmt.Errorf("%w: %w", geo.ErrInvalidGrid, err)
	}
	return grids, err
}

type rawFeature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// walkFeatures calls fn for each feature of the FeatureCollection or Feature
// that dec holds, in order, without holding the whole collection in memory.
func walkFeatures(dec *json.Decoder, fn func(int, rawFeature) error) error {
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("GeoJSON: %w", err)
	}
	var top struct {
		typ      string
		features bool
		single   rawFeature
		props    map[string]json.RawMessage
	}
	top.props = map[string]json.RawMessage{}
	n := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Errorf("GeoJSON: %w", err)
		}
		switch k := key.(string); k {
		case "type":
			if err := dec.Decode(&top.typ); err != nil {
				return fmt.Errorf("GeoJSON: type: %w", err)
			}
		case "features":
			top.features = true
			if err := expectDelim(dec, '['); err != nil {
				return fmt.Errorf("GeoJSON: features: %w", err)
			}
			for dec.More() {
				var raw rawFeature
				if err := dec.Decode(&raw); err != nil {
					return &geo.GridError{Index: n, Reason: fmt.Sprintf("not a GeoJSON feature: %v", err)}
				}
				if raw.Type != "Feature" {
					return &geo.GridError{Index: n, Reason: fmt.Sprintf("type is %q, want \"Feature\"", raw.Type)}
				}
				if err := fn(n, raw); err != nil {
					return err
				}
				n++
			}
			if _, err := dec.Token(); err != nil {
				return fmt.Errorf("GeoJSON: features: %w", err)
			}
		default:
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return fmt.Errorf("GeoJSON: %s: %w", k, err)
			}
			top.props[k] = v
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("GeoJSON: %w", err)
	}
	switch {
	case top.typ == "FeatureCollection" && top.features:
		return nil
	case top.typ == "FeatureCollection":
		return errors.New("GeoJSON: FeatureCollection has no features array")
	case top.typ == "Feature":
		raw := rawFeature{Type: "Feature", Geometry: top.props["geometry"]}
		if p, ok := top.props["properties"]; ok {
			d := json.NewDecoder(strings.NewReader(string(p)))
			d.UseNumber()
			if err := d.Decode(&raw.Properties); err != nil {
				return &geo.GridError{Index: 0, Reason: fmt.Sprintf("properties: %v", err)}
			}
		}
		return fn(0, raw)
	case top.typ == "":
		return errors.New("GeoJSON: missing type")
	}
	return fmt.Errorf("GeoJSON: type %q, want FeatureCollection or Feature", top.typ)
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, t)
	}
	return nil
}

func (raw rawFeature) grid(f GridFields) (geo.Grid, error) {
	g := geo.Grid{Attrs: map[string]any{}}
	var err error
	if g.Code, err = propString(raw.Properties, f.Code); err != nil {
		return g, err
	}
	if g.Code == "" && raw.ID != nil && f.Code == "code" {
		g.Code = scalarString(raw.ID)
	}
	if g.Name, err = propString(raw.Properties, f.Name); err != nil {
		return g, err
	}
	if g.Level, err = propString(raw.Properties, f.Level); err != nil {
		return g, err
	}
	if g.Level == "" {
		g.Level = f.DefaultLevel
	}
	if g.Parent, err = propString(raw.Properties, f.Parent); err != nil {
		return g, err
	}
	for k, v := range raw.Properties {
		if k != f.Code && k != f.Name && k != f.Level && k != f.Parent {
			g.Attrs[k] = v
		}
	}
	if g.Code == "" {
		return g, fmt.Errorf("missing code (property %q)", f.Code)
	}
	if g.Geometry, err = decodeGeometry(raw.Geometry, f.Transform); err != nil {
		return g, err
	}
	return g, nil
}

func propString(props map[string]any, key string) (string, error) {
	v, ok := props[key]
	if !ok || v == nil {
		return "", nil
	}
	switch v.(type) {
	case string, json.Number:
		return scalarString(v), nil
	}
	return "", fmt.Errorf("property %q must be a string or number, not %s", key, jsonKind(v))
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// decodeGeometry decodes a GeoJSON Polygon or MultiPolygon, applying tr to
// every position.
func decodeGeometry(raw json.RawMessage, tr func(orb.Point) orb.Point) (orb.MultiPolygon, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, errors.New("null geometry")
	}
	var gj struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &gj); err != nil {
		return nil, fmt.Errorf("geometry: %v", err)
	}
	if len(gj.Coordinates) == 0 || string(gj.Coordinates) == "null" {
		return nil, fmt.Errorf("geometry %s has no coordinates", gj.Type)
	}
	var mp [][][][]float64
	switch gj.Type {
	case "Polygon":
		var pg [][][]float64
		if err := json.Unmarshal(gj.Coordinates, &pg); err != nil {
			return nil, fmt.Errorf("Polygon coordinates: %v", err)
		}
		mp = [][][][]float64{pg}
	case "MultiPolygon":
		if err := json.Unmarshal(gj.Coordinates, &mp); err != nil {
			return nil, fmt.Errorf("MultiPolygon coordinates: %v", err)
		}
	case "":
		return nil, errors.New("geometry has no type")
	default:
		return nil, fmt.Errorf("geometry type %s, want Polygon or MultiPolygon", gj.Type)
	}
	out := make(orb.MultiPolygon, len(mp))
	for i, pg := range mp {
		out[i] = make(orb.Polygon, len(pg))
		for j, rg := range pg {
			r := make(orb.Ring, len(rg))
			for k, pos := range rg {
				if len(pos) < 2 {
					return nil, fmt.Errorf("polygon %d ring %d position %d has %d numbers, need 2", i, j, k, len(pos))
				}
				p := orb.Point{pos[0], pos[1]}
				if tr != nil {
					p = tr(p)
				}
				r[k] = p
			}
			out[i][j] = r
		}
	}
	return out, nil
}

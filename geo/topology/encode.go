package topology

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/paulmach/orb/geojson"
)

// The three forms of a Report, shared by the CLI (wangge validate --format)
// and the API (GET /v1/validation?format=).

// problemJSON is a Problem as JSON.
type problemJSON struct {
	Kind     Kind              `json:"kind"`
	Level    string            `json:"level"`
	Grids    []string          `json:"grids"`
	AreaM2   float64           `json:"area_m2"`
	Geometry *geojson.Geometry `json:"geometry"`
	Detail   string            `json:"detail"`
}

func (p *Problem) json() problemJSON {
	out := problemJSON{Kind: p.Kind, Level: p.Level, Grids: p.Grids, AreaM2: roundArea(p.AreaM2), Detail: p.Detail}
	if out.Grids == nil {
		out.Grids = []string{}
	}
	if p.Geometry != nil {
		out.Geometry = geojson.NewGeometry(p.Geometry)
	}
	return out
}

// roundArea keeps square centimetres.
func roundArea(a float64) float64 { return math.Round(a*1e4) / 1e4 }

// header is what precedes the problems in the JSON form.
type header struct {
	Version   int64          `json:"version"`
	Layer     string         `json:"layer"`
	Level     string         `json:"level,omitempty"`
	MinAreaM2 float64        `json:"min_area_m2"`
	Grids     int            `json:"grids"`
	Counts    map[string]int `json:"counts"`
}

func (r *Report) header() header {
	h := header{Version: r.Version, Layer: r.Layer, Level: r.Level, MinAreaM2: r.MinAreaM2, Grids: r.Grids, Counts: map[string]int{}}
	for _, k := range Kinds {
		h.Counts[string(k)] = r.Count(k)
	}
	return h
}

// WriteJSON writes the report as one JSON document:
//
//	{"version":7,"layer":"main","min_area_m2":1,"grids":3253,
//	 "counts":{"overlap":2,...},
//	 "problems":[{"kind":"overlap","level":"district","grids":["410102","410103"],
//	              "area_m2":1234.5,"geometry":{GeoJSON}|null,"detail":"..."}]}
//
// Problems are written one by one, so a large report is not held twice in
// memory.
func (r *Report) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(r.header())
	if err != nil {
		return err
	}
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"problems":[`)
	for i := range r.Problems {
		if i > 0 {
			bw.WriteByte(',')
		}
		b, err := json.Marshal(r.Problems[i].json())
		if err != nil {
			return err
		}
		bw.WriteString("\n")
		bw.Write(b)
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// WriteGeoJSON writes the report as a GeoJSON FeatureCollection, one
// feature per problem (properties kind, level, grids, area_m2, detail;
// geometry null for hierarchy problems), with the header's fields as
// foreign members.
func (r *Report) WriteGeoJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(r.header())
	if err != nil {
		return err
	}
	bw.WriteString(`{"type":"FeatureCollection",`)
	bw.Write(head[1 : len(head)-1])
	bw.WriteString(`,"features":[`)
	for i := range r.Problems {
		p := r.Problems[i].json()
		type props struct {
			Kind   Kind     `json:"kind"`
			Level  string   `json:"level"`
			Grids  []string `json:"grids"`
			AreaM2 float64  `json:"area_m2"`
			Detail string   `json:"detail"`
		}
		b, err := json.Marshal(struct {
			Type       string            `json:"type"`
			Geometry   *geojson.Geometry `json:"geometry"`
			Properties props             `json:"properties"`
		}{"Feature", p.Geometry, props{p.Kind, p.Level, p.Grids, p.AreaM2, p.Detail}})
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		bw.Write(b)
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// WriteText writes a summary line, then one line per problem: kind, level,
// codes (comma-separated), area and the detail, separated by tabs.
func (r *Report) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "layer %s version %d: %d grids checked, %d problems", r.Layer, r.Version, r.Grids, len(r.Problems))
	var parts []string
	for _, k := range Kinds {
		if n := r.Count(k); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(bw, " (%s)", strings.Join(parts, ", "))
	}
	if r.Level != "" {
		fmt.Fprintf(bw, ", level %s", r.Level)
	}
	fmt.Fprintf(bw, ", area threshold %s\n", formatArea(r.MinAreaM2))
	for i := range r.Problems {
		p := &r.Problems[i]
		area := "-"
		if p.AreaM2 > 0 {
			area = formatArea(p.AreaM2)
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%s\n", p.Kind, p.Level, strings.Join(p.Grids, ","), area, p.Detail)
	}
	return bw.Flush()
}

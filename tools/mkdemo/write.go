package main

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// metadata is the "metadata" member at the top of both files.
type metadata struct {
	Title     string         `json:"title"`
	CRS       string         `json:"crs"`
	Levels    []string       `json:"levels,omitempty"`
	Counts    map[string]int `json:"counts"`
	Generator string         `json:"generator"`
	Seed      uint64         `json:"seed"`
	Real      []string       `json:"real"`
	Synthetic []string       `json:"synthetic"`
	Notes     []string       `json:"notes,omitempty"`
}

// encodeGrids writes the features as a GeoJSON FeatureCollection, one
// feature per line, coordinates with at most 7 decimals.
func encodeGrids(md metadata, feats []feature) ([]byte, error) {
	var b bytes.Buffer
	if err := header(&b, md); err != nil {
		return nil, err
	}
	for i, f := range feats {
		props := append([]attr{
			{"code", f.Code}, {"name", f.Name}, {"level", f.Level}, {"parent", f.Parent},
		}, f.Attrs...)
		if err := feature1(&b, props); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Code, err)
		}
		b.WriteString(`"geometry":`)
		b.Write(appendGeometry(nil, f.Geom))
		b.WriteString("}")
		if i < len(feats)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]}\n")
	return b.Bytes(), nil
}

// encodeSites writes the sites as a GeoJSON FeatureCollection of Points.
func encodeSites(md metadata, sites []siteFeature) ([]byte, error) {
	var b bytes.Buffer
	if err := header(&b, md); err != nil {
		return nil, err
	}
	for i, s := range sites {
		props := append([]attr{{"id", s.ID}, {"name", s.Name}, {"kind", s.Kind}}, s.Attrs...)
		if err := feature1(&b, props); err != nil {
			return nil, fmt.Errorf("%s: %w", s.ID, err)
		}
		buf := []byte(`"geometry":{"type":"Point","coordinates":[`)
		buf = formatCoord(buf, s.At.X)
		buf = append(buf, ',')
		buf = formatCoord(buf, s.At.Y)
		buf = append(buf, "]}}"...)
		b.Write(buf)
		if i < len(sites)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("]}\n")
	return b.Bytes(), nil
}

func header(b *bytes.Buffer, md metadata) error {
	mj, err := json.MarshalIndent(md, "", " ")
	if err != nil {
		return err
	}
	b.WriteString(`{"type":"FeatureCollection",` + "\n" + `"metadata":`)
	b.Write(mj)
	b.WriteString(",\n\"features\":[\n")
	return nil
}

// feature1 writes the start of a feature up to its properties and the comma
// after them; props are written in order.
func feature1(b *bytes.Buffer, props []attr) error {
	b.WriteString(`{"type":"Feature","properties":{`)
	for k, a := range props {
		if k > 0 {
			b.WriteString(",")
		}
		kj, _ := json.Marshal(a.Key)
		b.Write(kj)
		b.WriteString(":")
		vj, err := json.Marshal(a.Val)
		if err != nil {
			return fmt.Errorf("property %s: %w", a.Key, err)
		}
		b.Write(vj)
	}
	b.WriteString("},")
	return nil
}

// appendGeometry writes m as a Polygon (one part) or MultiPolygon, rings
// closed, shells counter-clockwise and holes clockwise (RFC 7946).
func appendGeometry(dst []byte, m mpoly) []byte {
	polygon := func(dst []byte, p poly) []byte {
		dst = append(dst, '[')
		for j, r := range p {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '[')
			for k := 0; k <= len(r); k++ {
				q := r[k%len(r)]
				if k > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, '[')
				dst = formatCoord(dst, q.X)
				dst = append(dst, ',')
				dst = formatCoord(dst, q.Y)
				dst = append(dst, ']')
			}
			dst = append(dst, ']')
		}
		return append(dst, ']')
	}
	if len(m) == 1 {
		dst = append(dst, `{"type":"Polygon","coordinates":`...)
		dst = polygon(dst, m[0])
		return append(dst, '}')
	}
	dst = append(dst, `{"type":"MultiPolygon","coordinates":[`...)
	for i, p := range m {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = polygon(dst, p)
	}
	return append(dst, "]}"...)
}

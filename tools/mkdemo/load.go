package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo/crs"
)

// place is one row of the gazetteer: a district, township/street or
// community/village.
type place struct {
	Code, Name, Level, Parent string
}

// district is the real outline the demo is built in.
type district struct {
	Code, Name string
	Geom       mpoly
	Notes      []string // what was done to the source outline
}

// loadDistrict reads the outline of the district with the given adcode from
// cn-districts.geojson (GCJ-02), converts every vertex to WGS-84 with
// crs.GCJ02ToWGS84 and puts it on the lattice. The outline is kept as it is,
// except for what overlay needs (each fix is listed in Notes): zero-area
// spikes are removed, and a ring that touches itself is split at the touching
// vertex into a shell and a hole (or two shells).
func loadDistrict(dir, adcode string) (*district, error) {
	name := filepath.Join(dir, "cn-districts.geojson")
	buf, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(buf, &fc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for _, f := range fc.Features {
		if fmt.Sprint(f.Properties["adcode"]) != adcode {
			continue
		}
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var pg [][][2]float64
			err = json.Unmarshal(f.Geometry.Coordinates, &pg)
			polys = append(polys, pg)
		case "MultiPolygon":
			err = json.Unmarshal(f.Geometry.Coordinates, &polys)
		default:
			err = fmt.Errorf("geometry type %q", f.Geometry.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: district %s: %w", name, adcode, err)
		}
		d := &district{Code: adcode, Name: fmt.Sprint(f.Properties["name"])}
		nSrc, nKept := 0, 0
		for _, pg := range polys {
			var rings []ring
			for _, rg := range pg {
				// Clean on the source lattice first, where the data's
				// zero-width spikes are exactly collinear; then convert.
				var src ring
				for _, c := range rg[:len(rg)-1] {
					src = append(src, toLattice(orb.Point{c[0], c[1]}))
				}
				nSrc += len(src)
				var r ring
				for _, p := range src.clean() {
					r = append(r, toLattice(crs.GCJ02ToWGS84(p.deg())))
				}
				if r = r.clean(); r != nil {
					nKept += len(r)
					rings = append(rings, r)
				}
			}
			m, notes := splitPinches(rings)
			d.Geom = append(d.Geom, m...)
			d.Notes = append(d.Notes, notes...)
		}
		if nKept != nSrc {
			d.Notes = append([]string{fmt.Sprintf("%d of the %d source vertices dropped: repeated points and zero-area spikes (the outline goes out and straight back)", nSrc-nKept, nSrc)}, d.Notes...)
		}
		return d, nil
	}
	return nil, fmt.Errorf("%s: no district with adcode %s", name, adcode)
}

// splitPinches turns the rings of one polygon (shell first) into valid
// polygons: a ring that passes twice through the same vertex is split there
// into simple loops; loops that wind like the shell become shells of their
// own, loops that wind the other way become holes of the shell that covers
// them.
func splitPinches(rings []ring) (mpoly, []string) {
	if len(rings) == 0 {
		return nil, nil
	}
	var notes []string
	sign := rings[0].area2() > 0
	var shells, holes []ring
	for _, r := range rings {
		loops := splitLoops(r)
		for _, l := range loops[:len(loops)-1] {
			notes = append(notes, fmt.Sprintf("a ring touches itself at %s: split there into a separate ring of %d vertices and %.3f km² (%s)",
				fmtDeg(l[0]), len(l), math.Abs(float64(l.area2()))/2/(unitsPerDeg*unitsPerDeg)*111.32*math.Cos(l[0].deg()[1]*math.Pi/180)*110.57,
				map[bool]string{true: "a second shell", false: "a hole touching the shell"}[(l.area2() > 0) == sign]))
		}
		for _, l := range loops {
			if (l.area2() > 0) == sign {
				shells = append(shells, l)
			} else {
				holes = append(holes, l)
			}
		}
	}
	out := make(mpoly, len(shells))
	for i, s := range shells {
		if s.area2() < 0 {
			slices.Reverse(s)
		}
		out[i] = poly{s}
	}
	for _, h := range holes {
		if h.area2() > 0 {
			slices.Reverse(h)
		}
		for i := range out {
			if coversRing(out[i][0], h) {
				out[i] = append(out[i], h)
				break
			}
		}
	}
	return out, notes
}

func fmtDeg(p pt) string {
	return fmt.Sprintf("(%s, %s)", formatCoord(nil, p.X), formatCoord(nil, p.Y))
}

// splitLoops splits r at every vertex it visits twice into simple loops.
func splitLoops(r ring) []ring {
	var out []ring
	var stack ring
	at := map[pt]int{}
	for _, p := range r {
		if i, ok := at[p]; ok {
			out = append(out, append(ring(nil), stack[i:]...))
			for _, q := range stack[i+1:] {
				delete(at, q)
			}
			stack = stack[:i+1]
			continue
		}
		at[p] = len(stack)
		stack = append(stack, p)
	}
	return append(out, stack)
}

// coversRing reports whether shell s covers the ring h: h has a vertex
// strictly inside s, and no vertex strictly outside.
func coversRing(s, h ring) bool {
	inside := false
	for _, p := range h {
		wn, on := s.winding(p)
		if !on && wn == 0 {
			return false
		}
		inside = inside || (!on && wn != 0)
	}
	return inside
}

// loadGazetteer reads cn-gazetteer.csv and returns the townships/streets
// under the district and the villages/communities under them, in code order.
func loadGazetteer(dir, district string) (streets, communities []place, err error) {
	name := filepath.Join(dir, "cn-gazetteer.csv")
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if !slices.Equal(head, []string{"code", "name", "level", "parent_code"}) {
		return nil, nil, fmt.Errorf("%s: header %v, want code,name,level,parent_code", name, head)
	}
	var rows []place
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		rows = append(rows, place{Code: rec[0], Name: rec[1], Level: rec[2], Parent: rec[3]})
	}
	isStreet := map[string]bool{}
	for _, p := range rows {
		if p.Parent == district && p.Level == "township" {
			streets = append(streets, p)
			isStreet[p.Code] = true
		}
	}
	for _, p := range rows {
		if isStreet[p.Parent] && p.Level == "village" {
			communities = append(communities, p)
		}
	}
	byCode := func(a, b place) int { return strings.Compare(a.Code, b.Code) }
	slices.SortFunc(streets, byCode)
	slices.SortFunc(communities, byCode)
	if len(streets) == 0 {
		return nil, nil, fmt.Errorf("%s: no township under %s", name, district)
	}
	return streets, communities, nil
}

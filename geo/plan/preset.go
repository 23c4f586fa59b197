package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Preset is a named reach from a planning rule: preset=15min means a radius
// of 1,000 m. Each tier is judged on its own: a 15-minute facility does not
// satisfy the 5-minute tier.
type Preset struct {
	Name    string  `json:"name"`
	RadiusM float64 `json:"radius_m"`
	Note    string  `json:"note,omitempty"`
}

// Presets is a preset table; later entries override earlier ones of the same
// name (see With).
type Presets []Preset

// DefaultPresets are the reaches of the national residential planning
// standard GB 50180-2018 (walking distances of the 5-, 10- and 15-minute life
// circles; service radii of kindergartens, primary and middle schools). They
// are data: a deployment overrides or extends them with a presets file.
var DefaultPresets = Presets{
	{"5min", 300, "5-minute life circle, GB 50180-2018"},
	{"10min", 500, "10-minute life circle, GB 50180-2018"},
	{"15min", 1000, "15-minute life circle, GB 50180-2018 (800-1000 m)"},
	{"kindergarten", 300, "kindergarten service radius, GB 50180-2018"},
	{"primary_school", 500, "primary school service radius, GB 50180-2018"},
	{"middle_school", 1000, "middle school service radius, GB 50180-2018"},
}

// Lookup returns the last preset named name.
func (ps Presets) Lookup(name string) (Preset, bool) {
	for i := len(ps) - 1; i >= 0; i-- {
		if ps[i].Name == name {
			return ps[i], true
		}
	}
	return Preset{}, false
}

// Names lists the preset names, each once, in first-seen order.
func (ps Presets) Names() []string {
	var out []string
	for _, p := range ps {
		if !slices.Contains(out, p.Name) {
			out = append(out, p.Name)
		}
	}
	return out
}

// With returns ps with over applied: a preset of the same name is replaced
// in place, a new one appended. ps is not modified.
func (ps Presets) With(over Presets) Presets {
	out := slices.Clone(ps)
	for _, o := range over {
		if i := slices.IndexFunc(out, func(p Preset) bool { return p.Name == o.Name }); i >= 0 {
			out[i] = o
		} else {
			out = append(out, o)
		}
	}
	return out
}

// ParsePresets reads a presets file: a JSON object {"15min": 800, ...} or an
// array [{"name","radius_m","note"}, ...]. Every radius must be within
// [0, MaxRadiusM].
func ParsePresets(b []byte) (Presets, error) {
	var ps Presets
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var m map[string]float64
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("presets: %w", err)
		}
		for name, r := range m {
			ps = append(ps, Preset{Name: name, RadiusM: r})
		}
		slices.SortFunc(ps, func(a, b Preset) int { return strings.Compare(a.Name, b.Name) })
	} else if err := json.Unmarshal(b, &ps); err != nil {
		return nil, fmt.Errorf("presets: %w", err)
	}
	for _, p := range ps {
		if p.Name == "" {
			return nil, fmt.Errorf("presets: a preset has no name")
		}
		if err := checkRadius("radius_m", p.RadiusM); err != nil {
			return nil, fmt.Errorf("presets: %s: %v", p.Name, err)
		}
	}
	return ps, nil
}

// Radius settles the radius of a query: radiusM when given (it overrides the
// preset), else the preset's. field names the radius in the request
// ("radius_m"), for the error.
func (ps Presets) Radius(field string, radiusM *float64, preset string) (float64, error) {
	if preset != "" {
		p, ok := ps.Lookup(preset)
		if !ok {
			return 0, inputErr("unknown_preset", "preset", "preset must be one of %s", strings.Join(ps.Names(), ", "))
		}
		if radiusM == nil {
			return p.RadiusM, nil
		}
	}
	if radiusM == nil {
		return 0, inputErr("missing_"+field, field, "%s (or preset) is required", field)
	}
	return *radiusM, checkRadius(field, *radiusM)
}

// checkRadius accepts a radius within [0, MaxRadiusM] metres.
func checkRadius(field string, r float64) error {
	if math.IsNaN(r) || r < 0 || r > MaxRadiusM {
		return inputErr("invalid_"+field, field, "%s must be within [0,%d] metres", field, MaxRadiusM)
	}
	return nil
}

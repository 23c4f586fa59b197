package geo

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Category is a kind of report with the time allowed to resolve it.
type Category struct {
	Name     string
	Deadline time.Duration
}

// Categories is the configured list of categories.
type Categories []Category

// DefaultCategories follow Beijing's 接诉即办 practice: emergencies within
// 2 hours, utilities (water, power, heating, gas) within 24 hours, general
// requests within 7 days, complex ones within 15 days. Days are calendar days.
var DefaultCategories = Categories{
	{"emergency", 2 * time.Hour},
	{"utilities", 24 * time.Hour},
	{"general", 7 * 24 * time.Hour},
	{"complex", 15 * 24 * time.Hour},
}

// Find returns the category named name.
func (cs Categories) Find(name string) (Category, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	return Category{}, false
}

// Names returns the category names in order.
func (cs Categories) Names() []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

// String formats cs the way ParseCategories reads it.
func (cs Categories) String() string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + "=" + FormatDuration(c.Deadline)
	}
	return strings.Join(parts, ",")
}

// ParseCategories reads "name=deadline,..." such as
// "emergency=2h,utilities=24h,general=7d,complex=15d". A deadline is a Go
// duration (90m, 2h) or a whole number of days (7d). Names are lower-case
// letters, digits, '_' and '-'; each appears once; deadlines are positive.
func ParseCategories(s string) (Categories, error) {
	var cs Categories
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, dl, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("category %q: want name=deadline", part)
		}
		name = strings.TrimSpace(name)
		if !validName(name) {
			return nil, fmt.Errorf("category %q: names are 1-32 of a-z, 0-9, _ and -", name)
		}
		if _, dup := cs.Find(name); dup {
			return nil, fmt.Errorf("category %q appears twice", name)
		}
		d, err := ParseDuration(strings.TrimSpace(dl))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("category %q: deadline %q is not a positive duration (2h, 90m, 7d)", name, dl)
		}
		cs = append(cs, Category{name, d})
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("no categories")
	}
	return cs, nil
}

// ParseDuration reads a Go duration or a whole number of days ("7d").
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*365 {
			return 0, fmt.Errorf("bad number of days %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// FormatDuration writes whole days as "7d", anything else as Go does.
func FormatDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

// validName: 1-32 of a-z, 0-9, '_' and '-'.
func validName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ValidSource reports whether s can name a report's source (app, hotline,
// patrol, ...): 1-32 of a-z, 0-9, '_' and '-'.
func ValidSource(s string) bool { return validName(s) }

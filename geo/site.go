package geo

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Site is a point of interest: a service station (党群服务中心/驿站), a school,
// a clinic, a construction site, a residential point whose Weight is its
// people, a candidate place for a new station, ...
//
// (Kind, ID) is its key. A site does not store its owning grid: the owner is
// a pure function of Point and the served boundary index (see SiteOwner), so
// it follows every boundary change without a rewrite of the sites.
type Site struct {
	Kind     string         // a free word: station, school, residential, candidate, ...
	ID       string         // unique within Kind
	Name     string         // display name; may be empty
	Point    orb.Point      // WGS-84 lon/lat
	Weight   float64        // ≥ 0; people, households, workers, ...; 1 unless told
	Capacity *float64       // ≥ 0 when set; kept and shown, not used by coverage
	Attrs    map[string]any // other properties, kept as read
}

// UsualKinds are the site kinds every store knows, with or without sites:
// asking about one of them is never an "unknown kind" error.
var UsualKinds = []string{"station", "school", "kindergarten", "clinic", "company",
	"construction_site", "residential", "candidate"}

// MaxKindLen and MaxSiteIDLen bound the key of a site, in bytes.
const (
	MaxKindLen   = 64
	MaxSiteIDLen = 256
)

// ErrInvalidSite is wrapped by every error about a site that cannot be used.
var ErrInvalidSite = errors.New("invalid site")

// SiteError says why one site of an input cannot be used. Where names it in
// its input for a person ("feature 3", "line 7"); ID is its id when it has
// one.
type SiteError struct {
	Where  string
	ID     string
	Reason string
}

func (e *SiteError) Error() string {
	if e.ID == "" {
		return fmt.Sprintf("%s: %s", e.Where, e.Reason)
	}
	return fmt.Sprintf("%s (id %q): %s", e.Where, e.ID, e.Reason)
}

// Unwrap lets errors.Is(err, ErrInvalidSite) hold.
func (e *SiteError) Unwrap() error { return ErrInvalidSite }

// CheckKind tells whether k can be a site kind: 1 to MaxKindLen bytes of
// letters, digits, '_' and '-'.
func CheckKind(k string) error {
	if k == "" {
		return errors.New("kind is empty")
	}
	if len(k) > MaxKindLen {
		return fmt.Errorf("kind is longer than %d bytes", MaxKindLen)
	}
	if !utf8.ValidString(k) {
		return errors.New("kind is not valid UTF-8")
	}
	for _, r := range k {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-' {
			return fmt.Errorf("kind %q may hold only letters, digits, '_' and '-'", k)
		}
	}
	return nil
}

// Validate checks one site: a valid kind, a non-empty id of at most
// MaxSiteIDLen bytes, a finite in-range point, a finite non-negative weight
// and capacity. The error is plain text; readers wrap it in a SiteError.
func (s *Site) Validate() error {
	if err := CheckKind(s.Kind); err != nil {
		return err
	}
	switch {
	case s.ID == "":
		return errors.New("missing id")
	case len(s.ID) > MaxSiteIDLen:
		return fmt.Errorf("id is longer than %d bytes", MaxSiteIDLen)
	case !utf8.ValidString(s.ID):
		return errors.New("id is not valid UTF-8")
	}
	if err := checkPoint(s.Point); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), ErrInvalidPoint.Error()+": "))
	}
	if math.IsNaN(s.Weight) || math.IsInf(s.Weight, 0) || s.Weight < 0 {
		return fmt.Errorf("weight %v must be a finite number ≥ 0", s.Weight)
	}
	if c := s.Capacity; c != nil && (math.IsNaN(*c) || math.IsInf(*c, 0) || *c < 0) {
		return fmt.Errorf("capacity %v must be a finite number ≥ 0", *c)
	}
	return nil
}

// SiteOwner returns the grid that owns site point p under the ownership rule
// (at level when level is not ""), or -1 when p lies outside every grid (at
// that level). There is no nearest-grid fallback: a site just outside the
// district has no owner.
func (ix *Index) SiteOwner(p orb.Point, level string) int32 {
	r, err := ix.Locate(p, LocateOptions{Level: level})
	if err != nil || r.Match == MatchNone {
		return -1
	}
	return r.Owner
}

package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wangge/wangge/geo"
)

// InputError is a request that cannot be answered as asked: a field out of
// range, an unknown kind, too many candidates. Field names the request field
// ("radius_m", "k", "candidates.lattice_m", ...); Code is a stable
// machine-readable word.
type InputError struct {
	Code    string
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Message }

func inputErr(code, field, format string, args ...any) *InputError {
	return &InputError{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// SiteSet is every site of a store, grouped by kind, each kind in input
// order. It is built once and never changed: share it freely.
type SiteSet struct {
	byKind map[string][]geo.Site
	kinds  []string // sorted
	n      int
}

// NewSiteSet groups sites by kind, keeping their order within a kind. The
// sites are copied; their Attrs maps are shared and must not be modified.
func NewSiteSet(sites []geo.Site) *SiteSet {
	s := &SiteSet{byKind: map[string][]geo.Site{}, n: len(sites)}
	for _, st := range sites {
		s.byKind[st.Kind] = append(s.byKind[st.Kind], st)
	}
	for k := range s.byKind {
		s.kinds = append(s.kinds, k)
	}
	slices.Sort(s.kinds)
	return s
}

// Len is the number of sites of every kind.
func (s *SiteSet) Len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// Kinds returns the kinds that have sites, sorted. Shared: do not modify.
func (s *SiteSet) Kinds() []string {
	if s == nil {
		return nil
	}
	return s.kinds
}

// Sites returns the sites of kind in input order (nil for none). Shared: do
// not modify.
func (s *SiteSet) Sites(kind string) []geo.Site {
	if s == nil {
		return nil
	}
	return s.byKind[kind]
}

// Known tells whether kind is one the set can answer about: a kind with
// sites, or one of geo.UsualKinds (which may have none).
func (s *SiteSet) Known(kind string) bool {
	return len(s.Sites(kind)) > 0 || slices.Contains(geo.UsualKinds, kind)
}

// Lookup returns the sites of kind for the request field named field: an
// *InputError (code unknown_kind, or missing_FIELD when kind is "") when the
// kind is not Known.
func (s *SiteSet) Lookup(field, kind string) ([]geo.Site, error) {
	if kind == "" {
		return nil, inputErr("missing_"+strings.ReplaceAll(field, ".", "_"), field, "%s is required", field)
	}
	if !s.Known(kind) {
		known := slices.Clone(geo.UsualKinds)
		for _, k := range s.Kinds() {
			if !slices.Contains(known, k) {
				known = append(known, k)
			}
		}
		return nil, inputErr("unknown_kind", field, "%s: unknown kind %q (known: %s)", field, kind, strings.Join(known, ", "))
	}
	return s.Sites(kind), nil
}

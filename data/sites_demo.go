package data

import (
	"bytes"
	"context"
	"fmt"

	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
)

// seedDemoSites imports the embedded demo sites (stations, schools,
// kindergartens, clinics, companies, construction sites, residential points
// and candidate places) when st has no sites at all and its main layer's
// current version is the embedded demo, so a store made by an older
// `serve --demo` gets them too, and a store with real boundaries never gets
// synthetic sites.
func seedDemoSites(ctx context.Context, st Store) (bool, error) {
	n, err := st.SiteCount(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	if ok, err := demoIsCurrent(ctx, st); !ok || err != nil {
		return false, err
	}
	b, err := ReadSites(bytes.NewReader(demo.Sites()), FormatGeoJSON, SiteFields{})
	if err != nil {
		return false, fmt.Errorf("embedded demo sites: %w", err)
	}
	if _, err := ImportSites(ctx, st, []*SiteBatch{b}, SiteImport{}); err != nil {
		return false, fmt.Errorf("embedded demo sites: %w", err)
	}
	return true, nil
}

// demoIsCurrent reports whether st's main layer's current version is the
// embedded demo (saved with demoNote), the condition for seeding the demo's
// sites and addresses.
func demoIsCurrent(ctx context.Context, st Store) (bool, error) {
	vs, err := st.Versions(ctx, geo.DefaultLayer)
	if err != nil {
		return false, err
	}
	for _, v := range vs {
		if v.Current && v.Note == demoNote {
			return true, nil
		}
	}
	return false, nil
}

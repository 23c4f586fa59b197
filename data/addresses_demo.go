package data

import (
	"bytes"
	"context"
	"fmt"

	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
)

// seedDemoAddresses imports the embedded demo address layer (real street and
// community names, made-up roads, numbers, buildings and positions) when st
// has no addresses and its main layer's current version is the embedded
// demo, as seedDemoSites does for sites.
func seedDemoAddresses(ctx context.Context, st Store) (bool, error) {
	n, err := st.AddressCount(ctx)
	if err != nil || n > 0 {
		return false, err
	}
	if ok, err := demoIsCurrent(ctx, st); !ok || err != nil {
		return false, err
	}
	recs, err := ReadAddresses(bytes.NewReader(demo.Addresses()), true, AddressFields{})
	if err != nil {
		return false, fmt.Errorf("embedded demo addresses: %w", err)
	}
	set, err := st.CurrentSet(ctx, geo.DefaultLayer)
	if err != nil {
		return false, err
	}
	ix, err := geo.NewIndex(set)
	if err != nil {
		return false, err
	}
	if _, err := st.ImportAddresses(ctx, recs, AddressImport{Index: ix}); err != nil {
		return false, fmt.Errorf("embedded demo addresses: %w", err)
	}
	return true, nil
}

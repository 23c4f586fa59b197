package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/wangge/wangge/data/demo"
	"github.com/wangge/wangge/geo"
)

// DemoLevels is the level vocabulary of the embedded demo district.
var DemoLevels = geo.Levels{"district", "street", "community", "grid"}

// SeedDemo writes the embedded demo district (二七区, Zhengzhou: real outline,
// names and codes; synthetic inner boundaries) into st as the main layer when
// that layer has no boundary set yet, its sites (see seedDemoSites) when
// st has no sites and its main layer is the demo, and its address layer
// likewise (seedDemoAddresses); otherwise it leaves st alone.
// It reports whether it wrote anything.
func SeedDemo(ctx context.Context, st Store) (bool, error) {
	if p, ok := st.(*Postgres); ok {
		// Replicas started together with --demo: one seeds, the others
		// then find the demo there.
		unlock, err := p.lock(ctx, seedLock)
		if err != nil {
			return false, fmt.Errorf("demo: %w", err)
		}
		defer unlock()
	}
	grids, err := seedDemoGrids(ctx, st)
	if err != nil {
		return false, err
	}
	sites, err := seedDemoSites(ctx, st)
	if err != nil {
		return grids || sites, err
	}
	addrs, err := seedDemoAddresses(ctx, st)
	return grids || sites || addrs, err
}

// demoNote marks the boundary version SeedDemo writes.
const demoNote = "embedded demo: 二七区 (synthetic inner boundaries)"

func seedDemoGrids(ctx context.Context, st Store) (bool, error) {
	_, err := st.CurrentSet(ctx, geo.DefaultLayer)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, geo.ErrNotFound) {
		return false, err
	}
	grids, err := ReadGrids(bytes.NewReader(demo.Grids()), GridFields{}, 0)
	if err != nil {
		return false, fmt.Errorf("embedded demo grids: %w", err)
	}
	_, _, err = ImportGrids(ctx, st, grids, GridImport{Levels: DemoLevels, Note: demoNote})
	return err == nil, err
}

package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// versions: wangge versions [--db PATH] [--layer NAME] [--restore ID]
func (m *Main) versions(ctx context.Context, args []string) error {
	fs := m.newFlags("versions")
	db := m.dbFlag(fs)
	layer := fs.String("layer", geo.DefaultLayer, "boundary `layer`")
	restore := fs.Int64("restore", 0, "make version `ID` of the layer current again (saved as a new version), then list")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if *restore != 0 {
		old, err := store.VersionSet(ctx, *restore)
		if err != nil {
			return err
		}
		if old.Layer != *layer {
			return fmt.Errorf("%w: --restore: version %d belongs to layer %q, not %q (add --layer %s)", errUsage, *restore, old.Layer, *layer, old.Layer)
		}
		id, err := data.RestoreVersion(ctx, store, *restore)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "layer %s: version %d restored as version %d\n", old.Layer, *restore, id)
	}
	vs, err := store.Versions(ctx, *layer)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "version,current,grids,levels,created_at,note")
	for _, v := range vs {
		fmt.Fprintf(m.Stdout, "%d,%v,%d,%s,%s,%s\n", v.ID, v.Current, v.GridCount,
			strings.Join(v.Levels, "/"), v.CreatedAt.Format(time.RFC3339), v.Note)
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// versions: wangge versions [--db PATH] [--layer NAME]
func (m *Main) versions(ctx context.Context, args []string) error {
	fs := m.newFlags("versions")
	db := m.dbFlag(fs)
	layer := fs.String("layer", geo.DefaultLayer, "boundary `layer`")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
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

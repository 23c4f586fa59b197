package main

import (
	"context"
	"fmt"
	"time"

	"github.com/wangge/wangge/data"
)

// migrate: wangge migrate --from PATH_OR_URL --to PATH_OR_URL
func (m *Main) migrate(ctx context.Context, args []string) error {
	fs := m.newFlags("migrate")
	from := fs.String("from", "", "the store to copy: a SQLite file `path` or a postgres:// URL")
	to := fs.String("to", "", "the store to copy into, empty or new: a SQLite file `path` or a postgres:// URL")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	if *from == "" || *to == "" {
		return fmt.Errorf("%w: both --from and --to are needed", errUsage)
	}
	if *from == *to {
		return fmt.Errorf("%w: --from and --to name the same store", errUsage)
	}
	src, err := data.Open(ctx, *from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := data.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	start := time.Now()
	last := start
	counts, err := data.Migrate(ctx, src, dst, func(table string, done, total int) {
		if now := time.Now(); now.Sub(last) >= time.Second || (done == total && total > 0) {
			last = now
			fmt.Fprintf(m.Stderr, "migrate: %s %d/%d rows (%.0fs)\n", table, done, total, now.Sub(start).Seconds())
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "migrated %s to %s in %.1fs: %d boundary versions (%d grids), %d sites, %d reports (%d events), %d tokens, %d audit entries, %d addresses\n",
		src.Location(), dst.Location(), time.Since(start).Seconds(), counts["boundary_versions"], counts["grids"], counts["sites"],
		counts["reports"], counts["report_events"], counts["tokens"], counts["audit_log"], counts["addresses"])
	return nil
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

// importAddresses: wangge import addresses FILE... [--db PATH] [--crs X] [--append]
func (m *Main) importAddresses(ctx context.Context, args []string) error {
	fs := m.newFlags("import addresses")
	db := m.dbFlag(fs)
	crsName := fs.String("crs", "wgs84", "coordinate system of the input: wgs84, gcj02 or bd09")
	add := fs.Bool("append", false, "add to the address layer instead of replacing it")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("%w: no input files (wangge import addresses FILE... [flags])", errUsage)
	}
	transform, err := inputTransform(*crsName)
	if err != nil {
		return err
	}
	f := data.AddressFields{Transform: transform}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	ix, err := currentIndex(ctx, store)
	if err != nil {
		return err
	}
	if ix == nil {
		fmt.Fprintln(m.Stderr, "note: no boundary set yet: addresses are imported without owners")
	}
	// The files are read and parsed on one goroutine while the rows are
	// written on another, in one transaction.
	start := time.Now()
	prog := newProgress(m.Stderr, "imported")
	res, err := store.ImportAddressesFunc(ctx, data.AddressImport{Append: *add, Index: ix, Progress: prog.update},
		func(emit func(address.Record) error) error {
			for _, path := range files {
				if err := data.ReadAddressesFileFunc(path, f, emit); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("%w (nothing imported)", err)
	}
	prog.done(res.Written)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(m.Stderr, "%d addresses read and written in %.1fs; Go heap at most %d MiB\n",
		res.Written, time.Since(start).Seconds(), ms.HeapSys>>20)
	fmt.Fprintf(m.Stdout, "addresses: %d written, %d outside every grid, %d in the layer\n", res.Written, res.Outside, res.Total)
	return nil
}

// addressLoader rebuilds the address index for new boundaries (the
// api.Config.AddressLoader of serve).
func addressLoader(store data.Store, log *slog.Logger) func(context.Context, *geo.Index) (api.AddressIndex, error) {
	return func(ctx context.Context, ix *geo.Index) (api.AddressIndex, error) {
		h, err := loadAddresses(ctx, store, ix, log)
		if err != nil {
			return nil, err
		}
		return h.Load(), nil
	}
}

// loadAddresses indexes the store's address layer with the hierarchy names
// of the boundaries ix (nil: none yet): an empty layer still answers the
// names of streets, communities and grids.
func loadAddresses(ctx context.Context, store data.Store, ix *geo.Index, log *slog.Logger) (*api.AddressHolder, error) {
	start := time.Now()
	b := address.NewBuilder(ix)
	err := store.EachAddress(ctx, func(r *address.Record) error {
		b.Add(r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	aix := b.Index()
	h := new(api.AddressHolder)
	h.Store(aix)
	log.Info("addresses loaded", "addresses", aix.Len(), "names", aix.Areas(), "ms", time.Since(start).Milliseconds())
	return h, nil
}

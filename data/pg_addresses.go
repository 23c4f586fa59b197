package data

import (
	"context"

	"github.com/wangge/wangge/geo/address"
)

// The address layer on PostgreSQL is written and read by the same code as
// on SQLite (data/addresses.go): its SQL is portable and runs on the
// store's pool (see sqlDB), so these delegate to it.

// ImportAddresses writes recs as the address layer, all or nothing (see
// SQLite.ImportAddresses).
func (p *Postgres) ImportAddresses(ctx context.Context, recs []address.Record, imp AddressImport) (*AddressImportResult, error) {
	return p.asSQL().ImportAddresses(ctx, recs, imp)
}

// Addresses reads the address layer in id order (nil when empty).
func (p *Postgres) Addresses(ctx context.Context) ([]address.Record, error) {
	return p.asSQL().Addresses(ctx)
}

// AddressCount is the number of rows of the address layer.
func (p *Postgres) AddressCount(ctx context.Context) (int, error) {
	return p.asSQL().AddressCount(ctx)
}

// asSQL is p seen through the SQLite type, whose portable methods use only
// the pool.
func (p *Postgres) asSQL() *SQLite { return &SQLite{sqlDB: p.sqlDB} }

// ImportAddressesFunc is ImportAddresses for the records produce emits,
// streamed (see SQLite.ImportAddressesFunc).
func (p *Postgres) ImportAddressesFunc(ctx context.Context, imp AddressImport, produce func(emit func(address.Record) error) error) (*AddressImportResult, error) {
	return p.asSQL().ImportAddressesFunc(ctx, imp, produce)
}

// EachAddress calls fn with each row of the address layer in id order (see
// SQLite.EachAddress).
func (p *Postgres) EachAddress(ctx context.Context, fn func(*address.Record) error) error {
	return p.asSQL().EachAddress(ctx, fn)
}

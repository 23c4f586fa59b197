package data

import (
	"context"
	"database/sql"
	"io"
	"strings"
	"time"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/geo/address"
)

// Store is what wangge keeps: boundary versions of layers, sites, tokens
// and (through NewReports) reports. Two stores implement it and behave the
// same: *SQLite, one file for one machine, and *Postgres, PostgreSQL with
// PostGIS, which several wangge processes may share. Open picks one by the
// form of its argument. A Store is safe for concurrent use.
type Store interface {
	// Close closes the store.
	Close() error
	// Location names the store for messages: the SQLite file, or the
	// PostgreSQL URL without its password.
	Location() string

	// SaveSet writes set as a new version of its layer and makes it
	// current (see SQLite.SaveSet).
	SaveSet(ctx context.Context, set *geo.Set, note string) (int64, error)
	// CurrentSet reads the current version of layer (geo.ErrNotFound).
	CurrentSet(ctx context.Context, layer string) (*geo.Set, error)
	// CurrentVersion is the id of layer's current version, 0 when it has
	// none; a cheap check for a newer version than the one served.
	CurrentVersion(ctx context.Context, layer string) (int64, error)
	// VersionSet reads boundary version id (geo.ErrNotFound).
	VersionSet(ctx context.Context, id int64) (*geo.Set, error)
	// Versions lists the versions of layer, oldest first.
	Versions(ctx context.Context, layer string) ([]VersionInfo, error)
	// ReplaceGrids makes a GeoJSON body the new version of layer.
	ReplaceGrids(ctx context.Context, layer string, body io.Reader, system string) (*geo.Set, []geo.Warning, error)

	SaveSites(ctx context.Context, sites []geo.Site, add bool) (added, updated, removed int, err error)
	Sites(ctx context.Context, kind string) ([]geo.Site, error)
	SiteCount(ctx context.Context) (int, error)
	ReplaceSites(ctx context.Context, body io.Reader, format, kind, system string, add bool) ([]string, int, error)

	CreateToken(ctx context.Context, role geo.Role, grid, name string, expires time.Duration) (string, TokenInfo, error)
	Authenticate(ctx context.Context, token string) (geo.Principal, error)
	RevokeToken(ctx context.Context, idOrToken string) (TokenInfo, error)
	Tokens(ctx context.Context) ([]TokenInfo, error)

	// ImportAddresses writes the address layer (gazetteer), all or
	// nothing; Addresses reads it in id order; AddressCount counts it.
	ImportAddresses(ctx context.Context, recs []address.Record, imp AddressImport) (*AddressImportResult, error)
	ImportAddressesFunc(ctx context.Context, imp AddressImport, produce func(emit func(address.Record) error) error) (*AddressImportResult, error)
	Addresses(ctx context.Context) ([]address.Record, error)
	EachAddress(ctx context.Context, fn func(*address.Record) error) error
	AddressCount(ctx context.Context) (int, error)

	lookupToken(ctx context.Context, token string) (geo.Principal, time.Time, error)
	base() *sqlDB
}

// Open opens the store dsn names: PostgreSQL for a postgres:// or
// postgresql:// URL (see OpenPostgres), else the SQLite file at that path
// (see OpenSQLite). Either is created or migrated to the current schema.
func Open(ctx context.Context, dsn string) (Store, error) {
	if IsPostgresURL(dsn) {
		return OpenPostgres(ctx, dsn)
	}
	return OpenSQLite(ctx, dsn)
}

// IsPostgresURL tells whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqlDB is what both stores share: a database/sql pool whose statements
// are written for SQLite, with "?" placeholders (rewritten for PostgreSQL,
// see openPgDB). Tokens and sites are stored by the same code on both.
type sqlDB struct {
	db *sql.DB
	pg bool // PostgreSQL (else SQLite)
}

func (s *sqlDB) base() *sqlDB { return s }

// siteSaver is the part of a store ImportSites writes through.
type siteSaver interface {
	SaveSites(ctx context.Context, sites []geo.Site, add bool) (added, updated, removed int, err error)
}

var (
	_ Store = (*SQLite)(nil)
	_ Store = (*Postgres)(nil)
)

package data

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wangge/wangge/geo"
)

// TokenPrefix starts every token wangge makes, so a leaked one is easy to
// recognise (secret scanners, logs).
const TokenPrefix = "wg_"

// TokenInfo describes a stored token (never the token itself: only its
// SHA-256 hash is kept).
type TokenInfo struct {
	ID        int64
	Role      geo.Role
	Grid      string
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
	RevokedAt time.Time // zero: not revoked
}

// CreateToken makes a new random bearer token for role (a worker's grid in
// grid), stores its hash and returns the token, which is not kept anywhere.
// expires 0 means the token never expires.
func (s *sqlDB) CreateToken(ctx context.Context, role geo.Role, grid, name string, expires time.Duration) (string, TokenInfo, error) {
	if _, err := geo.ParseRole(string(role)); err != nil {
		return "", TokenInfo{}, err
	}
	if (role == geo.RoleWorker) != (grid != "") {
		return "", TokenInfo{}, fmt.Errorf("a worker token needs a grid, and only a worker token has one")
	}
	var raw [32]byte
	rand.Read(raw[:])
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	info := TokenInfo{Role: role, Grid: grid, Name: name, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	var exp any
	if expires > 0 {
		info.ExpiresAt = info.CreatedAt.Add(expires)
		exp = ms(info.ExpiresAt)
	}
	h := hashToken(token)
	err := s.db.QueryRowContext(ctx, `INSERT INTO tokens(hash, role, grid, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		h[:], string(role), grid, name, ms(info.CreatedAt), exp).Scan(&info.ID)
	if err != nil {
		return "", TokenInfo{}, fmt.Errorf("create token: %w", err)
	}
	return token, info, nil
}

func hashToken(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// Authenticate finds the principal a bearer token stands for. Unknown,
// expired and revoked tokens are errors wrapping geo.ErrUnauthenticated.
func (s *sqlDB) Authenticate(ctx context.Context, token string) (geo.Principal, error) {
	p, _, err := s.lookupToken(ctx, token)
	return p, err
}

// lookupToken is Authenticate, also returning when the token expires (zero:
// never).
func (s *sqlDB) lookupToken(ctx context.Context, token string) (geo.Principal, time.Time, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return geo.Principal{}, time.Time{}, fmt.Errorf("%w: not a wangge token", geo.ErrUnauthenticated)
	}
	h := hashToken(token)
	var id int64
	var role, grid, name string
	var expires, revoked sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT id, role, grid, name, expires_at, revoked_at FROM tokens WHERE hash = ?`, h[:]).
		Scan(&id, &role, &grid, &name, &expires, &revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return geo.Principal{}, time.Time{}, fmt.Errorf("%w: unknown token", geo.ErrUnauthenticated)
	case err != nil:
		return geo.Principal{}, time.Time{}, fmt.Errorf("authenticate: %w", err)
	case revoked.Valid:
		return geo.Principal{}, time.Time{}, fmt.Errorf("%w: token %d was revoked", geo.ErrUnauthenticated, id)
	case expires.Valid && time.Now().UnixMilli() >= expires.Int64:
		return geo.Principal{}, time.Time{}, fmt.Errorf("%w: token %d expired", geo.ErrUnauthenticated, id)
	}
	p := geo.Principal{TokenID: strconv.FormatInt(id, 10), Role: geo.Role(role), Grid: grid, Name: name}
	return p, fromNullMS(expires), nil
}

// TokenCache authenticates tokens against a store and remembers each valid
// one for TTL, so a busy server does not read the token table on every
// request. A token revoked in the store (wangge token revoke, possibly from
// another process) keeps working for at most TTL; an expired one stops at
// once. It is safe for concurrent use.
type TokenCache struct {
	st  Store
	ttl time.Duration

	mu    sync.Mutex
	items map[[32]byte]cachedToken
}

type cachedToken struct {
	p       geo.Principal
	expires time.Time // the token's own expiry; zero: never
	fetched time.Time
}

// maxCachedTokens bounds the cache; it is emptied when full.
const maxCachedTokens = 4096

// NewTokenCache makes a cache of st's tokens with the given time to live.
func NewTokenCache(st Store, ttl time.Duration) *TokenCache {
	return &TokenCache{st: st, ttl: ttl, items: map[[32]byte]cachedToken{}}
}

// Authenticate is SQLite.Authenticate, from memory when it can.
func (c *TokenCache) Authenticate(ctx context.Context, token string) (geo.Principal, error) {
	h := hashToken(token)
	now := time.Now()
	c.mu.Lock()
	e, ok := c.items[h]
	c.mu.Unlock()
	if ok && now.Sub(e.fetched) < c.ttl && (e.expires.IsZero() || now.Before(e.expires)) {
		return e.p, nil
	}
	p, expires, err := c.st.lookupToken(ctx, token)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		delete(c.items, h)
		return p, err
	}
	if len(c.items) >= maxCachedTokens {
		clear(c.items)
	}
	c.items[h] = cachedToken{p: p, expires: expires, fetched: now}
	return p, nil
}

// RevokeToken revokes the token given by its id or by the token itself. It
// returns an error wrapping geo.ErrNotFound when there is no such token.
func (s *sqlDB) RevokeToken(ctx context.Context, idOrToken string) (TokenInfo, error) {
	var row *sql.Row
	if strings.HasPrefix(idOrToken, TokenPrefix) {
		h := hashToken(idOrToken)
		row = s.db.QueryRowContext(ctx, `UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE hash = ? RETURNING `+tokenColumns,
			time.Now().UnixMilli(), h[:])
	} else {
		id, err := strconv.ParseInt(idOrToken, 10, 64)
		if err != nil {
			return TokenInfo{}, fmt.Errorf("%q is neither a token id nor a token", idOrToken)
		}
		row = s.db.QueryRowContext(ctx, `UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING `+tokenColumns,
			time.Now().UnixMilli(), id)
	}
	info, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return TokenInfo{}, fmt.Errorf("token %s: %w", idOrToken, geo.ErrNotFound)
	}
	if err != nil {
		return TokenInfo{}, fmt.Errorf("revoke token: %w", err)
	}
	return info, nil
}

// Tokens lists the stored tokens, oldest first.
func (s *sqlDB) Tokens(ctx context.Context) ([]TokenInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []TokenInfo
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

const tokenColumns = `id, role, grid, name, created_at, expires_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (TokenInfo, error) {
	var t TokenInfo
	var role string
	var created int64
	var expires, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &role, &t.Grid, &t.Name, &created, &expires, &revoked); err != nil {
		return TokenInfo{}, err
	}
	t.Role, t.CreatedAt, t.ExpiresAt, t.RevokedAt = geo.Role(role), fromMS(created), fromNullMS(expires), fromNullMS(revoked)
	return t, nil
}

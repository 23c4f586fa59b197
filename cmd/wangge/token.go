package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/wangge/wangge/data"
	"github.com/wangge/wangge/geo"
)

// tokenCreate: wangge token create --db PATH --role ROLE [--grid CODE]
// [--name NAME] [--expires 90d]. The token is the last line of stdout, alone;
// everything else goes to stderr. Only its hash is stored.
func (m *Main) tokenCreate(ctx context.Context, args []string) error {
	fs := m.newFlags("token create")
	db := m.dbFlag(fs)
	roleName := fs.String("role", "", "admin, dispatcher, worker or reporter (required)")
	grid := fs.String("grid", "", "a worker's grid `code`: it sees that grid and its descendants (required for workers)")
	name := fs.String("name", "", "who holds the token, shown in report events and the audit log")
	expires := fs.String("expires", "90d", "lifetime: a duration such as 90d, 12h, or never")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	role, err := geo.ParseRole(*roleName)
	if err != nil {
		return fmt.Errorf("%w: --role: %v", errUsage, err)
	}
	if role == geo.RoleWorker && *grid == "" {
		return fmt.Errorf("%w: a worker token needs --grid CODE", errUsage)
	}
	if role != geo.RoleWorker && *grid != "" {
		return fmt.Errorf("%w: --grid goes with --role worker only", errUsage)
	}
	var life time.Duration
	if *expires != "never" {
		if life, err = geo.ParseDuration(*expires); err != nil || life <= 0 {
			return fmt.Errorf("%w: --expires %q: want a positive duration such as 90d or 12h, or never", errUsage, *expires)
		}
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	if *grid != "" {
		set, err := store.CurrentSet(ctx, geo.DefaultLayer)
		switch {
		case errors.Is(err, geo.ErrNotFound):
			fmt.Fprintf(m.Stderr, "warning: %s has no boundary set yet; grid %s is not checked\n", *db, *grid)
		case err != nil:
			return err
		case !hasGrid(set, *grid):
			return fmt.Errorf("grid %q is not in the current boundary set (version %d)", *grid, set.Version)
		}
	}
	token, info, err := store.CreateToken(ctx, role, *grid, *name, life)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "token %d: role %s", info.ID, info.Role)
	if info.Grid != "" {
		fmt.Fprintf(m.Stderr, ", grid %s", info.Grid)
	}
	if info.Name != "" {
		fmt.Fprintf(m.Stderr, ", name %q", info.Name)
	}
	if info.ExpiresAt.IsZero() {
		fmt.Fprintln(m.Stderr, ", never expires")
	} else {
		fmt.Fprintf(m.Stderr, ", expires %s\n", info.ExpiresAt.Format(time.RFC3339))
	}
	fmt.Fprintln(m.Stderr, "the token is shown once: only its hash is stored")
	fmt.Fprintln(m.Stdout, token)
	return nil
}

func hasGrid(set *geo.Set, code string) bool {
	for i := range set.Grids {
		if set.Grids[i].Code == code {
			return true
		}
	}
	return false
}

// tokenRevoke: wangge token revoke --db PATH ID|TOKEN
func (m *Main) tokenRevoke(ctx context.Context, args []string) error {
	fs := m.newFlags("token revoke")
	db := m.dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: want one token id or token (wangge token revoke ID|TOKEN)", errUsage)
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	info, err := store.RevokeToken(ctx, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "token %d (%s %s) revoked at %s\n", info.ID, info.Role, info.Name, info.RevokedAt.Format(time.RFC3339))
	return nil
}

// tokenList: wangge token list --db PATH → CSV of the tokens (never the
// tokens themselves).
func (m *Main) tokenList(ctx context.Context, args []string) error {
	fs := m.newFlags("token list")
	db := m.dbFlag(fs)
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	store, err := data.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	ts, err := store.Tokens(ctx)
	if err != nil {
		return err
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	w := csv.NewWriter(m.Stdout)
	w.Write([]string{"id", "role", "grid", "name", "created_at", "expires_at", "revoked_at"})
	for _, t := range ts {
		w.Write([]string{strconv.FormatInt(t.ID, 10), string(t.Role), t.Grid, t.Name,
			stamp(t.CreatedAt), stamp(t.ExpiresAt), stamp(t.RevokedAt)})
	}
	w.Flush()
	return w.Error()
}

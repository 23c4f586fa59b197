package geo

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Role is what a token may do with reports.
//
//   - admin: everything, including replacing the grids.
//   - dispatcher: every report; assigns, reassigns, returns, rejects,
//     verifies and closes.
//   - worker: the reports of one grid and its descendants only; accepts,
//     works on, resolves, returns and escalates them.
//   - reporter: creates reports and sees its own.
//
// Reporters' names and phone numbers are shown unmasked to dispatchers and
// admins only.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleDispatcher Role = "dispatcher"
	RoleWorker     Role = "worker"
	RoleReporter   Role = "reporter"
)

// Roles lists the roles, most powerful first.
var Roles = []Role{RoleAdmin, RoleDispatcher, RoleWorker, RoleReporter}

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q (roles: admin, dispatcher, worker, reporter)", s)
}

// Principal is who a request acts as: the holder of a token.
type Principal struct {
	TokenID string // the token's id in the store; "env" for the bootstrap admin token
	Role    Role
	Grid    string // a worker's grid: it sees that grid and its descendants
	Name    string // who holds the token, for events and the audit log
}

// Label names p in report events: "role:name", or "role#id" without a name.
func (p Principal) Label() string {
	if p.Name != "" {
		return string(p.Role) + ":" + p.Name
	}
	return string(p.Role) + "#" + p.TokenID
}

// SeesAll reports whether p sees every report (admin, dispatcher).
func (p Principal) SeesAll() bool { return p.Role == RoleAdmin || p.Role == RoleDispatcher }

// SeesPersonalData reports whether p sees reporters' names and phone numbers
// unmasked (admin, dispatcher).
func (p Principal) SeesPersonalData() bool { return p.SeesAll() }

// CanSee reports whether p may read r: admins and dispatchers every report,
// a worker those of its grid's subtree, a reporter the ones it created.
func (p Principal) CanSee(r *Report) bool {
	switch p.Role {
	case RoleAdmin, RoleDispatcher:
		return true
	case RoleWorker:
		return p.Grid != "" && r.InSubtree(p.Grid)
	case RoleReporter:
		return p.TokenID != "" && r.CreatedBy == p.TokenID
	}
	return false
}

// MayMove reports whether p's role may move a report it can see to status to.
func (p Principal) MayMove(to Status) bool {
	switch p.Role {
	case RoleAdmin, RoleDispatcher:
		return true
	case RoleWorker:
		switch to {
		case StatusAccepted, StatusInProgress, StatusResolved, StatusReturned, StatusEscalated:
			return true
		}
	}
	return false
}

// MaskPhone hides the middle of a phone number: "13812345678" becomes
// "138****5678". Numbers of fewer than 8 characters keep only their last 2.
func MaskPhone(s string) string {
	r := []rune(s)
	switch {
	case len(r) == 0:
		return ""
	case len(r) < 8:
		keep := max(len(r)-2, 0)
		return strings.Repeat("*", keep) + string(r[keep:])
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// MaskName keeps the first character of a name (the family name of most
// Chinese names) and hides the rest: "王芳" becomes "王*", "欧阳娜娜" "欧***";
// a one-character name becomes "*".
func MaskName(s string) string {
	n := utf8.RuneCountInString(s)
	switch n {
	case 0:
		return ""
	case 1:
		return "*"
	}
	_, size := utf8.DecodeRuneInString(s)
	return s[:size] + strings.Repeat("*", n-1)
}

package geo

import "errors"

// Errors of reports and access; callers test with errors.Is.
var (
	// ErrConflict: the request is well formed but the report's state does not
	// allow it (a *TransitionError wraps it).
	ErrConflict = errors.New("conflict")
	// ErrInvalidChange: a change lacks what its target status needs (the grid
	// to assign to, the team to escalate to).
	ErrInvalidChange = errors.New("invalid change")
	// ErrUnauthenticated: no token, or one that is unknown, expired or revoked.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden: a valid token whose role lacks the right.
	ErrForbidden = errors.New("forbidden")
	// ErrIdempotencyMismatch: an idempotency key replayed with another request.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
)

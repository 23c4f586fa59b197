package geo

import (
	"errors"
	"fmt"
)

// Sentinel errors; callers test with errors.Is.
var (
	ErrNotFound     = errors.New("not found")
	ErrInvalidPoint = errors.New("invalid point")
	ErrUnknownLevel = errors.New("unknown level")
	ErrInvalidGrid  = errors.New("invalid grid")
)

// GridError says why one grid of an input cannot be used. Index is the
// grid's position in its input (0-based feature number), Code its code when it
// has one.
type GridError struct {
	Index  int
	Code   string
	Reason string
}

func (e *GridError) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("feature %d: %s", e.Index, e.Reason)
	}
	return fmt.Sprintf("feature %d (code %q): %s", e.Index, e.Code, e.Reason)
}

// Unwrap lets errors.Is(err, ErrInvalidGrid) hold.
func (e *GridError) Unwrap() error { return ErrInvalidGrid }

// Warning is a problem that does not stop a grid from being used, such as a
// ring that touches or crosses itself.
type Warning struct {
	Index   int
	Code    string
	Message string
}

func (w Warning) String() string {
	return fmt.Sprintf("feature %d (code %q): %s", w.Index, w.Code, w.Message)
}

package geo

import "errors"

// ErrUnavailable marks a failure to reach the store (a database server
// stopped, restarting or unreachable): the request may succeed when it is
// retried later. The HTTP API answers it with 503.
var ErrUnavailable = errors.New("store unavailable")

package bench

import (
	"syscall"
	"time"
)

// ThreadCPU is the CPU time (user and system) of the calling OS thread; call
// it with the goroutine locked to its thread (runtime.LockOSThread). On a
// machine shared with other jobs, wall time counts the time a thread waits
// for a core; thread CPU time does not, so it is the steadier figure for
// "cost on one core". Linux only (RUSAGE_THREAD); 0 elsewhere.
func ThreadCPU() time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package geo

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelBatch is how many items a worker of parallelFor takes at a time.
const parallelBatch = 256

// parallelFor calls fn on consecutive ranges [lo, hi) covering [0, n), on
// up to GOMAXPROCS goroutines, and returns when all calls have returned. fn
// must be safe to run concurrently on disjoint ranges.
func parallelFor(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+parallelBatch-1)/parallelBatch)
	if workers <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(parallelBatch)) - parallelBatch
				if lo >= n {
					return
				}
				fn(lo, min(lo+parallelBatch, n))
			}
		}()
	}
	wg.Wait()
}

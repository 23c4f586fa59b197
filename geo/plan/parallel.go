package plan

import (
	"runtime"
	"sync"
)

// maxWorkers caps the goroutines one query uses.
const maxWorkers = 4

// chunks splits [0,n) into up to GOMAXPROCS (at most maxWorkers) contiguous
// ranges of at least minChunk and runs fn on each in its own goroutine,
// returning when all are done. Range k is [bounds[k], bounds[k+1]).
func chunks(n, minChunk int, fn func(k, lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), maxWorkers, max(1, n/max(minChunk, 1)))
	if w <= 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for k := range w {
		lo, hi := n*k/w, n*(k+1)/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(k, lo, hi)
		}()
	}
	wg.Wait()
}

package geo

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
)

// TestHolderSwap: readers locate through whatever index they load while a
// writer keeps building and swapping in new ones. Each reader's answer must
// come from the snapshot it loaded (the layer names which), and -race must
// stay quiet.
func TestHolderSwap(t *testing.T) {
	build := func(layer string) *Index {
		s := &Set{Layer: layer, Levels: DefaultLevels, Grids: []Grid{
			{Code: layer, Level: "grid", Geometry: square(113, 34)},
			{Code: "zz", Level: "grid", Geometry: square(114, 34)},
		}}
		if _, err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		ix, err := NewIndex(s)
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	var h Holder
	if h.Load() != nil {
		t.Fatal("Load before Store is not nil")
	}
	h.Store(build("a"))

	const readers, reads = 8, 2000
	var wg sync.WaitGroup
	errs := make(chan string, readers)
	for range readers {
		wg.Go(func() {
			p := orb.Point{113.5, 34.5}
			for range reads {
				ix := h.Load()
				r, err := ix.Locate(p, LocateOptions{NearestM: 50})
				if err != nil {
					errs <- err.Error()
					return
				}
				if got, want := ownerCode(ix, r), ix.Set().Layer; got != want || r.Match != MatchInside {
					errs <- "Locate through layer " + want + " = " + got + " " + string(r.Match)
					return
				}
			}
		})
	}
	// The writer swaps until the readers are done.
	var stop atomic.Bool
	swapped := make(chan int)
	go func() {
		i := 0
		for ; !stop.Load(); i++ {
			h.Store(build(string(rune('a' + i%26))))
		}
		swapped <- i
	}()
	wg.Wait()
	stop.Store(true)
	t.Logf("%d swaps during %d reads", <-swapped, readers*reads)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestIndexConcurrentReaders: many goroutines locating on one index agree
// with the answers given one at a time.
func TestIndexConcurrentReaders(t *testing.T) {
	ix := buildSet(t, cityRows)
	pts := []orb.Point{{113.25, 34.25}, {113.5, 35}, {113.5, 35.5}, {114.75, 35.75}, {112, 34}, {113.5, 34.5}}
	want := make([]Result, len(pts))
	for i, p := range pts {
		want[i], _ = ix.Locate(p, LocateOptions{})
	}
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 8 {
		wg.Go(func() {
			for range 500 {
				for i, p := range pts {
					r, _ := ix.Locate(p, LocateOptions{})
					if r.Owner != want[i].Owner || r.Match != want[i].Match || len(r.Others) != len(want[i].Others) {
						bad.Add(1)
					}
				}
			}
		})
	}
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Errorf("%d concurrent answers differ from the sequential ones", n)
	}
}

package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// rowBatch is a run of CSV records on their way through a pipeline: read in
// order by one goroutine, processed by any worker, written in order.
type rowBatch struct {
	lines []int      // line number of each record
	recs  [][]string // the records' fields
	out   []byte     // the encoded output of the whole batch
	bad   []string   // stderr lines for bad rows, in order
	done  chan struct{}
}

// batchRows is how many records a batch holds.
const batchRows = 4096

// runPipeline reads CSV records from in (after the header, which the caller
// has read), hands batches to process on all cores and writes each batch's
// output to w and its error lines to errw, in input order. Memory is bounded
// by a few batches per worker, whatever the input size. It returns the
// number of bad rows, or the first read or write error.
func runPipeline(in *csv.Reader, w, errw io.Writer, process func(b *rowBatch)) (int, error) {
	workers := runtime.GOMAXPROCS(0)
	todo := make(chan *rowBatch, workers*2)
	order := make(chan *rowBatch, workers*4)
	pool := sync.Pool{New: func() any { return &rowBatch{} }}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range todo {
				process(b)
				close(b.done)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(todo)
		for {
			b := pool.Get().(*rowBatch)
			b.lines, b.recs, b.out, b.bad = b.lines[:0], b.recs[:0], b.out[:0], b.bad[:0]
			b.done = make(chan struct{})
			for len(b.recs) < batchRows {
				rec, err := in.Read()
				if err == io.EOF {
					break
				}
				line, _ := in.FieldPos(0)
				if err != nil && !errors.Is(err, csv.ErrFieldCount) {
					var pe *csv.ParseError
					if errors.As(err, &pe) {
						err = fmt.Errorf("line %d: %v", pe.Line, pe.Err)
					}
					readErr <- err
					if len(b.recs) > 0 {
						todo <- b
						order <- b
					}
					return
				}
				b.lines = append(b.lines, line)
				b.recs = append(b.recs, rec)
			}
			if len(b.recs) == 0 {
				readErr <- nil
				return
			}
			todo <- b
			order <- b
		}
	}()
	bad := 0
	var werr error
	for b := range order {
		<-b.done
		for _, msg := range b.bad {
			fmt.Fprintln(errw, msg)
		}
		bad += len(b.bad)
		if werr == nil {
			_, werr = w.Write(b.out)
		}
		pool.Put(b)
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		return bad, err
	}
	return bad, werr
}

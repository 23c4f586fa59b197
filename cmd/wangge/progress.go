package main

import (
	"fmt"
	"io"
	"time"
)

// progress prints a line on stderr at most once a second while a long job
// runs, and a final count.
type progress struct {
	w     io.Writer
	verb  string
	start time.Time
	last  time.Time
	shown bool
}

func newProgress(w io.Writer, verb string) *progress {
	now := time.Now()
	return &progress{w: w, verb: verb, start: now, last: now}
}

func (p *progress) update(n int) {
	if now := time.Now(); now.Sub(p.last) >= time.Second {
		p.last = now
		p.shown = true
		fmt.Fprintf(p.w, "%s %d features (%.0fs)\n", p.verb, n, now.Sub(p.start).Seconds())
	}
}

func (p *progress) done(n int) {
	if p.shown {
		fmt.Fprintf(p.w, "%s %d features (%.1fs), done\n", p.verb, n, time.Since(p.start).Seconds())
	}
}

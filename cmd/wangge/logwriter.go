package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logWriter buffers log output and flushes it at least every flushEvery, so a
// busy server does not pay one write system call per request log line. Each
// Write (one slog record) goes into the buffer whole. Close flushes and stops
// the flusher; at most flushEvery of logs are lost if the process is killed.
type logWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

const flushEvery = 200 * time.Millisecond

func newLogWriter(w io.Writer) *logWriter {
	lw := &logWriter{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				lw.Flush()
			case <-lw.stop:
				lw.Flush()
				return
			}
		}
	}()
	return lw
}

func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(p)
}

// Flush writes out what is buffered.
func (lw *logWriter) Flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Flush()
}

// Close flushes and stops the background flusher.
func (lw *logWriter) Close() error {
	close(lw.stop)
	<-lw.done
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// progress shows how far a long run has come, on a terminal only: output
// that is piped or captured stays exactly what the command prints (for perf,
// what libzmq's tools print). A nil *progress does nothing.
type progress struct {
	w     io.Writer
	label string
	total int64
	done  atomic.Int64
	quit  chan struct{}
	wg    sync.WaitGroup
}

// progressInterval is how often the line is redrawn.
const progressInterval = 250 * time.Millisecond

// newProgress starts a progress line on w if w is a terminal, else returns
// nil.
func newProgress(w io.Writer, label string, total int) *progress {
	if !isTerminal(w) || total <= 0 {
		return nil
	}
	p := &progress{w: w, label: label, total: int64(total), quit: make(chan struct{})}
	p.wg.Add(1)
	go p.draw()
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func (p *progress) draw() {
	defer p.wg.Done()
	t := time.NewTicker(progressInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			fmt.Fprintf(p.w, "\r%s %d/%d", p.label, p.done.Load(), p.total)
		case <-p.quit:
			fmt.Fprintf(p.w, "\r\033[K") // clear the line for the results
			return
		}
	}
}

// step counts one more message.
func (p *progress) step() {
	if p != nil {
		p.done.Add(1)
	}
}

// stop ends the progress line.
func (p *progress) stop() {
	if p != nil {
		close(p.quit)
		p.wg.Wait()
	}
}

type progressKey struct{}

// withProgress lets the loops of a command find its progress line.
func withProgress(ctx context.Context, p *progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

func progressFrom(ctx context.Context) *progress {
	p, _ := ctx.Value(progressKey{}).(*progress)
	return p
}

package sync

import (
	"fmt"
	"io"
	"strings"
	gosync "sync"
)

// progress shows how far a phase is: a bar redrawn in place on a terminal,
// plain lines (start, every tenth, end) otherwise.
type progress struct {
	w        io.Writer
	terminal bool

	mu          gosync.Mutex
	phase       string
	done, total int
	lastTenth   int
}

func newProgress(w io.Writer, terminal bool) *progress {
	return &progress{w: w, terminal: terminal}
}

func (p *progress) start(phase string, total int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishLine()
	p.phase, p.done, p.total, p.lastTenth = phase, 0, total, 0
	if !p.terminal {
		fmt.Fprintf(p.w, "%s: %d to do\n", phase, total)
		return
	}
	p.draw()
}

func (p *progress) step() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if p.terminal {
		p.draw()
		return
	}
	if tenth := p.done * 10 / max(p.total, 1); tenth > p.lastTenth && p.done < p.total {
		p.lastTenth = tenth
		fmt.Fprintf(p.w, "%s: %d/%d\n", p.phase, p.done, p.total)
	}
}

func (p *progress) draw() {
	const width = 30
	filled := width
	if p.total > 0 {
		filled = p.done * width / p.total
	}
	fmt.Fprintf(p.w, "\r\033[K%-9s [%s%s] %d/%d", p.phase, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), p.done, p.total)
}

// finishLine ends the current phase's output.
func (p *progress) finishLine() {
	if p.phase == "" {
		return
	}
	if p.terminal {
		fmt.Fprintln(p.w)
	} else {
		fmt.Fprintf(p.w, "%s: %d/%d done\n", p.phase, p.done, p.total)
	}
	p.phase = ""
}

func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishLine()
}

// grow adds work to the current phase (import discovers it as it goes).
func (p *progress) grow(n int) {
	if p.w == nil || n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total += n
}

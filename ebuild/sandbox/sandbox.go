// Package sandbox holds the interpreter handlers that make sourcing an
// ebuild safe, the way Portage's depend phase does: no program ever runs,
// nothing is written, reads stay inside the repositories and eclass
// directories, and every evaluation has a time and step budget.
//
// Every effect the interpreter could have on the host goes through one of
// the handlers in this file.
package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"mvdan.cc/sh/v3/interp"
)

// Intercepted lists the tools Portage replaces in the depend phase by a
// function that prints a QA notice and returns 127 without dying
// (bin/ebuild.sh QA_INTERCEPTORS).
var intercepted = []string{
	"awk", "bash", "cc", "egrep", "equery", "fgrep", "g++", "gawk", "gcc",
	"grep", "javac", "java-config", "nawk", "perl", "pkg-config", "python",
	"python-config", "sed",
}

// IsIntercepted reports whether name is one of Portage's QA interceptors.
func IsIntercepted(name string) bool { return slices.Contains(intercepted, name) }

// ErrExternal is the cause of every attempt to run a program.
var ErrExternal = errors.New("external commands disallowed while sourcing ebuild")

// ErrBudget is the cause of a step or memory budget overrun.
var ErrBudget = errors.New("evaluation budget exceeded")

// ErrDenied is the cause of a read outside the allowed directories or of
// any write.
var ErrDenied = errors.New("sandbox violation")

// Config configures one Sandbox.
type Config struct {
	// ReadRoots are the directories (and everything below them) that may be
	// read: the repositories and eclass directories.
	ReadRoots []string
	// MaxSteps bounds the number of simple commands one evaluation runs.
	MaxSteps int
	// MaxHeapBytes aborts the evaluation when the process heap grows by
	// more than this while it runs (a runaway string); 0 means 1 GiB. The
	// heap is the whole process's, measured from when New was called, so
	// that a caller holding much memory does not fail every evaluation.
	MaxHeapBytes uint64
	// Warn receives QA notices (an intercepted tool called in global scope).
	Warn func(msg string)
	// Virtual serves in-memory files (process substitution results); may
	// be nil.
	Virtual func(path string) ([]byte, bool)
	// OutsideGlob is told when a glob looked outside the read roots (where
	// nothing can match); may be nil.
	OutsideGlob func(ctx context.Context)
	// Violation is told about opens the handlers refused; may be nil.
	Violation func(ctx context.Context, err error)
	// Where names the current source position for QA notices, e.g.
	// "eclass foo" or "cat/pkg-1"; may be nil.
	Where func(ctx context.Context) string
}

// Sandbox is the handler set of one evaluation: make one per
// interp.Runner. Its handlers may be called from the goroutines of a
// pipeline.
type Sandbox struct {
	cfg      Config
	roots    []string
	steps    atomic.Int64
	heapMu   sync.Mutex
	heap     []metrics.Sample
	baseHeap uint64
}

// maxGoroutines bounds the process's goroutines: pipelines run their
// sides concurrently, so a recursive pipeline (a fork bomb) multiplies
// them.
const maxGoroutines = 4096

// New returns a Sandbox for cfg.
func New(cfg Config) *Sandbox {
	if cfg.MaxHeapBytes == 0 {
		cfg.MaxHeapBytes = 1 << 30
	}
	s := &Sandbox{cfg: cfg, heap: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
	s.baseHeap = s.heapBytes()
	for _, r := range cfg.ReadRoots {
		if abs, err := filepath.Abs(r); err == nil {
			s.roots = append(s.roots, filepath.Clean(abs))
		}
	}
	return s
}

// Steps reports how many steps have run so far.
func (s *Sandbox) Steps() int { return int(s.steps.Load()) }

// Step counts one command against the budget. The interpreter calls it
// through the call handler for every command.
func (s *Sandbox) Step(ctx context.Context) error { return s.step(ctx, false) }

// LoopStep counts one loop iteration. It also checks the memory budget
// every time, since a loop can double a string without running a command.
func (s *Sandbox) LoopStep(ctx context.Context) error { return s.step(ctx, true) }

func (s *Sandbox) step(ctx context.Context, loop bool) error {
	n := s.steps.Add(1)
	if s.cfg.MaxSteps > 0 && n > int64(s.cfg.MaxSteps) {
		return fmt.Errorf("%w: more than %d commands", ErrBudget, s.cfg.MaxSteps)
	}
	if n&15 == 0 {
		if g := runtime.NumGoroutine(); g > maxGoroutines {
			return fmt.Errorf("%w: more than %d concurrent subshells", ErrBudget, maxGoroutines)
		}
	}
	if loop || n&63 == 0 {
		if limit := s.baseHeap + s.cfg.MaxHeapBytes; s.heapBytes() > limit {
			// Garbage of an earlier evaluation must not count: collect
			// and measure again before failing.
			runtime.GC()
			if s.heapBytes() > limit {
				return fmt.Errorf("%w: heap grew by more than %d bytes", ErrBudget, s.cfg.MaxHeapBytes)
			}
		}
	}
	return ctx.Err()
}

func (s *Sandbox) heapBytes() uint64 {
	s.heapMu.Lock()
	defer s.heapMu.Unlock()
	metrics.Read(s.heap)
	if v := s.heap[0].Value; v.Kind() == metrics.KindUint64 {
		return v.Uint64()
	}
	return 0
}

// Exec is the last exec handler: it runs for every command that is neither
// a function, a builtin nor a package-manager helper. QA-intercepted tools
// print a notice and fail with status 127; anything else is fatal.
func (s *Sandbox) Exec(ctx context.Context, args []string) error {
	if IsIntercepted(args[0]) {
		where := ""
		if s.cfg.Where != nil {
			where = s.cfg.Where(ctx)
		}
		if s.cfg.Warn != nil {
			s.cfg.Warn(fmt.Sprintf("QA Notice: '%s' called in global scope: %s", args[0], where))
		}
		return interp.ExitStatus(127)
	}
	return fmt.Errorf("%w: %s", ErrExternal, strings.Join(args, " "))
}

// allowed reports whether path lies inside one of the read roots.
func (s *Sandbox) allowed(path string) bool {
	p := filepath.Clean(path)
	for _, r := range s.roots {
		if p == r || strings.HasPrefix(p, r+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func (s *Sandbox) abs(ctx context.Context, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(interp.HandlerCtx(ctx).Dir, path)
}

// Open allows reading files inside the roots and reading or writing
// /dev/null; everything else fails.
func (s *Sandbox) Open(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	p := s.abs(ctx, path)
	if p == os.DevNull {
		return devNull{}, nil
	}
	if s.cfg.Virtual != nil {
		if data, ok := s.cfg.Virtual(p); ok && flag&(os.O_WRONLY|os.O_RDWR) == 0 {
			return &memFile{Reader: bytes.NewReader(data)}, nil
		}
	}
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_TRUNC) != 0 {
		err := &fs.PathError{Op: "write", Path: path, Err: ErrDenied}
		s.violation(ctx, err)
		return nil, err
	}
	if !s.allowed(p) {
		err := &fs.PathError{Op: "open", Path: path, Err: ErrDenied}
		s.violation(ctx, err)
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ReadDir lists directories inside the roots; the (virtual, empty)
// working directory and anything outside the roots read as empty.
func (s *Sandbox) ReadDir(ctx context.Context, path string) ([]fs.DirEntry, error) {
	p := s.abs(ctx, path)
	if !s.allowed(p) {
		if s.cfg.OutsideGlob != nil {
			s.cfg.OutsideGlob(ctx)
		}
		return nil, nil
	}
	return os.ReadDir(p)
}

func (s *Sandbox) violation(ctx context.Context, err error) {
	if s.cfg.Violation != nil {
		s.cfg.Violation(ctx, err)
	}
}

// CheckRead fails unless path (relative to the working directory) may be
// read: it lies inside the read roots, is /dev/null or a virtual file.
func (s *Sandbox) CheckRead(ctx context.Context, path string) error {
	p := s.abs(ctx, path)
	if p == os.DevNull || s.allowed(p) {
		return nil
	}
	if s.cfg.Virtual != nil {
		if _, ok := s.cfg.Virtual(p); ok {
			return nil
		}
	}
	return &fs.PathError{Op: "read", Path: p, Err: ErrDenied}
}

// CheckWrite fails unless path is one of the sinks that may be written:
// /dev/null, /dev/stdout and /dev/stderr (both discarded).
func (s *Sandbox) CheckWrite(ctx context.Context, path string) error {
	switch s.abs(ctx, path) {
	case os.DevNull, "/dev/stdout", "/dev/stderr":
		return nil
	}
	return &fs.PathError{Op: "write", Path: path, Err: ErrDenied}
}

// Stat answers for files inside the roots and /dev/null only.
func (s *Sandbox) Stat(ctx context.Context, name string, followSymlinks bool) (fs.FileInfo, error) {
	p := s.abs(ctx, name)
	if p != os.DevNull && !s.allowed(p) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	if followSymlinks {
		return os.Stat(p)
	}
	return os.Lstat(p)
}

// Access answers for files inside the roots; nothing is writable or
// executable.
func (s *Sandbox) Access(ctx context.Context, path string, mode interp.AccessMode) error {
	p := s.abs(ctx, path)
	if !s.allowed(p) {
		return &fs.PathError{Op: "access", Path: path, Err: fs.ErrNotExist}
	}
	if mode&(interp.AccessWrite|interp.AccessExec) != 0 {
		return &fs.PathError{Op: "access", Path: path, Err: fs.ErrPermission}
	}
	_, err := os.Stat(p)
	return err
}

// Options returns the runner options that install the file handlers and
// the terminal exec handler behind the given exec middlewares.
func (s *Sandbox) Options(middlewares ...func(interp.ExecHandlerFunc) interp.ExecHandlerFunc) []interp.RunnerOption {
	last := func(interp.ExecHandlerFunc) interp.ExecHandlerFunc { return s.Exec }
	return []interp.RunnerOption{
		interp.ExecHandlers(append(slices.Clone(middlewares), last)...),
		interp.OpenHandler(s.Open),
		interp.ReadDirHandler2(s.ReadDir),
		interp.StatHandler(s.Stat),
		interp.AccessHandler(s.Access),
	}
}

type memFile struct{ *bytes.Reader }

func (*memFile) Write([]byte) (int, error) { return 0, ErrDenied }
func (*memFile) Close() error              { return nil }

type devNull struct{}

func (devNull) Read([]byte) (int, error)    { return 0, io.EOF }
func (devNull) Write(p []byte) (int, error) { return len(p), nil }
func (devNull) Close() error                { return nil }

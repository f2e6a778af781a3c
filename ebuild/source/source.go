// Package source evaluates the global scope of ebuilds the way Portage's
// depend phase does: it sets up the PMS environment, sources the ebuild
// with inherit, EXPORT_FUNCTIONS and the other package-manager helpers
// implemented in Go, and dumps the md5-cache keys. No program runs and
// nothing is written: the sandbox handlers come from ebuild/sandbox.
//
// Inherit follows bin/ebuild.sh: each eclass body runs as a function (as
// Portage sources it from inside its inherit function), with the
// accumulated variables saved, unset and restored around it. Where
// mvdan.cc/sh differs from bash, ebuild/shell rewrites the syntax tree at
// parse time; what is still known to differ:
//
//   - failglob is detected only for globs that look outside the
//     repositories (the working directory is an empty, virtual "/"); an
//     unmatched glob inside a repository directory is kept literally.
//   - "${@-x}" and "${*-x}" are taken as "${@:-x}" and "${*:-x}".
//   - Quoted patterns passed through the pattern helpers lose their
//     quoting (a quoted * in ${v/#pat/rep} is a wildcard).
//   - A panic of the interpreter in a pipeline goroutine cannot be
//     recovered; panics on the evaluating goroutine become an *Error.
//   - ~user expands to nothing but itself (no user is known), where bash
//     would give a known user's home directory.
//   - A subscript that is not a plain word, like ${A[two-2]}, is parsed as
//     arithmetic; on an associative array the evaluation fails with an
//     error that says to quote the key (${A["two-2"]}), where bash takes
//     the text as the key.
//
// Eclass sourcings are memoised (memo.go, memorun.go, docs/ARCHITECTURE.md):
// an inherit whose recorded inputs read the same values replays the
// recorded effects instead of running the eclass. A replay does not count
// against the step budget the eclass would have used.
package source

import (
	"context"
	"sync"
	"time"

	"mvdan.cc/sh/v3/syntax"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/shell"
)

// Options configures an Evaluator.
type Options struct {
	// EclassDirs lists eclass directories in search order; the first match
	// wins (the repository itself, then its masters last to first).
	EclassDirs []string
	// Timeout is the wall-clock budget of one ebuild (default 10s).
	Timeout time.Duration
	// MaxSteps is the command budget of one ebuild (default 5,000,000).
	MaxSteps int
	// CacheKeysOnly makes Evaluate fill only what an md5-cache entry
	// needs (Ref, Raw, Eclasses, MD5, Warnings): Metadata.Vars and
	// Metadata.Funcs stay nil and the ebuild's function sources are not
	// printed. The keys are the same either way.
	CacheKeysOnly bool
	// NoMemo sources every eclass in place instead of replaying recorded
	// sourcings (memo.go); the metadata is the same either way.
	NoMemo bool
}

const (
	defaultTimeout  = 10 * time.Second
	defaultMaxSteps = 5_000_000
)

// Evaluator evaluates ebuilds. It is safe for concurrent use: each eclass
// is parsed once and its syntax tree is shared, read-only, by every
// evaluation; each evaluation has its own interpreter.
type Evaluator struct {
	opts     Options
	eclasses *fileCache

	banned map[string]bool // helpers that die in global scope

	matchMu  sync.RWMutex
	matchers map[string]func(string) bool // compiled case patterns

	preludeOnce sync.Once
	preludeFile *shell.File
	// preludeFuncs are the bodies of inheritFuncs and of preludeFile's
	// functions, shared read-only.
	preludeFuncs map[string]*syntax.Stmt
	// preludeStmts are preludeFile's other statements, run before the
	// ebuild's.
	preludeStmts []*syntax.Stmt
	preludeErr   error
	memoScript   []*syntax.Stmt // what a recording runs (memorun.go)

	memo *memoStore // nil with Options.NoMemo
}

// New returns an Evaluator for opts.
func New(opts Options) *Evaluator {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.MaxSteps <= 0 {
		opts.MaxSteps = defaultMaxSteps
	}
	banned := map[string]bool{}
	for _, name := range globalBanned {
		banned[name] = true
	}
	e := &Evaluator{opts: opts, eclasses: newFileCache(opts.EclassDirs, opts.CacheKeysOnly), banned: banned, matchers: map[string]func(string) bool{}}
	if !opts.NoMemo {
		e.memo = newMemoStore()
	}
	return e
}

// Evaluate sources the ebuild ref names and returns its metadata. Every
// failure is an *Error naming the file and line where it happened.
func (e *Evaluator) Evaluate(ctx context.Context, ref ebuild.Ref) (*ebuild.Metadata, error) {
	return e.evaluate(ctx, ref)
}

// Memo returns the counters of memoised eclass sourcing (nil with
// Options.NoMemo).
func (e *Evaluator) Memo() *MemoStats {
	if e.memo == nil {
		return nil
	}
	return &e.memo.stats
}

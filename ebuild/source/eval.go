package source

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"buckos.dev/buckos/eapi"
	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/sandbox"
	"buckos.dev/buckos/ebuild/shell"
)

// portageAccumulated are the variables Portage's inherit saves, unsets and
// accumulates for every EAPI; PROPERTIES and RESTRICT join them when the
// EAPI accumulates them.
var portageAccumulated = []string{"IUSE", "REQUIRED_USE", "DEPEND", "RDEPEND", "PDEPEND", "BDEPEND", "IDEPEND"}

// accumulatedPR are the variables inherit accumulates when the EAPI
// accumulates PROPERTIES (and RESTRICT with it).
var accumulatedPR = append(slices.Clone(portageAccumulated), "PROPERTIES", "RESTRICT")

// cacheKeys are the md5-cache keys, in Portage's (sorted) order.
var cacheKeys = []string{
	"BDEPEND", "DEFINED_PHASES", "DEPEND", "DESCRIPTION", "EAPI", "HOMEPAGE",
	"IDEPEND", "INHERIT", "IUSE", "KEYWORDS", "LICENSE", "PDEPEND",
	"PROPERTIES", "RDEPEND", "REQUIRED_USE", "RESTRICT", "SLOT", "SRC_URI",
}

// phases are Portage's valid phase functions, ordered by the name without
// their pkg_/src_ prefix (the order DEFINED_PHASES is written in).
var phases = []string{
	"src_compile", "pkg_config", "src_configure", "pkg_info", "src_install",
	"pkg_nofetch", "pkg_postinst", "pkg_postrm", "pkg_preinst", "src_prepare",
	"pkg_prerm", "pkg_pretend", "pkg_setup", "src_test", "src_unpack",
}

const (
	maxFuncDepth = 1000 // nested shell function calls
	maxNesting   = 100  // nested eval and source
)

// position is a place in a file.
type position struct {
	file string
	line int
}

// run is the state of one evaluation.
type run struct {
	e    *Evaluator
	ref  ebuild.Ref
	api  *eapi.EAPI
	r    *interp.Runner
	sb   *sandbox.Sandbox
	file *shell.File // the ebuild

	// mu guards what handlers running in pipeline goroutines touch.
	mu       sync.Mutex
	cancel   context.CancelFunc // stops every goroutine of the evaluation
	lastLine int                // line of the last command, for timeouts and panics
	lastEnv  expand.Environ     // the scopes of the last command, for its file
	calls    atomic.Int64
	warnings []string
	failure  error // first fatal error, reported whatever the interpreter does with it
	pending  error // refused read, reported at the next command
	globbed  bool  // a glob found nothing since the last command
	hasStubs bool  // a sourced file has stubbed functions

	depth       int
	exportFuncs map[int][]string
	accum       map[string]*string // E_* values
	inherited   []string
	// inheritedStr is INHERITED's value for inherited, "" when it
	// changed since (st.mu guards both).
	inheritedStr string
	eclasses     []ebuild.Eclass
	explicit     []string
	loaded       []*eclassFile
	sourcing     []*eclassFile // eclasses being sourced, innermost last
	inheritAt    []position    // the inherit commands running, innermost last
	nesting      atomic.Int32  // eval and source depth
	stderr       limitedBuffer
	vfiles       [][]byte
	lastArg      string
	nonfatal     atomic.Int32

	// Memoised eclass sourcing (memo.go): sub is the recording running
	// now and cur its runner (nil: the ebuild's runner st.r runs); memoOff
	// says the ebuild changed state a recording cannot start from.
	sub     *memoRec
	cur     *interp.Runner
	memoOff bool
}

func (e *Evaluator) evaluate(ctx context.Context, ref ebuild.Ref) (md *ebuild.Metadata, err error) {
	src, err := readEbuild(ref.Path)
	if err != nil {
		return nil, &Error{File: ref.Path, Msg: "cannot read ebuild", Err: err}
	}
	head, headLine, err := parseEAPIHead(bytes.NewReader(src))
	if err != nil {
		return nil, &Error{File: ref.Path, Msg: "cannot read EAPI", Err: err}
	}
	api, err := eapi.Get(head)
	if err != nil {
		return nil, &Error{File: ref.Path, Line: headLine, Msg: err.Error(), Err: err}
	}
	f, err := shell.ParseWith(src, ref.Path, shell.ParseOptions{NoSource: e.opts.CacheKeysOnly, Lazy: true, DeferBodies: e.opts.CacheKeysOnly})
	if err != nil {
		return nil, parseError(ref.Path, err)
	}
	sum := md5.Sum(src)

	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeout)
	defer cancel()

	st := &run{
		e: e, ref: ref, api: api, file: f, cancel: cancel,
		exportFuncs: map[int][]string{},
		accum:       map[string]*string{},
	}
	st.warnings = append(st.warnings, f.Warnings...)
	st.hasStubs = len(f.Warnings) > 0
	defer func() {
		if p := recover(); p != nil {
			md = nil
			err = st.panicError(p)
		}
	}()
	if err := st.source(ctx); err != nil {
		return nil, err
	}
	md, err = st.dump()
	if err != nil {
		return nil, err
	}
	md.MD5 = hex.EncodeToString(sum[:])
	return md, nil
}

// panicError reports a panic of the interpreter, with the place of the
// last command run and, for the one panic ebuilds are known to cause, what
// to do about it.
func (st *run) panicError(p any) error {
	where := ""
	if st.mu.TryLock() { // the panic may have struck with it held
		if file, line := st.lastPosition(); line > 0 {
			where = fmt.Sprintf(" (the last command run was at %s:%d)", file, line)
		}
		st.mu.Unlock()
	}
	msg := fmt.Sprintf("interpreter panic%s: %v", where, p)
	if s := fmt.Sprint(p); strings.Contains(s, "syntax.ArithmExpr is") && strings.Contains(s, "not *syntax.Word") {
		// mvdan/sh parses a subscript like ${A[two-2]} as arithmetic,
		// and expanding it on an associative array panics.
		msg = "an associative array subscript that is not a plain word, like ${A[two-2]}, is parsed as arithmetic by mvdan/sh, which cannot expand it" +
			where + `; quote the key: ${A["two-2"]}`
	}
	return &Error{File: st.ref.Path, Msg: msg, Err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
}

func parseError(file string, err error) error {
	var perr syntax.ParseError
	if errors.As(err, &perr) {
		return &Error{File: file, Line: int(perr.Pos.Line()), Msg: "parse error: " + perr.Text, Err: err}
	}
	return &Error{File: file, Msg: "parse error", Err: err}
}

// environment returns the PMS variables set before sourcing.
func (st *run) environment() []string {
	ref := st.ref
	pv, pr := ref.PVR, "r0"
	if i := strings.LastIndex(ref.PVR, "-r"); i > 0 {
		if _, err := strconv.Atoi(ref.PVR[i+2:]); err == nil {
			pv, pr = ref.PVR[:i], ref.PVR[i+2:]
			pr = "r" + pr
		}
	}
	p := ref.PN + "-" + pv
	build := "/var/tmp/portage/" + ref.Category + "/" + ref.PF()
	env := []string{
		"P=" + p, "PN=" + ref.PN, "PV=" + pv, "PR=" + pr, "PVR=" + ref.PVR, "PF=" + ref.PF(),
		"CATEGORY=" + ref.Category,
		"EBUILD=" + ref.Path,
		"EBUILD_PHASE=depend",
		"FILESDIR=" + filepath.Join(filepath.Dir(ref.Path), "files"),
		"DISTDIR=" + build + "/distdir",
		"PORTAGE_BUILDDIR=" + build,
		"WORKDIR=" + build + "/work",
		"T=" + build + "/temp",
		"TMPDIR=" + build + "/temp",
		"HOME=" + build + "/homedir",
		"S=" + build + "/work/" + p,
		"EPREFIX=",
		"PATH=/dev/null",
		"LC_ALL=C",
		"IFS= \t\n",
		"ECLASS_DEPTH=0",
		"BASH_VERSION=5.3.0(1)-release",
	}
	if st.api.Name == "6" && len(st.e.opts.EclassDirs) > 0 {
		dir := st.e.opts.EclassDirs[len(st.e.opts.EclassDirs)-1]
		env = append(env, "PORTDIR="+filepath.Dir(dir), "ECLASSDIR="+dir)
	}
	return env
}

// source runs the ebuild's global scope.
func (st *run) source(ctx context.Context) error {
	roots := append([]string{filepath.Dir(filepath.Dir(filepath.Dir(st.ref.Path)))}, st.e.opts.EclassDirs...)
	for _, d := range st.e.opts.EclassDirs {
		roots = append(roots, filepath.Dir(d))
	}
	st.sb = sandbox.New(sandbox.Config{
		ReadRoots: roots,
		MaxSteps:  st.e.opts.MaxSteps,
		Warn:      st.warn,
		Where:     st.where,
		Virtual:   st.virtual,
		Violation: st.violation,
		OutsideGlob: func(context.Context) {
			st.mu.Lock()
			st.globbed = true
			st.mu.Unlock()
		},
	})
	opts := []interp.RunnerOption{
		interp.Env(newEbuildEnv(st, st.environment())),
		interp.Dir("/"),
		interp.StdIO(nil, io.Discard, &st.stderr),
		interp.CallHandler(st.call),
	}
	opts = append(opts, st.sb.Options(st.helpers)...)
	r, err := interp.New(opts...)
	if err != nil {
		return &Error{File: st.ref.Path, Msg: "cannot start interpreter", Err: err}
	}
	st.r = r
	if _, err := st.e.prelude(); err != nil {
		return &Error{File: "prelude", Msg: "cannot parse prelude", Err: err}
	}
	// Reset now, not in Run, so that the function table set here stays.
	r.Reset()
	// An ebuild ends up with hundreds of functions: size the map once.
	funcs := make(map[string]*syntax.Stmt, 512)
	maps.Copy(funcs, st.e.preludeFuncs)
	r.Funcs = funcs
	// One script: the prelude's statements, then the ebuild's (a new
	// slice: both are shared by concurrent evaluations).
	stmts := make([]*syntax.Stmt, 0, len(st.e.preludeStmts)+len(st.file.AST.Stmts))
	stmts = append(append(stmts, st.e.preludeStmts...), st.file.AST.Stmts...)
	err = r.Run(ctx, &syntax.File{Name: st.file.AST.Name, Stmts: stmts})
	if st.failure == nil && st.pending != nil {
		st.failure = &Error{File: st.ref.Path, Msg: st.pending.Error(), Err: st.pending}
	}
	if st.failure != nil {
		return st.failure
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return st.timeout(ctx)
		}
		if errors.Is(err, context.Canceled) {
			return &Error{File: st.ref.Path, Msg: "evaluation cancelled", Err: err}
		}
		if r.Exited() {
			return &Error{File: st.ref.Path, Msg: "error sourcing ebuild: shell exited" + st.stderr.last(), Err: err}
		}
		return &Error{File: st.ref.Path, Msg: "error sourcing ebuild: " + err.Error() + st.stderr.last(), Err: err}
	}
	if r.Exited() {
		return &Error{File: st.ref.Path, Msg: "error sourcing ebuild: shell exited" + st.stderr.last()}
	}
	return nil
}

// fail records the first fatal error and returns it for the interpreter.
func (st *run) fail(ctx context.Context, msg string, cause error) error {
	file, line := st.position(ctx)
	return st.failAt(file, line, msg, cause)
}

// failInherit is fail placed at the inherit command being run: the
// helpers inherit's shell functions call have no position of their own.
func (st *run) failInherit(ctx context.Context, msg string, cause error) error {
	if len(st.inheritAt) == 0 {
		return st.fail(ctx, msg, cause)
	}
	at := st.inheritAt[len(st.inheritAt)-1]
	return st.failAt(at.file, at.line, msg, cause)
}

// failAt is fail at a given position.
func (st *run) failAt(file string, line int, msg string, cause error) error {
	err := &Error{File: file, Line: line, Msg: msg, Err: cause}
	st.mu.Lock()
	if st.failure == nil {
		st.failure = err
	}
	st.mu.Unlock()
	st.cancel()
	return err
}

// timeout is the error of an evaluation that ran out of time, placed at
// the last command it ran.
func (st *run) timeout(ctx context.Context) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.failure == nil {
		file, line := st.lastPosition()
		st.failure = &Error{File: file, Line: line, Msg: fmt.Sprintf("evaluation took longer than %s", st.e.opts.Timeout), Err: context.DeadlineExceeded}
	}
	return st.failure
}

// lastPosition is the file and line of the last command run (the file
// from its scopes' BASH_SOURCE: reading it on every command would walk the
// scopes every time). The caller holds st.mu.
func (st *run) lastPosition() (string, int) {
	file := st.ref.Path
	if st.lastEnv != nil {
		if v := st.lastEnv.Get("BASH_SOURCE"); v.IsSet() && v.String() != "" {
			file = v.String()
		}
	}
	return file, st.lastLine
}

// violation records a refused read; it fails the evaluation at the next
// command, whose position names the culprit.
func (st *run) violation(ctx context.Context, err error) {
	st.mu.Lock()
	if st.pending == nil {
		st.pending = err
	}
	st.mu.Unlock()
}

// warn records a QA notice.
func (st *run) warn(msg string) {
	st.mu.Lock()
	st.warnings = append(st.warnings, msg)
	st.mu.Unlock()
}

// position names the file and line the current command comes from.
func (st *run) position(ctx context.Context) (string, int) {
	hc := interp.HandlerCtx(ctx)
	file := st.ref.Path
	if v := hc.Env.Get("BASH_SOURCE"); v.IsSet() && v.String() != "" {
		file = v.String()
	}
	line := 0
	if hc.Pos.IsValid() {
		line = int(hc.Pos.Line())
	}
	return file, line
}

// where names the current eclass or package, like Portage's QA notices.
func (st *run) where(ctx context.Context) string {
	if st.depth > 0 {
		return "eclass " + interp.HandlerCtx(ctx).Env.Get("ECLASS").String()
	}
	return st.ref.CPF()
}

// call runs before every simple command: it counts steps, rewrites what
// mvdan lacks and bounds recursion.
func (st *run) call(ctx context.Context, args []string) ([]string, error) {
	st.mu.Lock()
	failed := st.failure
	st.mu.Unlock()
	if failed != nil {
		return nil, failed
	}
	if err := st.sb.Step(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, st.timeout(ctx)
		}
		return nil, st.fail(ctx, err.Error(), err)
	}
	hc := interp.HandlerCtx(ctx)
	calls := st.calls.Add(1)
	st.mu.Lock()
	if hc.Pos.IsValid() {
		st.lastLine = int(hc.Pos.Line())
	}
	st.lastEnv = hc.Env
	pending, globbed := st.pending, st.globbed
	st.globbed = false
	if !strings.HasPrefix(args[0], "__buckos") {
		st.lastArg = args[len(args)-1]
	}
	st.mu.Unlock()
	if pending != nil {
		return nil, st.fail(ctx, fmt.Sprintf("%v", pending), pending)
	}
	if globbed && st.api.Failglob {
		for _, a := range args[1:] {
			if shell.HasGlob(a) {
				return nil, st.fail(ctx, "failglob: no match: "+a, nil)
			}
		}
	}
	args = shell.RewriteCall(args)
	// The function args[0] names, if any (nothing below rebinds it).
	body := st.funcs()[args[0]]
	if body != nil {
		// Function bodies are parsed and rewritten when first called.
		if err := st.prepare(body); err != nil {
			return nil, st.fail(ctx, fmt.Sprintf("function %s could not be parsed and was called in global scope: %v", args[0], err), err)
		}
	}
	if st.sub != nil {
		if err := st.memoNoteCall(args); err != nil {
			return nil, err
		}
	} else if memoAbortCommands[args[0]] {
		st.memoOff = true
	}
	switch args[0] {
	case "eval", "source", ".":
		return append([]string{nestCommand}, args...), nil
	case sourceFuncName:
		return st.memoSource(ctx, args)
	}
	if body != nil {
		if st.e.banned[args[0]] {
			return nil, st.fail(ctx, fmt.Sprintf("die: %s() calls are not allowed in global scope", args[0]), nil)
		}
		if st.hasStubs {
			if fn, _, ok := st.funcSource(body); ok && fn.Stub {
				return nil, st.fail(ctx, fmt.Sprintf("function %s could not be parsed and was called in global scope", args[0]), nil)
			}
		}
		// FUNCNAME is as deep as the calls; checking every 16th call
		// bounds the depth all the same.
		if calls&15 == 0 && len(hc.Env.Get("FUNCNAME").List) >= maxFuncDepth {
			return nil, st.fail(ctx, fmt.Sprintf("function nesting deeper than %d (infinite recursion?)", maxFuncDepth), sandbox.ErrBudget)
		}
	}
	return args, nil
}

// eval runs code in the caller's scope.
func eval(ctx context.Context, code string) error {
	return interp.HandlerCtx(ctx).Builtin(ctx, []string{"eval", code})
}

// getStr reads a variable the way "${NAME}" does.
func getStr(env expand.Environ, name string) (string, bool) {
	v := env.Get(name)
	if !v.IsSet() {
		return "", false
	}
	_, v = v.Resolve(env)
	if v.Kind == expand.Associative {
		return v.Map["0"], true
	}
	return v.String(), true
}

// collapse is what Portage's `$(echo ${VAR})` with globbing off does to a
// value: split on IFS whitespace, join with single spaces; echo swallows
// leading option words.
func collapse(s string) string {
	if collapsed(s) {
		return s
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
	for len(fields) > 0 && isEchoOption(fields[0]) {
		fields = fields[1:]
	}
	return strings.Join(fields, " ")
}

// collapsed reports whether collapse would return s unchanged: no tab or
// newline, no leading, trailing or doubled space, no leading option word.
func collapsed(s string) bool {
	if s == "" || s[0] == ' ' || s[0] == '-' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\n':
			return false
		case ' ':
			if s[i+1] == ' ' {
				return false
			}
		}
	}
	return true
}

func isEchoOption(s string) bool {
	if len(s) < 2 || s[0] != '-' {
		return false
	}
	for _, c := range s[1:] {
		if c != 'n' && c != 'e' && c != 'E' {
			return false
		}
	}
	return true
}

// dump computes the metadata after sourcing.
func (st *run) dump() (*ebuild.Metadata, error) {
	env := st.r.Vars
	get := func(name string) (string, bool) {
		v, ok := env[name]
		if !ok || !v.IsSet() {
			return "", false
		}
		_, v = v.Resolve(mapEnv(env))
		if v.Kind == expand.Associative {
			return v.Map["0"], true
		}
		return v.String(), true
	}
	eapiVal, ok := get("EAPI")
	if !ok {
		eapiVal = "0"
	}
	if eapiVal != st.api.Name {
		return nil, &Error{File: st.ref.Path, Msg: fmt.Sprintf("EAPI %q set by the ebuild differs from the EAPI %q parsed from its head", eapiVal, st.api.Name)}
	}
	vals := map[string]string{}
	for _, k := range cacheKeys {
		if v, ok := get(k); ok {
			vals[k] = v
		}
	}
	accumulated := slices.Clone(portageAccumulated)
	if st.api.Accumulates("PROPERTIES") {
		accumulated = append(accumulated, "PROPERTIES")
	}
	if st.api.Accumulates("RESTRICT") {
		accumulated = append(accumulated, "RESTRICT")
	}
	for _, k := range accumulated {
		if e := st.accum[k]; e != nil {
			if vals[k] != "" {
				vals[k] += " "
			}
			vals[k] += *e
		}
	}
	for _, k := range []string{"BDEPEND", "IDEPEND"} {
		if !st.api.HasKey(k) {
			delete(vals, k)
		}
	}
	var defined []string
	for _, ph := range phases {
		if st.r.Funcs[ph] != nil {
			defined = append(defined, strings.TrimPrefix(strings.TrimPrefix(ph, "pkg_"), "src_"))
		}
	}
	vals["DEFINED_PHASES"] = "-"
	if len(defined) > 0 {
		vals["DEFINED_PHASES"] = strings.Join(defined, " ")
	}
	vals["INHERIT"] = strings.Join(st.explicit, " ")
	vals["EAPI"] = eapiVal

	md := &ebuild.Metadata{
		Ref:      st.ref,
		Raw:      make(map[string]string, len(vals)),
		Eclasses: st.eclasses,
		Warnings: st.warnings,
	}
	for k, v := range vals {
		if c := collapse(v); c != "" {
			md.Raw[k] = c
		}
	}
	if st.e.opts.CacheKeysOnly {
		return md, nil
	}
	md.Vars = make(map[string]ebuild.Var, len(env))
	md.Funcs = make(map[string]ebuild.Func, len(st.r.Funcs))
	for name, v := range env {
		if !v.IsSet() || internalVar(name) {
			continue
		}
		md.Vars[name] = toVar(v)
	}
	for _, k := range accumulated {
		if v, ok := vals[k]; ok {
			md.Vars[k] = ebuild.Var{Kind: ebuild.KindString, Str: v}
		}
	}
	for name, body := range st.r.Funcs {
		fn, file, ok := st.funcSource(body)
		if !ok {
			continue
		}
		md.Funcs[name] = ebuild.Func{Name: name, Source: fn.Source, File: file, Line: fn.Line}
	}
	return md, nil
}

// funcSource finds where a function body was declared; prelude functions
// are not reported.
func (st *run) funcSource(body *syntax.Stmt) (shell.Func, string, bool) {
	if fn, ok := st.file.Funcs[body]; ok {
		return fn, st.file.Name, true
	}
	// Bodies come from the files this evaluation loaded: the owner of a
	// body is one of st.loaded.
	if ec := st.e.eclasses.owner(body); ec != nil {
		return ec.file.Funcs[body], ec.path, true
	}
	if fn, impl, ok := st.e.stubSource(body); ok {
		// The stub belongs to the eclass that defines what it calls.
		file := "EXPORT_FUNCTIONS"
		if implBody := st.r.Funcs[impl]; implBody != nil && implBody != body {
			if _, f, ok := st.funcSource(implBody); ok {
				file = f
			}
		}
		fn.Line = 0
		return fn, file, true
	}
	return shell.Func{}, "", false
}

func internalVar(name string) bool {
	if strings.HasPrefix(name, "__buckos") {
		return true
	}
	switch name {
	case "FUNCNAME", "BASH_SOURCE", "BASH_VERSINFO", "BASH_VERSION", "PATH", "IFS", "LC_ALL",
		"OPTIND", "PWD", "OLDPWD", "HOME", "TMPDIR", "PPID", "UID", "EUID", "GID", "RANDOM", "SRANDOM",
		"ECLASS_DEPTH", "ECLASS", "INHERITED", "PORTAGE_BUILDDIR", "EBUILD", "EBUILD_PHASE", "DIRSTACK", "BASH_REMATCH", "SHELLOPTS", "BASHOPTS":
		return true
	}
	return false
}

func toVar(v expand.Variable) ebuild.Var {
	switch v.Kind {
	case expand.Indexed:
		return ebuild.Var{Kind: ebuild.KindIndexed, List: slices.Clone(v.List)}
	case expand.Associative:
		m := make(map[string]string, len(v.Map))
		for k, x := range v.Map {
			m[k] = x
		}
		return ebuild.Var{Kind: ebuild.KindAssoc, Assoc: m}
	default:
		return ebuild.Var{Kind: ebuild.KindString, Str: v.Str}
	}
}

// mapEnv lets a variable map resolve name references.
type mapEnv map[string]expand.Variable

func (m mapEnv) Get(name string) expand.Variable { return m[name] }

func (m mapEnv) Each(f func(string, expand.Variable) bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !f(k, m[k]) {
			return
		}
	}
}

// limitedBuffer keeps the first 4 KiB written to it: the interpreter's
// own error messages, quoted in errors.
type limitedBuffer struct{ buf []byte }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// last returns the last line written, as ": line", or "".
func (b *limitedBuffer) last() string {
	s := strings.TrimSpace(string(b.buf))
	if s == "" {
		return ""
	}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return ": " + s
}

// readEbuild reads an ebuild, following symbolic links stored as plain
// files (a checkout without symlink support writes the link target, e.g.
// "foo-1.ebuild", as the file's only content).
func readEbuild(path string) ([]byte, error) {
	src, err := os.ReadFile(path)
	for range 8 {
		if err != nil {
			return nil, err
		}
		target := string(src)
		if len(src) > 255 || strings.ContainsAny(target, "\n/ ") || !strings.HasSuffix(target, ".ebuild") {
			return src, nil
		}
		path = filepath.Join(filepath.Dir(path), target)
		src, err = os.ReadFile(path)
	}
	return src, err
}

// prepare readies a function body of the ebuild or of an eclass that
// parsing left for its first call.
func (st *run) prepare(body *syntax.Stmt) error {
	if st.file.Pending(body) {
		return st.file.Prepare(body)
	}
	if ec := st.e.eclasses.owner(body); ec != nil {
		return st.e.eclasses.prepare(ec, body)
	}
	return nil
}

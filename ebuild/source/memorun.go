package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"buckos.dev/buckos/ebuild/shell"
)

const (
	memoBodyFunc   = "__buckos_memo_body"   // the eclass a recording sources
	memoDoneCmd    = "__buckos_memo_done"   // ends a recording: $? of the eclass
	memoStatusCmd  = "__buckos_memo_status" // ends a replay: status and $_
	memoReplayFunc = "__buckos_memo_replay"
)

// errMemoAbort stops a recording that met something it cannot replay; the
// eclass is then sourced in place.
var errMemoAbort = errors.New("memoisation aborted")

// memoAbortCommands change state a replay does not carry over (options,
// directory, traps, aliases, the file mode mask).
var memoAbortCommands = map[string]bool{
	"set": true, "shopt": true, "cd": true, "pushd": true, "popd": true, "trap": true,
	"alias": true, "unalias": true, "umask": true, "exec": true, "wait": true,
	"getopts": true,
}

// funcLookupCommands read the function table for their arguments.
var funcLookupCommands = map[string]bool{
	"type": true, "command": true, "declare": true, "typeset": true, "unset": true,
	"hash": true, "builtin": true, shell.DeclareFCommand: true,
}

// memoRec is one recording: the trace of what the eclass read from its
// caller, and why it cannot be kept (taint) or replayed (abort). A
// recording can run inside another (an eclass inheriting another): what
// the inner one reads from its caller, the outer one reads too unless the
// outer one produced it.
type memoRec struct {
	parent *memoRec
	runner *interp.Runner // the recording runner
	prev   *interp.Runner // st.cur before this recording
	mu     sync.Mutex
	main   expand.Environ // the caller's scopes, unchanged while the eclass runs
	funcs  map[string]*syntax.Stmt
	on     bool
	ended  bool
	quiet  bool // reads are the evaluator's own
	// stack: code that looks past its own frame of the call stack ran,
	// so the caller's FUNCNAME and BASH_SOURCE are inputs (memo.go).
	stack bool
	seen  map[memoInput]bool
	steps []memoStep
	taint string
	abort string

	status  uint8
	accum   []accumOp
	sourced map[*eclassFile]bool // the eclasses this recording sourced
	loaded0 int                  // len(st.loaded) when the recording started
	inh0    int                  // len(st.inherited)
}

func (rec *memoRec) note(in memoInput, val memoValue) {
	rec.mu.Lock()
	if rec.on && !rec.ended && !rec.quiet && !rec.seen[in] {
		rec.seen[in] = true
		rec.steps = append(rec.steps, memoStep{in, val})
	}
	rec.mu.Unlock()
}

// internal marks an input as produced by the eclass itself from here on.
func (rec *memoRec) internal(in memoInput) {
	rec.mu.Lock()
	rec.seen[in] = true
	rec.mu.Unlock()
}

func (rec *memoRec) setTaint(why string) {
	for ; rec != nil; rec = rec.parent {
		rec.mu.Lock()
		if rec.taint == "" {
			rec.taint = why
		}
		rec.mu.Unlock()
	}
}

// setStackSensitive makes the call stack an input of rec and of the
// recordings around it (their stacks make rec's).
func (rec *memoRec) setStackSensitive() {
	for ; rec != nil; rec = rec.parent {
		rec.mu.Lock()
		rec.stack = true
		rec.mu.Unlock()
	}
}

// setQuiet stops (or resumes) noting reads in rec and the recordings
// around it: the evaluator reading for itself.
func (rec *memoRec) setQuiet(q bool) {
	for ; rec != nil; rec = rec.parent {
		rec.mu.Lock()
		rec.quiet = q
		rec.mu.Unlock()
	}
}

// trackEnv is the recording runner's base environment: the caller's
// variables, each read noted once.
type trackEnv struct{ rec *memoRec }

func (t trackEnv) Get(name string) expand.Variable {
	v := t.rec.main.Get(name)
	if !stackVars[name] {
		// The call stack is an input only if stack-sensitive code runs.
		t.rec.note(memoInput{inVar, name}, varValue(v))
	}
	return v
}

func (t trackEnv) Each(f func(string, expand.Variable) bool) {
	t.rec.mu.Lock()
	ended := t.rec.ended
	t.rec.mu.Unlock()
	if ended {
		// The runner collects its own variables when the run ends.
		return
	}
	t.rec.setTaint("variables listed")
	t.rec.main.Each(f)
}

// memoSnap is the evaluation state a recording may change, to undo it.
type memoSnap struct {
	warnings, eclasses, inherited, loaded, vfiles, stderr, sourcing, inheritAt int
	depth                                                                      int
	lastArg                                                                    string
	hasStubs                                                                   bool
	accum                                                                      map[string]*string
	nonfatal, nesting                                                          int32
	accumLogs                                                                  []int // len(rec.accum) of the recordings running
}

func (st *run) snapshot() memoSnap {
	s := memoSnap{
		warnings: len(st.warnings), eclasses: len(st.eclasses), inherited: len(st.inherited),
		loaded: len(st.loaded), vfiles: len(st.vfiles), stderr: len(st.stderr.buf),
		sourcing: len(st.sourcing), inheritAt: len(st.inheritAt), depth: st.depth,
		lastArg: st.lastArg, hasStubs: st.hasStubs, accum: make(map[string]*string, len(st.accum)),
		nonfatal: st.nonfatal.Load(), nesting: st.nesting.Load(),
	}
	for k, v := range st.accum {
		c := *v
		s.accum[k] = &c
	}
	for rec := st.sub; rec != nil; rec = rec.parent {
		s.accumLogs = append(s.accumLogs, len(rec.accum))
	}
	return s
}

func (st *run) rollback(s memoSnap) {
	st.warnings = st.warnings[:s.warnings]
	st.eclasses = st.eclasses[:s.eclasses]
	st.mu.Lock()
	st.inherited = st.inherited[:s.inherited]
	st.inheritedStr = ""
	st.mu.Unlock()
	st.loaded = st.loaded[:s.loaded]
	st.vfiles = st.vfiles[:s.vfiles]
	st.stderr.buf = st.stderr.buf[:s.stderr]
	st.sourcing = st.sourcing[:s.sourcing]
	st.inheritAt = st.inheritAt[:s.inheritAt]
	st.depth, st.lastArg, st.hasStubs, st.accum = s.depth, s.lastArg, s.hasStubs, s.accum
	rec := st.sub
	for _, n := range s.accumLogs {
		rec.accum = rec.accum[:n]
		rec = rec.parent
	}
	st.nonfatal.Store(s.nonfatal)
	st.nesting.Store(s.nesting)
	for d := range st.exportFuncs {
		if d > s.depth {
			delete(st.exportFuncs, d)
		}
	}
	st.exportFuncs[s.depth] = nil
}

// funcs is the function table of the runner running now.
func (st *run) funcs() map[string]*syntax.Stmt {
	if st.cur != nil {
		return st.cur.Funcs
	}
	return st.r.Funcs
}

// memoSource runs in place of the call that sources an eclass
// (sourceFuncName in inherit): it replays a recorded sourcing whose inputs
// match, or records one, and returns the command to run instead; args
// unchanged when the eclass must be sourced in place.
func (st *run) memoSource(ctx context.Context, args []string) ([]string, error) {
	if st.e.memo == nil || st.memoOff || len(st.sourcing) == 0 || st.nonfatal.Load() != 0 {
		return args, nil
	}
	ec := st.sourcing[len(st.sourcing)-1]
	if ec.memoUnsafe {
		return args, nil
	}
	hc := interp.HandlerCtx(ctx)
	if !st.memoStartable(hc) {
		return args, nil
	}
	root := memoRoot{path: ec.path, eapi: st.api.Name, lastArg: st.lastArg, hasStubs: st.hasStubs}
	trie := st.e.memo.trie(root)
	if out := st.e.memo.lookup(trie, func(in memoInput) memoValue { return st.entryValue(hc.Env, in) }); out != nil {
		st.e.memo.stats.Hits.Add(1)
		return st.replay(out), nil
	}
	if !st.e.memo.wanted(trie) {
		st.e.memo.stats.InPlace.Add(1)
		return args, nil
	}
	st.e.memo.stats.Recorded.Add(1)
	out, rec, err := st.record(ctx, hc, ec)
	if err != nil || out == nil {
		if err == nil {
			st.e.memo.aborted(trie)
			st.e.memo.stats.Undone.Add(1)
		}
		return args, err
	}
	st.e.memo.insert(trie, rec.steps, out, rec.taint != "")
	return st.replay(out), nil
}

// memoStartable reports whether a recording can start from the caller's
// state: a fresh runner sets IFS, OPTIND and PWD itself, and INHERITED
// must be the one inherit keeps. These reads are the evaluator's own, not
// inputs of the recordings around.
func (st *run) memoStartable(hc interp.HandlerContext) bool {
	st.sub.setQuiet(true)
	defer st.sub.setQuiet(false)
	ifs, _ := getStr(hc.Env, "IFS")
	optind, _ := getStr(hc.Env, "OPTIND")
	pwd, _ := getStr(hc.Env, "PWD")
	return ifs == " \t\n" && optind == "1" && pwd == hc.Dir && !st.inheritedAssigned(hc.Env)
}

// entryValue reads an input from the state when the eclass starts. Inside
// a recording, the reads are the recording's too.
func (st *run) entryValue(env expand.Environ, in memoInput) memoValue {
	switch in.kind {
	case inVar:
		if stackVars[in.name] {
			st.sub.setStackSensitive()
		}
		return varValue(env.Get(in.name))
	case inFunc:
		st.memoNoteFunc(in.name)
		return memoValue{kind: 'f', fn: st.funcs()[in.name]}
	case inInherited:
		return boolValue(st.isInherited(in.name))
	case inLoaded:
		return boolValue(st.isLoaded(in.name))
	case inAssoc:
		return assocValue(st.assocOrder(in.name))
	}
	return memoValue{}
}

// isInherited reports whether INHERITED has arg, noting the read in the
// recordings that did not inherit it themselves.
func (st *run) isInherited(arg string) bool {
	for rec := st.sub; rec != nil && !slices.Contains(st.inherited[rec.inh0:], arg); rec = rec.parent {
		rec.note(memoInput{inInherited, arg}, boolValue(slices.Contains(st.inherited[:rec.inh0], arg)))
	}
	return slices.Contains(st.inherited, arg)
}

// isLoaded reports whether the eclass file at path was loaded, noting the
// read like isInherited.
func (st *run) isLoaded(path string) bool {
	has := func(l []*eclassFile) bool {
		return slices.ContainsFunc(l, func(ec *eclassFile) bool { return ec.path == path })
	}
	for rec := st.sub; rec != nil && !has(st.loaded[rec.loaded0:]); rec = rec.parent {
		rec.note(memoInput{inLoaded, path}, boolValue(has(st.loaded[:rec.loaded0])))
	}
	return has(st.loaded)
}

// record sources ec in a runner of its own and returns its effects; nil
// effects (and the state rolled back) when it must run in place instead.
func (st *run) record(ctx context.Context, hc interp.HandlerContext, ec *eclassFile) (*memoOut, *memoRec, error) {
	rec := &memoRec{parent: st.sub, prev: st.cur, main: hc.Env, funcs: st.funcs(), seen: map[memoInput]bool{},
		loaded0: len(st.loaded), inh0: len(st.inherited), sourced: map[*eclassFile]bool{ec: true}}
	for r := rec.parent; r != nil; r = r.parent {
		r.sourced[ec] = true
	}
	if ec.stackSensitive {
		rec.setStackSensitive()
	}
	snap := st.snapshot()
	opts := []interp.RunnerOption{
		interp.Env(trackEnv{rec}),
		interp.Dir(hc.Dir),
		interp.StdIO(nil, io.Discard, &st.stderr),
		interp.CallHandler(st.call),
	}
	opts = append(opts, st.sb.Options(st.helpers)...)
	// Setting up the runner reads HOME, TMPDIR and the like: not inputs.
	st.sub.setQuiet(true)
	sub, err := interp.New(opts...)
	if err == nil {
		sub.Reset()
	}
	st.sub.setQuiet(false)
	if err != nil {
		return nil, nil, &Error{File: st.ref.Path, Msg: "cannot start interpreter", Err: err}
	}
	sub.Funcs = maps.Clone(rec.funcs)
	sub.Funcs[memoBodyFunc] = ec.body
	rec.runner = sub
	st.sub, st.cur = rec, sub
	rec.on = true
	runErr := sub.Run(ctx, &syntax.File{Name: st.file.AST.Name, Stmts: st.e.memoScript})
	st.sub, st.cur = rec.parent, rec.prev

	st.mu.Lock()
	failed := st.failure
	st.mu.Unlock()
	if failed != nil {
		return nil, nil, failed
	}
	if ctx.Err() != nil {
		return nil, nil, st.timeout(ctx)
	}
	if rec.abort != "" || !rec.ended || sub.Exited() || (runErr != nil && !isExitStatus(runErr)) {
		st.rollback(snap)
		return nil, rec, nil
	}
	out := &memoOut{
		funcs:       map[string]*syntax.Stmt{},
		warnings:    slices.Clone(st.warnings[snap.warnings:]),
		eclasses:    slices.Clone(st.eclasses[snap.eclasses:]),
		inherited:   slices.Clone(st.inherited[snap.inherited:]),
		loaded:      slices.Clone(st.loaded[snap.loaded:]),
		accum:       rec.accum,
		exportFuncs: slices.Clone(st.exportFuncs[st.depth]),
		stderr:      slices.Clone(st.stderr.buf[snap.stderr:]),
	}
	if len(st.vfiles) != snap.vfiles {
		rec.setTaint("process substitution")
	}
	var same []string
	guards := map[*eclassFile]bool{}
	for name, body := range sub.Funcs {
		if name == sourceFuncName || name == memoBodyFunc {
			continue
		}
		if rec.funcs[name] != body {
			out.funcs[name] = body
		} else if owner := st.e.eclasses.owner(body); body != nil && rec.sourced[owner] && !st.guardHeld(owner, body, rec, sub, guards) {
			same = append(same, name)
		}
	}
	// A function an eclass sourced here declares may have been declared
	// again with the very body it had: the recording cannot tell that
	// from not declared at all. Replaying it is right only where it is
	// bound to that body already, so that binding becomes an input.
	// (Unless the eclass's include guard kept the declaration from
	// running: guardHeld.)
	slices.Sort(same)
	for _, name := range same {
		rec.steps = append(rec.steps, memoStep{memoInput{inFunc, name}, memoValue{kind: 'f', fn: rec.funcs[name]}})
		out.funcs[name] = sub.Funcs[name]
		st.memoNoteFunc(name) // read by the recordings around this one too
	}
	if rec.stack {
		for _, name := range []string{"BASH_SOURCE", "FUNCNAME"} {
			rec.steps = append(rec.steps, memoStep{memoInput{inVar, name}, varValue(rec.main.Get(name))})
		}
	}
	for name := range rec.funcs {
		if _, ok := sub.Funcs[name]; !ok && name != sourceFuncName {
			out.funcs[name] = nil
		}
	}
	body, ok := replayBody(hc.Env, sub.Vars, rec.status, st.lastArg)
	if !ok {
		st.rollback(snap)
		return nil, rec, nil
	}
	out.body = body
	// The replay re-applies what the recording did to st.
	st.rollback(snap)
	return out, rec, nil
}

// guardHeld reports whether body is declared inside owner's include guard
// and the guard held throughout the recording: its variable was not empty
// in the caller and the recording never assigned it, so the declaration
// did not run (and the variable is an input: the eclass read it).
// Without this, every recording that sources an eclass already inherited
// would take all its functions (toolchain-funcs has a hundred) for inputs.
// guards caches the answer per eclass.
func (st *run) guardHeld(owner *eclassFile, body *syntax.Stmt, rec *memoRec, sub *interp.Runner, guards map[*eclassFile]bool) bool {
	if owner.guard == "" || !owner.guarded[body] {
		return false
	}
	held, ok := guards[owner]
	if !ok {
		_, assigned := sub.Vars[owner.guard]
		// The caller's value is the evaluator's read, not an input of
		// the recordings around.
		st.sub.setQuiet(true)
		v, _ := getStr(rec.main, owner.guard)
		st.sub.setQuiet(false)
		held = !assigned && v != ""
		guards[owner] = held
	}
	return held
}

func isExitStatus(err error) bool {
	_, ok := interp.IsExitStatus(err)
	return ok
}

// replay applies recorded effects and returns the command that sets the
// variables and the exit status.
func (st *run) replay(out *memoOut) []string {
	st.warnings = append(st.warnings, out.warnings...)
	st.eclasses = append(st.eclasses, out.eclasses...)
	st.mu.Lock()
	st.inherited = append(st.inherited, out.inherited...)
	st.inheritedStr = ""
	st.mu.Unlock()
	for _, ec := range out.loaded {
		st.loaded = append(st.loaded, ec)
		st.hasStubs = st.hasStubs || len(ec.file.Warnings) > 0
	}
	for _, op := range out.accum {
		st.accumulate(op.name, op.val)
	}
	st.exportFuncs[st.depth] = append(st.exportFuncs[st.depth], out.exportFuncs...)
	st.stderr.Write(out.stderr)
	funcs := st.funcs()
	for name, body := range out.funcs {
		if body == nil {
			delete(funcs, name)
		} else {
			funcs[name] = body
		}
	}
	funcs[memoReplayFunc] = out.body
	return []string{memoReplayFunc}
}

// accumulate adds val to inherit's E_* value of name.
func (st *run) accumulate(name, val string) {
	for rec := st.sub; rec != nil; rec = rec.parent {
		rec.accum = append(rec.accum, accumOp{name, val})
	}
	if e := st.accum[name]; e != nil {
		if *e != "" {
			*e += " "
		}
		*e += val
	} else {
		s := val
		st.accum[name] = &s
	}
}

// memoNoteCall records what a command about to run in a recording reads
// from the function table, and stops the recording before a command whose
// effect a replay would lose.
func (st *run) memoNoteCall(args []string) error {
	rec := st.sub
	if memoAbortCommands[args[0]] {
		rec.mu.Lock()
		rec.abort = args[0]
		rec.mu.Unlock()
		return errMemoAbort
	}
	st.memoNoteFunc(args[0])
	if funcLookupCommands[args[0]] && !(args[0] == "unset" && len(args) > 1 && args[1] == "-v") {
		for _, a := range args[1:] {
			if syntax.ValidName(a) {
				st.memoNoteFunc(a)
			}
		}
	}
	if args[0] == "eval" {
		code := strings.Join(args[1:], " ")
		if memoUnsafeText(code) {
			rec.setTaint("eval of unrecordable code")
		}
		if strings.Contains(code, "FUNCNAME") || strings.Contains(code, "BASH_SOURCE") || strings.Contains(code, "caller") {
			rec.setStackSensitive()
		}
	}
	if body := st.cur.Funcs[args[0]]; body != nil && st.e.eclasses.stackSensitive(body) {
		rec.setStackSensitive()
	}
	return nil
}

// memoNoteFunc records, in each recording from the innermost out, the
// function name named when the recording started, until one that has
// since (re)defined or removed it.
func (st *run) memoNoteFunc(name string) {
	in := memoInput{inFunc, name}
	for rec := st.sub; rec != nil; rec = rec.parent {
		cur := rec.runner.Funcs[name]
		entry := rec.funcs[name]
		if cur != entry {
			rec.internal(in)
			return
		}
		if cur != nil {
			if _, ok := st.file.Funcs[cur]; ok {
				// The ebuild's own functions are new for every package.
				rec.setTaint("calls a function of the ebuild")
			} else if st.e.eclasses.memoUnsafe(cur) {
				rec.setTaint("calls " + name)
			}
		}
		rec.note(in, memoValue{kind: 'f', fn: entry})
	}
}

// replayBody builds the function body that sets the variables a recording
// left (those that differ from the caller's) and ends with its status. It
// fails for what it cannot declare (name references, declared but unset
// arrays, unset read-only variables). The body is built as a syntax tree:
// printing and parsing values again would cost as much as the eclass.
// Variables with the same declare options share one declare command: the
// interpreter runs a command with fifty assignments two and a half times
// faster than fifty commands, and replays run thousands of times.
func replayBody(env expand.Environ, vars map[string]expand.Variable, status uint8, lastArg string) (*syntax.Stmt, bool) {
	names := make([]string, 0, len(vars))
	for name, v := range vars {
		if !sameVar(v, env.Get(name)) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var (
		decls           [len(declGroups)]*syntax.DeclClause
		unset, readonly []string
	)
	for _, name := range names {
		v := vars[name]
		g := declExported * boolIndex(v.Exported)
		as := &syntax.Assign{Name: lit(name)}
		switch {
		case !v.IsSet() && (v.ReadOnly || v.Kind == expand.NameRef):
			return nil, false
		case !v.IsSet() && v.Kind == expand.Unknown && !v.Exported:
			unset = append(unset, name)
			continue
		case !v.IsSet() && v.Kind == expand.Unknown:
			// export NAME of an unset variable.
			as.Naked = true
		case !v.IsSet() && v.Kind == expand.Associative:
			g += declAssoc
			as.Naked = true
		case !v.IsSet():
			return nil, false
		case v.Kind == expand.String:
			as.Value = quoted(v.Str)
		case v.Kind == expand.Indexed:
			g += declIndexed
			as.Array = &syntax.ArrayExpr{Elems: make([]*syntax.ArrayElem, len(v.List))}
			for i, s := range v.List {
				el := &syntax.ArrayElem{Value: quoted(s)}
				if v.Indexes != nil {
					el.Index = &syntax.Word{Parts: []syntax.WordPart{lit(strconv.Itoa(v.Indexes[i]))}}
				}
				as.Array.Elems[i] = el
			}
		case v.Kind == expand.Associative:
			g += declAssoc
			as.Array = &syntax.ArrayExpr{}
			for _, k := range slices.Sorted(maps.Keys(v.Map)) {
				as.Array.Elems = append(as.Array.Elems, &syntax.ArrayElem{Index: quoted(k), Value: quoted(v.Map[k])})
			}
		default:
			return nil, false
		}
		if decls[g] == nil {
			decls[g] = &syntax.DeclClause{Variant: lit("declare"), Args: []*syntax.Assign{flag("-g")}}
			for _, f := range declGroups[g] {
				decls[g].Args = append(decls[g].Args, flag(f))
			}
		}
		decls[g].Args = append(decls[g].Args, as)
		if v.ReadOnly {
			readonly = append(readonly, name)
		}
	}
	stmts := make([]*syntax.Stmt, 0, len(decls)+3)
	for _, d := range decls {
		if d != nil {
			stmts = append(stmts, &syntax.Stmt{Cmd: d})
		}
	}
	if len(unset) > 0 {
		stmts = append(stmts, call(append([]string{"unset", "-v"}, unset...)...))
	}
	if len(readonly) > 0 {
		ro := &syntax.DeclClause{Variant: lit("readonly")}
		for _, name := range readonly {
			ro.Args = append(ro.Args, &syntax.Assign{Naked: true, Name: lit(name)})
		}
		stmts = append(stmts, &syntax.Stmt{Cmd: ro})
	}
	stmts = append(stmts, call(memoStatusCmd, strconv.Itoa(int(status)), lastArg))
	return &syntax.Stmt{Cmd: &syntax.Block{Stmts: stmts}}, true
}

// declGroups are the declare options of replayBody's declare commands,
// indexed by declExported plus declIndexed or declAssoc. (An option of
// declare applies to every name after it.)
var declGroups = [...][]string{{}, {"-x"}, {"-a"}, {"-x", "-a"}, {"-A"}, {"-x", "-A"}}

const (
	declExported = 1
	declIndexed  = 2
	declAssoc    = 4
)

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sameVar reports whether two variables are the same in kind, attributes
// and value.
func sameVar(a, b expand.Variable) bool {
	return a.Set == b.Set && a.Local == b.Local && a.Exported == b.Exported && a.ReadOnly == b.ReadOnly &&
		a.Kind == b.Kind && a.Str == b.Str && slices.Equal(a.List, b.List) &&
		slices.Equal(a.Indexes, b.Indexes) && maps.Equal(a.Map, b.Map)
}

func lit(s string) *syntax.Lit { return &syntax.Lit{Value: s} }

// quoted is the word 's', taken literally.
func quoted(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.SglQuoted{Value: s}}}
}

// flag is a declare option.
func flag(f string) *syntax.Assign {
	return &syntax.Assign{Naked: true, Value: &syntax.Word{Parts: []syntax.WordPart{lit(f)}}}
}

// call is the simple command args[0] args[1:], all taken literally.
func call(args ...string) *syntax.Stmt {
	c := &syntax.CallExpr{}
	for _, a := range args {
		c.Args = append(c.Args, quoted(a))
	}
	return &syntax.Stmt{Cmd: c}
}

// memoScriptSource is what a recording runs: the eclass body (set up as
// sourceFuncName by inherit), then the end marker with its status.
var memoScriptSource = memoBodyFunc + "\n" + memoDoneCmd + " $?\n"

// memoEnd handles memoDoneCmd: the recording stops reading the caller.
func (st *run) memoEnd(args []string) error {
	rec := st.sub
	if rec == nil || len(args) != 2 {
		return fmt.Errorf("internal: bad memo end")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		return fmt.Errorf("internal: bad memo status %q", args[1])
	}
	rec.mu.Lock()
	rec.status, rec.ended = uint8(n), true
	rec.mu.Unlock()
	return nil
}

// memoStatus handles memoStatusCmd: the replayed status and $_.
func (st *run) memoStatus(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("internal: bad memo status")
	}
	st.lastArg = args[2]
	if n, _ := strconv.Atoi(args[1]); n != 0 {
		return interp.ExitStatus(uint8(n))
	}
	return nil
}

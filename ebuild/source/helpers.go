package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/sandbox"
	"buckos.dev/buckos/ebuild/shell"
)

const (
	vfilePrefix    = "/dev/buckos-procsubst/"
	nestCommand    = "__buckos_nest"
	bannedCommand  = "__buckos_banned"
	externalCmd    = "__buckos_external"
	sourceFailed   = "__buckos_inherit_failed"
	sourceFuncName = "__buckos_source"
	inheritFunc    = "__buckos_inherit_eclass"
	inheritFuncPR  = "__buckos_inherit_eclass_pr" // PROPERTIES and RESTRICT accumulate too
	inheritLoadCmd = "__buckos_inherit_load"
	inheritEndCmd  = "__buckos_inherit_end"
)

// globalBanned are the helpers Portage replaces by functions that die in
// the depend phase (bin/ebuild.sh).
var globalBanned = []string{
	"diropts", "docompress", "dostrip", "exeopts", "get_KV", "insopts",
	"KV_major", "KV_micro", "KV_minor", "KV_to_int", "libopts",
	"register_die_hook", "register_success_hook", "__strip_duplicate_slashes",
	"use", "useq", "usev", "use_with", "use_enable", "usex", "in_iuse", "get_libdir",
	"best_version", "has_version", "portageq",
}

// preludeSource defines, as shell functions like Portage does, the
// helpers that must die in global scope, and the bash version variables.
func preludeSource() string {
	var b strings.Builder
	for _, name := range globalBanned {
		fmt.Fprintf(&b, "%s() { %s %s; }\n", name, bannedCommand, name)
	}
	for _, name := range []string{"addread", "addwrite", "adddeny", "addpredict"} {
		fmt.Fprintf(&b, "%s() { %s %s; }\n", name, externalCmd, name)
	}
	b.WriteString("BASH_VERSINFO=(5 3 0 1 release x86_64-pc-linux-gnu)\n")
	return b.String()
}

func (e *Evaluator) prelude() (*shell.File, error) {
	e.preludeOnce.Do(func() {
		e.preludeFile, e.preludeErr = shell.Parse([]byte(preludeSource()), "prelude")
		if e.preludeErr != nil {
			return
		}
		// Parsed without shell's rewrites: these functions must not
		// show in FUNCNAME.
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(inheritFuncs()), "prelude")
		if err != nil {
			e.preludeErr = err
			return
		}
		m, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(memoScriptSource), "memo")
		if err != nil {
			e.preludeErr = err
			return
		}
		e.memoScript = m.Stmts
		e.preludeFuncs = map[string]*syntax.Stmt{}
		for _, st := range f.Stmts {
			if fd, ok := st.Cmd.(*syntax.FuncDecl); ok {
				e.preludeFuncs[fd.Name.Value] = fd.Body
			}
		}
		// The prelude's functions go straight into each runner's function
		// table, its other statements run ahead of the ebuild's: running
		// the prelude as a script of its own cost an extra Run per ebuild.
		for _, st := range e.preludeFile.AST.Stmts {
			if fd, ok := st.Cmd.(*syntax.FuncDecl); ok && fd.Name != nil {
				e.preludeFuncs[fd.Name.Value] = fd.Body
			} else {
				e.preludeStmts = append(e.preludeStmts, st)
			}
		}
	})
	return e.preludeFile, e.preludeErr
}

// stubSource returns an EXPORT_FUNCTIONS stub's source and the eclass
// function it calls.
func (e *Evaluator) stubSource(body *syntax.Stmt) (shell.Func, string, bool) {
	e.eclasses.mu.Lock()
	defer e.eclasses.mu.Unlock()
	fn, ok := e.eclasses.stubBodies[body]
	return fn, e.eclasses.stubImpl[body], ok
}

// helpers is the exec middleware implementing the package-manager
// commands available in global scope.
func (st *run) helpers(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		err := st.helper(ctx, args, next)
		if err == nil {
			return nil
		}
		if _, ok := interp.IsExitStatus(err); ok {
			return err
		}
		var e *Error
		if errors.As(err, &e) || st.failure != nil {
			return err
		}
		return st.fail(ctx, err.Error(), err)
	}
}

func (st *run) helper(ctx context.Context, args []string, next interp.ExecHandlerFunc) error {
	hc := interp.HandlerCtx(ctx)
	name := args[0]
	if st.api.IsBanned(name) {
		return st.fail(ctx, fmt.Sprintf("%s is banned in EAPI %s", name, st.api.Name), nil)
	}
	switch name {
	case "inherit":
		return st.inherit(ctx, args[1:])
	case "EXPORT_FUNCTIONS":
		if st.depth == 0 {
			return st.fail(ctx, "die: EXPORT_FUNCTIONS without a defined ECLASS", nil)
		}
		st.exportFuncs[st.depth] = append(st.exportFuncs[st.depth], args[1:]...)
		return nil
	case "die":
		a := args[1:]
		if len(a) > 0 && a[0] == "-n" {
			a = a[1:]
			if st.nonfatal.Load() > 0 {
				return interp.ExitStatus(1)
			}
		}
		return st.fail(ctx, "die: "+strings.Join(a, " "), nil)
	case "assert":
		return nil
	case "nonfatal":
		if len(args) < 2 {
			return st.fail(ctx, "die: nonfatal: no command", nil)
		}
		st.nonfatal.Add(1)
		defer func() { st.nonfatal.Add(-1) }()
		return eval(ctx, quoteArgs(args[1:]))
	case "einfo", "einfon", "elog", "ebegin", "debug-print", "debug-print-function", "debug-print-section":
		return nil
	case "ewarn", "eerror", "eqawarn":
		file, line := st.position(ctx)
		st.warn(fmt.Sprintf("%s:%d: %s: %s", file, line, name, strings.Join(args[1:], " ")))
		return nil
	case "eend":
		if len(args) > 1 {
			if n, err := strconv.Atoi(args[1]); err == nil && n != 0 {
				return interp.ExitStatus(uint8(n))
			}
		}
		return nil
	case "has", "hasq", "hasv", "contains_word":
		found := false
		if name == "contains_word" {
			if len(args) > 2 {
				found = slices.Contains(strings.Fields(args[2]), args[1])
			}
		} else if len(args) > 1 {
			found = slices.Contains(args[2:], args[1])
		}
		if !found {
			return interp.ExitStatus(1)
		}
		if name == "hasv" {
			fmt.Fprintln(hc.Stdout, args[1])
		}
		return nil
	case "ver_cut", "ver_rs", "ver_test":
		if st.api.Name == "6" {
			break
		}
		return st.version(ctx, args)
	case shell.PrintfVCommand:
		return shell.PrintfV(ctx, args)
	case shell.VarSetCommand:
		return shell.VarSet(ctx, args)
	case shell.MatchCommand:
		if len(args) < 2 {
			return st.fail(ctx, "internal: bad case", nil)
		}
		for _, pat := range args[2:] {
			if st.e.matcher(pat)(args[1]) {
				return nil
			}
		}
		return interp.ExitStatus(1)
	case shell.DeclareCommand:
		return shell.Declare(ctx, args)
	case shell.ReadCommand:
		if err := shell.Read(ctx, args); err != nil {
			if _, ok := interp.IsExitStatus(err); ok {
				return err
			}
			fmt.Fprintln(hc.Stderr, err)
			return interp.ExitStatus(2)
		}
		return nil
	case shell.VirtualFileCommand:
		if len(args) != 2 {
			return st.fail(ctx, "internal: bad process substitution", nil)
		}
		st.vfiles = append(st.vfiles, []byte(strings.TrimSuffix(args[1], "x")))
		fmt.Fprintf(hc.Stdout, "%s%d", vfilePrefix, len(st.vfiles)-1)
		return nil
	case shell.AssocCommand:
		return shell.Assoc(ctx, args, st.assocOrder)
	case shell.LastArgCommand:
		return shell.LastArg(ctx, args, st.lastArg)
	case shell.PatSubCommand:
		return shell.PatSub(ctx, args)
	case shell.DeclareFCommand:
		if st.sub != nil && len(args) == 1 {
			st.sub.setTaint("functions listed")
		}
		return shell.DeclareF(st.funcs(), hc.Stdout, args)
	case memoDoneCmd:
		return st.memoEnd(args)
	case memoStatusCmd:
		return st.memoStatus(args)
	case shell.DeferredCommand:
		return st.fail(ctx, "internal: a function body ran before it was parsed", nil)
	case shell.UnparsedCommand:
		return st.fail(ctx, "function body could not be parsed and was called in global scope: "+strings.Join(args[1:], " "), nil)
	case nestCommand:
		n := st.nesting.Add(1)
		defer func() { st.nesting.Add(-1) }()
		if n > maxNesting {
			return st.fail(ctx, fmt.Sprintf("eval/source nesting deeper than %d", maxNesting), nil)
		}
		if (args[1] == "source" || args[1] == ".") && len(args) > 2 {
			if err := st.sb.CheckRead(ctx, args[2]); err != nil {
				return st.fail(ctx, fmt.Sprintf("%v: %v", sandbox.ErrDenied, err), err)
			}
		}
		return hc.Builtin(ctx, args[1:])
	case bannedCommand:
		return st.fail(ctx, fmt.Sprintf("die: %s() calls are not allowed in global scope", strings.Join(args[1:], " ")), nil)
	case externalCmd:
		return st.fail(ctx, "die: External commands disallowed while sourcing ebuild: "+strings.Join(args[1:], " "), nil)
	case sourceFailed:
		loc := "an eclass"
		if len(st.sourcing) > 0 {
			loc = st.sourcing[len(st.sourcing)-1].path
		}
		return st.failInherit(ctx, fmt.Sprintf("die: died sourcing %s in inherit()", loc), nil)
	case inheritLoadCmd:
		return st.inheritLoad(ctx, args)
	case inheritEndCmd:
		return st.inheritEnd(ctx, args)
	case shell.ReadFileCommand:
		if len(args) != 2 {
			return st.fail(ctx, "internal: bad $(< file)", nil)
		}
		if err := st.sb.CheckRead(ctx, args[1]); err != nil {
			return st.fail(ctx, fmt.Sprintf("%v: %v", sandbox.ErrDenied, err), err)
		}
		f, err := st.sb.Open(ctx, args[1], os.O_RDONLY, 0)
		if err != nil {
			fmt.Fprintf(hc.Stderr, "%v\n", err)
			return interp.ExitStatus(1)
		}
		defer f.Close()
		_, err = io.Copy(hc.Stdout, f)
		return err
	case shell.RedirectCommand:
		for i := 1; i+1 < len(args); i += 2 {
			check := st.sb.CheckRead
			if args[i] == "w" {
				check = st.sb.CheckWrite
			}
			if err := check(ctx, args[i+1]); err != nil {
				return st.fail(ctx, fmt.Sprintf("%v: %v", sandbox.ErrDenied, err), err)
			}
		}
		if hc.LastExitStatus != 0 {
			return interp.ExitStatus(uint8(hc.LastExitStatus))
		}
		return nil
	case shell.StepCommand:
		if err := st.sb.LoopStep(ctx); err != nil {
			if ctx.Err() != nil {
				return st.timeout(ctx)
			}
			return st.fail(ctx, err.Error(), err)
		}
		if hc.LastExitStatus != 0 {
			return interp.ExitStatus(uint8(hc.LastExitStatus))
		}
		return nil
	}
	return next(ctx, args)
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shell.Quote(a)
	}
	return strings.Join(q, " ")
}

// inherit is Portage's inherit: source each eclass with the accumulated
// variables saved and unset, collect what the eclass set, apply its
// EXPORT_FUNCTIONS and record it in INHERITED (and INHERIT at depth 1).
//
// The shell side is inheritFuncs: one function call per eclass, whose
// locals do the saving, unsetting and restoring, so that no code is built
// and parsed per eclass; only the short list of calls is evaluated.
func (st *run) inherit(ctx context.Context, names []string) error {
	hc := interp.HandlerCtx(ctx)
	if st.depth > 0 && len(st.exportFuncs[st.depth]) > 0 {
		ecl, _ := getStr(hc.Env, "ECLASS")
		st.warn(fmt.Sprintf("QA Notice: EXPORT_FUNCTIONS is called before inherit in %s.eclass.", ecl))
	}
	fn := inheritFunc
	if st.api.Accumulates("PROPERTIES") {
		fn = inheritFuncPR
	}
	st.depth++
	depth := strconv.Itoa(st.depth)
	var calls strings.Builder
	for _, arg := range names {
		if arg == "" {
			break
		}
		name := arg
		if i := strings.LastIndexByte(arg, '/'); i >= 0 {
			name = arg[i+1:]
		}
		fmt.Fprintf(&calls, "%s %s %s %s\n", fn, depth, shell.Quote(arg), shell.Quote(name))
	}
	var err error
	if calls.Len() > 0 {
		file, line := st.position(ctx)
		st.inheritAt = append(st.inheritAt, position{file, line})
		err = eval(ctx, calls.String())
		st.inheritAt = st.inheritAt[:len(st.inheritAt)-1]
	}
	st.depth--
	return err
}

// inheritLoad runs inside inheritFunc before the eclass is sourced: it
// finds and parses the eclass and makes its body the function
// sourceFuncName.
func (st *run) inheritLoad(ctx context.Context, args []string) error {
	if len(args) != 3 {
		return st.failInherit(ctx, "internal: bad inherit load", nil)
	}
	arg, name := args[1], args[2]
	st.exportFuncs[st.depth] = nil
	loc := st.e.eclasses.locate(name)
	if loc == "" {
		// Portage's words first (the corpus compares failure reasons with
		// them), then where we looked and what to do.
		return st.failInherit(ctx, fmt.Sprintf("die: %s.eclass could not be found by inherit() (searched %s; add the eclass to one of them, or make the repository that has it a master: metadata/layout.conf masters, or --master)",
			arg, strings.Join(st.e.opts.EclassDirs, ", ")), nil)
	}
	ec, err := st.e.eclasses.load(name, loc)
	if err != nil {
		perr := parseError(loc, err)
		st.mu.Lock()
		if st.failure == nil {
			st.failure = perr
		}
		st.mu.Unlock()
		return perr
	}
	if !st.isLoaded(ec.path) {
		st.loaded = append(st.loaded, ec)
		for _, w := range ec.file.Warnings {
			st.warn(w)
		}
		st.hasStubs = st.hasStubs || len(ec.file.Warnings) > 0
	}
	if st.sub != nil && ec.memoUnsafe {
		st.sub.setTaint(name + ".eclass reads what cannot be recorded")
	}
	if ec.stackSensitive {
		st.sub.setStackSensitive()
	}
	for rec := st.sub; rec != nil; rec = rec.parent {
		rec.sourced[ec] = true
	}
	st.sourcing = append(st.sourcing, ec)
	st.funcs()[sourceFuncName] = ec.body
	return nil
}

// inheritEnd runs inside inheritFunc after the eclass was sourced, while
// its accumulated variables are still the function's locals: it adds them
// to the E_* values, applies EXPORT_FUNCTIONS and records the eclass, which
// adds it to INHERITED (ebuildEnv). Only when the script assigned
// INHERITED itself does it fail (status 1) so that the shell appends to
// that value instead.
func (st *run) inheritEnd(ctx context.Context, args []string) error {
	if len(args) != 3 || len(st.sourcing) == 0 {
		return st.failInherit(ctx, "internal: bad inherit end", nil)
	}
	hc := interp.HandlerCtx(ctx)
	arg, name := args[1], args[2]
	ec := st.sourcing[len(st.sourcing)-1]
	st.sourcing = st.sourcing[:len(st.sourcing)-1]
	delete(st.funcs(), sourceFuncName)
	vars := portageAccumulated
	if st.api.Accumulates("PROPERTIES") {
		vars = accumulatedPR
	}
	for _, v := range vars {
		if val, set := getStr(hc.Env, v); set {
			st.accumulate(v, val)
		}
	}
	for _, ph := range st.exportFuncs[st.depth] {
		impl := name + "_" + ph
		if st.funcs()[impl] == nil {
			return st.failInherit(ctx, fmt.Sprintf("die: EXPORT_FUNCTIONS: %s is not defined", impl), nil)
		}
		stub, err := st.e.eclasses.stub(ph, impl)
		if err != nil {
			return st.failInherit(ctx, "cannot define EXPORT_FUNCTIONS stub", err)
		}
		for body := range stub.Funcs {
			st.funcs()[ph] = body
		}
	}
	st.exportFuncs[st.depth] = nil
	if st.depth == 1 {
		st.explicit = append(st.explicit, arg)
	}
	if st.isInherited(arg) {
		return nil
	}
	var assigned bool
	if st.sub != nil {
		// Reading INHERITED here is inherit's bookkeeping, not the
		// eclass's: it must not become an input of the recording.
		st.sub.setQuiet(true)
		assigned = st.inheritedAssigned(hc.Env)
		st.sub.setQuiet(false)
		if assigned {
			st.sub.setTaint("INHERITED assigned")
		}
	} else {
		assigned = st.inheritedAssigned(hc.Env)
	}
	st.mu.Lock()
	st.inherited = append(st.inherited, arg)
	st.inheritedStr = ""
	st.mu.Unlock()
	st.eclasses = append(st.eclasses, ebuild.Eclass{Name: arg, MD5: ec.md5, Path: ec.path})
	if assigned {
		return interp.ExitStatus(1)
	}
	return nil
}

// inheritFuncs defines the shell side of inherit: per eclass, a function
// call (ECLASS_DEPTH, the inherit argument, the eclass name) whose locals
// are ECLASS, ECLASS_DEPTH and the accumulated variables, unset, so that
// the eclass sets the locals and the caller's values come back when it
// returns, as Portage's save, unset and restore do. The functions are not
// instrumented: FUNCNAME and BASH_SOURCE only show the sourced body.
func inheritFuncs() string {
	var b strings.Builder
	for _, v := range []struct {
		name string
		vars []string
	}{{inheritFunc, portageAccumulated}, {inheritFuncPR, accumulatedPR}} {
		names := strings.Join(v.vars, " ")
		fmt.Fprintf(&b, "%s() {\n\tlocal ECLASS_DEPTH=$1 ECLASS=$3 %s=\n", v.name, strings.Join(v.vars, "= "))
		// -v: the names are the locals just declared, never functions (a
		// plain unset would look functions up, reads a recording notes).
		fmt.Fprintf(&b, "\tunset -v %s\n", names)
		fmt.Fprintf(&b, "\t%s \"$2\" \"$3\" || return 1\n", inheritLoadCmd)
		fmt.Fprintf(&b, "\t%s || %s\n", sourceFuncName, sourceFailed)
		fmt.Fprintf(&b, "\t%s \"$2\" \"$3\" || { INHERITED+=\" $2\"; export INHERITED; }\n}\n", inheritEndCmd)
	}
	return b.String()
}

// virtual serves the results of process substitutions.
func (st *run) virtual(path string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(path, vfilePrefix)
	if !ok {
		return nil, false
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i >= len(st.vfiles) {
		return nil, false
	}
	return st.vfiles[i], true
}

// assocOrder finds the declared key order of an associative array in the
// ebuild or the eclasses loaded so far.
func (st *run) assocOrder(name string) []string {
	if st.sub == nil {
		return st.assocOrderIn(name, st.loaded)
	}
	// In a recording, what the ebuild and the eclasses loaded before
	// declared is an input; the rest the recorded eclasses declared.
	for rec := st.sub; rec != nil; rec = rec.parent {
		rec.note(memoInput{inAssoc, name}, assocValue(st.assocOrderIn(name, st.loaded[:rec.loaded0])))
	}
	return st.assocOrderIn(name, st.loaded)
}

// assocOrderIn looks for the declared key order in the ebuild, then in
// loaded.
func (st *run) assocOrderIn(name string, loaded []*eclassFile) []string {
	if o, ok := st.file.AssocOrder[name]; ok {
		return o
	}
	for _, ec := range loaded {
		if o, ok := ec.file.AssocOrder[name]; ok {
			return o
		}
	}
	return nil
}

// matcher returns a cached matcher for a bash glob pattern (extended
// operators on, matching the entire string), as case uses.
func (e *Evaluator) matcher(pat string) func(string) bool {
	e.matchMu.RLock()
	m, ok := e.matchers[pat]
	e.matchMu.RUnlock()
	if ok {
		return m
	}
	if !pattern.HasMeta(pat, pattern.ExtendedOperators) {
		m = func(s string) bool { return s == pat }
	} else if expr, err := pattern.Regexp(pat, pattern.EntireString|pattern.ExtendedOperators); err != nil {
		// Like bash, a malformed pattern matches nothing.
		m = func(string) bool { return false }
	} else if rx, err := regexp.Compile(expr); err != nil {
		m = func(string) bool { return false }
	} else {
		m = rx.MatchString
	}
	e.matchMu.Lock()
	e.matchers[pat] = m
	e.matchMu.Unlock()
	return m
}

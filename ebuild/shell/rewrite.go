package shell

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// DeclareFCommand replaces `declare -F ...`, which mvdan rejects.
const DeclareFCommand = "__buckos_declare_F"

// rewrite records every function's source and rewrites the tree for the
// interpreter: function bodies maintain FUNCNAME and BASH_SOURCE, and
// declare flags mvdan does not know are emulated or dropped.
//
// With lazy set, function bodies are left for Prepare: an ebuild's phase
// functions, most of its text, never run in global scope. The caller sets
// it only for a file that declares no associative or integer variables,
// whose names every statement's rewrite must know. With deferredOnly set
// instead, only the bodies deferBodies took out are left: the caller
// checked that none of them declares such a variable, so walking the
// rest finds every declaration.
func (f *File) rewrite(src []byte, stubs map[int]stubInfo, noSource, lazy, deferredOnly bool) {
	f.assoc = map[string]bool{}
	rw := &rewriter{f: f, stubs: stubs, noSource: noSource, lazy: lazy, deferredOnly: deferredOnly}
	if lazy || deferredOnly {
		f.pending = map[*syntax.Stmt]string{}
	}
	rw.walk(f.AST, src)
}

// declaresAssocOrInt finds declarations with the associative or integer
// attribute, conservatively: an option word with A or i anywhere on a line
// after declare, typeset, local, readonly or export. (A byte scan: a
// regular expression over every ebuild cost more than the rewrite saved.)
func declaresAssocOrInt(src []byte) bool { return declaresWith(src, "Ai") }

// declaresInt is declaresAssocOrInt for the integer attribute alone.
func declaresInt(src []byte) bool { return declaresWith(src, "i") }

func declaresWith(src []byte, attrs string) bool {
	for _, kw := range declKeywords {
		for rest := src; ; {
			i := bytes.Index(rest, kw)
			if i < 0 {
				break
			}
			line := rest[i+len(kw):]
			if j := bytes.IndexByte(line, '\n'); j >= 0 {
				line = line[:j]
			}
			if optionWith(line, attrs) {
				return true
			}
			rest = rest[i+len(kw):]
		}
	}
	return false
}

var declKeywords = [][]byte{[]byte("declare"), []byte("typeset"), []byte("local"), []byte("readonly"), []byte("export")}

// optionWith reports whether line has an option word with one of attrs,
// like -A, -gA or +i for "Ai".
func optionWith(line []byte, attrs string) bool {
	for i := 1; i < len(line); i++ {
		if (line[i] == '-' || line[i] == '+') && (line[i-1] == ' ' || line[i-1] == '\t') {
			for j := i + 1; j < len(line) && (line[j] >= 'a' && line[j] <= 'z' || line[j] >= 'A' && line[j] <= 'Z'); j++ {
				if strings.IndexByte(attrs, line[j]) >= 0 {
					return true
				}
			}
		}
	}
	return false
}

// Pending reports whether body still needs Prepare.
func (f *File) Pending(body *syntax.Stmt) bool {
	f.lazyMu.RLock()
	defer f.lazyMu.RUnlock()
	_, ok := f.pending[body]
	return ok
}

// Prepare parses (ParseOptions.DeferBodies) and rewrites a function body
// that parsing left for later; the evaluator calls it before the function
// first runs. Other bodies are left alone. A deferred body that cannot be
// parsed is an error, every time the function is about to run. It is safe
// for concurrent use.
func (f *File) Prepare(body *syntax.Stmt) error {
	f.lazyMu.Lock()
	defer f.lazyMu.Unlock()
	name, ok := f.pending[body]
	if !ok {
		return nil
	}
	if k, ok := deferredIndex(body); ok && f.deferred != nil {
		real, err := f.parseDeferred(k, name)
		if err != nil {
			return err
		}
		body.Cmd, body.Redirs, body.Negated = real.Cmd, real.Redirs, real.Negated
	}
	delete(f.pending, body)
	instrument(body, name, f.Name)
	rw := &rewriter{f: f, noSource: true}
	rw.walk(body, nil)
	return nil
}

// rewriter is one rewriting walk over a file or a function body.
type rewriter struct {
	f        *File
	stubs    map[int]stubInfo
	noSource bool
	lazy     bool // leave function bodies pending
	// deferredOnly: leave the bodies deferBodies took out pending.
	deferredOnly bool
	printer      *syntax.Printer
	// stmtRewrites: an expansion rewriteStmt may rewrite exists.
	stmtRewrites bool
	// expWords are the words of parameter expansions unescapeExpWords
	// has seen from the word around them.
	expWords map[*syntax.Word]bool
}

func (rw *rewriter) walk(node syntax.Node, src []byte) {
	if !rw.lazy || src == nil || mayNeedStmtRewrites(src) {
		rw.collect(node, src)
	}
	// Otherwise there is nothing to collect: a lazy file declares no
	// associative or integer variables, and its text has none of what
	// rewriteStmt rewrites.
	syntax.Walk(node, rw.visit)
	rw.f.redirChecked = nil
}

// stmtRewriteMarks are texts every expansion rewriteStmt rewrites
// contains: $_, ${!...}, an anchored ${v/#...} or ${v/%...}, an extended
// glob.
var stmtRewriteMarks = [][]byte{
	[]byte("$_"), []byte("${_"), []byte("${!"), []byte("/#"), []byte("/%"),
	[]byte("+("), []byte("*("), []byte("?("), []byte("@("), []byte("!("),
}

func mayNeedStmtRewrites(src []byte) bool {
	for _, m := range stmtRewriteMarks {
		if bytes.Contains(src, m) {
			return true
		}
	}
	return false
}

// collect finds the associative and integer declarations and whether any
// expansion needs rewriteStmt, and rewrites integer assignments.
func (rw *rewriter) collect(node syntax.Node, src []byte) {
	f := rw.f
	ints := map[string]bool{}
	// maybe are the expansions rewriteStmt might rewrite; whether it
	// does depends on the associative arrays, known after this walk.
	// Without any, the statements need not be searched one by one.
	var maybe []*syntax.ParamExp
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.FuncDecl:
			return !rw.lazy
		case *syntax.DeclClause:
			if src != nil {
				f.collectAssoc(src, n)
			}
			collectInts(n, ints)
		case *syntax.ParamExp:
			if n.Param != nil {
				maybe = append(maybe, n)
			}
		}
		return true
	})
	for _, pe := range maybe {
		if pe.Param.Value == "_" || f.iterates(pe) || patMode(pe) != "" {
			rw.stmtRewrites = true
			break
		}
	}
	if len(ints) > 0 {
		syntax.Walk(node, func(n syntax.Node) bool {
			if a, ok := n.(*syntax.Assign); ok {
				integerAssign(a, ints)
			}
			return true
		})
	}
}

func (rw *rewriter) visit(n syntax.Node) bool {
	f := rw.f
	switch n := n.(type) {
	case *syntax.FuncDecl:
		if n.Name == nil || n.Body == nil {
			return true
		}
		line := int(n.Pos().Line())
		fn := Func{Name: n.Name.Value, Line: line}
		if st, ok := rw.stubs[line]; ok && st.name == fn.Name {
			fn.Source, fn.Stub = st.source, true
		} else if !rw.noSource {
			if rw.printer == nil {
				rw.printer = syntax.NewPrinter()
			}
			var buf bytes.Buffer
			rw.printer.Print(&buf, n)
			fn.Source = buf.String()
		}
		f.Funcs[n.Body] = fn
		if _, placeholder := deferredIndex(n.Body); rw.lazy || rw.deferredOnly && placeholder {
			f.pending[n.Body] = fn.Name
			return false
		}
		instrument(n.Body, fn.Name, f.Name)
	case *syntax.Word:
		rewriteProcSubst(n)
		if rw.expWords == nil {
			rw.expWords = map[*syntax.Word]bool{}
		}
		unescapeExpWords(n, rw.expWords)
	case *syntax.CmdSubst:
		rewriteReadFile(n)
	case *syntax.CaseItem:
		for _, w := range n.Patterns {
			fixBrackets(w)
		}
	case *syntax.BinaryTest:
		if n.Op == syntax.TsMatch || n.Op == syntax.TsNoMatch || n.Op == syntax.TsMatchShort {
			if w, ok := n.Y.(*syntax.Word); ok {
				fixBrackets(w)
			}
		}
	case *syntax.ParamExp:
		if n.Repl != nil && n.Repl.Orig != nil {
			fixBrackets(n.Repl.Orig)
		}
		if n.Exp != nil && n.Exp.Word != nil {
			switch n.Exp.Op {
			case syntax.RemSmallPrefix, syntax.RemLargePrefix, syntax.RemSmallSuffix, syntax.RemLargeSuffix:
				fixBrackets(n.Exp.Word)
			}
		}
		// mvdan takes $* and $@ as set even without positional
		// parameters, so ${*-x} would never give x.
		if n.Param != nil && (n.Param.Value == "*" || n.Param.Value == "@") && n.Exp != nil {
			switch n.Exp.Op {
			case syntax.DefaultUnset:
				n.Exp.Op = syntax.DefaultUnsetOrNull
			case syntax.AlternateUnset:
				n.Exp.Op = syntax.AlternateUnsetOrNull
			}
		}
	case *syntax.WhileClause:
		n.Do = append([]*syntax.Stmt{stepStmt(n.Pos())}, n.Do...)
	case *syntax.ForClause:
		step := stepStmt(n.Pos())
		if it, ok := n.Loop.(*syntax.WordIter); ok && it.Name != nil {
			// The loop variable goes through the call handler, which
			// reports an unmatched glob (failglob).
			step.Cmd.(*syntax.CallExpr).Args = append(step.Cmd.(*syntax.CallExpr).Args,
				word(&syntax.DblQuoted{Parts: []syntax.WordPart{&syntax.ParamExp{Param: lit(it.Name.Value)}}}))
		}
		n.Do = append([]*syntax.Stmt{step}, n.Do...)
	case *syntax.Stmt:
		// Jobs in the background would run concurrently with the
		// rest of the global scope for no gain: run them in order.
		n.Background, n.Coprocess = false, false
		if d, ok := n.Cmd.(*syntax.DeclClause); ok {
			rewriteDecl(n, d)
		}
		f.checkRedirects(n)
		rewriteCase(n)
		rewriteMatchTest(n)
		rewriteVarSetTest(n)
		if rw.stmtRewrites {
			f.rewriteStmt(n)
		}
	}
	return true
}

// instrument makes body keep FUNCNAME and BASH_SOURCE like bash does: as
// function-local arrays with the current function in front.
func instrument(body *syntax.Stmt, name, file string) {
	unsetNakedLocals(body)
	prefix := &syntax.Stmt{Position: body.Pos(), Cmd: &syntax.DeclClause{
		Variant: lit("local"),
		Args: []*syntax.Assign{
			{Naked: true, Value: word(lit("-a"))},
			stackAssign("FUNCNAME", name),
			stackAssign("BASH_SOURCE", file),
		},
	}}
	switch c := body.Cmd.(type) {
	case *syntax.Block:
		c.Stmts = append([]*syntax.Stmt{prefix}, c.Stmts...)
	case *syntax.Subshell:
		c.Stmts = append([]*syntax.Stmt{prefix}, c.Stmts...)
	default:
		inner := &syntax.Stmt{Position: body.Position, Cmd: body.Cmd, Negated: body.Negated, Redirs: body.Redirs}
		body.Cmd = &syntax.Block{Stmts: []*syntax.Stmt{prefix, inner}}
		body.Negated, body.Redirs = false, nil
	}
}

// unsetNakedLocals makes `local NAME` (and declare or typeset without -g
// in a function) leave NAME unset, as bash does: mvdan/sh keeps the
// value NAME had in the calling scope, so `local deps; deps+=" x"` would
// append to the caller's deps. Each such declaration is followed by
// `unset -v` of its value-less names. Associative arrays (-A) and name
// references (-n) are left alone, as are nested functions (instrumented
// on their own) and declarations with options it does not know.
func unsetNakedLocals(body *syntax.Stmt) {
	syntax.Walk(body, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.FuncDecl:
			return false
		case *syntax.Stmt:
			d, ok := n.Cmd.(*syntax.DeclClause)
			if !ok || d.Variant == nil {
				return true
			}
			switch d.Variant.Value {
			case "local", "declare", "typeset":
			default:
				return true
			}
			var names []string
			for _, a := range d.Args {
				if f, ok := flagOf(a); ok {
					if f[0] != '-' || strings.Trim(f[1:], "aixtluI") != "" {
						return true // -A, -n, -g, -r, -p, -f, +x, ...
					}
					continue
				}
				if a.Naked && a.Name != nil && a.Index == nil {
					names = append(names, a.Name.Value)
				}
			}
			if len(names) == 0 {
				return true
			}
			decl := &syntax.Stmt{Position: n.Position, Cmd: d, Redirs: n.Redirs}
			unset := &syntax.CallExpr{Args: []*syntax.Word{word(lit("unset")), word(lit("-v"))}}
			for _, name := range names {
				unset.Args = append(unset.Args, word(lit(name)))
			}
			n.Cmd = &syntax.Block{Stmts: []*syntax.Stmt{decl, {Position: n.Position, Cmd: unset}}}
			n.Redirs = nil
			return false
		}
		return true
	})
}

// stackAssign builds NAME=('top' "${NAME[@]}").
func stackAssign(name, top string) *syntax.Assign {
	rest := &syntax.DblQuoted{Parts: []syntax.WordPart{&syntax.ParamExp{
		Param: lit(name),
		Index: word(lit("@")),
	}}}
	return &syntax.Assign{
		Name: lit(name),
		Array: &syntax.ArrayExpr{Elems: []*syntax.ArrayElem{
			{Value: word(&syntax.SglQuoted{Value: top})},
			{Value: &syntax.Word{Parts: []syntax.WordPart{rest}}},
		}},
	}
}

func lit(s string) *syntax.Lit { return &syntax.Lit{Value: s} }

func word(p syntax.WordPart) *syntax.Word { return &syntax.Word{Parts: []syntax.WordPart{p}} }

// rewriteDecl makes typeset declare and handles the declare flags mvdan
// rejects: -F (function name queries) becomes a call to DeclareFCommand;
// -i, -t and -I are dropped; -l and -u are dropped and emulated by a case
// conversion after the assignment.
func rewriteDecl(st *syntax.Stmt, d *syntax.DeclClause) {
	if d.Variant != nil && d.Variant.Value == "typeset" {
		// A synonym of declare in bash; mvdan/sh does not make it
		// local in a function.
		d.Variant = lit("declare")
	}
	splitFlags(d)
	var flags string
	for _, a := range d.Args {
		if s, ok := flagOf(a); ok {
			flags += s[1:]
		}
	}
	if !strings.ContainsAny(flags, "FiltuI") {
		return
	}
	if strings.Contains(flags, "F") {
		call := &syntax.CallExpr{Args: []*syntax.Word{word(lit(DeclareFCommand))}}
		for _, a := range d.Args {
			switch {
			case a.Naked && a.Name != nil:
				call.Args = append(call.Args, word(lit(a.Name.Value)))
			case a.Value != nil && a.Name == nil:
				call.Args = append(call.Args, a.Value)
			}
		}
		st.Cmd = call
		return
	}
	var args []*syntax.Assign
	var conv []*syntax.Stmt
	for _, a := range d.Args {
		if s, ok := flagOf(a); ok {
			kept := strings.Map(func(r rune) rune {
				if strings.ContainsRune("iltuI", r) {
					return -1
				}
				return r
			}, s[1:])
			if kept != "" {
				args = append(args, &syntax.Assign{Naked: true, Value: word(lit(s[:1] + kept))})
			}
			continue
		}
		args = append(args, a)
		if a.Name != nil && a.Value != nil && a.Index == nil && strings.ContainsAny(flags, "lu") {
			op := syntax.LowerAll
			if strings.Contains(flags, "u") {
				op = syntax.UpperAll
			}
			conv = append(conv, &syntax.Stmt{Position: st.Position, Cmd: &syntax.CallExpr{Assigns: []*syntax.Assign{{
				Name:  lit(a.Name.Value),
				Value: word(&syntax.DblQuoted{Parts: []syntax.WordPart{&syntax.ParamExp{Param: lit(a.Name.Value), Exp: &syntax.Expansion{Op: op}}}}),
			}}}})
		}
	}
	d.Args = args
	if len(conv) > 0 {
		decl := &syntax.Stmt{Position: st.Position, Cmd: d}
		st.Cmd = &syntax.Block{Stmts: append([]*syntax.Stmt{decl}, conv...)}
	}
}

// flagOf returns the literal option word of a declaration argument.
func flagOf(a *syntax.Assign) (string, bool) {
	if !a.Naked || a.Name != nil || a.Value == nil {
		return "", false
	}
	s := a.Value.Lit()
	if len(s) < 2 || (s[0] != '-' && s[0] != '+') {
		return "", false
	}
	return s, true
}

// SourceBody returns the statements of f as one function body that keeps
// BASH_SOURCE pointing at f while it runs, as if f were sourced from the
// function named caller.
func SourceBody(f *File, caller string) *syntax.Stmt {
	body := &syntax.Stmt{Cmd: &syntax.Block{Stmts: f.AST.Stmts}}
	instrument(body, "source", f.Name)
	if b, ok := body.Cmd.(*syntax.Block); ok && len(b.Stmts) > 0 {
		if d, ok := b.Stmts[0].Cmd.(*syntax.DeclClause); ok {
			// FUNCNAME is ( source caller ... ) while a file is sourced.
			d.Args[1] = stackAssign("FUNCNAME", "source")
			d.Args[1].Array.Elems = append(d.Args[1].Array.Elems[:1:1],
				&syntax.ArrayElem{Value: word(&syntax.SglQuoted{Value: caller})},
				d.Args[1].Array.Elems[1])
		}
	}
	return body
}

// collectAssoc records the names declared associative (-A), and turns
// their literal keys that the parser took for arithmetic (like
// [foo-bar-3]=x) back into words.
func (f *File) collectAssoc(src []byte, d *syntax.DeclClause) {
	assoc := false
	for _, a := range d.Args {
		if s, ok := flagOf(a); ok && s[0] == '-' && strings.Contains(s, "A") {
			assoc = true
		}
	}
	if !assoc {
		return
	}
	for _, a := range d.Args {
		if a.Name == nil {
			continue
		}
		f.assoc[a.Name.Value] = true
		if a.Array == nil {
			continue
		}
		var order []string
		for _, el := range a.Array.Elems {
			if el.Index == nil {
				continue
			}
			if _, ok := el.Index.(*syntax.Word); !ok {
				from, to := int(el.Index.Pos().Offset()), int(el.Index.End().Offset())
				if from < to && to <= len(src) {
					el.Index = word(lit(string(src[from:to])))
				}
			}
			if w, ok := el.Index.(*syntax.Word); ok {
				if k, ok := unquotedLit(w); ok {
					order = append(order, k)
				}
			}
		}
		if f.AssocOrder == nil {
			f.AssocOrder = map[string][]string{}
		}
		f.AssocOrder[a.Name.Value] = order
	}
}

// VirtualFileCommand stores its argument minus a trailing "x" as an
// in-memory file and prints the file's path: <(cmds) becomes
// "$(VirtualFileCommand "$(cmds; printf x)")", so that process
// substitution needs no FIFO on the host.
const VirtualFileCommand = "__buckos_vfile"

// ReadFileCommand prints a file after the sandbox allowed reading it:
// $(< FILE) becomes $(ReadFileCommand FILE).
const ReadFileCommand = "__buckos_readfile"

func rewriteReadFile(cs *syntax.CmdSubst) {
	if len(cs.Stmts) != 1 {
		return
	}
	st := cs.Stmts[0]
	if st.Cmd != nil || len(st.Redirs) != 1 || st.Redirs[0].Op != syntax.RdrIn || st.Redirs[0].Word == nil {
		return
	}
	st.Cmd = &syntax.CallExpr{Args: []*syntax.Word{
		word(posLit(ReadFileCommand, st.Pos())),
		word(&syntax.DblQuoted{Parts: st.Redirs[0].Word.Parts}),
	}}
	st.Redirs = nil
}

func rewriteProcSubst(w *syntax.Word) {
	for i, p := range w.Parts {
		ps, ok := p.(*syntax.ProcSubst)
		if !ok || ps.Op != syntax.CmdIn {
			continue
		}
		marker := &syntax.Stmt{Position: ps.Pos(), Cmd: &syntax.CallExpr{Args: []*syntax.Word{word(lit("printf")), word(lit("x"))}}}
		inner := &syntax.CmdSubst{Left: ps.OpPos, Right: ps.Rparen, Stmts: append(slices.Clone(ps.Stmts), marker)}
		call := &syntax.CallExpr{Args: []*syntax.Word{
			word(lit(VirtualFileCommand)),
			word(&syntax.DblQuoted{Parts: []syntax.WordPart{inner}}),
		}}
		w.Parts[i] = &syntax.CmdSubst{Left: ps.OpPos, Right: ps.Rparen, Stmts: []*syntax.Stmt{{Position: ps.Pos(), Cmd: call}}}
	}
}

// splitFlags turns combined options like -gA into -g -A: mvdan loses the
// array kind of a combined -gA/-Ag.
func splitFlags(d *syntax.DeclClause) {
	var args []*syntax.Assign
	for _, a := range d.Args {
		s, ok := flagOf(a)
		if !ok || len(s) <= 2 {
			args = append(args, a)
			continue
		}
		for _, c := range s[1:] {
			args = append(args, &syntax.Assign{Naked: true, Value: word(lit(s[:1] + string(c)))})
		}
	}
	d.Args = args
}

// unquotedLit returns the literal value of a word made of literals and
// quoted literals.
func unquotedLit(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok {
					return "", false
				}
				b.WriteString(l.Value)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// collectInts records the names declared with the integer attribute.
func collectInts(d *syntax.DeclClause, ints map[string]bool) {
	isInt := false
	for _, a := range d.Args {
		if s, ok := flagOf(a); ok && s[0] == '-' && strings.Contains(s, "i") {
			isInt = true
		}
	}
	if !isInt {
		return
	}
	for _, a := range d.Args {
		if a.Name != nil {
			ints[a.Name.Value] = true
		}
	}
}

// integerAssign emulates the integer attribute, which mvdan lacks:
// NAME=expr becomes NAME=$((expr)) and NAME+=expr NAME=$((NAME+(expr))).
func integerAssign(a *syntax.Assign, ints map[string]bool) {
	if a.Name == nil || !ints[a.Name.Value] || a.Value == nil || a.Array != nil || a.Index != nil {
		return
	}
	var x syntax.ArithmExpr = a.Value
	if a.Append {
		x = &syntax.BinaryArithm{Op: syntax.Add, X: word(lit(a.Name.Value)), Y: &syntax.ParenArithm{X: a.Value}}
		a.Append = false
	}
	a.Value = word(&syntax.ArithmExp{Bracket: false, X: x})
}

var leadingDash = regexp.MustCompile(`\[([!^]?)-([^]\[]+)\]`)

// fixBrackets moves a leading '-' of a bracket expression to its end
// ([-._] becomes [._-], the same set): mvdan's pattern translation
// mishandles the leading form.
func fixBrackets(w *syntax.Word) {
	for _, p := range w.Parts {
		if l, ok := p.(*syntax.Lit); ok && strings.Contains(l.Value, "-") {
			l.Value = leadingDash.ReplaceAllString(l.Value, "[$1$2-]")
		}
	}
}

// StepCommand starts every loop iteration, so that loops without commands
// still count against the step budget and report where they are.
const StepCommand = "__buckos_step"

func stepStmt(pos syntax.Pos) *syntax.Stmt {
	return &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: []*syntax.Word{word(posLit(StepCommand, pos))}}}
}

// posLit is a literal placed at pos, so that a synthetic command reports
// the position of the code it stands for.
func posLit(s string, pos syntax.Pos) *syntax.Lit { return &syntax.Lit{ValuePos: pos, Value: s} }

// RedirectCommand checks the targets of a statement's file redirections
// before it runs: RedirectCommand (r|w) PATH ..., so that a write or a read
// outside the repositories fails naming the statement's line.
const RedirectCommand = "__buckos_redirect"

func (f *File) checkRedirects(st *syntax.Stmt) {
	if len(st.Redirs) == 0 || st.Cmd == nil || f.redirChecked[st] {
		return
	}
	call := &syntax.CallExpr{Args: []*syntax.Word{word(posLit(RedirectCommand, st.Pos()))}}
	for _, r := range st.Redirs {
		if r.Word == nil {
			continue
		}
		mode := ""
		switch r.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.RdrClob, syntax.RdrInOut:
			mode = "w"
		case syntax.RdrIn:
			mode = "r"
		default:
			continue
		}
		if l := r.Word.Lit(); l == "/dev/null" {
			continue
		}
		if len(r.Word.Parts) == 1 {
			if _, ok := r.Word.Parts[0].(*syntax.CmdSubst); ok && mode == "r" {
				continue // our own process substitution
			}
		}
		call.Args = append(call.Args, word(lit(mode)), word(&syntax.DblQuoted{Parts: r.Word.Parts}))
	}
	if len(call.Args) == 1 {
		return
	}
	orig := &syntax.Stmt{Position: st.Position, Cmd: st.Cmd, Negated: st.Negated, Redirs: st.Redirs}
	if f.redirChecked == nil {
		f.redirChecked = map[*syntax.Stmt]bool{}
	}
	f.redirChecked[orig] = true
	st.Cmd = &syntax.Block{Stmts: []*syntax.Stmt{{Position: st.Position, Cmd: call}, orig}}
	st.Redirs, st.Negated = nil, false
}

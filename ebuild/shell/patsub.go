package shell

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// PatSubCommand computes an anchored pattern substitution, which mvdan
// does not implement: ${v/#pat/rep} and ${v/%pat/rep} (it takes # and %
// as part of the pattern). The statement using it is rewritten so that
// the command computes the result into an array first:
//
//	PatSubCommand TMP MODE PAT REP VALUES...
const PatSubCommand = "__buckos_patsub"

// rewriteStmt rewrites the expansions of one statement (not those of
// statements nested in it, which are rewritten on their own) that mvdan
// gets wrong, by computing them first with a helper command into an array
// and expanding that array instead:
//
//   - $_ (last argument of the previous command; mvdan lacks it),
//   - "${A[@]}" and "${!A[@]}" of associative arrays, in bash's order,
//   - ${v/#pat/rep} and ${v/%pat/rep} (mvdan takes # and % literally).
func (f *File) rewriteStmt(st *syntax.Stmt) {
	if st.Cmd == nil {
		return
	}
	var found []*syntax.ParamExp
	syntax.Walk(st.Cmd, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			return false
		case *syntax.ParamExp:
			if n.Param != nil && (n.Param.Value == "_" || f.iterates(n) || patMode(n) != "") {
				found = append(found, n)
			}
		}
		return true
	})
	if len(found) == 0 {
		return
	}
	var pre []*syntax.Stmt
	add := func(args ...*syntax.Word) {
		pre = append(pre, &syntax.Stmt{Position: st.Position, Cmd: &syntax.CallExpr{Args: args}})
	}
	tmpName := func() string {
		f.patsubs++
		return fmt.Sprintf("__buckos_ps%d_%d", f.id, f.patsubs)
	}
	for _, pe := range found {
		if pe.Param.Value == "_" {
			tmp := tmpName()
			add(word(lit(LastArgCommand)), word(lit(tmp)))
			pe.Param = lit(tmp)
		}
		if f.iterates(pe) {
			tmp := tmpName()
			mode := "values"
			if pe.Excl {
				mode = "keys"
			}
			add(word(lit(AssocCommand)), word(lit(tmp)), word(lit(mode)), word(lit(pe.Param.Value)))
			pe.Param, pe.Excl = lit(tmp), false
		}
		mode := patMode(pe)
		if mode == "" {
			continue
		}
		tmp := tmpName()
		var patParts []syntax.WordPart
		with := word(lit(""))
		if pe.Repl != nil {
			patParts = pe.Repl.Orig.Parts
			if mode == "#" || mode == "%" {
				lit0 := pe.Repl.Orig.Parts[0].(*syntax.Lit)
				patParts = append([]syntax.WordPart{lit(lit0.Value[1:])}, pe.Repl.Orig.Parts[1:]...)
			}
			if pe.Repl.With != nil {
				with = pe.Repl.With
			}
		} else if pe.Exp.Word != nil {
			patParts = pe.Exp.Word.Parts
		}
		val := *pe
		val.Repl, val.Exp = nil, nil
		index := ""
		switch {
		case pe.Param.Value == "@" || pe.Param.Value == "*":
			index = pe.Param.Value
			val.Param = lit("@")
		case isAllIndex(pe.Index):
			index = indexLit(pe.Index)
			val.Index = word(lit("@"))
		}
		add(word(lit(PatSubCommand)), word(lit(tmp)), word(lit(mode)),
			word(&syntax.DblQuoted{Parts: patParts}),
			word(&syntax.DblQuoted{Parts: with.Parts}),
			word(&syntax.DblQuoted{Parts: []syntax.WordPart{&val}}))
		*pe = syntax.ParamExp{Dollar: pe.Dollar, Rbrace: pe.Rbrace, Param: lit(tmp)}
		if index != "" {
			pe.Index = word(lit(index))
		}
	}
	orig := &syntax.Stmt{Position: st.Position, Cmd: st.Cmd}
	st.Cmd = &syntax.Block{Stmts: append(pre, orig)}
}

// patMode says whether a pattern expansion needs the helper and how:
// "#" and "%" for anchored substitution, "/" and "//" for substitution
// and "#r", "##r", "%r", "%%r" for removal, the latter ones only when the
// pattern uses extended globbing (mvdan ignores extglob there).
func patMode(n *syntax.ParamExp) string {
	switch {
	case n.Repl != nil && n.Repl.Orig != nil && len(n.Repl.Orig.Parts) > 0:
		if l, ok := n.Repl.Orig.Parts[0].(*syntax.Lit); ok && !n.Repl.All && (strings.HasPrefix(l.Value, "#") || strings.HasPrefix(l.Value, "%")) {
			return l.Value[:1]
		}
		if hasExtGlob(n.Repl.Orig) {
			if n.Repl.All {
				return "//"
			}
			return "/"
		}
	case n.Exp != nil && n.Exp.Word != nil && hasExtGlob(n.Exp.Word):
		switch n.Exp.Op {
		case syntax.RemSmallPrefix:
			return "#r"
		case syntax.RemLargePrefix:
			return "##r"
		case syntax.RemSmallSuffix:
			return "%r"
		case syntax.RemLargeSuffix:
			return "%%r"
		}
	}
	return ""
}

func hasExtGlob(w *syntax.Word) bool {
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.ExtGlob:
			return true
		case *syntax.Lit:
			for _, op := range []string{"+(", "*(", "?(", "@(", "!("} {
				if strings.Contains(p.Value, op) {
					return true
				}
			}
		}
	}
	return false
}

// iterates reports whether pe lists the keys of any array, or the values
// of an array this file declares associative.
func (f *File) iterates(pe *syntax.ParamExp) bool {
	if pe.Length || pe.Width || !isAllIndex(pe.Index) {
		return false
	}
	return pe.Excl || f.assoc[pe.Param.Value]
}

func isAllIndex(e syntax.ArithmExpr) bool {
	s := indexLit(e)
	return s == "@" || s == "*"
}

// PatSub runs PatSubCommand from an exec handler.
func PatSub(ctx context.Context, args []string) error {
	if len(args) < 5 {
		return fmt.Errorf("%s: need TMP MODE PAT REP VALUES", PatSubCommand)
	}
	tmp, mode, pat, rep, vals := args[1], args[2], args[3], args[4], args[5:]
	expr, err := pattern.Regexp(pat, pattern.EntireString|pattern.ExtendedOperators)
	if err != nil {
		return fmt.Errorf("bad pattern %q: %w", pat, err)
	}
	rx, err := regexp.Compile(expr)
	if err != nil {
		return fmt.Errorf("bad pattern %q: %w", pat, err)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = patternOp(v, rx, mode, rep)
	}
	return assignArray(ctx, tmp, out)
}

// patternOp applies one pattern operation of bash to v; rx matches an
// entire string.
func patternOp(v string, rx *regexp.Regexp, mode, rep string) string {
	n := len(v)
	switch mode {
	case "#": // longest matching prefix replaced
		for i := n; i >= 0; i-- {
			if rx.MatchString(v[:i]) {
				return rep + v[i:]
			}
		}
	case "%": // longest matching suffix replaced
		for i := 0; i <= n; i++ {
			if rx.MatchString(v[i:]) {
				return v[:i] + rep
			}
		}
	case "#r":
		for i := 0; i <= n; i++ {
			if rx.MatchString(v[:i]) {
				return v[i:]
			}
		}
	case "##r":
		for i := n; i >= 0; i-- {
			if rx.MatchString(v[:i]) {
				return v[i:]
			}
		}
	case "%r":
		for i := n; i >= 0; i-- {
			if rx.MatchString(v[i:]) {
				return v[:i]
			}
		}
	case "%%r":
		for i := 0; i <= n; i++ {
			if rx.MatchString(v[i:]) {
				return v[:i]
			}
		}
	case "/", "//":
		var b strings.Builder
		i := 0
		for i < n {
			j := n
			for ; j > i; j-- {
				if rx.MatchString(v[i:j]) {
					break
				}
			}
			if j == i {
				b.WriteByte(v[i])
				i++
				continue
			}
			b.WriteString(rep)
			i = j
			if mode == "/" {
				b.WriteString(v[i:])
				return b.String()
			}
		}
		return b.String()
	}
	return v
}

func indexLit(e syntax.ArithmExpr) string {
	if w, ok := e.(*syntax.Word); ok {
		return w.Lit()
	}
	return ""
}

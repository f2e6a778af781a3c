package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// MatchCommand matches its first argument against the glob patterns that
// follow: MatchCommand VALUE PATTERN.... mvdan compiles a regular
// expression for every case pattern and [[ == ]] it evaluates; eclasses
// run `case ${EAPI} in` in every ebuild, so case statements with literal
// patterns become if chains of MatchCommand, whose matchers the evaluator
// caches.
const MatchCommand = "__buckos_match"

// rewriteCase turns `case W in p1|p2) A;; p3) B;; esac` with literal
// patterns into `if MatchCommand "W" p1 p2; then A; elif ...; fi`.
//
// Items ending in ;& (fall through) form a group with the items they fall
// into: `p1) A;& p2) B;; esac` becomes `if MatchCommand "W" p1 p2; then
// if MatchCommand "W" p1; then A; fi; B; fi`: A runs when the match was
// p1, B when it was either. The patterns of such groups must be literal,
// since they are expanded more than once.
func rewriteCase(st *syntax.Stmt) {
	cc, ok := st.Cmd.(*syntax.CaseClause)
	if !ok || len(cc.Items) == 0 {
		return
	}
	subject, ok := quotedWord(cc.Word)
	if !ok {
		return
	}
	// groups holds the index of the last item of each group.
	var groups []int
	for i, it := range cc.Items {
		op := it.Op
		if !it.OpPos.IsValid() || i == len(cc.Items)-1 && op == syntax.Fallthrough {
			op = syntax.Break // nothing to fall into
		}
		switch op {
		case syntax.Break:
			groups = append(groups, i)
		case syntax.Fallthrough:
		default:
			return // ;;& and ;| test the next patterns
		}
		for _, w := range it.Patterns {
			if _, ok := patternArg(w); !ok {
				return
			}
		}
	}
	// patterns returns fresh argument words for the patterns of items
	// [from, to].
	patterns := func(from, to int) []*syntax.Word {
		args := []*syntax.Word{word(posLit(MatchCommand, cc.Items[from].Pos())), subject}
		for _, it := range cc.Items[from : to+1] {
			for _, w := range it.Patterns {
				p, _ := patternArg(w)
				args = append(args, p)
			}
		}
		return args
	}
	var first, prev *syntax.IfClause
	from := 0
	for _, last := range groups {
		if last > from {
			for i := from; i <= last; i++ {
				if !literalPatterns(cc.Items[i].Patterns) {
					return
				}
			}
		}
		it := cc.Items[from]
		then := cc.Items[last].Stmts
		if last > from {
			then = nil
			for i := from; i < last; i++ {
				pos := cc.Items[i].Pos()
				then = append(then, &syntax.Stmt{Position: pos, Cmd: &syntax.IfClause{
					Position: pos,
					Cond:     []*syntax.Stmt{{Position: pos, Cmd: &syntax.CallExpr{Args: patterns(from, i)}}},
					Then:     cc.Items[i].Stmts,
				}})
			}
			then = append(then, cc.Items[last].Stmts...)
		}
		ic := &syntax.IfClause{
			Position: it.Pos(),
			Cond:     []*syntax.Stmt{{Position: it.Pos(), Cmd: &syntax.CallExpr{Args: patterns(from, last)}}},
			Then:     then,
		}
		if prev == nil {
			first = ic
		} else {
			prev.Else = ic
		}
		prev = ic
		from = last + 1
	}
	st.Cmd = first
}

// literalPatterns reports whether case patterns hold no expansions.
func literalPatterns(ws []*syntax.Word) bool {
	for _, w := range ws {
		for _, p := range w.Parts {
			switch p := p.(type) {
			case *syntax.Lit, *syntax.SglQuoted:
			case *syntax.DblQuoted:
				if _, ok := literalValue(&syntax.Word{Parts: []syntax.WordPart{p}}); !ok {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

// rewriteMatchTest turns [[ X == lit ]] and [[ X != lit ]], whose right
// side has no pattern characters, into [ "X" == lit ], a plain string
// comparison that needs no regular expression.
func rewriteMatchTest(st *syntax.Stmt) {
	tc, ok := st.Cmd.(*syntax.TestClause)
	if !ok {
		return
	}
	bt, ok := tc.X.(*syntax.BinaryTest)
	if !ok || (bt.Op != syntax.TsMatch && bt.Op != syntax.TsNoMatch && bt.Op != syntax.TsMatchShort) {
		return
	}
	x, ok := bt.X.(*syntax.Word)
	if !ok {
		return
	}
	y, ok := bt.Y.(*syntax.Word)
	if !ok {
		return
	}
	left, ok := quotedWord(x)
	if !ok {
		return
	}
	right, ok := literalValue(y)
	if !ok || strings.ContainsAny(right, "*?[\\") {
		// An unquoted literal pattern: match it with a cached matcher.
		if pat, ok := litOnly(y); ok && bt.Op != syntax.TsMatchShort {
			st.Cmd = &syntax.CallExpr{Args: []*syntax.Word{
				word(posLit(MatchCommand, tc.Pos())), left, word(&syntax.SglQuoted{Value: pat}),
			}}
			if bt.Op == syntax.TsNoMatch {
				st.Negated = !st.Negated
			}
		}
		return
	}
	op := "=="
	if bt.Op == syntax.TsNoMatch {
		op = "!="
	}
	st.Cmd = &syntax.CallExpr{Args: []*syntax.Word{
		word(posLit("[", tc.Pos())), left, word(lit(op)), word(&syntax.SglQuoted{Value: right}), word(lit("]")),
	}}
}

// quotedWord returns w double-quoted (no splitting, no globbing), if its
// parts allow it.
func quotedWord(w *syntax.Word) (*syntax.Word, bool) {
	var parts []syntax.WordPart
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(p.Value, "\\\"$`") {
				return nil, false
			}
			parts = append(parts, p)
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp:
			parts = append(parts, p)
		case *syntax.DblQuoted:
			parts = append(parts, p.Parts...)
		default:
			return nil, false
		}
	}
	return word(&syntax.DblQuoted{Parts: parts}), true
}

// patternArg returns a word that, as a command argument, expands to the
// pattern w stands for in a case item: literals as they are (quoted
// ones only without pattern characters, which quoting would disable) and
// unquoted expansions, whose values are patterns too.
func patternArg(w *syntax.Word) (*syntax.Word, bool) {
	var parts []syntax.WordPart
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			parts = append(parts, &syntax.SglQuoted{Value: p.Value})
		case *syntax.SglQuoted:
			if p.Dollar || strings.ContainsAny(p.Value, "*?[]\\") {
				return nil, false
			}
			parts = append(parts, p)
		case *syntax.DblQuoted:
			v, ok := literalValue(&syntax.Word{Parts: []syntax.WordPart{p}})
			if !ok || strings.ContainsAny(v, "*?[]\\") {
				return nil, false
			}
			parts = append(parts, &syntax.SglQuoted{Value: v})
		case *syntax.ParamExp, *syntax.CmdSubst:
			parts = append(parts, &syntax.DblQuoted{Parts: []syntax.WordPart{p}})
		default:
			return nil, false
		}
	}
	return &syntax.Word{Parts: parts}, true
}

// litOnly returns the value of a word made of unquoted literals only.
func litOnly(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		l, ok := p.(*syntax.Lit)
		if !ok {
			return "", false
		}
		b.WriteString(l.Value)
	}
	return b.String(), true
}

// literalValue returns the value of a word without expansions, after
// quote removal.
func literalValue(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		case *syntax.SglQuoted:
			if p.Dollar {
				return "", false
			}
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok || strings.ContainsAny(l.Value, "\\") {
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

package shell

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Backslashes in the word of an unquoted ${x:-word}, ${x:+word} (and the
// =, ? forms): bash removes them like quotes (${iuse:+\ } is a space),
// mvdan/sh keeps them (a backslash and a space). Inside double quotes
// both keep a backslash before a space. unescapeExpWords rewrites each
// escaped character of such a word in unquoted context as a single-quoted
// one, which mvdan/sh reads as bash does (and which keeps an escaped * from
// globbing).

// unescapeExpWords rewrites the words of w's unquoted parameter expansions,
// and notes every such word in seen, so that the walk, which visits them as
// words of their own, does not take a quoted one for unquoted.
func unescapeExpWords(w *syntax.Word, seen map[*syntax.Word]bool) {
	if seen[w] {
		return
	}
	unescapeParts(w.Parts, false, seen)
}

func unescapeParts(parts []syntax.WordPart, quoted bool, seen map[*syntax.Word]bool) {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.DblQuoted:
			unescapeParts(p.Parts, true, seen)
		case *syntax.ParamExp:
			if p.Exp == nil || p.Exp.Word == nil || !defaultingOp(p.Exp.Op) {
				continue
			}
			seen[p.Exp.Word] = true
			if !quoted {
				p.Exp.Word.Parts = unescapeLits(p.Exp.Word.Parts)
			}
			unescapeParts(p.Exp.Word.Parts, quoted, seen)
		}
	}
}

// defaultingOp reports whether op is one of -, :-, +, :+, =, :=, ?, :?.
func defaultingOp(op syntax.ParExpOperator) bool {
	switch op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AlternateUnset, syntax.AlternateUnsetOrNull,
		syntax.AssignUnset, syntax.AssignUnsetOrNull, syntax.ErrorUnset, syntax.ErrorUnsetOrNull:
		return true
	}
	return false
}

// unescapeLits splits literal parts at backslash escapes: `a\ b` becomes
// a, ' ', b; an escaped newline (a line continuation) goes.
func unescapeLits(parts []syntax.WordPart) []syntax.WordPart {
	var out []syntax.WordPart
	changed := false
	for _, p := range parts {
		l, ok := p.(*syntax.Lit)
		if !ok || !strings.Contains(l.Value, `\`) {
			out = append(out, p)
			continue
		}
		changed = true
		v := l.Value
		var cur strings.Builder
		flush := func() {
			if cur.Len() > 0 {
				out = append(out, &syntax.Lit{ValuePos: l.ValuePos, ValueEnd: l.ValueEnd, Value: cur.String()})
				cur.Reset()
			}
		}
		for i := 0; i < len(v); i++ {
			if v[i] != '\\' || i+1 == len(v) {
				cur.WriteByte(v[i])
				continue
			}
			i++
			switch c := v[i]; c {
			case '\n':
			case '\'':
				flush()
				out = append(out, &syntax.DblQuoted{Parts: []syntax.WordPart{&syntax.Lit{Value: "'"}}})
			default:
				flush()
				out = append(out, &syntax.SglQuoted{Value: string(c)})
			}
		}
		flush()
	}
	if !changed {
		return parts
	}
	return out
}

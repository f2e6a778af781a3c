package shell

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// DeferredCommand stands for a function body that ParseOptions.DeferBodies
// left unparsed; File.Prepare parses the body before the function runs.
const DeferredCommand = "__buckos_deferred"

// deferredBody is the text of one top-level function whose body parsing
// was put off: the lines from its head to its closing brace.
type deferredBody struct {
	name string
	line int // 1-based line of the head
	text string
}

// deferBodies finds the top-level functions written the usual way (head
// `name() {` at column 0, closing brace alone at column 0) and returns src
// with each body blanked out but for a DeferredCommand call, line numbers
// unchanged. A wrong guess at a function's extent leaves unbalanced code
// behind, which fails to parse: the caller then parses the whole source
// instead. Strings and here-documents may hold a closing brace at column
// 0, so bodyEnd follows them.
func deferBodies(src []byte) ([]byte, []deferredBody) {
	lines := splitLines(src)
	var deferred []deferredBody
	for i := 0; i < len(lines); i++ {
		name, ok := simpleFuncHead(lines[i])
		if !ok {
			continue
		}
		end := bodyEnd(lines, i)
		if end < 0 {
			// Where this body ends is unknown, so is what follows:
			// a head further down may be text of a here-document.
			break
		}
		if end < i+2 {
			continue
		}
		deferred = append(deferred, deferredBody{name: name, line: i + 1, text: strings.Join(lines[i:end+1], "\n")})
		lines[i+1] = DeferredCommand + " " + strconv.Itoa(len(deferred)-1)
		for j := i + 2; j < end; j++ {
			lines[j] = ""
		}
		i = end
	}
	if len(deferred) == 0 {
		return src, nil
	}
	return joinLines(lines), deferred
}

// simpleFuncHead matches the usual head of a top-level function, `name()
// {` at column 0 with nothing but blanks and a comment after the brace,
// and returns the name. (A byte scan: a regular expression on every line
// of every ebuild showed in profiles.) Other forms are parsed at once.
func simpleFuncHead(l string) (string, bool) {
	i := 0
	for i < len(l) && (l[i] == '_' || l[i] >= 'a' && l[i] <= 'z' || l[i] >= 'A' && l[i] <= 'Z' ||
		i > 0 && (l[i] >= '0' && l[i] <= '9' || l[i] == '-' || l[i] == '.' || l[i] == '+' || l[i] == ':')) {
		i++
	}
	name, rest := l[:i], strings.TrimLeft(l[i:], " \t")
	if name == "" || name == "function" {
		return "", false
	}
	rest, ok := strings.CutPrefix(rest, "()")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutPrefix(strings.TrimLeft(rest, " \t"), "{")
	if !ok {
		return "", false
	}
	if rest = strings.TrimLeft(rest, " \t"); rest != "" && rest[0] != '#' {
		return "", false
	}
	return name, true
}

// bodyEnd returns the line of the closing brace of the function whose
// head is line i, skipping the text of its strings and here-documents, or
// -1 where it is not sure: a here-document operator it does not fully
// recognise, one without its end, a closing brace inside what looks like
// a quoted string (a string over several lines may hold a whole function,
// as auto-fu-zsh's ebuilds print an example zshrc), a function head inside
// a here-document. Guessing too short a body fails the parse (the caller
// then parses the whole file), but too long a body would hide the code
// after it, so every doubt gives up.
func bodyEnd(lines []string, i int) int {
	var q quoteState
	var pending []heredoc
	for j := i + 1; j < len(lines); j++ {
		l := lines[j]
		if len(pending) > 0 {
			if _, head := simpleFuncHead(l); head {
				return -1
			}
			body := l
			if pending[0].dash {
				body = strings.TrimLeft(l, "\t")
			}
			if body == pending[0].delim {
				pending = pending[1:]
			}
			continue
		}
		if strings.TrimRight(l, " \t") == "}" {
			if q.open() {
				return -1
			}
			return j
		}
		hs, ok := q.scan(l)
		if !ok {
			return -1
		}
		pending = hs
	}
	return -1
}

// heredoc is a here-document whose text comes next.
type heredoc struct {
	delim string
	dash  bool // <<-: leading tabs are stripped
}

// quoteState follows single, double and $'...' quotes across lines.
type quoteState struct{ single, double, ansi bool }

func (q *quoteState) open() bool { return q.single || q.double || q.ansi }

// scan reads one line of shell code and returns the here-documents it
// starts. It gives up (false) on a here-document operator whose delimiter
// is not a plain or quoted word, and on any on a line that may be
// arithmetic, where << shifts.
func (q *quoteState) scan(l string) ([]heredoc, bool) {
	var hs []heredoc
	for k := 0; k < len(l); k++ {
		c := l[k]
		switch {
		case q.single:
			if c == '\'' {
				q.single = false
			}
		case q.ansi && c == '\\':
			k++
		case q.ansi:
			if c == '\'' {
				q.ansi = false
			}
		case c == '\\':
			k++
		case q.double:
			if c == '"' {
				q.double = false
			}
		case c == '\'' && k > 0 && l[k-1] == '$':
			q.ansi = true
		case c == '\'':
			q.single = true
		case c == '"':
			q.double = true
		case c == '#' && (k == 0 || l[k-1] == ' ' || l[k-1] == '\t'):
			return hs, true
		case c == '<' && strings.HasPrefix(l[k:], "<<<"):
			k += 2
		case c == '<' && strings.HasPrefix(l[k:], "<<"):
			if strings.Contains(l, "((") || strings.Contains(l, "$[") {
				return nil, false
			}
			h, n, ok := heredocOp(l[k+2:])
			if !ok {
				return nil, false
			}
			hs = append(hs, h)
			k += 1 + n
		}
	}
	return hs, true
}

// heredocOp reads what follows << : an optional -, blanks, and the
// delimiter, a word of letters, digits and _ that may be quoted whole or
// escaped. It returns the bytes read.
func heredocOp(s string) (heredoc, int, bool) {
	var h heredoc
	k := 0
	if k < len(s) && s[k] == '-' {
		h.dash = true
		k++
	}
	for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	var close byte
	switch {
	case k < len(s) && (s[k] == '\'' || s[k] == '"'):
		close = s[k]
		k++
	case k < len(s) && s[k] == '\\':
		k++
	}
	start := k
	for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
		k++
	}
	h.delim = s[start:k]
	if h.delim == "" {
		return h, 0, false
	}
	if close != 0 {
		if k >= len(s) || s[k] != close {
			return h, 0, false
		}
		k++
	}
	if k < len(s) && s[k] != ' ' && s[k] != '\t' && s[k] != ';' && s[k] != '|' && s[k] != '&' && s[k] != '>' && s[k] != ')' {
		return h, 0, false
	}
	return h, k, true
}

// bodiesDeclareAssoc reports whether any deferred body may declare an
// associative or integer variable.
func bodiesDeclareAssoc(bodies []deferredBody) bool {
	for _, d := range bodies {
		if declaresAssocOrInt([]byte(d.text)) {
			return true
		}
	}
	return false
}

// deferredIndex reports whether body is a DeferredCommand placeholder, and
// which.
func deferredIndex(body *syntax.Stmt) (int, bool) {
	b, ok := body.Cmd.(*syntax.Block)
	if !ok || len(b.Stmts) != 1 {
		return 0, false
	}
	c, ok := b.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) != 2 || c.Args[0].Lit() != DeferredCommand {
		return 0, false
	}
	k, err := strconv.Atoi(c.Args[1].Lit())
	return k, err == nil
}

// parseDeferred parses the text of deferred body k, placed at its lines,
// and returns the function's body. The text must be exactly one
// declaration of the function.
func (f *File) parseDeferred(k int, name string) (*syntax.Stmt, error) {
	if k < 0 || k >= len(f.deferred) || f.deferred[k].name != name {
		return nil, fmt.Errorf("%s: internal: no deferred body %d for %s", f.Name, k, name)
	}
	d := f.deferred[k]
	src := strings.Repeat("\n", d.line-1) + d.text + "\n"
	ast, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader([]byte(src)), f.Name)
	if err != nil {
		if pos, text, ok := errorPos(err); ok {
			return nil, fmt.Errorf("%s:%d: function %s cannot be parsed: %s", f.Name, pos.Line(), name, text)
		}
		return nil, fmt.Errorf("%s: function %s cannot be parsed: %w", f.Name, name, err)
	}
	if len(ast.Stmts) != 1 {
		return nil, fmt.Errorf("%s:%d: internal: the text taken for function %s holds %d statements", f.Name, d.line, name, len(ast.Stmts))
	}
	fd, ok := ast.Stmts[0].Cmd.(*syntax.FuncDecl)
	if !ok || fd.Name == nil || fd.Name.Value != name || fd.Body == nil {
		return nil, fmt.Errorf("%s:%d: internal: the text taken for function %s is not its declaration", f.Name, d.line, name)
	}
	return fd.Body, nil
}

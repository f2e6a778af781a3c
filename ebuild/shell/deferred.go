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
// `name() {` at column 0, closing brace alone at column 0, no here-document
// in between) and returns src with each body blanked out but for a
// DeferredCommand call, line numbers unchanged. A wrong guess at a
// function's extent leaves unbalanced code behind, which fails to parse:
// the caller then parses the whole source instead.
func deferBodies(src []byte) ([]byte, []deferredBody) {
	lines := splitLines(src)
	var deferred []deferredBody
	for i := 0; i < len(lines); i++ {
		name, ok := simpleFuncHead(lines[i])
		if !ok {
			continue
		}
		end := -1
		for j := i + 1; j < len(lines); j++ {
			if strings.TrimRight(lines[j], " \t") == "}" {
				end = j
				break
			}
		}
		if end < i+2 || hasHeredoc(lines[i+1:end]) {
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

func hasHeredoc(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, "<<") {
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

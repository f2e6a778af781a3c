package model

import (
	"fmt"
	"sort"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/syntax"
)

// Diagnostic is one problem found in a file, reported as FILE:LINE: message.
type Diagnostic struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Msg  string `json:"message"`
}

func (d Diagnostic) String() string {
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Msg)
	}
	return d.File + ": " + d.Msg
}

// SortDiagnostics orders diagnostics by file, line and message.
func SortDiagnostics(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Msg < b.Msg
	})
}

// fileOptions is the go.starlark.net dialect of every file: no set(), no
// while, no top-level control flow, no global reassignment, no recursion.
var fileOptions = syntax.FileOptions{}

// scanSource finds the constructs that Buck2 accepts but go.starlark.net
// does not parse (f-strings and type annotations), so that the user gets a
// message naming the construct instead of a parse error.
func scanSource(file string, src []byte) []Diagnostic {
	var diags []Diagnostic
	add := func(line int, msg string) { diags = append(diags, Diagnostic{file, line, msg}) }
	s := string(src)
	line := 1
	depth := 0
	// def parameter list tracking: defDepth is the bracket depth of the
	// parameter list of the def being scanned (0 when none), lambdaColons
	// counts lambda colons to skip inside it.
	defDepth, lambdas := 0, 0
	pendingDef := false
	afterDefParams := false
	lineStart := true
	isIdent := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
			if depth == 0 {
				lineStart = true
			}
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\\':
			i++
			continue
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			continue
		case c == '"' || c == '\'':
			i = skipString(s, i, &line)
			lineStart = false
			afterDefParams = false
			continue
		case isIdent(c):
			j := i
			for j < len(s) && isIdent(s[j]) {
				j++
			}
			word := s[i:j]
			if j < len(s) && (s[j] == '"' || s[j] == '\'') {
				lw := strings.ToLower(word)
				if strings.Contains(lw, "f") && (lw == "f" || lw == "rf" || lw == "fr") {
					add(line, "f-strings are not supported: go.starlark.net cannot parse them; use \"...\".format() or %")
				}
				i = j
				lineStart = false
				continue
			}
			if lineStart && depth == 0 && !keywords[word] {
				k := j
				for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
					k++
				}
				if k < len(s) && s[k] == ':' {
					add(line, fmt.Sprintf("type annotation on %q is not supported: go.starlark.net cannot parse annotations; remove it", word))
				}
			}
			if word == "def" {
				pendingDef = true
			}
			if word == "lambda" && defDepth > 0 {
				lambdas++
			}
			lineStart = false
			afterDefParams = false
			i = j
			continue
		}
		lineStart = false
		switch c {
		case '(', '[', '{':
			depth++
			if c == '(' && pendingDef {
				defDepth = depth
				pendingDef = false
			}
		case ')', ']', '}':
			if c == ')' && defDepth == depth && defDepth > 0 {
				defDepth, lambdas = 0, 0
				afterDefParams = true
				depth--
				i++
				continue
			}
			depth--
		case ':':
			if defDepth > 0 && depth == defDepth {
				if lambdas > 0 {
					lambdas--
				} else {
					add(line, "type annotation on a parameter is not supported: go.starlark.net cannot parse annotations; remove it")
				}
			}
		case '-':
			if afterDefParams && i+1 < len(s) && s[i+1] == '>' {
				add(line, "return type annotation (->) is not supported: go.starlark.net cannot parse annotations; remove it")
			}
		}
		afterDefParams = false
		i++
	}
	return diags
}

var keywords = map[string]bool{
	"else": true, "try": true, "finally": true, "lambda": true, "if": true, "elif": true,
	"for": true, "while": true, "def": true, "return": true, "pass": true, "break": true,
	"continue": true, "load": true, "not": true, "and": true, "or": true, "in": true,
}

// skipString returns the index after the string literal starting at i.
func skipString(s string, i int, line *int) int {
	q := s[i]
	triple := strings.HasPrefix(s[i:], strings.Repeat(string(q), 3))
	if triple {
		end := strings.Index(s[i+3:], strings.Repeat(string(q), 3))
		if end < 0 {
			*line += strings.Count(s[i:], "\n")
			return len(s)
		}
		*line += strings.Count(s[i:i+3+end], "\n")
		return i + 3 + end + 3
	}
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(s)
}

// checkStatements enforces the statement rules of the two file kinds.
// BUCK files hold only load() and expression statements (calls); .bzl files
// may define functions but have no top-level if/for, and no file has while.
func checkStatements(file string, f *syntax.File, buck bool) []Diagnostic {
	var diags []Diagnostic
	add := func(pos syntax.Position, msg string) {
		diags = append(diags, Diagnostic{file, int(pos.Line), msg})
	}
	for _, stmt := range f.Stmts {
		pos, _ := stmt.Span()
		switch st := stmt.(type) {
		case *syntax.LoadStmt:
		case *syntax.ExprStmt:
		case *syntax.DefStmt:
			if buck {
				add(pos, "def is not allowed in a BUCK file (Buck2: \"`def` is not allowed in this dialect\"); define functions in a .bzl file and load() them")
			}
		case *syntax.IfStmt:
			add(pos, topLevel("if", buck))
		case *syntax.ForStmt:
			add(pos, topLevel("for", buck))
		case *syntax.WhileStmt:
			add(pos, "while loops are not allowed (Buck2: \"cannot use reserved keyword `while`\"; go.starlark.net rejects them too); use for over range()")
		case *syntax.AssignStmt:
			if buck {
				add(pos, "assignments are not allowed in a BUCK file: BuckOS BUCK files hold only load() and calls")
			}
		default:
			if buck {
				add(pos, fmt.Sprintf("%T is not allowed in a BUCK file: only load() and calls", st))
			}
		}
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if d, ok := n.(*syntax.DotExpr); ok && goOnlyStringMethods[d.Name.Name] {
			pos, _ := d.Name.Span()
			add(pos, fmt.Sprintf("%s() is a go.starlark.net string method that Buck2's Starlark does not have", d.Name.Name))
		}
		if w, ok := n.(*syntax.WhileStmt); ok && !isTopLevel(f, w) {
			pos, _ := w.Span()
			add(pos, "while loops are not allowed (Buck2: \"cannot use reserved keyword `while`\"; go.starlark.net rejects them too); use for over range()")
		}
		return true
	})
	return diags
}

// goOnlyStringMethods are string methods go.starlark.net has and
// starlark-rust (Buck2) does not.
var goOnlyStringMethods = map[string]bool{"elem_ords": true, "codepoint_ords": true}

func isTopLevel(f *syntax.File, s syntax.Stmt) bool {
	for _, t := range f.Stmts {
		if t == s {
			return true
		}
	}
	return false
}

func topLevel(kw string, buck bool) string {
	if buck {
		return fmt.Sprintf("top-level %s is not allowed in a BUCK file (Buck2: \"`%s` cannot be used outside `def` in this dialect\"); move the logic into a .bzl macro", kw, kw)
	}
	return fmt.Sprintf("top-level %s is not allowed in a .bzl file (go.starlark.net rejects it); put it inside a function", kw)
}

// resolveDiagnostics turns go.starlark.net parse and resolve errors into
// diagnostics, saying which names the model does not know.
func resolveDiagnostics(file string, err error) []Diagnostic {
	var diags []Diagnostic
	switch e := err.(type) {
	case resolve.ErrorList:
		for _, r := range e {
			msg := r.Msg
			if strings.Contains(msg, "does not support sets") {
				msg = "set() is not allowed (go.starlark.net only has it behind an option); use a dict with True values"
			}
			if strings.HasPrefix(msg, "undefined: ") {
				msg += " (not a Buck2 builtin, or not modelled by ebuild2buck check)"
			}
			diags = append(diags, Diagnostic{file, int(r.Pos.Line), msg})
		}
	case syntax.Error:
		msg := "syntax error: " + e.Msg
		if strings.Contains(e.Msg, "non-ASCII octal escape") || strings.Contains(e.Msg, "non-ASCII hex escape") {
			msg += "; Buck2 would read the escape as one code point, not a UTF-8 byte: write the text itself"
		}
		diags = append(diags, Diagnostic{file, int(e.Pos.Line), msg})
	default:
		diags = append(diags, Diagnostic{file, 0, err.Error()})
	}
	return diags
}

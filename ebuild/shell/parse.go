// Package shell bridges the gaps between mvdan.cc/sh/v3 and the bash that
// Portage sources ebuilds with, without forking mvdan: tolerant parsing
// (phase functions that mvdan cannot parse are stubbed), syntax-tree
// rewrites for declare flags mvdan lacks, FUNCNAME and BASH_SOURCE
// tracking, and runtime helpers for printf -v and declare -F.
package shell

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// Func is the source of one function as written in its file.
type Func struct {
	Name   string
	Source string // printed by syntax.Printer, or the raw text when stubbed; "" under ParseOptions.NoSource
	Line   int
	Stub   bool // the body could not be parsed and was replaced by a stub
}

// File is a parsed script ready to run: its syntax tree is rewritten for
// the interpreter's gaps and must be treated as read-only once returned, so
// that many runners can share it.
type File struct {
	Name string
	AST  *syntax.File
	// Funcs maps the body of every function declaration in the file (the
	// pointer the interpreter stores in Runner.Funcs) to its source.
	Funcs map[*syntax.Stmt]Func
	// Warnings records what tolerant parsing did.
	Warnings []string
	// AssocOrder lists, for associative arrays declared with a literal
	// value, the keys in declaration (insertion) order.
	AssocOrder map[string][]string

	id           uint64 // distinguishes helper variables of different files
	patsubs      int
	assoc        map[string]bool // names declared associative in this file
	redirChecked map[*syntax.Stmt]bool

	lazyMu   sync.RWMutex
	pending  map[*syntax.Stmt]string // function bodies Prepare has to rewrite, and their names
	deferred []deferredBody          // function bodies Prepare has to parse first
}

// UnparsedCommand is the command a stubbed function body runs. The
// evaluator must make it fail loudly, so that stubbing never hides code
// that global scope executes.
const UnparsedCommand = "__buckos_unparsed"

// maxStubs bounds how many functions tolerant parsing may stub in a file.
const maxStubs = 16

var funcHead = regexp.MustCompile(`^(?:function[ \t]+)?([A-Za-z_][A-Za-z0-9_:.+-]*)[ \t]*(?:\([ \t]*\))?[ \t]*\{?[ \t]*(?:#.*)?$`)

// Parse parses src (named name in positions and messages) as bash.
//
// When mvdan cannot parse it, the top-level function that contains the
// error is replaced by a stub that keeps the function defined (so
// DEFINED_PHASES stays right) but fails when called, and parsing is
// retried; a warning records each stub. An error outside any top-level
// function is returned as is.
func Parse(src []byte, name string) (*File, error) {
	return ParseWith(src, name, ParseOptions{})
}

// ParseOptions tunes Parse.
type ParseOptions struct {
	// NoSource leaves Func.Source empty for functions that parsed (stubs
	// keep their raw text): printing every function body is a sizeable
	// part of parsing, wasted when only the md5-cache keys are wanted.
	NoSource bool
	// Lazy leaves function bodies unrewritten until File.Prepare, which
	// the caller must call before a function runs: most of an ebuild's
	// text is phase functions that global scope never calls.
	Lazy bool
	// DeferBodies (with Lazy and NoSource) does not even parse the bodies
	// of top-level functions written the usual way until File.Prepare:
	// parsing them was the largest part of parsing an ebuild. A body that
	// cannot be parsed then fails in Prepare instead of being stubbed.
	DeferBodies bool
}

// ParseWith is Parse with options.
func ParseWith(src []byte, name string, opts ParseOptions) (*File, error) {
	// lines is the source split for stubbing, once the first parse failed.
	var lines []string
	stubs := map[int]stubInfo{} // first line (1-based) -> stub
	var warnings []string
	// One look at the text decides whether bodies may wait (for stubbed
	// retries too: stubbing only removes declarations).
	assocOrInt := declaresAssocOrInt(src)
	lazy := opts.Lazy && !assocOrInt
	// A file with associative arrays may still defer bodies that declare
	// none, if it declares no integer variable (whose assignments in any
	// body the rewrite must know): the rest is rewritten at once.
	if opts.DeferBodies && opts.Lazy && opts.NoSource && (lazy || !declaresInt(src)) {
		if reduced, deferred := deferBodies(src); deferred != nil && (lazy || !bodiesDeclareAssoc(deferred)) {
			ast, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(reduced), name)
			if err == nil {
				f := &File{Name: name, AST: ast, Funcs: map[*syntax.Stmt]Func{}, id: fnv64(name), deferred: deferred}
				f.rewrite(reduced, stubs, true, lazy, !lazy)
				return f, nil
			}
			// A function's extent was guessed wrong: parse it all.
		}
	}
	for cur := src; ; cur = joinLines(lines) {
		ast, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(cur), name)
		if err == nil {
			f := &File{Name: name, AST: ast, Funcs: map[*syntax.Stmt]Func{}, Warnings: warnings, id: fnv64(name)}
			f.rewrite(cur, stubs, opts.NoSource, lazy, false)
			return f, nil
		}
		pos, text, ok := errorPos(err)
		if !ok || len(stubs) >= maxStubs {
			return nil, err
		}
		if lines == nil {
			lines = splitLines(src)
		}
		if l := int(pos.Line()) - 1; l < len(lines) && quoteArrayKey(lines, l) {
			warnings = append(warnings, fmt.Sprintf("%s:%d: array key quoted: mvdan parses it as arithmetic: %s", name, l+1, text))
			continue
		}
		start, end, fname, ok := enclosingFunc(lines, int(pos.Line()))
		if !ok {
			return nil, err
		}
		orig := strings.Join(lines[start:end+1], "\n")
		msg := fmt.Sprintf("%s:%d: %s", name, pos.Line(), text)
		lines[start] = fmt.Sprintf("%s() { %s %s; }", fname, UnparsedCommand, Quote(msg))
		for i := start + 1; i <= end; i++ {
			lines[i] = ""
		}
		stubs[start+1] = stubInfo{name: fname, source: orig}
		warnings = append(warnings, fmt.Sprintf("%s:%d: function %s stubbed: mvdan cannot parse it: %s", name, start+1, fname, text))
	}
}

type stubInfo struct{ name, source string }

// enclosingFunc finds the top-level function (head at column 0, closing
// brace alone at column 0) around 1-based line errLine and returns its
// 0-based first and last line.
func enclosingFunc(lines []string, errLine int) (start, end int, name string, ok bool) {
	i := min(errLine-1, len(lines)-1)
	for ; i >= 0; i-- {
		l := lines[i]
		if l == "" || l[0] == ' ' || l[0] == '\t' || l[0] == '#' || l[0] == '}' {
			continue
		}
		m := funcHead.FindStringSubmatch(l)
		if m == nil || (!strings.Contains(l, "(") && !strings.HasPrefix(l, "function")) {
			continue // e.g. a multi-line string starting at column 0
		}
		name = m[1]
		break
	}
	if i < 0 {
		return 0, 0, "", false
	}
	for j := i + 1; j < len(lines); j++ {
		if strings.TrimRight(lines[j], " \t") == "}" {
			if j+1 < errLine {
				return 0, 0, "", false // the error lies after the function
			}
			return i, j, name, true
		}
	}
	return 0, 0, "", false
}

func splitLines(src []byte) []string { return strings.Split(string(src), "\n") }

func joinLines(lines []string) []byte { return []byte(strings.Join(lines, "\n")) }

// fnv64 hashes a file name into a short identifier.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h % 1000003
}

// errorPos extracts the position and text of a parse or language error.
func errorPos(err error) (syntax.Pos, string, bool) {
	var perr syntax.ParseError
	if errors.As(err, &perr) {
		return perr.Pos, perr.Text, true
	}
	var lerr syntax.LangError
	if errors.As(err, &lerr) {
		return lerr.Pos, lerr.Feature + " is not supported by the parser", true
	}
	return syntax.Pos{}, "", false
}

var arrayKey = regexp.MustCompile(`\[([A-Za-z0-9_+/:@-]*\.[A-Za-z0-9_.+/:@-]*)\]`)

// quoteArrayKey quotes associative array keys with a dot on line i, like
// [backports.tarfile]=MIT or ${A[vue.min]}, which mvdan parses as
// (floating point) arithmetic while bash takes them literally.
func quoteArrayKey(lines []string, i int) bool {
	l := lines[i]
	out := arrayKey.ReplaceAllString(l, `["$1"]`)
	if out == l {
		return false
	}
	lines[i] = out
	return true
}

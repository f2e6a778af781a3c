package source

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"buckos.dev/buckos/ebuild"
)

// Memoised eclass sourcing.
//
// Half of an evaluation's time goes to running eclass global scopes, and
// most top-level inherits run the same eclass on the same inputs (EAPI,
// PYTHON_COMPAT, the functions defined so far, ...). A top-level eclass is
// therefore sourced in a runner of its own whose variable reads and command
// lookups reach the caller's state through a recording layer (memorun.go):
// the inputs it actually read, in order, form a verifying trace, as build
// systems keep them. The trace and the effects (variables, functions, the
// inherit bookkeeping) go into a trie per eclass; a later inherit that finds
// the same values for the same inputs replays the effects instead of
// running the eclass. The interpreter is deterministic given its inputs, so
// equal inputs read in the same order give equal effects; whatever the
// recording layer cannot see (option changes, cd, listing all variables,
// $0, RANDOM, ...) either keeps the trace out of the trie or sources the
// eclass in place, exactly as without memoisation.

// memoInputKind says what a trace step read.
type memoInputKind byte

const (
	inVar       memoInputKind = 'v' // a variable of the caller's scopes
	inFunc      memoInputKind = 'f' // the function a command name named (nil if none)
	inInherited memoInputKind = 'i' // whether an eclass was in INHERITED already
	inLoaded    memoInputKind = 'l' // whether an eclass file was loaded already
	inAssoc     memoInputKind = 'a' // the declared key order of an associative array
)

// memoInput is one thing a sourcing read from its caller's state.
type memoInput struct {
	kind memoInputKind
	name string
}

// memoValue is what an input held: a comparable encoding of a variable,
// a function body (kept alive by the trie, so its address is never reused
// for another body) or a flag.
type memoValue struct {
	kind  byte
	flags byte
	s     string
	fn    *syntax.Stmt
}

type memoStep struct {
	in  memoInput
	val memoValue
}

// memoNode is a trie node: either the input to read next and the nodes
// for each value seen, or (at the end of a trace) the effects.
type memoNode struct {
	in   memoInput
	next map[memoValue]*memoNode
	out  *memoOut
}

// memoRoot is what every trace of one trie shares.
type memoRoot struct {
	path     string // the eclass file
	eapi     string
	lastArg  string // $_ when the eclass starts
	hasStubs bool
}

// memoOut are the effects of sourcing an eclass, replayed on a hit.
type memoOut struct {
	body        *syntax.Stmt            // the replay function: variables, then status
	funcs       map[string]*syntax.Stmt // functions defined (nil: removed)
	warnings    []string
	eclasses    []ebuild.Eclass
	inherited   []string
	loaded      []*eclassFile
	accum       []accumOp
	exportFuncs []string // EXPORT_FUNCTIONS of the eclass itself
	stderr      []byte
}

// accumOp is one value inherit added to an accumulated variable.
type accumOp struct{ name, val string }

// maxMemoAborts stops recording an eclass whose recordings keep being
// undone (it changes shell options, say): each costs a second run.
const maxMemoAborts = 2

// An eclass whose inputs differ for most packages (it reads PN, say)
// stops being recorded once minMemoRecorded recordings were replayed less
// than once per memoHitRatio recordings: a recording costs more than
// sourcing in place, which still replays the eclasses it inherits.
const (
	minMemoRecorded = 8
	memoHitRatio    = 4
)

// memoStore holds the tries of one Evaluator, shared by its evaluations.
type memoStore struct {
	mu    sync.RWMutex
	roots map[memoRoot]*memoTrie
	stats MemoStats
}

// memoTrie is the trie of one root and how well it serves.
type memoTrie struct {
	node     *memoNode
	hits     atomic.Int64
	recorded int // under memoStore.mu
	aborts   int
}

// MemoStats counts what memoisation did with top-level eclass sourcings.
type MemoStats struct {
	Hits     atomic.Int64 // replayed
	Recorded atomic.Int64 // run in a recording runner
	Undone   atomic.Int64 // recorded, undone and sourced in place
	InPlace  atomic.Int64 // sourced in place: too many different inputs or aborts
}

func newMemoStore() *memoStore {
	return &memoStore{roots: map[memoRoot]*memoTrie{}}
}

// trie returns the trie of root, made on first use.
func (m *memoStore) trie(root memoRoot) *memoTrie {
	m.mu.RLock()
	t := m.roots[root]
	m.mu.RUnlock()
	if t != nil {
		return t
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if t = m.roots[root]; t == nil {
		t = &memoTrie{node: &memoNode{}}
		m.roots[root] = t
	}
	return t
}

// wanted reports whether recording another trace in t is worth it.
func (m *memoStore) wanted(t *memoTrie) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if t.aborts >= maxMemoAborts {
		return false
	}
	return t.recorded < minMemoRecorded || t.hits.Load()*memoHitRatio >= int64(t.recorded)
}

// aborted counts a recording in t that was undone.
func (m *memoStore) aborted(t *memoTrie) {
	m.mu.Lock()
	t.aborts++
	m.mu.Unlock()
}

// lookup follows the trie of root, reading each input with read, and
// returns the effects of the trace whose values all match.
func (m *memoStore) lookup(t *memoTrie, read func(memoInput) memoValue) *memoOut {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := t.node
	for n != nil && n.out == nil {
		if n.next == nil {
			return nil
		}
		n = n.next[read(n.in)]
	}
	if n == nil {
		return nil
	}
	t.hits.Add(1)
	return n.out
}

// insert counts a recording in t and, unless tainted, adds its trace and
// effects. A trace that disagrees with the trie on which input comes next
// (which a deterministic interpreter never produces) is dropped.
func (m *memoStore) insert(t *memoTrie, steps []memoStep, out *memoOut, tainted bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t.recorded++
	if tainted {
		return
	}
	n := t.node
	for _, s := range steps {
		switch {
		case n.out != nil:
			return
		case n.next == nil:
			n.in, n.next = s.in, map[memoValue]*memoNode{}
		case n.in != s.in:
			return
		}
		child := n.next[s.val]
		if child == nil {
			child = &memoNode{}
			n.next[s.val] = child
		}
		n = child
	}
	if n.next == nil && n.out == nil {
		n.out = out
	}
}

// varValue encodes a variable, kind, attributes and value.
func varValue(v expand.Variable) memoValue {
	var flags byte
	if v.Set {
		flags |= 1
	}
	if v.Local {
		flags |= 2
	}
	if v.Exported {
		flags |= 4
	}
	if v.ReadOnly {
		flags |= 8
	}
	val := memoValue{kind: byte(v.Kind), flags: flags}
	switch v.Kind {
	case expand.Indexed:
		var b strings.Builder
		for i, s := range v.List {
			if v.Indexes != nil {
				b.WriteString(strconv.Itoa(v.Indexes[i]))
				b.WriteByte(1)
			}
			b.WriteString(s)
			b.WriteByte(0)
		}
		val.s = b.String()
	case expand.Associative:
		keys := make([]string, 0, len(v.Map))
		for k := range v.Map {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(k)
			b.WriteByte(1)
			b.WriteString(v.Map[k])
			b.WriteByte(0)
		}
		val.s = b.String()
	default:
		val.s = v.Str
	}
	return val
}

func boolValue(b bool) memoValue {
	if b {
		return memoValue{kind: 'b', flags: 1}
	}
	return memoValue{kind: 'b'}
}

// assocValue encodes a declared key order (nil: none declared).
func assocValue(order []string) memoValue {
	if order == nil {
		return memoValue{kind: 'a'}
	}
	return memoValue{kind: 'a', flags: 1, s: strings.Join(order, "\x00")}
}

// memoUnsafeParams are parameters the interpreter computes itself, so the
// recording layer never sees them read: the script name, process ids,
// random numbers, clocks, the directory stack and the caller's lines.
var memoUnsafeParams = map[string]bool{
	"0": true, "$": true, "!": true, "RANDOM": true, "SRANDOM": true, "BASHPID": true,
	"PPID": true, "DIRSTACK": true, "BASH_LINENO": true, "BASH_ARGV": true, "BASH_ARGC": true,
	"BASH_COMMAND": true, "SECONDS": true, "EPOCHSECONDS": true, "EPOCHREALTIME": true,
}

// memoUnsafeNode reports whether code reads what the recording layer does
// not see: one of memoUnsafeParams, or function bodies (declare -f and
// typeset -f print them from the function table directly). Nested function
// declarations are left out: each body is judged on its own, when called.
func memoUnsafeNode(node syntax.Node) bool {
	unsafe := false
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.FuncDecl:
			return false
		case *syntax.ParamExp:
			if n.Param != nil && memoUnsafeParams[n.Param.Value] {
				unsafe = true
			}
		case *syntax.DeclClause:
			for _, a := range n.Args {
				if a.Naked && a.Name == nil && a.Value != nil {
					if f := a.Value.Lit(); strings.HasPrefix(f, "-") && strings.Contains(f, "f") {
						unsafe = true
					}
				}
			}
		}
		return !unsafe
	})
	return unsafe
}

// memoUnsafeText is memoUnsafeNode for code eval runs: a coarse look at
// its text, as it is parsed only when it runs.
func memoUnsafeText(code string) bool {
	for _, w := range []string{"$0", "${0", "$$", "${$", "$!", "RANDOM", "SECONDS", "EPOCH", "BASHPID", "PPID", "DIRSTACK", "BASH_", "-f"} {
		if strings.Contains(code, w) {
			return true
		}
	}
	return false
}

// Stack sensitivity. Every instrumented function body starts by copying
// its caller's FUNCNAME and BASH_SOURCE arrays; a recording therefore reads
// its caller's call stack, which differs with every caller (an eclass
// inherited from another). Code that only looks at its own frames
// (${FUNCNAME}, ${FUNCNAME[0]}) cannot tell the caller's stack apart, so
// the stack becomes an input of a recording only when stack-sensitive
// code ran in it.

// stackVars are the call-stack arrays.
var stackVars = map[string]bool{"FUNCNAME": true, "BASH_SOURCE": true}

// stackSensitiveNode reports whether code can look past its own frame of
// the call stack: an element other than 0 of FUNCNAME or BASH_SOURCE, all
// of them, their length, the caller builtin, or the names in any other
// form (declare -p FUNCNAME, eval text). The copy every instrumented body
// starts with is not counted; nested function declarations are judged on
// their own.
func stackSensitiveNode(node syntax.Node) bool {
	sensitive := false
	params := map[*syntax.Lit]bool{}
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.FuncDecl:
			return false
		case *syntax.DeclClause:
			if isStackPrologue(n) {
				return false
			}
		case *syntax.ParamExp:
			if n.Param != nil && stackVars[n.Param.Value] {
				params[n.Param] = true
				idx := ""
				if n.Index != nil {
					if w, ok := n.Index.(*syntax.Word); ok {
						idx = w.Lit()
					} else {
						idx = "?"
					}
				}
				if n.Length || n.Width || n.Excl || n.Slice != nil || n.Names != 0 || (n.Index != nil && idx != "0") {
					sensitive = true
				}
			}
		case *syntax.Lit:
			if !params[n] && (strings.Contains(n.Value, "FUNCNAME") || strings.Contains(n.Value, "BASH_SOURCE")) {
				sensitive = true
			}
		case *syntax.CallExpr:
			if len(n.Args) > 0 && n.Args[0].Lit() == "caller" {
				sensitive = true
			}
		}
		return !sensitive
	})
	return sensitive
}

// isStackPrologue recognises the declaration shell.instrument puts first
// in a function body: local -a FUNCNAME=(...) BASH_SOURCE=(...).
func isStackPrologue(d *syntax.DeclClause) bool {
	return d.Variant != nil && d.Variant.Value == "local" && len(d.Args) == 3 &&
		d.Args[1].Name != nil && d.Args[1].Name.Value == "FUNCNAME" &&
		d.Args[2].Name != nil && d.Args[2].Name.Value == "BASH_SOURCE"
}

package source

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"buckos.dev/buckos/ebuild/shell"
)

// eclassFile is one parsed eclass, shared read-only between evaluations.
type eclassFile struct {
	name string
	path string
	md5  string
	file *shell.File
	// body is the whole eclass as a function body, so that sourcing it runs
	// in a function scope exactly like Portage's inherit sources it.
	body *syntax.Stmt
	// memoUnsafe: the eclass's own statements read what memoisation
	// cannot record (memo.go); its unsafe function bodies are in
	// fileCache.unsafe.
	memoUnsafe bool
	// stackSensitive: the eclass's own statements look past their frame
	// of the call stack (memo.go).
	stackSensitive bool
	// guard is the variable of the eclass's include guard, `if [[ -z
	// ${VAR} ]]; then ... fi` at top level, and guarded the bodies of
	// the functions declared inside it: while VAR is not empty, sourcing
	// the eclass again declares none of them.
	guard   string
	guarded map[*syntax.Stmt]bool
}

type cacheEntry struct {
	once sync.Once
	ec   *eclassFile
	err  error
}

// fileCache parses each eclass once and remembers where each eclass name
// was found.
type fileCache struct {
	dirs       []string
	keysOnly   bool // eclass function bodies are parsed when first called
	mu         sync.Mutex
	byPath     map[string]*cacheEntry
	found      map[string]string      // eclass name -> path ("" when absent)
	stubs      map[string]*shell.File // EXPORT_FUNCTIONS stub "phase\x00impl" -> parsed stub
	stubBodies map[*syntax.Stmt]shell.Func
	stubImpl   map[*syntax.Stmt]string // stub body -> the eclass function it calls

	ownersMu sync.RWMutex
	owners   map[*syntax.Stmt]*eclassFile // function body -> the eclass declaring it
	unsafe   map[*syntax.Stmt]bool        // function bodies memoisation cannot record
	stack    map[*syntax.Stmt]bool        // stack-sensitive function bodies
}

func newFileCache(dirs []string, keysOnly bool) *fileCache {
	return &fileCache{
		dirs:       dirs,
		keysOnly:   keysOnly,
		byPath:     map[string]*cacheEntry{},
		found:      map[string]string{},
		stubs:      map[string]*shell.File{},
		stubBodies: map[*syntax.Stmt]shell.Func{},
		stubImpl:   map[*syntax.Stmt]string{},
		owners:     map[*syntax.Stmt]*eclassFile{},
		unsafe:     map[*syntax.Stmt]bool{},
		stack:      map[*syntax.Stmt]bool{},
	}
}

// locate returns the path of name.eclass in the first eclass directory
// that has it, or "".
func (c *fileCache) locate(name string) string {
	c.mu.Lock()
	p, ok := c.found[name]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = ""
	for _, d := range c.dirs {
		cand := filepath.Join(d, name+".eclass")
		if st, err := os.Stat(cand); err == nil && st.Mode().IsRegular() {
			p = cand
			break
		}
	}
	c.mu.Lock()
	c.found[name] = p
	c.mu.Unlock()
	return p
}

// load parses the eclass at path once.
func (c *fileCache) load(name, path string) (*eclassFile, error) {
	c.mu.Lock()
	ent, ok := c.byPath[path]
	if !ok {
		ent = &cacheEntry{}
		c.byPath[path] = ent
	}
	c.mu.Unlock()
	ent.once.Do(func() {
		src, err := os.ReadFile(path)
		if err != nil {
			ent.err = err
			return
		}
		sum := md5.Sum(src)
		f, err := shell.ParseWith(src, path, shell.ParseOptions{NoSource: c.keysOnly, Lazy: c.keysOnly, DeferBodies: c.keysOnly})
		if err != nil {
			ent.err = err
			return
		}
		ent.ec = &eclassFile{
			name: name,
			path: path,
			md5:  hex.EncodeToString(sum[:]),
			file: f,
			body: shell.SourceBody(f, "inherit"),
		}
		ent.ec.guard, ent.ec.guarded = includeGuard(f.AST.Stmts)
		for _, st := range f.AST.Stmts {
			if memoUnsafeNode(st) {
				ent.ec.memoUnsafe = true
			}
			if stackSensitiveNode(st) {
				ent.ec.stackSensitive = true
			}
		}
		c.ownersMu.Lock()
		for body := range f.Funcs {
			c.owners[body] = ent.ec
			if !f.Pending(body) {
				c.analyze(body)
			}
		}
		c.ownersMu.Unlock()
	})
	return ent.ec, ent.err
}

// stub returns the parsed function `phase() { impl "$@" ; }` that
// EXPORT_FUNCTIONS defines.
func (c *fileCache) stub(phase, impl string) (*shell.File, error) {
	key := phase + "\x00" + impl
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.stubs[key]; ok {
		return f, nil
	}
	src := fmt.Sprintf("%s() { %s \"$@\" ; }\n", phase, impl)
	f, err := shell.Parse([]byte(src), "EXPORT_FUNCTIONS")
	if err != nil {
		return nil, err
	}
	c.stubs[key] = f
	for body, fn := range f.Funcs {
		c.stubBodies[body] = fn
		c.stubImpl[body] = impl
	}
	return f, nil
}

// memoUnsafe reports whether an eclass function body reads what
// memoisation cannot record.
func (c *fileCache) memoUnsafe(body *syntax.Stmt) bool {
	c.ownersMu.RLock()
	defer c.ownersMu.RUnlock()
	return c.unsafe[body]
}

// analyze records what memoisation must know of a function body; the
// caller holds ownersMu.
func (c *fileCache) analyze(body *syntax.Stmt) {
	if memoUnsafeNode(body) {
		c.unsafe[body] = true
	}
	if stackSensitiveNode(body) {
		c.stack[body] = true
	}
}

// prepare parses and rewrites an eclass function body left for its first
// call, and analyzes it.
func (c *fileCache) prepare(ec *eclassFile, body *syntax.Stmt) error {
	if !ec.file.Pending(body) {
		return nil
	}
	if err := ec.file.Prepare(body); err != nil {
		return err
	}
	c.ownersMu.Lock()
	c.analyze(body)
	c.ownersMu.Unlock()
	return nil
}

// stackSensitive reports whether an eclass function body looks past its
// frame of the call stack.
func (c *fileCache) stackSensitive(body *syntax.Stmt) bool {
	c.ownersMu.RLock()
	defer c.ownersMu.RUnlock()
	return c.stack[body]
}

// owner returns the eclass that declares the function body, or nil.
func (c *fileCache) owner(body *syntax.Stmt) *eclassFile {
	c.ownersMu.RLock()
	defer c.ownersMu.RUnlock()
	return c.owners[body]
}

// includeGuard finds the include guard of an eclass, `if [[ -z ${VAR} ]];
// then ... fi` (no else) at top level, and returns VAR and the bodies of
// the functions declared inside it, outside any other function.
func includeGuard(stmts []*syntax.Stmt) (string, map[*syntax.Stmt]bool) {
	for _, st := range stmts {
		ic, ok := st.Cmd.(*syntax.IfClause)
		if !ok || ic.Else != nil || len(ic.Cond) != 1 || st.Negated || ic.Cond[0].Negated {
			continue
		}
		tc, ok := ic.Cond[0].Cmd.(*syntax.TestClause)
		if !ok {
			continue
		}
		u, ok := tc.X.(*syntax.UnaryTest)
		if !ok || u.Op != syntax.TsEmpStr {
			continue
		}
		w, ok := u.X.(*syntax.Word)
		if !ok {
			continue
		}
		name := plainParam(w)
		if name == "" {
			continue
		}
		bodies := map[*syntax.Stmt]bool{}
		for _, s := range ic.Then {
			syntax.Walk(s, func(n syntax.Node) bool {
				if fd, ok := n.(*syntax.FuncDecl); ok {
					bodies[fd.Body] = true
					return false
				}
				return true
			})
		}
		return name, bodies
	}
	return "", nil
}

// plainParam returns NAME for a word that is just ${NAME} or "${NAME}".
func plainParam(w *syntax.Word) string {
	if len(w.Parts) != 1 {
		return ""
	}
	part := w.Parts[0]
	if dq, ok := part.(*syntax.DblQuoted); ok {
		if len(dq.Parts) != 1 {
			return ""
		}
		part = dq.Parts[0]
	}
	pe, ok := part.(*syntax.ParamExp)
	if !ok || pe.Param == nil || pe.Index != nil || pe.Exp != nil || pe.Repl != nil || pe.Slice != nil ||
		pe.Length || pe.Width || pe.Excl || pe.Names != 0 || !syntax.ValidName(pe.Param.Value) {
		return ""
	}
	return pe.Param.Value
}

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

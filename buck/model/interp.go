package model

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Interp evaluates the BUCK and .bzl files of one workspace. It is safe for
// concurrent use: packages evaluate in parallel, and each .bzl module is
// executed once and shared (frozen) by every file that loads it.
type Interp struct {
	cells *Cells

	mu      sync.Mutex // guards modules
	modules map[string]*module
	loadMu  sync.Mutex // held while a module (and what it loads) executes

	bzlEnv, buckEnv starlark.StringDict
	buildfiles      []string
}

// module is one loaded .bzl file.
type module struct {
	globals starlark.StringDict
	diags   []Diagnostic // problems in this file itself
	failed  bool         // it or something it loads has errors
}

// fileCtx is what builtins know about the file being evaluated.
type fileCtx struct {
	cell   *Cell
	file   string // workspace-relative path
	dir    string // cell-relative directory of the file
	pkg    *Package
	chain  []string // modules being loaded, outermost first
	held   bool     // this goroutine holds loadMu
	interp *Interp
	// rules are the rule() values this module created, with the line of
	// the call, to find those never assigned to a global.
	rules []createdRule
}

type createdRule struct {
	rule *Rule
	line int
}

const fileKey = "buckos.file"

func fileOf(thread *starlark.Thread) *fileCtx {
	fc, _ := thread.Local(fileKey).(*fileCtx)
	if fc == nil {
		return &fileCtx{cell: &Cell{Name: "?"}, file: "?"}
	}
	return fc
}

// New makes an interpreter for the workspace described by cells.
func New(cells *Cells) *Interp {
	in := &Interp{cells: cells, modules: map[string]*module{}}
	in.buildfiles = []string{"BUCK.v2", "BUCK"}
	if v, ok := cells.RootCell().Config.Get("buildfile", "name_v2"); ok {
		in.buildfiles = strings.Fields(strings.ReplaceAll(v, ",", " "))
	} else if v, ok := cells.RootCell().Config.Get("buildfile", "name"); ok {
		in.buildfiles = strings.Fields(strings.ReplaceAll(v, ",", " "))
	}
	natives := nativeFunctions()
	in.buckEnv = starlark.StringDict{}
	for k, v := range natives {
		in.buckEnv[k] = v
	}
	in.bzlEnv = globalBuiltins()
	in.bzlEnv["native"] = &nativeModule{members: natives}
	for _, k := range []string{"read_config", "read_root_config", "select", "host_info", "package_name", "get_base_path", "get_cell_name", "glob"} {
		in.bzlEnv[k] = natives[k]
	}
	for _, k := range []string{"DefaultInfo", "RunInfo", "PlatformInfo", "ConstraintSettingInfo", "ConstraintValueInfo", "ConfigurationInfo", "cmd_args", "struct"} {
		in.buckEnv[k] = in.bzlEnv[k]
	}
	return in
}

// nativeModule is `native` in .bzl files. Names it lacks are reported as
// not modelled: the real prelude has many more rules.
type nativeModule struct{ members starlark.StringDict }

func (n *nativeModule) String() string        { return "<native>" }
func (n *nativeModule) Type() string          { return "native" }
func (n *nativeModule) Freeze()               {}
func (n *nativeModule) Truth() starlark.Bool  { return true }
func (n *nativeModule) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: native") }
func (n *nativeModule) AttrNames() []string   { return n.members.Keys() }
func (n *nativeModule) Attr(name string) (starlark.Value, error) {
	if v, ok := n.members[name]; ok {
		return v, nil
	}
	return nil, notModelled("native." + name + " (a prelude rule or function the model does not provide)")
}

// BuildfileNames are the names a package's build file may have.
func (in *Interp) BuildfileNames() []string { return in.buildfiles }

// Cells returns the workspace's cells.
func (in *Interp) Cells() *Cells { return in.cells }

// ModuleDiagnostics returns the problems found in every .bzl file loaded
// so far, each once, sorted.
func (in *Interp) ModuleDiagnostics() []Diagnostic {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []Diagnostic
	for _, m := range in.modules {
		out = append(out, m.diags...)
	}
	SortDiagnostics(out)
	return out
}

// loadTarget resolves a load() string relative to the file fc.
func (in *Interp) loadTarget(fc *fileCtx, s string) (cell *Cell, rel string, err error) {
	var dir, file string
	switch {
	case strings.HasPrefix(s, ":"):
		cell, dir, file = fc.cell, fc.dir, s[1:]
	case strings.Contains(s, "//"):
		i := strings.Index(s, "//")
		name := strings.TrimPrefix(s[:i], "@")
		cell = fc.cell
		if name != "" {
			c, ok := in.cells.LookupFrom(fc.cell.Name, name)
			if !ok {
				return nil, "", fmt.Errorf("unknown cell %q (not in [cells] or [cell_aliases] of .buckconfig)", name)
			}
			cell = c
		}
		var ok bool
		dir, file, ok = strings.Cut(s[i+2:], ":")
		if !ok {
			return nil, "", fmt.Errorf("expected cell//package:file.bzl")
		}
	default:
		return nil, "", fmt.Errorf("expected cell//package:file.bzl, //package:file.bzl or :file.bzl")
	}
	if file == "" || strings.Contains(file, "..") || !strings.HasSuffix(file, ".bzl") {
		return nil, "", fmt.Errorf("%q is not a .bzl file name", file)
	}
	if err := checkPackagePath(s, dir); err != nil {
		return nil, "", err
	}
	return cell, path.Join(dir, file), nil
}

// LoadFile loads the .bzl file at a workspace-relative path (as if a
// file of its own cell loaded it), so that files no BUCK file loads are
// checked too. Its problems are in ModuleDiagnostics.
func (in *Interp) LoadFile(rel string) error {
	cell, inCell := in.cells.Owner(rel)
	dir, file := path.Split(inCell)
	fc := &fileCtx{cell: cell, file: "<check>"}
	_, err := in.loadModule(fc, cell.Name+"//"+strings.TrimSuffix(dir, "/")+":"+file)
	return err
}

// load is the Thread.Load function: it returns the globals of a module.
func (in *Interp) load(thread *starlark.Thread, s string) (starlark.StringDict, error) {
	m, err := in.loadModule(fileOf(thread), s)
	if err != nil {
		return nil, err
	}
	return m.globals, nil
}

func (in *Interp) loadModule(fc *fileCtx, s string) (*module, error) {
	cell, rel, err := in.loadTarget(fc, s)
	if err != nil {
		return nil, err
	}
	dir, file := path.Split(rel)
	key := cell.Name + "//" + strings.TrimSuffix(dir, "/") + ":" + file
	if cell.External != "" {
		return nil, notModelled(fmt.Sprintf("load of %s: %s is an external cell (%s) whose files are not in the workspace", key, cell.Name, cell.External))
	}
	for _, k := range fc.chain {
		if k == key {
			return nil, fmt.Errorf("load cycle: %s -> %s", strings.Join(fc.chain, " -> "), key)
		}
	}
	in.mu.Lock()
	m, ok := in.modules[key]
	in.mu.Unlock()
	if ok {
		return m, nil
	}
	if !fc.held {
		in.loadMu.Lock()
		defer in.loadMu.Unlock()
		in.mu.Lock()
		m, ok = in.modules[key]
		in.mu.Unlock()
		if ok {
			return m, nil
		}
	}
	wsRel := path.Join(cell.Path, rel)
	src, err := os.ReadFile(filepath.Join(in.cells.Root, filepath.FromSlash(wsRel)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("file %s does not exist", wsRel)
		}
		return nil, err
	}
	child := &fileCtx{cell: cell, file: wsRel, dir: path.Dir(rel), chain: append(append([]string(nil), fc.chain...), key), held: true, interp: in}
	if child.dir == "." {
		child.dir = ""
	}
	m = in.execModule(child, src)
	in.mu.Lock()
	in.modules[key] = m
	in.mu.Unlock()
	return m, nil
}

// prepare runs the source checks, parses, checks the statements and
// loads every module the file loads, reporting each problem at its line.
// It returns nil when the file cannot be executed.
func (in *Interp) prepare(fc *fileCtx, src []byte, buck bool, env starlark.StringDict) (*starlark.Program, []Diagnostic) {
	if d := scanSource(fc.file, src); len(d) > 0 {
		return nil, d
	}
	opts := fileOptions
	f, err := opts.Parse(fc.file, src, 0)
	if err != nil {
		return nil, resolveDiagnostics(fc.file, err)
	}
	diags := checkStatements(fc.file, f, buck)
	for _, stmt := range f.Stmts {
		ls, ok := stmt.(*syntax.LoadStmt)
		if !ok {
			continue
		}
		line := int(ls.Load.Line)
		modName, _ := ls.Module.Value.(string)
		m, err := in.loadModule(fc, modName)
		if err != nil {
			diags = append(diags, Diagnostic{fc.file, line, fmt.Sprintf("cannot load %q: %v", modName, err)})
			continue
		}
		if m.failed {
			diags = append(diags, Diagnostic{fc.file, line, fmt.Sprintf("cannot load %q: it has errors", modName)})
			continue
		}
		for _, from := range ls.From {
			if strings.HasPrefix(from.Name, "_") {
				diags = append(diags, Diagnostic{fc.file, int(from.NamePos.Line), fmt.Sprintf("cannot load %q from %q: names starting with _ are private to their module", from.Name, modName)})
				continue
			}
			if _, ok := m.globals[from.Name]; !ok {
				diags = append(diags, Diagnostic{fc.file, int(from.NamePos.Line), fmt.Sprintf("%q does not define %q (symbols a module loads are not re-exported)", modName, from.Name)})
			}
		}
	}
	if len(diags) > 0 {
		return nil, diags
	}
	prog, err := starlark.FileProgram(f, env.Has)
	if err != nil {
		return nil, resolveDiagnostics(fc.file, err)
	}
	return prog, nil
}

func (in *Interp) newThread(fc *fileCtx) *starlark.Thread {
	t := &starlark.Thread{Name: fc.file, Load: in.load}
	t.SetLocal(fileKey, fc)
	return t
}

func (in *Interp) execModule(fc *fileCtx, src []byte) *module {
	prog, diags := in.prepare(fc, src, false, in.bzlEnv)
	if prog == nil {
		own := diags[:0:0]
		for _, d := range diags {
			own = append(own, d)
		}
		return &module{diags: own, failed: true}
	}
	globals, err := prog.Init(in.newThread(fc), in.bzlEnv)
	if err != nil {
		return &module{diags: []Diagnostic{evalDiagnostic(fc.file, err)}, failed: true}
	}
	assigned := map[*Rule]bool{}
	for _, v := range globals {
		if r, ok := v.(*Rule); ok {
			assigned[r] = true
		}
	}
	var unassigned []Diagnostic
	for _, cr := range fc.rules {
		if !assigned[cr.rule] {
			// Buck2 fails to freeze such a module (rule.rs RuleNotAssigned).
			unassigned = append(unassigned, Diagnostic{fc.file, cr.line, fmt.Sprintf("rule defined in `%s` must be assigned to a variable, e.g. `my_rule = rule(...)`", fc.file)})
		}
	}
	if len(unassigned) > 0 {
		return &module{diags: unassigned, failed: true}
	}
	names := make([]string, 0, len(globals))
	for k := range globals {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch v := globals[k].(type) {
		case *Rule:
			if v.name == "" {
				v.name = k
			}
		case *Provider:
			if v.name == "" {
				v.name = k
			}
		case *TSetDefinition:
			if v.name == "" {
				v.name = k
			}
		}
	}
	globals.Freeze()
	return &module{globals: globals}
}

// evalDiagnostic places a runtime error at the innermost frame of file,
// mentioning where the error was raised when that is another file.
func evalDiagnostic(file string, err error) Diagnostic {
	var ee *starlark.EvalError
	if !errors.As(err, &ee) {
		return Diagnostic{file, 0, err.Error()}
	}
	msg := ee.Msg
	if strings.Contains(msg, "called recursively") {
		msg = "recursion is not allowed (the Starlark spec forbids it and go.starlark.net rejects it): " + msg
	}
	line, inner := 0, ""
	for i := len(ee.CallStack) - 1; i >= 0; i-- {
		pos := ee.CallStack[i].Pos
		if pos.Filename() == file {
			line = int(pos.Line)
			break
		}
		if inner == "" && pos.Line > 0 {
			inner = fmt.Sprintf("%s:%d", pos.Filename(), pos.Line)
		}
	}
	if inner != "" {
		msg += " (raised at " + inner + ")"
	}
	return Diagnostic{file, line, msg}
}

// Package is the result of evaluating one BUCK file.
type Package struct {
	ID      PackageID
	File    string // workspace-relative path of the BUCK file
	Dir     string // absolute directory
	Targets []*Target
	Diags   []Diagnostic
	// Stopped is set when evaluation ended early (a load, syntax or
	// runtime error): Buck2 would have no targets for the package.
	Stopped bool
	// Rejected names the targets whose rule call was refused (bad
	// attributes), so references to them are not reported again.
	Rejected map[string]bool

	interp *Interp
	byName map[string]*Target
	mu     sync.Mutex
}

// Target returns the target called name.
func (p *Package) Target(name string) (*Target, bool) {
	t, ok := p.byName[name]
	return t, ok
}

func (p *Package) addDiag(line int, msg string) {
	p.mu.Lock()
	p.Diags = append(p.Diags, Diagnostic{p.File, line, msg})
	p.mu.Unlock()
}

// callLine is the line of the outermost call in the BUCK file.
func (p *Package) callLine(thread *starlark.Thread) int {
	stack := thread.CallStack()
	for _, fr := range stack {
		if fr.Pos.Filename() == p.File {
			return int(fr.Pos.Line)
		}
	}
	return 0
}

// EvalPackage evaluates the build file of a package. file is its
// workspace-relative path. Problems are in the returned Package's Diags.
func (in *Interp) EvalPackage(id PackageID, file string) *Package {
	cell, _ := in.cells.Lookup(id.Cell)
	p := &Package{ID: id, File: file, Dir: filepath.Join(in.cells.Root, filepath.FromSlash(path.Dir(file))), interp: in, byName: map[string]*Target{}, Rejected: map[string]bool{}}
	src, err := os.ReadFile(filepath.Join(in.cells.Root, filepath.FromSlash(file)))
	if err != nil {
		p.Diags = append(p.Diags, Diagnostic{file, 0, err.Error()})
		p.Stopped = true
		return p
	}
	fc := &fileCtx{cell: cell, file: file, dir: id.Path, pkg: p}
	prog, diags := in.prepare(fc, src, true, in.buckEnv)
	if prog == nil {
		p.Diags = append(p.Diags, diags...)
		p.Stopped = true
		return p
	}
	if _, err := prog.Init(in.newThread(fc), in.buckEnv); err != nil {
		p.Diags = append(p.Diags, evalDiagnostic(file, err))
		p.Stopped = true
	}
	return p
}

package defs_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
)

// This file is a small, executing stand-in for Buck2: it loads BUCK files of this
// repository with their cells, analyses targets with the rule implementations of defs/,
// and runs the recorded actions in a temporary buck-out. It exists to test the rules
// and scripts end to end where Buck2 itself cannot be installed. Only what defs/ uses
// is modelled; anything else fails loudly.

type xhost struct {
	t        *testing.T
	root     string
	out      string
	cells    map[string]string // cell name -> directory relative to root
	config   map[string]string // "section.key"
	modules  map[string]starlark.StringDict
	packages map[string]map[string]*xtarget // "cell//path" -> name -> target
	results  map[string]*xdep
	actions  []*xaction
}

type xtarget struct {
	cell, pkg, name string
	native          string // "alias", "export_file", "filegroup" or "" for rules
	rule            *xrule
	attrs           map[string]starlark.Value
}

type xaction struct {
	label    string
	category string
	argv     []string
	outputs  []*xartifact
}

func newXHost(t *testing.T) *xhost {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	h := &xhost{t: t, root: root, out: t.TempDir(), cells: map[string]string{}, config: map[string]string{},
		modules: map[string]starlark.StringDict{}, packages: map[string]map[string]*xtarget{}, results: map[string]*xdep{}}
	f, err := os.Open(filepath.Join(root, ".buckconfig"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	section := ""
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && section == "cells" && !strings.HasPrefix(line, "#") {
			h.cells[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	if h.cells["root"] != "." || h.cells["examples"] == "" {
		t.Fatalf(".buckconfig [cells] lacks root or examples: %v", h.cells)
	}
	return h
}

// ---- labels ----

// parseLabel resolves a label relative to (cell, pkg) into cell, package path, name.
func (h *xhost) parseLabel(l, cell, pkg string) (string, string, string) {
	l = strings.TrimPrefix(l, "@")
	if strings.HasPrefix(l, ":") {
		return cell, pkg, l[1:]
	}
	c, rest, ok := strings.Cut(l, "//")
	if !ok {
		h.t.Fatalf("label %q is not absolute or relative", l)
	}
	if c == "" {
		c = cell
	}
	if c == "buckos" {
		c = "root"
	}
	p, name, ok := strings.Cut(rest, ":")
	if !ok {
		name = filepath.Base(p)
	}
	if _, known := h.cells[c]; !known {
		h.t.Fatalf("label %q: unknown cell %q", l, c)
	}
	return c, p, name
}

func key(cell, pkg, name string) string { return cell + "//" + pkg + ":" + name }

// ---- loading ----

type threadPkg struct{ cell, pkg string }

func (h *xhost) load(thread *starlark.Thread, module string) (starlark.StringDict, error) {
	from, _ := thread.Local("cell").(string)
	c, p, file := h.parseLabel(module, from, "")
	path := filepath.Join(h.cells[c], p, file)
	if g, ok := h.modules[path]; ok {
		return g, nil
	}
	src, err := os.ReadFile(filepath.Join(h.root, path))
	if err != nil {
		return nil, err
	}
	th := &starlark.Thread{Name: path, Load: h.load}
	th.SetLocal("cell", c)
	th.SetLocal("pkg", thread.Local("pkg"))
	g, err := starlark.ExecFileOptions(&syntax.FileOptions{}, th, path, src, h.globals())
	if err != nil {
		return nil, err
	}
	h.modules[path] = g
	return g, nil
}

func (h *xhost) loadPackage(cell, pkg string) map[string]*xtarget {
	pk := cell + "//" + pkg
	if ts, ok := h.packages[pk]; ok {
		return ts
	}
	h.packages[pk] = map[string]*xtarget{}
	path := filepath.Join(h.cells[cell], pkg, "BUCK")
	src, err := os.ReadFile(filepath.Join(h.root, path))
	if err != nil {
		h.t.Fatalf("package %s: %v", pk, err)
	}
	th := &starlark.Thread{Name: path, Load: h.load}
	th.SetLocal("cell", cell)
	th.SetLocal("pkg", &threadPkg{cell, pkg})
	if _, err := starlark.ExecFileOptions(&syntax.FileOptions{}, th, path, src, h.globals()); err != nil {
		if ee, ok := err.(*starlark.EvalError); ok {
			h.t.Fatalf("%s", ee.Backtrace())
		}
		h.t.Fatalf("%s: %v", path, err)
	}
	return h.packages[pk]
}

func kwargsMap(kwargs []starlark.Tuple) map[string]starlark.Value {
	m := map[string]starlark.Value{}
	for _, kv := range kwargs {
		m[string(kv[0].(starlark.String))] = kv[1]
	}
	return m
}

func (h *xhost) declare(thread *starlark.Thread, native string, rule *xrule, kwargs []starlark.Tuple) (starlark.Value, error) {
	tp, ok := thread.Local("pkg").(*threadPkg)
	if !ok {
		return nil, fmt.Errorf("targets can only be declared while a BUCK file is evaluated")
	}
	attrs := kwargsMap(kwargs)
	name, _ := starlark.AsString(attrs["name"])
	if name == "" {
		return nil, fmt.Errorf("a target needs a name")
	}
	ts := h.packages[tp.cell+"//"+tp.pkg]
	if _, dup := ts[name]; dup {
		return nil, fmt.Errorf("duplicate target %s", name)
	}
	if rule != nil {
		for k := range attrs {
			if _, ok := rule.attrs[k]; !ok && k != "name" && k != "visibility" {
				return nil, fmt.Errorf("%s: unknown attribute %q", name, k)
			}
		}
	}
	ts[name] = &xtarget{cell: tp.cell, pkg: tp.pkg, name: name, native: native, rule: rule, attrs: attrs}
	return starlark.None, nil
}

func (h *xhost) globals() starlark.StringDict {
	nativeFn := func(kind string) *starlark.Builtin {
		return starlark.NewBuiltin(kind, func(th *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if len(args) > 0 {
				return nil, fmt.Errorf("%s: keyword arguments only", kind)
			}
			return h.declare(th, kind, nil, kwargs)
		})
	}
	glob := starlark.NewBuiltin("glob", func(th *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		tp := th.Local("pkg").(*threadPkg)
		dir := filepath.Join(h.root, h.cells[tp.cell], tp.pkg)
		var out []starlark.Value
		for _, pat := range items(args[0]) {
			prefix := strings.TrimSuffix(string(pat.(starlark.String)), "**")
			filepath.WalkDir(filepath.Join(dir, prefix), func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					out = append(out, starlark.String(filepath.ToSlash(rel)))
				}
				return nil
			})
		}
		return starlark.NewList(out), nil
	})
	natives := starlark.StringDict{"alias": nativeFn("alias"), "export_file": nativeFn("export_file"), "filegroup": nativeFn("filegroup"), "glob": glob}
	g := starlark.StringDict{
		"struct":         starlark.NewBuiltin("struct", starlarkstruct.Make),
		"native":         starlarkstruct.FromStringDict(starlark.String("native"), natives),
		"rule":           starlark.NewBuiltin("rule", h.ruleBuiltin),
		"attrs":          xattrsModule(),
		"provider":       starlark.NewBuiltin("provider", newProviderType),
		"transitive_set": starlark.NewBuiltin("transitive_set", newTSetType),
		"cmd_args":       starlark.NewBuiltin("cmd_args", newCmdArgs),
		"DefaultInfo":    &xprovider{name: "DefaultInfo"},
		"RunInfo":        &xprovider{name: "RunInfo"},
		"select": starlark.NewBuiltin("select", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			return &xselect{choices: args[0].(*starlark.Dict)}, nil
		}),
		"read_root_config": starlark.NewBuiltin("read_root_config", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var section, k string
			var def starlark.Value = starlark.None
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "section", &section, "key", &k, "default?", &def); err != nil {
				return nil, err
			}
			if v, ok := h.config[section+"."+k]; ok {
				return starlark.String(v), nil
			}
			return def, nil
		}),
	}
	for k, v := range natives {
		g[k] = v
	}
	return g
}

// ---- select ----

type xselect struct{ choices *starlark.Dict }

func (s *xselect) String() string        { return "select(...)" }
func (s *xselect) Type() string          { return "selector" }
func (s *xselect) Freeze()               {}
func (s *xselect) Truth() starlark.Bool  { return true }
func (s *xselect) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }

// resolve picks the branch of the host target platform //platforms:linux-target-host.
func (s *xselect) resolve() (starlark.Value, error) {
	for _, k := range []string{"root//platforms:toolchain-host", "root//platforms:linux", "DEFAULT"} {
		if v, ok, _ := s.choices.Get(starlark.String(k)); ok {
			return v, nil
		}
	}
	return nil, fmt.Errorf("select: no branch for the host Linux platform in %s", s.choices)
}

// ---- attrs ----

type xattr struct {
	kind        string
	def         starlark.Value
	elem, val   *xattr
	elems       []*xattr
	allowDirAny bool
}

func (a *xattr) String() string        { return "attrs." + a.kind }
func (a *xattr) Type() string          { return "attribute" }
func (a *xattr) Freeze()               {}
func (a *xattr) Truth() starlark.Bool  { return true }
func (a *xattr) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }

func xattrsModule() starlark.Value {
	mk := func(kind string) *starlark.Builtin {
		return starlark.NewBuiltin("attrs."+kind, func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			a := &xattr{kind: kind}
			for _, v := range args {
				sub, ok := v.(*xattr)
				if !ok {
					return nil, fmt.Errorf("attrs.%s: positional argument %s is not an attribute", kind, v)
				}
				a.elems = append(a.elems, sub)
			}
			if len(a.elems) > 0 {
				a.elem = a.elems[0]
			}
			if kind == "dict" && len(a.elems) == 2 {
				a.val = a.elems[1]
			}
			for _, kv := range kwargs {
				if kv[0].(starlark.String) == "default" {
					a.def = kv[1]
				}
			}
			return a, nil
		})
	}
	d := starlark.StringDict{}
	for _, k := range []string{"string", "bool", "int", "list", "dict", "dep", "exec_dep", "source", "option", "tuple", "label"} {
		d[k] = mk(k)
	}
	return starlarkstruct.FromStringDict(starlark.String("attrs"), d)
}

type xrule struct {
	h     *xhost
	impl  starlark.Callable
	attrs map[string]*xattr
}

func (r *xrule) String() string        { return "<rule>" }
func (r *xrule) Type() string          { return "rule" }
func (r *xrule) Freeze()               {}
func (r *xrule) Truth() starlark.Bool  { return true }
func (r *xrule) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }
func (r *xrule) Name() string          { return "rule" }
func (r *xrule) CallInternal(th *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("rules take keyword arguments only")
	}
	return r.h.declare(th, "", r, kwargs)
}

func (h *xhost) ruleBuiltin(_ *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	m := kwargsMap(kwargs)
	r := &xrule{h: h, impl: m["impl"].(starlark.Callable), attrs: map[string]*xattr{}}
	for _, kv := range m["attrs"].(*starlark.Dict).Items() {
		r.attrs[string(kv[0].(starlark.String))] = kv[1].(*xattr)
	}
	return r, nil
}

// ---- providers, dependencies, artifacts, cmd_args, tsets ----

type xprovider struct {
	name   string
	fields []string
}

func (p *xprovider) String() string        { return "<provider " + p.name + ">" }
func (p *xprovider) Type() string          { return "provider" }
func (p *xprovider) Freeze()               {}
func (p *xprovider) Truth() starlark.Bool  { return true }
func (p *xprovider) Hash() (uint32, error) { return starlark.String(fmt.Sprintf("%p", p)).Hash() }
func (p *xprovider) Name() string          { return p.name }
func (p *xprovider) CallInternal(_ *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("%s: keyword arguments only", p.name)
	}
	d := starlark.StringDict{}
	for _, f := range p.fields {
		d[f] = starlark.None
	}
	for _, kv := range kwargs {
		k := string(kv[0].(starlark.String))
		if _, ok := d[k]; !ok && p.fields != nil {
			return nil, fmt.Errorf("%s has no field %s", p.name, k)
		}
		d[k] = kv[1]
	}
	return &xinstance{typ: p, Struct: starlarkstruct.FromStringDict(starlark.String(p.name), d)}, nil
}

type xinstance struct {
	typ *xprovider
	*starlarkstruct.Struct
}

func newProviderType(_ *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	p := &xprovider{name: "provider"}
	for _, f := range items(kwargsMap(kwargs)["fields"]) {
		p.fields = append(p.fields, string(f.(starlark.String)))
	}
	return p, nil
}

type xdep struct {
	label     string
	providers []*xinstance
}

func (d *xdep) String() string        { return "<dependency " + d.label + ">" }
func (d *xdep) Type() string          { return "dependency" }
func (d *xdep) Freeze()               {}
func (d *xdep) Truth() starlark.Bool  { return true }
func (d *xdep) Hash() (uint32, error) { return starlark.String(d.label).Hash() }
func (d *xdep) Get(k starlark.Value) (starlark.Value, bool, error) {
	for _, p := range d.providers {
		if p.typ == k {
			return p, true, nil
		}
	}
	return nil, false, nil
}
func (d *xdep) Attr(name string) (starlark.Value, error) {
	switch name {
	case "label":
		return starlark.String(d.label), nil
	case "get":
		return starlark.NewBuiltin("get", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			v, ok, err := d.Get(args[0])
			if !ok || err != nil {
				return starlark.None, err
			}
			return v, nil
		}), nil
	}
	return nil, nil
}
func (d *xdep) AttrNames() []string { return []string{"get", "label"} }

func (d *xdep) defaultOutput() (*xartifact, error) {
	for _, p := range d.providers {
		if p.typ.name != "DefaultInfo" {
			continue
		}
		if v, _ := p.Attr("default_output"); v != nil && v != starlark.None {
			return v.(*xartifact), nil
		}
		if v, _ := p.Attr("default_outputs"); v != nil && v != starlark.None {
			if l := v.(*starlark.List); l.Len() == 1 {
				return l.Index(0).(*xartifact), nil
			}
		}
	}
	return nil, fmt.Errorf("%s has no single default output", d.label)
}

type xartifact struct{ path string }

func (a *xartifact) String() string        { return a.path }
func (a *xartifact) Type() string          { return "artifact" }
func (a *xartifact) Freeze()               {}
func (a *xartifact) Truth() starlark.Bool  { return true }
func (a *xartifact) Hash() (uint32, error) { return starlark.String(a.path).Hash() }
func (a *xartifact) Attr(name string) (starlark.Value, error) {
	if name == "as_output" {
		return starlark.NewBuiltin("as_output", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return &xoutput{a}, nil
		}), nil
	}
	return nil, nil
}
func (a *xartifact) AttrNames() []string { return []string{"as_output"} }

type xoutput struct{ a *xartifact }

func (o *xoutput) String() string        { return "<output " + o.a.path + ">" }
func (o *xoutput) Type() string          { return "output_artifact" }
func (o *xoutput) Freeze()               {}
func (o *xoutput) Truth() starlark.Bool  { return true }
func (o *xoutput) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }

type xcmd struct{ items []starlark.Value }

func (c *xcmd) String() string        { return "cmd_args(...)" }
func (c *xcmd) Type() string          { return "cmd_args" }
func (c *xcmd) Freeze()               {}
func (c *xcmd) Truth() starlark.Bool  { return true }
func (c *xcmd) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }

func newCmdArgs(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(kwargs) > 0 {
		return nil, fmt.Errorf("cmd_args: keyword arguments are not modelled here")
	}
	return &xcmd{items: append([]starlark.Value(nil), args...)}, nil
}

// flatten renders a command line, collecting declared outputs.
func flatten(v starlark.Value, argv *[]string, outs *[]*xartifact) error {
	switch x := v.(type) {
	case starlark.String:
		*argv = append(*argv, string(x))
	case *xartifact:
		*argv = append(*argv, x.path)
	case *xoutput:
		*argv = append(*argv, x.a.path)
		*outs = append(*outs, x.a)
	case *starlark.List:
		for _, e := range items(x) {
			if err := flatten(e, argv, outs); err != nil {
				return err
			}
		}
	case starlark.Tuple:
		for _, e := range x {
			if err := flatten(e, argv, outs); err != nil {
				return err
			}
		}
	case *xcmd:
		for _, e := range x.items {
			if err := flatten(e, argv, outs); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("cannot put %s (%s) on a command line", v, v.Type())
	}
	return nil
}

type xtsetType struct{ projections *starlark.Dict }

func (t *xtsetType) String() string        { return "<transitive_set>" }
func (t *xtsetType) Type() string          { return "transitive_set_definition" }
func (t *xtsetType) Freeze()               {}
func (t *xtsetType) Truth() starlark.Bool  { return true }
func (t *xtsetType) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }

func newTSetType(_ *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	return &xtsetType{projections: kwargsMap(kwargs)["args_projections"].(*starlark.Dict)}, nil
}

type xtset struct {
	typ      *xtsetType
	value    starlark.Value
	children []*xtset
}

func (t *xtset) String() string        { return "<tset>" }
func (t *xtset) Type() string          { return "transitive_set" }
func (t *xtset) Freeze()               {}
func (t *xtset) Truth() starlark.Bool  { return true }
func (t *xtset) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }
func (t *xtset) AttrNames() []string   { return []string{"project_as_args"} }
func (t *xtset) Attr(name string) (starlark.Value, error) {
	if name != "project_as_args" {
		return nil, nil
	}
	return starlark.NewBuiltin(name, func(th *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		fn, ok, _ := t.typ.projections.Get(args[0])
		if !ok {
			return nil, fmt.Errorf("no projection %s", args[0])
		}
		// Buck2's default traversal: pre-order, left to right, each node once.
		seen := map[*xtset]bool{}
		var items []starlark.Value
		stack := []*xtset{t}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[n] {
				continue
			}
			seen[n] = true
			if n.value != nil && n.value != starlark.None {
				v, err := starlark.Call(th, fn.(starlark.Callable), starlark.Tuple{n.value}, nil)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
			for i := len(n.children) - 1; i >= 0; i-- {
				stack = append(stack, n.children[i])
			}
		}
		return &xcmd{items: items}, nil
	}), nil
}

// ---- analysis ----

func (h *xhost) analyze(cell, pkg, name string) *xdep {
	k := key(cell, pkg, name)
	if d, ok := h.results[k]; ok {
		if d == nil {
			h.t.Fatalf("dependency cycle through %s", k)
		}
		return d
	}
	h.results[k] = nil
	t, ok := h.loadPackage(cell, pkg)[name]
	if !ok {
		h.t.Fatalf("no target %s", k)
	}
	var d *xdep
	switch t.native {
	case "alias":
		actual, err := h.resolveSelect(t.attrs["actual"])
		if err != nil {
			h.t.Fatalf("%s: %v", k, err)
		}
		c, p, n := h.parseLabel(string(actual.(starlark.String)), cell, pkg)
		d = &xdep{label: k, providers: h.analyze(c, p, n).providers}
	case "export_file":
		src, _ := starlark.AsString(t.attrs["src"])
		art := &xartifact{path: filepath.Join(h.root, h.cells[cell], pkg, src)}
		di, _ := (&xprovider{name: "DefaultInfo"}).CallInternal(nil, nil, []starlark.Tuple{{starlark.String("default_output"), art}})
		d = &xdep{label: k, providers: []*xinstance{defaultInfo(di)}}
	case "":
		d = h.analyzeRule(t, k)
	default:
		h.t.Fatalf("%s: native %s is not modelled", k, t.native)
	}
	h.results[k] = d
	return d
}

func defaultInfo(v starlark.Value) *xinstance { return v.(*xinstance) }

func (h *xhost) resolveSelect(v starlark.Value) (starlark.Value, error) {
	if s, ok := v.(*xselect); ok {
		return s.resolve()
	}
	return v, nil
}

func (h *xhost) coerce(t *xtarget, a *xattr, v starlark.Value) (starlark.Value, error) {
	v, err := h.resolveSelect(v)
	if err != nil {
		return nil, err
	}
	switch a.kind {
	case "string", "bool", "int", "label":
		return v, nil
	case "option":
		if v == starlark.None {
			return v, nil
		}
		return h.coerce(t, a.elem, v)
	case "list":
		var out []starlark.Value
		for _, e := range items(v) {
			c, err := h.coerce(t, a.elem, e)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return starlark.NewList(out), nil
	case "tuple":
		var in []starlark.Value
		switch x := v.(type) {
		case starlark.Tuple:
			in = x
		case *starlark.List:
			in = items(x)
		}
		var out starlark.Tuple
		for i, e := range in {
			c, err := h.coerce(t, a.elems[i], e)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	case "dict":
		out := starlark.NewDict(0)
		for _, kv := range v.(*starlark.Dict).Items() {
			c, err := h.coerce(t, a.val, kv[1])
			if err != nil {
				return nil, err
			}
			out.SetKey(kv[0], c)
		}
		return out, nil
	case "dep", "exec_dep":
		c, p, n := h.parseLabel(string(v.(starlark.String)), t.cell, t.pkg)
		return h.analyze(c, p, n), nil
	case "source":
		s := string(v.(starlark.String))
		if strings.Contains(s, ":") || strings.Contains(s, "//") {
			c, p, n := h.parseLabel(s, t.cell, t.pkg)
			return h.analyze(c, p, n).defaultOutput()
		}
		p := filepath.Join(h.root, h.cells[t.cell], t.pkg, s)
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("source %s: %v", s, err)
		}
		return &xartifact{path: p}, nil
	}
	return nil, fmt.Errorf("attrs.%s is not modelled", a.kind)
}

func (h *xhost) analyzeRule(t *xtarget, k string) *xdep {
	attrs := starlark.StringDict{}
	for name, a := range t.rule.attrs {
		v, ok := t.attrs[name]
		if !ok {
			if a.def == nil {
				h.t.Fatalf("%s: attribute %s is required", k, name)
			}
			v = a.def
		}
		c, err := h.coerce(t, a, v)
		if err != nil {
			h.t.Fatalf("%s: attribute %s: %v", k, name, err)
		}
		attrs[name] = c
	}
	base := filepath.Join(h.out, t.cell, t.pkg, "__"+t.name+"__")
	var pending []*xaction
	actions := starlark.StringDict{
		"declare_output": starlark.NewBuiltin("declare_output", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			return &xartifact{path: filepath.Join(base, string(args[0].(starlark.String)))}, nil
		}),
		"write": starlark.NewBuiltin("write", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			p := filepath.Join(base, string(args[0].(starlark.String)))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return nil, err
			}
			return &xartifact{path: p}, os.WriteFile(p, []byte(string(args[1].(starlark.String))), 0o644)
		}),
		"symlinked_dir": starlark.NewBuiltin("symlinked_dir", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			if args[1].(*starlark.Dict).Len() != 0 {
				return nil, fmt.Errorf("symlinked_dir with entries is not modelled")
			}
			p := filepath.Join(base, string(args[0].(starlark.String)))
			return &xartifact{path: p}, os.MkdirAll(p, 0o755)
		}),
		"copy_file": starlark.NewBuiltin("copy_file", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			p := filepath.Join(base, string(args[0].(starlark.String)))
			src, err := os.ReadFile(args[1].(*xartifact).path)
			if err != nil {
				return nil, err
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return nil, err
			}
			return &xartifact{path: p}, os.WriteFile(p, src, 0o755)
		}),
		"tset": starlark.NewBuiltin("tset", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			m := kwargsMap(kwargs)
			ts := &xtset{typ: args[0].(*xtsetType), value: m["value"]}
			if ts.value == nil {
				ts.value = starlark.None
			}
			if ch, ok := m["children"].(*starlark.List); ok {
				for _, c := range items(ch) {
					ts.children = append(ts.children, c.(*xtset))
				}
			}
			return ts, nil
		}),
		"run": starlark.NewBuiltin("run", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			a := &xaction{label: k}
			if cat, ok := kwargsMap(kwargs)["category"].(starlark.String); ok {
				a.category = string(cat)
			}
			if err := flatten(args[0], &a.argv, &a.outputs); err != nil {
				return nil, err
			}
			pending = append(pending, a)
			return starlark.None, nil
		}),
	}
	label := starlarkstruct.FromStringDict(starlark.String("label"), starlark.StringDict{"name": starlark.String(t.name)})
	ctx := starlarkstruct.FromStringDict(starlark.String("ctx"), starlark.StringDict{
		"attrs":   starlarkstruct.FromStringDict(starlark.String("attrs"), attrs),
		"label":   &xlabel{Struct: label, text: k},
		"actions": starlarkstruct.FromStringDict(starlark.String("actions"), actions),
	})
	th := &starlark.Thread{Name: "analysis " + k}
	ret, err := starlark.Call(th, t.rule.impl, starlark.Tuple{ctx}, nil)
	if err != nil {
		if ee, ok := err.(*starlark.EvalError); ok {
			h.t.Fatalf("analysis of %s: %s", k, ee.Backtrace())
		}
		h.t.Fatalf("analysis of %s: %v", k, err)
	}
	d := &xdep{label: k}
	for _, p := range items(ret) {
		d.providers = append(d.providers, p.(*xinstance))
	}
	h.actions = append(h.actions, pending...)
	return d
}

type xlabel struct {
	*starlarkstruct.Struct
	text string
}

func (l *xlabel) String() string { return l.text }

// build analyses a target and runs every action recorded so far, in analysis order
// (dependencies are analysed first, so this is a valid build order).
func (h *xhost) build(ctx context.Context, label string) *xdep {
	c, p, n := h.parseLabel(label, "root", "")
	d := h.analyze(c, p, n)
	for _, a := range h.actions {
		for _, o := range a.outputs {
			if err := os.MkdirAll(filepath.Dir(o.path), 0o755); err != nil {
				h.t.Fatal(err)
			}
		}
		cmd := exec.CommandContext(ctx, a.argv[0], a.argv[1:]...)
		cmd.Dir = h.root
		out, err := cmd.CombinedOutput()
		if err != nil {
			h.t.Fatalf("action %s of %s failed: %v\n%s\n%s", a.category, a.label, err, strings.Join(a.argv, " "), out)
		}
	}
	h.actions = nil
	return d
}

// TestEndToEnd builds examples//sets:example-rootfs: the package set of the
// hand-written lz4 and bzip2 packages plus the meta package of examples//use, through
// the rule implementations, download_source (from $BUCKOS_SHARED/distfiles as the
// distfiles directory), the phase runner and the rootfs assembly.
func TestEndToEnd(t *testing.T) {
	dist := distfiles(t)
	h := newXHost(t)
	h.config["buckos.distdir"] = dist
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	d := h.build(ctx, "examples//sets:example-rootfs")
	root, err := d.defaultOutput()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range []string{"usr/bin/lz4", "usr/bin/bzip2", "usr/bin/bunzip2", "usr/lib64/libbz2.so.1.0.8", "usr/include/lz4.h", "usr/share/doc/lz4-1.10.0/README.md"} {
		if _, err := os.Lstat(filepath.Join(root.path, f)); err == nil {
			got = append(got, f)
		} else {
			t.Errorf("the root filesystem lacks %s", f)
		}
	}
	pkgs, _ := filepath.Glob(filepath.Join(root.path, "var", "db", "pkg", "*", "*"))
	var names []string
	for _, p := range pkgs {
		rel, _ := filepath.Rel(filepath.Join(root.path, "var", "db", "pkg"), p)
		names = append(names, rel)
	}
	sort.Strings(names)
	want := []string{"app-arch/bzip2-1.0.8-r100", "app-arch/lz4-1.10.0", "virtual/deps-demo-1"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("merged packages = %v, want %v", names, want)
	}
	// The lz4 binary in the root filesystem runs.
	if out, err := exec.Command(filepath.Join(root.path, "usr", "bin", "lz4"), "-V").CombinedOutput(); err != nil || !strings.Contains(string(out), "v1.10.0") {
		t.Errorf("lz4 -V: %v %s", err, out)
	}
	// static-libs is on by its IUSE default: liblz4.a is installed (install_args stays empty).
	if _, err := os.Stat(filepath.Join(root.path, "usr", "lib64", "liblz4.a")); err != nil {
		t.Errorf("USE=static-libs (IUSE default) did not install liblz4.a: %v", err)
	}
}

// items lists the elements of a Starlark list or tuple.
func items(v starlark.Value) []starlark.Value {
	var out []starlark.Value
	switch x := v.(type) {
	case *starlark.List:
		for i := 0; i < x.Len(); i++ {
			out = append(out, x.Index(i))
		}
	case starlark.Tuple:
		out = append(out, x...)
	}
	return out
}

// provider returns the named provider of a dependency.
func (d *xdep) provider(name string) *xinstance {
	for _, p := range d.providers {
		if p.typ.name == name {
			return p
		}
	}
	return nil
}

// newcNames lists the entry names of a gzip-compressed newc cpio archive.
func newcNames(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{} // name -> content
	for off := 0; off+110 <= len(data); {
		h := string(data[off : off+110])
		if h[:6] != "070701" {
			t.Fatalf("bad newc magic at %d: %q", off, h[:6])
		}
		var size, nameLen int
		fmt.Sscanf(h[54:62], "%08X", &size)
		fmt.Sscanf(h[94:102], "%08X", &nameLen)
		name := string(bytes.TrimRight(data[off+110:off+110+nameLen], "\x00"))
		off += 110 + nameLen
		off += (4 - off%4) % 4
		content := string(data[off : off+size])
		off += size
		off += (4 - off%4) % 4
		if name == "TRAILER!!!" {
			break
		}
		out[name] = content
	}
	return out
}

// TestSystemImages builds defs/testdata/vm: kernel_build on a stand-in kernel tree, a
// rootfs, its initramfs and raw disk image, and runs the QEMU and Cloud Hypervisor boot
// scripts against stand-in VMM binaries that record their command lines.
func TestSystemImages(t *testing.T) {
	h := newXHost(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	kernel, err := h.build(ctx, "root//defs/testdata/vm:linux").defaultOutput()
	if err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]string{
		"boot/vmlinuz-6.6.10":               "fake kernel 6.6.10 ARCH=x86_64\n",
		"boot/config-6.6.10":                "CONFIG_MODULES=y\nCONFIG_VIRTIO_BLK=y\n# olddefconfig ran for ARCH=x86_64\n",
		"lib/modules/6.6.10/kernel/fake.ko": "fake module\n",
		"boot/System.map-6.6.10":            "ffffffff81000000 T _stext\n",
	} {
		got, err := os.ReadFile(filepath.Join(kernel.path, f))
		if err != nil || string(got) != want {
			t.Errorf("kernel image %s = %q, %v; want %q", f, got, err, want)
		}
	}

	initrd, err := h.build(ctx, "root//defs/testdata/vm:initramfs").defaultOutput()
	if err != nil {
		t.Fatal(err)
	}
	names := newcNames(t, initrd.path)
	if names["sbin/init"] != "#!/bin/sh\necho \"BuckOS test init\"\n" || names["etc/hostname"] != "buckos-test\n" || names["init"] != "/sbin/init" {
		t.Errorf("initramfs entries: %q", names)
	}

	disk, err := h.build(ctx, "root//defs/testdata/vm:disk").defaultOutput()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("debugfs"); err == nil {
		out, err := exec.Command("debugfs", "-R", "cat /etc/hostname", disk.path).Output()
		if err != nil || string(out) != "buckos-test\n" {
			t.Errorf("debugfs cat /etc/hostname on the disk image = %q, %v", out, err)
		}
	}

	// Stand-in VMMs record their arguments.
	bin := t.TempDir()
	record := filepath.Join(bin, "args")
	for _, vmm := range []string{"qemu-system-x86_64", "cloud-hypervisor"} {
		writeFiles(t, bin, map[string]string{vmm: "#!/bin/sh\nprintf '%s\\n' \"$(basename \"$0\")\" \"$@\" > " + record + "\n"})
		os.Chmod(filepath.Join(bin, vmm), 0o755)
	}
	vmlinuz := filepath.Join(kernel.path, "boot", "vmlinuz-6.6.10")
	for _, tc := range []struct {
		target string
		want   []string
	}{
		{"root//defs/testdata/vm:qemu-boot", []string{"qemu-system-x86_64", "-m", "512M", "-smp", "2", "-kernel", vmlinuz, "-append", "console=ttyS0 init=/sbin/init", "-nographic", "-no-reboot", "-initrd", initrd.path, "-enable-kvm", "-netdev", "user,id=net0,hostfwd=tcp::2222-:22", "-device", "virtio-net-pci,netdev=net0"}},
		{"root//defs/testdata/vm:ch-boot", []string{"cloud-hypervisor", "--memory", "size=1G", "--cpus", "boot=4", "--console", "off", "--serial", "tty", "--kernel", vmlinuz, "--cmdline", "console=ttyS0 root=/dev/vda rw quiet", "--initramfs", initrd.path, "--disk", "path=" + disk.path, "--net", "tap=tap0"}},
	} {
		d := h.build(ctx, tc.target)
		run := d.provider("RunInfo")
		if run == nil {
			t.Fatalf("%s has no RunInfo", tc.target)
		}
		args, _ := run.Attr("args")
		var argv []string
		var outs []*xartifact
		if err := flatten(args, &argv, &outs); err != nil {
			t.Fatal(err)
		}
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", tc.target, err, out)
		}
		got, err := os.ReadFile(record)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")); diff != "" {
			t.Errorf("%s command line (-want +got):\n%s", tc.target, diff)
		}
	}
}

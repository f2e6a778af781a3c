package model

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

type attrKind int

const (
	kString attrKind = iota
	kBool
	kInt
	kList
	kTuple
	kDict
	kDep
	kExecDep
	kToolchainDep
	kSource
	kOption
	kOneOf
	kLabel
	kEnum
	kAny
	kArg
	kDefaultOnly
)

// Attr is one attribute type made by attrs.*(): what values it accepts,
// its default (nil when mandatory) and, for deps, the providers required.
type Attr struct {
	kind      attrKind
	elems     []*Attr // list/option/default_only: [T]; dict: [K, V]; tuple/one_of: the members
	def       starlark.Value
	providers []*Provider
	enum      []string
	doc       string
	allowDir  bool // attrs.source(allow_directory = True)
}

func (a *Attr) String() string {
	switch a.kind {
	case kString:
		return "attrs.string()"
	case kBool:
		return "attrs.bool()"
	case kInt:
		return "attrs.int()"
	case kList:
		return "attrs.list(" + a.elems[0].String() + ")"
	case kTuple, kOneOf:
		var parts []string
		for _, e := range a.elems {
			parts = append(parts, e.String())
		}
		name := "tuple"
		if a.kind == kOneOf {
			name = "one_of"
		}
		return "attrs." + name + "(" + strings.Join(parts, ", ") + ")"
	case kDict:
		return "attrs.dict(" + a.elems[0].String() + ", " + a.elems[1].String() + ")"
	case kDep:
		return "attrs.dep()"
	case kExecDep:
		return "attrs.exec_dep()"
	case kToolchainDep:
		return "attrs.toolchain_dep()"
	case kSource:
		return "attrs.source()"
	case kOption:
		return "attrs.option(" + a.elems[0].String() + ")"
	case kLabel:
		return "attrs.label()"
	case kEnum:
		return "attrs.enum(" + strings.Join(a.enum, ", ") + ")"
	case kAny:
		return "attrs.any()"
	case kArg:
		return "attrs.arg()"
	case kDefaultOnly:
		return "attrs.default_only(" + a.elems[0].String() + ")"
	}
	return "attrs.?"
}
func (a *Attr) Type() string          { return "attribute" }
func (a *Attr) Freeze()               {}
func (a *Attr) Truth() starlark.Bool  { return true }
func (a *Attr) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: attribute") }

// mandatory reports whether a target must set the attribute.
func (a *Attr) mandatory() bool { return a.def == nil && a.kind != kOption && a.kind != kDefaultOnly }

// newAttrsModule builds the attrs struct.
func newAttrsModule() *starlarkstruct.Module {
	m := &starlarkstruct.Module{Name: "attrs", Members: starlark.StringDict{}}
	simple := map[string]attrKind{
		"string": kString, "bool": kBool, "int": kInt, "source": kSource, "label": kLabel,
		"any": kAny, "arg": kArg,
	}
	// Keyword arguments Buck2 accepts that change nothing the model checks.
	ignored := map[string]bool{"validate": true, "json": true, "anon_target_compatible": true,
		"pulls_plugins": true, "pulls_and_pushes_plugins": true}
	for name, k := range simple {
		k := k
		m.Members[name] = starlark.NewBuiltin("attrs."+name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			a := &Attr{kind: k}
			rest := kwargs[:0:0]
			for _, kv := range kwargs {
				switch key := string(kv[0].(starlark.String)); {
				case key == "allow_directory" && k == kSource:
					b, ok := kv[1].(starlark.Bool)
					if !ok {
						return nil, fmt.Errorf("%s: allow_directory must be a bool, got %s", name, kv[1].Type())
					}
					a.allowDir = bool(b)
				case ignored[key]:
				default:
					rest = append(rest, kv)
				}
			}
			return a, a.unpackCommon(b.Name(), args, rest)
		})
	}
	for name, k := range map[string]attrKind{"dep": kDep, "exec_dep": kExecDep, "toolchain_dep": kToolchainDep} {
		k := k
		m.Members[name] = starlark.NewBuiltin("attrs."+name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			a := &Attr{kind: k}
			var provs starlark.Value = starlark.NewList(nil)
			rest := kwargs[:0:0]
			for _, kv := range kwargs {
				if key := string(kv[0].(starlark.String)); key == "providers" {
					provs = kv[1]
					continue
				} else if ignored[key] {
					continue
				}
				rest = append(rest, kv)
			}
			iter := starlark.Iterate(provs)
			if iter == nil {
				return nil, fmt.Errorf("%s: providers must be a list of providers", b.Name())
			}
			defer iter.Done()
			var x starlark.Value
			for iter.Next(&x) {
				p, ok := x.(*Provider)
				if !ok {
					return nil, fmt.Errorf("%s: providers must be a list of providers, got %s", b.Name(), x.Type())
				}
				a.providers = append(a.providers, p)
			}
			return a, a.unpackCommon(b.Name(), args, rest)
		})
	}
	m.Members["list"] = containerAttr("attrs.list", kList, 1)
	m.Members["option"] = containerAttr("attrs.option", kOption, 1)
	m.Members["default_only"] = containerAttr("attrs.default_only", kDefaultOnly, 1)
	m.Members["dict"] = containerAttr("attrs.dict", kDict, 2)
	m.Members["tuple"] = containerAttr("attrs.tuple", kTuple, -1)
	m.Members["one_of"] = containerAttr("attrs.one_of", kOneOf, -1)
	m.Members["enum"] = starlark.NewBuiltin("attrs.enum", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("%s: expected one list of strings", b.Name())
		}
		a := &Attr{kind: kEnum}
		iter := starlark.Iterate(args[0])
		if iter == nil {
			return nil, fmt.Errorf("%s: expected a list of strings, got %s", b.Name(), args[0].Type())
		}
		defer iter.Done()
		var x starlark.Value
		for iter.Next(&x) {
			s, ok := starlark.AsString(x)
			if !ok {
				return nil, fmt.Errorf("%s: values must be strings, got %s", b.Name(), x.Type())
			}
			a.enum = append(a.enum, s)
		}
		return a, a.unpackCommon(b.Name(), nil, kwargs)
	})
	for _, name := range []string{"query", "configuration_label", "split_transition_dep", "transition_dep",
		"configured_dep", "plugin_dep", "versioned", "regex", "set", "named_set", "visibility", "within_view"} {
		name := name
		m.Members[name] = starlark.NewBuiltin("attrs."+name, func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return nil, notModelled("attrs." + name)
		})
	}
	for name, f := range m.Members {
		m.Members[name] = withDefaultCheck(f.(*starlark.Builtin))
	}
	return m
}

// withDefaultCheck coerces an attribute's default where attrs.*() is
// called, as Buck2 does (attrs_global.rs, with the coercion context of the
// .bzl file: its cell, no package).
func withDefaultCheck(f *starlark.Builtin) *starlark.Builtin {
	return starlark.NewBuiltin(f.Name(), func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		v, err := f.CallInternal(thread, args, kwargs)
		if err != nil {
			return nil, err
		}
		a, ok := v.(*Attr)
		fc := fileOf(thread)
		if !ok || a.def == nil || a.def == starlark.None || fc.interp == nil {
			return v, nil
		}
		c := &coercer{pkg: PackageID{Cell: fc.cell.Name}, cells: fc.interp.cells, bzl: true}
		if _, err := c.coerce(a, a.def); err != nil {
			return nil, fmt.Errorf("%s: default: %w", b.Name(), err)
		}
		return v, nil
	})
}

func containerAttr(name string, k attrKind, n int) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		a := &Attr{kind: k}
		if n >= 0 && len(args) != n || n < 0 && len(args) == 0 {
			return nil, fmt.Errorf("%s: expected %d attribute type argument(s), got %d", name, max(n, 1), len(args))
		}
		for _, x := range args {
			e, ok := x.(*Attr)
			if !ok {
				return nil, fmt.Errorf("%s: arguments must be attrs.* types, got %s", name, x.Type())
			}
			a.elems = append(a.elems, e)
		}
		rest := kwargs[:0:0]
		for _, kv := range kwargs {
			if s := string(kv[0].(starlark.String)); s == "sorted" {
				continue
			}
			rest = append(rest, kv)
		}
		if err := a.unpackCommon(name, nil, rest); err != nil {
			return nil, err
		}
		if k == kOption && a.def == nil {
			a.def = starlark.None
		}
		return a, nil
	})
}

func (a *Attr) unpackCommon(name string, args starlark.Tuple, kwargs []starlark.Tuple) error {
	var def starlark.Value
	var doc string
	if err := starlark.UnpackArgs(name, args, kwargs, "default?", &def, "doc?", &doc); err != nil {
		return err
	}
	a.def, a.doc = def, doc
	return nil
}

// RefKind says how an attribute refers to another target.
type RefKind string

const (
	RefDep       RefKind = "dep"
	RefExecDep   RefKind = "exec_dep"
	RefToolchain RefKind = "toolchain_dep"
	RefSource    RefKind = "source"
	RefLabel     RefKind = "label"
	// RefConfig is a configuration dependency: a select() key, a
	// platform or a compatibility condition. It must exist; Buck2 does
	// not check its visibility.
	RefConfig RefKind = "configuration"
)

// depRef is a coerced reference to another target inside an attribute value.
type depRef struct {
	label     Label
	kind      RefKind
	providers []*Provider
}

func (d *depRef) String() string        { return d.label.String() }
func (d *depRef) Type() string          { return "dep" }
func (d *depRef) Freeze()               {}
func (d *depRef) Truth() starlark.Bool  { return true }
func (d *depRef) Hash() (uint32, error) { return starlark.String(d.label.String()).Hash() }

// sourceRef is a coerced source file of the target's package.
type sourceRef struct{ path string } // relative to the package

func (s *sourceRef) String() string        { return s.path }
func (s *sourceRef) Type() string          { return "source" }
func (s *sourceRef) Freeze()               {}
func (s *sourceRef) Truth() starlark.Bool  { return true }
func (s *sourceRef) Hash() (uint32, error) { return starlark.String(s.path).Hash() }

// coercer carries what coercion needs: where relative labels and source
// paths resolve, and where to record references.
type coercer struct {
	pkg    PackageID
	cells  *Cells
	pkgDir string // absolute directory of the package, for source files
	// buildfiles are the build file names, to see sub-packages.
	buildfiles []string
	// bzl is set when coercing a default in a .bzl file: there is no
	// package, so a source path cannot be resolved.
	bzl  bool
	refs []*depRef
}

func typeErr(a *Attr, v starlark.Value) error {
	return fmt.Errorf("expected a value of %s, got %s %s", a, v.Type(), truncate(v.String()))
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// coerce checks v against the attribute type and returns the value the
// target stores. A select() is checked branch by branch.
func (c *coercer) coerce(a *Attr, v starlark.Value) (starlark.Value, error) {
	if s, ok := v.(*Select); ok {
		out := &Select{}
		for _, p := range s.parts {
			if p.branches == nil {
				cv, err := c.coerce(a, p.plain)
				if err != nil {
					return nil, err
				}
				out.parts = append(out.parts, selectPart{plain: cv})
				continue
			}
			np := selectPart{branches: []selectBranch{}}
			for _, b := range p.branches {
				if b.key != "DEFAULT" {
					l, err := ParseLabel(b.key, c.pkg, c.cells)
					if err != nil {
						return nil, fmt.Errorf("select key: %w", err)
					}
					c.refs = append(c.refs, &depRef{label: l, kind: RefConfig})
				}
				cv, err := c.coerce(a, b.value)
				if err != nil {
					return nil, fmt.Errorf("select branch %q: %w", b.key, err)
				}
				np.branches = append(np.branches, selectBranch{key: b.key, value: cv})
			}
			out.parts = append(out.parts, np)
		}
		return out, nil
	}
	switch a.kind {
	case kString:
		if _, ok := v.(starlark.String); ok {
			return v, nil
		}
	case kArg:
		if s, ok := starlark.AsString(v); ok {
			return c.coerceArg(s)
		}
	case kBool:
		if _, ok := v.(starlark.Bool); ok {
			return v, nil
		}
	case kInt:
		if _, ok := v.(starlark.Int); ok {
			return v, nil
		}
	case kAny:
		return v, nil
	case kEnum:
		if s, ok := starlark.AsString(v); ok {
			for _, e := range a.enum {
				if e == s {
					return v, nil
				}
			}
			return nil, fmt.Errorf("%q is not one of %s", s, strings.Join(a.enum, ", "))
		}
	case kOption:
		if v == starlark.None {
			return v, nil
		}
		return c.coerce(a.elems[0], v)
	case kDefaultOnly:
		return c.coerce(a.elems[0], v)
	case kOneOf:
		var errs []string
		for _, e := range a.elems {
			saved := len(c.refs)
			cv, err := c.coerce(e, v)
			if err == nil {
				return cv, nil
			}
			c.refs = c.refs[:saved]
			errs = append(errs, err.Error())
		}
		return nil, fmt.Errorf("no alternative of %s accepts %s: %s", a, truncate(v.String()), strings.Join(errs, "; "))
	case kList:
		switch l := v.(type) {
		case *starlark.List, starlark.Tuple:
			seq := l.(starlark.Indexable)
			out := make([]starlark.Value, seq.Len())
			for i := range out {
				cv, err := c.coerce(a.elems[0], seq.Index(i))
				if err != nil {
					return nil, fmt.Errorf("item %d: %w", i, err)
				}
				out[i] = cv
			}
			return starlark.NewList(out), nil
		}
	case kTuple:
		// Like Buck2 (coerce/attr_type/tuple.rs): a list or a tuple of at
		// most as many items as the type, missing items read as None.
		if t, ok := v.(starlark.Indexable); ok && (v.Type() == "tuple" || v.Type() == "list") {
			if t.Len() > len(a.elems) {
				return nil, fmt.Errorf("expected tuple of at most %d elements, got %d", len(a.elems), t.Len())
			}
			out := make(starlark.Tuple, len(a.elems))
			for i := range out {
				var item starlark.Value = starlark.None
				if i < t.Len() {
					item = t.Index(i)
				}
				cv, err := c.coerce(a.elems[i], item)
				if err != nil {
					return nil, fmt.Errorf("item %d: %w", i, err)
				}
				out[i] = cv
			}
			return out, nil
		}
	case kDict:
		if d, ok := v.(*starlark.Dict); ok {
			out := starlark.NewDict(d.Len())
			for _, kv := range d.Items() {
				ck, err := c.coerce(a.elems[0], kv[0])
				if err != nil {
					return nil, fmt.Errorf("key %s: %w", kv[0], err)
				}
				cv, err := c.coerce(a.elems[1], kv[1])
				if err != nil {
					return nil, fmt.Errorf("value of %s: %w", kv[0], err)
				}
				if err := out.SetKey(ck, cv); err != nil {
					return nil, err
				}
			}
			return out, nil
		}
	case kDep, kExecDep, kToolchainDep, kLabel:
		if s, ok := starlark.AsString(v); ok {
			l, err := ParseLabel(s, c.pkg, c.cells)
			if err != nil {
				return nil, err
			}
			kind := map[attrKind]RefKind{kDep: RefDep, kExecDep: RefExecDep, kToolchainDep: RefToolchain, kLabel: RefLabel}[a.kind]
			r := &depRef{label: l, kind: kind, providers: a.providers}
			c.refs = append(c.refs, r)
			return r, nil
		}
	case kSource:
		if s, ok := starlark.AsString(v); ok {
			if strings.Contains(s, "//") || strings.HasPrefix(s, ":") {
				l, err := ParseLabel(s, c.pkg, c.cells)
				if err != nil {
					return nil, err
				}
				r := &depRef{label: l, kind: RefSource}
				c.refs = append(c.refs, r)
				return r, nil
			}
			if c.bzl {
				return nil, fmt.Errorf("expected a package: `%s` can only be specified in a build file (use a label)", s)
			}
			// Buck2 tidies "./x" and "x/" before looking the path up.
			clean := strings.TrimSuffix(strings.TrimPrefix(s, "./"), "/")
			if clean == "" || path.IsAbs(clean) || path.Clean(clean) != clean || clean == ".." || strings.HasPrefix(clean, "../") {
				return nil, fmt.Errorf("source %q must be a normalized relative path inside the package", s)
			}
			if c.pkgDir != "" {
				if err := c.checkSourcePath(clean, a.allowDir); err != nil {
					return nil, err
				}
			}
			return &sourceRef{path: clean}, nil
		}
	}
	return nil, typeErr(a, v)
}

// checkSourcePath applies Buck2's rules for a source path: it must be a
// file of the package (not of a sub-package), or a directory when the
// attribute allows directories.
func (c *coercer) checkSourcePath(p string, allowDir bool) error {
	missing := fmt.Errorf("source file `%s` does not exist as a member of package `%s`", p, c.pkg)
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		dir := filepath.Join(c.pkgDir, filepath.FromSlash(strings.Join(parts[:i], "/")))
		for _, n := range c.buildfiles {
			if st, err := os.Stat(filepath.Join(dir, n)); err == nil && !st.IsDir() {
				return missing // the file belongs to a sub-package
			}
		}
	}
	st, err := os.Stat(filepath.Join(c.pkgDir, filepath.FromSlash(p)))
	if err != nil {
		return missing
	}
	if st.IsDir() && !allowDir {
		return fmt.Errorf("expected file, but got a directory for path `%s` in package `%s` (Buck2 needs attrs.source(allow_directory = True))", p, c.pkg)
	}
	return nil
}

// argValue is a coerced attrs.arg(): the text and the targets its
// $(macro ...) references name.
type argValue struct {
	text string
	refs []*depRef
}

func (a *argValue) String() string        { return strconv.Quote(a.text) }
func (a *argValue) Type() string          { return "string" }
func (a *argValue) Freeze()               {}
func (a *argValue) Truth() starlark.Bool  { return a.text != "" }
func (a *argValue) Hash() (uint32, error) { return starlark.String(a.text).Hash() }

// coerceArg parses the $(macro args) of a string-with-macros as Buck2's
// ArgAttrType does: location/location-platform/exe_target reference a
// dependency, location_exec/exe an exec dependency, location_toolchain a
// toolchain dependency, source a file of the package; query macros are not
// modelled; other macros are user placeholders.
func (c *coercer) coerceArg(s string) (starlark.Value, error) {
	out := &argValue{text: s}
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) || s[i+1] != '(' {
			continue
		}
		depth, j := 0, i+1
		for ; j < len(s); j++ {
			if s[j] == '(' {
				depth++
			} else if s[j] == ')' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		if j == len(s) {
			return nil, fmt.Errorf("unterminated macro in %q", s)
		}
		fields := strings.Fields(s[i+2 : j])
		i = j
		if len(fields) == 0 {
			continue
		}
		name, args := strings.TrimPrefix(fields[0], "@"), fields[1:]
		kind := RefKind("")
		switch name {
		case "location", "location-platform", "exe_target":
			kind = RefDep
		case "location_exec", "exe":
			kind = RefExecDep
		case "location_toolchain":
			kind = RefToolchain
		case "source":
			if len(args) != 1 {
				return nil, fmt.Errorf("$(source) takes one path, got %d arguments", len(args))
			}
			if c.pkgDir != "" {
				if err := c.checkSourcePath(args[0], false); err != nil {
					return nil, err
				}
			}
			continue
		case "query_outputs", "query_targets", "query_targets_and_outputs":
			return nil, notModelled("$(" + name + ") macros")
		default:
			continue // a user placeholder
		}
		if len(args) != 1 {
			return nil, fmt.Errorf("$(%s) takes one target, got %d arguments", name, len(args))
		}
		l, err := ParseLabel(args[0], c.pkg, c.cells)
		if err != nil {
			return nil, fmt.Errorf("$(%s): %w", name, err)
		}
		r := &depRef{label: l, kind: kind}
		c.refs = append(c.refs, r)
		out.refs = append(out.refs, r)
	}
	if len(out.refs) == 0 {
		return starlark.String(s), nil
	}
	return out, nil
}

package model

import (
	"fmt"
	"sort"
	"strings"

	"go.starlark.net/starlark"
)

// Rule is a rule type: made by rule() in a .bzl file, or one of the native
// rules of the prelude that the model provides in Go.
type Rule struct {
	name    string
	impl    starlark.Callable
	goImpl  func(a *analysis) ([]*ProviderInstance, error)
	attrs   map[string]*Attr
	defCell string // cell of the file that called rule(), for label defaults
	defFile string
	// toolchain and configuration rules are only flags in the model.
	isToolchain, isConfiguration bool
}

var _ starlark.Callable = (*Rule)(nil)

func (r *Rule) Name() string {
	if r.name == "" {
		return "<unexported rule from " + r.defFile + ">"
	}
	return r.name
}
func (r *Rule) String() string        { return "<rule " + r.Name() + ">" }
func (r *Rule) Type() string          { return "rule" }
func (r *Rule) Freeze()               {}
func (r *Rule) Truth() starlark.Bool  { return true }
func (r *Rule) Hash() (uint32, error) { return starlark.String(r.Name()).Hash() }

// IsToolchain reports is_toolchain_rule = True.
func (r *Rule) IsToolchain() bool { return r.isToolchain }

// standardAttrs are Buck2's internal attributes, which every rule has
// (buck2_node attrs/spec/internal.rs). labels and licenses are not among
// them: a rule that wants them declares them.
func standardAttrs() map[string]*Attr {
	strList := func() *Attr { return &Attr{kind: kList, elems: []*Attr{{kind: kString}}, def: starlark.NewList(nil)} }
	labelList := func() *Attr { return &Attr{kind: kList, elems: []*Attr{{kind: kLabel}}, def: starlark.NewList(nil)} }
	return map[string]*Attr{
		"name":                    {kind: kString},
		"visibility":              strList(),
		"within_view":             strList(),
		"default_target_platform": {kind: kOption, elems: []*Attr{{kind: kLabel}}, def: starlark.None},
		"target_compatible_with":  labelList(),
		"compatible_with":         labelList(),
		"exec_compatible_with":    labelList(),
		"tests":                   labelList(),
		"metadata":                {kind: kDict, elems: []*Attr{{kind: kString}, {kind: kAny}}, def: starlark.NewDict(0)},
		"modifiers":               {kind: kList, elems: []*Attr{{kind: kAny}}, def: starlark.NewList(nil)},
	}
}

// configAttrs are Buck2's configuration-dependency attributes: their
// labels name platforms and conditions.
var configAttrs = map[string]bool{"default_target_platform": true, "target_compatible_with": true, "compatible_with": true, "exec_compatible_with": true}

// nonConfigurable attributes cannot be select()s.
var nonConfigurable = map[string]bool{"name": true, "visibility": true, "within_view": true, "default_target_platform": true, "metadata": true, "modifiers": true}

func builtinRule(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var impl starlark.Callable
	var attrs *starlark.Dict
	var doc string
	var isToolchain, isConfig bool
	var cfg starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "impl", &impl, "attrs", &attrs, "doc?", &doc,
		"is_toolchain_rule?", &isToolchain, "is_configuration_rule?", &isConfig, "cfg?", &cfg); err != nil {
		return nil, err
	}
	if cfg != starlark.None {
		return nil, notModelled("rule(cfg = ...) transitions")
	}
	if isToolchain && isConfig {
		return nil, fmt.Errorf("rule defined with both `is_configuration_rule` and `is_toolchain_rule`, these options are mutually exclusive")
	}
	fc := fileOf(thread)
	r := &Rule{impl: impl, attrs: standardAttrs(), defCell: fc.cell.Name, defFile: fc.file, isToolchain: isToolchain, isConfiguration: isConfig}
	for _, kv := range attrs.Items() {
		name, ok := starlark.AsString(kv[0])
		if !ok {
			return nil, fmt.Errorf("rule: attribute names must be strings, got %s", kv[0].Type())
		}
		if _, std := r.attrs[name]; std {
			return nil, fmt.Errorf("rule: attribute %q is reserved: every rule already has it", name)
		}
		a, ok := kv[1].(*Attr)
		if !ok {
			return nil, fmt.Errorf("rule: attribute %q must be an attrs.* value, got %s", name, kv[1].Type())
		}
		r.attrs[name] = a
	}
	if fc.pkg == nil {
		fc.rules = append(fc.rules, createdRule{r, int(thread.CallFrame(1).Pos.Line)})
	}
	return r, nil
}

// Target is one target declared by a BUCK file.
type Target struct {
	Label      Label
	Rule       *Rule
	File       string // workspace-relative BUCK file
	Line       int    // line of the outermost call in the BUCK file
	Attrs      map[string]starlark.Value
	Visibility []Pattern
	WithinView []Pattern
	// Refs are the labels the attributes mention, in every select() branch.
	Refs []Ref

	pkgDir string
}

// Ref is one reference from a target's attribute to another target.
type Ref struct {
	Attr  string
	Kind  RefKind
	Label Label
	// Default is set when the reference comes from the attribute's
	// default, which within_view does not restrict.
	Default bool
}

// RuleName is the rule type's name.
func (t *Target) RuleName() string { return t.Rule.Name() }

func (r *Rule) CallInternal(thread *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	fc := fileOf(thread)
	if fc.pkg == nil {
		return nil, fmt.Errorf("rule %s can only be called while a BUCK file is evaluated, not while %s is loaded", r.Name(), fc.file)
	}
	if r.name == "" {
		return nil, fmt.Errorf("rule defined in %s is not assigned to a global of its .bzl file, so Buck2 cannot name it", r.defFile)
	}
	if len(args) > 0 {
		return nil, fmt.Errorf("rule %s takes keyword arguments only", r.Name())
	}
	p := fc.pkg
	line := p.callLine(thread)
	var errs []string
	given := map[string]starlark.Value{}
	for _, kv := range kwargs {
		given[string(kv[0].(starlark.String))] = kv[1]
	}
	nameV, ok := given["name"]
	name, isStr := starlark.AsString(nameV)
	if !ok || !isStr || name == "" {
		p.addDiag(line, fmt.Sprintf("rule %s: missing or non-string name", r.Name()))
		return starlark.None, nil
	}
	if err := checkTargetName(":"+name, name); err != nil {
		p.addDiag(line, fmt.Sprintf("%s: %v", r.Name(), err))
		return starlark.None, nil
	}
	t := &Target{Label: Label{Cell: p.ID.Cell, Package: p.ID.Path, Name: name}, Rule: r, File: p.File, Line: line, Attrs: map[string]starlark.Value{}, pkgDir: p.Dir}
	keys := make([]string, 0, len(given))
	for k := range given {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	c := &coercer{pkg: p.ID, cells: p.interp.cells, pkgDir: p.Dir, buildfiles: p.interp.buildfiles}
	for _, k := range keys {
		a, ok := r.attrs[k]
		if !ok {
			errs = append(errs, fmt.Sprintf("unknown attribute %q", k))
			continue
		}
		v := given[k]
		if _, isSel := v.(*Select); isSel && nonConfigurable[k] {
			errs = append(errs, fmt.Sprintf("attribute %q cannot be a select()", k))
			continue
		}
		if a.kind == kDefaultOnly {
			errs = append(errs, fmt.Sprintf("attribute %q is default_only and cannot be set", k))
			continue
		}
		if strings.HasPrefix(k, "_") {
			errs = append(errs, fmt.Sprintf("attribute %q is private (its name starts with _) and cannot be set", k))
			continue
		}
		before := len(c.refs)
		cv, err := c.coerce(a, v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("attribute %q: %v", k, err))
			continue
		}
		for _, ref := range c.refs[before:] {
			kind := ref.kind
			if configAttrs[k] {
				kind = RefConfig
			}
			t.Refs = append(t.Refs, Ref{Attr: k, Kind: kind, Label: ref.label})
		}
		t.Attrs[k] = cv
	}
	attrNames := make([]string, 0, len(r.attrs))
	for k := range r.attrs {
		attrNames = append(attrNames, k)
	}
	sort.Strings(attrNames)
	dc := &coercer{pkg: PackageID{Cell: r.defCell}, cells: p.interp.cells}
	for _, k := range attrNames {
		if _, ok := t.Attrs[k]; ok {
			continue
		}
		a := r.attrs[k]
		if _, set := given[k]; set {
			continue // already reported
		}
		if a.mandatory() {
			errs = append(errs, fmt.Sprintf("missing mandatory attribute %q", k))
			continue
		}
		def := a.def
		if def == nil {
			def = starlark.None
			if a.kind == kDefaultOnly && a.elems[0].def != nil {
				def = a.elems[0].def
			}
		}
		if def == starlark.None {
			t.Attrs[k] = def
			continue
		}
		before := len(dc.refs)
		cv, err := dc.coerce(a, def)
		if err != nil {
			errs = append(errs, fmt.Sprintf("default of attribute %q: %v", k, err))
			continue
		}
		for _, ref := range dc.refs[before:] {
			t.Refs = append(t.Refs, Ref{Attr: k, Kind: ref.kind, Label: ref.label, Default: true})
		}
		t.Attrs[k] = cv
	}
	for _, pat := range []struct {
		attr string
		out  *[]Pattern
	}{{"visibility", &t.Visibility}, {"within_view", &t.WithinView}} {
		l, _ := t.Attrs[pat.attr].(*starlark.List)
		for i := 0; l != nil && i < l.Len(); i++ {
			s, _ := starlark.AsString(l.Index(i))
			pt, err := ParsePattern(s, p.ID, p.interp.cells)
			if err != nil {
				errs = append(errs, fmt.Sprintf("attribute %q: %v", pat.attr, err))
				continue
			}
			*pat.out = append(*pat.out, pt)
		}
	}
	if len(errs) > 0 {
		p.mu.Lock()
		p.Rejected[name] = true
		p.mu.Unlock()
		for _, e := range errs {
			p.addDiag(line, fmt.Sprintf("%s (rule %s): %s", t.Label, r.Name(), e))
		}
		return starlark.None, nil
	}
	if prev, dup := p.byName[name]; dup {
		p.addDiag(line, fmt.Sprintf("target %q is already defined at %s:%d", name, prev.File, prev.Line))
		return starlark.None, nil
	}
	p.byName[name] = t
	p.Targets = append(p.Targets, t)
	return starlark.None, nil
}

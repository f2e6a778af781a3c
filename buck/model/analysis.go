package model

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// analysis is the state of running one target's rule implementation.
type analysis struct {
	target     *Target
	declared   []*Artifact
	byPath     map[string]*Artifact
	categories map[string]map[string]bool
	attrs      map[string]starlark.Value // resolved ctx.attrs
}

// DepResolver gives analysis the providers of already analysed targets and
// the configuration that select() resolves against.
type DepResolver interface {
	Resolver
	// Providers returns the analysis result of a target reached through
	// a reference of the given kind (exec deps are configured for the
	// execution platform).
	Providers(l Label, kind RefKind) (*Dependency, error)
}

// ConfiguredRefs lists the targets whose providers the analysis of t
// needs, after resolving select() for the configuration: the order in
// which targets must be analysed follows these edges.
func (in *Interp) ConfiguredRefs(t *Target, r Resolver) ([]Ref, error) {
	var refs []Ref
	names := sortedKeys(t.Attrs)
	for _, name := range names {
		v, err := resolveSelects(t.Attrs[name], t.Label.Pkg(), in.cells, r)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		walkRefs(v, func(d *depRef) {
			if d.kind != RefLabel && d.kind != RefConfig {
				refs = append(refs, Ref{Attr: name, Kind: d.kind, Label: d.label})
			}
		})
	}
	return refs, nil
}

// ConfiguredLabels returns the labels an attribute holds after resolving
// select() for the configuration (for target_compatible_with and
// compatible_with).
func (in *Interp) ConfiguredLabels(t *Target, attr string, r Resolver) ([]Label, error) {
	v, ok := t.Attrs[attr]
	if !ok {
		return nil, nil
	}
	v, err := resolveSelects(v, t.Label.Pkg(), in.cells, r)
	if err != nil {
		return nil, fmt.Errorf("attribute %q: %w", attr, err)
	}
	var out []Label
	walkRefs(v, func(d *depRef) { out = append(out, d.label) })
	return out, nil
}

func sortedKeys(m map[string]starlark.Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func resolveSelects(v starlark.Value, pkg PackageID, cs *Cells, r Resolver) (starlark.Value, error) {
	switch x := v.(type) {
	case *Select:
		rv, err := resolveSelect(x, pkg, cs, r)
		if err != nil {
			return nil, err
		}
		return resolveSelects(rv, pkg, cs, r)
	case *starlark.List:
		out := make([]starlark.Value, x.Len())
		for i := range out {
			e, err := resolveSelects(x.Index(i), pkg, cs, r)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return starlark.NewList(out), nil
	case starlark.Tuple:
		out := make(starlark.Tuple, len(x))
		for i := range x {
			e, err := resolveSelects(x[i], pkg, cs, r)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case *starlark.Dict:
		out := starlark.NewDict(x.Len())
		for _, kv := range x.Items() {
			e, err := resolveSelects(kv[1], pkg, cs, r)
			if err != nil {
				return nil, err
			}
			if err := out.SetKey(kv[0], e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

func walkRefs(v starlark.Value, f func(*depRef)) {
	switch x := v.(type) {
	case *depRef:
		f(x)
	case *argValue:
		for _, r := range x.refs {
			f(r)
		}
	case *starlark.List:
		for i := 0; i < x.Len(); i++ {
			walkRefs(x.Index(i), f)
		}
	case starlark.Tuple:
		for _, e := range x {
			walkRefs(e, f)
		}
	case *starlark.Dict:
		for _, kv := range x.Items() {
			walkRefs(kv[0], f)
			walkRefs(kv[1], f)
		}
	}
}

// Analyze runs the rule implementation of t. Its configured dependencies
// must already be analysed (r.Providers). It checks what Buck2 checks: the
// result is a list of providers with exactly one DefaultInfo and no
// provider type twice, and every declared output is bound by an action.
func (in *Interp) Analyze(t *Target, r DepResolver) (*Dependency, error) {
	a := &analysis{target: t, byPath: map[string]*Artifact{}, categories: map[string]map[string]bool{}, attrs: map[string]starlark.Value{}}
	for _, name := range sortedKeys(t.Attrs) {
		v, err := resolveSelects(t.Attrs[name], t.Label.Pkg(), in.cells, r)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		v, err = a.resolveAttr(t.Rule.attrs[name], v, r)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		a.attrs[name] = v
	}
	var result []*ProviderInstance
	if t.Rule.goImpl != nil {
		ps, err := t.Rule.goImpl(a)
		if err != nil {
			return nil, err
		}
		result = ps
	} else {
		thread := &starlark.Thread{Name: "analysis " + t.Label.String()}
		thread.SetLocal(fileKey, &fileCtx{cell: &Cell{Name: t.Label.Cell}, file: t.File})
		ret, err := starlark.Call(thread, t.Rule.impl, starlark.Tuple{a.ctx()}, nil)
		if err != nil {
			return nil, analysisError(err)
		}
		ps, err := providerList(ret)
		if err != nil {
			return nil, fmt.Errorf("implementation of %s: %w", t.Rule.Name(), err)
		}
		result = ps
	}
	seen := map[*int]bool{}
	hasDefault := false
	for _, p := range result {
		if seen[p.provider.id] {
			return nil, fmt.Errorf("implementation of %s returned %s twice", t.Rule.Name(), p.provider.Name())
		}
		seen[p.provider.id] = true
		if p.provider == DefaultInfo {
			hasDefault = true
		}
	}
	if !hasDefault {
		return nil, fmt.Errorf("implementation of %s did not return DefaultInfo", t.Rule.Name())
	}
	var unbound []string
	for _, art := range a.declared {
		if !art.decl.bound {
			unbound = append(unbound, art.path)
		}
	}
	if len(unbound) > 0 {
		return nil, fmt.Errorf("declared outputs not bound by any action: %s (Buck2: artifact must be bound by now; a run() output needs .as_output())", strings.Join(unbound, ", "))
	}
	for _, p := range result {
		p.Freeze()
	}
	return &Dependency{label: t.Label, providers: result}, nil
}

// providerList checks an implementation's return value.
func providerList(v starlark.Value) ([]*ProviderInstance, error) {
	l, ok := v.(*starlark.List)
	if !ok {
		return nil, fmt.Errorf("expected a list of providers, got %s", v.Type())
	}
	out := make([]*ProviderInstance, 0, l.Len())
	for i := 0; i < l.Len(); i++ {
		p, ok := l.Index(i).(*ProviderInstance)
		if !ok {
			return nil, fmt.Errorf("expected a list of providers, item %d is %s", i, l.Index(i).Type())
		}
		out = append(out, p)
	}
	return out, nil
}

// resolveAttr turns a coerced, select-free attribute value into what
// ctx.attrs holds: deps become dependencies, sources artifacts, labels
// label values and attrs.arg() strings command lines.
func (a *analysis) resolveAttr(at *Attr, v starlark.Value, r DepResolver) (starlark.Value, error) {
	switch x := v.(type) {
	case *depRef:
		switch x.kind {
		case RefLabel:
			return &LabelValue{x.label}, nil
		case RefSource:
			dep, err := r.Providers(x.label.Target(), x.kind)
			if err != nil {
				return nil, err
			}
			outs, err := defaultOutputs(dep, x.label.Sub)
			if err != nil {
				return nil, err
			}
			if len(outs) != 1 {
				return nil, fmt.Errorf("source %s must have exactly one default output, it has %d", x.label, len(outs))
			}
			return outs[0], nil
		}
		dep, err := r.Providers(x.label.Target(), x.kind)
		if err != nil {
			return nil, err
		}
		if x.label.Sub != "" {
			if dep, err = subTarget(dep, x.label); err != nil {
				return nil, err
			}
		}
		for _, p := range x.providers {
			if dep.Lookup(p) == nil {
				return nil, fmt.Errorf("dependency %s does not provide %s, which the attribute requires", x.label, p.Name())
			}
		}
		return dep, nil
	case *sourceRef:
		t := a.target
		return &Artifact{path: path.Join(t.Label.Package, x.path), isSource: true}, nil
	case *starlark.List:
		out := make([]starlark.Value, x.Len())
		for i := range out {
			e, err := a.resolveAttr(elemAttr(at, 0), x.Index(i), r)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return starlark.NewList(out), nil
	case starlark.Tuple:
		out := make(starlark.Tuple, len(x))
		for i := range x {
			e, err := a.resolveAttr(elemAttr(at, i), x[i], r)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case *starlark.Dict:
		out := starlark.NewDict(x.Len())
		for _, kv := range x.Items() {
			k, err := a.resolveAttr(elemAttr(at, 0), kv[0], r)
			if err != nil {
				return nil, err
			}
			e, err := a.resolveAttr(elemAttr(at, 1), kv[1], r)
			if err != nil {
				return nil, err
			}
			if err := out.SetKey(k, e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case starlark.String:
		if at = unwrapAttr(at); at != nil && at.kind == kArg {
			return &CmdArgs{items: []starlark.Value{x}}, nil
		}
	case *argValue:
		// The macros' targets become hidden inputs: the model keeps the
		// text as written rather than expanding the macros.
		c := &CmdArgs{items: []starlark.Value{starlark.String(x.text)}}
		for _, ref := range x.refs {
			dep, err := r.Providers(ref.label.Target(), ref.kind)
			if err != nil {
				return nil, err
			}
			outs, err := defaultOutputs(dep, ref.label.Sub)
			if err != nil {
				return nil, err
			}
			for _, o := range outs {
				c.hidden = append(c.hidden, o)
			}
		}
		return c, nil
	}
	return v, nil
}

// unwrapAttr strips option() and default_only().
func unwrapAttr(at *Attr) *Attr {
	for at != nil && (at.kind == kOption || at.kind == kDefaultOnly) {
		at = at.elems[0]
	}
	return at
}

// elemAttr is the attribute type of the i-th element of a container value
// (nil when unknown, as inside one_of()).
func elemAttr(at *Attr, i int) *Attr {
	at = unwrapAttr(at)
	if at == nil {
		return nil
	}
	switch at.kind {
	case kList:
		return at.elems[0]
	case kDict, kTuple:
		if i < len(at.elems) {
			return at.elems[i]
		}
	}
	return nil
}

func defaultOutputs(dep *Dependency, sub string) ([]*Artifact, error) {
	if sub != "" {
		d, err := subTarget(dep, Label{Sub: sub, Cell: dep.label.Cell, Package: dep.label.Package, Name: dep.label.Name})
		if err != nil {
			return nil, err
		}
		dep = d
	}
	di := dep.Lookup(DefaultInfo)
	if di == nil {
		return nil, fmt.Errorf("%s has no DefaultInfo", dep.label)
	}
	var out []*Artifact
	if l, ok := di.Field("default_outputs").(*starlark.List); ok {
		for i := 0; i < l.Len(); i++ {
			a, ok := l.Index(i).(*Artifact)
			if !ok {
				// The list was changed after DefaultInfo checked it.
				return nil, fmt.Errorf("%s: DefaultInfo.default_outputs holds %s, not an artifact", dep.label, l.Index(i).Type())
			}
			out = append(out, a)
		}
	}
	return out, nil
}

func subTarget(dep *Dependency, l Label) (*Dependency, error) {
	di := dep.Lookup(DefaultInfo)
	d, _ := di.Field("sub_targets").(*starlark.Dict)
	if d != nil {
		if v, ok, _ := d.Get(starlark.String(l.Sub)); ok {
			ps, err := providerList(v)
			if err != nil {
				return nil, err
			}
			return &Dependency{label: l, providers: ps}, nil
		}
	}
	return nil, fmt.Errorf("%s has no sub-target %q", l.Target(), l.Sub)
}

// ctx builds the value passed to the rule implementation.
func (a *analysis) ctx() starlark.Value {
	attrs := starlarkstruct.FromStringDict(starlarkstruct.Default, a.attrs)
	return &ctxValue{a: a, attrs: attrs}
}

type ctxValue struct {
	a     *analysis
	attrs starlark.Value
}

func (c *ctxValue) String() string        { return "<ctx " + c.a.target.Label.String() + ">" }
func (c *ctxValue) Type() string          { return "context" }
func (c *ctxValue) Freeze()               {}
func (c *ctxValue) Truth() starlark.Bool  { return true }
func (c *ctxValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: context") }
func (c *ctxValue) AttrNames() []string   { return []string{"actions", "attrs", "label"} }
func (c *ctxValue) Attr(name string) (starlark.Value, error) {
	switch name {
	case "attrs":
		return c.attrs, nil
	case "label":
		return &LabelValue{c.a.target.Label}, nil
	case "actions":
		return &actionsValue{c.a}, nil
	}
	return nil, notModelled("ctx." + name)
}

type actionsValue struct{ a *analysis }

func (v *actionsValue) String() string        { return "<actions>" }
func (v *actionsValue) Type() string          { return "actions" }
func (v *actionsValue) Freeze()               {}
func (v *actionsValue) Truth() starlark.Bool  { return true }
func (v *actionsValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: actions") }
func (v *actionsValue) AttrNames() []string {
	return []string{"copied_dir", "copy_file", "declare_output", "download_file", "run", "symlink_file", "symlinked_dir", "tset", "write", "write_json"}
}

type actionFn func(thread *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)

func (v *actionsValue) Attr(name string) (starlark.Value, error) {
	fns := map[string]actionFn{
		"declare_output": v.a.declareOutput,
		"write":          v.a.write,
		"write_json":     v.a.writeJSON,
		"run":            v.a.run,
		"copy_file":      v.a.copyFile,
		"symlink_file":   v.a.copyFile,
		"symlinked_dir":  v.a.symlinkedDir,
		"copied_dir":     v.a.symlinkedDir,
		"download_file":  v.a.downloadFile,
		"tset":           v.a.tset,
	}
	f, ok := fns[name]
	if !ok {
		return nil, notModelled("ctx.actions." + name)
	}
	return starlark.NewBuiltin("ctx.actions."+name, func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		return f(thread, b.Name(), args, kwargs)
	}), nil
}

func (a *analysis) declare(name string, dir bool) (*Artifact, error) {
	clean := path.Clean(name)
	if name == "" || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return nil, fmt.Errorf("output name %q must be a relative path", name)
	}
	if _, ok := a.byPath[clean]; ok {
		return nil, fmt.Errorf("output %q is declared twice", clean)
	}
	// Buck2 (actions.rs ConflictingOutputPaths): one output cannot be
	// inside another.
	for p := range a.byPath {
		if strings.HasPrefix(clean, p+"/") || strings.HasPrefix(p, clean+"/") {
			return nil, fmt.Errorf("output path `%s` conflicts with the output path `%s`", clean, p)
		}
	}
	art := &Artifact{owner: a.target.Label, path: clean, dir: dir, decl: &declaration{analysis: a}}
	a.byPath[clean] = art
	a.declared = append(a.declared, art)
	return art, nil
}

func (a *analysis) declareOutput(_ *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var first, second string
	var dir bool
	if err := starlark.UnpackArgs(name, args, kwargs, "prefix_or_filename", &first, "filename?", &second, "dir?", &dir); err != nil {
		return nil, err
	}
	if second != "" {
		first = path.Join(first, second)
	}
	art, err := a.declare(first, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return art, nil
}

// bind marks the output v (a name, an unbound artifact or an
// output_artifact) as produced by the action called by.
func (a *analysis) bind(v starlark.Value, by string) (*Artifact, error) {
	var art *Artifact
	switch x := v.(type) {
	case starlark.String:
		d, err := a.declare(string(x), false)
		if err != nil {
			return nil, err
		}
		art = d
	case *OutputArtifact:
		art = x.a
	case *Artifact:
		art = x
	default:
		return nil, fmt.Errorf("output must be a string, an artifact or an output_artifact, got %s", v.Type())
	}
	if art.isSource {
		return nil, fmt.Errorf("output %s is a source file", art.path)
	}
	if art.decl.analysis != a {
		return nil, fmt.Errorf("output %s was declared by %s, not by this target", art.path, art.owner)
	}
	if art.decl.bound {
		return nil, fmt.Errorf("output %s is already bound by %s", art.path, art.decl.boundBy)
	}
	art.decl.bound, art.decl.boundBy = true, by
	return art, nil
}

func (a *analysis) write(_ *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var out, content starlark.Value
	var exe, allowArgs, withInputs bool
	var absolute bool
	if err := starlark.UnpackArgs(name, args, kwargs, "output", &out, "content", &content, "is_executable?", &exe,
		"allow_args?", &allowArgs, "with_inputs?", &withInputs, "absolute?", &absolute); err != nil {
		return nil, err
	}
	if _, isStr := content.(starlark.String); !isStr {
		items, err := cmdItems([]starlark.Value{content})
		if err != nil {
			return nil, fmt.Errorf("%s: content: %w", name, err)
		}
		hasArtifacts := false
		walkCmd(&CmdArgs{items: items}, func(v starlark.Value) {
			switch v.(type) {
			case *Artifact, *OutputArtifact:
				hasArtifacts = true
			}
		})
		if hasArtifacts && !allowArgs {
			return nil, fmt.Errorf("%s: content holds artifacts, which needs allow_args = True", name)
		}
	}
	art, err := a.bind(out, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if allowArgs {
		return starlark.Tuple{art, starlark.NewList(nil)}, nil
	}
	return art, nil
}

func (a *analysis) writeJSON(_ *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var out, content starlark.Value
	var withInputs, pretty, absolute bool
	if err := starlark.UnpackArgs(name, args, kwargs, "output", &out, "content", &content, "with_inputs?", &withInputs, "pretty?", &pretty, "absolute?", &absolute); err != nil {
		return nil, err
	}
	art, err := a.bind(out, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return art, nil
}

// categoryRE is Buck2's category syntax (buck2_core category.rs): snake
// case, each section starting with a lowercase letter.
var categoryRE = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z][a-z0-9]*)*$`)

func (a *analysis) run(_ *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var cmd starlark.Value
	var category string
	var identifier starlark.Value = starlark.None
	var env *starlark.Dict
	var localOnly, preferLocal, preferRemote, printStderr, allowCache, noCleanup, offline bool
	var weight int
	var weightPct, exeDep, errHandler, metadata, outputsForErr, remoteExeDep starlark.Value
	if err := starlark.UnpackArgs(name, args, kwargs, "arguments", &cmd, "category", &category,
		"identifier?", &identifier, "env?", &env, "local_only?", &localOnly, "prefer_local?", &preferLocal,
		"prefer_remote?", &preferRemote, "always_print_stderr?", &printStderr, "weight?", &weight,
		"weight_percentage?", &weightPct, "allow_cache_upload?", &allowCache, "no_outputs_cleanup?", &noCleanup,
		"allow_offline_output_cache?", &offline, "exe?", &exeDep, "error_handler?", &errHandler,
		"metadata_env_var?", &metadata, "outputs_for_error_handler?", &outputsForErr, "remote_execution_dependencies?", &remoteExeDep); err != nil {
		return nil, err
	}
	if !categoryRE.MatchString(category) {
		return nil, fmt.Errorf("%s: invalid category `%s`: must be a snake_cased identifier of lowercase alphanumeric characters, each section beginning with a lowercase letter", name, category)
	}
	id := ""
	if identifier != starlark.None {
		s, ok := starlark.AsString(identifier)
		if !ok {
			return nil, fmt.Errorf("%s: identifier must be a string, got %s", name, identifier.Type())
		}
		id = s
	}
	// Buck2's invariant (actions/registry.rs): category-identifier pairs
	// are unique, and an action without identifier is alone in its category.
	ids, seen := a.categories[category]
	switch {
	case id == "" && seen:
		return nil, fmt.Errorf("%s: analysis produced multiple actions with category `%s` and at least one of them had no identifier; add an identifier to these actions to disambiguate them", name, category)
	case id != "" && ids[id]:
		return nil, fmt.Errorf("%s: action category `%s` contains duplicate identifier `%s`; category-identifier pairs must be unique within a rule", name, category, id)
	}
	if ids == nil {
		ids = map[string]bool{}
		a.categories[category] = ids
	}
	if id != "" {
		ids[id] = true
	}
	switch {
	case localOnly && preferLocal:
		return nil, fmt.Errorf("%s: cannot have `local_only = True` and `prefer_local = True` at the same time", name)
	case localOnly && preferRemote:
		return nil, fmt.Errorf("%s: cannot have `local_only = True` and `prefer_remote = True` at the same time", name)
	case preferLocal && preferRemote:
		return nil, fmt.Errorf("%s: cannot have `prefer_local = True` and `prefer_remote = True` at the same time", name)
	}
	line, err := newCmdArgs([]starlark.Value{cmd})
	if err != nil {
		return nil, fmt.Errorf("%s: arguments: %w", name, err)
	}
	if env != nil {
		for _, kv := range env.Items() {
			if _, ok := starlark.AsString(kv[0]); !ok {
				return nil, fmt.Errorf("%s: env keys must be strings, got %s", name, kv[0].Type())
			}
			if _, err := cmdItems([]starlark.Value{kv[1]}); err != nil {
				return nil, fmt.Errorf("%s: env[%s]: %w", name, kv[0], err)
			}
			walkCmd(kv[1], func(v starlark.Value) {
				if o, ok := v.(*OutputArtifact); ok {
					line.hidden = append(line.hidden, o)
				}
			})
		}
	}
	var outs []*OutputArtifact
	walkCmd(line, func(v starlark.Value) {
		if o, ok := v.(*OutputArtifact); ok {
			outs = append(outs, o)
		}
	})
	if len(outs) == 0 {
		return nil, fmt.Errorf("%s: expected at least one output artifact, did not get any (mark what the action writes with artifact.as_output())", name)
	}
	for _, o := range outs {
		if _, err := a.bind(o, name+" (category "+category+")"); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return starlark.None, nil
}

func (a *analysis) copyFile(_ *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var dest, src starlark.Value
	if err := starlark.UnpackArgs(name, args, kwargs, "dest", &dest, "src", &src); err != nil {
		return nil, err
	}
	if _, ok := src.(*Artifact); !ok {
		return nil, fmt.Errorf("%s: src must be an artifact, got %s", name, src.Type())
	}
	art, err := a.bind(dest, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return art, nil
}

func (a *analysis) symlinkedDir(_ *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var out starlark.Value
	var srcs *starlark.Dict
	if err := starlark.UnpackArgs(name, args, kwargs, "output", &out, "srcs", &srcs); err != nil {
		return nil, err
	}
	for _, kv := range srcs.Items() {
		if _, ok := starlark.AsString(kv[0]); !ok {
			return nil, fmt.Errorf("%s: srcs keys must be paths, got %s", name, kv[0].Type())
		}
		if _, ok := kv[1].(*Artifact); !ok {
			return nil, fmt.Errorf("%s: srcs[%s] must be an artifact, got %s", name, kv[0], kv[1].Type())
		}
	}
	if s, ok := out.(starlark.String); ok {
		d, err := a.declare(string(s), true)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = d
	}
	art, err := a.bind(out, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return art, nil
}

func (a *analysis) downloadFile(_ *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var out starlark.Value
	var url string
	var vpnless, sha1, sha256, size starlark.Value = starlark.None, starlark.None, starlark.None, starlark.None
	var exe, deferrable bool
	if err := starlark.UnpackArgs(name, args, kwargs, "output", &out, "url", &url, "vpnless_url?", &vpnless,
		"sha1?", &sha1, "sha256?", &sha256, "size_bytes?", &size, "is_executable?", &exe, "is_deferrable?", &deferrable); err != nil {
		return nil, err
	}
	if sha1 == starlark.None && sha256 == starlark.None {
		return nil, fmt.Errorf("%s: one of sha1 or sha256 is required", name)
	}
	for _, h := range []struct {
		v starlark.Value
		n int
	}{{sha1, 40}, {sha256, 64}} {
		if h.v == starlark.None {
			continue
		}
		s, ok := starlark.AsString(h.v)
		if !ok || len(s) != h.n {
			return nil, fmt.Errorf("%s: hash %s must be %d hex digits", name, h.v, h.n)
		}
	}
	art, err := a.bind(out, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return art, nil
}

// analysisError is a one-line message for an error raised by a rule
// implementation, naming where it was raised.
func analysisError(err error) error {
	ee, ok := err.(*starlark.EvalError)
	if !ok {
		return err
	}
	msg := ee.Msg
	if strings.Contains(msg, "called recursively") {
		msg = "recursion is not allowed (the Starlark spec forbids it and go.starlark.net rejects it): " + msg
	}
	for i := len(ee.CallStack) - 1; i >= 0; i-- {
		if pos := ee.CallStack[i].Pos; pos.Line > 0 {
			msg = fmt.Sprintf("%s (at %s:%d)", msg, pos.Filename(), pos.Line)
			break
		}
	}
	return fmt.Errorf("%s", msg)
}

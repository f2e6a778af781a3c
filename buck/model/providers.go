package model

import (
	"fmt"
	"sort"
	"strings"

	"go.starlark.net/starlark"
)

// Provider is a provider type: provider(fields=...) or a builtin such as
// DefaultInfo. Calling it makes a ProviderInstance.
type Provider struct {
	name   string // set when the .bzl global it is assigned to is known
	fields []string
	// params are constructor arguments that are not fields (DefaultInfo's
	// default_output, folded into default_outputs by check).
	params []string
	// check validates the fields of an instance of a builtin provider.
	check func(thread *starlark.Thread, fields map[string]starlark.Value) error
	id    *int // identity: distinct provider() calls are distinct types
}

var (
	_ starlark.Callable = (*Provider)(nil)
	_ starlark.HasAttrs = (*ProviderInstance)(nil)
)

func newBuiltinProvider(name string, fields []string, check func(*starlark.Thread, map[string]starlark.Value) error) *Provider {
	return &Provider{name: name, fields: fields, check: check, id: new(int)}
}

func (p *Provider) Name() string {
	if p.name == "" {
		return "<anonymous provider>"
	}
	return p.name
}
func (p *Provider) String() string        { return p.Name() }
func (p *Provider) Type() string          { return "provider" }
func (p *Provider) Freeze()               {}
func (p *Provider) Truth() starlark.Bool  { return true }
func (p *Provider) Hash() (uint32, error) { return starlark.String(p.Name()).Hash() }

func (p *Provider) CallInternal(thread *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("%s: takes keyword arguments only", p.Name())
	}
	inst := &ProviderInstance{provider: p, fields: map[string]starlark.Value{}}
	for _, kv := range kwargs {
		k := string(kv[0].(starlark.String))
		if !p.hasField(k) && !contains(p.params, k) {
			return nil, fmt.Errorf("%s: unknown field %q (fields: %s)", p.Name(), k, strings.Join(p.fields, ", "))
		}
		inst.fields[k] = kv[1]
	}
	if p.check != nil {
		if err := p.check(thread, inst.fields); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name(), err)
		}
	}
	for _, f := range p.params {
		delete(inst.fields, f)
	}
	for _, f := range p.fields {
		if _, ok := inst.fields[f]; !ok {
			inst.fields[f] = starlark.None
		}
	}
	return inst, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func (p *Provider) hasField(k string) bool {
	for _, f := range p.fields {
		if f == k {
			return true
		}
	}
	return false
}

// ProviderInstance is one provider value returned by a rule.
type ProviderInstance struct {
	provider *Provider
	fields   map[string]starlark.Value
}

func (pi *ProviderInstance) String() string {
	keys := make([]string, 0, len(pi.fields))
	for k := range pi.fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(pi.provider.Name() + "(")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%s", k, pi.fields[k])
	}
	return b.String() + ")"
}
func (pi *ProviderInstance) Type() string { return pi.provider.Name() }
func (pi *ProviderInstance) Freeze() {
	for _, v := range pi.fields {
		v.Freeze()
	}
}
func (pi *ProviderInstance) Truth() starlark.Bool  { return true }
func (pi *ProviderInstance) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: %s", pi.Type()) }
func (pi *ProviderInstance) Attr(name string) (starlark.Value, error) {
	v, ok := pi.fields[name]
	if !ok {
		return nil, fmt.Errorf("%s has no field %q", pi.provider.Name(), name)
	}
	return v, nil
}
func (pi *ProviderInstance) AttrNames() []string { return pi.provider.fields }

// Field returns a field value (None when absent).
func (pi *ProviderInstance) Field(name string) starlark.Value {
	if v, ok := pi.fields[name]; ok {
		return v
	}
	return starlark.None
}

func builtinProvider(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var fields, doc starlark.Value = starlark.NewList(nil), starlark.String("")
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "fields?", &fields, "doc?", &doc); err != nil {
		return nil, err
	}
	p := &Provider{id: new(int)}
	switch f := fields.(type) {
	case *starlark.List:
		for i := 0; i < f.Len(); i++ {
			s, ok := starlark.AsString(f.Index(i))
			if !ok {
				return nil, fmt.Errorf("provider: fields must be strings, got %s", f.Index(i).Type())
			}
			p.fields = append(p.fields, s)
		}
	case *starlark.Dict:
		for _, k := range f.Keys() {
			s, ok := starlark.AsString(k)
			if !ok {
				return nil, fmt.Errorf("provider: field names must be strings, got %s", k.Type())
			}
			p.fields = append(p.fields, s)
		}
	default:
		return nil, fmt.Errorf("provider: fields must be a list or a dict of field names, got %s", fields.Type())
	}
	seen := map[string]bool{}
	var dups []string
	for _, f := range p.fields {
		if seen[f] {
			dups = append(dups, "`"+f+"`")
		}
		seen[f] = true
	}
	if len(dups) > 0 {
		return nil, fmt.Errorf("provider: non-unique field names: [%s]", strings.Join(dups, ", "))
	}
	return p, nil
}

// Dependency is the analysis result of a dependency as seen in ctx.attrs:
// dep[Provider], dep.get(Provider), dep.label, dep.providers.
type Dependency struct {
	label     Label
	providers []*ProviderInstance
}

var (
	_ starlark.Mapping  = (*Dependency)(nil)
	_ starlark.HasAttrs = (*Dependency)(nil)
)

func (d *Dependency) String() string        { return "<dependency " + d.label.String() + ">" }
func (d *Dependency) Type() string          { return "dependency" }
func (d *Dependency) Freeze()               {}
func (d *Dependency) Truth() starlark.Bool  { return true }
func (d *Dependency) Hash() (uint32, error) { return starlark.String(d.label.String()).Hash() }

// Lookup returns the provider instance of type p, if the target returned one.
func (d *Dependency) Lookup(p *Provider) *ProviderInstance {
	for _, pi := range d.providers {
		if pi.provider.id == p.id {
			return pi
		}
	}
	return nil
}

func (d *Dependency) Get(k starlark.Value) (starlark.Value, bool, error) {
	p, ok := k.(*Provider)
	if !ok {
		return nil, false, fmt.Errorf("dependency index must be a provider, got %s", k.Type())
	}
	if pi := d.Lookup(p); pi != nil {
		return pi, true, nil
	}
	return nil, false, fmt.Errorf("%s does not provide %s", d.label, p.Name())
}

func (d *Dependency) Attr(name string) (starlark.Value, error) {
	switch name {
	case "label":
		return &LabelValue{d.label}, nil
	case "providers":
		vs := make([]starlark.Value, len(d.providers))
		for i, p := range d.providers {
			vs[i] = p
		}
		return starlark.NewList(vs), nil
	case "get":
		return starlark.NewBuiltin("get", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var p *Provider
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &p); err != nil {
				return nil, err
			}
			if pi := d.Lookup(p); pi != nil {
				return pi, nil
			}
			return starlark.None, nil
		}), nil
	}
	return nil, notModelled("dependency." + name)
}
func (d *Dependency) AttrNames() []string { return []string{"get", "label", "providers"} }

// LabelValue is a target label as a Starlark value (ctx.label, attrs.label()).
type LabelValue struct{ l Label }

func (v *LabelValue) String() string        { return v.l.String() }
func (v *LabelValue) Type() string          { return "label" }
func (v *LabelValue) Freeze()               {}
func (v *LabelValue) Truth() starlark.Bool  { return true }
func (v *LabelValue) Hash() (uint32, error) { return starlark.String(v.l.String()).Hash() }
func (v *LabelValue) Attr(name string) (starlark.Value, error) {
	switch name {
	case "name":
		return starlark.String(v.l.Name), nil
	case "package":
		return starlark.String(v.l.Package), nil
	case "cell":
		return starlark.String(v.l.Cell), nil
	case "sub_target":
		if v.l.Sub == "" {
			return starlark.None, nil
		}
		return starlark.NewList([]starlark.Value{starlark.String(v.l.Sub)}), nil
	case "raw_target":
		return starlark.NewBuiltin("raw_target", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return &LabelValue{v.l.Target()}, nil
		}), nil
	}
	return nil, notModelled("label." + name)
}
func (v *LabelValue) AttrNames() []string {
	return []string{"cell", "name", "package", "raw_target", "sub_target"}
}

func notModelled(what string) error {
	return fmt.Errorf("not modelled: %s", what)
}

// ConstraintOf reads a ConstraintValueInfo: the label of its setting and
// its own label. Providers made by user rules may hold anything, so the
// shape is checked.
func ConstraintOf(cv *ProviderInstance) (setting, value string, err error) {
	si, ok := cv.Field("setting").(*ProviderInstance)
	if !ok || si.provider != ConstraintSettingInfo {
		return "", "", fmt.Errorf("ConstraintValueInfo.setting must be a ConstraintSettingInfo, got %s", cv.Field("setting").Type())
	}
	return si.Field("label").String(), cv.Field("label").String(), nil
}

// Constraints reads the constraints of a ConfigurationInfo (a platform's
// configuration or a config_setting): setting label to value label.
func Constraints(ci *ProviderInstance) (map[string]string, error) {
	d, ok := ci.Field("constraints").(*starlark.Dict)
	if !ok {
		return nil, fmt.Errorf("ConfigurationInfo.constraints must be a dict, got %s", ci.Field("constraints").Type())
	}
	out := map[string]string{}
	for _, kv := range d.Items() {
		cv, ok := kv[1].(*ProviderInstance)
		if !ok || cv.provider != ConstraintValueInfo {
			return nil, fmt.Errorf("ConfigurationInfo.constraints values must be ConstraintValueInfo, got %s", kv[1].Type())
		}
		setting, value, err := ConstraintOf(cv)
		if err != nil {
			return nil, err
		}
		out[setting] = value
	}
	return out, nil
}

// PlatformConfiguration reads the ConfigurationInfo of a PlatformInfo.
func PlatformConfiguration(pi *ProviderInstance) (*ProviderInstance, error) {
	ci, ok := pi.Field("configuration").(*ProviderInstance)
	if !ok || ci.provider != ConfigurationInfo {
		return nil, fmt.Errorf("PlatformInfo.configuration must be a ConfigurationInfo, got %s", pi.Field("configuration").Type())
	}
	return ci, nil
}

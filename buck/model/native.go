package model

import (
	"fmt"
	"sort"

	"go.starlark.net/starlark"
)

// nativeRules are the prelude rules the model provides: their attributes
// follow the prelude's definitions, their implementations are the model's
// (the providers they return, not the commands they would run).
func nativeRules() map[string]*Rule {
	str := func() *Attr { return &Attr{kind: kString} }
	optStr := func() *Attr { return &Attr{kind: kOption, elems: []*Attr{str()}, def: starlark.None} }
	optArg := func() *Attr { return &Attr{kind: kOption, elems: []*Attr{{kind: kArg}}, def: starlark.None} }
	boolDef := func(b bool) *Attr { return &Attr{kind: kBool, def: starlark.Bool(b)} }
	list := func(e *Attr) *Attr { return &Attr{kind: kList, elems: []*Attr{e}, def: starlark.NewList(nil)} }
	src := func() *Attr { return &Attr{kind: kSource} }
	dep := func() *Attr { return &Attr{kind: kDep} }
	srcsAttr := func() *Attr {
		return &Attr{kind: kOneOf, elems: []*Attr{
			{kind: kList, elems: []*Attr{src()}},
			{kind: kDict, elems: []*Attr{str(), src()}},
		}, def: starlark.NewList(nil)}
	}
	mk := func(name string, impl func(*analysis) ([]*ProviderInstance, error), attrs map[string]*Attr) *Rule {
		r := &Rule{name: name, goImpl: impl, attrs: standardAttrs(), defCell: "prelude", defFile: "prelude"}
		// Every prelude rule declares these (prelude/decls/common.bzl).
		for _, k := range []string{"labels", "licenses", "contacts"} {
			r.attrs[k] = list(str())
		}
		for k, v := range attrs {
			r.attrs[k] = v
		}
		return r
	}
	optBool := func() *Attr { return &Attr{kind: kOption, elems: []*Attr{{kind: kBool}}, def: starlark.None} }
	rules := []*Rule{
		mk("alias", aliasImpl, map[string]*Attr{"actual": {kind: kOption, elems: []*Attr{dep()}, def: starlark.None}}),
		mk("filegroup", filegroupImpl, map[string]*Attr{"srcs": srcsAttr(), "copy": boolDef(true), "out": optStr(), "executable_bit_override": optBool()}),
		mk("export_file", exportFileImpl, map[string]*Attr{
			"src": {kind: kOption, elems: []*Attr{src()}, def: starlark.None}, "mode": optStr(), "out": optStr(), "executable_bit_override": optBool()}),
		mk("genrule", genruleImpl, map[string]*Attr{
			"srcs": srcsAttr(), "cmd": optArg(), "bash": optArg(), "cmd_exe": optArg(), "out": optStr(),
			"outs":                            {kind: kOption, elems: []*Attr{{kind: kDict, elems: []*Attr{str(), list(str())}}}, def: starlark.None},
			"default_outs":                    {kind: kOption, elems: []*Attr{list(str())}, def: starlark.None},
			"executable_outs":                 {kind: kOption, elems: []*Attr{list(str())}, def: starlark.None},
			"type":                            optStr(),
			"weight":                          {kind: kOption, elems: []*Attr{{kind: kInt}}, def: starlark.None},
			"environment_expansion_separator": optStr(),
			"executable":                      optBool(), "cacheable": optBool(), "remote": optBool(), "enable_sandbox": optBool(),
			"env":                        {kind: kDict, elems: []*Attr{str(), {kind: kArg}}, def: starlark.NewDict(0)},
			"allow_offline_output_cache": boolDef(false),
		}),
		mk("sh_binary", shBinaryImpl, map[string]*Attr{"main": src(), "resources": list(src()), "append_script_extension": boolDef(true), "copy_resources": boolDef(false), "deps": list(dep())}),
		mk("toolchain_alias", aliasImpl, map[string]*Attr{"actual": {kind: kToolchainDep}}),
		mk("constraint_setting", constraintSettingImpl, nil),
		mk("constraint_value", constraintValueImpl, map[string]*Attr{"constraint_setting": {kind: kDep, providers: []*Provider{ConstraintSettingInfo}}}),
		mk("platform", platformImpl, map[string]*Attr{
			"constraint_values": list(&Attr{kind: kDep, providers: []*Provider{ConstraintValueInfo}}),
			"deps":              list(&Attr{kind: kDep, providers: []*Provider{PlatformInfo}}),
		}),
		mk("config_setting", configSettingImpl, map[string]*Attr{
			"constraint_values": list(&Attr{kind: kDep, providers: []*Provider{ConstraintValueInfo}}),
			"values":            {kind: kDict, elems: []*Attr{str(), str()}, def: starlark.NewDict(0)},
		}),
	}
	out := map[string]*Rule{}
	for _, r := range rules {
		out[r.name] = r
	}
	for _, k := range []string{"constraint_setting", "constraint_value", "platform", "config_setting"} {
		out[k].isConfiguration = true
	}
	out["toolchain_alias"].isToolchain = true
	return out
}

// NativeRuleNames lists the prelude rules the model provides.
func NativeRuleNames() []string {
	var names []string
	for k := range nativeRules() {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func defaultInfo(outs ...*Artifact) *ProviderInstance {
	vs := make([]starlark.Value, len(outs))
	for i, a := range outs {
		vs[i] = a
	}
	return &ProviderInstance{provider: DefaultInfo, fields: map[string]starlark.Value{
		"default_outputs": starlark.NewList(vs),
		"other_outputs":   starlark.NewList(nil), "sub_targets": starlark.NewDict(0),
	}}
}

func artifactsOf(v starlark.Value) []*Artifact {
	var out []*Artifact
	switch x := v.(type) {
	case *Artifact:
		out = append(out, x)
	case *starlark.List:
		for i := 0; i < x.Len(); i++ {
			out = append(out, artifactsOf(x.Index(i))...)
		}
	case *starlark.Dict:
		for _, kv := range x.Items() {
			out = append(out, artifactsOf(kv[1])...)
		}
	}
	return out
}

// aliasImpl forwards the providers of actual (alias, toolchain_alias).
func aliasImpl(a *analysis) ([]*ProviderInstance, error) {
	if d, ok := a.attrs["actual"].(*Dependency); ok {
		return d.providers, nil
	}
	return []*ProviderInstance{defaultInfo()}, nil
}

func filegroupImpl(a *analysis) ([]*ProviderInstance, error) {
	return []*ProviderInstance{defaultInfo(artifactsOf(a.attrs["srcs"])...)}, nil
}

func exportFileImpl(a *analysis) ([]*ProviderInstance, error) {
	if art, ok := a.attrs["src"].(*Artifact); ok {
		return []*ProviderInstance{defaultInfo(art)}, nil
	}
	// Without src, export_file exports the file named like the target.
	c := &coercer{pkg: a.target.Label.Pkg(), pkgDir: a.target.pkgDir, buildfiles: []string{"BUCK", "BUCK.v2"}}
	if _, err := c.coerce(&Attr{kind: kSource}, starlark.String(a.target.Label.Name)); err != nil {
		return nil, fmt.Errorf("export_file without src: %w", err)
	}
	return []*ProviderInstance{defaultInfo(&Artifact{path: a.target.Label.Package + "/" + a.target.Label.Name, isSource: true})}, nil
}

func genruleImpl(a *analysis) ([]*ProviderInstance, error) {
	if a.attrs["cmd"] == starlark.None && a.attrs["bash"] == starlark.None {
		return nil, fmt.Errorf("genrule: one of cmd or bash is required")
	}
	out, outs := a.attrs["out"], a.attrs["outs"]
	if (out == starlark.None) == (outs == starlark.None) {
		return nil, fmt.Errorf("genrule: exactly one of out and outs must be set")
	}
	if s, ok := out.(starlark.String); ok {
		art, err := a.declare(string(s), false)
		if err != nil {
			return nil, err
		}
		art.decl.bound, art.decl.boundBy = true, "genrule"
		return []*ProviderInstance{defaultInfo(art)}, nil
	}
	di := defaultInfo()
	subs := starlark.NewDict(0)
	for _, kv := range outs.(*starlark.Dict).Items() {
		var arts []starlark.Value
		l := kv[1].(*starlark.List)
		for i := 0; i < l.Len(); i++ {
			art, err := a.declare(string(l.Index(i).(starlark.String)), false)
			if err != nil {
				return nil, err
			}
			art.decl.bound, art.decl.boundBy = true, "genrule"
			arts = append(arts, art)
		}
		_ = subs.SetKey(kv[0], starlark.NewList([]starlark.Value{defaultInfo(artifactsOf(starlark.NewList(arts))...)}))
	}
	di.fields["default_outputs"] = starlark.NewList(nil)
	di.fields["sub_targets"] = subs
	return []*ProviderInstance{di}, nil
}

func shBinaryImpl(a *analysis) ([]*ProviderInstance, error) {
	main := a.attrs["main"].(*Artifact)
	run := &ProviderInstance{provider: RunInfo, fields: map[string]starlark.Value{"args": &CmdArgs{items: []starlark.Value{main}}}}
	return []*ProviderInstance{defaultInfo(main), run}, nil
}

func labelInfo(p *Provider, a *analysis, extra map[string]starlark.Value) *ProviderInstance {
	f := map[string]starlark.Value{"label": &LabelValue{a.target.Label}}
	for k, v := range extra {
		f[k] = v
	}
	return &ProviderInstance{provider: p, fields: f}
}

func constraintSettingImpl(a *analysis) ([]*ProviderInstance, error) {
	return []*ProviderInstance{defaultInfo(), labelInfo(ConstraintSettingInfo, a, nil)}, nil
}

func constraintValueImpl(a *analysis) ([]*ProviderInstance, error) {
	setting := a.attrs["constraint_setting"].(*Dependency).Lookup(ConstraintSettingInfo)
	return []*ProviderInstance{defaultInfo(), labelInfo(ConstraintValueInfo, a, map[string]starlark.Value{"setting": setting})}, nil
}

func configurationOf(a *analysis) (*ProviderInstance, error) {
	constraints := starlark.NewDict(0)
	if l, ok := a.attrs["deps"].(*starlark.List); ok {
		for i := 0; i < l.Len(); i++ {
			cfg, err := PlatformConfiguration(l.Index(i).(*Dependency).Lookup(PlatformInfo))
			if err != nil {
				return nil, err
			}
			d, ok := cfg.Field("constraints").(*starlark.Dict)
			if !ok {
				return nil, fmt.Errorf("parent platform: ConfigurationInfo.constraints must be a dict")
			}
			for _, kv := range d.Items() {
				_ = constraints.SetKey(kv[0], kv[1])
			}
		}
	}
	l := a.attrs["constraint_values"].(*starlark.List)
	for i := 0; i < l.Len(); i++ {
		cv := l.Index(i).(*Dependency).Lookup(ConstraintValueInfo)
		setting, _, err := ConstraintOf(cv)
		if err != nil {
			return nil, err
		}
		_ = constraints.SetKey(starlark.String(setting), cv)
	}
	values := a.attrs["values"]
	if values == nil {
		values = starlark.NewDict(0)
	}
	return &ProviderInstance{provider: ConfigurationInfo, fields: map[string]starlark.Value{"constraints": constraints, "values": values}}, nil
}

func platformImpl(a *analysis) ([]*ProviderInstance, error) {
	cfg, err := configurationOf(a)
	if err != nil {
		return nil, err
	}
	return []*ProviderInstance{defaultInfo(), labelInfo(PlatformInfo, a, map[string]starlark.Value{"configuration": cfg})}, nil
}

func configSettingImpl(a *analysis) ([]*ProviderInstance, error) {
	cfg, err := configurationOf(a)
	if err != nil {
		return nil, err
	}
	return []*ProviderInstance{defaultInfo(), cfg}, nil
}

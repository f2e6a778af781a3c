package model

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Builtin providers with the fields Buck2 documents.
var (
	DefaultInfo           = &Provider{name: "DefaultInfo", fields: []string{"default_outputs", "other_outputs", "sub_targets"}, params: []string{"default_output"}, check: checkDefaultInfo, id: new(int)}
	RunInfo               = newBuiltinProvider("RunInfo", []string{"args"}, nil)
	PlatformInfo          = newBuiltinProvider("PlatformInfo", []string{"label", "configuration"}, nil)
	ConstraintSettingInfo = newBuiltinProvider("ConstraintSettingInfo", []string{"label"}, nil)
	ConstraintValueInfo   = newBuiltinProvider("ConstraintValueInfo", []string{"setting", "label"}, nil)
	ConfigurationInfo     = newBuiltinProvider("ConfigurationInfo", []string{"constraints", "values"}, nil)
)

func checkDefaultInfo(_ *starlark.Thread, f map[string]starlark.Value) error {
	if f["default_output"] != nil && f["default_outputs"] != nil && f["default_output"] != starlark.None && f["default_outputs"] != starlark.None {
		return fmt.Errorf("cannot specify both `default_output` and `default_outputs`")
	}
	if v := f["default_output"]; v != nil && v != starlark.None {
		if _, ok := v.(*Artifact); !ok {
			return fmt.Errorf("default_output must be an artifact, got %s", v.Type())
		}
	}
	for _, k := range []string{"default_outputs", "other_outputs"} {
		v := f[k]
		if v == nil || v == starlark.None {
			continue
		}
		iter := starlark.Iterate(v)
		if iter == nil {
			return fmt.Errorf("%s must be a list, got %s", k, v.Type())
		}
		var x starlark.Value
		for iter.Next(&x) {
			if _, ok := x.(*Artifact); ok {
				continue
			}
			if k == "other_outputs" && isCmdArgLike(x) {
				continue
			}
			iter.Done()
			return fmt.Errorf("%s must hold artifacts, got %s", k, x.Type())
		}
		iter.Done()
	}
	// Buck2 normalises: default_outputs is always a list (holding
	// default_output when that was given), other_outputs a list and
	// sub_targets a dict.
	if v := f["default_output"]; v != nil && v != starlark.None {
		f["default_outputs"] = starlark.NewList([]starlark.Value{v})
	}
	for _, k := range []string{"default_outputs", "other_outputs"} {
		if v := f[k]; v == nil || v == starlark.None {
			f[k] = starlark.NewList(nil)
		}
	}
	if v := f["sub_targets"]; v == nil || v == starlark.None {
		f["sub_targets"] = starlark.NewDict(0)
	}
	if v := f["sub_targets"]; v != nil && v != starlark.None {
		d, ok := v.(*starlark.Dict)
		if !ok {
			return fmt.Errorf("sub_targets must be a dict of name to list of providers, got %s", v.Type())
		}
		for _, kv := range d.Items() {
			if _, err := providerList(kv[1]); err != nil {
				return fmt.Errorf("sub_targets[%s]: %w", kv[0], err)
			}
		}
	}
	return nil
}

func checkRunInfo(_ *starlark.Thread, f map[string]starlark.Value) error {
	if v := f["args"]; v != nil && v != starlark.None {
		ca, err := newCmdArgs([]starlark.Value{v})
		if err != nil {
			return fmt.Errorf("args: %w", err)
		}
		f["args"] = ca
	}
	return nil
}

// globalBuiltins are the globals of a .bzl file besides native.
func globalBuiltins() starlark.StringDict {
	return starlark.StringDict{
		"rule":                  starlark.NewBuiltin("rule", builtinRule),
		"attrs":                 newAttrsModule(),
		"provider":              starlark.NewBuiltin("provider", builtinProvider),
		"struct":                starlark.NewBuiltin("struct", starlarkstruct.Make),
		"transitive_set":        starlark.NewBuiltin("transitive_set", builtinTransitiveSet),
		"cmd_args":              starlark.NewBuiltin("cmd_args", builtinCmdArgs),
		"DefaultInfo":           DefaultInfo,
		"RunInfo":               RunInfo,
		"PlatformInfo":          PlatformInfo,
		"ConstraintSettingInfo": ConstraintSettingInfo,
		"ConstraintValueInfo":   ConstraintValueInfo,
		"ConfigurationInfo":     ConfigurationInfo,
	}
}

// nativeFunctions are the globals of a BUCK file and the members of
// native in a .bzl file: the prelude's rules and the package functions.
func nativeFunctions() starlark.StringDict {
	d := starlark.StringDict{
		"select":           starlark.NewBuiltin("select", builtinSelect),
		"read_config":      starlark.NewBuiltin("read_config", builtinReadConfig),
		"read_root_config": starlark.NewBuiltin("read_root_config", builtinReadRootConfig),
		"host_info":        starlark.NewBuiltin("host_info", builtinHostInfo),
		"glob":             starlark.NewBuiltin("glob", builtinGlob),
		"package_name":     starlark.NewBuiltin("package_name", pkgString(func(p *Package) string { return p.ID.Path })),
		"get_base_path":    starlark.NewBuiltin("get_base_path", pkgString(func(p *Package) string { return p.ID.Path })),
		"get_cell_name":    starlark.NewBuiltin("get_cell_name", pkgString(func(p *Package) string { return p.ID.Cell })),
	}
	for name, r := range nativeRules() {
		d[name] = r
	}
	return d
}

func pkgString(f func(*Package) string) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
			return nil, err
		}
		fc := fileOf(thread)
		if fc.pkg == nil {
			return nil, fmt.Errorf("%s() can only be called while a BUCK file is evaluated", b.Name())
		}
		return starlark.String(f(fc.pkg)), nil
	}
}

func builtinReadConfig(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var section, key string
	var def starlark.Value = starlark.None
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &section, &key, &def); err != nil {
		return nil, err
	}
	fc := fileOf(thread)
	cell := fc.cell
	if fc.pkg != nil {
		if c, ok := fc.pkg.interp.cells.Lookup(fc.pkg.ID.Cell); ok {
			cell = c
		}
	}
	if v, ok := cell.Config.Get(section, key); ok {
		return starlark.String(v), nil
	}
	return def, nil
}

// builtinReadRootConfig reads the root cell's configuration, whatever the
// cell of the BUCK file.
func builtinReadRootConfig(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var section, key string
	var def starlark.Value = starlark.None
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 2, &section, &key, &def); err != nil {
		return nil, err
	}
	if _, isStr := def.(starlark.String); def != starlark.None && !isStr {
		return nil, fmt.Errorf("read_root_config: default must be a string or None, got %s", def.Type())
	}
	fc := fileOf(thread)
	var cfg *Config
	if fc.pkg != nil {
		cfg = fc.pkg.interp.cells.RootCell().Config
	} else if fc.interp != nil {
		cfg = fc.interp.cells.RootCell().Config
	}
	if v, ok := cfg.Get(section, key); ok {
		return starlark.String(v), nil
	}
	return def, nil
}

// builtinHostInfo models the machine check runs for as linux x86_64, so the
// result does not depend on where check runs.
func builtinHostInfo(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
		return nil, err
	}
	flags := func(on string, names ...string) starlark.Value {
		d := starlark.StringDict{}
		for _, n := range names {
			d[n] = starlark.Bool(n == on)
		}
		return starlarkstruct.FromStringDict(starlarkstruct.Default, d)
	}
	return starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{
		"os":   flags("is_linux", "is_linux", "is_macos", "is_windows", "is_freebsd", "is_unknown"),
		"arch": flags("is_x86_64", "is_x86_64", "is_aarch64", "is_arm", "is_i386", "is_riscv64", "is_unknown"),
	}), nil
}

// builtinGlob matches the files of the package directory as Buck2's glob
// does (interpreter/functions/path.rs): glob(include, *, exclude = []),
// files only, not descending into sub-packages; ** spans directories, *
// and ? stay in one; sorted.
func builtinGlob(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 1 {
		return nil, fmt.Errorf("glob: exclude must be passed by name (glob(include, exclude = [...]))")
	}
	var include, exclude starlark.Value = nil, starlark.NewList(nil)
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "include", &include, "exclude?", &exclude); err != nil {
		return nil, err
	}
	fc := fileOf(thread)
	if fc.pkg == nil {
		return nil, fmt.Errorf("glob() can only be called while a BUCK file is evaluated")
	}
	strs := func(what string, v starlark.Value) ([]string, error) {
		seq, ok := v.(starlark.Indexable)
		if !ok || v.Type() != "list" && v.Type() != "tuple" {
			return nil, fmt.Errorf("glob: %s must be a list or tuple of strings, got %s", what, v.Type())
		}
		var out []string
		for i := 0; i < seq.Len(); i++ {
			s, ok := starlark.AsString(seq.Index(i))
			if !ok {
				return nil, fmt.Errorf("glob: patterns must be strings, got %s", seq.Index(i).Type())
			}
			out = append(out, s)
		}
		return out, nil
	}
	inc, err := strs("include", include)
	if err != nil {
		return nil, err
	}
	exc, err := strs("exclude", exclude)
	if err != nil {
		return nil, err
	}
	root := fc.pkg.Dir
	names := fc.pkg.interp.buildfiles
	var files []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			for _, n := range names {
				if _, err := os.Stat(filepath.Join(p, n)); err == nil {
					return filepath.SkipDir
				}
			}
			return nil
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("glob: %w", err)
	}
	var out []starlark.Value
	for _, f := range files {
		if globAny(inc, f) && !globAny(exc, f) {
			out = append(out, starlark.String(f))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].(starlark.String) < out[j].(starlark.String) })
	return starlark.NewList(out), nil
}

func globAny(patterns []string, f string) bool {
	for _, p := range patterns {
		if globMatch(strings.Split(p, "/"), strings.Split(f, "/")) {
			return true
		}
	}
	return false
}

func globMatch(pat, parts []string) bool {
	if len(pat) == 0 {
		return len(parts) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(parts); i++ {
			if globMatch(pat[1:], parts[i:]) {
				return true
			}
		}
		return false
	}
	if len(parts) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], parts[0])
	return err == nil && ok && globMatch(pat[1:], parts[1:])
}

// RunInfo's check converts args to cmd_args, which itself accepts RunInfo:
// set it once at init to break the initialization cycle.
func init() { RunInfo.check = checkRunInfo }

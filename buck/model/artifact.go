package model

import (
	"fmt"
	"path"
	"strings"

	"go.starlark.net/starlark"
)

// Artifact is a source file or a file an action produces.
type Artifact struct {
	owner    Label // the target that declared it (build artifacts)
	path     string
	isSource bool
	dir      bool
	decl     *declaration // nil for source artifacts
}

// declaration is the binding state of a declared output.
type declaration struct {
	bound    bool
	boundBy  string
	analysis *analysis
}

var _ starlark.HasAttrs = (*Artifact)(nil)

func (a *Artifact) String() string {
	if a.isSource {
		return "<source " + a.path + ">"
	}
	return fmt.Sprintf("<build artifact %s bound to %s>", a.path, a.owner)
}
func (a *Artifact) Type() string          { return "artifact" }
func (a *Artifact) Freeze()               {}
func (a *Artifact) Truth() starlark.Bool  { return true }
func (a *Artifact) Hash() (uint32, error) { return starlark.String(a.String()).Hash() }
func (a *Artifact) Attr(name string) (starlark.Value, error) {
	switch name {
	case "short_path":
		return starlark.String(a.path), nil
	case "basename":
		return starlark.String(path.Base(a.path)), nil
	case "extension":
		return starlark.String(path.Ext(a.path)), nil
	case "is_source":
		return starlark.Bool(a.isSource), nil
	case "owner":
		if a.isSource {
			return starlark.None, nil
		}
		return &LabelValue{a.owner}, nil
	case "as_output":
		return starlark.NewBuiltin("as_output", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0); err != nil {
				return nil, err
			}
			if a.isSource {
				return nil, fmt.Errorf("as_output: %s is a source file, not a declared output", a.path)
			}
			if a.decl.bound {
				return nil, fmt.Errorf("as_output: %s is already bound by %s", a.path, a.decl.boundBy)
			}
			return &OutputArtifact{a}, nil
		}), nil
	}
	return nil, notModelled("artifact." + name)
}
func (a *Artifact) AttrNames() []string {
	return []string{"as_output", "basename", "extension", "is_source", "owner", "short_path"}
}

// OutputArtifact marks an artifact that an action writes (artifact.as_output()).
type OutputArtifact struct{ a *Artifact }

func (o *OutputArtifact) String() string        { return "<output " + o.a.path + ">" }
func (o *OutputArtifact) Type() string          { return "output_artifact" }
func (o *OutputArtifact) Freeze()               {}
func (o *OutputArtifact) Truth() starlark.Bool  { return true }
func (o *OutputArtifact) Hash() (uint32, error) { return starlark.String(o.String()).Hash() }

// CmdArgs is cmd_args(): a command line built from strings, artifacts and
// other command lines.
type CmdArgs struct {
	items     []starlark.Value
	hidden    []starlark.Value
	format    string
	delimiter *string
	quote     string
	frozen    bool
}

var _ starlark.HasAttrs = (*CmdArgs)(nil)

func (c *CmdArgs) String() string {
	var parts []string
	for _, it := range c.items {
		if s, ok := it.(starlark.String); ok {
			parts = append(parts, string(s))
		} else {
			parts = append(parts, it.String())
		}
	}
	return "cmd_args(" + strings.Join(parts, " ") + ")"
}
func (c *CmdArgs) Type() string          { return "cmd_args" }
func (c *CmdArgs) Freeze()               { c.frozen = true }
func (c *CmdArgs) Truth() starlark.Bool  { return len(c.items) > 0 }
func (c *CmdArgs) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: cmd_args") }
func (c *CmdArgs) Attr(name string) (starlark.Value, error) {
	switch name {
	case "add":
		return starlark.NewBuiltin("add", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if len(kwargs) > 0 {
				return nil, fmt.Errorf("cmd_args.add: unexpected keyword arguments")
			}
			if c.frozen {
				return nil, fmt.Errorf("cmd_args.add: this cmd_args is frozen")
			}
			items, err := cmdItems(args)
			if err != nil {
				return nil, fmt.Errorf("cmd_args.add: %w", err)
			}
			c.items = append(c.items, items...)
			return c, nil
		}), nil
	case "inputs":
		var arts []starlark.Value
		walkCmd(c, func(v starlark.Value) {
			if a, ok := v.(*Artifact); ok {
				arts = append(arts, a)
			}
		})
		return starlark.NewList(arts), nil
	case "outputs":
		var outs []starlark.Value
		walkCmd(c, func(v starlark.Value) {
			if o, ok := v.(*OutputArtifact); ok {
				outs = append(outs, o)
			}
		})
		return starlark.NewList(outs), nil
	case "copy":
		return starlark.NewBuiltin("copy", func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			cp := *c
			cp.frozen = false
			cp.items = append([]starlark.Value(nil), c.items...)
			cp.hidden = append([]starlark.Value(nil), c.hidden...)
			return &cp, nil
		}), nil
	}
	return nil, notModelled("cmd_args." + name)
}
func (c *CmdArgs) AttrNames() []string { return []string{"add", "copy", "inputs", "outputs"} }

// isCmdArgLike reports whether v may appear in a command line.
func isCmdArgLike(v starlark.Value) bool {
	switch x := v.(type) {
	case starlark.String, *Artifact, *OutputArtifact, *CmdArgs, *tsetProjection:
		return true
	case *ProviderInstance:
		return x.provider == RunInfo
	}
	return false
}

// cmdItems flattens lists and checks every item can be on a command line.
func cmdItems(vs []starlark.Value) ([]starlark.Value, error) {
	var out []starlark.Value
	for _, v := range vs {
		switch x := v.(type) {
		case *starlark.List, starlark.Tuple:
			seq := x.(starlark.Indexable)
			items := make([]starlark.Value, seq.Len())
			for i := range items {
				items[i] = seq.Index(i)
			}
			sub, err := cmdItems(items)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		case *ProviderInstance:
			if x.provider != RunInfo {
				return nil, fmt.Errorf("expected a command line item (str, artifact, cmd_args, RunInfo), got %s", x.Type())
			}
			out = append(out, x.Field("args"))
		default:
			if v == starlark.None || !isCmdArgLike(v) {
				return nil, fmt.Errorf("expected a command line item (str, artifact, cmd_args, RunInfo), got %s %s", v.Type(), truncate(v.String()))
			}
			out = append(out, v)
		}
	}
	return out, nil
}

func newCmdArgs(vs []starlark.Value) (*CmdArgs, error) {
	items, err := cmdItems(vs)
	if err != nil {
		return nil, err
	}
	return &CmdArgs{items: items}, nil
}

func builtinCmdArgs(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	c, err := newCmdArgs(args)
	if err != nil {
		return nil, fmt.Errorf("cmd_args: %w", err)
	}
	for _, kv := range kwargs {
		k := string(kv[0].(starlark.String))
		v := kv[1]
		str := func() (string, error) {
			s, ok := starlark.AsString(v)
			if !ok {
				return "", fmt.Errorf("cmd_args: %s must be a string, got %s", k, v.Type())
			}
			return s, nil
		}
		switch k {
		case "hidden":
			h, err := cmdItems([]starlark.Value{v})
			if err != nil {
				return nil, fmt.Errorf("cmd_args: hidden: %w", err)
			}
			c.hidden = h
		case "format":
			if c.format, err = str(); err != nil {
				return nil, err
			}
			if !strings.Contains(c.format, "{}") {
				return nil, fmt.Errorf("cmd_args: format %q has no {} placeholder", c.format)
			}
		case "delimiter":
			s, err := str()
			if err != nil {
				return nil, err
			}
			c.delimiter = &s
		case "quote":
			if c.quote, err = str(); err != nil {
				return nil, err
			}
			if c.quote != "shell" {
				return nil, fmt.Errorf("cmd_args: quote must be \"shell\", got %q", c.quote)
			}
		case "prepend", "absolute_prefix", "absolute_suffix", "parent", "relative_to", "ignore_artifacts", "replace_regex":
			return nil, notModelled("cmd_args(" + k + " = ...)")
		default:
			return nil, fmt.Errorf("cmd_args: unexpected keyword argument %q", k)
		}
	}
	return c, nil
}

// walkCmd calls f for every leaf item of a command line, hidden included.
func walkCmd(v starlark.Value, f func(starlark.Value)) {
	switch x := v.(type) {
	case *CmdArgs:
		for _, it := range x.items {
			walkCmd(it, f)
		}
		for _, it := range x.hidden {
			walkCmd(it, f)
		}
	case *tsetProjection:
		// Projections hold values of frozen sets: they cannot hold the
		// outputs of the action being built, and listing them would cost
		// the size of the closure per action.
	case *ProviderInstance:
		walkCmd(x.Field("args"), f)
	default:
		f(v)
	}
}

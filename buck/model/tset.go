package model

import (
	"fmt"
	"sync"

	"go.starlark.net/starlark"
)

// TSetDefinition is the value of transitive_set(): named projections and
// reductions over the values of a transitive set.
type TSetDefinition struct {
	name        string
	argsProj    map[string]starlark.Callable
	jsonProj    map[string]starlark.Callable
	reductions  map[string]starlark.Callable
	reductNames []string
}

func (d *TSetDefinition) String() string        { return "<transitive_set " + d.name + ">" }
func (d *TSetDefinition) Type() string          { return "transitive_set_definition" }
func (d *TSetDefinition) Freeze()               {}
func (d *TSetDefinition) Truth() starlark.Bool  { return true }
func (d *TSetDefinition) Hash() (uint32, error) { return starlark.String(d.name).Hash() }

func callableDict(name, what string, v *starlark.Dict) (map[string]starlark.Callable, []string, error) {
	out := map[string]starlark.Callable{}
	var names []string
	if v == nil {
		return out, nil, nil
	}
	for _, kv := range v.Items() {
		k, ok := starlark.AsString(kv[0])
		if !ok {
			return nil, nil, fmt.Errorf("%s: %s keys must be strings", name, what)
		}
		f, ok := kv[1].(starlark.Callable)
		if !ok {
			return nil, nil, fmt.Errorf("%s: %s[%q] must be a function, got %s", name, what, k, kv[1].Type())
		}
		out[k] = f
		names = append(names, k)
	}
	return out, names, nil
}

func builtinTransitiveSet(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var ap, jp, red *starlark.Dict
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "args_projections?", &ap, "json_projections?", &jp, "reductions?", &red); err != nil {
		return nil, err
	}
	d := &TSetDefinition{}
	var err error
	if d.argsProj, _, err = callableDict(b.Name(), "args_projections", ap); err != nil {
		return nil, err
	}
	if d.jsonProj, _, err = callableDict(b.Name(), "json_projections", jp); err != nil {
		return nil, err
	}
	if d.reductions, d.reductNames, err = callableDict(b.Name(), "reductions", red); err != nil {
		return nil, err
	}
	return d, nil
}

// TSet is one node of a transitive set made by ctx.actions.tset.
type TSet struct {
	def      *TSetDefinition
	value    starlark.Value // nil when the node has no value
	children []*TSet
	reduced  map[string]starlark.Value

	mu        sync.Mutex
	projected map[string][]starlark.Value // projection of this node's value
	complete  map[string]bool             // this node and all below are projected
}

// ensureProjected computes (once) the args projection proj of every node
// of the set, checking that each projected value can be on a command
// line. Nodes shared with sets analysed earlier are already complete, so
// the cost is proportional to the new nodes.
func (t *TSet) ensureProjected(thread *starlark.Thread, proj string, f starlark.Callable) error {
	t.mu.Lock()
	done := t.complete[proj]
	t.mu.Unlock()
	if done {
		return nil
	}
	var items []starlark.Value
	if t.value != nil {
		v, err := starlark.Call(thread, f, starlark.Tuple{t.value}, nil)
		if err != nil {
			return err
		}
		if items, err = cmdItems([]starlark.Value{v}); err != nil {
			return fmt.Errorf("args projection %q: %w", proj, err)
		}
	}
	for _, c := range t.children {
		if err := c.ensureProjected(thread, proj, f); err != nil {
			return err
		}
	}
	t.mu.Lock()
	if t.projected == nil {
		t.projected, t.complete = map[string][]starlark.Value{}, map[string]bool{}
	}
	t.projected[proj] = items
	t.complete[proj] = true
	t.mu.Unlock()
	return nil
}

func (t *TSet) String() string        { return "<transitive_set " + t.def.name + ">" }
func (t *TSet) Type() string          { return "transitive_set" }
func (t *TSet) Freeze()               {}
func (t *TSet) Truth() starlark.Bool  { return true }
func (t *TSet) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: transitive_set") }
func (t *TSet) AttrNames() []string {
	return []string{"children", "definition", "project_as_args", "reduce", "traverse", "value"}
}

// preorder lists the nodes with a value, each node once, parents first.
func (t *TSet) preorder() []*TSet {
	var out []*TSet
	seen := map[*TSet]bool{}
	stack := []*TSet{t}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		if n.value != nil {
			out = append(out, n)
		}
		for i := len(n.children) - 1; i >= 0; i-- {
			stack = append(stack, n.children[i])
		}
	}
	return out
}

func (t *TSet) Attr(name string) (starlark.Value, error) {
	switch name {
	case "value":
		if t.value == nil {
			return starlark.None, nil
		}
		return t.value, nil
	case "children":
		vs := make([]starlark.Value, len(t.children))
		for i, c := range t.children {
			vs[i] = c
		}
		return starlark.NewList(vs), nil
	case "definition":
		return t.def, nil
	case "reduce":
		return starlark.NewBuiltin("reduce", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var r string
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &r); err != nil {
				return nil, err
			}
			v, ok := t.reduced[r]
			if !ok {
				return nil, fmt.Errorf("reduce: %s has no reduction %q", t.def.name, r)
			}
			return v, nil
		}), nil
	case "traverse":
		return starlark.NewBuiltin("traverse", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			ordering := "preorder"
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "ordering?", &ordering); err != nil {
				return nil, err
			}
			if ordering != "preorder" {
				return nil, notModelled("transitive_set traversal ordering " + ordering)
			}
			var vs []starlark.Value
			for _, n := range t.preorder() {
				vs = append(vs, n.value)
			}
			return starlark.NewList(vs), nil
		}), nil
	case "project_as_args":
		return starlark.NewBuiltin("project_as_args", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var proj string
			ordering := "preorder"
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "projection", &proj, "ordering?", &ordering); err != nil {
				return nil, err
			}
			f, ok := t.def.argsProj[proj]
			if !ok {
				return nil, fmt.Errorf("project_as_args: %s has no args projection %q", t.def.name, proj)
			}
			if ordering != "preorder" {
				return nil, notModelled("transitive_set projection ordering " + ordering)
			}
			if err := t.ensureProjected(thread, proj, f); err != nil {
				return nil, err
			}
			return &tsetProjection{set: t, proj: proj}, nil
		}), nil
	case "project_as_json":
		return starlark.NewBuiltin("project_as_json", func(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var proj string
			ordering := "preorder"
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "projection", &proj, "ordering?", &ordering); err != nil {
				return nil, err
			}
			f, ok := t.def.jsonProj[proj]
			if !ok {
				return nil, fmt.Errorf("project_as_json: %s has no json projection %q", t.def.name, proj)
			}
			if ordering != "preorder" {
				return nil, notModelled("transitive_set projection ordering " + ordering)
			}
			// The values are computed (so errors in the projection show) but
			// not kept: only write_json consumes them.
			for _, n := range t.preorder() {
				if _, err := starlark.Call(thread, f, starlark.Tuple{n.value}, nil); err != nil {
					return nil, err
				}
			}
			return &tsetJSONProjection{set: t, proj: proj}, nil
		}), nil
	}
	return nil, notModelled("transitive_set." + name)
}

// tsetProjection is a transitive set projected as command line arguments.
// Like Buck2's, it is lazy: the items are only listed when asked for.
type tsetProjection struct {
	set  *TSet
	proj string
}

// items lists the projected items in preorder.
func (p *tsetProjection) items() []starlark.Value {
	var out []starlark.Value
	for _, n := range p.set.preorder() {
		out = append(out, n.projected[p.proj]...)
	}
	return out
}

func (p *tsetProjection) String() string        { return "<transitive_set_args_projection>" }
func (p *tsetProjection) Type() string          { return "transitive_set_args_projection" }
func (p *tsetProjection) Freeze()               {}
func (p *tsetProjection) Truth() starlark.Bool  { return true }
func (p *tsetProjection) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: projection") }

func (a *analysis) tset(thread *starlark.Thread, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var def *TSetDefinition
	var value starlark.Value
	var children starlark.Value = starlark.NewList(nil)
	if err := starlark.UnpackArgs(name, args, kwargs, "definition", &def, "value?", &value, "children?", &children); err != nil {
		return nil, err
	}
	t := &TSet{def: def, value: value, reduced: map[string]starlark.Value{}}
	iter := starlark.Iterate(children)
	if iter == nil {
		return nil, fmt.Errorf("%s: children must be a list of transitive sets, got %s", name, children.Type())
	}
	var x starlark.Value
	for iter.Next(&x) {
		c, ok := x.(*TSet)
		if !ok || c.def != def {
			iter.Done()
			return nil, fmt.Errorf("%s: children must be transitive sets of %s, got %s", name, def.name, x.Type())
		}
		t.children = append(t.children, c)
	}
	iter.Done()
	for _, r := range def.reductNames {
		var childVals []starlark.Value
		for _, c := range t.children {
			childVals = append(childVals, c.reduced[r])
		}
		var v starlark.Value = starlark.None
		if value != nil {
			v = value
		}
		out, err := starlark.Call(thread, def.reductions[r], starlark.Tuple{starlark.NewList(childVals), v}, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: reduction %q: %w", name, r, err)
		}
		t.reduced[r] = out
	}
	return t, nil
}

// tsetJSONProjection is a transitive set projected for write_json.
type tsetJSONProjection struct {
	set  *TSet
	proj string
}

func (p *tsetJSONProjection) String() string        { return "<transitive_set_json_projection>" }
func (p *tsetJSONProjection) Type() string          { return "transitive_set_json_projection" }
func (p *tsetJSONProjection) Freeze()               {}
func (p *tsetJSONProjection) Truth() starlark.Bool  { return true }
func (p *tsetJSONProjection) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: projection") }

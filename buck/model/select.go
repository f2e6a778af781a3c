package model

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Select is the value of select({...}), possibly concatenated with plain
// values or other selects by +. Each part is either a plain value or a
// branch map.
type Select struct {
	parts []selectPart
}

type selectPart struct {
	plain    starlark.Value // set when the part is not a select
	branches []selectBranch
}

type selectBranch struct {
	key   string // label string as written, or "DEFAULT"
	value starlark.Value
}

var (
	_ starlark.Value     = (*Select)(nil)
	_ starlark.HasBinary = (*Select)(nil)
)

func (s *Select) String() string {
	var parts []string
	for _, p := range s.parts {
		if p.branches == nil {
			parts = append(parts, p.plain.String())
			continue
		}
		var kv []string
		for _, b := range p.branches {
			kv = append(kv, fmt.Sprintf("%q: %s", b.key, b.value.String()))
		}
		parts = append(parts, "select({"+strings.Join(kv, ", ")+"})")
	}
	return strings.Join(parts, " + ")
}
func (s *Select) Type() string { return "selector" }
func (s *Select) Freeze() {
	for _, p := range s.parts {
		freezePart(p)
	}
}
func (s *Select) Truth() starlark.Bool  { return true }
func (s *Select) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable: selector") }

func freezePart(p selectPart) {
	if p.plain != nil {
		p.plain.Freeze()
	}
	for _, b := range p.branches {
		b.value.Freeze()
	}
}

func (s *Select) Binary(op syntax.Token, y starlark.Value, side starlark.Side) (starlark.Value, error) {
	if op != syntax.PLUS {
		return nil, nil
	}
	var other []selectPart
	if o, ok := y.(*Select); ok {
		other = o.parts
	} else {
		other = []selectPart{{plain: y}}
	}
	out := &Select{}
	if side == starlark.Left {
		out.parts = append(append(out.parts, s.parts...), other...)
	} else {
		out.parts = append(append(out.parts, other...), s.parts...)
	}
	return out, nil
}

func builtinSelect(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var d *starlark.Dict
	if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 1, &d); err != nil {
		return nil, err
	}
	part := selectPart{branches: []selectBranch{}}
	for _, item := range d.Items() {
		k, ok := starlark.AsString(item[0])
		if !ok {
			return nil, fmt.Errorf("select: keys must be label strings or \"DEFAULT\", got %s", item[0].Type())
		}
		part.branches = append(part.branches, selectBranch{key: k, value: item[1]})
	}
	return &Select{parts: []selectPart{part}}, nil
}

// Resolver picks select() branches for one configuration.
type Resolver interface {
	// Match reports whether the condition key (a label of a
	// constraint_value or config_setting target) holds in the
	// configuration, and the constraint values it requires, by which
	// the most specific matching key is chosen.
	Match(key Label) (ok bool, constraints []string, err error)
	// Configuration names the configuration in messages.
	Configuration() string
}

type selectMatch struct {
	key         string
	constraints map[string]bool
	value       starlark.Value
}

// refines is Buck2's ConfigSettingData::refines: a condition refines
// another when it requires all of the other's constraints and more.
func (m selectMatch) refines(o selectMatch) bool {
	if len(m.constraints) <= len(o.constraints) {
		return false
	}
	for c := range o.constraints {
		if !m.constraints[c] {
			return false
		}
	}
	return true
}

// sameValue compares branch values by their printed form.
func sameValue(a, b starlark.Value) bool { return a == b || a.String() == b.String() }

// resolveSelect returns the value of a coerced select for a configuration,
// as Buck2's CoercedAttr::select does: among the matching keys the most
// specific one wins (keys that no other refines; several of those must
// agree on the value), the first matching key must not disagree with it
// (an error in open-source Buck2), then DEFAULT; no match and no DEFAULT
// is an error.
func resolveSelect(s *Select, cur PackageID, cs *Cells, r Resolver) (starlark.Value, error) {
	var acc starlark.Value
	for _, p := range s.parts {
		v := p.plain
		if p.branches != nil {
			var matches []selectMatch
			var def starlark.Value
			var keys []string
			for _, b := range p.branches {
				if b.key == "DEFAULT" {
					def = b.value
					continue
				}
				keys = append(keys, b.key)
				l, err := ParseLabel(b.key, cur, cs)
				if err != nil {
					return nil, fmt.Errorf("select key: %w", err)
				}
				ok, cons, err := r.Match(l)
				if err != nil {
					return nil, err
				}
				if ok {
					m := selectMatch{key: b.key, constraints: map[string]bool{}, value: b.value}
					for _, c := range cons {
						m.constraints[c] = true
					}
					matches = append(matches, m)
				}
			}
			switch {
			case len(matches) > 0:
				var best []selectMatch
				for _, m := range matches {
					refined := false
					for _, b := range best {
						if b.refines(m) {
							refined = true
						}
					}
					if refined {
						continue
					}
					kept := best[:0]
					for _, b := range best {
						if !m.refines(b) {
							kept = append(kept, b)
						}
					}
					best = append(kept, m)
				}
				for _, b := range best[1:] {
					if !sameValue(b.value, best[0].value) {
						return nil, fmt.Errorf("both select keys `%s` and `%s` match the configuration, but neither is more specific and they have different values", best[0].key, b.key)
					}
				}
				if !sameValue(matches[0].value, best[0].value) {
					return nil, fmt.Errorf("first matching select key `%s` has different value than most specific match `%s`", matches[0].key, best[0].key)
				}
				v = best[0].value
			case def != nil:
				v = def
			default:
				return nil, fmt.Errorf("none of %d conditions matched configuration `%s` and no default was set: %s", len(keys), r.Configuration(), strings.Join(keys, ", "))
			}
		}
		if acc == nil {
			acc = v
			continue
		}
		sum, err := starlark.Binary(syntax.PLUS, acc, v)
		if err != nil {
			return nil, fmt.Errorf("select concatenation: %w", err)
		}
		acc = sum
	}
	return acc, nil
}

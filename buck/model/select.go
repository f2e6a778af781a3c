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
	// constraint_value or config_setting target) holds, and how many
	// constraints it needs, so the most specific match wins.
	Match(key Label) (ok bool, specificity int, err error)
}

// resolveSelect returns the value of a coerced select for a configuration.
// Buck2 takes the most specific matching condition, then DEFAULT, and
// fails when nothing matches.
func resolveSelect(s *Select, cur PackageID, cs *Cells, r Resolver) (starlark.Value, error) {
	var acc starlark.Value
	for _, p := range s.parts {
		v := p.plain
		if p.branches != nil {
			var best starlark.Value
			bestSpec, ambiguous := -1, ""
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
				ok, spec, err := r.Match(l)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
				switch {
				case spec > bestSpec:
					best, bestSpec, ambiguous = b.value, spec, ""
				case spec == bestSpec:
					ambiguous = b.key
				}
			}
			switch {
			case best != nil && ambiguous != "":
				return nil, fmt.Errorf("select: conditions matched ambiguously (%s and another condition of the same specificity)", ambiguous)
			case best != nil:
				v = best
			case def != nil:
				v = def
			default:
				return nil, fmt.Errorf("select: none of the %d conditions (%s) matched the configuration and there is no DEFAULT", len(keys), strings.Join(keys, ", "))
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

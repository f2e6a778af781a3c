package depspec

import (
	"fmt"
	"strconv"

	"buckos.dev/buckos/eapi"
)

// Evaluate reduces n with a USE configuration the way Portage's use_reduce
// does with flat=True: it returns the leaves that are enabled, in order,
// dropping every use? group whose condition does not hold. Leaves inside
// "||", "^^" and "??" groups are all returned (their choice is not made
// here). A nil use treats every flag as disabled.
func Evaluate(n *Node, use func(flag string) bool) []*Node {
	var out []*Node
	var walk func(*Node)
	walk = func(n *Node) {
		switch n.Kind {
		case Leaf:
			out = append(out, n)
			return
		case UseCond:
			if !condHolds(n, use) {
				return
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	if n != nil {
		walk(n)
	}
	return out
}

// Reduce returns a copy of n with every use? group resolved: disabled
// groups disappear, enabled groups are replaced by their items (spliced
// into an all-of parent, or kept as one "( ... )" member of an "||"/"^^"/
// "??" group). The operators themselves are kept. Leaves are shared with n.
func Reduce(n *Node, use func(flag string) bool) *Node {
	if n == nil {
		return nil
	}
	out := &Node{Kind: n.Kind, Flag: n.Flag, Negated: n.Negated, Leaf: n.Leaf, Atom: n.Atom, URI: n.URI}
	if n.Kind == Leaf {
		return out
	}
	if n.Kind == UseCond {
		out = &Node{Kind: AllOf}
	}
	out.Children = reduceItems(n.Children, out.Kind == AllOf, use)
	return out
}

func reduceItems(items []*Node, splice bool, use func(string) bool) []*Node {
	var out []*Node
	for _, c := range items {
		if c.Kind == UseCond && !condHolds(c, use) {
			continue
		}
		r := Reduce(c, use)
		if c.Kind == UseCond && splice {
			out = append(out, r.Children...)
			continue
		}
		out = append(out, r)
	}
	return out
}

func condHolds(n *Node, use func(string) bool) bool {
	on := use != nil && use(n.Flag)
	return on != n.Negated
}

// RequiredUseError names the top-level REQUIRED_USE item that a USE
// configuration violates and the innermost group that fails.
type RequiredUseError struct {
	Item  string // the top-level item, e.g. "ssl? ( ^^ ( gnutls openssl ) )"
	Group string // the failing group or flag inside it, e.g. "^^ ( gnutls openssl )"
}

func (e *RequiredUseError) Error() string {
	if e.Item == e.Group {
		return fmt.Sprintf("REQUIRED_USE %q is not satisfied", e.Item)
	}
	return fmt.Sprintf("REQUIRED_USE %q is not satisfied: %q fails", e.Item, e.Group)
}

// CheckRequiredUse checks a parsed REQUIRED_USE against the enabled flags
// with EAPI 7+ semantics (an empty "||" or "^^" group is false).
func CheckRequiredUse(n *Node, enabled func(flag string) bool) error {
	return checkRequiredUse(n, enabled, false)
}

// CheckRequiredUseEAPI is CheckRequiredUse for a given EAPI: before EAPI 7
// an empty "||" or "^^" group counts as satisfied.
func CheckRequiredUseEAPI(n *Node, eapiName string, enabled func(flag string) bool) error {
	emptyTrue := false
	if e, err := eapi.Get(eapiName); err == nil {
		emptyTrue = !e.EmptyGroupFalse
	} else if lvl, err := strconv.Atoi(eapiName); err == nil && lvl < 7 {
		emptyTrue = true
	}
	return checkRequiredUse(n, enabled, emptyTrue)
}

func checkRequiredUse(n *Node, enabled func(string) bool, emptyTrue bool) error {
	if n == nil {
		return nil
	}
	c := &ruChecker{enabled: enabled, emptyTrue: emptyTrue}
	items := []*Node{n}
	if n.Kind == AllOf {
		items = n.Children
	}
	for _, it := range items {
		c.failed = nil
		if !c.holds(it) {
			return &RequiredUseError{Item: it.String(), Group: c.failed.String()}
		}
	}
	return nil
}

type ruChecker struct {
	enabled   func(string) bool
	emptyTrue bool
	failed    *Node // innermost node found false
}

func (c *ruChecker) on(flag string) bool { return c.enabled != nil && c.enabled(flag) }

// holds evaluates one node; on failure it records the innermost failing
// node (the first one found false).
func (c *ruChecker) holds(n *Node) bool {
	ok := c.eval(n)
	if !ok && c.failed == nil {
		c.failed = n
	}
	return ok
}

func (c *ruChecker) eval(n *Node) bool {
	switch n.Kind {
	case Leaf:
		return c.on(n.Flag) != n.Negated
	case AllOf:
		for _, ch := range n.Children {
			if !c.holds(ch) {
				return false
			}
		}
		return true
	case UseCond:
		if c.on(n.Flag) == n.Negated {
			return true
		}
		for _, ch := range n.Children {
			if !c.holds(ch) {
				return false
			}
		}
		return true
	}
	// ||, ^^, ??: count the members that hold; a use? member whose
	// condition is false is not a member at all.
	// A failing member does not make the group fail by itself, so member
	// failures are not recorded.
	saved := c.failed
	defer func() { c.failed = saved }()
	members, count := 0, 0
	for _, ch := range n.Children {
		if ch.Kind == UseCond && c.on(ch.Flag) == ch.Negated {
			continue
		}
		members++
		if c.eval(ch) {
			count++
		}
	}
	switch n.Kind {
	case AnyOf:
		if members == 0 {
			return c.emptyTrue
		}
		return count >= 1
	case ExactlyOneOf:
		if members == 0 {
			return c.emptyTrue
		}
		return count == 1
	case AtMostOneOf:
		return count <= 1
	}
	return false
}

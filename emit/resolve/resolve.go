package resolve

import (
	"fmt"
	"strings"

	"github.com/bazelbuild/buildtools/build"

	"buckos.dev/buckos/ebuild/atom"
	"buckos.dev/buckos/ebuild/depspec"
)

// Context names what is being resolved, for Unresolved reports.
type Context struct {
	Package string // CATEGORY/PF of the ebuild that has the dependency
	Key     string // DEPEND, RDEPEND, ...
	EAPI    string // EAPI of that ebuild (atom syntax)
}

// Unresolved is an atom that resolves to nothing. It is never dropped: the
// BUCK file has an unresolved(ATOM, REASON) item where the atom stood, with
// a "# unresolved:" comment (docs/EMIT.md), and the sync report lists it.
type Unresolved struct {
	Package string // CATEGORY/PF of the ebuild with the dependency
	Atom    string // the atom as written
	Key     string // DEPEND, RDEPEND, ...
	Reason  string
}

func (u Unresolved) String() string {
	return fmt.Sprintf("%s: %s %s: %s", u.Package, u.Key, u.Atom, u.Reason)
}

// Resolve turns one atom into a dependency item:
//
//	cat/pkg             "cell//dir:PN"                 (default version)
//	cat/pkg:3           "cell//dir:3"                  (slot alias)
//	>=cat/pkg-1.2:3     version_dep("cell//dir", ">=1.2", slot = "3")
//	cat/pkg:=           slot_op("cell//dir:PN", "=")   (also "*", "3=")
//	cat/pkg[ssl,-x]     use_req(ITEM, ["ssl", "-x"])
//	!<cat/pkg-2 / !!... blocker("<cat/pkg-2", strong = False/True)
//
// An atom with no matching package or version still yields an item where
// it stood, plus an Unresolved:
//
//	unresolved("ATOM", "REASON")  # unresolved: ATOM: REASON
//
// never a label that does not exist: loading and analysis succeed, and
// defs fails only the build of a target whose USE selects the item (an
// any_of skips it for an alternative that resolves). A blocker of an
// unknown package is kept as a blocker and reported, never an error.
func (ix *Index) Resolve(ctx Context, a atom.Atom) (build.Expr, *Unresolved) {
	unresolved := func(reason string) *Unresolved {
		return &Unresolved{Package: ctx.Package, Atom: a.String(), Key: ctx.Key, Reason: reason}
	}
	var u *Unresolved
	e, ok := ix.pkgs[a.Key()]
	switch {
	case !ok && a.Blocker != atom.NoBlocker:
		u = unresolved("blocked package is not in any repository in play (blocker kept)")
	case !ok:
		u = unresolved("package is not in any repository in play")
	case a.Blocker == atom.NoBlocker:
		if reason := e.unsatisfied(a); reason != "" {
			u = unresolved(reason)
		}
	}

	if a.Blocker != atom.NoBlocker {
		// blocker() gets the whole atom without its "!"s: the blocked
		// versions, slot and USE settings are exactly what must not be in
		// the closure, and they usually do not exist (a label or a
		// version_dep could not name them).
		item := call("blocker", str(strings.TrimLeft(a.String(), "!")), kw("strong", &build.Ident{Name: pyBool(a.Blocker == atom.StrongBlocker)}))
		if u != nil {
			item.Comment().Suffix = []build.Comment{{Token: "# unresolved: " + u.Atom + ": " + u.Reason}}
		}
		return item, u
	}
	if u != nil {
		// The atom as written says everything the label, slot_op and
		// use_req would have said.
		item := call("unresolved", str(u.Atom), str(u.Reason))
		item.Comment().Suffix = []build.Comment{{Token: "# unresolved: " + u.Atom + ": " + u.Reason}}
		return item, u
	}
	place := e.place
	var item build.Expr
	switch {
	case a.Op != "":
		args := []build.Expr{str(place.Base()), str(constraint(a))}
		if a.Slot != "" {
			args = append(args, kw("slot", str(a.Slot)))
		}
		item = call("version_dep", args...)
	case a.Slot != "":
		item = str(place.Base() + ":" + a.Slot)
	default:
		item = str(place.Label())
	}
	if a.SlotOp != "" {
		op := a.SlotOp
		if a.Slot != "" && op == "=" {
			op = a.Slot + "="
		}
		item = call("slot_op", item, str(op))
	}
	if len(a.UseDeps) > 0 {
		flags := make([]build.Expr, len(a.UseDeps))
		for i, d := range a.UseDeps {
			flags[i] = str(d.String())
		}
		item = call("use_req", item, &build.ListExpr{List: flags})
	}
	return item, nil
}

// constraint writes the atom's version operator the way version_dep reads
// it (defs/private/version.bzl): ">=1.2", "=1.2-r1", "~1.2", "=1.2*".
func constraint(a atom.Atom) string {
	v := a.Version.String()
	if a.Op == "=*" {
		return "=" + v + "*"
	}
	return a.Op + v
}

// unsatisfied says why the item of a would not resolve in defs, or "" when
// it does: a version operator needs a matching version that is neither
// package.masked nor keyword-masked by -amd64 (version_dep's rule: stable
// first, then testing, then unkeyworded and live versions), a slot needs
// the slot alias (a version of that slot that may be a default), a plain
// atom needs the default version.
func (e *entry) unsatisfied(a atom.Atom) string {
	if a.Op == "" && a.SubSlot == "" {
		switch {
		case a.Slot == "":
			if !e.hasDefault {
				return "the package has no version that may be the default (all masked or live)"
			}
		default:
			ok, known := e.slotDefault[a.Slot]
			if !known {
				return "no version satisfies it"
			}
			if !ok {
				return "only masked or live versions satisfy it"
			}
		}
		return ""
	}
	if a.Op == "" {
		var cands []Version
		for _, v := range e.pkg.Versions {
			if (a.Slot == "" || v.Slot == a.Slot) && v.SubSlot == a.SubSlot {
				cands = append(cands, v)
			}
		}
		if len(cands) == 0 {
			return "no version satisfies it"
		}
		if _, ok := DefaultVersion(cands); !ok {
			return "only masked or live versions satisfy it"
		}
		return ""
	}
	matchMasked := false
	for i, v := range e.pkg.Versions {
		if a.Slot != "" && v.Slot != a.Slot {
			continue
		}
		if a.SubSlot != "" && v.SubSlot != a.SubSlot {
			continue
		}
		if e.parsed[i].IsZero() || !a.MatchesVersion(e.parsed[i]) {
			continue
		}
		if !v.Masked && v.Status() != "masked" {
			return ""
		}
		matchMasked = true
	}
	if matchMasked {
		return "only masked versions satisfy it"
	}
	return "no version satisfies it"
}

func str(s string) *build.StringExpr { return &build.StringExpr{Value: s} }

func kw(name string, v build.Expr) build.Expr {
	return &build.AssignExpr{LHS: &build.Ident{Name: name}, Op: "=", RHS: v}
}

func call(name string, args ...build.Expr) *build.CallExpr {
	return &build.CallExpr{X: &build.Ident{Name: name}, List: args, ForceCompact: true}
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// Depend resolves a whole dependency specification (*DEPEND value as in
// the md5-cache, parsed by ebuild/depspec): `|| ( )` → any_of([...])
// keeping the order, `flag? ( )` and `!flag? ( )` → use_if(flag, [...]),
// plain `( )` groups are flattened. Syntax errors are errors; atoms that
// resolve to nothing are Unresolved.
func (ix *Index) Depend(ctx Context, value string) ([]build.Expr, []Unresolved, error) {
	root, err := depspec.Parse(ctx.Key, value, ctx.EAPI)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", ctx.Package, err)
	}
	var unresolved []Unresolved
	var items func(nodes []*depspec.Node) ([]build.Expr, error)
	items = func(nodes []*depspec.Node) ([]build.Expr, error) {
		var out []build.Expr
		for _, n := range nodes {
			switch n.Kind {
			case depspec.AllOf:
				inner, err := items(n.Children)
				if err != nil {
					return nil, err
				}
				out = append(out, inner...)
			case depspec.AnyOf:
				inner, err := items(n.Children)
				if err != nil {
					return nil, err
				}
				out = append(out, call("any_of", &build.ListExpr{List: inner}))
			case depspec.UseCond:
				inner, err := items(n.Children)
				if err != nil {
					return nil, err
				}
				flag := n.Flag
				if n.Negated {
					flag = "!" + flag
				}
				out = append(out, call("use_if", str(flag), &build.ListExpr{List: inner}))
			case depspec.Leaf:
				if n.Atom == nil {
					return nil, fmt.Errorf("%s: %s: %q is not an atom", ctx.Package, ctx.Key, n.Leaf)
				}
				item, u := ix.Resolve(ctx, *n.Atom)
				if u != nil {
					unresolved = append(unresolved, *u)
				}
				out = append(out, item)
			default:
				return nil, fmt.Errorf("%s: %s: %s group is not allowed in dependencies", ctx.Package, ctx.Key, n.Kind)
			}
		}
		return out, nil
	}
	out, err := items(root.Children)
	if err != nil {
		return nil, nil, err
	}
	return out, unresolved, nil
}

// Package atom parses PMS §8.3 package dependency specifications ("atoms")
// such as "!!>=dev-libs/foo-1.2:3/4=[bar,-baz(+),qux?]".
package atom

import (
	"fmt"
	"strings"

	"buckos.dev/buckos/ebuild/version"
)

// Blocker strengths.
const (
	NoBlocker     = 0
	WeakBlocker   = 1 // "!"
	StrongBlocker = 2 // "!!"
)

// Atom is one package dependency specification.
type Atom struct {
	// Blocker is NoBlocker, WeakBlocker or StrongBlocker.
	Blocker int
	// Op is "", "<", "<=", "=", "~", ">=", ">" or "=*" (for "=cat/pkg-1.2*").
	Op       string
	Category string
	PN       string
	// Version is set exactly when Op is not "".
	Version *version.Version
	// Slot and SubSlot are from ":slot/subslot"; SlotOp is "", "=" or "*".
	Slot, SubSlot, SlotOp string
	UseDeps               []UseDep
	// Repo is from "::repo" (Portage extension, only with the empty EAPI).
	Repo string
}

// UseKind says which form a USE dependency has.
type UseKind int

const (
	// UsePlain is "[flag]" or "[-flag]".
	UsePlain UseKind = iota
	// UseEqual is "[flag=]" or "[!flag=]".
	UseEqual
	// UseConditional is "[flag?]" or "[!flag?]".
	UseConditional
)

// UseDep is one element of an atom's USE dependency list.
type UseDep struct {
	Flag string
	// Enabled is false for "-flag", "!flag=" and "!flag?".
	Enabled bool
	Kind    UseKind
	// Negated marks the "!" forms ("!flag=", "!flag?").
	Negated bool
	// Default is "", "+" for "(+)" or "-" for "(-)".
	Default string
}

// String returns the USE dependency as written in an atom.
func (u UseDep) String() string {
	var b strings.Builder
	switch {
	case u.Negated:
		b.WriteByte('!')
	case !u.Enabled:
		b.WriteByte('-')
	}
	b.WriteString(u.Flag)
	if u.Default != "" {
		b.WriteString("(" + u.Default + ")")
	}
	switch u.Kind {
	case UseEqual:
		b.WriteByte('=')
	case UseConditional:
		b.WriteByte('?')
	}
	return b.String()
}

// Key returns "category/pn".
func (a Atom) Key() string { return a.Category + "/" + a.PN }

// String returns the atom in Gentoo syntax; Parse(a.String()) == a.
func (a Atom) String() string {
	var b strings.Builder
	b.WriteString(strings.Repeat("!", a.Blocker))
	b.WriteString(strings.TrimSuffix(a.Op, "*"))
	b.WriteString(a.Key())
	if a.Version != nil {
		b.WriteString("-" + a.Version.String())
	}
	if a.Op == "=*" {
		b.WriteByte('*')
	}
	if a.Slot != "" || a.SlotOp != "" {
		b.WriteString(":" + a.Slot)
		if a.SubSlot != "" {
			b.WriteString("/" + a.SubSlot)
		}
		b.WriteString(a.SlotOp)
	}
	if a.Repo != "" {
		b.WriteString("::" + a.Repo)
	}
	if len(a.UseDeps) > 0 {
		b.WriteByte('[')
		for i, u := range a.UseDeps {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(u.String())
		}
		b.WriteByte(']')
	}
	return b.String()
}

// MatchesVersion reports whether a package version v satisfies the
// atom's version restriction (ignoring name, slot and USE). Atoms without an
// operator match every version.
func (a Atom) MatchesVersion(v version.Version) bool {
	if a.Op == "" || a.Version == nil {
		return true
	}
	c := version.Compare(v, *a.Version)
	switch a.Op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case "=":
		return c == 0
	case ">=":
		return c >= 0
	case ">":
		return c > 0
	case "~":
		return version.TildeMatch(*a.Version, v)
	case "=*":
		return version.GlobMatch(*a.Version, v)
	}
	return false
}

// MatchesSlot reports whether a package with SLOT "slot/subslot" satisfies
// the atom's slot restriction, as Portage's _match_slot: the slots must be
// equal, and the sub-slots too when the atom names one. Slot operators
// alone (":=", ":*") restrict nothing.
func (a Atom) MatchesSlot(slot, subslot string) bool {
	if a.Slot == "" {
		return true
	}
	return a.Slot == slot && (a.SubSlot == "" || a.SubSlot == subslot)
}

// Parse parses one atom as allowed by eapi ("" for no EAPI restrictions,
// which also allows "::repo"). Errors quote the atom and name the part that
// is wrong.
func Parse(s, eapi string) (Atom, error) {
	f, err := featuresFor(eapi)
	if err != nil {
		return Atom{}, fmt.Errorf("atom %q: %w", s, err)
	}
	a, err := parse(s, f)
	if err != nil {
		if eapi != "" {
			return Atom{}, fmt.Errorf("atom %q (EAPI %s): %w", s, eapi, err)
		}
		return Atom{}, fmt.Errorf("atom %q: %w", s, err)
	}
	return a, nil
}

func parse(s string, f features) (Atom, error) {
	var a Atom
	rest := s
	switch {
	case strings.HasPrefix(rest, "!!"):
		if !f.strongBlock {
			return a, fmt.Errorf("strong blocker \"!!\" not allowed")
		}
		a.Blocker, rest = StrongBlocker, rest[2:]
	case strings.HasPrefix(rest, "!"):
		a.Blocker, rest = WeakBlocker, rest[1:]
	}

	if i := strings.IndexByte(rest, '['); i >= 0 {
		if !f.useDeps {
			return a, fmt.Errorf("USE dependencies not allowed")
		}
		if !strings.HasSuffix(rest, "]") {
			return a, fmt.Errorf("unterminated USE dependency %q", rest[i:])
		}
		uses, err := parseUseDeps(rest[i+1:len(rest)-1], f)
		if err != nil {
			return a, err
		}
		a.UseDeps, rest = uses, rest[:i]
	} else if strings.Contains(rest, "]") {
		return a, fmt.Errorf("unexpected \"]\"")
	}

	if i := strings.Index(rest, "::"); i >= 0 {
		if !f.repoDeps {
			return a, fmt.Errorf("repository dependency %q not allowed in ebuilds", rest[i:])
		}
		a.Repo, rest = rest[i+2:], rest[:i]
		if !validRepo(a.Repo) {
			return a, fmt.Errorf("invalid repository name %q", a.Repo)
		}
	}

	if i := strings.IndexByte(rest, ':'); i >= 0 {
		if !f.slotDeps {
			return a, fmt.Errorf("slot dependencies not allowed")
		}
		if err := a.parseSlot(rest[i+1:], f); err != nil {
			return a, err
		}
		rest = rest[:i]
	}

	for _, op := range []string{"<=", ">=", "<", ">", "=", "~"} {
		if strings.HasPrefix(rest, op) {
			a.Op, rest = op, rest[len(op):]
			break
		}
	}
	if a.Op != "" && strings.HasSuffix(rest, "*") {
		if a.Op != "=" {
			return a, fmt.Errorf("\"*\" suffix only allowed with \"=\", not %q", a.Op)
		}
		a.Op, rest = "=*", rest[:len(rest)-1]
	}

	cat, pf, ok := strings.Cut(rest, "/")
	if !ok {
		return a, fmt.Errorf("missing category in %q", rest)
	}
	if !version.ValidCategory(cat) {
		return a, fmt.Errorf("invalid category %q", cat)
	}
	a.Category = cat
	if a.Op == "" {
		if !version.ValidPackageName(pf) {
			if _, _, err := version.SplitPF(pf); err == nil {
				return a, fmt.Errorf("version in %q needs an operator", pf)
			}
			return a, fmt.Errorf("invalid package name %q", pf)
		}
		a.PN = pf
		return a, nil
	}
	pn, pvr, err := version.SplitPF(pf)
	if err != nil {
		return a, fmt.Errorf("operator %q needs a valid package-version: %w", a.Op, err)
	}
	v, err := version.Parse(pvr)
	if err != nil {
		return a, err
	}
	a.PN, a.Version = pn, &v
	return a, nil
}

// parseSlot parses what follows ':' in an atom.
func (a *Atom) parseSlot(s string, f features) error {
	if strings.HasSuffix(s, "=") || strings.HasSuffix(s, "*") {
		if !f.slotOperator {
			return fmt.Errorf("slot operator in %q not allowed", ":"+s)
		}
		a.SlotOp, s = s[len(s)-1:], s[:len(s)-1]
		if a.SlotOp == "*" && s != "" {
			return fmt.Errorf("slot operator \"*\" cannot follow a slot in %q", ":"+s+"*")
		}
		if s == "" {
			return nil
		}
	}
	slot, sub, hasSub := strings.Cut(s, "/")
	if hasSub && !f.slotOperator {
		return fmt.Errorf("sub-slot in %q not allowed", ":"+s)
	}
	if !validSlot(slot) {
		return fmt.Errorf("invalid slot %q", slot)
	}
	if hasSub && !validSlot(sub) {
		return fmt.Errorf("invalid sub-slot %q", sub)
	}
	a.Slot, a.SubSlot = slot, sub
	return nil
}

// validSlot: PMS §3.1.3 [A-Za-z0-9+_.-], not starting with '-', '.' or '+'.
func validSlot(s string) bool {
	return version.ValidCategory(s)
}

// validRepo: PMS §3.1.5 [A-Za-z0-9_-], not starting with '-'.
func validRepo(s string) bool {
	if s == "" || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ValidUseFlag reports whether s is a valid USE flag name (PMS §3.1.4):
// [A-Za-z0-9+_@-], starting with a letter or digit.
func ValidUseFlag(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if i == 0 && !alnum {
			return false
		}
		if !alnum && c != '+' && c != '_' && c != '@' && c != '-' {
			return false
		}
	}
	return true
}

func parseUseDeps(s string, f features) ([]UseDep, error) {
	var out []UseDep
	// Like Portage, a flag may appear more than once, but always with the
	// same default.
	defaults := map[string]string{}
	for _, tok := range strings.Split(s, ",") {
		u, err := parseUseDep(tok, f)
		if err != nil {
			return nil, err
		}
		if d, ok := defaults[u.Flag]; ok && d != u.Default {
			return nil, fmt.Errorf("USE flag %q has conflicting defaults in USE dependencies", u.Flag)
		}
		defaults[u.Flag] = u.Default
		out = append(out, u)
	}
	return out, nil
}

func parseUseDep(tok string, f features) (UseDep, error) {
	u := UseDep{Enabled: true}
	s := tok
	if s == "" {
		return u, fmt.Errorf("empty USE dependency")
	}
	switch s[len(s)-1] {
	case '=':
		u.Kind, s = UseEqual, s[:len(s)-1]
	case '?':
		u.Kind, s = UseConditional, s[:len(s)-1]
	}
	switch {
	case strings.HasSuffix(s, "(+)"):
		u.Default, s = "+", s[:len(s)-3]
	case strings.HasSuffix(s, "(-)"):
		u.Default, s = "-", s[:len(s)-3]
	}
	if u.Default != "" && !f.useDefaults {
		return u, fmt.Errorf("USE dependency default in %q not allowed", tok)
	}
	switch {
	case strings.HasPrefix(s, "!"):
		if u.Kind == UsePlain {
			return u, fmt.Errorf("USE dependency %q: \"!\" needs \"=\" or \"?\"", tok)
		}
		u.Negated, u.Enabled, s = true, false, s[1:]
	case strings.HasPrefix(s, "-"):
		if u.Kind != UsePlain {
			return u, fmt.Errorf("USE dependency %q: \"-\" cannot be combined with \"=\" or \"?\"", tok)
		}
		u.Enabled, s = false, s[1:]
	}
	if !ValidUseFlag(s) {
		return u, fmt.Errorf("invalid USE dependency %q", tok)
	}
	u.Flag = s
	return u, nil
}

package source

import (
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
)

// ebuildEnv is the base environment of an evaluation: the PMS variables,
// INHERITED computed from the eclasses inherit recorded, and no user
// home directories. Keeping
// INHERITED on the Go side (rather than appending to a shell variable in
// every inherit) means an eclass's sourcing no longer reads the list of
// eclasses inherited before it, which would make each memoised sourcing
// (memo.go) depend on everything the ebuild inherited first.
type ebuildEnv struct {
	vars  map[string]expand.Variable // every lookup that no scope answers ends here
	names []string                   // sorted, for Each
	st    *run
}

// newEbuildEnv makes the base environment from NAME=value pairs (the last
// of a name wins), all exported like the environment of a process.
func newEbuildEnv(st *run, pairs []string) ebuildEnv {
	e := ebuildEnv{vars: make(map[string]expand.Variable, len(pairs)), st: st}
	for _, p := range pairs {
		name, val, _ := strings.Cut(p, "=")
		if _, dup := e.vars[name]; !dup {
			e.names = append(e.names, name)
		}
		e.vars[name] = expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: val}
	}
	slices.Sort(e.names)
	return e
}

func (e ebuildEnv) Get(name string) expand.Variable {
	if name == "INHERITED" {
		return e.st.inheritedVar()
	}
	if user, ok := strings.CutPrefix(name, "HOME "); ok {
		// The interpreter asks for "HOME user" to expand ~user, and
		// asks the system's user database (files outside the sandbox)
		// when the environment has no answer. No user is known here:
		// ~user stays as written, as bash leaves an unknown user's.
		return expand.Variable{Set: true, Kind: expand.String, Str: "~" + user}
	}
	return e.vars[name]
}

func (e ebuildEnv) Each(f func(string, expand.Variable) bool) {
	for _, name := range e.names {
		if !f(name, e.vars[name]) {
			return
		}
	}
	if v := e.st.inheritedVar(); v.IsSet() {
		f("INHERITED", v)
	}
}

// inheritedVar is INHERITED as Portage's inherit leaves it: each eclass
// inherited once, in order, after a space; exported; unset before the
// first inherit.
func (st *run) inheritedVar() expand.Variable {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.inherited) == 0 {
		return expand.Variable{}
	}
	if st.inheritedStr == "" {
		// Built once per change: inherit reads it several times per
		// eclass.
		st.inheritedStr = " " + strings.Join(st.inherited, " ")
	}
	return expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: st.inheritedStr}
}

// inheritedAssigned reports whether the script assigned INHERITED itself,
// so that the visible value is no longer the one inheritedVar computes.
func (st *run) inheritedAssigned(env expand.Environ) bool {
	v := env.Get("INHERITED")
	own := st.inheritedVar()
	return v.IsSet() != own.IsSet() || v.Str != own.Str || v.Kind != own.Kind
}

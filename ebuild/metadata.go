// Package ebuild holds what the evaluation of one ebuild produces: the
// metadata Portage would write to its md5-cache, plus what the emitter needs
// beyond it (final global variables and function sources).
package ebuild

// Ref names one ebuild file in a repository.
type Ref struct {
	Repo     string // repository name (profiles/repo_name or layout.conf repo-name)
	Category string // e.g. "sys-libs"
	PN       string // package name, e.g. "zlib"
	PVR      string // version with revision, e.g. "1.3.1-r1"
	Path     string // path of the .ebuild file
}

// PF is the package name with version and revision, e.g. "zlib-1.3.1-r1".
func (r Ref) PF() string { return r.PN + "-" + r.PVR }

// CPF is CATEGORY/PF, the name Portage uses in messages and the md5-cache.
func (r Ref) CPF() string { return r.Category + "/" + r.PF() }

// Eclass is one eclass sourced while evaluating an ebuild.
type Eclass struct {
	Name string
	MD5  string // md5 of the eclass file, hex
	Path string // file it was read from
}

// Var is a shell variable as it stood after the global scope was sourced.
type Var struct {
	Kind  VarKind
	Str   string            // KindString
	List  []string          // KindIndexed, in index order
	Assoc map[string]string // KindAssoc
}

// VarKind tells a scalar from the two bash array kinds.
type VarKind int

const (
	KindString VarKind = iota
	KindIndexed
	KindAssoc
)

// Func is the source of one shell function defined after sourcing.
type Func struct {
	Name   string
	Source string // printed by mvdan.cc/sh/v3/syntax, whole declaration
	File   string // ebuild or eclass file that defined it
	Line   int
}

// Metadata is the result of evaluating one ebuild's global scope.
type Metadata struct {
	Ref Ref
	// Raw holds the md5-cache keys (EAPI, SLOT, DEPEND, DEFINED_PHASES,
	// INHERIT, ...) exactly as Portage writes them: whitespace collapsed to
	// single spaces, empty values absent. It never holds _eclasses_ or _md5_.
	Raw map[string]string
	// Eclasses lists every eclass sourced, directly or indirectly, in the
	// order their inherit completed (Portage's INHERITED order).
	Eclasses []Eclass
	MD5      string // md5 of the ebuild file, hex
	Vars     map[string]Var
	Funcs    map[string]Func
	Warnings []string // QA notices (e.g. an intercepted sed in global scope)
}

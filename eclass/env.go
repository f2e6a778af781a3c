package eclass

import (
	"regexp"
	"strings"

	"buckos.dev/buckos/ebuild"
)

// eclassKnobs are global variables ebuilds set to configure the eclasses
// they inherit; the eclasses read them when inherited or in their phases.
var eclassKnobs = map[string]bool{
	"PYTHON_COMPAT": true, "DISTUTILS_USE_PEP517": true, "DISTUTILS_SINGLE_IMPL": true,
	"DISTUTILS_EXT": true, "DISTUTILS_OPTIONAL": true, "DISTUTILS_IN_SOURCE_BUILD": true,
	"CMAKE_BUILD_TYPE": true, "CMAKE_MAKEFILE_GENERATOR": true, "CMAKE_IN_SOURCE_BUILD": true,
	"CMAKE_QA_COMPAT_SKIP": true, "LUA_COMPAT": true, "USE_RUBY": true, "GO_OPTIONAL": true,
	"CARGO_OPTIONAL": true, "WANT_AUTOCONF": true, "WANT_AUTOMAKE": true, "WANT_LIBTOOL": true,
	"AUTOTOOLS_AUTO_DEPEND": true, "GNOME2_EAUTORECONF": true, "XORG_MULTILIB": true,
	"PERL_RM_FILES": true, "DIST_TEST": true, "MESON_VERIFY_SIG": true,
}

// notEnv are variables the phase runner sets itself or that are metadata,
// never passed as env.
var notEnv = map[string]bool{
	"EAPI": true, "DEPEND": true, "RDEPEND": true, "BDEPEND": true, "PDEPEND": true, "IDEPEND": true,
	"IUSE": true, "REQUIRED_USE": true, "SRC_URI": true, "LICENSE": true, "SLOT": true,
	"KEYWORDS": true, "DESCRIPTION": true, "HOMEPAGE": true, "RESTRICT": true, "PROPERTIES": true,
	"INHERIT": true, "INHERITED": true, "DEFINED_PHASES": true, "PATCHES": true, "DOCS": true,
	"HTML_DOCS": true, "P": true, "PN": true, "PV": true, "PR": true, "PVR": true, "PF": true,
	"CATEGORY": true, "EPREFIX": true, "EBUILD": true, "ECLASSDIR": true, "PORTDIR": true,
	"USE": true, "IUSE_EFFECTIVE": true,
}

var varRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// buildEnv picks the global variables a build needs that the phase runner
// does not set: the eclass knobs above, and the globals that verbatim
// functions read (MY_P, MY_PV, ...). Only values that are the same at
// build time qualify: not eclass internals (leading "_"), not metadata
// keys, not paths under the evaluator's build directories (S, WORKDIR and
// variables built from them are known only to the phase runner). Arrays
// are joined with spaces, and only for the knobs (PYTHON_COMPAT).
func buildEnv(m *ebuild.Metadata, phases map[string]string) map[string]string {
	want := map[string]bool{}
	for name := range eclassKnobs {
		want[name] = true
	}
	for _, src := range phases {
		for _, sub := range varRef.FindAllStringSubmatch(src, -1) {
			want[sub[1]] = true
		}
	}
	env := map[string]string{}
	for name := range want {
		v, ok := m.Vars[name]
		if !ok || strings.HasPrefix(name, "_") || notEnv[name] || runtimeVars[name] || strings.HasPrefix(name, "PORTAGE_") {
			continue
		}
		var val string
		switch {
		case v.Kind == ebuild.KindString:
			val = v.Str
		case v.Kind == ebuild.KindIndexed && eclassKnobs[name]:
			val = strings.Join(v.List, " ")
		default:
			continue
		}
		if mentionsBuildDir(m, val) {
			continue
		}
		env[name] = val
	}
	if len(env) == 0 {
		return nil
	}
	return env
}

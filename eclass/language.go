// Package eclass says what an inherited eclass set means for building: the
// build-system "language" of an ebuild (autotools, cmake, meson, cargo,
// go-module, python, perl, plain make, or none), the BuckOS macro that
// builds it, and what of its phase functions can be expressed declaratively
// (configure arguments, patches, docs) instead of being kept verbatim.
package eclass

import (
	"slices"
	"strings"

	"buckos.dev/buckos/ebuild"
)

// Language is the build-system family of an ebuild.
type Language string

const (
	Autotools Language = "autotools" // econf + emake (autotools eclass, or plain econf)
	CMake     Language = "cmake"     // cmake, cmake-multilib
	Meson     Language = "meson"     // meson, meson-multilib
	Cargo     Language = "cargo"
	GoModule  Language = "go-module"
	Python    Language = "python" // distutils-r1, python-r1, python-single-r1
	Perl      Language = "perl"   // perl-module
	Make      Language = "make"   // no build eclass: PMS default phases
	None      Language = "none"   // virtual/*, acct-*/*, metapackages: nothing to build
)

// Macro is the defs/ macro that builds a package of this language.
func (l Language) Macro() string {
	switch l {
	case Autotools:
		return "autotools_package"
	case CMake:
		return "cmake_package"
	case Meson:
		return "meson_package"
	case Cargo:
		return "cargo_package"
	case GoModule:
		return "go_package"
	case Python:
		return "python_package"
	case Perl:
		return "perl_package"
	case None:
		return "meta_package"
	default:
		return "ebuild_package"
	}
}

// family maps an eclass to the language it brings.
var family = map[string]Language{
	"autotools":        Autotools,
	"cmake":            CMake,
	"cmake-multilib":   CMake,
	"meson":            Meson,
	"meson-multilib":   Meson,
	"cargo":            Cargo,
	"go-module":        GoModule,
	"distutils-r1":     Python,
	"python-r1":        Python,
	"python-single-r1": Python,
	"perl-module":      Perl,
}

// precedence decides between several families in one inherit set: the
// eclass that drives configure/compile wins over one that only contributes
// helpers (cmake + cargo builds with cmake; autotools + python-single-r1
// builds with econf).
var precedence = []string{
	"cmake-multilib", "cmake", "meson-multilib", "meson", "distutils-r1",
	"cargo", "go-module", "perl-module", "autotools", "python-r1", "python-single-r1",
}

// Detect returns the language of an ebuild and why it was chosen.
//
//  1. virtual/*, acct-user/*, acct-group/* are None.
//  2. If the build phases (src_configure, src_compile, src_install) come from
//     an eclass, the family of the eclass that exported them wins: the last
//     EXPORT_FUNCTIONS is what Portage runs.
//  3. Otherwise the inherited eclasses (directly or not) in precedence order.
//  4. No family: a package with no SRC_URI and no phase functions is None,
//     anything else Make (PMS default phases; see also Analyze, which turns
//     Make into Autotools when the ebuild's src_configure calls econf).
func Detect(m *ebuild.Metadata) (Language, string) {
	cat := m.Ref.Category
	if cat == "virtual" || cat == "acct-user" || cat == "acct-group" {
		return None, "category " + cat
	}
	for _, phase := range []string{"src_configure", "src_compile", "src_install"} {
		f, ok := m.Funcs[phase]
		if !ok || ownFunc(m, f) {
			continue
		}
		if name, ok := exporter(f.Source, phase); ok {
			if l, ok := family[name]; ok {
				return l, phase + " exported by " + name + ".eclass"
			}
		}
	}
	inherited := map[string]bool{}
	for _, e := range m.Eclasses {
		inherited[e.Name] = true
	}
	for _, e := range strings.Fields(m.Raw["INHERIT"]) {
		inherited[e] = true
	}
	for _, name := range precedence {
		if inherited[name] {
			return family[name], "inherits " + name
		}
	}
	phases := m.Raw["DEFINED_PHASES"]
	if m.Raw["SRC_URI"] == "" && (phases == "" || phases == "-") {
		return None, "no SRC_URI and no phase functions"
	}
	return Make, "no build-system eclass"
}

// ownFunc reports whether the ebuild itself (not an eclass) defined f.
func ownFunc(m *ebuild.Metadata, f ebuild.Func) bool {
	if m.Ref.Path != "" && f.File == m.Ref.Path {
		return true
	}
	return strings.HasSuffix(f.File, ".ebuild")
}

// exporter recognises the body EXPORT_FUNCTIONS writes,
// `phase() { NAME_phase "$@"; }`, and returns NAME.
func exporter(src, phase string) (string, bool) {
	fields := strings.Fields(src)
	i := slices.Index(fields, "{")
	if i < 0 || i+1 >= len(fields) {
		return "", false
	}
	call := strings.TrimSuffix(fields[i+1], ";")
	name, ok := strings.CutSuffix(call, "_"+phase)
	return name, ok && name != ""
}

package eclass

import (
	"strings"
	"testing"
)

// Analyze never panics, whatever the ebuild's functions hold, and a
// function is either declarative or kept verbatim, never lost.
func FuzzAnalyze(f *testing.F) {
	f.Add("src_configure() {\n\tlocal a=( $(use_enable foo) )\n\teconf \"${a[@]}\"\n}", "autotools")
	f.Add("src_configure() {\n\tif use x; then a+=( y ); else a+=( z ); fi\n\tcmake_src_configure\n}", "cmake")
	f.Add("src_configure() { meson_src_configure $(meson_feature a b) ; }", "meson")
	f.Add("src_install() {\n\tdefault\n}", "")
	f.Add("src_configure() { econf \"$(usex a b c d e f)\" ${PV} ${EPREFIX}/x", "")
	f.Fuzz(func(t *testing.T, src, eclass string) {
		name := "src_configure"
		if strings.HasPrefix(src, "src_install") {
			name = "src_install"
		}
		m := meta("app-misc", map[string]string{"SRC_URI": "https://x/y.tar.gz"}, []string{eclass}, map[string]string{name: src})
		p := Analyze(m)
		_, verbatim := p.Phases[name]
		noted := false
		for _, n := range p.Notes {
			if n.Func == name {
				noted = true
				if n.Verbatim != verbatim {
					t.Fatalf("note %+v disagrees with Phases", n)
				}
			}
		}
		if !noted {
			t.Fatalf("%s has no note", name)
		}
		if !verbatim && name == "src_configure" && p.ArgsAttr == "" && len(p.Args) > 0 {
			t.Fatalf("arguments without an attribute: %+v", p.Args)
		}
	})
}

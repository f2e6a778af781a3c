package eclass

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild"
)

const ebuildPath = "repo/cat/foo/foo-1.2-r1.ebuild"

// meta builds a Metadata whose functions are defined by the ebuild itself
// unless their name starts with an eclass marker "ECLASS:".
func meta(cat string, raw map[string]string, eclasses []string, funcs map[string]string) *ebuild.Metadata {
	m := &ebuild.Metadata{
		Ref:   ebuild.Ref{Repo: "repo", Category: cat, PN: "foo", PVR: "1.2-r1", Path: ebuildPath},
		Raw:   raw,
		Funcs: map[string]ebuild.Func{},
		Vars:  map[string]ebuild.Var{},
	}
	for _, e := range eclasses {
		m.Eclasses = append(m.Eclasses, ebuild.Eclass{Name: e})
		// The phase implementations the real eclasses define.
		for _, ph := range eclassPhases[e] {
			name := e + "_" + ph
			m.Funcs[name] = ebuild.Func{Name: name, Source: name + "() {\n\t:\n}", File: "repo/eclass/" + e + ".eclass"}
		}
	}
	for name, src := range funcs {
		m.Funcs[name] = ebuild.Func{Name: name, Source: src, File: ebuildPath}
	}
	return m
}

var eclassPhases = map[string][]string{
	"cmake":            {"src_prepare", "src_configure", "src_compile", "src_test", "src_install"},
	"meson":            {"src_configure", "src_compile", "src_test", "src_install"},
	"multilib-minimal": {"src_configure", "src_compile", "src_test", "src_install"},
	"xdg":              {"src_prepare", "pkg_preinst", "pkg_postinst", "pkg_postrm"},
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name     string
		cat      string
		raw      map[string]string
		eclasses []string
		eclassFn map[string]string // functions defined by an eclass file
		want     Language
	}{
		{name: "virtual", cat: "virtual", eclasses: []string{"cmake"}, want: None},
		{name: "acct-user", cat: "acct-user", eclasses: []string{"acct-user"}, want: None},
		{name: "acct-group", cat: "acct-group", want: None},
		{name: "cmake", cat: "dev-libs", eclasses: []string{"toolchain-funcs", "cmake"}, want: CMake},
		{name: "cmake-multilib", cat: "dev-libs", eclasses: []string{"cmake-multilib"}, want: CMake},
		{name: "meson", cat: "dev-libs", eclasses: []string{"meson"}, want: Meson},
		{name: "meson over cargo", cat: "dev-libs", eclasses: []string{"cargo", "meson"}, want: Meson},
		{name: "cargo", cat: "dev-util", eclasses: []string{"cargo"}, want: Cargo},
		{name: "go-module", cat: "dev-util", eclasses: []string{"go-module"}, want: GoModule},
		{name: "distutils", cat: "dev-python", eclasses: []string{"python-r1", "distutils-r1"}, want: Python},
		{name: "python-single-r1 only", cat: "app-misc", eclasses: []string{"python-single-r1"}, want: Python},
		{name: "autotools over python-single-r1", cat: "app-misc", eclasses: []string{"python-single-r1", "autotools"}, want: Autotools},
		{name: "perl", cat: "dev-perl", eclasses: []string{"perl-module"}, want: Perl},
		{name: "INHERIT only", cat: "dev-libs", raw: map[string]string{"INHERIT": "meson"}, want: Meson},
		{name: "plain", cat: "sys-apps", raw: map[string]string{"SRC_URI": "https://x/foo.tar.gz", "DEFINED_PHASES": "-"}, want: Make},
		{name: "metapackage", cat: "app-misc", raw: map[string]string{"DEFINED_PHASES": "-"}, want: None},
		{
			name: "exported phase wins over precedence", cat: "dev-python",
			eclasses: []string{"cmake", "distutils-r1"},
			eclassFn: map[string]string{"src_configure": "src_configure () \n{ \n    distutils-r1_src_configure \"$@\"\n}"},
			want:     Python,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := meta(tt.cat, tt.raw, tt.eclasses, nil)
			for name, src := range tt.eclassFn {
				m.Funcs[name] = ebuild.Func{Name: name, Source: src, File: "repo/eclass/x.eclass"}
			}
			if got, why := Detect(m); got != tt.want {
				t.Errorf("Detect = %s (%s), want %s", got, why, tt.want)
			}
		})
	}
}

func TestMacro(t *testing.T) {
	got := map[Language]string{}
	for _, l := range []Language{Autotools, CMake, Meson, Cargo, GoModule, Python, Perl, Make, None} {
		got[l] = l.Macro()
	}
	want := map[Language]string{
		Autotools: "autotools_package", CMake: "cmake_package", Meson: "meson_package",
		Cargo: "cargo_package", GoModule: "go_package", Python: "python_package",
		Perl: "perl_package", Make: "ebuild_package", None: "meta_package",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func lit(s string) Arg { return Arg{Lit: s} }

func TestAnalyzeConfigure(t *testing.T) {
	tests := []struct {
		name     string
		eclasses []string
		vars     map[string]ebuild.Var
		src      string
		wantLang Language
		wantAttr string
		wantArgs []Arg
		verbatim bool
	}{
		{
			name: "econf array", src: `src_configure() {
	local myeconfargs=(
		--disable-static
		$(use_enable nls)
		$(use_with ssl openssl)
		$(use_with !gmp mini-gmp)
		$(use_enable foo bar baz)
		"$(usex debug --debug '')"
		$(usex doc --docs '')
		--with-x="${EPREFIX}/usr"
	)
	econf "${myeconfargs[@]}"
}`,
			wantLang: Autotools, wantAttr: "configure_args",
			wantArgs: []Arg{
				lit("--disable-static"),
				{Flag: "nls", Then: []string{"--enable-nls"}, Else: []string{"--disable-nls"}},
				{Flag: "ssl", Then: []string{"--with-openssl"}, Else: []string{"--without-openssl"}},
				{Flag: "!gmp", Then: []string{"--with-mini-gmp"}, Else: []string{"--without-mini-gmp"}},
				{Flag: "foo", Then: []string{"--enable-bar=baz"}, Else: []string{"--disable-bar"}},
				{Flag: "debug", Then: []string{"--debug"}, Else: []string{""}},
				{Flag: "doc", Then: []string{"--docs"}, Else: nil},
				lit("--with-x=/usr"),
			},
		},
		{
			name: "econf direct with appended array and PV", src: `src_configure() {
	local args=( --a )
	args+=( --b-${PV} )
	econf "${args[@]}" $(use_enable static-libs static) --c
}`,
			wantLang: Autotools, wantAttr: "configure_args",
			wantArgs: []Arg{lit("--a"), lit("--b-1.2"),
				{Flag: "static-libs", Then: []string{"--enable-static"}, Else: []string{"--disable-static"}}, lit("--c")},
		},
		{
			name: "cmake", eclasses: []string{"cmake"}, src: `src_configure() {
	local mycmakeargs=(
		-DBUILD_TESTING=$(usex test)
		-DFOO=OFF
		$(cmake_use_find_package zstd ZSTD)
	)
	cmake_src_configure
}`,
			wantLang: CMake, wantAttr: "cmake_args",
			wantArgs: []Arg{
				{Flag: "test", Then: []string{"-DBUILD_TESTING=yes"}, Else: []string{"-DBUILD_TESTING=no"}},
				lit("-DFOO=OFF"),
				{Flag: "zstd", Then: []string{"-DCMAKE_DISABLE_FIND_PACKAGE_ZSTD=OFF"}, Else: []string{"-DCMAKE_DISABLE_FIND_PACKAGE_ZSTD=ON"}},
			},
		},
		{
			name: "meson", eclasses: []string{"meson"}, vars: map[string]ebuild.Var{"MY_OPT": {Str: "x"}}, src: `src_configure() {
	local emesonargs=(
		$(meson_use introspection)
		$(meson_feature zstd compression)
		-Dopt=${MY_OPT}
	)
	meson_src_configure -Dextra=1
}`,
			wantLang: Meson, wantAttr: "meson_args",
			wantArgs: []Arg{
				{Flag: "introspection", Then: []string{"-Dintrospection=true"}, Else: []string{"-Dintrospection=false"}},
				{Flag: "zstd", Then: []string{"-Dcompression=enabled"}, Else: []string{"-Dcompression=disabled"}},
				lit("-Dopt=x"), lit("-Dextra=1"),
			},
		},
		{name: "if statement with a command", src: "src_configure() {\n\tif use foo; then econf; fi\n}", wantLang: Make, verbatim: true},
		{
			name: "use conditions appending", src: `src_configure() {
	local a=( --base )
	use foo && a+=( --foo "--x=${PN}" )
	use bar || a+=( --no-bar )
	! use baz && a+=( --no-baz )
	if use qux; then
		a+=( --qux )
	else
		a+=( --no-qux )
	fi
	if ! use zap; then
		a+=( --no-zap )
	fi
	econf "${a[@]}"
}`,
			wantLang: Autotools, wantAttr: "configure_args",
			wantArgs: []Arg{
				lit("--base"),
				{Flag: "foo", Then: []string{"--foo", "--x=foo"}},
				{Flag: "!bar", Then: []string{"--no-bar"}},
				{Flag: "!baz", Then: []string{"--no-baz"}},
				{Flag: "qux", Then: []string{"--qux"}, Else: []string{"--no-qux"}},
				{Flag: "!zap", Then: []string{"--no-zap"}},
			},
		},
		{name: "helper inside a condition", src: "src_configure() {\n\tlocal a=()\n\tuse foo && a+=( $(use_enable bar) )\n\teconf \"${a[@]}\"\n}", wantLang: Make, verbatim: true},
		{name: "elif", src: "src_configure() {\n\tlocal a=()\n\tif use foo; then a+=( x ); elif use bar; then a+=( y ); fi\n\teconf \"${a[@]}\"\n}", wantLang: Make, verbatim: true},
		{name: "condition is not use", src: "src_configure() {\n\tlocal a=()\n\thas_version foo && a+=( x )\n\teconf \"${a[@]}\"\n}", wantLang: Make, verbatim: true},
		{name: "two arrays in one branch", src: "src_configure() {\n\tlocal a=() b=()\n\tif use foo; then a+=( x ); b+=( y ); fi\n\teconf \"${a[@]}\"\n}", wantLang: Make, verbatim: true},
		{name: "global variable naming a build directory", vars: map[string]ebuild.Var{"MY_S": {Str: "/var/tmp/portage/cat/foo-1.2-r1/work/sub"}},
			src: "src_configure() {\n\teconf --src=\"${MY_S}\"\n}", wantLang: Make, verbatim: true},
		{name: "build-time variable", src: "src_configure() {\n\teconf --with-sysroot=\"${ESYSROOT}\"\n}", wantLang: Make, verbatim: true},
		{name: "unknown substitution", src: "src_configure() {\n\teconf $(tc-getCC)\n}", wantLang: Make, verbatim: true},
		{name: "cmake call in autotools", eclasses: []string{"autotools"}, src: "src_configure() {\n\tcmake_src_configure\n}", wantLang: Autotools, verbatim: true},
		{name: "default only", eclasses: []string{"autotools"}, src: "src_configure() {\n\tdefault\n}", wantLang: Autotools},
		// The ebuild's econf replaces multilib-minimal's src_configure,
		// which the macro would run instead: keep it verbatim.
		{name: "econf over an exported src_configure", eclasses: []string{"autotools", "multilib-minimal"}, src: "src_configure() {\n\teconf --x\n}", wantLang: Autotools, verbatim: true},
		{name: "two exporters", eclasses: []string{"cmake", "multilib-minimal"}, src: "src_configure() {\n\tcmake_src_configure\n}", wantLang: CMake, verbatim: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := meta("app-misc", map[string]string{"SRC_URI": "https://x/y.tar.gz"}, tt.eclasses, map[string]string{"src_configure": tt.src})
			for k, v := range tt.vars {
				m.Vars[k] = v
			}
			p := Analyze(m)
			if p.Language != tt.wantLang {
				t.Errorf("Language = %s, want %s", p.Language, tt.wantLang)
			}
			if _, got := p.Phases["src_configure"]; got != tt.verbatim {
				t.Fatalf("src_configure verbatim = %v, want %v; notes %+v", got, tt.verbatim, p.Notes)
			}
			if len(p.Notes) != 1 || p.Notes[0].Func != "src_configure" || p.Notes[0].Verbatim != tt.verbatim || p.Notes[0].Reason == "" {
				t.Errorf("Notes = %+v", p.Notes)
			}
			if tt.verbatim {
				if p.Phases["src_configure"] != tt.src || p.Args != nil {
					t.Errorf("verbatim phase = %q, args %v", p.Phases["src_configure"], p.Args)
				}
				return
			}
			if p.ArgsAttr != tt.wantAttr {
				t.Errorf("ArgsAttr = %q, want %q", p.ArgsAttr, tt.wantAttr)
			}
			if diff := cmp.Diff(tt.wantArgs, p.Args); diff != "" {
				t.Errorf("Args (-want +got):\n%s", diff)
			}
			if !p.Declarative() {
				t.Errorf("Declarative() = false")
			}
		})
	}
}

func TestAnalyzePhasesPatchesDocs(t *testing.T) {
	m := meta("dev-libs", nil, []string{"cmake"}, map[string]string{
		"src_prepare":  "src_prepare() {\n\tcmake_src_prepare\n}",
		"src_install":  "src_install() {\n\tcmake_src_install\n\trm -r \"${ED}\"/usr/share/doc || die\n}",
		"src_test":     "src_test() {\n\tdefault\n}",
		"pkg_postinst": "pkg_postinst() {\n\txdg_pkg_postinst\n}",
		"my_helper":    "my_helper() {\n\techo hi\n}",
	})
	m.Vars["PATCHES"] = ebuild.Var{Kind: ebuild.KindIndexed, List: []string{"repo/cat/foo/files/foo-1.2-fix.patch", "${FILESDIR}/b.patch"}}
	m.Vars["DOCS"] = ebuild.Var{Kind: ebuild.KindString, Str: "README  NEWS"}
	p := Analyze(m)
	if diff := cmp.Diff([]string{"files/foo-1.2-fix.patch", "files/b.patch"}, p.Patches); diff != "" {
		t.Errorf("Patches (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"README", "NEWS"}, p.Docs); diff != "" {
		t.Errorf("Docs (-want +got):\n%s", diff)
	}
	var verbatim []string
	for name := range p.Phases {
		verbatim = append(verbatim, name)
	}
	// pkg_postinst calls xdg_pkg_postinst, but xdg is not inherited: what
	// would run without it is the (empty) default, so it stays. src_test's
	// default replaces cmake_src_test, so it stays too.
	if diff := cmp.Diff([]string{"my_helper", "pkg_postinst", "src_install", "src_test"}, verbatim, cmpSorted); diff != "" {
		t.Errorf("verbatim phases (-want +got):\n%s", diff)
	}
	gotNotes := map[string]bool{}
	for _, n := range p.Notes {
		gotNotes[n.Func] = n.Verbatim
	}
	wantNotes := map[string]bool{"my_helper": true, "pkg_postinst": true, "src_install": true, "src_prepare": false, "src_test": true}
	if diff := cmp.Diff(wantNotes, gotNotes); diff != "" {
		t.Errorf("notes verbatim flags (-want +got):\n%s", diff)
	}
	if p.Macro != "cmake_package" || p.Declarative() {
		t.Errorf("Macro %q Declarative %v", p.Macro, p.Declarative())
	}
}

// PATCHES entries outside FILESDIR are set as a local of src_prepare.
func TestAnalyzePatchesOutsideFilesdir(t *testing.T) {
	const work = "/var/tmp/portage/cat/foo-1.2-r1/work"
	patches := ebuild.Var{Kind: ebuild.KindIndexed, List: []string{"repo/cat/foo/files/a b.patch", work + "/debian/patches", "/abs/it's.patch"}}
	const decl = `local PATCHES=("${FILESDIR}"/'a b.patch' "${WORKDIR}"'/debian/patches' '/abs/it'\''s.patch')`
	tests := []struct {
		name     string
		eclasses []string
		own      string // the ebuild's src_prepare, if any
		eclassFn string // src_prepare exported by an eclass, if any
		want     string
	}{
		{name: "no src_prepare", want: "src_prepare() {\n\t" + decl + "\n\tdefault\n}"},
		{name: "eclass src_prepare", eclasses: []string{"cmake"}, eclassFn: "src_prepare() { cmake_src_prepare \"$@\" ; }",
			want: "src_prepare() {\n\t" + decl + "\n\tcmake_src_prepare\n}"},
		{name: "own src_prepare", own: "src_prepare() {\n\tdefault\n\tsed -i x y || die\n}",
			want: "src_prepare() {\n\t" + decl + "\n\n\tdefault\n\tsed -i x y || die\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			funcs := map[string]string{}
			if tt.own != "" {
				funcs["src_prepare"] = tt.own
			}
			m := meta("app-misc", map[string]string{"SRC_URI": "https://x/y.tar.gz"}, tt.eclasses, funcs)
			if tt.eclassFn != "" {
				m.Funcs["src_prepare"] = ebuild.Func{Name: "src_prepare", Source: tt.eclassFn, File: "EXPORT_FUNCTIONS"}
			}
			m.Vars["PATCHES"] = patches
			m.Vars["WORKDIR"] = ebuild.Var{Kind: ebuild.KindString, Str: work}
			p := Analyze(m)
			if p.Patches != nil {
				t.Errorf("Patches = %q, want none", p.Patches)
			}
			if diff := cmp.Diff(tt.want, p.Phases["src_prepare"]); diff != "" {
				t.Errorf("src_prepare (-want +got):\n%s", diff)
			}
			n := 0
			for _, note := range p.Notes {
				if note.Func == "src_prepare" {
					n++
					if !note.Verbatim {
						t.Errorf("src_prepare note not verbatim: %+v", note)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d src_prepare notes", n)
			}
		})
	}
}

var cmpSorted = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestAnalyzeNoneWithPhases(t *testing.T) {
	bare := meta("acct-user", nil, []string{"acct-user"}, nil)
	if p := Analyze(bare); p.Language != None || p.Macro != "meta_package" {
		t.Errorf("bare acct-user: %s %s", p.Language, p.Macro)
	}
	own := meta("acct-user", nil, []string{"acct-user"}, map[string]string{"pkg_prerm": "pkg_prerm() {\n\techo bye\n}"})
	if p := Analyze(own); p.Language != None || p.Macro != "ebuild_package" || p.Phases["pkg_prerm"] == "" {
		t.Errorf("acct-user with pkg_prerm: %s %s %v", p.Language, p.Macro, p.Phases)
	}
	src := meta("virtual", map[string]string{"SRC_URI": "https://x/y.tar.gz"}, nil, nil)
	if p := Analyze(src); p.Macro != "ebuild_package" {
		t.Errorf("virtual with SRC_URI: %s", p.Macro)
	}
}

func TestTrivialPhases(t *testing.T) {
	tests := []struct {
		name     string
		eclasses []string
		src      string
		verbatim bool
	}{
		{name: "default without exporter", src: "src_install() {\n\tdefault\n}"},
		{name: "default_src_install", src: "src_install() {\n\tdefault_src_install\n}"},
		{name: "exporter call", eclasses: []string{"cmake"}, src: "src_install() {\n\tcmake_src_install\n}"},
		{name: "default replaces the exporter", eclasses: []string{"cmake"}, src: "src_install() {\n\tdefault\n}", verbatim: true},
		{name: "another eclass's implementation", eclasses: []string{"cmake", "meson"}, src: "src_install() {\n\tcmake_src_install\n}", verbatim: true},
		{name: "eapply_user alone", src: "src_prepare() {\n\teapply_user\n}", verbatim: true},
		{name: "default and eapply_user", src: "src_prepare() {\n\tdefault\n\teapply_user\n}"},
		{name: "exporter with xdg", eclasses: []string{"xdg"}, src: "pkg_postinst() {\n\txdg_pkg_postinst\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := tt.src[:strings.Index(tt.src, "(")]
			p := Analyze(meta("app-misc", nil, tt.eclasses, map[string]string{name: tt.src}))
			if _, got := p.Phases[name]; got != tt.verbatim {
				t.Errorf("verbatim = %v, want %v (notes %+v)", got, tt.verbatim, p.Notes)
			}
		})
	}
}

func TestBuildEnv(t *testing.T) {
	m := meta("dev-python", nil, []string{"distutils-r1"}, map[string]string{
		"src_install": "src_install() {\n\tnewdoc ${MY_P}.txt x\n\tcd \"${MY_S}\" || die\n\techo \"$_PRIVATE ${DEPEND} ${PN} ${ARR[@]}\"\n}",
	})
	for name, v := range map[string]ebuild.Var{
		"MY_P":                 {Str: "foo-1.2"},
		"MY_S":                 {Str: "/var/tmp/portage/dev-python/foo-1.2-r1/work/foo"},
		"WORKDIR":              {Str: "/var/tmp/portage/dev-python/foo-1.2-r1/work"},
		"_PRIVATE":             {Str: "1"},
		"DEPEND":               {Str: "dev-libs/x"},
		"PN":                   {Str: "foo"},
		"ARR":                  {Kind: ebuild.KindIndexed, List: []string{"a", "b"}},
		"PYTHON_COMPAT":        {Kind: ebuild.KindIndexed, List: []string{"python3_12", "python3_13"}},
		"DISTUTILS_USE_PEP517": {Str: "setuptools"},
		"UNREFERENCED":         {Str: "x"},
	} {
		m.Vars[name] = v
	}
	want := map[string]string{"MY_P": "foo-1.2", "PYTHON_COMPAT": "python3_12 python3_13", "DISTUTILS_USE_PEP517": "setuptools"}
	if diff := cmp.Diff(want, Analyze(m).Env); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}
	if env := Analyze(meta("app-misc", nil, nil, nil)).Env; env != nil {
		t.Errorf("Env of a bare ebuild = %v, want nil", env)
	}
}

package gen

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"
	"github.com/google/go-cmp/cmp"
	"go.starlark.net/syntax"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/depspec"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/emit/cells"
	"buckos.dev/buckos/emit/resolve"
)

var update = flag.Bool("update", false, "rewrite testdata/*.BUCK goldens")

func hexOf(c byte, n int) string { return strings.Repeat(string(c), n) }

// zlibInput is a hand-written package: two versions, a mirror:// URI, a
// rename, a USE-conditional signature, a fetch+ URI with RESTRICT=mirror
// in one version, a live ebuild, and dependencies inside and outside the
// index.
func zlibInput(t *testing.T) Input {
	t.Helper()
	path := func(pvr string) string { return "repo/sys-libs/zlib/zlib-" + pvr + ".ebuild" }
	v1 := &ebuild.Metadata{
		Ref: ebuild.Ref{Repo: "portage-stable", Category: "sys-libs", PN: "zlib", PVR: "1.3.1-r1", Path: path("1.3.1-r1")},
		Raw: map[string]string{
			"EAPI": "8", "SLOT": "0/1", "KEYWORDS": "amd64 ~arm64", "IUSE": "minizip static-libs verify-sig +foo",
			"DESCRIPTION": "Standard (de)compression library", "HOMEPAGE": "https://zlib.net/",
			"LICENSE": "ZLIB", "RESTRICT": "!test? ( test )", "INHERIT": "autotools",
			"SRC_URI":        "https://zlib.net/zlib-1.3.1.tar.xz mirror://sourceforge/libpng/zlib-1.3.1.tar.xz verify-sig? ( https://zlib.net/zlib-1.3.1.tar.xz.asc )",
			"DEPEND":         "minizip? ( app-arch/bzip2 ) !sys-libs/zlib-ng[compat]",
			"BDEPEND":        ">=sys-devel/make-4 || ( dev-lang/perl app-misc/gone )",
			"RDEPEND":        "minizip? ( app-arch/bzip2 )",
			"DEFINED_PHASES": "configure install",
		},
		Eclasses: []ebuild.Eclass{{Name: "autotools"}},
		Vars: map[string]ebuild.Var{
			"PATCHES":       {Kind: ebuild.KindIndexed, List: []string{"repo/sys-libs/zlib/files/zlib-1.3.1-fix.patch"}},
			"MY_DOC":        {Kind: ebuild.KindString, Str: "README.buckos"},
			"PYTHON_COMPAT": {Kind: ebuild.KindIndexed, List: []string{"python3_12", "python3_13"}},
			"_ZLIB_GUARD":   {Kind: ebuild.KindString, Str: "1"},
			"WORKDIR":       {Kind: ebuild.KindString, Str: "/var/tmp/portage/sys-libs/zlib-1.3.1-r1/work"},
			"MY_S":          {Kind: ebuild.KindString, Str: "/var/tmp/portage/sys-libs/zlib-1.3.1-r1/work/zlib"},
		},
		Funcs: map[string]ebuild.Func{
			"src_configure": {Name: "src_configure", File: path("1.3.1-r1"), Source: "src_configure() {\n\tlocal myeconfargs=(\n\t\t--shared\n\t\t$(use_enable minizip)\n\t)\n\teconf \"${myeconfargs[@]}\"\n}"},
			"src_install":   {Name: "src_install", File: path("1.3.1-r1"), Source: "src_install() {\n\temake DESTDIR=\"${D}\" install\n\tfind \"${ED}\" -name '*.la' -delete || die\n\tnewdoc \"${FILESDIR}\"/${MY_DOC} README\n\tcd \"${MY_S}\" || die\n}"},
		},
	}
	v2 := &ebuild.Metadata{
		Ref: ebuild.Ref{Repo: "portage-stable", Category: "sys-libs", PN: "zlib", PVR: "1.3.2", Path: path("1.3.2")},
		Raw: map[string]string{
			"EAPI": "8", "SLOT": "0/1", "KEYWORDS": "~amd64", "IUSE": "minizip",
			"DESCRIPTION": "Standard (de)compression library by Jean-loup Gailly and Mark Adler — “zlib”", "HOMEPAGE": "https://zlib.net/ https://github.com/madler/zlib",
			"LICENSE": "ZLIB", "RESTRICT": "mirror",
			"SRC_URI": "fetch+https://github.com/madler/zlib/archive/v1.3.2.tar.gz -> zlib-1.3.2.tar.gz",
			"DEPEND":  "minizip? ( app-arch/bzip2 )",
		},
	}
	live := &ebuild.Metadata{
		Ref: ebuild.Ref{Repo: "portage-stable", Category: "sys-libs", PN: "zlib", PVR: "9999", Path: path("9999")},
		Raw: map[string]string{"EAPI": "8", "SLOT": "0/1", "KEYWORDS": "", "LICENSE": "ZLIB", "INHERIT": "git-r3", "DEFINED_PHASES": "unpack"},
	}
	compat := &ebuild.Metadata{
		Ref: ebuild.Ref{Repo: "portage-stable", Category: "sys-libs", PN: "zlib", PVR: "1.2.13-r2", Path: path("1.2.13-r2")},
		Raw: map[string]string{"EAPI": "8", "SLOT": "compat", "KEYWORDS": "amd64", "LICENSE": "ZLIB",
			// Renamed to the name of a version target.
			"SRC_URI": "https://zlib.net/fossils/zlib-1.2.13.tar.gz -> zlib-1.2.13-r2"},
	}
	versions := []*ebuild.Metadata{v2, live, v1, compat}
	pkgs := []resolve.Package{
		IndexPackage(versions, func(m *ebuild.Metadata) bool { return m.Ref.PVR == "1.3.2" }),
		{Key: "app-arch/bzip2", Versions: []resolve.Version{{PVR: "1.0.8", Slot: "0", Keywords: []string{"amd64"}}}},
		{Key: "sys-devel/make", Versions: []resolve.Version{{PVR: "4.4.1", Slot: "0", Keywords: []string{"amd64"}}}},
		{Key: "dev-lang/perl", Versions: []resolve.Version{{PVR: "5.40.0", Slot: "0", Keywords: []string{"amd64"}}}},
	}
	var keys []string
	for _, p := range pkgs {
		keys = append(keys, p.Key)
	}
	l, err := cells.NewLayout(keys)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := resolve.NewIndex(l, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	return Input{
		Repo:     "portage-stable",
		Versions: versions,
		Manifest: map[string]repo.Dist{
			"zlib-1.3.1.tar.xz":     {Name: "zlib-1.3.1.tar.xz", Size: 1305740, Hashes: map[string]string{"BLAKE2B": hexOf('a', 128), "SHA512": hexOf('b', 128)}},
			"zlib-1.3.1.tar.xz.asc": {Name: "zlib-1.3.1.tar.xz.asc", Size: 833, Hashes: map[string]string{"BLAKE2B": hexOf('c', 128), "SHA512": hexOf('d', 128), "SHA256": hexOf('e', 64)}},
			"zlib-1.3.2.tar.gz":     {Name: "zlib-1.3.2.tar.gz", Size: 1600000, Hashes: map[string]string{"BLAKE2B": hexOf('1', 128), "SHA512": hexOf('2', 128)}},
		},
		Mirrors: func(name string) []string {
			if name == "sourceforge" {
				return []string{"https://downloads.sourceforge.net/", "https://a.example/sf"}
			}
			return nil
		},
		Index: ix,
	}
}

func TestPackageGolden(t *testing.T) {
	in := zlibInput(t)
	f, rep, err := Package(in)
	if err != nil {
		t.Fatal(err)
	}
	got := Print(f)
	golden := filepath.Join("testdata", "zlib.BUCK")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("BUCK differs from %s (-want +got; go test -update rewrites):\n%s", golden, diff)
	}
	if f.Path != "packages/linux/core/zlib/BUCK" {
		t.Errorf("Path = %q", f.Path)
	}
	// The output is Starlark that both buildtools and go.starlark.net accept.
	if parsed, err := build.ParseBuild("BUCK", got); err != nil {
		t.Errorf("buildtools cannot parse the output: %v", err)
	} else if again := Print(parsed); string(again) != string(got) {
		// Parsing and printing again (what emit/merge does) changes nothing.
		t.Errorf("output is not a fixed point of parse+print:\n%s", cmp.Diff(string(got), string(again)))
	}
	if _, err := (&syntax.FileOptions{}).Parse("BUCK", got, 0); err != nil {
		t.Errorf("go.starlark.net cannot parse the output: %v", err)
	}

	if rep.Default != "1.3.1-r1" {
		t.Errorf("Default = %q, want 1.3.1-r1 (1.3.2 is masked, 9999 is live)", rep.Default)
	}
	var unresolved []string
	for _, u := range rep.Unresolved {
		unresolved = append(unresolved, u.Package+" "+u.Key+" "+u.Atom)
	}
	wantU := []string{"sys-libs/zlib-1.3.1-r1 DEPEND !sys-libs/zlib-ng[compat]", "sys-libs/zlib-1.3.1-r1 BDEPEND app-misc/gone"}
	if diff := cmp.Diff(wantU, unresolved); diff != "" {
		t.Errorf("Unresolved (-want +got):\n%s", diff)
	}
	var decl []string
	for _, v := range rep.Versions {
		decl = append(decl, v.PVR+" "+v.Macro+" "+map[bool]string{true: "declarative", false: "verbatim"}[v.Declarative])
	}
	wantDecl := []string{"1.2.13-r2 ebuild_package declarative", "1.3.1-r1 autotools_package verbatim", "1.3.2 ebuild_package declarative", "9999 ebuild_package declarative"}
	if diff := cmp.Diff(wantDecl, decl); diff != "" {
		t.Errorf("version reports (-want +got):\n%s", diff)
	}
	wantProblems := []string{"sys-libs/zlib: distfile zlib-1.2.13-r2 is not in the Manifest"}
	if diff := cmp.Diff(wantProblems, rep.Problems); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
}

// The same input, in any order, prints the same bytes.
func TestPackageDeterministic(t *testing.T) {
	in := zlibInput(t)
	f1, _, err := Package(in)
	if err != nil {
		t.Fatal(err)
	}
	in2 := zlibInput(t)
	for i, j := 0, len(in2.Versions)-1; i < j; i, j = i+1, j-1 {
		in2.Versions[i], in2.Versions[j] = in2.Versions[j], in2.Versions[i]
	}
	f2, _, err := Package(in2)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := Print(f1), Print(f2); string(a) != string(b) {
		t.Errorf("output depends on input order:\n%s", cmp.Diff(string(a), string(b)))
	}
}

func TestPackageBadEbuildReported(t *testing.T) {
	in := zlibInput(t)
	in.Versions[0].Raw["DEPEND"] = "minizip? ( app-arch/bzip2"
	_, rep, err := Package(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Versions) != 3 || !strings.Contains(strings.Join(rep.Problems, "\n"), "sys-libs/zlib-1.3.2: left out: ") {
		t.Errorf("versions %d, problems %q", len(rep.Versions), rep.Problems)
	}
}

func TestExpandMirror(t *testing.T) {
	mirrors := func(n string) []string {
		if n == "gnu" {
			return []string{"https://ftp.gnu.org/gnu/", "https://mirrors.kernel.org/gnu"}
		}
		return nil
	}
	got, ok := expandMirror(&depspec.URI{URL: "mirror://gnu/make/make-4.4.tar.gz", Mirror: "gnu", Path: "make/make-4.4.tar.gz"}, mirrors)
	want := []string{"https://ftp.gnu.org/gnu/make/make-4.4.tar.gz", "https://mirrors.kernel.org/gnu/make/make-4.4.tar.gz"}
	if !ok || !cmp.Equal(want, got) {
		t.Errorf("expandMirror = %q, %v", got, ok)
	}
	if got, ok := expandMirror(&depspec.URI{URL: "mirror://nope/x", Mirror: "nope", Path: "x"}, mirrors); ok || !cmp.Equal([]string{"mirror://nope/x"}, got) {
		t.Errorf("unknown mirror: %q, %v", got, ok)
	}
}

func TestSourcesRestrict(t *testing.T) {
	tests := []struct {
		srcURI, restrict string
		want             map[string][]string // distfile → restrict
	}{
		{"https://a/x.tar.gz", "", map[string][]string{"x.tar.gz": nil}},
		{"https://a/x.tar.gz", "mirror", map[string][]string{"x.tar.gz": {"mirror"}}},
		{"https://a/x.tar.gz", "fetch", map[string][]string{"x.tar.gz": {"fetch", "mirror"}}},
		{"fetch+https://a/x.tar.gz mirror+https://b/y.zip", "fetch", map[string][]string{"x.tar.gz": {"mirror"}, "y.zip": nil}},
		{"fetch+https://a/x.tar.gz mirror+https://b/y.zip", "mirror", map[string][]string{"x.tar.gz": {"mirror"}, "y.zip": nil}},
		{"secret-1.0.tar.gz", "fetch", map[string][]string{"secret-1.0.tar.gz": {"fetch", "mirror"}}},
		{"https://a/v1.tar.gz -> x-1.tar.gz", "test", map[string][]string{"x-1.tar.gz": nil}},
	}
	for _, tt := range tests {
		root, err := depspec.ParseSrcURI(tt.srcURI, "8")
		if err != nil {
			t.Fatal(err)
		}
		g := &generator{rep: &Report{}, dists: map[string]*distfile{}}
		rt := strings.Fields(tt.restrict)
		g.sources(ebuild.Ref{}, root.Children, contains(rt, "fetch"), contains(rt, "mirror") || contains(rt, "fetch"))
		got := map[string][]string{}
		for name, d := range g.dists {
			var r []string
			for _, k := range []string{"fetch", "mirror"} {
				if d.restrict[k] {
					r = append(r, k)
				}
			}
			got[name] = r
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("SRC_URI %q RESTRICT %q (-want +got):\n%s", tt.srcURI, tt.restrict, diff)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestUTF8Strings(t *testing.T) {
	for _, v := range []string{"Jörg's \"tool\"", "日本語\n\ttab\\", "plain ascii", "ctl\x01é"} {
		f := &build.File{Type: build.TypeBuild, Stmt: []build.Expr{&build.CallExpr{X: &build.Ident{Name: "x"}, List: []build.Expr{str(v)}}}}
		out := Print(f)
		if strings.Contains(string(out), "\\303") || strings.Contains(string(out), "\\346") {
			t.Errorf("%q printed with octal escapes: %s", v, out)
		}
		parsed, err := build.ParseBuild("BUCK", out)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		got := parsed.Stmt[0].(*build.CallExpr).List[0].(*build.StringExpr).Value
		if got != v {
			t.Errorf("round trip of %q gave %q", v, got)
		}
		sf, err := (&syntax.FileOptions{}).Parse("BUCK", out, 0)
		if err != nil {
			t.Fatalf("go.starlark.net: %v", err)
		}
		lit := sf.Stmts[0].(*syntax.ExprStmt).X.(*syntax.CallExpr).Args[0].(*syntax.Literal)
		if lit.Value.(string) != v {
			t.Errorf("go.starlark.net reads %q as %q", v, lit.Value)
		}
	}
}

func TestDistTargetName(t *testing.T) {
	for in, want := range map[string]string{
		"zlib-1.3.1.tar.xz":                       "zlib-1.3.1.tar.xz",
		"a,b=c~d@e!f+g$h_i":                       "a,b=c~d@e!f+g$h_i",
		"github.com%2Fkr%2Fpty%2F@v%2Fv1.1.1.mod": "github.com_2Fkr_2Fpty_2F@v_2Fv1.1.1.mod-",
	} {
		got := distTargetName(in)
		if strings.HasSuffix(want, "-") {
			if !strings.HasPrefix(got, want) || len(got) != len(want)+8 {
				t.Errorf("distTargetName(%q) = %q, want %q + 8 hex digits", in, got, want)
			}
			continue
		}
		if got != want {
			t.Errorf("distTargetName(%q) = %q, want %q", in, got, want)
		}
	}
	if distTargetName("a%b") == distTargetName("a:b") {
		t.Errorf("distinct names share a target")
	}
}

// Print applies none of buildifier's rewrites: labels keep their target
// (//pkg:pkg is not shortened) and lists keep their order.
func TestPrintNoRewrites(t *testing.T) {
	f := &build.File{Stmt: []build.Expr{&build.CallExpr{
		X: &build.Ident{Name: "ebuild_package"},
		List: []build.Expr{
			&build.AssignExpr{LHS: &build.Ident{Name: "name"}, Op: "=", RHS: str("x")},
			&build.AssignExpr{LHS: &build.Ident{Name: "deps"}, Op: "=", RHS: &build.ListExpr{List: strs([]string{"//pkg:pkg", "//b:b", ":a", "core//zlib:zlib"})}},
		},
	}}}
	out := string(Print(f))
	want := `ebuild_package(
    name = "x",
    deps = [
        "//pkg:pkg",
        "//b:b",
        ":a",
        "core//zlib:zlib",
    ],
)
`
	if out != want {
		t.Errorf("Print:\n%s\nwant:\n%s", out, want)
	}
}

func TestPlatformLabels(t *testing.T) {
	tests := []struct {
		kw   string
		want []string
	}{
		{"amd64 ~arm64", []string{"platform:linux"}},
		{"~amd64 ~arm64-macos ~x64-macos ~x64-solaris", []string{"platform:linux", "platform:macos"}},
		{"~x64-macos", []string{"platform:macos"}},
		{"~amd64-fbsd ~x86-winnt ~amd64-linux", []string{"platform:bsd", "platform:linux", "platform:windows"}},
		{"", []string{"platform:linux"}},
		{"-*", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, platformLabels(strings.Fields(tt.kw))); diff != "" {
			t.Errorf("platformLabels(%q) (-want +got):\n%s", tt.kw, diff)
		}
	}
}

// TestMissingPatch checks that a patch PATCHES names but files/ lacks never
// becomes a source label (Buck2 would reject the package) but an
// unbuildable reason of that version, reported as a problem; with files/
// unknown nothing is dropped.
func TestMissingPatch(t *testing.T) {
	tests := []struct {
		name        string
		files       []string
		wantPatches bool
		wantReason  bool
	}{
		{"files/ has it", []string{"zlib-1.3.1-fix.patch", "other.patch"}, true, false},
		{"files/ lacks it", []string{"other.patch"}, false, true},
		{"files/ empty", []string{}, false, true},
		{"files/ unknown", nil, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := zlibInput(t)
			in.Files = tc.files
			f, rep, err := Package(in)
			if err != nil {
				t.Fatal(err)
			}
			out := string(Print(f))
			if got := strings.Contains(out, `patches = ["files/zlib-1.3.1-fix.patch"]`); got != tc.wantPatches {
				t.Errorf("patches attribute present = %v, want %v:\n%s", got, tc.wantPatches, out)
			}
			const reason = "PATCHES names files/zlib-1.3.1-fix.patch, which the repository's files/ does not have"
			if got := strings.Contains(out, "unbuildable_reasons = [\""+reason); got != tc.wantReason {
				t.Errorf("unbuildable_reasons present = %v, want %v:\n%s", got, tc.wantReason, out)
			}
			problem := false
			for _, p := range rep.Problems {
				problem = problem || strings.Contains(p, reason)
			}
			if problem != tc.wantReason {
				t.Errorf("problem reported = %v, want %v: %v", problem, tc.wantReason, rep.Problems)
			}
		})
	}
}

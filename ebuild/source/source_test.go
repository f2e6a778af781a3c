package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/eapi"
	"buckos.dev/buckos/ebuild"
)

// evalWithTestEclasses evaluates src as cat/pkg/pkg-1.2.3-r1.ebuild with
// the eclasses of testdata/repo/eclass.
func evalWithTestEclasses(t *testing.T, src string) (*ebuild.Metadata, ebuild.Ref, error) {
	t.Helper()
	dir := t.TempDir()
	pkg := filepath.Join(dir, "cat", "pkg")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(pkg, "pkg-1.2.3-r1.ebuild")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	eclassDir, err := filepath.Abs(filepath.Join("testdata", "repo", "eclass"))
	if err != nil {
		t.Fatal(err)
	}
	ref := ebuild.Ref{Repo: "test", Category: "cat", PN: "pkg", PVR: "1.2.3-r1", Path: path}
	md, err := New(Options{EclassDirs: []string{eclassDir}}).Evaluate(context.Background(), ref)
	return md, ref, err
}

func TestMetadata(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want map[string]string
	}{{
		name: "pms environment",
		src: `EAPI=8
DESCRIPTION="${P} ${PN} ${PV} ${PR} ${PVR} ${PF} ${CATEGORY} ${EBUILD_PHASE}"
SLOT="0"
HOMEPAGE="${S#${WORKDIR}/}"
`,
		want: map[string]string{
			"DESCRIPTION": "pkg-1.2.3 pkg 1.2.3 r1 1.2.3-r1 pkg-1.2.3-r1 cat depend", "SLOT": "0",
			"HOMEPAGE": "pkg-1.2.3", "EAPI": "8", "DEFINED_PHASES": "-",
		},
	}, {
		// The way out TestErrors suggests for a subscript mvdan/sh takes
		// for arithmetic.
		name: "associative array keys that are not words, quoted",
		src: `EAPI=8
declare -A M=([two-2]=x [a]=y)
DESCRIPTION="${M["two-2"]} ${M[a]}"
SLOT="0"
`,
		want: map[string]string{"DESCRIPTION": "x y", "SLOT": "0", "EAPI": "8", "DEFINED_PHASES": "-"},
	}, {
		name: "accumulation EAPI 8 and INHERIT vs INHERITED",
		src: `EAPI=8
inherit base-b
DESCRIPTION="d"
SLOT="0"
IUSE="own"
DEPEND="dev-libs/own"
RESTRICT="own-restrict"
`,
		want: map[string]string{
			"DESCRIPTION": "d", "SLOT": "0", "EAPI": "8",
			"IUSE":       "own a-flag b-flag",
			"DEPEND":     "dev-libs/own dev-libs/a dev-libs/b",
			"RDEPEND":    "dev-libs/a-run",
			"BDEPEND":    "dev-build/a-tool",
			"IDEPEND":    "dev-libs/a-install",
			"RESTRICT":   "own-restrict a-restrict",
			"PROPERTIES": "a-prop",
			"HOMEPAGE":   "https://a.example",
			"INHERIT":    "base-b",
			// base-b's src_install wins over base-a's; compile stays base-a's.
			"DEFINED_PHASES": "compile install",
		},
	}, {
		name: "EAPI 7: no IDEPEND, RESTRICT not accumulated",
		src: `EAPI=7
inherit base-a
DESCRIPTION="d"
SLOT="0"
RESTRICT="own-restrict"
`,
		want: map[string]string{
			"DESCRIPTION": "d", "SLOT": "0", "EAPI": "7",
			"IUSE": "a-flag", "DEPEND": "dev-libs/a", "RDEPEND": "dev-libs/a-run",
			"BDEPEND": "dev-build/a-tool", "RESTRICT": "own-restrict", "PROPERTIES": "a-prop",
			"HOMEPAGE": "https://a.example", "INHERIT": "base-a", "DEFINED_PHASES": "compile install",
		},
	}, {
		name: "EAPI 6: no BDEPEND",
		src: `EAPI=6
inherit base-a
DESCRIPTION="d"
SLOT="0"
`,
		want: map[string]string{
			"DESCRIPTION": "d", "SLOT": "0", "EAPI": "6",
			"IUSE": "a-flag", "DEPEND": "dev-libs/a", "RDEPEND": "dev-libs/a-run",
			"RESTRICT": "a-restrict", "PROPERTIES": "a-prop",
			"HOMEPAGE": "https://a.example", "INHERIT": "base-a", "DEFINED_PHASES": "compile install",
		},
	}, {
		name: "function before inherit is clobbered, after overrides",
		src: `EAPI=8
src_compile() { :; }
inherit base-a
src_install() { :; }
src_prepare() { :; }
DESCRIPTION="d"
SLOT="0"
`,
		want: map[string]string{
			"DESCRIPTION": "d", "SLOT": "0", "EAPI": "8",
			"IUSE": "a-flag", "DEPEND": "dev-libs/a", "RDEPEND": "dev-libs/a-run",
			"BDEPEND": "dev-build/a-tool", "IDEPEND": "dev-libs/a-install",
			"RESTRICT": "a-restrict", "PROPERTIES": "a-prop",
			"HOMEPAGE": "https://a.example", "INHERIT": "base-a",
			"DEFINED_PHASES": "compile install prepare",
		},
	}, {
		name: "printf -v at global scope",
		src: `EAPI=8
inherit printfv
DESCRIPTION="d"
SLOT="0"
`,
		want: map[string]string{
			"DESCRIPTION": "d", "SLOT": "0", "EAPI": "8", "INHERIT": "printfv", "DEFINED_PHASES": "-",
			"BDEPEND": "|| ( >=dev-build/tool-1.18:1.17 >=dev-build/tool-1.18:1.17 )",
		},
	}, {
		name: "version helpers, has, whitespace collapse, echo options",
		src: `EAPI=8
DESCRIPTION="$(ver_cut 1-2) $(ver_rs 1 _) $(ver_cut 2 1.2b.3)"
ver_test 1.2.3 -lt 1.10 && HOMEPAGE="lt"
has b a b c && LICENSE="  MIT
	BSD  "
KEYWORDS="-n ~amd64"
SLOT="0"
`,
		want: map[string]string{
			"DESCRIPTION": "1.2 1_2.3 2", "HOMEPAGE": "lt", "LICENSE": "MIT BSD",
			"KEYWORDS": "~amd64", "SLOT": "0", "EAPI": "8", "DEFINED_PHASES": "-",
		},
	}, {
		name: "QA-intercepted tool returns 127 without dying",
		src: `EAPI=8
v=$(sed -e s/a/b/ <<< a)
DESCRIPTION="[${v}] $?"
sed -n p /dev/null || SLOT="$?"
`,
		want: map[string]string{"DESCRIPTION": "[] 127", "SLOT": "127", "EAPI": "8", "DEFINED_PHASES": "-"},
	}, {
		name: "declare -F and bash-ordered associative arrays",
		src: `EAPI=8
f() { :; }
declare -F f >/dev/null && DESCRIPTION="has-f"
declare -F nothere >/dev/null || DESCRIPTION+=" no-g"
declare -A m=([one]=1 [two]=2 [three]=3 [four]=4)
SLOT="${!m[*]}"
HOMEPAGE="${m[*]}"
`,
		want: map[string]string{
			"DESCRIPTION": "has-f no-g", "EAPI": "8", "DEFINED_PHASES": "-",
			// The order GNU bash 5.2.15 prints for this array.
			"SLOT": "four two three one", "HOMEPAGE": "4 2 3 1",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			md, _, err := evalWithTestEclasses(t, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, md.Raw); diff != "" {
				t.Errorf("Raw mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEclassesAndFuncs(t *testing.T) {
	md, ref, err := evalWithTestEclasses(t, `EAPI=8
inherit base-b base-a
DESCRIPTION="d"
SLOT="0"
PATCHES=( "${FILESDIR}"/a.patch b.patch )
src_configure() {
	econf --foo
}
`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ec := range md.Eclasses {
		names = append(names, ec.Name)
		if len(ec.MD5) != 32 {
			t.Errorf("eclass %s md5 %q", ec.Name, ec.MD5)
		}
	}
	// INHERITED is the completion order, without duplicates; INHERIT
	// keeps the ebuild's own calls.
	if diff := cmp.Diff([]string{"base-a", "base-b"}, names); diff != "" {
		t.Errorf("eclasses (-want +got):\n%s", diff)
	}
	if got := md.Raw["INHERIT"]; got != "base-b base-a" {
		t.Errorf("INHERIT = %q", got)
	}
	filesdir := filepath.Join(filepath.Dir(ref.Path), "files")
	if diff := cmp.Diff(ebuild.Var{Kind: ebuild.KindIndexed, List: []string{filesdir + "/a.patch", "b.patch"}}, md.Vars["PATCHES"]); diff != "" {
		t.Errorf("PATCHES (-want +got):\n%s", diff)
	}
	if got := md.Vars["BASE_A_VAR"]; got.Str != "from-a" {
		t.Errorf("BASE_A_VAR = %+v", got)
	}
	fn := md.Funcs["src_configure"]
	if fn.File != ref.Path || fn.Line != 6 || !strings.Contains(fn.Source, "econf --foo") {
		t.Errorf("src_configure = %+v", fn)
	}
	if strings.Contains(fn.Source, "FUNCNAME") {
		t.Errorf("src_configure source shows instrumentation: %s", fn.Source)
	}
	if fn := md.Funcs["base-a_src_compile"]; !strings.HasSuffix(fn.File, "base-a.eclass") || fn.Line != 15 {
		t.Errorf("base-a_src_compile = %+v", fn)
	}
	// The exported src_install calls base-b's and is attributed to it.
	if fn := md.Funcs["src_install"]; !strings.HasSuffix(fn.File, "base-b.eclass") || !strings.Contains(fn.Source, "base-b_src_install") {
		t.Errorf("src_install = %+v", fn)
	}
	if _, ok := md.Funcs["use"]; ok {
		t.Errorf("package-manager stub use() reported as a function")
	}
	if md.MD5 == "" || len(md.MD5) != 32 {
		t.Errorf("MD5 = %q", md.MD5)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // substring of the error, which starts with FILE:LINE
		line int
	}{
		{"unsupported EAPI", "# c\nEAPI=5\nSLOT=0\n", `unsupported EAPI "5"`, 2},
		{"no EAPI is 0", "SLOT=0\n", `unsupported EAPI "0"`, 0},
		{"EAPI mismatch", "EAPI=8\nEAPI=7\nSLOT=0\n", `EAPI "7" set by the ebuild differs`, 0},
		{"eclass dies for the EAPI", "EAPI=7\ninherit eapi-guard\n", "die: eapi-guard: EAPI 7 unsupported", 4},
		{"missing eclass", "EAPI=8\n\ninherit nothere\n", "die: nothere.eclass could not be found by inherit()", 3},
		{"use in global scope", "EAPI=8\nSLOT=0\nuse foo && IUSE=foo\n", "die: use() calls are not allowed in global scope", 3},
		{"has_version in global scope", "EAPI=8\n\nhas_version dev-libs/a\n", "die: has_version() calls are not allowed", 3},
		{"hasv banned in EAPI 8", "EAPI=8\nhasv a a\n", "hasv is banned in EAPI 8", 2},
		{"die", "EAPI=8\nf() {\n\tdie \"boom\"\n}\nf\n", "die: boom", 3},
		{"failglob", "EAPI=8\nfor f in *.nomatch; do\n\tDESCRIPTION+=\" $f\"\ndone\n", "failglob: no match: *.nomatch", 2},
		{"last command fails", "EAPI=8\nSLOT=0\nfalse\n", "error sourcing ebuild", 0},
		{"parse error in global code", "EAPI=8\nSLOT=( a\n", "parse error", 2},
		{"stubbed function called", "EAPI=8\nsrc_test() {\n\t[[ a == b ) ]]\n}\nsrc_test\n", "could not be parsed", 5},
		{"associative subscript mvdan takes for arithmetic", "EAPI=8\ndeclare -A M=([two-2]=x)\nSLOT=0\n: \"${M[two-2]}\"\n", "is parsed as arithmetic by mvdan/sh, which cannot expand it; quote the key", 0},
		{"interpreter panic names the last command", "EAPI=8\ndeclare -A M=([two-2]=x)\ntrue\nSLOT=0\n: \"${M[two-2]}\"\n", "pkg-1.2.3-r1.ebuild:3); quote the key", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			md, ref, err := evalWithTestEclasses(t, tc.src)
			if err == nil {
				t.Fatalf("got metadata %v, want error %q", md.Raw, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, not *Error", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if tc.line != 0 && e.Line != tc.line {
				t.Errorf("error line %d, want %d (%v)", e.Line, tc.line, err)
			}
			if e.File == "" || (!strings.HasSuffix(e.File, ".eclass") && e.File != ref.Path) {
				t.Errorf("error file %q", e.File)
			}
		})
	}
}

func TestUnsupportedEAPIError(t *testing.T) {
	_, _, err := evalWithTestEclasses(t, "EAPI=5\n")
	var u *eapi.UnsupportedError
	if !errors.As(err, &u) || u.Name != "5" {
		t.Errorf("error %v does not wrap *eapi.UnsupportedError for 5", err)
	}
}

func TestTolerantParsingKeepsPhases(t *testing.T) {
	md, _, err := evalWithTestEclasses(t, `EAPI=8
DESCRIPTION="d"
SLOT="0"
src_install() {
	local skip=( a b )
	[[ " x" =~ ^(\ ${skip[*]/%/.*|\\} )$ ]] || :
}
pkg_setup() { :; }
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := md.Raw["DEFINED_PHASES"]; got != "install setup" {
		t.Errorf("DEFINED_PHASES = %q", got)
	}
	if len(md.Warnings) == 0 || !strings.Contains(md.Warnings[0], "src_install stubbed") {
		t.Errorf("warnings = %q", md.Warnings)
	}
	if fn := md.Funcs["src_install"]; !strings.Contains(fn.Source, "skip=( a b )") || fn.Line != 4 {
		t.Errorf("stubbed src_install source = %+v", fn)
	}
}

func TestInheritEnvironment(t *testing.T) {
	md, _, err := evalWithTestEclasses(t, `EAPI=8
IUSE="own"
RESTRICT="r"
inherit probe
AFTER="ECLASS=${ECLASS-unset} DEPTH=${ECLASS_DEPTH} IUSE=${IUSE} RESTRICT=${RESTRICT} INHERITED=${INHERITED}"
inherit probe
AGAIN="ECLASS=${ECLASS-unset} DEPTH=${ECLASS_DEPTH} IUSE=${IUSE} INHERITED=${INHERITED}"
DESCRIPTION="d"
SLOT="0"
`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, name := range []string{"PROBE_SEEN", "PROBE_AFTER", "AFTER", "AGAIN", "probe_count"} {
		got[name] = md.Vars[name].Str
	}
	got["IUSE"] = md.Raw["IUSE"]
	got["RESTRICT"] = md.Raw["RESTRICT"]
	want := map[string]string{
		// While an eclass is sourced, the accumulated variables are unset
		// and ECLASS names it; FUNCNAME shows inherit sourcing it.
		"PROBE_SEEN": "ECLASS=probe DEPTH=1 IUSE=unset RESTRICT=unset FUNCNAME=source inherit",
		// A nested inherit restores the outer eclass's values (as the
		// second inherit left them: probe is in INHERITED by then).
		"PROBE_AFTER": "ECLASS=probe DEPTH=1 IUSE=unset INHERITED= base-a probe",
		// After inherit, the ebuild's own values are back.
		"AFTER": "ECLASS=unset DEPTH=0 IUSE=own RESTRICT=r INHERITED= base-a probe",
		// Inheriting again sources again but records the eclass once.
		"AGAIN":       "ECLASS=unset DEPTH=0 IUSE=own INHERITED= base-a probe",
		"probe_count": "2",
		"IUSE":        "own a-flag probe probe",
		"RESTRICT":    "r a-restrict",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inherit environment (-want +got):\n%s", diff)
	}
}

// TestDeferredEclassBodies evaluates ebuilds whose eclass has a function
// mvdan cannot parse, with eclass bodies parsed when first called (cache
// keys only) and parsed at once (full metadata): the same results, and a
// call of the unparsable function fails either way.
func TestDeferredEclassBodies(t *testing.T) {
	dir := t.TempDir()
	eclassDir := filepath.Join(dir, "eclass")
	files := map[string]string{
		"eclass/lazyfn.eclass":   "good() {\n\techo \"ok ${1}\"\n}\nbad() {\n\tlocal x=$(( 1 + ))\n}\nLAZY=$(good 1)\n",
		"eclass/callsbad.eclass": "inherit lazyfn\nbad\n",
		"cat/a/a-1.ebuild":       "EAPI=8\ninherit lazyfn\nDESCRIPTION=\"${LAZY}\"\nSLOT=0\n",
		"cat/b/b-1.ebuild":       "EAPI=8\ninherit callsbad\nSLOT=0\n",
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, keysOnly := range []bool{true, false} {
		e := New(Options{EclassDirs: []string{eclassDir}, CacheKeysOnly: keysOnly})
		md, err := e.Evaluate(context.Background(), ebuild.Ref{Category: "cat", PN: "a", PVR: "1", Path: filepath.Join(dir, "cat/a/a-1.ebuild")})
		if err != nil {
			t.Errorf("keys only %v: a-1: %v", keysOnly, err)
		} else if md.Raw["DESCRIPTION"] != "ok 1" {
			t.Errorf("keys only %v: a-1: DESCRIPTION %q, want \"ok 1\"", keysOnly, md.Raw["DESCRIPTION"])
		}
		_, err = e.Evaluate(context.Background(), ebuild.Ref{Category: "cat", PN: "b", PVR: "1", Path: filepath.Join(dir, "cat/b/b-1.ebuild")})
		if err == nil || !strings.Contains(err.Error(), "function bad could not be parsed") {
			t.Errorf("keys only %v: b-1: error %v, want the unparsable function named", keysOnly, err)
		}
	}
}

package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild"
)

// fixture writes a one-package repository with the given eclasses and
// returns an evaluator for it and the ebuild's Ref.
func fixture(t *testing.T, ebuildSrc string, eclasses map[string]string) (*Evaluator, ebuild.Ref) {
	t.Helper()
	dir := t.TempDir()
	pkg := filepath.Join(dir, "cat", "pkg")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "eclass"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(pkg, "pkg-1.2.3-r1.ebuild")
	if err := os.WriteFile(path, []byte(ebuildSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, src := range eclasses {
		if err := os.WriteFile(filepath.Join(dir, "eclass", name+".eclass"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := New(Options{EclassDirs: []string{filepath.Join(dir, "eclass")}})
	return e, ebuild.Ref{Repo: "test", Category: "cat", PN: "pkg", PVR: "1.2.3-r1", Path: path}
}

func evalFixture(t *testing.T, ebuildSrc string, eclasses map[string]string) (*ebuild.Metadata, error) {
	t.Helper()
	e, ref := fixture(t, ebuildSrc, eclasses)
	return e.Evaluate(context.Background(), ref)
}

func TestCollapseFastPath(t *testing.T) {
	for _, s := range []string{
		"", "a", "a b", "a  b", " a", "a ", "a\tb", "a\nb", "-n a", "-x a", "-", "a -n",
		">=dev-libs/foo-1 bar? ( baz )", "x\n", "\t", " ", "-e", "a b  ",
	} {
		// The fast path must agree with the general one.
		fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
		for len(fields) > 0 && isEchoOption(fields[0]) {
			fields = fields[1:]
		}
		want := strings.Join(fields, " ")
		if got := collapse(s); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
		if collapsed(s) && s != want {
			t.Errorf("collapsed(%q) is true but collapse gives %q", s, want)
		}
	}
}

func TestCacheKeysOnly(t *testing.T) {
	src := `EAPI=8
inherit lib
DESCRIPTION="d  e"
SLOT="0"
IUSE="a"
FOO=( x y )
src_configure() { econf; }
`
	eclasses := map[string]string{"lib": "IUSE=\"b\"\nlib_src_compile() { :; }\nEXPORT_FUNCTIONS src_compile\n"}
	full, ref := fixture(t, src, eclasses)
	want, err := full.Evaluate(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	keys := New(Options{EclassDirs: full.opts.EclassDirs, CacheKeysOnly: true})
	got, err := keys.Evaluate(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if got.Vars != nil || got.Funcs != nil {
		t.Errorf("CacheKeysOnly filled Vars (%d) or Funcs (%d)", len(got.Vars), len(got.Funcs))
	}
	if len(want.Vars) == 0 || len(want.Funcs) == 0 {
		t.Errorf("full evaluation has no Vars (%d) or Funcs (%d)", len(want.Vars), len(want.Funcs))
	}
	want.Vars, want.Funcs = nil, nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CacheKeysOnly metadata (-full +keys only):\n%s", diff)
	}
	if got.Raw["DEFINED_PHASES"] != "compile configure" || got.Raw["IUSE"] != "a b" {
		t.Errorf("keys: DEFINED_PHASES %q, IUSE %q", got.Raw["DEFINED_PHASES"], got.Raw["IUSE"])
	}
}

package model

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.starlark.net/starlark"
)

func TestParseConfig(t *testing.T) {
	src := "# comment\n[cells]\n  root = .\ncore = packages/linux/core\n; other comment\n[parser]\nspec = a \\\n    b \\\n    c\nafter = 1\n"
	c, err := ParseConfig(".buckconfig", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		section, key, want string
		ok                 bool
	}{
		{"cells", "root", ".", true},
		{"cells", "core", "packages/linux/core", true},
		{"parser", "spec", "a b c", true},
		{"parser", "after", "1", true},
		{"parser", "missing", "", false},
		{"nosection", "root", "", false},
	}
	for _, tt := range tests {
		got, ok := c.Get(tt.section, tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Get(%q, %q) = %q, %v; want %q, %v", tt.section, tt.key, got, ok, tt.want, tt.ok)
		}
	}
	for _, bad := range []struct{ src, want string }{
		{"key = 1\n", `.buckconfig:1: key "key" outside of a [section]`},
		{"[a\n", `.buckconfig:1: unterminated section header "[a"`},
		{"[a]\njunk\n", `.buckconfig:2: expected key = value, got "junk"`},
	} {
		_, err := ParseConfig(".buckconfig", []byte(bad.src))
		if err == nil || err.Error() != bad.want {
			t.Errorf("ParseConfig(%q) error = %v, want %s", bad.src, err, bad.want)
		}
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func testCells(t *testing.T) *Cells {
	t.Helper()
	dir := writeFiles(t, map[string]string{
		".buckconfig": "[cells]\nroot = .\ncore = packages/linux/core\nprelude = prelude\n" +
			"[repositories]\nlegacy = old\n[cell_aliases]\nbuckos = root\n[external_cells]\nprelude = bundled\n[x]\ny = root\n",
		"packages/linux/core/.buckconfig": "[x]\ny = core\n[cell_aliases]\nr = root\n",
	})
	cs, err := LoadCells(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestLoadCells(t *testing.T) {
	cs := testCells(t)
	var got []string
	for _, c := range cs.All() {
		y, _ := c.Config.Get("x", "y")
		got = append(got, c.Name+"="+c.Path+"/"+c.External+"/"+y)
	}
	// Cells without a .buckconfig of their own see an empty configuration.
	want := []string{"core=packages/linux/core//core", "legacy=old//", "prelude=prelude/bundled/", "root=.//root"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if c, ok := cs.Lookup("buckos"); !ok || c.Name != "root" {
		t.Errorf("alias buckos = %v, %v", c, ok)
	}
	// A cell's own alias is seen from inside it only; root aliases everywhere.
	if c, ok := cs.LookupFrom("core", "r"); !ok || c.Name != "root" {
		t.Errorf("alias r from core = %v, %v", c, ok)
	}
	if c, ok := cs.LookupFrom("core", "buckos"); !ok || c.Name != "root" {
		t.Errorf("alias buckos from core = %v, %v", c, ok)
	}
	if _, ok := cs.LookupFrom("root", "r"); ok {
		t.Errorf("alias r resolved from root")
	}
	owners := []struct{ rel, cell, pkg string }{
		{".", "root", ""},
		{"defs", "root", "defs"},
		{"packages/linux/core", "core", ""},
		{"packages/linux/core/zlib", "core", "zlib"},
		{"packages/linux/corex", "root", "packages/linux/corex"},
	}
	for _, o := range owners {
		c, pkg := cs.Owner(o.rel)
		if c.Name != o.cell || pkg != o.pkg {
			t.Errorf("Owner(%q) = %s, %q; want %s, %q", o.rel, c.Name, pkg, o.cell, o.pkg)
		}
	}
}

func TestParseLabel(t *testing.T) {
	cs := testCells(t)
	cur := PackageID{Cell: "core", Path: "zlib"}
	tests := []struct {
		in, want, err string
	}{
		{in: ":zlib", want: "core//zlib:zlib"},
		{in: "//defs:x", want: "core//defs:x"},
		{in: "root//defs:x", want: "root//defs:x"},
		{in: "@buckos//defs:x", want: "root//defs:x"},
		{in: "core//:top", want: "core//:top"},
		{in: ":zlib[headers]", want: "core//zlib:zlib[headers]"},
		{in: "nocell//a:b", err: `label "nocell//a:b": unknown cell "nocell" (not in [cells] or [cell_aliases] of .buckconfig)`},
		{in: "core//zlib", err: `label "core//zlib" has no target name: Buck2 needs cell//package:name in attributes (unless [buck2] infer_target_names = true)`},
		{in: "core//a/../b:c", err: `label "core//a/../b:c": package path "a/../b" must be normalized`},
		{in: "zlib", err: `"zlib" is not a label: expected [cell]//package:name or :name`},
		{in: ":", err: `label ":": empty target name`},
		{in: ":a b", err: "label \":a b\": invalid target name `a b`: Buck2 allows only letters, digits and . = - / ~ @ ! + _"},
		{in: ":a,b", err: "label \":a,b\": invalid target name `a,b`: Buck2 allows only letters, digits and . = - / ~ @ ! + _"},
		{in: ":zlib-1.3.1_p2+x~y@z!w=v", want: "core//zlib:zlib-1.3.1_p2+x~y@z!w=v"},
	}
	for _, tt := range tests {
		l, err := ParseLabel(tt.in, cur, cs)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseLabel(%q) error = %v, want %s", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || l.String() != tt.want {
			t.Errorf("ParseLabel(%q) = %s, %v; want %s", tt.in, l, err, tt.want)
		}
	}
}

func TestInferTargetNames(t *testing.T) {
	dir := writeFiles(t, map[string]string{".buckconfig": "[cells]\nroot = .\n[buck2]\ninfer_target_names = true\n"})
	cs, err := LoadCells(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ParseLabel("//foo/bar", PackageID{Cell: "root"}, cs)
	if err != nil || l.String() != "root//foo/bar:bar" {
		t.Errorf("ParseLabel(//foo/bar) = %s, %v; want root//foo/bar:bar", l, err)
	}
}

func TestPatternMatches(t *testing.T) {
	cs := testCells(t)
	cur := PackageID{Cell: "root", Path: "pkg"}
	target := Label{Cell: "core", Package: "zlib/sub", Name: "z"}
	tests := []struct {
		pat  string
		want bool
	}{
		{"PUBLIC", true},
		{"core//...", true},
		{"core//zlib/...", true},
		{"core//zl/...", false},
		{"core//zlib/sub:", true},
		{"core//zlib:", false},
		{"core//zlib/sub:z", true},
		{"core//zlib/sub:y", false},
		{"//...", false},
		{":z", false},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.pat, cur, cs)
		if err != nil {
			t.Errorf("ParsePattern(%q): %v", tt.pat, err)
			continue
		}
		if got := p.Matches(target); got != tt.want {
			t.Errorf("%q.Matches(%s) = %v, want %v", tt.pat, target, got, tt.want)
		}
	}
}

func TestScanSource(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"plain", "def f(a, b = {\"k\": 1}):\n    return a\n", nil},
		{"fstring", "x = f\"{a}\"\n", []string{"f.bzl:1: f-strings are not supported: go.starlark.net cannot parse them; use \"...\".format() or %"}},
		{"rf-string", "x = rf'{a}'\n", []string{"f.bzl:1: f-strings are not supported: go.starlark.net cannot parse them; use \"...\".format() or %"}},
		{"f in string", "x = \"f'\" + 'if\"'  # f\"x\"\n", nil},
		{"f in triple string", "x = \"\"\"\nf\"x\"\n\"\"\"\ny: int = 1\n", []string{`f.bzl:4: type annotation on "y" is not supported: go.starlark.net cannot parse annotations; remove it`}},
		{"lambda default", "def f(x = lambda y: y):\n    return x\n", nil},
		{"param", "def f(\n    a,\n    b: str):\n    pass\n", []string{"f.bzl:3: type annotation on a parameter is not supported: go.starlark.net cannot parse annotations; remove it"}},
		{"return", "def f() -> None:\n    pass\n", []string{"f.bzl:1: return type annotation (->) is not supported: go.starlark.net cannot parse annotations; remove it"}},
		{"dict and slices", "d = {\n  a: 1,\n}\ne = x[1:2]\nif a:\n    pass\nelse:\n    pass\n", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, d := range scanSource("f.bzl", []byte(tt.src)) {
			got = append(got, d.String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pat, file string
		want      bool
	}{
		{"*.c", "a.c", true},
		{"*.c", "sub/a.c", false},
		{"**/*.c", "a.c", true},
		{"**/*.c", "x/y/a.c", true},
		{"src/**", "src/a/b", true},
		{"src/**", "other/a", false},
		{"?.h", "ab.h", false},
	}
	for _, tt := range tests {
		if got := globAny([]string{tt.pat}, tt.file); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.pat, tt.file, got, tt.want)
		}
	}
}

// fakeResolver maps key labels to the constraints they need; absent
// keys do not match.
type fakeResolver map[string][]string

func (f fakeResolver) Match(l Label) (bool, []string, error) {
	c, ok := f[l.String()]
	return ok, c, nil
}

func (f fakeResolver) Configuration() string { return "test" }

func TestResolveSelect(t *testing.T) {
	cs := testCells(t)
	cur := PackageID{Cell: "root", Path: "p"}
	sel := func(kv ...string) *Select {
		part := selectPart{branches: []selectBranch{}}
		for i := 0; i < len(kv); i += 2 {
			part.branches = append(part.branches, selectBranch{key: kv[i], value: starlark.String(kv[i+1])})
		}
		return &Select{parts: []selectPart{part}}
	}
	tests := []struct {
		name string
		s    *Select
		r    fakeResolver
		want string
		err  string
	}{
		{"default", sel("//c:a", "A", "DEFAULT", "D"), fakeResolver{}, `"D"`, ""},
		{"match", sel("//c:a", "A", "DEFAULT", "D"), fakeResolver{"root//c:a": {"x"}}, `"A"`, ""},
		{"specific last", sel("//c:a", "A", "//c:ab", "AB"), fakeResolver{"root//c:a": {"x"}, "root//c:ab": {"x", "y"}}, "", "first matching select key `//c:a` has different value than most specific match `//c:ab`"},
		{"specific first", sel("//c:ab", "AB", "//c:a", "A"), fakeResolver{"root//c:a": {"x"}, "root//c:ab": {"x", "y"}}, `"AB"`, ""},
		{"ambiguous", sel("//c:a", "A", "//c:b", "B"), fakeResolver{"root//c:a": {"x"}, "root//c:b": {"y"}}, "", "both select keys `//c:a` and `//c:b` match the configuration, but neither is more specific and they have different values"},
		{"ambiguous same value", sel("//c:a", "A", "//c:b", "A"), fakeResolver{"root//c:a": {"x"}, "root//c:b": {"y"}}, `"A"`, ""},
		{"none", sel("//c:a", "A"), fakeResolver{}, "", "none of 1 conditions matched configuration `test` and no default was set: //c:a"},
	}
	for _, tt := range tests {
		v, err := resolveSelect(tt.s, cur, cs, tt.r)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s: error = %v, want %s", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || v.String() != tt.want {
			t.Errorf("%s: = %v, %v; want %s", tt.name, v, err, tt.want)
		}
	}
	// select() + list concatenates branch values with plain parts.
	l := &Select{parts: []selectPart{{plain: starlark.NewList([]starlark.Value{starlark.String("x")})}, {branches: []selectBranch{{key: "DEFAULT", value: starlark.NewList([]starlark.Value{starlark.String("y")})}}}}}
	v, err := resolveSelect(l, cur, cs, fakeResolver{})
	if err != nil || v.String() != `["x", "y"]` {
		t.Errorf("concatenation = %v, %v", v, err)
	}
}

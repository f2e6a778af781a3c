package resolve

import (
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"
	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild/atom"
	"buckos.dev/buckos/emit/cells"
)

func testIndex(t *testing.T) *Index {
	t.Helper()
	pkgs := []Package{
		{Key: "sys-libs/zlib", Versions: []Version{
			{PVR: "1.3.1-r1", Slot: "0", SubSlot: "1", Keywords: []string{"amd64"}},
			{PVR: "1.3.2", Slot: "0", SubSlot: "1", Keywords: []string{"~amd64"}},
		}},
		{Key: "dev-libs/openssl", Versions: []Version{
			{PVR: "1.1.1w", Slot: "0", SubSlot: "1.1", Keywords: []string{"amd64"}},
			{PVR: "3.2.0", Slot: "0", SubSlot: "3", Keywords: []string{"amd64"}},
			{PVR: "4.0.0", Slot: "0", SubSlot: "4", Masked: true},
		}},
		{Key: "sys-apps/foo", Versions: []Version{{PVR: "1", Slot: "0"}}},
		{Key: "sys-apps/bar", Versions: []Version{{PVR: "1.5", Slot: "0", Keywords: []string{"~amd64"}}, {PVR: "9999", Slot: "9999"}, {PVR: "2.0", Slot: "0", Keywords: []string{"~arm64"}}, {PVR: "3.0", Slot: "0", Keywords: []string{"-amd64", "arm64"}}}},
		{Key: "sys-apps/live", Versions: []Version{{PVR: "9999", Slot: "0"}}},
		{Key: "sys-libs/foo", Versions: []Version{{PVR: "2", Slot: "0"}}},
	}
	var keys []string
	for _, p := range pkgs {
		keys = append(keys, p.Key)
	}
	l, err := cells.NewLayout(keys)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(l, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestResolve(t *testing.T) {
	ix := testIndex(t)
	tests := []struct {
		atom       string
		want       string
		unresolved string // reason, "" when resolved
	}{
		{atom: "sys-libs/zlib", want: `"core//zlib:zlib"`},
		{atom: "sys-apps/foo", want: `"core//foo-apps:foo"`},
		{atom: "sys-libs/zlib:0", want: `"core//zlib:0"`},
		{atom: ">=dev-libs/openssl-3.0.0", want: `version_dep("dev-libs//openssl", ">=3.0.0")`},
		{atom: "<dev-libs/openssl-3:0", want: `version_dep("dev-libs//openssl", "<3", slot = "0")`},
		{atom: "~sys-libs/zlib-1.3.1", want: `version_dep("core//zlib", "~1.3.1")`},
		{atom: "=sys-libs/zlib-1.3*", want: `version_dep("core//zlib", "=1.3*")`},
		{atom: "=sys-libs/zlib-1.3.1-r1", want: `version_dep("core//zlib", "=1.3.1-r1")`},
		{atom: "sys-libs/zlib:=", want: `slot_op("core//zlib:zlib", "=")`},
		{atom: "sys-libs/zlib:0=", want: `slot_op("core//zlib:0", "0=")`},
		{atom: "sys-libs/zlib:*", want: `slot_op("core//zlib:zlib", "*")`},
		{atom: "dev-libs/openssl:0=[-bindist(-),asm?]", want: `use_req(slot_op("dev-libs//openssl:0", "0="), ["-bindist(-)", "asm?"])`},
		{atom: "!sys-apps/foo:0=[bar]", want: `blocker("sys-apps/foo:0=[bar]", strong = False)`},
		{atom: "!sys-apps/foo", want: `blocker("sys-apps/foo", strong = False)`},
		// No version satisfies a blocker's range: that is the normal case.
		{atom: "!!<sys-libs/zlib-1.2", want: `blocker("<sys-libs/zlib-1.2", strong = True)`},
		{atom: "!app-misc/gone", want: `blocker("app-misc/gone", strong = False)`,
			unresolved: "blocked package is not in any repository in play (blocker kept)"},
		{atom: "app-misc/gone", want: `unresolved("app-misc/gone", "package is not in any repository in play")`, unresolved: "package is not in any repository in play"},
		{atom: ">=app-misc/gone-2:1=[x]", want: `unresolved(">=app-misc/gone-2:1=[x]", "package is not in any repository in play")`, unresolved: "package is not in any repository in play"},
		{atom: ">=sys-libs/zlib-2", want: `unresolved(">=sys-libs/zlib-2", "no version satisfies it")`, unresolved: "no version satisfies it"},
		{atom: ">=dev-libs/openssl-4", want: `unresolved(">=dev-libs/openssl-4", "only masked versions satisfy it")`, unresolved: "only masked versions satisfy it"},
		// An unkeyworded version satisfies a version operator (version_dep
		// takes it when there is no stable or testing match); -amd64 does not.
		{atom: ">=sys-apps/bar-2:0", want: `version_dep("core//bar", ">=2", slot = "0")`},
		{atom: ">=sys-apps/bar-3:0", want: `unresolved(">=sys-apps/bar-3:0", "only masked versions satisfy it")`, unresolved: "only masked versions satisfy it"},
		{atom: "~sys-apps/bar-9999", want: `version_dep("core//bar", "~9999")`},
		{atom: ">=sys-libs/zlib-2:=[ssl]", want: `unresolved(">=sys-libs/zlib-2:=[ssl]", "no version satisfies it")`, unresolved: "no version satisfies it"},
		{atom: ">=sys-apps/bar-1", want: `version_dep("core//bar", ">=1")`},
		{atom: "sys-libs/zlib:5", want: `unresolved("sys-libs/zlib:5", "no version satisfies it")`, unresolved: "no version satisfies it"},
		{atom: "sys-apps/bar:9999", want: `unresolved("sys-apps/bar:9999", "only masked or live versions satisfy it")`, unresolved: "only masked or live versions satisfy it"},
		{atom: "sys-apps/bar", want: `"core//bar:bar"`},
		{atom: "sys-apps/live", want: `unresolved("sys-apps/live", "the package has no version that may be the default (all masked or live)")`, unresolved: "the package has no version that may be the default (all masked or live)"},
	}
	for _, tt := range tests {
		t.Run(tt.atom, func(t *testing.T) {
			a, err := atom.Parse(tt.atom, "8")
			if err != nil {
				t.Fatal(err)
			}
			ctx := Context{Package: "app-misc/me-1", Key: "RDEPEND", EAPI: "8"}
			item, u := ix.Resolve(ctx, a)
			got := exprString(item)
			if tt.unresolved != "" {
				if u == nil {
					t.Fatalf("resolved, want Unresolved %q", tt.unresolved)
				}
				want := Unresolved{Package: "app-misc/me-1", Atom: tt.atom, Key: "RDEPEND", Reason: tt.unresolved}
				if diff := cmp.Diff(want, *u); diff != "" {
					t.Errorf("Unresolved (-want +got):\n%s", diff)
				}
				c := item.Comment().Suffix
				if len(c) != 1 || !strings.HasPrefix(c[0].Token, "# unresolved: "+tt.atom) {
					t.Errorf("comment = %+v", c)
				}
			} else if u != nil {
				t.Errorf("Unresolved %+v, want resolved", *u)
			}
			if got != tt.want {
				t.Errorf("item = %s\nwant   %s", got, tt.want)
			}
		})
	}
}

func TestDepend(t *testing.T) {
	ix := testIndex(t)
	ctx := Context{Package: "app-misc/me-1", Key: "DEPEND", EAPI: "8"}
	items, unresolved, err := ix.Depend(ctx, "sys-libs/zlib ssl? ( || ( dev-libs/openssl:0 app-misc/gone ) ) !ssl? ( ( sys-apps/foo ) )")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, exprString(it))
	}
	want := []string{
		`"core//zlib:zlib"`,
		`use_if("ssl", [any_of(["dev-libs//openssl:0", unresolved("app-misc/gone", "package is not in any repository in play")])])`,
		`use_if("!ssl", ["core//foo-apps:foo"])`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if len(unresolved) != 1 || unresolved[0].Atom != "app-misc/gone" {
		t.Errorf("unresolved = %+v", unresolved)
	}
	for _, bad := range []string{"( sys-libs/zlib", "sys-libs/zlib )", "ssl? sys-libs/zlib", "not-an-atom"} {
		if _, _, err := ix.Depend(ctx, bad); err == nil {
			t.Errorf("Depend(%q): no error", bad)
		}
	}
}

// exprString prints an item the way it appears inside a BUCK attribute
// list, without its comments.
func exprString(x build.Expr) string {
	f := &build.File{Type: build.TypeBuild, Stmt: []build.Expr{&build.AssignExpr{
		LHS: &build.Ident{Name: "x"}, Op: "=", RHS: &build.ListExpr{List: []build.Expr{x}}}}}
	s := removeComments(string(build.FormatWithoutRewriting(f)))
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "x = ["), "]")
}

// removeComments drops comments and buildifier's line breaks, so that
// items compare as one-line text.
func removeComments(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		out = append(out, line)
	}
	s = strings.Join(strings.Fields(strings.Join(out, " ")), " ")
	for _, r := range [][2]string{{"[ ", "["}, {"( ", "("}, {", ]", "]"}, {", )", ")"}, {",]", "]"}, {",)", ")"}, {" ]", "]"}, {" )", ")"}} {
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	return s
}

func TestDefaultVersion(t *testing.T) {
	tests := []struct {
		name string
		vs   []Version
		want string
	}{
		{"newest stable", []Version{{PVR: "1.0", Keywords: []string{"amd64"}}, {PVR: "1.2", Keywords: []string{"amd64"}}, {PVR: "1.10", Keywords: []string{"~amd64"}}}, "1.2"},
		{"testing when no stable", []Version{{PVR: "1.0", Keywords: []string{"~amd64"}}, {PVR: "2.0-r1", Keywords: []string{"~amd64"}}, {PVR: "2.0", Keywords: []string{"~amd64"}}}, "2.0-r1"},
		{"masked stable skipped", []Version{{PVR: "1.0", Keywords: []string{"amd64"}}, {PVR: "1.1", Keywords: []string{"amd64"}, Masked: true}}, "1.0"},
		{"live never", []Version{{PVR: "9999", Keywords: []string{"amd64"}}, {PVR: "0.1", Keywords: []string{"~arm64"}}}, "0.1"},
		{"live by PROPERTIES", []Version{{PVR: "2.43.9999", Keywords: []string{"amd64"}, Properties: []string{"live"}}, {PVR: "2.42", Keywords: []string{"amd64"}}}, "2.42"},
		{"nothing qualifies", []Version{{PVR: "9999"}, {PVR: "1", Masked: true}}, ""},
		{"-amd64 never", []Version{{PVR: "2", Keywords: []string{"-amd64"}}, {PVR: "1", Keywords: []string{"~arm64"}}}, "1"},
		{"unkeyworded when nothing else", []Version{{PVR: "9999"}, {PVR: "2", Masked: true}, {PVR: "1.1"}, {PVR: "1.0"}}, "1.1"},
	}
	for _, tt := range tests {
		got, ok := DefaultVersion(tt.vs)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: DefaultVersion = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		kw   []string
		want string
	}{
		{[]string{"amd64", "~arm64"}, "stable"},
		{[]string{"~amd64", "arm64"}, "testing"},
		{[]string{"arm64"}, "unkeyworded"},
		{nil, "unkeyworded"},
		{[]string{"-amd64"}, "masked"},
		{[]string{"-*", "arm64"}, "masked"},
		{[]string{"-*", "~amd64"}, "testing"},
	} {
		if got := Status(tt.kw); got != tt.want {
			t.Errorf("Status(%q) = %q, want %q", tt.kw, got, tt.want)
		}
	}
}

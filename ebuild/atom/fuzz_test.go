package atom

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild/version"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"dev-libs/foo", ">=dev-libs/foo-1.2.3_rc1-r2:0/1=[a,-b(+),!c?,d=]", "=a/b-1*", "!!<a/b-2:*",
		"~x11-libs/gtk+-3.24", "a/b::repo[x]", "a/b:1/2", "a/b-1", "a/b[",
	} {
		f.Add(s, "8")
		f.Add(s, "")
		f.Add(s, "4")
	}
	f.Fuzz(func(t *testing.T, s, eapi string) {
		a, err := Parse(s, eapi)
		if err != nil {
			return
		}
		out := a.String()
		if out != s {
			t.Fatalf("Parse(%q).String() = %q", s, out)
		}
		b, err := Parse(out, eapi)
		if err != nil {
			t.Fatalf("re-parse of %q: %v", out, err)
		}
		if diff := cmp.Diff(a, b, cmp.Comparer(func(x, y version.Version) bool { return x.String() == y.String() })); diff != "" {
			t.Fatalf("re-parse of %q differs:\n%s", out, diff)
		}
	})
}

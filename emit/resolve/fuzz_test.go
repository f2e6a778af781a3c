package resolve

import (
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"
)

// Depend never panics and either fails or reports every atom it could not
// resolve; it never drops one.
func FuzzDepend(f *testing.F) {
	f.Add("sys-libs/zlib ssl? ( || ( dev-libs/openssl:0= app-misc/gone ) ) !!<sys-apps/foo-2")
	f.Add(">=dev-libs/openssl-4:0/3=[-bindist(-),asm?] ( ~sys-libs/zlib-1.3 =sys-libs/zlib-1.3* )")
	f.Add("!ssl? ( sys-libs/zlib:* ) || ( ) ( (")
	f.Fuzz(func(t *testing.T, value string) {
		ix := testIndex(t)
		items, unresolved, err := ix.Depend(Context{Package: "app-misc/me-1", Key: "RDEPEND", EAPI: "8"}, value)
		if err != nil {
			return
		}
		for _, u := range unresolved {
			if u.Atom == "" || u.Reason == "" || u.Package != "app-misc/me-1" || u.Key != "RDEPEND" {
				t.Fatalf("bad Unresolved %+v", u)
			}
		}
		if len(items) == 0 && len(unresolved) > 0 {
			t.Fatalf("unresolved atoms but no items")
		}
		// Every unresolved atom that is not a blocker is one unresolved()
		// item: never a label that does not exist.
		calls := 0
		for _, it := range items {
			build.Walk(it, func(x build.Expr, _ []build.Expr) {
				if c, ok := x.(*build.CallExpr); ok {
					if id, ok := c.X.(*build.Ident); ok && id.Name == "unresolved" {
						calls++
					}
				}
			})
		}
		want := 0
		for _, u := range unresolved {
			if !strings.HasPrefix(u.Atom, "!") {
				want++
			}
		}
		if calls != want {
			t.Fatalf("%d unresolved() items for %d unresolved atoms that are not blockers", calls, want)
		}
	})
}

package depspec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzRoundTrip checks that a value that parses prints canonically and
// re-parses to an equal tree.
func fuzzRoundTrip(t *testing.T, key, s, eapiName string) {
	n, err := Parse(key, s, eapiName)
	if err != nil {
		return
	}
	out := n.String()
	again, err := Parse(key, out, eapiName)
	if err != nil {
		t.Fatalf("%s %q: re-parse of %q: %v", key, s, out, err)
	}
	if !Equal(n, again) {
		t.Fatalf("%s %q: re-parse of %q differs:\n%s", key, s, out, cmp.Diff(n, again, treeOpts))
	}
	if again.String() != out {
		t.Fatalf("%s %q: String() not stable: %q then %q", key, s, out, again.String())
	}
	_ = Evaluate(n, func(f string) bool { return len(f)%2 == 0 })
	_ = Reduce(n, func(f string) bool { return len(f)%2 == 1 }).String()
}

func FuzzParseDepend(f *testing.F) {
	for _, s := range []string{
		"", "dev-libs/a >=dev-libs/b-1:2=[x,-y(+)]", "|| ( a/b ( c/d e/f ) ) ssl? ( !!x/y ) !t? ( =a/b-1* )",
		"|| ( ) ( )", "a/b ( c/d", "foo? ( ) )",
	} {
		f.Add(s, "8")
		f.Add(s, "5")
	}
	f.Fuzz(func(t *testing.T, s, eapiName string) { fuzzRoundTrip(t, "DEPEND", s, eapiName) })
}

func FuzzParseRequiredUse(f *testing.F) {
	for _, s := range []string{
		"a !b", "^^ ( a b ) ?? ( c d ) || ( e f )", "x? ( !y ) !z? ( ( g h ) )", "|| ( ) ^^ ( x? ( a ) )",
	} {
		f.Add(s, "8")
		f.Add(s, "4")
	}
	f.Fuzz(func(t *testing.T, s, eapiName string) {
		fuzzRoundTrip(t, "REQUIRED_USE", s, eapiName)
		if n, err := Parse("REQUIRED_USE", s, eapiName); err == nil {
			_ = CheckRequiredUse(n, func(f string) bool { return len(f)%2 == 0 })
			_ = CheckRequiredUseEAPI(n, eapiName, func(f string) bool { return len(f)%3 == 0 })
		}
	})
}

func FuzzParseSrcURI(f *testing.F) {
	for _, s := range []string{
		"https://a/b.tgz", "https://a/b -> c.tgz", "mirror://gnu/x/y.tar.gz doc? ( ftp://h/d.pdf )",
		"fetch+https://a/b.zip mirror+mirror://m/c.zip -> d.zip", "file.tar", "https://a/ -> x",
	} {
		f.Add(s, "8")
		f.Add(s, "7")
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, s, eapiName string) { fuzzRoundTrip(t, "SRC_URI", s, eapiName) })
}

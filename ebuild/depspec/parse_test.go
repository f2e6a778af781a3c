package depspec

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"buckos.dev/buckos/ebuild/atom"
	"buckos.dev/buckos/ebuild/version"
)

// treeOpts compares trees by structure; parsed atoms are compared by text
// (the atom package tests their fields).
var treeOpts = cmp.Options{
	cmp.Comparer(func(a, b version.Version) bool { return a.String() == b.String() }),
	cmp.Comparer(func(a, b *atom.Atom) bool {
		if a == nil || b == nil {
			return a == b
		}
		return a.String() == b.String()
	}),
	cmpopts.EquateEmpty(),
}

func leaf(s string) *Node { return &Node{Kind: Leaf, Leaf: s} }

func atomLeaf(t *testing.T, s string) *Node {
	t.Helper()
	a, err := atom.Parse(s, "8")
	if err != nil {
		t.Fatal(err)
	}
	return &Node{Kind: Leaf, Leaf: s, Atom: &a}
}

func flag(s string) *Node {
	n := &Node{Kind: Leaf, Leaf: s, Flag: strings.TrimPrefix(s, "!"), Negated: strings.HasPrefix(s, "!")}
	return n
}

func all(c ...*Node) *Node   { return &Node{Kind: AllOf, Children: c} }
func anyOf(c ...*Node) *Node { return &Node{Kind: AnyOf, Children: c} }
func cond(f string, c ...*Node) *Node {
	return &Node{Kind: UseCond, Flag: strings.TrimPrefix(f, "!"), Negated: strings.HasPrefix(f, "!"), Children: c}
}

func TestParseDepend(t *testing.T) {
	tests := []struct {
		in        string
		want      func(t *testing.T) *Node
		canonical string
	}{
		{"", func(t *testing.T) *Node { return all() }, ""},
		{"  dev-libs/a\n\t>=dev-libs/b-1:2=  ", func(t *testing.T) *Node {
			return all(atomLeaf(t, "dev-libs/a"), atomLeaf(t, ">=dev-libs/b-1:2="))
		}, "dev-libs/a >=dev-libs/b-1:2="},
		{"|| ( dev-libs/a ( dev-libs/b dev-libs/c ) ) ssl? ( dev-libs/openssl:= ) !test? ( !dev-libs/d )", func(t *testing.T) *Node {
			return all(
				anyOf(atomLeaf(t, "dev-libs/a"), all(atomLeaf(t, "dev-libs/b"), atomLeaf(t, "dev-libs/c"))),
				cond("ssl", atomLeaf(t, "dev-libs/openssl:=")),
				cond("!test", atomLeaf(t, "!dev-libs/d")),
			)
		}, "|| ( dev-libs/a ( dev-libs/b dev-libs/c ) ) ssl? ( dev-libs/openssl:= ) !test? ( !dev-libs/d )"},
		{"|| ( ) ( ) foo? ( )", func(t *testing.T) *Node {
			return all(anyOf(), all(), cond("foo"))
		}, "|| ( ) ( ) foo? ( )"},
		{"a? ( b? ( || ( x/y x/z ) ) )", func(t *testing.T) *Node {
			return all(cond("a", cond("b", anyOf(atomLeaf(t, "x/y"), atomLeaf(t, "x/z")))))
		}, "a? ( b? ( || ( x/y x/z ) ) )"},
	}
	for _, tt := range tests {
		got, err := ParseDepend(tt.in, "8")
		if err != nil {
			t.Errorf("ParseDepend(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want(t), got, treeOpts); diff != "" {
			t.Errorf("ParseDepend(%q) (-want +got):\n%s", tt.in, diff)
		}
		if s := got.String(); s != tt.canonical {
			t.Errorf("ParseDepend(%q).String() = %q, want %q", tt.in, s, tt.canonical)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		key, in, eapi string
		want          string // the exact message without the wrapped cause
		cause         bool   // a wrapped error is expected
	}{
		{"DEPEND", "a/b ( c/d", "8", `DEPEND: unbalanced parenthesis at token 2 "("`, false},
		{"DEPEND", "a/b ||", "8", `DEPEND: "||" must be followed by "(" at token 2 "||"`, false},
		{"DEPEND", "x? ( a/b ) y?", "8", `DEPEND: "y?" must be followed by "(" at token 5 "y?"`, false},
		{"RDEPEND", "a/b ) c/d", "8", `RDEPEND: unbalanced parenthesis at token 2 ")"`, false},
		{"DEPEND", "a/b c/d e/f g/h i/j k/l ( m/n", "8", `DEPEND: unbalanced parenthesis at token 7 "("`, false},
		{"DEPEND", "|| a/b", "8", `DEPEND: "||" must be followed by "(" at token 1 "||"`, false},
		{"DEPEND", "foo?", "8", `DEPEND: "foo?" must be followed by "(" at token 1 "foo?"`, false},
		{"DEPEND", "foo? a/b", "8", `DEPEND: "foo?" must be followed by "(" at token 1 "foo?"`, false},
		{"DEPEND", "_foo? ( a/b )", "8", `DEPEND: invalid USE conditional at token 1 "_foo?"`, false},
		{"DEPEND", "^^ ( a/b )", "8", `DEPEND: exactly-one-of group not allowed at token 1 "^^"`, false},
		{"DEPEND", "a/b -> c", "8", `DEPEND: "->" only allowed in SRC_URI at token 2 "->"`, false},
		{"DEPEND", "(a/b )", "8", `DEPEND: missing whitespace around "(" at token 1 "(a/b"`, false},
		{"DEPEND", "a/b)", "8", `DEPEND: missing whitespace around ")" at token 1 "a/b)"`, false},
		{"BDEPEND", "x/y foo", "8", `BDEPEND: invalid atom at token 2 "foo"`, true},
		{"PDEPEND", "dev-libs/a:=", "4", `PDEPEND: invalid atom at token 1 "dev-libs/a:="`, true},
		{"DEPEND", "a/b", "x", `DEPEND: cannot parse`, true},
		{"FOO", "a", "8", `FOO: cannot parse`, true},
		{"REQUIRED_USE", "?? ( a b )", "4", `REQUIRED_USE: at-most-one-of group not allowed at token 1 "??"`, false},
		{"REQUIRED_USE", "a? ( b/c )", "8", `REQUIRED_USE: invalid USE flag at token 3 "b/c"`, true},
		{"REQUIRED_USE", "!!a", "8", `REQUIRED_USE: invalid USE flag at token 1 "!!a"`, true},
		{"LICENSE", "|| ( GPL-2 .foo )", "", `LICENSE: invalid license name at token 4 ".foo"`, true},
		{"LICENSE", "^^ ( GPL-2 )", "", `LICENSE: exactly-one-of group not allowed at token 1 "^^"`, false},
		{"RESTRICT", "|| ( test )", "", `RESTRICT: any-of group not allowed at token 1 "||"`, false},
		{"SRC_URI", "|| ( https://a/b )", "8", `SRC_URI: any-of group not allowed at token 1 "||"`, false},
		{"SRC_URI", "https://a/b ->", "8", `SRC_URI: missing file name after "->" at end of value`, false},
		{"SRC_URI", "https://a/b -> x/y", "8", `SRC_URI: expected a file name after "->" at token 3 "x/y"`, false},
		{"SRC_URI", "https://a/b -> ( )", "8", `SRC_URI: expected a file name after "->" at token 3 "("`, false},
		{"SRC_URI", "-> x", "8", `SRC_URI: "->" must follow a URI at token 1 "->"`, false},
		{"SRC_URI", "file.tar -> x", "8", `SRC_URI: "->" must follow a URI at token 2 "->"`, false},
		{"SRC_URI", "https://a/b -> x -> y", "8", `SRC_URI: "->" must follow a URI at token 4 "->"`, false},
		{"SRC_URI", "a? ( https://a/b ) -> y", "8", `SRC_URI: "->" must follow a URI at token 5 "->"`, false},
		{"SRC_URI", "https://a/b -> x", "1", `SRC_URI: "->" not allowed in EAPI 1 at token 2 "->"`, false},
		{"SRC_URI", "fetch+https://a/b", "7", `SRC_URI: invalid URI at token 1 "fetch+https://a/b"`, true},
		{"SRC_URI", "https://a/", "8", `SRC_URI: invalid URI at token 1 "https://a/"`, true},
		{"SRC_URI", "https://host", "8", `SRC_URI: invalid URI at token 1 "https://host"`, true},
		{"SRC_URI", "mirror://gnu", "8", `SRC_URI: invalid URI at token 1 "mirror://gnu"`, true},
		{"SRC_URI", "dir/file.tar", "8", `SRC_URI: invalid URI at token 1 "dir/file.tar"`, true},
		{"SRC_URI", "1http://a/b", "8", `SRC_URI: invalid URI at token 1 "1http://a/b"`, true},
	}
	for _, tt := range tests {
		_, err := Parse(tt.key, tt.in, tt.eapi)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%s, %q) error = %v, want *Error", tt.key, tt.in, err)
			continue
		}
		if (e.Err != nil) != tt.cause {
			t.Errorf("Parse(%s, %q) cause = %v, want cause: %v", tt.key, tt.in, e.Err, tt.cause)
		}
		got := (&Error{Key: e.Key, Pos: e.Pos, Token: e.Token, Msg: e.Msg}).Error()
		if got != tt.want {
			t.Errorf("Parse(%s, %q) error:\n got %s\nwant %s", tt.key, tt.in, got, tt.want)
		}
	}
}

func TestParseRequiredUse(t *testing.T) {
	in := "^^ ( a !b ) ?? ( c d ) || ( e f ) x? ( !y ) !z? ( ( g h ) )"
	want := all(
		&Node{Kind: ExactlyOneOf, Children: []*Node{flag("a"), flag("!b")}},
		&Node{Kind: AtMostOneOf, Children: []*Node{flag("c"), flag("d")}},
		anyOf(flag("e"), flag("f")),
		cond("x", flag("!y")),
		cond("!z", all(flag("g"), flag("h"))),
	)
	got, err := ParseRequiredUse(in, "8")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, treeOpts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s := got.String(); s != in {
		t.Errorf("String() = %q", s)
	}
}

func TestParseSrcURI(t *testing.T) {
	tests := []struct {
		in, eapi string
		want     []URI
	}{
		{"https://example.org/dl/foo-1.tar.gz", "8", []URI{{URL: "https://example.org/dl/foo-1.tar.gz", Filename: "foo-1.tar.gz"}}},
		{"https://example.org/v1.tar.gz -> foo-1.tar.gz", "8", []URI{{URL: "https://example.org/v1.tar.gz", Filename: "foo-1.tar.gz", Renamed: true}}},
		{"https://example.org/archive -> foo.tar.gz", "8", []URI{{URL: "https://example.org/archive", Filename: "foo.tar.gz", Renamed: true}}},
		{"https://example.org/download/ -> foo.tar.gz", "8", []URI{{URL: "https://example.org/download/", Filename: "foo.tar.gz", Renamed: true}}},
		{"mirror://gnu/bash/bash-5.2.tar.gz", "8", []URI{{URL: "mirror://gnu/bash/bash-5.2.tar.gz", Filename: "bash-5.2.tar.gz", Mirror: "gnu", Path: "bash/bash-5.2.tar.gz"}}},
		{"fetch+https://a/b.zip mirror+mirror://m/c.zip -> d.zip", "8", []URI{
			{URL: "https://a/b.zip", Filename: "b.zip", Restrict: "fetch+"},
			{URL: "mirror://m/c.zip", Filename: "d.zip", Renamed: true, Mirror: "m", Path: "c.zip", Restrict: "mirror+"},
		}},
		{"secret-1.0.tar.gz doc? ( ftp://x/y/doc.pdf )", "7", []URI{{Filename: "secret-1.0.tar.gz"}, {URL: "ftp://x/y/doc.pdf", Filename: "doc.pdf"}}},
		{"https://a/b.tgz?x=1 -> b.tgz", "6", []URI{{URL: "https://a/b.tgz?x=1", Filename: "b.tgz", Renamed: true}}},
		{"fetch+file.tar", "6", []URI{{Filename: "fetch+file.tar"}}},
	}
	for _, tt := range tests {
		n, err := ParseSrcURI(tt.in, tt.eapi)
		if err != nil {
			t.Errorf("ParseSrcURI(%q): %v", tt.in, err)
			continue
		}
		var got []URI
		for _, l := range Evaluate(n, func(string) bool { return true }) {
			got = append(got, *l.URI)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSrcURI(%q) (-want +got):\n%s", tt.in, diff)
		}
		if s := n.String(); s != tt.in {
			t.Errorf("ParseSrcURI(%q).String() = %q", tt.in, s)
		}
	}
}

func TestParseLicenseAndTokens(t *testing.T) {
	n, err := ParseLicense("GPL-2+ || ( MIT BSD-2 ) doc? ( CC-BY-SA-4.0 )")
	if err != nil {
		t.Fatal(err)
	}
	want := all(leaf("GPL-2+"), anyOf(leaf("MIT"), leaf("BSD-2")), cond("doc", leaf("CC-BY-SA-4.0")))
	if diff := cmp.Diff(want, n, treeOpts); diff != "" {
		t.Errorf("ParseLicense (-want +got):\n%s", diff)
	}
	n, err = ParseTokens("strip !test? ( test ) bindist")
	if err != nil {
		t.Fatal(err)
	}
	want = all(leaf("strip"), cond("!test", leaf("test")), leaf("bindist"))
	if diff := cmp.Diff(want, n, treeOpts); diff != "" {
		t.Errorf("ParseTokens (-want +got):\n%s", diff)
	}
	if _, err := Parse("PROPERTIES", "live a? ( interactive )", "8"); err != nil {
		t.Errorf("PROPERTIES: %v", err)
	}
}

func TestValidLicenseName(t *testing.T) {
	for s, want := range map[string]bool{
		"GPL-2": true, "GPL-2+": true, "LGPL-2.1": true, "all-rights-reserved": true, "_x": true,
		"": false, "-x": false, ".x": false, "+x": false, "a/b": false, "a b": false,
	} {
		if got := ValidLicenseName(s); got != want {
			t.Errorf("ValidLicenseName(%q) = %v, want %v", s, got, want)
		}
	}
}

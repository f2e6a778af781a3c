package depspec

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func useSet(flags string) func(string) bool {
	set := map[string]bool{}
	for _, f := range strings.Fields(flags) {
		set[f] = true
	}
	return func(f string) bool { return set[f] }
}

func TestEvaluate(t *testing.T) {
	const dep = "a/a x? ( b/b !y? ( c/c ) ) !x? ( d/d ) || ( e/e y? ( f/f ) )"
	tests := []struct {
		use  string
		want []string
	}{
		{"", []string{"a/a", "d/d", "e/e"}},
		{"x", []string{"a/a", "b/b", "c/c", "e/e"}},
		{"x y", []string{"a/a", "b/b", "e/e", "f/f"}},
		{"y", []string{"a/a", "d/d", "e/e", "f/f"}},
	}
	n, err := ParseDepend(dep, "8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		var got []string
		for _, l := range Evaluate(n, useSet(tt.use)) {
			got = append(got, l.Leaf)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("USE=%q (-want +got):\n%s", tt.use, diff)
		}
	}
	if got := Evaluate(nil, nil); got != nil {
		t.Errorf("Evaluate(nil) = %v", got)
	}
}

func TestReduce(t *testing.T) {
	const dep = "a/a x? ( b/b !y? ( c/c ) ) !x? ( d/d ) || ( e/e y? ( f/f g/g ) ) ( h/h x? ( i/i ) )"
	tests := []struct{ use, want string }{
		{"", "a/a d/d || ( e/e ) ( h/h )"},
		{"x", "a/a b/b c/c || ( e/e ) ( h/h i/i )"},
		{"x y", "a/a b/b || ( e/e ( f/f g/g ) ) ( h/h i/i )"},
	}
	n, err := ParseDepend(dep, "8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if got := Reduce(n, useSet(tt.use)).String(); got != tt.want {
			t.Errorf("Reduce(USE=%q) = %q, want %q", tt.use, got, tt.want)
		}
	}
	if n.String() != dep {
		t.Errorf("Reduce modified its input: %q", n.String())
	}
}

func TestCheckRequiredUse(t *testing.T) {
	tests := []struct {
		req, use string
		eapi     string
		want     *RequiredUseError
	}{
		{"a", "a", "8", nil},
		{"a", "", "8", &RequiredUseError{Item: "a", Group: "a"}},
		{"!a", "a", "8", &RequiredUseError{Item: "!a", Group: "!a"}},
		{"|| ( a b )", "b", "8", nil},
		{"|| ( a b )", "", "8", &RequiredUseError{Item: "|| ( a b )", Group: "|| ( a b )"}},
		{"^^ ( a b c )", "b", "8", nil},
		{"^^ ( a b c )", "a c", "8", &RequiredUseError{Item: "^^ ( a b c )", Group: "^^ ( a b c )"}},
		{"^^ ( a b c )", "", "8", &RequiredUseError{Item: "^^ ( a b c )", Group: "^^ ( a b c )"}},
		{"?? ( a b )", "", "8", nil},
		{"?? ( a b )", "a", "8", nil},
		{"?? ( a b )", "a b", "8", &RequiredUseError{Item: "?? ( a b )", Group: "?? ( a b )"}},
		{"ssl? ( ^^ ( gnutls openssl ) )", "", "8", nil},
		{"ssl? ( ^^ ( gnutls openssl ) )", "ssl openssl", "8", nil},
		{"x y ssl? ( ^^ ( gnutls openssl ) )", "x y ssl", "8",
			&RequiredUseError{Item: "ssl? ( ^^ ( gnutls openssl ) )", Group: "^^ ( gnutls openssl )"}},
		{"!ssl? ( !gnutls )", "gnutls", "8", &RequiredUseError{Item: "!ssl? ( !gnutls )", Group: "!gnutls"}},
		// A disabled use? group inside || is not a member.
		{"|| ( a? ( b ) c )", "", "8", &RequiredUseError{Item: "|| ( a? ( b ) c )", Group: "|| ( a? ( b ) c )"}},
		{"^^ ( a? ( b ) c )", "b c", "8", nil},
		{"^^ ( a? ( b ) c )", "a b c", "8", &RequiredUseError{Item: "^^ ( a? ( b ) c )", Group: "^^ ( a? ( b ) c )"}},
		{"|| ( ( a b ) c )", "a b", "8", nil},
		{"|| ( ( a b ) c )", "a", "8", &RequiredUseError{Item: "|| ( ( a b ) c )", Group: "|| ( ( a b ) c )"}},
		// Empty groups: false from EAPI 7, true before.
		{"|| ( )", "", "8", &RequiredUseError{Item: "|| ( )", Group: "|| ( )"}},
		{"|| ( )", "", "6", nil},
		{"^^ ( x? ( a ) )", "", "7", &RequiredUseError{Item: "^^ ( x? ( a ) )", Group: "^^ ( x? ( a ) )"}},
		{"^^ ( x? ( a ) )", "", "5", nil},
		{"?? ( )", "", "8", nil},
	}
	for _, tt := range tests {
		n, err := ParseRequiredUse(tt.req, tt.eapi)
		if err != nil {
			t.Fatal(err)
		}
		err = CheckRequiredUseEAPI(n, tt.eapi, useSet(tt.use))
		var got *RequiredUseError
		if err != nil && !errors.As(err, &got) {
			t.Fatalf("error %v is not a *RequiredUseError", err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("REQUIRED_USE=%q USE=%q EAPI %s (-want +got):\n%s", tt.req, tt.use, tt.eapi, diff)
		}
	}
	// CheckRequiredUse uses EAPI 7+ semantics.
	n, _ := ParseRequiredUse("|| ( )", "6")
	if err := CheckRequiredUse(n, nil); err == nil {
		t.Error("CheckRequiredUse(|| ( )) = nil, want error")
	} else if !strings.Contains(err.Error(), `"|| ( )"`) {
		t.Errorf("error %q does not name the group", err)
	}
}

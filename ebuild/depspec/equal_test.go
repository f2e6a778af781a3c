package depspec

import "testing"

func TestEqual(t *testing.T) {
	parse := func(key, s string) *Node {
		t.Helper()
		n, err := Parse(key, s, "8")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		key, a, b string
		want      bool
	}{
		{"DEPEND", "a/b || ( c/d x? ( e/f ) )", " a/b  ||  ( c/d x? ( e/f ) ) ", true},
		{"DEPEND", "a/b", "a/c", false},
		{"DEPEND", "a/b c/d", "c/d a/b", false},
		{"DEPEND", "x? ( a/b )", "!x? ( a/b )", false},
		{"DEPEND", "x? ( a/b )", "y? ( a/b )", false},
		{"DEPEND", "|| ( a/b )", "( a/b )", false},
		{"DEPEND", "( a/b )", "a/b", false},
		{"DEPEND", "a/b", "a/b a/b", false},
		{"REQUIRED_USE", "!a", "a", false},
		{"REQUIRED_USE", "^^ ( a b )", "?? ( a b )", false},
		{"SRC_URI", "https://h/a.tgz -> b.tgz", "https://h/a.tgz -> b.tgz", true},
		{"SRC_URI", "https://h/a.tgz -> b.tgz", "https://h/a.tgz -> c.tgz", false},
		{"SRC_URI", "https://h/a.tgz", "https://h/a.tgz -> a.tgz", false},
	}
	for _, tt := range tests {
		a, b := parse(tt.key, tt.a), parse(tt.key, tt.b)
		if got := Equal(a, b); got != tt.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := Equal(b, a); got != tt.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
	if !Equal(nil, nil) || Equal(nil, &Node{}) {
		t.Error("Equal with nil trees")
	}
	// Atoms are compared, not only the leaf text.
	a, b := parse("DEPEND", "a/b"), parse("DEPEND", "a/b")
	b.Children[0].Atom.Slot = "1"
	if Equal(a, b) {
		t.Error("Equal ignores a different atom")
	}
}

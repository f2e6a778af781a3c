package atom

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild/version"
)

func ver(s string) *version.Version {
	v := version.MustParse(s)
	return &v
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		eapi string
		want Atom
	}{
		{"dev-libs/foo", "8", Atom{Category: "dev-libs", PN: "foo"}},
		{">=dev-libs/foo-1.2.3", "8", Atom{Op: ">=", Category: "dev-libs", PN: "foo", Version: ver("1.2.3")}},
		{"<dev-libs/foo-2", "8", Atom{Op: "<", Category: "dev-libs", PN: "foo", Version: ver("2")}},
		{"<=dev-libs/foo-2-r1", "8", Atom{Op: "<=", Category: "dev-libs", PN: "foo", Version: ver("2-r1")}},
		{">dev-libs/foo-2_p1", "8", Atom{Op: ">", Category: "dev-libs", PN: "foo", Version: ver("2_p1")}},
		{"~dev-libs/foo-2", "8", Atom{Op: "~", Category: "dev-libs", PN: "foo", Version: ver("2")}},
		{"=dev-libs/foo-2*", "8", Atom{Op: "=*", Category: "dev-libs", PN: "foo", Version: ver("2")}},
		{"=x11-libs/gtk+-3.24*:3", "8", Atom{Op: "=*", Category: "x11-libs", PN: "gtk+", Version: ver("3.24"), Slot: "3"}},
		{"!dev-libs/foo", "8", Atom{Blocker: WeakBlocker, Category: "dev-libs", PN: "foo"}},
		{"!!<dev-libs/foo-1", "8", Atom{Blocker: StrongBlocker, Op: "<", Category: "dev-libs", PN: "foo", Version: ver("1")}},
		{"dev-libs/foo:2", "8", Atom{Category: "dev-libs", PN: "foo", Slot: "2"}},
		{"dev-libs/foo:2/2.1", "8", Atom{Category: "dev-libs", PN: "foo", Slot: "2", SubSlot: "2.1"}},
		{"dev-libs/foo:2=", "8", Atom{Category: "dev-libs", PN: "foo", Slot: "2", SlotOp: "="}},
		{"dev-libs/foo:2/3=", "8", Atom{Category: "dev-libs", PN: "foo", Slot: "2", SubSlot: "3", SlotOp: "="}},
		{"dev-libs/foo:=", "8", Atom{Category: "dev-libs", PN: "foo", SlotOp: "="}},
		{"dev-libs/foo:*", "8", Atom{Category: "dev-libs", PN: "foo", SlotOp: "*"}},
		{"dev-libs/foo[a,-b,c=,!d=,e?,!f?]", "8", Atom{Category: "dev-libs", PN: "foo", UseDeps: []UseDep{
			{Flag: "a", Enabled: true},
			{Flag: "b"},
			{Flag: "c", Enabled: true, Kind: UseEqual},
			{Flag: "d", Kind: UseEqual, Negated: true},
			{Flag: "e", Enabled: true, Kind: UseConditional},
			{Flag: "f", Kind: UseConditional, Negated: true},
		}}},
		{"dev-libs/foo[a(+),-b(-),python_targets_python3_12(-)?,!c(+)=]", "8", Atom{Category: "dev-libs", PN: "foo", UseDeps: []UseDep{
			{Flag: "a", Enabled: true, Default: "+"},
			{Flag: "b", Default: "-"},
			{Flag: "python_targets_python3_12", Enabled: true, Kind: UseConditional, Default: "-"},
			{Flag: "c", Kind: UseEqual, Negated: true, Default: "+"},
		}}},
		{">=dev-libs/foo-1:0/1=[x]", "8", Atom{Op: ">=", Category: "dev-libs", PN: "foo", Version: ver("1"), Slot: "0", SubSlot: "1", SlotOp: "=", UseDeps: []UseDep{{Flag: "x", Enabled: true}}}},
		{"dev-libs/foo:1::gentoo[x]", "", Atom{Category: "dev-libs", PN: "foo", Slot: "1", Repo: "gentoo", UseDeps: []UseDep{{Flag: "x", Enabled: true}}}},
		{"dev-libs/foo-bar2", "0", Atom{Category: "dev-libs", PN: "foo-bar2"}},
		{"dev-libs/foo:1", "1", Atom{Category: "dev-libs", PN: "foo", Slot: "1"}},
		{"dev-libs/foo[x(-)]", "4", Atom{Category: "dev-libs", PN: "foo", UseDeps: []UseDep{{Flag: "x", Enabled: true, Default: "-"}}}},
		{"dev-libs/foo[a(+),-a(+)]", "8", Atom{Category: "dev-libs", PN: "foo", UseDeps: []UseDep{{Flag: "a", Enabled: true, Default: "+"}, {Flag: "a", Default: "+"}}}},
		{"dev-lang/perl:=[x@y]", "5", Atom{Category: "dev-lang", PN: "perl", SlotOp: "=", UseDeps: []UseDep{{Flag: "x@y", Enabled: true}}}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.eapi)
		if err != nil {
			t.Errorf("Parse(%q, %q): %v", tt.in, tt.eapi, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b version.Version) bool { return a.String() == b.String() })); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
		}
		if s := got.String(); s != tt.in {
			t.Errorf("Parse(%q).String() = %q", tt.in, s)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, eapi string
		wantMsg  string // a part the error message must contain
	}{
		{"foo", "8", "missing category"},
		{"dev-libs/foo-1.2", "8", "needs an operator"},
		{">=dev-libs/foo", "8", "needs a valid package-version"},
		{">=dev-libs/foo-1.2*", "8", "only allowed with \"=\""},
		{"~dev-libs/foo-1*", "8", "only allowed with \"=\""},
		{"=dev-libs/foo-*", "8", "needs a valid package-version"},
		{"dev-libs/foo:", "8", "invalid slot"},
		{"dev-libs/foo:-1", "8", "invalid slot"},
		{"dev-libs/foo:1*", "8", "cannot follow a slot"},
		{"dev-libs/foo:1/", "8", "invalid sub-slot"},
		{"dev-libs/foo:1:2", "8", "invalid slot"},
		{"dev-libs/foo::gentoo", "8", "not allowed in ebuilds"},
		{"dev-libs/foo::-x", "", "invalid repository"},
		{"dev-libs/foo[", "8", "unterminated"},
		{"dev-libs/foo[]", "8", "empty USE dependency"},
		{"dev-libs/foo[a", "8", "unterminated"},
		{"dev-libs/foo]", "8", "unexpected"},
		{"dev-libs/foo[a,]", "8", "empty USE dependency"},
		{"dev-libs/foo[!a]", "8", "needs \"=\" or \"?\""},
		{"dev-libs/foo[-a=]", "8", "cannot be combined"},
		{"dev-libs/foo[-a?]", "8", "cannot be combined"},
		{"dev-libs/foo[a,-a(+)]", "8", "conflicting defaults"},
		{"dev-libs/foo[a(-),a(+)?]", "8", "conflicting defaults"},
		{"dev-libs/foo[_a]", "8", "invalid USE dependency"},
		{"dev-libs/foo[a(x)]", "8", "invalid USE dependency"},
		{".dev/foo", "8", "invalid category"},
		{"dev-libs/+foo", "8", "invalid package name"},
		{"dev-libs/foo/bar", "8", "invalid package name"},
		{"!!dev-libs/foo", "1", "strong blocker"},
		{"dev-libs/foo[a]", "1", "USE dependencies not allowed"},
		{"dev-libs/foo:1", "0", "slot dependencies not allowed"},
		{"dev-libs/foo[a(+)]", "3", "default"},
		{"dev-libs/foo:=", "4", "slot operator"},
		{"dev-libs/foo:1/2", "4", "sub-slot"},
		{"dev-libs/foo", "paludis-1", "unknown EAPI"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.eapi)
		if err == nil {
			t.Errorf("Parse(%q, %q) = %v, want error", tt.in, tt.eapi, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.wantMsg) || !strings.Contains(msg, "\""+tt.in+"\"") {
			t.Errorf("Parse(%q, %q) error %q: want it to quote the atom and contain %q", tt.in, tt.eapi, msg, tt.wantMsg)
		}
	}
}

func TestKey(t *testing.T) {
	a, err := Parse("!!>=dev-libs/foo-1:2[x]", "8")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Key(); got != "dev-libs/foo" {
		t.Errorf("Key() = %q", got)
	}
}

func TestMatchesVersion(t *testing.T) {
	tests := []struct {
		atom string
		v    string
		want bool
	}{
		{"dev-libs/foo", "1", true},
		{">=dev-libs/foo-1.2", "1.2", true},
		{">=dev-libs/foo-1.2", "1.2-r1", true},
		{">=dev-libs/foo-1.2", "1.1", false},
		{">dev-libs/foo-1.2", "1.2", false},
		{">dev-libs/foo-1.2", "1.2-r1", true},
		{"<dev-libs/foo-1.2", "1.2_rc1", true},
		{"<dev-libs/foo-1.2", "1.2", false},
		{"<=dev-libs/foo-1.2", "1.2", true},
		{"<=dev-libs/foo-1.2", "1.2-r1", false},
		{"=dev-libs/foo-1.2", "1.2-r0", true},
		{"=dev-libs/foo-1.2", "1.2-r1", false},
		{"~dev-libs/foo-1.2", "1.2-r1", true},
		{"~dev-libs/foo-1.2", "1.2.1", false},
		{"=dev-libs/foo-1*", "1.5", true},
		{"=dev-libs/foo-1*", "10", false},
		{"=dev-libs/foo-1.2*", "1.2_p3", true},
	}
	for _, tt := range tests {
		a, err := Parse(tt.atom, "8")
		if err != nil {
			t.Fatal(err)
		}
		if got := a.MatchesVersion(version.MustParse(tt.v)); got != tt.want {
			t.Errorf("%s MatchesVersion(%s) = %v, want %v", tt.atom, tt.v, got, tt.want)
		}
	}
}

func TestUseDepString(t *testing.T) {
	tests := []struct {
		u    UseDep
		want string
	}{
		{UseDep{Flag: "a", Enabled: true}, "a"},
		{UseDep{Flag: "a"}, "-a"},
		{UseDep{Flag: "a", Enabled: true, Kind: UseEqual, Default: "+"}, "a(+)="},
		{UseDep{Flag: "a", Kind: UseConditional, Negated: true}, "!a?"},
	}
	for _, tt := range tests {
		if got := tt.u.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.u, got, tt.want)
		}
	}
}

func TestMatchesSlot(t *testing.T) {
	tests := []struct {
		atom, slot, sub string
		want            bool
	}{
		{"a/b", "0", "", true},
		{"a/b:=", "3", "3.1", true},
		{"a/b:*", "3", "", true},
		{"a/b:3", "3", "3.1", true},
		{"a/b:3=", "3", "", true},
		{"a/b:3", "4", "", false},
		{"a/b:3/3.1", "3", "3.1", true},
		{"a/b:3/3.1=", "3", "3.2", false},
		{"a/b:3/3.1", "3", "", false},
	}
	for _, tt := range tests {
		a, err := Parse(tt.atom, "8")
		if err != nil {
			t.Fatal(err)
		}
		if got := a.MatchesSlot(tt.slot, tt.sub); got != tt.want {
			t.Errorf("%s MatchesSlot(%q, %q) = %v, want %v", tt.atom, tt.slot, tt.sub, got, tt.want)
		}
	}
}

package version

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Version
	}{
		{"1", Version{raw: "1", Components: []string{"1"}}},
		{"1.2.3b_rc1_p2-r3", Version{raw: "1.2.3b_rc1_p2-r3", Components: []string{"1", "2", "3"}, Letter: "b",
			Suffixes: []Suffix{{"rc", "1"}, {"p", "2"}}, Rev: "3"}},
		{"0.01_pre", Version{raw: "0.01_pre", Components: []string{"0", "01"}, Suffixes: []Suffix{{"pre", ""}}}},
		{"2024.01.05_alpha_beta0", Version{raw: "2024.01.05_alpha_beta0", Components: []string{"2024", "01", "05"},
			Suffixes: []Suffix{{"alpha", ""}, {"beta", "0"}}}},
		{"9999", Version{raw: "9999", Components: []string{"9999"}}},
		{"1-r0", Version{raw: "1-r0", Components: []string{"1"}, Rev: "0"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(Version{})); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.String() != tt.in {
			t.Errorf("Parse(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, in := range []string{"", "a", "1.", ".1", "1..2", "1ab", "1A", "1_foo", "1_p-", "1-r", "1-ra", "1_rc-r1a", "1-r1-r2", "1 ", "v1", "1.2_Rc1", "1-R1", "1_p_", "-1"} {
		if v, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %#v, want error", in, v)
		}
	}
}

func TestRevision(t *testing.T) {
	tests := []struct {
		in    string
		rev   int
		noRev string
	}{
		{"1.0", 0, "1.0"},
		{"1.0-r0", 0, "1.0"},
		{"1.0_p1-r12", 12, "1.0_p1"},
		{"3-r007", 7, "3"},
	}
	for _, tt := range tests {
		v := MustParse(tt.in)
		if got := v.Revision(); got != tt.rev {
			t.Errorf("%q.Revision() = %d, want %d", tt.in, got, tt.rev)
		}
		if got := v.WithoutRevision(); got != tt.noRev {
			t.Errorf("%q.WithoutRevision() = %q, want %q", tt.in, got, tt.noRev)
		}
	}
}

func TestCompare(t *testing.T) {
	// Each pair is a < b; Compare must also be antisymmetric.
	less := [][2]string{
		{"1", "2"},
		{"1.0", "1.0.0"},
		{"1.0", "1.1"},
		{"1.9", "1.10"},
		{"1.01", "1.1"},
		{"1.001", "1.01"},
		{"1.0.2", "1.0.10"},
		{"1.02", "1.1"},
		{"1.099", "1.1"},
		{"1.2", "1.2a"},
		{"1.2a", "1.2b"},
		{"12.2b", "12.2.5"},
		{"1.2z", "1.2.0"},
		{"1.0_alpha", "1.0_beta"},
		{"1.0_beta", "1.0_pre"},
		{"1.0_pre", "1.0_rc"},
		{"1.0_rc", "1.0"},
		{"1.0", "1.0_p"},
		{"1.0_p", "1.0_p1"},
		{"1.0_rc1", "1.0_rc2"},
		{"1.0_rc9", "1.0_rc10"},
		{"1.0_alpha1", "1.0_alpha1_p1"},
		{"1.0_alpha1_beta1", "1.0_alpha1"},
		{"1.0_p1_alpha", "1.0_p1"},
		{"1.0_p1", "1.0_p1_p1"},
		{"1.0", "1.0-r1"},
		{"1.0-r1", "1.0-r2"},
		{"1.0-r9", "1.0-r10"},
		{"1.0_p1", "1.0.1"},
		{"1.0-r99", "1.0.0"},
		{"1_pre99999999999999999999998", "1_pre99999999999999999999999"},
		{"99999999999999999999999999", "100000000000000000000000000"},
		{"0.9999", "1"},
		{"2.0", "10"},
		{"1.0a", "1.0.1"},
	}
	for _, p := range less {
		a, b := MustParse(p[0]), MustParse(p[1])
		if got := Compare(a, b); got != -1 {
			t.Errorf("Compare(%q, %q) = %d, want -1", p[0], p[1], got)
		}
		if got := Compare(b, a); got != 1 {
			t.Errorf("Compare(%q, %q) = %d, want 1", p[1], p[0], got)
		}
	}
	equal := [][2]string{
		{"1.0", "1.0"},
		{"1.0-r0", "1.0"},
		{"1.0_p0", "1.0_p"},
		{"01", "1"},
		{"1.010", "1.01"},
		{"1.0_rc01", "1.0_rc1"},
		{"1-r00", "1-r0"},
	}
	for _, p := range equal {
		a, b := MustParse(p[0]), MustParse(p[1])
		if got := Compare(a, b); got != 0 {
			t.Errorf("Compare(%q, %q) = %d, want 0", p[0], p[1], got)
		}
		if got := Compare(b, a); got != 0 {
			t.Errorf("Compare(%q, %q) = %d, want 0", p[1], p[0], got)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, v string
		want       bool
	}{
		{"1", "1", true},
		{"1", "1.2", true},
		{"1", "1a", true},
		{"1", "1_rc1", true},
		{"1", "1-r3", true},
		{"1", "10", false},
		{"1", "11.2", false},
		{"1", "2", false},
		{"1.2", "1.2.3", true},
		{"1.2", "1.20", false},
		{"1.2", "1.2b", true},
		{"1.2_rc", "1.2_rc1", true},
		{"1.2_rc", "1.2_rc", true},
		{"1.2_rc1", "1.2_rc10", false},
		{"1.2_rc1", "1.2_rc1-r1", true},
		{"1.2-r1", "1.2-r1", true},
		{"1.2-r1", "1.2-r10", false},
		{"01.2", "1.2.5", true},
		{"1.2", "001.2.5", true},
		{"0", "0.1", true},
		{"0", "00.1", true},
		{"00", "0.5", true},
		{"1.02", "1.020", false},
		{"1.02", "1.02.1", true},
		{"1.2", "1", false},
	}
	for _, tt := range tests {
		if got := GlobMatch(MustParse(tt.pattern), MustParse(tt.v)); got != tt.want {
			t.Errorf("GlobMatch(%q, %q) = %v, want %v", tt.pattern, tt.v, got, tt.want)
		}
	}
}

func TestTildeMatch(t *testing.T) {
	tests := []struct {
		pattern, v string
		want       bool
	}{
		{"1.2", "1.2", true},
		{"1.2", "1.2-r5", true},
		{"1.2-r3", "1.2", true},
		{"1.2", "1.2.0", false},
		{"1.2", "1.2_p1", false},
		{"1.01", "1.010", false},
	}
	for _, tt := range tests {
		if got := TildeMatch(MustParse(tt.pattern), MustParse(tt.v)); got != tt.want {
			t.Errorf("TildeMatch(%q, %q) = %v, want %v", tt.pattern, tt.v, got, tt.want)
		}
	}
}

package source

import "testing"

func TestVerCut(t *testing.T) {
	// Expected values are what Portage's bin/version-functions.sh prints.
	tests := []struct{ rng, v, want string }{
		{"1", "1.2.3", "1"},
		{"1-1", "1.2.3", "1"},
		{"1-2", "1.2.3", "1.2"},
		{"2-", "1.2.3", "2.3"},
		{"1-", "1.2.3", "1.2.3"},
		{"3-4", "1.2.3b_alpha4", "3b"},
		{"5", "1.2.3b_alpha4", "alpha"},
		{"1-2", ".11.", "11."},
		{"0-1", ".11.", ".11"},
		{"2-", ".11.", ""},
		{"0", "1.2", ""},
		{"3", "1.2", ""},
	}
	for _, tc := range tests {
		got, err := verCut(tc.rng, tc.v)
		if err != nil {
			t.Errorf("ver_cut %s %s: %v", tc.rng, tc.v, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ver_cut %s %s = %q, want %q", tc.rng, tc.v, got, tc.want)
		}
	}
}

func TestVerRs(t *testing.T) {
	// Expected values are what Portage's bin/version-functions.sh prints.
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"1", "-", "1.2.3"}, "1-2.3"},
		{[]string{"2", "-", "1.2.3"}, "1.2-3"},
		{[]string{"1-2", "-", "1.2.3.4"}, "1-2-3.4"},
		{[]string{"2-", "-", "1.2.3.4"}, "1.2-3-4"},
		{[]string{"2", ".", "1.2-3"}, "1.2.3"},
		{[]string{"3", ".", "1.2.3a"}, "1.2.3.a"},
		{[]string{"2-3", "-", "1.2_alpha4"}, "1.2-alpha-4"},
		{[]string{"3", "-", "2", "", "1.2.3b_alpha4"}, "1.23-b_alpha4"},
		{[]string{"3-5", "_", "4-6", "-", "a1b2c3d4e5"}, "a1b_2-c-3-d4e5"},
		{[]string{"1", "-", ".1.2"}, ".1-2"},
		{[]string{"0", "-", ".1.2"}, "-1.2"},
	}
	for _, tc := range tests {
		got, err := verRs(tc.args, "9.9")
		if err != nil {
			t.Errorf("ver_rs %q: %v", tc.args, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ver_rs %q = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestVerCompare(t *testing.T) {
	// Pairs a < b from PMS version comparison rules.
	less := [][2]string{
		{"1", "2"}, {"1.0", "1.0.0"}, {"1.01", "1.1"}, {"1.0a", "1.0b"}, {"1.0", "1.0a"},
		{"1.0_alpha", "1.0_beta"}, {"1.0_rc1", "1.0"}, {"1.0", "1.0_p1"}, {"1.0_pre1", "1.0_rc"},
		{"1.0", "1.0-r1"}, {"1.0-r1", "1.0-r10"}, {"1.09", "1.1"}, {"1.010", "1.1"},
		{"999999999999999999999", "1000000000000000000000"}, {"1.2_alpha_p", "1.2_alpha_p1"},
	}
	for _, p := range less {
		if c, err := verCompare(p[0], p[1]); err != nil || c >= 0 {
			t.Errorf("verCompare(%s, %s) = %d, %v; want < 0", p[0], p[1], c, err)
		}
		if c, err := verCompare(p[1], p[0]); err != nil || c <= 0 {
			t.Errorf("verCompare(%s, %s) = %d, %v; want > 0", p[1], p[0], c, err)
		}
	}
	for _, v := range []string{"1.0", "1.0-r0", "1.00"} {
		if c, err := verCompare("1.0", v); err != nil || (c != 0 && v != "1.00") {
			t.Errorf("verCompare(1.0, %s) = %d, %v", v, c, err)
		}
	}
	if _, err := verCompare("1.x", "1"); err == nil {
		t.Errorf("invalid version accepted")
	}
}

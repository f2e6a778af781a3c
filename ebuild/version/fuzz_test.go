package version

import "testing"

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "1.2.3b_rc1_p2-r3", "0.01_pre", "1.0-r0", "01.010_alpha_beta2", "9999"} {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, s, other string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		if v.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, v.String())
		}
		if Compare(v, v) != 0 || !GlobMatch(v, v) || !TildeMatch(v, v) {
			t.Fatalf("%q does not equal or match itself", s)
		}
		w, err := Parse(v.WithoutRevision())
		if err != nil || w.Rev != "" || Compare(w, v) > 0 {
			t.Fatalf("WithoutRevision(%q) = %q (%v) not a revision-less version <= it", s, v.WithoutRevision(), err)
		}
		o, err := Parse(other)
		if err != nil {
			return
		}
		if a, b := Compare(v, o), Compare(o, v); a != -b {
			t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", s, other, a, other, s, b)
		}
	})
}

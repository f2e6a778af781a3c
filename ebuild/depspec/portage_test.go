package depspec

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// hasEmptyGroup reports whether s has "(" directly followed by ")": Portage's
// use_reduce rejects that ("expected: dependency string"), while PMS gives
// empty groups a meaning and ParseDepend accepts them.
func hasEmptyGroup(s string) bool {
	f := strings.Fields(s)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "(" && f[i+1] == ")" {
			return true
		}
	}
	return false
}

// TestPortageOracle checks ParseDepend against Portage's use_reduce on
// synthetic DEPEND strings (answers computed at the commit in the file's
// header). The one intended difference is empty groups, which we accept:
// for those the expected answer is Portage's for the value with every
// empty group filled with one atom.
func TestPortageOracle(t *testing.T) {
	f, err := os.Open("testdata/portage-depend.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	counts := map[string]int{}
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		fs := strings.SplitN(text, "\t", 4)
		if len(fs) != 4 {
			t.Fatalf("portage-depend.txt:%d: want 4 tab-separated fields, got %q", line, text)
		}
		eapiName, want, s := fs[0], fs[1] == "1", fs[3]
		if hasEmptyGroup(s) {
			// Portage rejects empty groups; we accept them, so what we
			// must agree on is the value with each empty group filled.
			counts["empty-group"]++
			if want {
				t.Errorf("portage-depend.txt:%d: Portage accepted empty group in %q", line, s)
			}
			want = fs[2] == "1"
		}
		n, err := ParseDepend(s, eapiName)
		if got := err == nil; got != want {
			t.Errorf("portage-depend.txt:%d: ParseDepend(%q, EAPI %s) valid = %v (%v), Portage says %v", line, s, eapiName, got, err, want)
			continue
		}
		if err != nil {
			counts["invalid"]++
			continue
		}
		counts["valid"]++
		if again, err := ParseDepend(n.String(), eapiName); err != nil || !Equal(n, again) {
			t.Errorf("portage-depend.txt:%d: %q does not round-trip: %v", line, s, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if counts["valid"] < 300 || counts["invalid"] < 300 {
		t.Fatalf("testdata/portage-depend.txt too one-sided: %v", counts)
	}
	t.Logf("%v", counts)
}

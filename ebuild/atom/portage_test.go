package atom

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestPortageOracle checks which synthetic atoms Portage's Atom(s, eapi=E)
// accepts (at the commit named in the file's header) against Parse, and
// that every accepted atom round-trips through String.
func TestPortageOracle(t *testing.T) {
	f, err := os.Open("testdata/portage-atoms.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	valid, invalid := 0, 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		fs := strings.Fields(text)
		if len(fs) != 3 {
			t.Fatalf("portage-atoms.txt:%d: want 3 fields, got %q", line, text)
		}
		eapi, s, want := fs[0], fs[1], fs[2] == "1"
		a, err := Parse(s, eapi)
		if got := err == nil; got != want {
			t.Errorf("portage-atoms.txt:%d: Parse(%q, EAPI %s) valid = %v (err %v), Portage says %v", line, s, eapi, got, err, want)
			continue
		}
		if err != nil {
			invalid++
			continue
		}
		valid++
		if a.String() != s {
			t.Errorf("portage-atoms.txt:%d: Parse(%q).String() = %q", line, s, a.String())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if valid < 500 || invalid < 500 {
		t.Fatalf("testdata/portage-atoms.txt too one-sided: %d valid, %d invalid", valid, invalid)
	}
}

package version

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestPortageOracle checks Compare, GlobMatch and TildeMatch against
// answers computed by Portage (vercmp and match_from_list, at the commit
// named in the file's header) for synthetic version pairs that stress
// leading zeros, letters, suffix chains and revisions.
func TestPortageOracle(t *testing.T) {
	f, err := os.Open("testdata/portage-vercmp.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	cases := 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		fs := strings.Fields(text)
		if len(fs) != 5 {
			t.Fatalf("portage-vercmp.txt:%d: want 5 fields, got %q", line, text)
		}
		a, errA := Parse(fs[0])
		b, errB := Parse(fs[1])
		if errA != nil || errB != nil {
			t.Errorf("portage-vercmp.txt:%d: %v %v", line, errA, errB)
			continue
		}
		wantCmp, _ := strconv.Atoi(fs[2])
		if got := Compare(a, b); got != wantCmp {
			t.Errorf("portage-vercmp.txt:%d: Compare(%s, %s) = %d, Portage says %d", line, fs[0], fs[1], got, wantCmp)
		}
		if got := GlobMatch(a, b); got != (fs[3] == "1") {
			t.Errorf("portage-vercmp.txt:%d: GlobMatch(%s, %s) = %v, Portage says %s", line, fs[0], fs[1], got, fs[3])
		}
		if got := TildeMatch(a, b); got != (fs[4] == "1") {
			t.Errorf("portage-vercmp.txt:%d: TildeMatch(%s, %s) = %v, Portage says %s", line, fs[0], fs[1], got, fs[4])
		}
		cases++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases < 1000 {
		t.Fatalf("only %d cases in testdata/portage-vercmp.txt", cases)
	}
}

package version

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestCorpus splits the name of every md5-cache entry of the shared corpus
// (CATEGORY/PF) and checks that no package has two versions that compare
// equal (PMS §3.3 forbids it, e.g. 1.0 and 1.0-r0).
func TestCorpus(t *testing.T) {
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		t.Skip("needs BUCKOS_SHARED pointing at the shared/ directory with corpus/{gentoo,guru,chromiumos}/metadata/md5-cache")
	}
	for _, repo := range []string{"gentoo", "guru", "chromiumos"} {
		dir := filepath.Join(shared, "corpus", repo, "metadata", "md5-cache")
		entries, err := filepath.Glob(filepath.Join(dir, "*", "*"))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			t.Fatalf("no md5-cache entries under %s", dir)
		}
		byPkg := map[string][]Version{}
		for _, e := range entries {
			cat, pf := filepath.Base(filepath.Dir(e)), filepath.Base(e)
			if !ValidCategory(cat) {
				t.Errorf("%s: invalid category %q", repo, cat)
			}
			pn, pvr, err := SplitPF(pf)
			if err != nil {
				t.Errorf("%s: %s/%s: %v", repo, cat, pf, err)
				continue
			}
			v, err := Parse(pvr)
			if err != nil {
				t.Errorf("%s: %s/%s: %v", repo, cat, pf, err)
				continue
			}
			byPkg[cat+"/"+pn] = append(byPkg[cat+"/"+pn], v)
		}
		for pkg, vs := range byPkg {
			sort.Slice(vs, func(i, j int) bool { return Compare(vs[i], vs[j]) < 0 })
			for i := 1; i < len(vs); i++ {
				if Compare(vs[i-1], vs[i]) == 0 {
					t.Errorf("%s: %s has equal versions %s and %s", repo, pkg, vs[i-1], vs[i])
				}
			}
		}
		t.Logf("%s: %d entries, %d packages", repo, len(entries), len(byPkg))
	}
}

package depspec

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// corpusKeys are the md5-cache keys written in the dependency grammar.
var corpusKeys = []string{"DEPEND", "RDEPEND", "BDEPEND", "PDEPEND", "IDEPEND", "REQUIRED_USE", "SRC_URI", "LICENSE", "RESTRICT", "PROPERTIES"}

// readCacheEntry reads one md5-cache file (KEY=value lines).
func readCacheEntry(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok {
			m[k] = v
		}
	}
	return m, sc.Err()
}

// TestCorpus parses every dependency-grammar value of every md5-cache entry
// of the shared corpus with the entry's EAPI, and requires that String()
// reproduces the (whitespace-collapsed) value and re-parses to an equal tree.
func TestCorpus(t *testing.T) {
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		t.Skip("needs BUCKOS_SHARED pointing at the shared/ directory with corpus/{gentoo,guru,chromiumos}/metadata/md5-cache")
	}
	for _, repo := range []string{"gentoo", "guru", "chromiumos"} {
		t.Run(repo, func(t *testing.T) {
			dir := filepath.Join(shared, "corpus", repo, "metadata", "md5-cache")
			files, err := filepath.Glob(filepath.Join(dir, "*", "*"))
			if err != nil {
				t.Fatal(err)
			}
			if len(files) == 0 {
				t.Fatalf("no md5-cache entries under %s", dir)
			}
			sort.Strings(files)
			values := map[string]int{}
			for _, path := range files {
				e, err := readCacheEntry(path)
				if err != nil {
					t.Fatal(err)
				}
				eapiName := e["EAPI"]
				if eapiName == "" {
					eapiName = "0"
				}
				rel, _ := filepath.Rel(dir, path)
				for _, key := range corpusKeys {
					val, ok := e[key]
					if !ok {
						continue
					}
					values[key]++
					n, err := Parse(key, val, eapiName)
					if err != nil {
						t.Errorf("%s: %v", rel, err)
						continue
					}
					s := n.String()
					if want := strings.Join(strings.Fields(val), " "); s != want {
						t.Errorf("%s: %s String() = %q, want %q", rel, key, s, want)
					}
					again, err := Parse(key, s, eapiName)
					if err != nil {
						t.Errorf("%s: %s re-parse: %v", rel, key, err)
						continue
					}
					// Equal is fast; cmp.Diff (slow on big SRC_URI trees)
					// double-checks it and explains a difference.
					if !Equal(n, again) {
						t.Errorf("%s: %s re-parse differs (-first +second):\n%s", rel, key, cmp.Diff(n, again, treeOpts))
					}
				}
			}
			total := 0
			for _, n := range values {
				total += n
			}
			t.Logf("%s: %d entries, %d values parsed and round-tripped %v", repo, len(files), total, values)
		})
	}
}

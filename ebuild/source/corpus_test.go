package source

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"buckos.dev/buckos/ebuild"
)

// corpusTree describes one corpus repository and its eclass search order.
type corpusTree struct {
	name       string
	dir        string
	eclassDirs []string
	// valid lists the md5-cache entries that are ground truth (nil: all).
	valid map[string]bool
	// bar is the minimum fraction of entries that must match on every key.
	bar float64
	// noCacheOK lists ebuilds without a cache entry that must evaluate
	// anyway (Portage skipped them only for its bash version).
	noCacheOK map[string]bool
	// keysOnly evaluates with Options.CacheKeysOnly, the mode of
	// `ebuild2buck metadata` (corpus/ tests the full mode on every tree).
	keysOnly bool
	// eapis restricts the ground truth to entries of these EAPIs (nil: all).
	eapis map[string]bool
}

func sharedDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BUCKOS_SHARED")
	if dir == "" {
		t.Skip("BUCKOS_SHARED not set: this test needs the shared corpus (BUCKOS_SHARED=/path/to/shared)")
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus")); err != nil {
		t.Fatalf("BUCKOS_SHARED=%s has no corpus: %v", dir, err)
	}
	return dir
}

func readLines(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			m[f[0]] = true
		}
	}
	return m
}

// cacheEntry reads metadata/md5-cache/CAT/PF.
func readCacheEntry(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		if k != "_eclasses_" {
			v = strings.Join(strings.Fields(v), " ")
		}
		if v != "" {
			m[k] = v
		}
	}
	return m, sc.Err()
}

func findEbuilds(t testing.TB, dir string) []ebuild.Ref {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "*", "*", "*.ebuild"))
	if err != nil {
		t.Fatal(err)
	}
	var refs []ebuild.Ref
	for _, m := range matches {
		pn := filepath.Base(filepath.Dir(m))
		pf := strings.TrimSuffix(filepath.Base(m), ".ebuild")
		if !strings.HasPrefix(pf, pn+"-") {
			continue
		}
		refs = append(refs, ebuild.Ref{
			Category: filepath.Base(filepath.Dir(filepath.Dir(m))),
			PN:       pn,
			PVR:      pf[len(pn)+1:],
			Path:     m,
		})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Path < refs[j].Path })
	return refs
}

type outcome struct {
	ref ebuild.Ref
	md  *ebuild.Metadata
	err error
}

func evaluateAll(e *Evaluator, refs []ebuild.Ref, workers int) []outcome {
	out := make([]outcome, len(refs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				md, err := e.Evaluate(context.Background(), refs[i])
				out[i] = outcome{ref: refs[i], md: md, err: err}
			}
		})
	}
	for i := range refs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func eclassSet(s string) map[string]string {
	f := strings.Split(s, "\t")
	m := map[string]string{}
	for i := 0; i+1 < len(f); i += 2 {
		m[f[i]] = f[i+1]
	}
	return m
}

// compareCorpus evaluates every ebuild of tree and compares with the
// md5-cache ground truth; it returns the fraction of entries matching on
// every key.
func compareCorpus(t *testing.T, tree corpusTree) {
	refs := findEbuilds(t, tree.dir)
	e := New(Options{EclassDirs: tree.eclassDirs, CacheKeysOnly: tree.keysOnly})
	start := time.Now()
	outs := evaluateAll(e, refs, 2)
	elapsed := time.Since(start)

	keyTotal := map[string]int{}
	keyBad := map[string]int{}
	var entries, good, noCacheOK, noCacheBad int
	var bad []string
	errCount := map[string]int{}
	for _, o := range outs {
		cpf := o.ref.CPF()
		entryPath := filepath.Join(tree.dir, "metadata", "md5-cache", o.ref.Category, o.ref.PF())
		want, err := readCacheEntry(entryPath)
		if err != nil {
			// No ground truth: Portage could not source it; neither may we,
			// unless Portage only lacked bash 5.3 for EAPI 9.
			if tree.noCacheOK[cpf] {
				if o.err != nil {
					noCacheBad++
					bad = append(bad, fmt.Sprintf("%s: %v", cpf, o.err))
				} else {
					noCacheOK++
				}
			} else if o.err != nil {
				noCacheOK++
			} else {
				noCacheBad++
				bad = append(bad, fmt.Sprintf("%s: evaluated but Portage wrote no cache entry", cpf))
			}
			continue
		}
		if tree.valid != nil && !tree.valid[cpf] {
			continue
		}
		if tree.eapis != nil && !tree.eapis[want["EAPI"]] {
			continue
		}
		entries++
		if o.err != nil {
			keyBad["(error)"]++
			msg := o.err.Error()
			errCount[firstWords(msg)]++
			bad = append(bad, fmt.Sprintf("%s: %v", cpf, o.err))
			continue
		}
		ok := true
		for _, k := range append(append([]string{}, cacheKeys...), "_eclasses_", "_md5_") {
			keyTotal[k]++
			var got string
			switch k {
			case "_eclasses_":
				gotSet := map[string]string{}
				for _, ec := range o.md.Eclasses {
					gotSet[ec.Name] = ec.MD5
				}
				if fmt.Sprint(gotSet) == fmt.Sprint(eclassSet(want[k])) {
					continue
				}
				got = fmt.Sprint(gotSet)
			case "_md5_":
				got = o.md.MD5
			default:
				got = o.md.Raw[k]
			}
			if k != "_eclasses_" && got == want[k] {
				continue
			}
			keyBad[k]++
			ok = false
			bad = append(bad, fmt.Sprintf("%s: %s\n  got:  %.300s\n  want: %.300s", cpf, k, got, want[k]))
		}
		if ok {
			good++
		}
	}
	t.Logf("%s: %d ebuilds in %v; %d entries, %d match on every key (%.2f%%); no-cache: %d as expected, %d not",
		tree.name, len(refs), elapsed, entries, good, 100*float64(good)/float64(max(entries, 1)), noCacheOK, noCacheBad)
	var keys []string
	for k := range keyBad {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("  key %-15s mismatches %d", k, keyBad[k])
	}
	for k, n := range errCount {
		t.Logf("  error %4d  %s", n, k)
	}
	limit := 60
	if v := os.Getenv("CORPUS_SHOW"); v != "" {
		fmt.Sscan(v, &limit)
	}
	for i, b := range bad {
		if i >= limit {
			break
		}
		t.Log(b)
	}
	if rate := float64(good) / float64(max(entries, 1)); rate < tree.bar {
		t.Errorf("%s: %.2f%% of entries match, want >= %.2f%%", tree.name, 100*rate, 100*tree.bar)
	}
	if noCacheBad > 0 {
		t.Errorf("%s: %d ebuilds without a cache entry did not behave as expected", tree.name, noCacheBad)
	}
}

func firstWords(s string) string {
	if i := strings.Index(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "/") {
		s = s[i+2:]
	}
	if len(s) > 90 {
		s = s[:90]
	}
	return s
}

func TestCorpusGentoo(t *testing.T) {
	shared := sharedDir(t)
	dir := filepath.Join(shared, "corpus", "gentoo")
	compareCorpus(t, corpusTree{
		name: "gentoo", dir: dir,
		eclassDirs: []string{filepath.Join(dir, "eclass")},
		bar:        0.995,
		keysOnly:   true,
		noCacheOK:  eapi9NoCache(t, filepath.Join(dir, "NO-CACHE.txt")),
	})
}

// eapi9NoCache lists the NO-CACHE.txt entries Portage skipped only because
// its bash was older than EAPI 9 requires; BuckOS evaluates EAPI 9.
func eapi9NoCache(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		cpf, reason, _ := strings.Cut(l, "\t")
		if strings.Contains(reason, "EAPI 9 requires") {
			m[cpf] = true
		}
	}
	if len(m) == 0 {
		t.Fatalf("%s lists no EAPI 9 entries", path)
	}
	return m
}

func TestCorpusChromiumOS(t *testing.T) {
	shared := sharedDir(t)
	dir := filepath.Join(shared, "corpus", "chromiumos")
	compareCorpus(t, corpusTree{
		name: "chromiumos", dir: dir,
		eclassDirs: []string{filepath.Join(dir, "eclass")},
		eapis:      map[string]bool{"6": true, "7": true},
		bar:        0.995,
	})
}

func TestCorpusGuru(t *testing.T) {
	shared := sharedDir(t)
	dir := filepath.Join(shared, "corpus", "guru")
	gentoo := filepath.Join(shared, "corpus", "gentoo")
	compareCorpus(t, corpusTree{
		name: "guru", dir: dir,
		eclassDirs: []string{filepath.Join(dir, "eclass"), filepath.Join(gentoo, "eclass")},
		valid:      readLines(t, filepath.Join(dir, "VALID-GROUND-TRUTH.txt")),
		bar:        0.995,
		keysOnly:   true,
	})
}

// BenchmarkGentoo evaluates every corpus gentoo ebuild with two workers
// and a fresh evaluator per iteration (eclasses are parsed each time),
// without writing entries: "keys-only" the way `ebuild2buck metadata`
// does it (Options.CacheKeysOnly), "full" the way sync does.
func BenchmarkGentoo(b *testing.B) {
	dir, refs := gentooEbuilds(b)
	for _, mode := range []struct {
		name     string
		keysOnly bool
		noMemo   bool
	}{{"full", false, false}, {"keys-only", true, false}, {"keys-only-nomemo", true, true}} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				e := New(Options{EclassDirs: []string{filepath.Join(dir, "eclass")}, CacheKeysOnly: mode.keysOnly, NoMemo: mode.noMemo})
				for _, o := range evaluateAll(e, refs, 2) {
					if o.err != nil {
						b.Fatalf("%s: %v", o.ref.CPF(), o.err)
					}
				}
			}
			b.ReportMetric(float64(len(refs)*b.N)/b.Elapsed().Seconds(), "ebuilds/s")
		})
	}
}

// gentooEbuilds returns the corpus gentoo tree and its ebuilds; without
// BUCKOS_SHARED the test or benchmark is skipped.
func gentooEbuilds(tb testing.TB) (string, []ebuild.Ref) {
	tb.Helper()
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		tb.Skip("BUCKOS_SHARED is not set: this needs the corpus gentoo tree under $BUCKOS_SHARED/corpus/gentoo")
	}
	dir := filepath.Join(shared, "corpus", "gentoo")
	refs := findEbuilds(tb, dir)
	if len(refs) == 0 {
		tb.Fatalf("no ebuilds under %s", dir)
	}
	return dir, refs
}

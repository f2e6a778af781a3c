package corpus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/mdcache"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/ebuild/source"
	"github.com/google/go-cmp/cmp"
)

// minRate is the share of entries per tree that must match fully.
const minRate = 0.995

// sharedDir returns $BUCKOS_SHARED; tests skip without it and fail when it
// is set but the corpus is not there.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	d := os.Getenv("BUCKOS_SHARED")
	if d == "" {
		tb.Skip("needs BUCKOS_SHARED pointing at the shared/ directory holding corpus/ (three ebuild trees with md5-cache ground truth)")
	}
	if _, err := os.Stat(filepath.Join(d, "corpus", "README.md")); err != nil {
		tb.Fatalf("BUCKOS_SHARED=%s has no corpus: %v", d, err)
	}
	return d
}

func TestCorpusMetadata(t *testing.T) {
	shared := sharedDir(t)
	trees, err := Trees(shared)
	if err != nil {
		t.Fatal(err)
	}
	for _, tree := range trees {
		t.Run(tree.Name, func(t *testing.T) {
			rep, err := RunTree(context.Background(), tree, runtime.GOMAXPROCS(0))
			if err != nil {
				t.Fatal(err)
			}
			var buf strings.Builder
			rep.Write(&buf, 20)
			t.Log("\n" + buf.String())
			if rep.Rate() < minRate {
				t.Errorf("%s: %.2f%% of %d entries fully match, want at least %.1f%%", tree.Name, 100*rep.Rate(), rep.Total, 100*minRate)
			}
			if len(rep.ByteMismatch) > 0 {
				t.Errorf("%s: %d entries match but are not byte-identical to Portage's (first: %s)", tree.Name, len(rep.ByteMismatch), rep.ByteMismatch[0])
			}
			if tree.ByteExact && rep.ByteChecked == 0 {
				t.Errorf("%s: no entry was compared byte for byte", tree.Name)
			}
			if len(rep.MissingEbuild) > 0 {
				t.Errorf("%s: %d ground-truth entries have no ebuild (first: %s)", tree.Name, len(rep.MissingEbuild), rep.MissingEbuild[0])
			}
			if len(rep.BadNames) > 0 {
				t.Errorf("%s: %d ebuild names rejected (first: %v)", tree.Name, len(rep.BadNames), rep.BadNames[0])
			}
			// Every ebuild evaluated without ground truth must be one the
			// corpus explains (gentoo's EAPI 9 ebuilds); anything else means
			// the tree and its cache disagree and must be looked at.
			for _, cpf := range rep.NoTruth {
				if _, ok := tree.MustSucceed[cpf]; !ok {
					t.Errorf("%s: %s evaluated but has no ground truth and is not in NO-CACHE.txt", tree.Name, cpf)
				}
			}
		})
	}
}

// chromiumos names a master that is not in the corpus: opening it without
// an override must say where, and the overrides must work.
func TestCorpusMissingMaster(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpus", "chromiumos")
	_, err := repo.Open(dir, repo.OpenOptions{})
	var mnf *repo.MasterNotFoundError
	if !errors.As(err, &mnf) || mnf.Name != "eclass-overlay" || mnf.File != filepath.Join(dir, "metadata", "layout.conf") || mnf.Line == 0 {
		t.Fatalf("Open(chromiumos) error = %v, want the missing master eclass-overlay at layout.conf:LINE", err)
	}
	r, err := repo.Open(dir, repo.OpenOptions{NoMasters: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "portage-stable" {
		t.Errorf("chromiumos name = %q, want portage-stable (layout.conf repo-name)", r.Name)
	}
}

// The corpus README says 48 chromiumos ebuilds are symlinks to another
// ebuild of the same package; Scan must resolve every one of them, however
// the copy stores them (real links, or files naming the target).
func TestCorpusSymlinkedEbuilds(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpus", "chromiumos")
	r, err := repo.Open(dir, repo.OpenOptions{NoMasters: true})
	if err != nil {
		t.Fatal(err)
	}
	refs, err := r.Ebuilds()
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, ref := range refs {
		own := filepath.Join(dir, ref.Category, ref.PN, ref.PF()+".ebuild")
		st, err := os.Lstat(own)
		if err != nil {
			t.Fatal(err)
		}
		if ref.Path != own || st.Mode()&os.ModeSymlink != 0 {
			links++
			if filepath.Dir(ref.Path) != filepath.Dir(own) {
				t.Errorf("%s resolves outside its package: %s", ref.CPF(), ref.Path)
			}
		}
	}
	if links != 48 {
		t.Errorf("found %d symlinked ebuilds, want 48", links)
	}
}

func TestTreesMissingData(t *testing.T) {
	_, err := Trees(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "corpus data missing") {
		t.Errorf("Trees(empty dir) error = %v, want corpus data missing", err)
	}
	_, err = LoadTruth(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "corpus data missing") {
		t.Errorf("LoadTruth(empty dir) error = %v, want corpus data missing", err)
	}
}

func ref(cpf string) ebuild.Ref {
	cat, pf, _ := strings.Cut(cpf, "/")
	pn, pvr, _ := strings.Cut(pf, "-")
	return ebuild.Ref{Category: cat, PN: pn, PVR: pvr}
}

func entry(kv ...string) mdcache.Entry {
	e := mdcache.Entry{Keys: map[string]string{}, MD5: "m"}
	for i := 0; i < len(kv); i += 2 {
		e.Keys[kv[i]] = kv[i+1]
	}
	return e
}

func TestClassify(t *testing.T) {
	tree := Tree{
		Name: "t",
		Compared: func(cpf string, _ mdcache.Entry) (bool, string) {
			return cpf != "c/skipped-1", "excluded"
		},
		MustFail: map[string]string{
			"c/mustfail-1": "foo.eclass could not be found by inherit()",
			"c/other-1":    "foo.eclass could not be found by inherit()",
			"c/wrongly-1":  "eclass missing",
		},
		MustSucceed: map[string]string{"c/new-1": "EAPI 9", "c/newfail-1": "EAPI 9"},
	}
	truth := map[string]mdcache.Entry{
		"c/good-1":    entry("EAPI", "8", "SLOT", "0"),
		"c/bad-1":     entry("EAPI", "8", "SLOT", "0"),
		"c/broken-1":  entry("EAPI", "8"),
		"c/skipped-1": entry("EAPI", "5"),
		"c/gone-1":    entry("EAPI", "8"),
	}
	fail := errors.New("x.ebuild:3: boom")
	results := []Result{
		{Ref: ref("c/good-1"), Entry: entry("EAPI", "8", "SLOT", " 0 ")},
		{Ref: ref("c/bad-1"), Entry: entry("EAPI", "8", "SLOT", "1")},
		{Ref: ref("c/broken-1"), Err: fail},
		{Ref: ref("c/skipped-1"), Entry: entry("EAPI", "5")},
		{Ref: ref("c/mustfail-1"), Err: errors.New("x.ebuild:2: foo.eclass not found")},
		{Ref: ref("c/other-1"), Err: fail},
		{Ref: ref("c/wrongly-1"), Entry: entry("EAPI", "8")},
		{Ref: ref("c/new-1"), Entry: entry("EAPI", "9")},
		{Ref: ref("c/newfail-1"), Err: fail},
		// Metadata we produce without any ground truth: listed, not counted.
		{Ref: ref("c/extra-1"), Entry: entry("EAPI", "8")},
	}
	rep := Classify(tree, results, truth)

	// Total: 3 compared + 3 must-fail + 2 must-succeed.
	if rep.Total != 8 || rep.Matched != 4 || rep.Compared != 3 {
		t.Errorf("Total/Matched/Compared = %d/%d/%d, want 8/4/3", rep.Total, rep.Matched, rep.Compared)
	}
	if d := cmp.Diff([]string{"c/other-1"}, rep.OtherReason); d != "" {
		t.Errorf("OtherReason (-want +got):\n%s", d)
	}
	var mis []string
	for _, m := range rep.Mismatches {
		mis = append(mis, m.CPF)
	}
	// Most differing keys first, then by name.
	if d := cmp.Diff([]string{"c/bad-1", "c/broken-1", "c/newfail-1", "c/wrongly-1"}, mis); d != "" {
		t.Errorf("Mismatches (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]mdcache.KeyDiff{{Key: "SLOT", Want: "0", Got: "1"}}, rep.Mismatches[0].Diffs); d != "" {
		t.Errorf("diffs of c/bad-1 (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"c/extra-1", "c/new-1"}, rep.NoTruth); d != "" {
		t.Errorf("NoTruth (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{"c/skipped-1": "excluded"}, rep.NotCompared); d != "" {
		t.Errorf("NotCompared (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"c/gone-1"}, rep.MissingEbuild); d != "" {
		t.Errorf("MissingEbuild (-want +got):\n%s", d)
	}
	if rep.KeyTotal["SLOT"] != 2 || rep.KeyMatched["SLOT"] != 1 || rep.KeyMatched["EAPI"] != 2 {
		t.Errorf("key counts SLOT %d/%d EAPI %d", rep.KeyMatched["SLOT"], rep.KeyTotal["SLOT"], rep.KeyMatched["EAPI"])
	}
	if len(rep.Failed) != 2 {
		t.Errorf("Failed = %v, want c/broken-1 and c/newfail-1", rep.Failed)
	}

	var buf strings.Builder
	rep.Write(&buf, 20)
	out := buf.String()
	for _, want := range []string{
		"t: 4/8 entries fully match (50.00%)",
		"1 expected failures failed for another reason than Portage's (first: c/other-1)",
		"2 ebuilds evaluated without ground truth (not counted as matches): c/extra-1 c/new-1",
		"c/wrongly-1: must fail like Portage (eclass missing) but succeeded",
		"      2  boom",
		"1 ground-truth entries have no ebuild: c/gone-1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestDiffWindow(t *testing.T) {
	long := func(n int, mid string) string {
		var w []string
		for i := 0; i < n; i++ {
			w = append(w, fmt.Sprintf("word%02d", i))
		}
		w[n/2] = mid
		return strings.Join(w, " ")
	}
	tests := []struct {
		want, got    string
		wantW, wantG string
		wantAt       int
	}{
		{"a b c", "a x c", "a b c", "a x c", 1},
		{
			long(60, "same"), long(60, "other"),
			"... word28 word29 same word31 word32 word33 ... (60 words)",
			"... word28 word29 other word31 word32 word33 ... (60 words)",
			30,
		},
	}
	for _, tt := range tests {
		w, g, at := diffWindow(tt.want, tt.got)
		if w != tt.wantW || g != tt.wantG || at != tt.wantAt {
			t.Errorf("diffWindow = %q, %q, %d; want %q, %q, %d", w, g, at, tt.wantW, tt.wantG, tt.wantAt)
		}
	}
}

func BenchmarkEvaluateGentoo(b *testing.B) {
	shared := sharedDir(b)
	r, err := repo.Open(filepath.Join(shared, "corpus", "gentoo"), repo.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	refs, err := r.Ebuilds()
	if err != nil {
		b.Fatal(err)
	}
	jobs := runtime.GOMAXPROCS(0)
	n := 0
	for b.Loop() {
		// A fresh evaluator each time: eclasses are parsed again, as in a
		// cold `ebuild2buck metadata` run, which also keeps only the
		// cache keys. (TestCorpusMetadata checks the full evaluation that
		// sync uses.)
		ev := source.New(source.Options{EclassDirs: r.EclassDirs(), CacheKeysOnly: true})
		Evaluate(context.Background(), ev, refs, jobs)
		n++
	}
	b.ReportMetric(float64(n*len(refs))/b.Elapsed().Seconds(), "ebuilds/s")
}

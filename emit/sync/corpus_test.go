package sync

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"
	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/buck/check"
	"buckos.dev/buckos/ebuild/repo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// corpusDir returns $BUCKOS_SHARED/corpus/NAME; without BUCKOS_SHARED the
// test is skipped, and with it the tree must exist.
func corpusDir(tb testing.TB, name string) string {
	tb.Helper()
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		tb.Skip("set BUCKOS_SHARED to the shared/ directory (with corpus/) to sync the corpus trees")
	}
	dir := filepath.Join(shared, "corpus", name)
	if _, err := os.Stat(filepath.Join(dir, "profiles", "repo_name")); err != nil {
		tb.Fatalf("BUCKOS_SHARED is set but the corpus tree %s is missing: %v", name, err)
	}
	return dir
}

// repoRoot finds the checkout (the directory with go.mod) above the test's
// working directory.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// newWorkspace copies the workspace skeleton of the checkout (.buckconfig,
// defs/, platforms/, toolchains/, config/, and packages/ without generated
// package directories) into a temporary directory.
func newWorkspace(tb testing.TB) string {
	tb.Helper()
	root := repoRoot(tb)
	ws := tb.TempDir()
	copyFile := func(rel string) {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(ws, rel)), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ws, rel), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	copyFile(".buckconfig")
	for _, dir := range []string{"defs", "platforms", "toolchains", "config", "packages"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				// Skeleton only: packages/linux/CELL/BUCK, never CELL/PKG/.
				if strings.HasPrefix(rel, "packages/") && strings.Count(rel, "/") >= 3 || rel == "packages/eclasses" {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				copyFile(rel)
			}
			return nil
		})
	}
	return ws
}

func openSource(tb testing.TB, dir string, opts repo.OpenOptions, priority int) Source {
	tb.Helper()
	r, err := repo.Open(dir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return Source{Repo: r, Priority: priority}
}

func corpusSync(tb testing.TB, ws string, srcs []Source) *Result {
	tb.Helper()
	res, err := Run(context.Background(), Options{
		Workspace: ws, Sources: srcs,
		Evaluator: NewSourceEvaluator(srcs), EvaluatorVersion: "test",
		Generator: NewGenerator("test"), Jobs: runtime.NumCPU(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// treeFiles maps every file sync writes below dir (packages/ and the state
// directory) to its content.
func treeFiles(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, "packages/") && !strings.HasPrefix(rel, StateDir+"/") || rel == statPath || rel == StateDir+"/lock" {
			return nil // only what sync writes
		}
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out[rel] = string(data)
		return nil
	})
	return out
}

// packagesOf lists the CAT/PN of a repository.
func packagesOf(tb testing.TB, r *repo.Repo) []string {
	tb.Helper()
	refs, _, err := r.Scan()
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	for _, ref := range refs {
		cp := ref.Category + "/" + ref.PN
		if !seen[cp] {
			seen[cp] = true
			out = append(out, cp)
		}
	}
	sort.Strings(out)
	return out
}

func TestCorpusGentoo(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the whole corpus gentoo tree")
	}
	gentoo := corpusDir(t, "gentoo")
	src := openSource(t, gentoo, repo.OpenOptions{}, 0)
	ws := newWorkspace(t)
	res := corpusSync(t, ws, []Source{src})

	// Every package of the tree is emitted.
	pkgs := packagesOf(t, src.Repo)
	if len(pkgs) != 596 {
		t.Errorf("the corpus gentoo tree has %d packages, the README says 596", len(pkgs))
	}
	ix, err := loadIndex(indexPath(ws))
	if err != nil || ix == nil {
		t.Fatalf("index: %v", err)
	}
	for _, cp := range pkgs {
		e := ix.Packages[cp]
		if e == nil {
			t.Errorf("%s: not in the index", cp)
			continue
		}
		buck := strings.Replace(e.Place, "//", "/", 1)
		if _, ok := e.Files["packages/linux/"+buck+"/BUCK"]; !ok {
			t.Errorf("%s: no BUCK file emitted (failures: %v)", cp, e.Failures)
		}
	}
	if res.Report.Packages != len(pkgs) {
		t.Errorf("report counts %d packages, want %d", res.Report.Packages, len(pkgs))
	}

	// The report lists every unresolved atom with its package and reason.
	text, err := os.ReadFile(filepath.Join(ws, StateDir, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := reportSection(string(text), "unresolved atoms")
	if len(lines) != len(res.Report.Unresolved) {
		t.Errorf("report.txt lists %d unresolved atoms, the run found %d", len(lines), len(res.Report.Unresolved))
	}
	for _, u := range res.Report.Unresolved {
		if u.Ebuild == "" || u.Atom == "" || u.Reason == "" {
			t.Errorf("unresolved atom without package, atom or reason: %+v", u)
		}
	}

	// The workspace passes the Buck2 model check.
	checkWorkspace(t, ws)

	// A no-op re-sync evaluates nothing and writes nothing.
	before := treeFiles(t, ws)
	again := corpusSync(t, ws, []Source{src})
	if s := again.Stats; s.Evaluated != 0 || s.Generated != 0 || s.Written != 0 || s.Removed != 0 {
		t.Errorf("no-op re-sync did work: %+v", s)
	}
	if diff := cmp.Diff(before, treeFiles(t, ws)); diff != "" {
		t.Errorf("no-op re-sync changed the workspace:\n%s", diff)
	}

	// Two syncs into fresh workspaces are byte-identical.
	ws2 := newWorkspace(t)
	corpusSync(t, ws2, []Source{src})
	if diff := cmp.Diff(before, treeFiles(t, ws2)); diff != "" {
		t.Errorf("two syncs differ:\n%s", diff)
	}

	compareDigest(t, "testdata/gentoo.digest.jsonl", ws, ix)
}

func TestCorpusGuruOverGentoo(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the corpus guru and gentoo trees")
	}
	gentoo := corpusDir(t, "gentoo")
	guru := corpusDir(t, "guru")
	g := openSource(t, gentoo, repo.OpenOptions{}, 0)
	u := openSource(t, guru, repo.OpenOptions{Masters: []string{gentoo}}, 10)
	ws := newWorkspace(t)
	res := corpusSync(t, ws, []Source{g, u})
	ix, err := loadIndex(indexPath(ws))
	if err != nil || ix == nil {
		t.Fatalf("index: %v", err)
	}
	guruPkgs := packagesOf(t, u.Repo)
	emitted, failed := 0, 0
	for _, cp := range guruPkgs {
		e := ix.Packages[cp]
		if e == nil || e.Repo != "guru" {
			t.Errorf("%s: not provided by guru (the higher priority)", cp)
			continue
		}
		buck := "packages/linux/" + strings.Replace(e.Place, "//", "/", 1) + "/BUCK"
		if _, ok := e.Files[buck]; ok {
			emitted++
			continue
		}
		// Without a BUCK file the package must be reported.
		failed++
		if len(e.Failures) == 0 {
			t.Errorf("%s: neither emitted nor reported", cp)
		}
	}
	t.Logf("guru: %d packages emitted, %d failed; %d unresolved atoms", emitted, failed, len(res.Report.Unresolved))
	// Packages only gentoo has are still emitted from gentoo.
	for _, cp := range packagesOf(t, g.Repo) {
		if e := ix.Packages[cp]; e == nil {
			t.Errorf("%s: gentoo package missing next to guru", cp)
		}
	}
	// Patches an ebuild names but its repository lacks (GURU has live ebuilds
	// naming patches that were never added) are unbuildable reasons of those
	// versions, not missing sources: the check must be clean.
	checkWorkspace(t, ws)
	compareDigest(t, "testdata/guru.digest.jsonl", ws, ix)
}

// checkWorkspace runs the Buck2 model check (buck/check) and reports its
// first errors.
func checkWorkspace(t *testing.T, ws string) {
	t.Helper()
	rep, err := check.Check(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range rep.Errors {
		if n++; n <= 20 {
			t.Errorf("check: %v", e)
		}
	}
	if n > 20 {
		t.Errorf("... %d errors in all", n)
	}
}

// reportSection returns the lines of one "## title (N)" section.
func reportSection(text, title string) []string {
	var out []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = strings.HasPrefix(line, "## "+title+" (")
			continue
		}
		if in && line != "" {
			out = append(out, line)
		}
	}
	return out
}

// digest is the structured summary of one package's BUCK file that the
// golden files hold: rule kinds, target names, resolved dependency labels
// and USE flags, never ebuild text.
type digest struct {
	Package string         `json:"package"`
	Place   string         `json:"place"`
	Targets []targetDigest `json:"targets"`
}

type targetDigest struct {
	Kind string   `json:"kind"`
	Name string   `json:"name"`
	IUSE []string `json:"iuse,omitempty"`
	Deps []string `json:"deps,omitempty"` // every label in the *depend attributes, sorted
	// Unresolved holds the first argument (the atom) of every unresolved(...)
	// item in the *depend attributes, sorted.
	Unresolved []string `json:"unresolved,omitempty"`
}

var depAttrs = map[string]bool{"depend": true, "bdepend": true, "rdepend": true, "pdepend": true, "idepend": true}

func digestOf(tb testing.TB, cp, place string, data []byte) digest {
	f, err := build.ParseBuild("BUCK", data)
	if err != nil {
		tb.Fatalf("%s: %v", cp, err)
	}
	d := digest{Package: cp, Place: place}
	for _, st := range f.Stmt {
		call, ok := st.(*build.CallExpr)
		if !ok {
			continue
		}
		t := targetDigest{Kind: build.FormatString(call.X)}
		deps, unres := map[string]bool{}, map[string]bool{}
		for _, arg := range call.List {
			a, ok := arg.(*build.AssignExpr)
			if !ok {
				continue
			}
			name := attrName(a)
			switch {
			case name == "name":
				if s, ok := a.RHS.(*build.StringExpr); ok {
					t.Name = s.Value
				}
			case name == "iuse":
				t.IUSE = build.Strings(a.RHS)
			case depAttrs[name]:
				build.Walk(a.RHS, func(x build.Expr, _ []build.Expr) {
					if s, ok := x.(*build.StringExpr); ok && strings.Contains(s.Value, "//") {
						deps[s.Value] = true
					}
					if c, ok := x.(*build.CallExpr); ok && build.FormatString(c.X) == "unresolved" && len(c.List) > 0 {
						if s, ok := c.List[0].(*build.StringExpr); ok {
							unres[s.Value] = true
						}
					}
				})
			}
		}
		for l := range deps {
			t.Deps = append(t.Deps, l)
		}
		sort.Strings(t.Deps)
		for u := range unres {
			t.Unresolved = append(t.Unresolved, u)
		}
		sort.Strings(t.Unresolved)
		d.Targets = append(d.Targets, t)
	}
	return d
}

func attrName(a *build.AssignExpr) string {
	if id, ok := a.LHS.(*build.Ident); ok {
		return id.Name
	}
	return ""
}

// compareDigest checks the packages of a synced workspace against a golden
// file of digests (one JSON object per line); -update rewrites it.
func compareDigest(t *testing.T, golden, ws string, ix *index) {
	t.Helper()
	var names []string
	for cp := range ix.Packages {
		names = append(names, cp)
	}
	sort.Strings(names)
	var got []string
	for _, cp := range names {
		e := ix.Packages[cp]
		buck := "packages/linux/" + strings.Replace(e.Place, "//", "/", 1) + "/BUCK"
		if _, ok := e.Files[buck]; !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(ws, buck))
		if err != nil {
			t.Fatal(err)
		}
		line, err := json.Marshal(digestOf(t, cp, e.Place, data))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(line))
	}
	text := strings.Join(got, "\n") + "\n"
	if *update {
		if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(text, "\n")); diff != "" {
		t.Errorf("%s differs (-want +got; rerun with -update if the change is intended):\n%s", golden, diff)
	}
}

// BenchmarkSyncGentoo is a full sync of the corpus gentoo tree into a fresh
// workspace.
func BenchmarkSyncGentoo(b *testing.B) {
	gentoo := corpusDir(b, "gentoo")
	src := openSource(b, gentoo, repo.OpenOptions{}, 0)
	for b.Loop() {
		b.StopTimer()
		ws := newWorkspace(b)
		b.StartTimer()
		corpusSync(b, ws, []Source{src})
	}
}

// BenchmarkNoOpSyncGentoo re-syncs an up-to-date workspace.
func BenchmarkNoOpSyncGentoo(b *testing.B) {
	gentoo := corpusDir(b, "gentoo")
	src := openSource(b, gentoo, repo.OpenOptions{}, 0)
	ws := newWorkspace(b)
	corpusSync(b, ws, []Source{src})
	for b.Loop() {
		res := corpusSync(b, ws, []Source{src})
		if res.Stats.Evaluated != 0 || res.Stats.Written != 0 {
			b.Fatalf("not a no-op: %+v", res.Stats)
		}
	}
}

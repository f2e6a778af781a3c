package gen

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bazelbuild/buildtools/build"
	"github.com/google/go-cmp/cmp"
	"go.starlark.net/syntax"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/atom"
	"buckos.dev/buckos/ebuild/mdcache"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/ebuild/source"
	"buckos.dev/buckos/emit/cells"
	"buckos.dev/buckos/emit/resolve"
)

// sharedDir returns $BUCKOS_SHARED; tests skip without it and fail when it
// is set but the corpus is missing.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BUCKOS_SHARED")
	if dir == "" {
		t.Skip("needs BUCKOS_SHARED pointing at the shared/ directory with corpus/gentoo (a Gentoo ebuild tree)")
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus", "gentoo", "profiles")); err != nil {
		t.Fatalf("BUCKOS_SHARED=%s: no corpus/gentoo: %v", dir, err)
	}
	return dir
}

// corpusTree evaluates every ebuild of corpus/gentoo once per test binary.
type corpusTree struct {
	repo     *repo.Repo
	pkgs     map[string][]*ebuild.Metadata // CAT/PN → evaluated ebuilds
	failed   int                           // ebuilds the evaluator rejects (e.g. EAPI 9)
	layout   *cells.Layout
	index    *resolve.Index
	inputsOf func(key string) Input
}

var (
	treeOnce sync.Once
	tree     *corpusTree
	treeErr  error
)

func loadTree(t *testing.T) *corpusTree {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "corpus", "gentoo")
	treeOnce.Do(func() { tree, treeErr = evaluateTree(dir) })
	if treeErr != nil {
		t.Fatal(treeErr)
	}
	return tree
}

func evaluateTree(dir string) (*corpusTree, error) {
	r, err := repo.Open(dir, repo.OpenOptions{})
	if err != nil {
		return nil, err
	}
	refs, err := r.Ebuilds()
	if err != nil {
		return nil, err
	}
	ev := source.New(source.Options{EclassDirs: r.EclassDirs()})
	metas := make([]*ebuild.Metadata, len(refs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if md, err := ev.Evaluate(context.Background(), refs[i]); err == nil {
					metas[i] = md
				}
			}
		}()
	}
	for i := range refs {
		next <- i
	}
	close(next)
	wg.Wait()

	ct := &corpusTree{repo: r, pkgs: map[string][]*ebuild.Metadata{}}
	for _, m := range metas {
		if m == nil {
			ct.failed++
			continue
		}
		key := m.Ref.Category + "/" + m.Ref.PN
		ct.pkgs[key] = append(ct.pkgs[key], m)
	}
	var masks []atom.Atom
	for _, mk := range r.PackageMask {
		if a, err := atom.Parse(mk.Atom, ""); err == nil {
			masks = append(masks, a)
		}
	}
	masked := func(m *ebuild.Metadata) bool {
		for _, a := range masks {
			if a.Key() != m.Ref.Category+"/"+m.Ref.PN {
				continue
			}
			slot, _ := splitSlot(m.Raw["SLOT"])
			if a.Slot != "" && a.Slot != slot {
				continue
			}
			if a.Op == "" || (a.Version != nil && matchPVR(a, m.Ref.PVR)) {
				return true
			}
		}
		return false
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range ct.pkgs {
			if !yield(k) {
				return
			}
		}
	})
	ct.layout, err = cells.NewLayout(keys)
	if err != nil {
		return nil, err
	}
	var ipkgs []resolve.Package
	for _, k := range keys {
		ipkgs = append(ipkgs, IndexPackage(ct.pkgs[k], masked))
	}
	ct.index, err = resolve.NewIndex(ct.layout, ipkgs)
	if err != nil {
		return nil, err
	}
	ct.inputsOf = func(key string) Input {
		cat, pn, _ := strings.Cut(key, "/")
		man, _ := r.Manifest(cat, pn)
		return Input{Repo: r.Name, Versions: ct.pkgs[key], Manifest: man, Mirrors: r.Mirror, Index: ct.index}
	}
	return ct, nil
}

func matchPVR(a atom.Atom, pvr string) bool {
	b, err := atom.Parse("="+a.Key()+"-"+pvr, "")
	if err != nil || b.Version == nil {
		return false
	}
	return a.MatchesVersion(*b.Version)
}

// highOctal finds an escape \2xx or \3xx (a byte >= 0x80): an odd run of
// backslashes before three octal digits.
var highOctal = regexp.MustCompile(`(^|[^\\])(\\\\)*\\[23][0-7][0-7]`)

// Every package of the tree generates a BUCK file that parses, is a fixed
// point of parse+print, holds no absolute path, and generation stays fast.
func TestCorpusWholeTree(t *testing.T) {
	ct := loadTree(t)
	if len(ct.pkgs) < 500 {
		t.Fatalf("only %d packages evaluated (%d ebuilds failed)", len(ct.pkgs), ct.failed)
	}
	shared := sharedDir(t)
	inputs := map[string]Input{}
	for _, key := range ct.layout.Packages() {
		inputs[key] = ct.inputsOf(key) // Manifest reading is not generation time
	}
	// bases holds "cell//dir" of every generated package.
	bases := map[string]bool{}
	for _, key := range ct.layout.Packages() {
		p, _ := ct.layout.Place(key)
		bases[p.Base()] = true
	}
	var total, cpu time.Duration
	for _, key := range ct.layout.Packages() {
		start, cpu0 := time.Now(), cpuTime()
		f, rep, err := Package(inputs[key])
		out := Print(f)
		total += time.Since(start)
		cpu += cpuTime() - cpu0
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		text := string(out)
		for _, bad := range []string{"/var/tmp/portage", shared, ct.repo.Path} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: output contains the absolute path %s", key, bad)
			}
		}
		parsed, err := build.ParseBuild(f.Path, out)
		if err != nil {
			t.Errorf("%s: output does not parse: %v", key, err)
			continue
		}
		if _, err := (&syntax.FileOptions{}).Parse(f.Path, out, 0); err != nil {
			t.Errorf("%s: go.starlark.net cannot parse the output: %v", key, err)
		}
		// Buck2 rejects octal escapes of non-ASCII bytes.
		if m := highOctal.FindString(text); m != "" {
			t.Errorf("%s: output has the octal escape %s", key, m)
		}
		if again := Print(parsed); string(again) != text {
			t.Errorf("%s: output is not a fixed point of parse+print:\n%s", key, cmp.Diff(text, string(again)))
		}
		if dup := duplicateTarget(f); dup != "" {
			t.Errorf("%s: target %s is defined twice", key, dup)
		}
		if bad := danglingDeps(f, bases); len(bad) > 0 {
			t.Errorf("%s: dependency labels of packages that are not generated: %q", key, bad)
		}
		if n, want := countCalls(f, "unresolved"), unresolvedItems(rep); n != want {
			t.Errorf("%s: %d unresolved() items for %d unresolved atoms that are not blockers", key, n, want)
		}
		// An ebuild may only be left out when its evaluated metadata is
		// not what Portage computes (an evaluator bug, reported by
		// ebuild/source's own corpus test), never because of emit.
		for _, m := range ct.pkgs[key] {
			if slices.ContainsFunc(rep.Versions, func(v VersionReport) bool { return v.PVR == m.Ref.PVR }) {
				continue
			}
			if !slices.ContainsFunc(rep.Problems, func(p string) bool { return strings.HasPrefix(p, m.Ref.CPF()+": left out: ") }) {
				t.Errorf("%s: left out without a report", m.Ref.CPF())
			}
			truth, err := mdcache.ReadFile(filepath.Join(ct.repo.Path, "metadata", "md5-cache", m.Ref.Category, m.Ref.PF()))
			if err != nil {
				t.Errorf("%s: left out (%q) and no md5-cache entry to compare: %v", m.Ref.CPF(), rep.Problems, err)
				continue
			}
			diffs := mdcache.Diff(truth, mdcache.FromMetadata(m))
			if !slices.ContainsFunc(diffs, func(d mdcache.KeyDiff) bool { return d.Key != "_eclasses_" }) {
				t.Errorf("%s: left out although its metadata matches Portage's: %q", m.Ref.CPF(), rep.Problems)
				continue
			}
			t.Logf("%s: left out; evaluated metadata differs from Portage's on %v", m.Ref.CPF(), diffs[0].Key)
		}
	}
	// Timing is informational only: the speed target is measured by
	// BenchmarkCorpusGenerate (docs/BENCHMARKS.md), never asserted in a test.
	cpu /= time.Duration(len(ct.pkgs))
	per := total / time.Duration(len(ct.pkgs))
	t.Logf("%d packages generated in %v (%v per package, %v CPU); %d ebuilds not evaluated", len(ct.pkgs), total, per, cpu, ct.failed)
}

// digest is what the golden records about one corpus package: structure,
// not text.
type digest struct {
	Label      string
	Default    string
	Distfiles  int
	Versions   map[string]string // PVR → "macro declarative|verbatim:FUNC,FUNC"
	Unresolved []string
}

var digestPackages = []string{
	"sys-libs/zlib", "sys-apps/busybox", "dev-libs/openssl", "app-arch/xz-utils",
	"dev-libs/expat", "virtual/libc", "acct-user/root", "dev-build/meson",
	"dev-python/setuptools", "dev-perl/Locale-gettext", "dev-libs/json-c", "sys-apps/systemd-utils",
}

func TestCorpusDigests(t *testing.T) {
	ct := loadTree(t)
	got := map[string]digest{}
	for _, key := range digestPackages {
		if _, ok := ct.pkgs[key]; !ok {
			continue // recorded as absent by its missing entry
		}
		f, rep, err := Package(ct.inputsOf(key))
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		d := digest{Label: rep.Place.Label(), Default: rep.Default, Versions: map[string]string{}}
		for _, st := range f.Stmt {
			if c, ok := st.(*build.CallExpr); ok {
				if id, ok := c.X.(*build.Ident); ok && id.Name == "download_source" {
					d.Distfiles++
				}
			}
		}
		for _, v := range rep.Versions {
			s := v.Macro + " declarative"
			if !v.Declarative {
				var fns []string
				for _, n := range v.Notes {
					if n.Verbatim {
						fns = append(fns, n.Func)
					}
				}
				s = v.Macro + " verbatim:" + strings.Join(fns, ",")
			}
			d.Versions[v.PVR] = s
		}
		for _, u := range rep.Unresolved {
			d.Unresolved = append(d.Unresolved, u.Key+" "+u.Atom+": "+u.Reason)
		}
		slices.Sort(d.Unresolved)
		d.Unresolved = slices.Compact(d.Unresolved)
		got[key] = d
	}
	golden := filepath.Join("testdata", "corpus_digests.json")
	if *update {
		data, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(golden, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]digest
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("digests differ from %s (-want +got; go test -update rewrites):\n%s", golden, diff)
	}
	// The seed's labels.
	for key, label := range map[string]string{"sys-libs/zlib": "core//zlib:zlib", "sys-apps/busybox": "core//busybox:busybox", "dev-libs/openssl": "dev-libs//openssl:openssl"} {
		if d, ok := got[key]; ok && d.Label != label {
			t.Errorf("%s: label %s, want %s", key, d.Label, label)
		}
	}
}

// BenchmarkCorpusGenerate generates and prints every package of
// corpus/gentoo once per iteration (evaluation excluded).
func BenchmarkCorpusGenerate(b *testing.B) {
	dir := os.Getenv("BUCKOS_SHARED")
	if dir == "" {
		b.Skip("needs BUCKOS_SHARED pointing at the shared/ directory with corpus/gentoo")
	}
	treeOnce.Do(func() { tree, treeErr = evaluateTree(filepath.Join(dir, "corpus", "gentoo")) })
	if treeErr != nil {
		b.Fatal(treeErr)
	}
	keys := tree.layout.Packages()
	inputs := make([]Input, len(keys))
	for i, k := range keys {
		inputs[i] = tree.inputsOf(k)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, in := range inputs {
			f, _, err := Package(in)
			if err != nil {
				b.Fatal(err)
			}
			Print(f)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(keys))/1e6, "ms/package")
	// CPU time is what matters on a loaded machine; it includes the GC.
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*len(keys))/1e6, "cpu-ms/package")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cacheTree reads the md5-cache of corpus trees into Metadata (Raw only: no
// function sources or variables), for generation at scale without the
// evaluator. valid, when set, names the entries to use.
func cacheTree(t *testing.T, dirs ...string) map[string][]*ebuild.Metadata {
	t.Helper()
	pkgs := map[string][]*ebuild.Metadata{}
	for _, dir := range dirs {
		r, err := repo.Open(dir, repo.OpenOptions{NoMasters: true})
		if err != nil {
			t.Fatal(err)
		}
		refs, _ := r.Ebuilds()
		for _, ref := range refs {
			e, err := mdcache.ReadFile(filepath.Join(dir, "metadata", "md5-cache", ref.Category, ref.PF()))
			if err != nil {
				continue // no cache entry (the corpus README lists why)
			}
			m := &ebuild.Metadata{Ref: ref, Raw: map[string]string{}}
			for k, v := range e.Keys {
				m.Raw[k] = v
			}
			key := ref.Category + "/" + ref.PN
			if ps := pkgs[key]; len(ps) > 0 && ps[0].Ref.Repo != ref.Repo {
				pkgs[key] = nil // the overlay's package replaces the master's
			}
			pkgs[key] = append(pkgs[key], m)
		}
	}
	return pkgs
}

// Every package of the guru overlay (over gentoo) and of chromiumos (EAPI
// 0-7) generates from its md5-cache metadata: nothing fails, every ebuild
// is translated, and the output parses.
func TestCorpusCachesGenerate(t *testing.T) {
	shared := sharedDir(t)
	for _, set := range [][]string{
		{filepath.Join(shared, "corpus", "gentoo"), filepath.Join(shared, "corpus", "guru")},
		{filepath.Join(shared, "corpus", "chromiumos")},
	} {
		pkgs := cacheTree(t, set...)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range pkgs {
				if !yield(k) {
					return
				}
			}
		})
		layout, err := cells.NewLayout(keys)
		if err != nil {
			t.Fatal(err)
		}
		var ipkgs []resolve.Package
		for _, k := range keys {
			ipkgs = append(ipkgs, IndexPackage(pkgs[k], nil))
		}
		ix, err := resolve.NewIndex(layout, ipkgs)
		if err != nil {
			t.Fatal(err)
		}
		bases := map[string]bool{}
		for _, k := range keys {
			p, _ := layout.Place(k)
			bases[p.Base()] = true
		}
		failed := 0
		for _, k := range keys {
			f, rep, err := Package(Input{Repo: "corpus", Versions: pkgs[k], Index: ix})
			if err != nil {
				t.Errorf("%s: %v", k, err)
				failed++
				continue
			}
			for _, p := range rep.Problems {
				if strings.Contains(p, "left out") {
					t.Errorf("%s", p)
				}
			}
			if _, err := build.ParseBuild(f.Path, Print(f)); err != nil {
				t.Errorf("%s: output does not parse: %v", k, err)
			}
			if dup := duplicateTarget(f); dup != "" {
				t.Errorf("%s: target %s is defined twice", k, dup)
			}
			if bad := danglingDeps(f, bases); len(bad) > 0 {
				t.Errorf("%s: dependency labels of packages that are not generated: %q", k, bad)
			}
			if n, want := countCalls(f, "unresolved"), unresolvedItems(rep); n != want {
				t.Errorf("%s: %d unresolved() items for %d unresolved atoms that are not blockers", k, n, want)
			}
		}
		t.Logf("%s: %d packages, %d failed", filepath.Base(set[len(set)-1]), len(keys), failed)
	}
}

func TestHighOctalPattern(t *testing.T) {
	for s, want := range map[string]bool{`"\303"`: true, `"\\303"`: false, `"\\\303"`: true, `"a\033"`: false, `"x"`: false} {
		if got := highOctal.MatchString(s); got != want {
			t.Errorf("highOctal.MatchString(%s) = %v, want %v", s, got, want)
		}
	}
}

// duplicateTarget returns a target name two calls of f define, or "".
func duplicateTarget(f *build.File) string {
	seen := map[string]bool{}
	for _, st := range f.Stmt {
		call, ok := st.(*build.CallExpr)
		if !ok {
			continue
		}
		for _, arg := range call.List {
			if a, ok := arg.(*build.AssignExpr); ok {
				if id, ok := a.LHS.(*build.Ident); ok && id.Name == "name" {
					if s, ok := a.RHS.(*build.StringExpr); ok {
						if seen[s.Value] {
							return s.Value
						}
						seen[s.Value] = true
					}
				}
			}
		}
	}
	return ""
}

// danglingDeps returns the labels in the dependency attributes of f (plain
// labels and the package of version_dep) whose package is not generated:
// an unresolved atom must be an unresolved() item, never such a label.
func danglingDeps(f *build.File, bases map[string]bool) []string {
	var bad []string
	check := func(label string) {
		base, _, _ := strings.Cut(label, ":")
		if !bases[base] {
			bad = append(bad, label)
		}
	}
	for _, st := range f.Stmt {
		call, ok := st.(*build.CallExpr)
		if !ok {
			continue
		}
		for _, arg := range call.List {
			as, ok := arg.(*build.AssignExpr)
			if !ok || !strings.HasSuffix(as.LHS.(*build.Ident).Name, "depend") {
				continue
			}
			build.Walk(as.RHS, func(x build.Expr, stk []build.Expr) {
				parent := ""
				if len(stk) > 0 {
					if c, ok := stk[len(stk)-1].(*build.CallExpr); ok {
						parent = c.X.(*build.Ident).Name
					}
				}
				s, ok := x.(*build.StringExpr)
				if !ok {
					return
				}
				switch parent {
				case "unresolved", "blocker", "use_if", "use_req", "slot_op":
					// Not labels (an atom, a reason, a flag), or labels
					// only as the first argument of use_req/slot_op, which
					// is then itself a plain string seen here.
					if parent != "use_req" && parent != "slot_op" {
						return
					}
				}
				if strings.Contains(s.Value, "//") {
					check(s.Value)
				}
			})
		}
	}
	return bad
}

// countCalls counts the calls of the function name in f.
func countCalls(f *build.File, name string) int {
	n := 0
	build.Walk(f, func(x build.Expr, _ []build.Expr) {
		if c, ok := x.(*build.CallExpr); ok {
			if id, ok := c.X.(*build.Ident); ok && id.Name == name {
				n++
			}
		}
	})
	return n
}

// unresolvedItems counts the unresolved atoms of rep that are not blockers
// (a blocker of an unknown package stays a blocker).
func unresolvedItems(rep *Report) int {
	n := 0
	for _, u := range rep.Unresolved {
		if !strings.HasPrefix(u.Atom, "!") {
			n++
		}
	}
	return n
}

func TestDanglingDeps(t *testing.T) {
	src := `x(
    name = "a",
    depend = [
        "core//zlib:zlib",
        "core//gone:gone",
        version_dep("core//old", ">=1"),
        use_if("ssl", [use_req(slot_op("core//ssl:0", "="), ["x"])]),
        unresolved("sys-libs/gone", "package is not in any repository in play"),
        blocker("sys-libs/zlib-ng", strong = False),
    ],
    srcs = ["other//x:y"],
)
`
	f, err := build.ParseBuild("BUCK", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := danglingDeps(f, map[string]bool{"core//zlib": true})
	want := []string{"core//gone:gone", "core//old", "core//ssl:0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("danglingDeps (-want +got):\n%s", diff)
	}
	if n := countCalls(f, "unresolved"); n != 1 {
		t.Errorf("countCalls = %d, want 1", n)
	}
}

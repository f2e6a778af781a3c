package sync

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"
	"testing"

	"github.com/bazelbuild/buildtools/build"
	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/repo"
)

// fakeEvaluator reads KEY="value" lines and "inherit NAME..." lines; a line
// "die" fails with FILE:LINE. It counts evaluations.
type fakeEvaluator struct {
	mu    gosync.Mutex
	count int
}

func (f *fakeEvaluator) Evaluate(ctx context.Context, r *repo.Repo, ref ebuild.Ref) (*ebuild.Metadata, error) {
	f.mu.Lock()
	f.count++
	f.mu.Unlock()
	data, err := os.ReadFile(ref.Path)
	if err != nil {
		return nil, err
	}
	sum := md5.Sum(data)
	md := &ebuild.Metadata{Ref: ref, Raw: map[string]string{}, MD5: hex.EncodeToString(sum[:])}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "die":
			return nil, fmt.Errorf("%s:%d: died", ref.Path, n)
		case strings.HasPrefix(line, "inherit "):
			for _, name := range strings.Fields(line)[1:] {
				for _, dir := range r.EclassDirs() {
					p := filepath.Join(dir, name+".eclass")
					if ec, err := os.ReadFile(p); err == nil {
						s := md5.Sum(ec)
						md.Eclasses = append(md.Eclasses, ebuild.Eclass{Name: name, MD5: hex.EncodeToString(s[:]), Path: p})
						break
					}
				}
			}
		case strings.Contains(line, "="):
			k, v, _ := strings.Cut(line, "=")
			md.Raw[k] = strings.Trim(v, `"`)
		}
	}
	return md, nil
}

// fakeGenerator writes one rule per ebuild; each RDEPEND word that names a
// package of the world becomes its label, the others are unresolved.
type fakeGenerator struct {
	version string
	world   *World
}

func (g *fakeGenerator) Version() string { return g.version }

func (g *fakeGenerator) Prepare(ctx context.Context, w *World) error {
	g.world = w
	return nil
}

func (g *fakeGenerator) Generate(ctx context.Context, pkg *Package) (*Output, error) {
	out := &Output{File: &build.File{Type: build.TypeBuild}}
	for _, md := range pkg.Ebuilds {
		if p := md.Raw["PROBLEM"]; p != "" {
			out.Problems = append(out.Problems, p)
		}
		if md.Raw["FAILGEN"] != "" {
			return nil, fmt.Errorf("%s: cannot generate", md.Ref.CPF())
		}
		var deps []string
		for _, a := range strings.Fields(md.Raw["RDEPEND"]) {
			if p, ok := g.world.Packages[a]; ok {
				deps = append(deps, p.Place.Label())
			} else {
				out.Unresolved = append(out.Unresolved, Unresolved{Ebuild: md.Ref.CPF(), Atom: a, Reason: "no such package"})
			}
		}
		name := md.Ref.PF()
		out.File.Stmt = append(out.File.Stmt, call("fake_package",
			kw("name", str(name)), kw("package", str(pkg.CatPN)), kw("slot", str(md.Raw["SLOT"])),
			kw("rdepend", strList(deps...))))
		out.Targets = append(out.Targets, Target{Name: name, Verbatim: md.Raw["VERBATIM"] != "", Why: md.Raw["VERBATIM"]})
	}
	return out, nil
}

func (g *fakeGenerator) Print(f *build.File) []byte { return build.FormatWithoutRewriting(f) }

// writeTree creates files (path → content) below root.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func baseRepo(name string) map[string]string {
	return map[string]string{
		"metadata/layout.conf": "repo-name = " + name + "\nmasters =\n",
		"profiles/repo_name":   name + "\n",
		"profiles/categories":  "sys-libs\napp-misc\n",
	}
}

type fixture struct {
	t           *testing.T
	main, ws    string
	eval        *fakeEvaluator
	gen         *fakeGenerator
	extra       []Source
	only        []string
	evalVersion string
	jobs        int // 0: 2
	lastDiff    string
}

func newFixture(t *testing.T) *fixture {
	root := t.TempDir()
	f := &fixture{t: t, main: filepath.Join(root, "main"), ws: filepath.Join(root, "ws"),
		eval: &fakeEvaluator{}, gen: &fakeGenerator{version: "1"}}
	files := baseRepo("main")
	for p, c := range map[string]string{
		"eclass/build.eclass":                 "# build\n",
		"sys-libs/zlib/zlib-1.3.ebuild":       "inherit build\nSLOT=\"0/1\"\nKEYWORDS=\"amd64\"\n",
		"sys-libs/zlib/zlib-1.4.ebuild":       "inherit build\nSLOT=\"0/1\"\nKEYWORDS=\"~amd64\"\n",
		"sys-libs/zlib/files/fix.patch":       "--- a\n+++ b\n",
		"sys-libs/zlib/files/sub/extra.patch": "extra\n",
		"app-misc/hello/hello-1.ebuild":       "SLOT=\"0\"\nKEYWORDS=\"amd64\"\nRDEPEND=\"sys-libs/zlib dev-libs/missing\"\nVERBATIM=\"custom src_install\"\nPROBLEM=\"x.tar.gz is not in the Manifest\"\n",
		"app-misc/broken/broken-1.ebuild":     "SLOT=\"0\"\ndie\n",
		"app-misc/broken/broken-2.ebuild":     "SLOT=\"0\"\nKEYWORDS=\"~amd64\"\n",
		"profiles/license_groups":             "# groups\nFREE @OSI MIT\nOSI MIT BSD\n",
		"profiles/package.mask":               "=app-misc/broken-2\nsys-libs/zlib:5\n", // no zlib has slot 5
		"profiles/profiles.desc":              "amd64 default/linux stable\n",
		"profiles/default/linux/parent":       "../../base\n",
		"profiles/base/packages":              "*sys-libs/zlib\n*app-misc/gone\n*app-misc/hello\n",
		"profiles/default/linux/packages":     "-*app-misc/hello\n",
		"sets/tools":                          "# tools\napp-misc/hello\n>=sys-libs/zlib-1.3\n",
	} {
		files[p] = c
	}
	writeTree(t, f.main, files)
	return f
}

func (f *fixture) sync(diff bool) *Result {
	f.t.Helper()
	r, err := repo.Open(f.main, repo.OpenOptions{NoMasters: true})
	if err != nil {
		f.t.Fatal(err)
	}
	f.eval.count = 0
	if f.jobs == 0 {
		f.jobs = 2
	}
	opts := Options{Workspace: f.ws, Sources: append([]Source{{Repo: r, Priority: 0}}, f.extra...),
		Evaluator: f.eval, EvaluatorVersion: f.evalVersion, Generator: f.gen, Jobs: f.jobs, Only: f.only}
	var buf bytes.Buffer
	if diff {
		opts.Diff = &buf
	}
	res, err := Run(context.Background(), opts)
	if err != nil {
		f.t.Fatal(err)
	}
	f.lastDiff = buf.String()
	if res.Stats.Evaluated != f.eval.count {
		f.t.Errorf("Stats.Evaluated = %d, evaluator ran %d times", res.Stats.Evaluated, f.eval.count)
	}
	return res
}

// snapshot maps every file of the workspace to its content, except the
// machine-dependent stat cache and the lock file.
func (f *fixture) snapshot() map[string]string {
	out := map[string]string{}
	filepath.WalkDir(f.ws, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(f.ws, p)
		rel = filepath.ToSlash(rel)
		if rel == statPath || rel == StateDir+"/lock" {
			return nil
		}
		data, _ := os.ReadFile(p)
		out[rel] = string(data)
		return nil
	})
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestFullSync(t *testing.T) {
	f := newFixture(t)
	res := f.sync(false)
	got := f.snapshot()
	wantFiles := []string{
		".ebuild2buck/index.json",
		".ebuild2buck/report.txt",
		"packages/eclasses/main/BUCK",
		"packages/eclasses/main/build.eclass",
		"packages/licenses_data.bzl",
		"packages/linux/core/zlib/BUCK",
		"packages/linux/core/zlib/files/fix.patch",
		"packages/linux/core/zlib/files/sub/extra.patch",
		"packages/linux/system/broken/BUCK",
		"packages/linux/system/hello/BUCK",
		"packages/registry_data.bzl",
		"packages/sets_data.bzl",
	}
	if diff := cmp.Diff(wantFiles, keys(got)); diff != "" {
		t.Fatalf("workspace files (-want +got):\n%s", diff)
	}
	if want := "LICENSE_GROUPS = {\n    \"FREE\": [\n        \"@OSI\",\n        \"MIT\",\n    ],\n    \"OSI\": [\n        \"MIT\",\n        \"BSD\",\n    ],\n}\n"; !strings.HasSuffix(got["packages/licenses_data.bzl"], want) {
		t.Errorf("licenses_data.bzl:\n%s\nwant suffix\n%s", got["packages/licenses_data.bzl"], want)
	}
	if want := "--- a\n+++ b\n"; got["packages/linux/core/zlib/files/fix.patch"] != want {
		t.Errorf("files/ copy = %q, want %q", got["packages/linux/core/zlib/files/fix.patch"], want)
	}
	wantStats := Stats{Ebuilds: 5, Evaluated: 5, Packages: 3, Generated: 3, Written: 11}
	if diff := cmp.Diff(wantStats, res.Stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	hello := got["packages/linux/system/hello/BUCK"]
	if !strings.Contains(hello, `"core//zlib:zlib"`) {
		t.Errorf("hello BUCK does not depend on core//zlib:zlib:\n%s", hello)
	}
	if diff := cmp.Diff([]Unresolved{{Ebuild: "app-misc/hello-1", Atom: "dev-libs/missing", Reason: "no such package"}}, res.Report.Unresolved); diff != "" {
		t.Errorf("unresolved (-want +got):\n%s", diff)
	}
	wantFail := []Failure{{What: "app-misc/broken-1", Err: "main/app-misc/broken/broken-1.ebuild:2: died"}}
	if diff := cmp.Diff(wantFail, res.Report.Failures); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"app-misc/hello: x.tar.gz is not in the Manifest"}, res.Report.Problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	wantCells := []CellCount{{Cell: "core", Packages: 1, Declarative: 2}, {Cell: "system", Packages: 2, Declarative: 1, Verbatim: 1}}
	if diff := cmp.Diff(wantCells, res.Report.Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if !strings.Contains(got[".ebuild2buck/report.txt"], "app-misc/hello:hello-1: custom src_install") {
		t.Errorf("report lacks the verbatim reason:\n%s", got[".ebuild2buck/report.txt"])
	}
	reg := got["packages/registry_data.bzl"]
	for _, want := range []string{
		`"core//zlib": {`, `"default": "1.3",`, `"1.4": {"slot": "0", "subslot": "1", "status": "testing"}`,
		`"2": {"slot": "0", "status": "masked"}`,
	} {
		if !strings.Contains(reg, want) {
			t.Errorf("registry lacks %s:\n%s", want, reg)
		}
	}
	sets := got["packages/sets_data.bzl"]
	for _, want := range []string{
		`SYSTEM_PROFILE = "main:default/linux"`,
		"\"system\": [\n        \"core//zlib:zlib\",\n    ],",
		"\"tools\": [\n        \"core//zlib:zlib\",\n        \"system//hello:hello\",\n    ],",
		"UNRESOLVED = {\n    \"system\": [\n        \"app-misc/gone\",\n    ],\n}",
	} {
		if !strings.Contains(sets, want) {
			t.Errorf("sets lack %q:\n%s", want, sets)
		}
	}
	if !strings.Contains(got["packages/eclasses/main/BUCK"], `name = "build.eclass"`) {
		t.Errorf("eclass BUCK:\n%s", got["packages/eclasses/main/BUCK"])
	}
	// Nothing refers to a path outside the workspace.
	for p, c := range got {
		if strings.Contains(c, f.main) || strings.Contains(c, f.ws) {
			t.Errorf("%s contains an absolute path", p)
		}
	}
}

func TestNoOpResync(t *testing.T) {
	f := newFixture(t)
	f.sync(false)
	before := f.snapshot()
	res := f.sync(false)
	if want := (Stats{Ebuilds: 5, Packages: 3}); res.Stats != want {
		t.Errorf("no-op stats = %+v, want %+v", res.Stats, want)
	}
	if diff := cmp.Diff(before, f.snapshot()); diff != "" {
		t.Errorf("no-op sync changed the workspace (-before +after):\n%s", diff)
	}
}

func TestTwoFreshSyncsIdentical(t *testing.T) {
	a, b := newFixture(t), newFixture(t)
	b.main = a.main // same repository, two workspaces, different parallelism
	a.jobs, b.jobs = 1, 8
	a.sync(false)
	b.sync(false)
	if diff := cmp.Diff(a.snapshot(), b.snapshot()); diff != "" {
		t.Errorf("two syncs differ (-a +b):\n%s", diff)
	}
}

func TestIncremental(t *testing.T) {
	tests := []struct {
		name          string
		edit          func(f *fixture)
		wantEvaluated int
		wantGenerated int
	}{
		{"ebuild changed", func(f *fixture) {
			writeTree(f.t, f.main, map[string]string{"app-misc/hello/hello-1.ebuild": "SLOT=\"0\"\nKEYWORDS=\"amd64\"\nDESCRIPTION=\"x\"\n"})
		}, 1, 1},
		{"eclass changed", func(f *fixture) {
			writeTree(f.t, f.main, map[string]string{"eclass/build.eclass": "# build v2\n"})
		}, 3, 1}, // both zlib ebuilds and the failed one (its eclasses are unknown)
		{"slot changed: dependents regenerate", func(f *fixture) {
			writeTree(f.t, f.main, map[string]string{"sys-libs/zlib/zlib-1.4.ebuild": "inherit build\nSLOT=\"1\"\n"})
		}, 3, 2}, // zlib-1.4 changed; zlib-1.3 and hello (which refers to zlib) are evaluated again to regenerate
		{"patch added", func(f *fixture) {
			writeTree(f.t, f.main, map[string]string{"sys-libs/zlib/files/new.patch": "new\n"})
		}, 2, 1},
		{"generator version", func(f *fixture) { f.gen.version = "2" }, 4, 3}, // the failed ebuild stays failed
		{"evaluator version", func(f *fixture) { f.evalVersion = "2" }, 5, 0},
		{"output deleted", func(f *fixture) {
			os.Remove(filepath.Join(f.ws, "packages/linux/core/zlib/BUCK"))
		}, 2, 1},
		{"unrelated package changed", func(f *fixture) {
			writeTree(f.t, f.main, map[string]string{"app-misc/broken/broken-2.ebuild": "SLOT=\"1\"\n"})
		}, 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.sync(false)
			tc.edit(f)
			res := f.sync(false)
			if res.Stats.Evaluated != tc.wantEvaluated || res.Stats.Generated != tc.wantGenerated {
				t.Errorf("evaluated %d, generated %d; want %d, %d", res.Stats.Evaluated, res.Stats.Generated, tc.wantEvaluated, tc.wantGenerated)
			}
			// And the result equals a fresh sync of the edited tree.
			fresh := &fixture{t: t, main: f.main, ws: t.TempDir(), eval: &fakeEvaluator{}, gen: f.gen, evalVersion: f.evalVersion}
			fresh.sync(false)
			if diff := cmp.Diff(fresh.snapshot(), f.snapshot()); diff != "" {
				t.Errorf("incremental result differs from a fresh sync (-fresh +incremental):\n%s", diff)
			}
		})
	}
}

func TestKeepAndFixups(t *testing.T) {
	f := newFixture(t)
	f.sync(false)
	buck := filepath.Join(f.ws, "packages/linux/system/hello/BUCK")
	edited := `fake_package(
    name = "hello-1",
    package = "app-misc/hello",
    slot = "9",  # keep
    rdepend = [
        "core//zlib:zlib",
        "hand//added:dep",  # keep
        "hand//dropped:dep",
    ],
)

genrule(name = "mine")  # keep

genrule(name = "not-kept")
`
	writeTree(t, f.ws, map[string]string{
		"packages/linux/system/hello/BUCK": edited,
		"packages/linux/system/hello/fixups.bzl": `FIXUPS = {
    "hello-1": {"extend": {"configure_args": ["--fixed"]}},
}
`,
	})
	res := f.sync(false)
	if res.Stats.Generated != 1 {
		t.Errorf("generated %d packages, want 1", res.Stats.Generated)
	}
	got, _ := os.ReadFile(buck)
	want := `fake_package(
    name = "hello-1",
    package = "app-misc/hello",
    slot = "9",  # keep
    rdepend = [
        "core//zlib:zlib",
        "hand//added:dep",  # keep
    ],
    configure_args = ["--fixed"],
)

genrule(name = "mine")  # keep
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("merged BUCK (-want +got):\n%s", diff)
	}
	// The merged file is stable: another sync does nothing.
	if res := f.sync(false); res.Stats.Generated != 0 || res.Stats.Written != 0 {
		t.Errorf("second sync after merge: %+v", res.Stats)
	}
	// A broken fixups file is reported with its line, and the run goes on.
	writeTree(t, f.ws, map[string]string{"packages/linux/system/hello/fixups.bzl": "FIXUPS = {\n    \"nope\": {\"delete\": [\"slot\"]},\n}\n"})
	res = f.sync(false)
	want2 := Failure{What: "app-misc/hello", Err: `packages/linux/system/hello/fixups.bzl:2: no target "nope" in the generated file`}
	found := false
	for _, fl := range res.Report.Failures {
		found = found || fl == want2
	}
	if !found {
		t.Errorf("failures %v lack %v", res.Report.Failures, want2)
	}
}

func TestRemovedPackage(t *testing.T) {
	f := newFixture(t)
	f.sync(false)
	os.RemoveAll(filepath.Join(f.main, "sys-libs/zlib"))
	res := f.sync(false)
	got := f.snapshot()
	for p := range got {
		if strings.HasPrefix(p, "packages/linux/core/") || strings.HasPrefix(p, "packages/eclasses/") {
			t.Errorf("%s survived the removal of its package", p)
		}
	}
	if _, err := os.Stat(filepath.Join(f.ws, "packages/linux/core/zlib")); !os.IsNotExist(err) {
		t.Errorf("package directory still exists: %v", err)
	}
	if res.Stats.Removed != 5 { // BUCK, 2 patches, the eclass and its BUCK
		t.Errorf("removed %d files, want 5", res.Stats.Removed)
	}
}

func TestDiffWritesNothing(t *testing.T) {
	f := newFixture(t)
	f.sync(false)
	writeTree(t, f.main, map[string]string{"app-misc/hello/hello-1.ebuild": "SLOT=\"1\"\nKEYWORDS=\"amd64\"\n"})
	before := f.snapshot()
	f.sync(true)
	if diff := cmp.Diff(before, f.snapshot()); diff != "" {
		t.Errorf("--diff changed the workspace:\n%s", diff)
	}
	for _, want := range []string{
		"--- a/packages/linux/system/hello/BUCK\n+++ b/packages/linux/system/hello/BUCK\n",
		"-    slot = \"0\",\n", "+    slot = \"1\",\n",
		"--- a/packages/registry_data.bzl\n",
	} {
		if !strings.Contains(f.lastDiff, want) {
			t.Errorf("diff lacks %q:\n%s", want, f.lastDiff)
		}
	}
	// The real sync afterwards still does the work the diff showed.
	if res := f.sync(false); res.Stats.Evaluated != 1 || res.Stats.Generated != 1 {
		t.Errorf("sync after --diff: %+v, want 1 evaluation and 1 generation", res.Stats)
	}
}

func TestPriorityAndImport(t *testing.T) {
	f := newFixture(t)
	over := filepath.Join(filepath.Dir(f.main), "over")
	files := baseRepo("over")
	files["sys-libs/zlib/zlib-9.ebuild"] = "SLOT=\"0\"\nKEYWORDS=\"amd64\"\n"
	writeTree(t, over, files)
	r, err := repo.Open(over, repo.OpenOptions{NoMasters: true})
	if err != nil {
		t.Fatal(err)
	}
	f.extra = []Source{{Repo: r, Priority: 10}}
	f.only = []string{"sys-libs/zlib"}
	if res := f.sync(false); res.Stats.Evaluated != 1 {
		t.Errorf("import of a package without dependencies evaluated %d ebuilds, want 1", res.Stats.Evaluated)
	}
	got := f.snapshot()
	wantFiles := []string{".ebuild2buck/index.json", ".ebuild2buck/report.txt", "packages/licenses_data.bzl", "packages/linux/core/zlib/BUCK",
		"packages/registry_data.bzl", "packages/sets_data.bzl"}
	if diff := cmp.Diff(wantFiles, keys(got)); diff != "" {
		t.Errorf("import wrote (-want +got):\n%s", diff)
	}
	if b := got["packages/linux/core/zlib/BUCK"]; !strings.Contains(b, `"zlib-9"`) || strings.Contains(b, `"zlib-1.3"`) {
		t.Errorf("the higher-priority repository did not win:\n%s", b)
	}
	// A later full sync evaluates and writes the rest.
	f.only = nil
	res := f.sync(false)
	if res.Stats.Evaluated != 3 || res.Stats.Generated != 2 {
		t.Errorf("sync after import: %+v", res.Stats)
	}
}

func TestGenerateFailureKeepsOldFile(t *testing.T) {
	f := newFixture(t)
	f.sync(false)
	before := f.snapshot()["packages/linux/system/hello/BUCK"]
	writeTree(t, f.main, map[string]string{"app-misc/hello/hello-1.ebuild": "SLOT=\"0\"\nFAILGEN=1\n"})
	res := f.sync(false)
	if after := f.snapshot()["packages/linux/system/hello/BUCK"]; after != before {
		t.Errorf("a failed generation changed the old file")
	}
	want := Failure{What: "app-misc/hello", Err: "app-misc/hello-1: cannot generate"}
	if diff := cmp.Diff([]Failure{{What: "app-misc/broken-1", Err: "main/app-misc/broken/broken-1.ebuild:2: died"}, want}, res.Report.Failures); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
}

func TestWriteAtomicLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "BUCK")
	for _, content := range []string{"one\n", "two\n"} {
		if err := writeAtomic(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(p)
		if string(got) != content {
			t.Errorf("content = %q, want %q", got, content)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only BUCK", len(entries))
	}
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"equal", "a\n", "a\n", ""},
		{"new file", "", "a\nb\n", "--- x\n+++ y\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"change in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- x\n+++ y\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n",
			"--- x\n+++ y\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n"},
		{"removed", "a\n", "", "--- x\n+++ y\n@@ -1 +0,0 @@\n-a\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, unifiedDiff("x", "y", tc.old, tc.new)); diff != "" {
				t.Errorf("unifiedDiff (-want +got):\n%s", diff)
			}
		})
	}
}

func TestImportWithDeps(t *testing.T) {
	f := newFixture(t)
	writeTree(t, f.main, map[string]string{
		"app-misc/top/top-1.ebuild":       "SLOT=\"0\"\nRDEPEND=\"foo? ( || ( app-misc/hello dev-libs/missing ) ) !app-misc/broken\"\n",
		"app-misc/lonely/lonely-1.ebuild": "SLOT=\"0\"\n",
	})
	f.only = []string{"app-misc/top"}
	r, err := repo.Open(f.main, repo.OpenOptions{NoMasters: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Options{Workspace: f.ws, Sources: []Source{{Repo: r}},
		Evaluator: f.eval, Generator: f.gen, Only: f.only, WithDeps: true})
	if err != nil {
		t.Fatal(err)
	}
	var bucks []string
	for p := range f.snapshot() {
		if strings.HasSuffix(p, "/BUCK") && strings.HasPrefix(p, "packages/linux/") {
			bucks = append(bucks, p)
		}
	}
	sort.Strings(bucks)
	// top → hello (inside a USE conditional and an ||) → zlib; the blocked
	// package is no dependency.
	want := []string{"packages/linux/core/zlib/BUCK", "packages/linux/system/hello/BUCK", "packages/linux/system/top/BUCK"}
	if diff := cmp.Diff(want, bucks); diff != "" {
		t.Errorf("import --with-deps wrote (-want +got):\n%s", diff)
	}
	if res.Report.Packages != 3 {
		t.Errorf("report counts %d packages, want 3", res.Report.Packages)
	}
	if len(res.Report.NotWritten) != 0 {
		t.Errorf("import --with-deps left dependencies out of the workspace: %v", res.Report.NotWritten)
	}
	// Evaluated: top, hello, both zlib ebuilds, and the blocked package
	// (named, so resolution needs it); nothing else exists here, so add a
	// package nobody names and check it stays unevaluated.
	if res.Stats.Evaluated != 6 {
		t.Errorf("import --with-deps evaluated %d ebuilds, want 6", res.Stats.Evaluated)
	}
}

// TestImportNamesMissingDeps checks that an import without --with-deps says
// which dependencies the workspace still lacks: their labels dangle until
// they are imported too.
func TestImportNamesMissingDeps(t *testing.T) {
	f := newFixture(t)
	writeTree(t, f.main, map[string]string{
		"app-misc/top/top-1.ebuild": "SLOT=\"0\"\nRDEPEND=\"foo? ( || ( app-misc/hello dev-libs/missing ) ) !app-misc/broken\"\n",
	})
	f.only = []string{"app-misc/top"}
	res := f.sync(false)
	// hello is in the repository and named (inside a USE conditional and an
	// ||); dev-libs/missing is in no repository (an unresolved atom, not
	// this list); the blocked package is no dependency.
	if diff := cmp.Diff([]string{"app-misc/hello"}, res.Report.NotWritten); diff != "" {
		t.Errorf("NotWritten (-want +got):\n%s", diff)
	}
	if sum := res.Report.Summary(); !strings.Contains(sum, "1 packages they depend on are in the repositories but not in the workspace (app-misc/hello)") {
		t.Errorf("summary does not name the missing dependency:\n%s", sum)
	}
	// After importing it (and what it needs), nothing is missing.
	f.only = []string{"app-misc/top", "app-misc/hello", "sys-libs/zlib"}
	if res := f.sync(false); len(res.Report.NotWritten) != 0 {
		t.Errorf("after importing the dependencies, NotWritten = %v", res.Report.NotWritten)
	}
}

func TestReportBrief(t *testing.T) {
	rep := &Report{
		Packages: 2, Cells: []CellCount{{Cell: "core", Packages: 2, Declarative: 1, Verbatim: 1}}, Declarative: 1, Verbatim: 1,
		Failures: []Failure{{"a/b-1", "repo/a/b/b-1.ebuild:3: boom"}, {"a/c-1", "repo/a/c/c-1.ebuild:4: bang"}},
		Unresolved: []Unresolved{
			{"a/b-1", "RDEPEND x/y", "not here"}, {"a/b-1", "RDEPEND x/z", "not here"}, {"a/c-1", "DEPEND >=x/w-2", "too new"},
		},
	}
	want := `2 packages: 1 declarative and 1 verbatim ebuild targets, 3 unresolved atoms, 2 failures, 0 problems
  core               2 packages      1 declarative      1 verbatim
failures:
  a/b-1: repo/a/b/b-1.ebuild:3: boom
  ... and 1 more
unresolved atoms by reason:
       2  not here
       1  too new
  a/b-1: RDEPEND x/y: not here
  ... and 2 more
`
	if diff := cmp.Diff(want, rep.Brief(1)); diff != "" {
		t.Errorf("Brief (-want +got):\n%s", diff)
	}
}

func TestWorkspaceLockAndTempCleanup(t *testing.T) {
	f := newFixture(t)
	f.sync(false)
	// A killed run left a temporary file beside a BUCK file it was writing.
	junk := filepath.Join(f.ws, "packages/linux/core/zlib/.tmp-BUCK-0123456789ab")
	writeTree(t, f.ws, map[string]string{"packages/linux/core/zlib/.tmp-BUCK-0123456789ab": "half a fi"})
	os.Remove(filepath.Join(f.ws, "packages/linux/core/zlib/BUCK")) // and the package regenerates
	f.sync(false)
	if _, err := os.Stat(junk); !os.IsNotExist(err) {
		t.Errorf("temporary file of a killed run survived: %v", err)
	}
	// While one sync holds the workspace, another one refuses to start.
	unlock, err := lockWorkspace(f.ws)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	r, err := repo.Open(f.main, repo.OpenOptions{NoMasters: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Options{Workspace: f.ws, Sources: []Source{{Repo: r}}, Evaluator: f.eval, Generator: f.gen})
	if err == nil || !strings.Contains(err.Error(), "another sync is running") {
		t.Errorf("second sync: error %v, want another sync is running", err)
	}
}

func TestUnparsableBUCKIsLeftAlone(t *testing.T) {
	f := newFixture(t)
	f.sync(false)
	broken := "fake_package(\n    name = \"hello-1\",\n    slot = [\n"
	writeTree(t, f.ws, map[string]string{"packages/linux/system/hello/BUCK": broken})
	res := f.sync(false)
	if got := f.snapshot()["packages/linux/system/hello/BUCK"]; got != broken {
		t.Errorf("an unparsable BUCK file was overwritten:\n%s", got)
	}
	found := false
	for _, fl := range res.Report.Failures {
		if fl.What == "app-misc/hello" && strings.Contains(fl.Err, "packages/linux/system/hello/BUCK:") && strings.Contains(fl.Err, "left as it is") {
			found = true
		}
	}
	if !found {
		t.Errorf("failures %v do not report the unparsable BUCK with its line", res.Report.Failures)
	}
	// The other packages are still fine, and the next sync tries again.
	if res.Stats.Packages != 3 {
		t.Errorf("packages = %d", res.Stats.Packages)
	}
	os.Remove(filepath.Join(f.ws, "packages/linux/system/hello/BUCK"))
	if res := f.sync(false); res.Stats.Generated != 1 || len(res.Report.Failures) != 1 {
		t.Errorf("after removing the broken file: %+v, failures %v", res.Stats, res.Report.Failures)
	}
}

func TestReadFilesDirFollowsLinks(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"files/pkg-1/a.patch": "a\n",
		"files/top.patch":     "top\n",
	})
	if err := os.Symlink("pkg-1", filepath.Join(root, "files/pkg-2")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("top.patch", filepath.Join(root, "files/alias.patch")); err != nil {
		t.Fatal(err)
	}
	got, err := readFilesDir(filepath.Join(root, "files"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range got {
		names = append(names, f.rel+"="+string(f.data))
	}
	want := []string{"alias.patch=top\n", "pkg-1/a.patch=a\n", "pkg-2/a.patch=a\n", "top.patch=top\n"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("readFilesDir (-want +got):\n%s", diff)
	}
	if got, err := readFilesDir(filepath.Join(root, "nothing")); err != nil || got != nil {
		t.Errorf("missing files/: %v, %v; want nothing, no error", got, err)
	}
	// A link loop is an error, not a hang.
	if err := os.Symlink(".", filepath.Join(root, "files/loop")); err != nil {
		t.Fatal(err)
	}
	if _, err := readFilesDir(filepath.Join(root, "files")); err == nil || !strings.Contains(err.Error(), "too many levels") {
		t.Errorf("link loop: error %v", err)
	}
}

func TestUnreadableFilesDirFailsOnePackage(t *testing.T) {
	f := newFixture(t)
	if err := os.Symlink("nowhere", filepath.Join(f.main, "sys-libs/zlib/files/dangling.patch")); err != nil {
		t.Fatal(err)
	}
	res := f.sync(false)
	if len(res.Report.Failures) != 2 || res.Report.Failures[1].What != "sys-libs/zlib" ||
		!strings.Contains(res.Report.Failures[1].Err, "main/sys-libs/zlib/files/dangling.patch") {
		t.Errorf("failures = %v, want the dangling link of sys-libs/zlib", res.Report.Failures)
	}
	if _, ok := f.snapshot()["packages/linux/system/hello/BUCK"]; !ok {
		t.Errorf("the other packages were not written")
	}
}

func TestUnreadableEbuildFailsItself(t *testing.T) {
	// A dangling link (root reads mode-000 files, so no chmod here).
	f := newFixture(t)
	p := filepath.Join(f.main, "app-misc/hello/hello-2.ebuild")
	if err := os.Symlink("missing-target", p); err != nil {
		t.Fatal(err)
	}
	res := f.sync(false)
	found := false
	for _, fl := range res.Report.Failures {
		found = found || strings.Contains(fl.Err, "main/app-misc/hello/hello-2.ebuild")
	}
	if !found {
		t.Errorf("failures %v lack the unreadable hello-2", res.Report.Failures)
	}
	if !strings.Contains(f.snapshot()["packages/linux/system/hello/BUCK"], `"hello-1"`) {
		t.Errorf("hello-1 was not written next to the unreadable hello-2")
	}
}

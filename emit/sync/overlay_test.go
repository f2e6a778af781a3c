package sync

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/buck/check"
)

// TestOverlay syncs the bundled overlay (overlays/repos.conf) with the real
// evaluator and generator and compares every generated file with the tree
// committed in this repository (full text: these are the team's own
// ebuilds), so the repository's packages/ can never go stale. -update
// rewrites the repository's generated files, like `bash scripts/demo.sh`.
func TestOverlay(t *testing.T) {
	root := repoRoot(t)
	confs, err := ReadReposConf(filepath.Join(root, "overlays", "repos.conf"))
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := OpenSources(confs)
	if err != nil {
		t.Fatal(err)
	}
	ws := newWorkspace(t)
	// Start from empty data files, as before a first sync, so the test sees
	// sync write them rather than find the committed copies.
	for _, f := range []string{RegistryFile, SetsFile, LicensesFile} {
		if err := os.Remove(filepath.Join(ws, f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	res, err := Run(context.Background(), Options{Workspace: ws, Sources: srcs,
		Evaluator: NewSourceEvaluator(srcs), EvaluatorVersion: "test", Generator: NewGenerator("test"), Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Failures) > 0 || len(res.Report.Unresolved) > 0 {
		t.Errorf("the overlay should sync cleanly; failures %v, unresolved %v", res.Report.Failures, res.Report.Unresolved)
	}
	got := generatedFiles(t, ws)
	want := generatedFiles(t, root)
	if *update {
		for p := range want {
			if _, ok := got[p]; !ok {
				if err := os.Remove(filepath.Join(root, filepath.FromSlash(p))); err != nil {
					t.Fatal(err)
				}
			}
		}
		for p, c := range got {
			full := filepath.Join(root, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want = got
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("overlay sync differs from the repository's committed packages/ (-repo +sync; run `go test ./emit/sync -run TestOverlay -update` or scripts/demo.sh and commit):\n%s", diff)
	}
	report, err := os.ReadFile(filepath.Join(ws, StateDir, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	reportGolden := filepath.Join("testdata", "overlay-report.txt")
	if *update {
		if err := os.WriteFile(reportGolden, report, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantReport, err := os.ReadFile(reportGolden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(wantReport), string(report)); diff != "" {
		t.Errorf("sync report differs from %s (-want +got; -update rewrites):\n%s", reportGolden, diff)
	}
	var names []string
	for p := range got {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, want := range []string{
		"packages/linux/core/bzip2/BUCK", "packages/linux/core/lz4/BUCK", "packages/linux/core/compression/BUCK",
		"packages/linux/system/buckos-release/BUCK", "packages/linux/system/buckos-release/files/os-release.in",
		"packages/eclasses/buckos/buckos-utils.eclass", RegistryFile, SetsFile, LicensesFile,
	} {
		if _, ok := got[want]; !ok {
			t.Errorf("sync did not write %s; wrote %v", want, names)
		}
	}
	rep, err := check.Check(context.Background(), ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rep.Errors {
		t.Errorf("check: %v", e)
	}
}

// generatedFiles returns the files of dir that sync owns: the data files,
// the eclass copies, and every file of a package directory whose BUCK file
// carries the generated header (hand-written packages, such as the
// examples cell, are left out).
func generatedFiles(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, f := range []string{RegistryFile, SetsFile, LicensesFile} {
		if data, err := os.ReadFile(filepath.Join(dir, f)); err == nil {
			out[f] = string(data)
		}
	}
	addTree := func(top string) {
		filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(data)
			return nil
		})
	}
	addTree(filepath.Join(dir, "packages", "eclasses"))
	pkgDirs, _ := filepath.Glob(filepath.Join(dir, "packages", "linux", "*", "*"))
	for _, pd := range pkgDirs {
		head, err := os.ReadFile(filepath.Join(pd, "BUCK"))
		if err == nil && strings.HasPrefix(string(head), "# @generated") {
			addTree(pd)
		}
	}
	return out
}

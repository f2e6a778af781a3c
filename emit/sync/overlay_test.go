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
// evaluator and generator and compares every file written under packages/
// with testdata/overlay (full text: these are the team's own ebuilds).
// -update rewrites the goldens.
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
	skeleton := treeFiles(t, ws)
	res, err := Run(context.Background(), Options{Workspace: ws, Sources: srcs,
		Evaluator: NewSourceEvaluator(srcs), EvaluatorVersion: "test", Generator: NewGenerator("test"), Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Failures) > 0 || len(res.Report.Unresolved) > 0 {
		t.Errorf("the overlay should sync cleanly; failures %v, unresolved %v", res.Report.Failures, res.Report.Unresolved)
	}
	got := map[string]string{}
	for p, c := range treeFiles(t, ws) {
		if skeleton[p] != c && p != StateDir+"/index.json" { // the index is state, not output
			got[p] = c
		}
	}
	golden := filepath.Join("testdata", "overlay")
	if *update {
		os.RemoveAll(golden)
		for p, c := range got {
			full := filepath.Join(golden, filepath.FromSlash(p)+".golden")
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]string{}
	filepath.WalkDir(golden, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(golden, p)
		data, _ := os.ReadFile(p)
		want[strings.TrimSuffix(filepath.ToSlash(rel), ".golden")] = string(data)
		return nil
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("overlay sync differs from testdata/overlay (-want +got; -update rewrites):\n%s", diff)
	}
	var names []string
	for p := range got {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, want := range []string{
		"packages/linux/core/bzip2/BUCK", "packages/linux/core/lz4/BUCK", "packages/linux/core/compression/BUCK",
		"packages/linux/system/buckos-release/BUCK", "packages/linux/system/buckos-release/files/os-release.in",
		"packages/eclasses/buckos/buckos-utils.eclass", RegistryFile, SetsFile,
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

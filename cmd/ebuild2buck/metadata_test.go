package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/mdcache"
)

// runEbuild2buck runs the root command in-process.
func runEbuild2buck(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err = root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func fileMD5(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(data)
	return hex.EncodeToString(sum[:])
}

// readTree returns every file under dir, relative path → content.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMetadataUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no repository", []string{"metadata", "--out", "x"}, "requires at least 1 arg"},
		{"no out", []string{"metadata", "testdata/repo"}, "--out is required"},
		{"bad jobs", []string{"metadata", "testdata/repo", "--out", "x", "--jobs", "0"}, "--jobs must be at least 1"},
		{"missing master", []string{"metadata", "testdata/orphan", "--out", "x"}, "layout.conf:1: master repository \"not-here\" not found (give its directory with --master DIR, or use --no-masters)"},
		{"masters conflict", []string{"metadata", "testdata/orphan", "--out", "x", "--no-masters", "--master", "testdata/repo"}, "exclude each other"},
		{"no match", []string{"metadata", "testdata/repo", "--out", "x", "cat-a/nothing"}, "matches \"cat-a/nothing\""},
		{"bad pattern", []string{"metadata", "testdata/repo", "--out", "x", "a/b/c"}, "invalid package pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runEbuild2buck(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestMetadataFixture(t *testing.T) {
	repoDir := "testdata/repo"
	out := t.TempDir()
	stdout, stderr, err := runEbuild2buck(t, "metadata", repoDir, "--out", out, "--jobs", "2")
	if err != nil {
		t.Fatalf("metadata: %v\nstderr:\n%s", err, stderr)
	}
	if !strings.HasPrefix(stdout, "metadata: 3 ebuilds, 2 written, 1 failed, 0 bad names, ") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("summary = %q", stdout)
	}
	broken := filepath.Join(repoDir, "cat-a", "broken", "broken-1.ebuild")
	wantErrPrefix := "cat-a/broken-1: " + broken + ":4: "
	if !strings.HasPrefix(stderr, wantErrPrefix) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr = %q, want one line starting %q", stderr, wantErrPrefix)
	}

	good := filepath.Join(repoDir, "cat-a", "good", "good-1.2-r1.ebuild")
	want := map[string]string{
		"cat-a/good-1.2-r1": "BDEPEND=dev-build/make\n" +
			"DEFINED_PHASES=compile install\n" +
			"DEPEND=ssl? ( >=dev-libs/openssl-3:= ) || ( cat-b/plain cat-b/other )\n" +
			"DESCRIPTION=Fixture package\n" +
			"EAPI=8\n" +
			"HOMEPAGE=https://example.org/good\n" +
			"INHERIT=hello\n" +
			"IUSE=+ssl test hello-flag\n" +
			"KEYWORDS=~amd64 x86\n" +
			"RDEPEND=ssl? ( >=dev-libs/openssl-3:= ) || ( cat-b/plain cat-b/other )\n" +
			"RESTRICT=!test? ( test )\n" +
			"SLOT=0/1\n" +
			"_eclasses_=hello\t" + fileMD5(t, filepath.Join(repoDir, "eclass", "hello.eclass")) + "\n" +
			"_md5_=" + fileMD5(t, good) + "\n",
		"cat-b/plain-2": "DEFINED_PHASES=-\n" +
			"DESCRIPTION=Plain fixture\n" +
			"EAPI=7\n" +
			"SLOT=2\n" +
			"_md5_=" + fileMD5(t, filepath.Join(repoDir, "cat-b", "plain", "plain-2.ebuild")) + "\n",
	}
	got := readTree(t, out)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("md5-cache tree (-want +got):\n%s", d)
	}

	// Same output with one worker and with an atom selecting one package;
	// a stale entry for the failing ebuild is removed.
	out1 := t.TempDir()
	stale := filepath.Join(out1, "cat-a", "broken-1")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("EAPI=8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Entries of ebuilds that are gone, and leftover temporary files, are
	// pruned; other files are left alone.
	gone := filepath.Join(out1, "cat-b", "plain-1")
	tmp := filepath.Join(out1, "cat-b", ".plain-2.tmp123")
	notes := filepath.Join(out1, "cat-b", "NOTES")
	for _, p := range []string{gone, tmp, notes} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, stderr1, err := runEbuild2buck(t, "metadata", repoDir, "--out", out1, "-j", "1")
	if err != nil {
		t.Fatal(err)
	}
	wantStderr1 := "removed stale entry " + tmp + "\nremoved stale entry " + gone + "\n" + stderr
	if stderr1 != wantStderr1 {
		t.Errorf("stderr with --jobs 1 = %q, want %q", stderr1, wantStderr1)
	}
	if _, err := os.Stat(notes); err != nil {
		t.Errorf("a file not named like an entry was touched: %v", err)
	}
	if err := os.Remove(notes); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, readTree(t, out1)); d != "" {
		t.Errorf("--jobs 1 tree differs (-want +got):\n%s", d)
	}
	out2 := t.TempDir()
	if _, _, err := runEbuild2buck(t, "metadata", repoDir, "--out", out2, "plain"); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"cat-b/plain-2": want["cat-b/plain-2"]}, readTree(t, out2)); d != "" {
		t.Errorf("atom selection (-want +got):\n%s", d)
	}
}

// fakeEvaluator answers from a table, so the worker pool is tested without
// the shell evaluator.
type fakeEvaluator map[string]string // CPF → DESCRIPTION, "" = fail, "panic" = panic

func (f fakeEvaluator) Evaluate(_ context.Context, ref ebuild.Ref) (*ebuild.Metadata, error) {
	switch d := f[ref.CPF()]; d {
	case "":
		return nil, fmt.Errorf("%s:1: no such fixture", ref.Path)
	case "panic":
		panic("fixture panic")
	default:
		return &ebuild.Metadata{Ref: ref, Raw: map[string]string{"DESCRIPTION": d, "EAPI": "8"}, MD5: "m"}, nil
	}
}

func TestRegenerate(t *testing.T) {
	var refs []ebuild.Ref
	ev := fakeEvaluator{}
	for i := 0; i < 40; i++ {
		r := ebuild.Ref{Category: "cat", PN: "p", PVR: fmt.Sprint(i), Path: fmt.Sprintf("p-%d.ebuild", i)}
		refs = append(refs, r)
		switch i % 10 {
		case 3:
		case 7:
			ev[r.CPF()] = "panic"
		default:
			ev[r.CPF()] = "package " + r.PVR
		}
	}
	out := t.TempDir()
	res := regenerate(context.Background(), ev, refs, out, 4)
	var failed []string
	for i, err := range res {
		if err != nil {
			failed = append(failed, refs[i].CPF()+": "+err.Error())
		}
	}
	wantFailed := []string{}
	for i := 0; i < 40; i++ {
		switch i % 10 {
		case 3:
			wantFailed = append(wantFailed, fmt.Sprintf("cat/p-%d: p-%d.ebuild:1: no such fixture", i, i))
		case 7:
			wantFailed = append(wantFailed, fmt.Sprintf("cat/p-%d: p-%d.ebuild: internal error: fixture panic", i, i))
		}
	}
	if d := cmp.Diff(wantFailed, failed); d != "" {
		t.Errorf("failures (-want +got):\n%s", d)
	}
	tree := readTree(t, out)
	var names []string
	for n := range tree {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) != 32 {
		t.Errorf("wrote %d entries, want 32: %v", len(names), names)
	}
	e, err := mdcache.Parse(strings.NewReader(tree["cat/p-12"]))
	if err != nil || e.Keys["DESCRIPTION"] != "package 12" {
		t.Errorf("cat/p-12 = %+v, %v", e, err)
	}

	// A cancelled run reports the cancellation for what it did not do.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i, err := range regenerate(ctx, ev, refs, t.TempDir(), 2) {
		if !errors.Is(err, context.Canceled) || !errors.Is(err, errSkipped) {
			t.Errorf("%s after cancel: %v, want skipped and cancelled", refs[i].CPF(), err)
		}
	}
}

// TestMetadataCorpusCategory runs the command on one category of the corpus
// gentoo tree, whose md5-cache Portage wrote: the output must be the same
// files, byte for byte.
func TestMetadataCorpusCategory(t *testing.T) {
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		t.Skip("needs BUCKOS_SHARED pointing at the shared/ directory holding corpus/gentoo")
	}
	tree := filepath.Join(shared, "corpus", "gentoo")
	want := filepath.Join(tree, "metadata", "md5-cache", "sys-libs")
	if _, err := os.Stat(want); err != nil {
		t.Fatalf("corpus data missing: %v", err)
	}
	out := t.TempDir()
	stdout, stderr, err := runEbuild2buck(t, "metadata", tree, "--out", out, "sys-libs/*")
	if err != nil {
		t.Fatalf("metadata: %v\n%s", err, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing", stderr)
	}
	got := readTree(t, filepath.Join(out, "sys-libs"))
	if len(got) == 0 {
		t.Fatalf("no entries written; stdout %q", stdout)
	}
	if d := cmp.Diff(readTree(t, want), got); d != "" {
		t.Errorf("sys-libs entries differ from Portage's (-portage +ours):\n%s", d)
	}
}

package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"buckos.dev/buckos/ebuild"
)

// fixture writes a one-package repository with the given eclasses and
// returns an evaluator for it and the ebuild's Ref.
func fixture(t *testing.T, ebuildSrc string, eclasses map[string]string) (*Evaluator, ebuild.Ref) {
	t.Helper()
	dir := t.TempDir()
	pkg := filepath.Join(dir, "cat", "pkg")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "eclass"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(pkg, "pkg-1.2.3-r1.ebuild")
	if err := os.WriteFile(path, []byte(ebuildSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, src := range eclasses {
		if err := os.WriteFile(filepath.Join(dir, "eclass", name+".eclass"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e := New(Options{EclassDirs: []string{filepath.Join(dir, "eclass")}})
	return e, ebuild.Ref{Repo: "test", Category: "cat", PN: "pkg", PVR: "1.2.3-r1", Path: path}
}

func evalFixture(t *testing.T, ebuildSrc string, eclasses map[string]string) (*ebuild.Metadata, error) {
	t.Helper()
	e, ref := fixture(t, ebuildSrc, eclasses)
	return e.Evaluate(context.Background(), ref)
}

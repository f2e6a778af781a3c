package check

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"buckos.dev/buckos/buck/model"
)

// repoRoot is the BuckOS checkout this package lives in.
const repoRoot = "../.."

// copyRepoWorkspace copies the rule library and what it loads (defs/,
// config/, platforms/, toolchains/, packages/registry_data.bzl and the
// root .buckconfig) into a temporary workspace, and adds files.
func copyRepoWorkspace(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	copyFile := func(rel string) {
		data, err := os.ReadFile(filepath.Join(repoRoot, rel))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(".buckconfig")
	// The data files sync writes (registry, sets, license groups): defs loads them.
	data, err := filepath.Glob(filepath.Join(repoRoot, "packages", "*.bzl"))
	if err != nil || len(data) == 0 {
		t.Fatalf("no packages/*.bzl data files in %s: %v", repoRoot, err)
	}
	for _, p := range data {
		copyFile(filepath.Join("packages", filepath.Base(p)))
	}
	for _, d := range []string{"defs", "config", "platforms", "toolchains"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, p)
			copyFile(rel)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRepoDefs checks packages written against the repository's rule
// library (engineer C's defs/): a good one passes, and the load-time
// checks of the macros (REQUIRED_USE, checksum length) fail at the
// package's line with the macro's message.
func TestRepoDefs(t *testing.T) {
	if _, err := os.Stat(filepath.Join(repoRoot, "defs/package_defs.bzl")); err != nil {
		t.Fatalf("the rule library is missing: %v", err)
	}
	const header = `load("@root//defs:package_defs.bzl", "autotools_package", "download_source")
`
	tests := []struct {
		name string
		buck string
		// want is the line of the error and fragments its message holds;
		// line 0 means no error.
		line int
		want []string
	}{
		{"good", header + `
download_source(
    name = "x-1.0.tar.gz",
    src_uri = ["https://example.org/x-1.0.tar.gz"],
    sha256 = "` + strings.Repeat("a", 64) + `",
)

autotools_package(
    name = "x-1.0",
    package = "app-misc/x",
    version = "1.0",
    iuse = ["+a", "b"],
    required_use = "^^ ( a b )",
    srcs = [":x-1.0.tar.gz"],
)
`, 0, nil},
		// The defaults (a) satisfy "^^ ( a b )"; the package's own use = ["b"] breaks it:
		// loading fails, naming the settings.
		{"required_use", header + `
autotools_package(
    name = "x-1.0",
    package = "app-misc/x",
    version = "1.0",
    iuse = ["+a", "b"],
    use = ["b"],
    required_use = "^^ ( a b )",
)
`, 3, []string{
			"fail: ",
			`app-misc/x-1.0: REQUIRED_USE is not satisfied with USE="a b".`,
			"The following REQUIRED_USE flag constraints are unsatisfied:",
			"    exactly-one-of ( a b )",
			"The above constraints are a subset of the following complete expression:",
			"    ^^ ( a b )",
			"The defaults (IUSE and the profile) satisfy it: your USE settings (config/use.bzl, [buckos] use, config/package_use.bzl, use = [...]) broke it.",
			"(raised at defs/private/package_macro.bzl:",
		}},
		{"checksum", header + `
download_source(
    name = "x-1.0.tar.gz",
    src_uri = ["https://example.org/x-1.0.tar.gz"],
    sha256 = "` + strings.Repeat("a", 63) + `",
)
`, 3, []string{
			`fail: download_source(name = "x-1.0.tar.gz"): malformed sha256 checksum: 63 characters, SHA256 wants 64 hex characters (got "` + strings.Repeat("a", 63) + `")`,
			"(raised at defs/private/checksum.bzl:",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyRepoWorkspace(t, map[string]string{"packages/linux/examples/x/BUCK": tt.buck})
			rep, err := Check(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if tt.line == 0 {
				if !rep.OK() {
					t.Fatalf("errors: %v", rep.Errors)
				}
				return
			}
			if len(rep.Errors) != 1 {
				t.Fatalf("want 1 error, got %d: %v", len(rep.Errors), rep.Errors)
			}
			e := rep.Errors[0]
			if e.File != "packages/linux/examples/x/BUCK" || e.Line != tt.line {
				t.Errorf("error at %s:%d, want packages/linux/examples/x/BUCK:%d", e.File, e.Line, tt.line)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Msg, w) {
					t.Errorf("message %q does not contain %q", e.Msg, w)
				}
			}
		})
	}
}

// TestRepoRoot is the integration check: the repository itself (the rule
// library, platforms, toolchains and the example cell) passes, and every
// cell of its .buckconfig is listed.
func TestRepoRoot(t *testing.T) {
	if testing.Short() {
		t.Skip("checks the whole repository; skipped with -short")
	}
	rep, err := Check(context.Background(), repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rep.Errors {
		t.Errorf("%s", e)
	}
	cells, err := model.LoadCells(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range rep.Cells {
		listed[c.Name] = true
	}
	for _, c := range cells.All() {
		if !listed[c.Name] {
			t.Errorf("cell %s is not listed", c.Name)
		}
	}
	if len(rep.Cells) < 28 {
		t.Errorf("%d cells listed, want at least the 28 package cells", len(rep.Cells))
	}
}

// TestRepoDefsUnbuildable: a REQUIRED_USE the defaults already violate is not a check
// error; the version loads and analyses and is reported as one unbuildable target.
func TestRepoDefsUnbuildable(t *testing.T) {
	dir := copyRepoWorkspace(t, map[string]string{"packages/linux/examples/x/BUCK": `load("@root//defs:package_defs.bzl", "autotools_package")

autotools_package(
    name = "x-1.0",
    package = "app-misc/x",
    version = "1.0",
    iuse = ["+a", "+b"],
    required_use = "^^ ( a b )",
)

autotools_package(
    name = "x-2.0",
    package = "app-misc/x",
    version = "2.0",
    iuse = ["+a", "b"],
    required_use = "^^ ( a b )",
)
`})
	rep, err := Check(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("errors: %v", rep.Errors)
	}
	if len(rep.Unbuildable) != 1 {
		t.Fatalf("unbuildable targets = %v, want one", rep.Unbuildable)
	}
	u := rep.Unbuildable[0]
	if u.Label != "examples//x:x-1.0" || u.File != "packages/linux/examples/x/BUCK" || u.Line != 3 {
		t.Errorf("unbuildable target %s at %s:%d, want examples//x:x-1.0 at packages/linux/examples/x/BUCK:3", u.Label, u.File, u.Line)
	}
	if len(u.Reasons) != 1 || !strings.Contains(u.Reasons[0], "exactly-one-of ( a b )") || !strings.Contains(u.Reasons[0], "already violate it: set USE for this package with package_use") {
		t.Errorf("reasons: %q", u.Reasons)
	}
	var text strings.Builder
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "cell examples (packages/linux/examples): 1 packages, 2 targets, 1 unbuildable targets") {
		t.Errorf("text report does not count the unbuildable target:\n%s", text.String())
	}
}

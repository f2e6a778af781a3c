package check

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeScaleWorkspace makes a workspace shaped like a generated tree: n
// packages in 4 cells, each BUCK loading the same .bzl files, with deps
// on the previous packages so analysis walks a deep graph.
func writeScaleWorkspace(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	cells := []string{"core", "dev-libs", "net", "sys"}
	var cfg strings.Builder
	cfg.WriteString("[cells]\nroot = .\n")
	for _, c := range cells {
		fmt.Fprintf(&cfg, "%s = packages/%s\n", c, c)
	}
	write(".buckconfig", cfg.String())
	write("defs/BUCK", "")
	write("defs/providers.bzl", `PkgInfo = provider(fields = ["image", "closure"])

def _img(value):
    return cmd_args("--image", value)

ImageSet = transitive_set(args_projections = {"img": _img})
`)
	write("defs/package.bzl", `load(":providers.bzl", "ImageSet", "PkgInfo")

def _impl(ctx):
    image = ctx.actions.declare_output("image", dir = True)
    closure = ctx.actions.tset(ImageSet, value = image, children = [d[PkgInfo].closure for d in ctx.attrs.deps])
    cmd = cmd_args("build", image.as_output(), closure.project_as_args("img"), ctx.attrs.flags)
    ctx.actions.run(cmd, category = "build")
    return [DefaultInfo(default_output = image), PkgInfo(image = image, closure = closure)]

package_rule = rule(impl = _impl, attrs = {
    "deps": attrs.list(attrs.dep(providers = [PkgInfo]), default = []),
    "flags": attrs.list(attrs.string(), default = []),
    "version": attrs.string(),
})

def package(name, versions, deps = []):
    for v in versions:
        package_rule(
            name = name + "-" + v,
            version = v,
            deps = deps,
            flags = ["--opt"] + select({"DEFAULT": []}),
            visibility = ["PUBLIC"],
        )
    native.alias(name = name, actual = ":" + name + "-" + versions[-1], visibility = ["PUBLIC"])
`)
	for i := 0; i < n; i++ {
		cell := cells[i%len(cells)]
		var deps []string
		for _, j := range []int{i - 1, i - 7, i - 31} {
			if j >= 0 {
				deps = append(deps, fmt.Sprintf("%q", fmt.Sprintf("%s//p%d:p%d", cells[j%len(cells)], j, j)))
			}
		}
		write(fmt.Sprintf("packages/%s/p%d/BUCK", cell, i), fmt.Sprintf(`load("@root//defs:package.bzl", "package")

package(name = "p%d", versions = ["1.0", "1.1"], deps = [%s])
`, i, strings.Join(deps, ", ")))
	}
	return dir
}

// TestScale checks a 600-package workspace: every target found, no error,
// and well under a few seconds.
func TestScale(t *testing.T) {
	const n = 600
	dir := writeScaleWorkspace(t, n)
	start := time.Now()
	rep, err := Check(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if !rep.OK() {
		t.Fatalf("errors: %v", rep.Errors[:min(5, len(rep.Errors))])
	}
	total := 0
	for _, c := range rep.Cells {
		total += c.Targets
	}
	if total != 3*n {
		t.Errorf("targets = %d, want %d", total, 3*n)
	}
	// Speed is measured by BenchmarkCheck600, not asserted here: a timed
	// assertion fails on a busy machine without telling anything.
	t.Logf("checked %d packages in %v", n, took)
}

func BenchmarkCheck600(b *testing.B) {
	dir := writeScaleWorkspace(b, 600)
	for b.Loop() {
		if _, err := Check(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
}

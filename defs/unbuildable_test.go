package defs_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestUnbuildableReasons checks that problems the generator found in an
// ebuild (unbuildable_reasons, e.g. a patch the repository lacks) make the
// version unbuildable, named after it, next to the macro's own findings.
func TestUnbuildableReasons(t *testing.T) {
	h := newHost(t)
	h.overrides["packages/registry_data.bzl"] = testRegistry
	mustEval(t, h, `
load("@root//defs:package_defs.bzl", "autotools_package")
autotools_package(name = "broken", package = "app-misc/x", version = "1",
    unbuildable_reasons = ["PATCHES names files/x.patch, which the repository's files/ does not have"])
autotools_package(name = "fine", package = "app-misc/y", version = "1")
`)
	got := h.callsByName("unbuildable")
	if diff := cmp.Diff([]any{"app-misc/x-1: PATCHES names files/x.patch, which the repository's files/ does not have"}, got["broken"]["unbuildable"]); diff != "" {
		t.Errorf("broken: unbuildable (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{}, got["fine"]["unbuildable"]); diff != "" {
		t.Errorf("fine: unbuildable (-want +got):\n%s", diff)
	}
}

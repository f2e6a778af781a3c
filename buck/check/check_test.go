package check

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFixtures checks each fixture workspace and compares the exact error
// messages, in report order.
func TestFixtures(t *testing.T) {
	tests := []struct {
		archive string
		want    []string
	}{
		{"good.txt", nil},
		{"cycle.txt", []string{
			"BUCK:3: dependency cycle: root//:a -> root//:b -> root//pkg:c -> root//:a",
		}},
		{"missing_dep.txt", []string{
			`BUCK:3: root//:a: attribute "deps": unresolved label root//:nope: target "nope" not found in package root// (it defines: a, b)`,
			`BUCK:5: root//:b: attribute "deps": unresolved label other//nowhere:x: package other//nowhere does not exist (no build file)`,
		}},
		{"bad_attr.txt", []string{
			`BUCK:3: root//:a (rule thing): unknown attribute "colour"`,
			`BUCK:5: root//:b (rule thing): attribute "count": expected a value of attrs.int(), got string "three"`,
			`BUCK:7: root//:c (rule thing): missing mandatory attribute "tag"`,
			`BUCK:9: root//:d (rule thing): attribute "tag": select branch "DEFAULT": expected a value of attrs.string(), got int 1`,
			`d1/BUCK:1: cannot load "//defs:baddefault.bzl": it has errors`,
			`d2/BUCK:1: cannot load "//defs:srcdefault.bzl": it has errors`,
			`defs/baddefault.bzl:1: attrs.list: default: item 0: expected a value of attrs.string(), got int 1`,
			"defs/srcdefault.bzl:1: attrs.source: default: expected a package: `run.sh` can only be specified in a build file (use a label)",
		}},
		{"fstring.txt", []string{
			`BUCK:1: cannot load "//defs:bad.bzl": it has errors`,
			`defs/bad.bzl:2: f-strings are not supported: go.starlark.net cannot parse them; use "...".format() or %`,
		}},
		{"annotation.txt", []string{
			`BUCK:1: cannot load "//defs:bad.bzl": it has errors`,
			`defs/bad.bzl:1: type annotation on "LIMIT" is not supported: go.starlark.net cannot parse annotations; remove it`,
			`defs/bad.bzl:3: return type annotation (->) is not supported: go.starlark.net cannot parse annotations; remove it`,
			`defs/bad.bzl:3: type annotation on a parameter is not supported: go.starlark.net cannot parse annotations; remove it`,
		}},
		{"while.txt", []string{
			`BUCK:1: cannot load "//defs:bad.bzl": it has errors`,
			"defs/bad.bzl:3: while loops are not allowed (Buck2: \"cannot use reserved keyword `while`\"; go.starlark.net rejects them too); use for over range()",
		}},
		{"buck_def.txt", []string{
			"BUCK:3: def is not allowed in a BUCK file (Buck2: \"`def` is not allowed in this dialect\"); define functions in a .bzl file and load() them",
			`BUCK:6: assignments are not allowed in a BUCK file: BuckOS BUCK files hold only load() and calls`,
			"BUCK:8: top-level if is not allowed in a BUCK file (Buck2: \"`if` cannot be used outside `def` in this dialect\"); move the logic into a .bzl macro",
		}},
		{"visibility.txt", []string{
			"BUCK:4: root//:a: attribute \"deps\": `root//pkg:private` is not visible to `root//:a` (its visibility: [] (private to its package))",
			"BUCK:6: root//:b: attribute \"deps\": target's `within_view` attribute does not allow dependency `root//pkg:public` (allowed: [\"root//lib/...\"])",
			"BUCK:8: root//:c: attribute \"deps\": `root//pkg:narrow` is not visible to `root//:c` (its visibility: [\"root//other/...\"])",
		}},
		{"unknown_cell.txt", []string{
			`BUCK:3: root//:a (rule thing): attribute "deps": item 0: label "nocell//pkg:x": unknown cell "nocell" (not in [cells] or [cell_aliases] of .buckconfig)`,
			`pkg/BUCK:1: cannot load "nocell//defs:rules.bzl": unknown cell "nocell" (not in [cells] or [cell_aliases] of .buckconfig)`,
		}},
		{"missing_symbol.txt", []string{
			`BUCK:1: "//defs:rules.bzl" does not define "other_thing" (symbols a module loads are not re-exported)`,
			`BUCK:2: "//defs:more.bzl" does not define "thing" (symbols a module loads are not re-exported)`,
			`BUCK:3: cannot load "_private" from "//defs:more.bzl": names starting with _ are private to their module`,
			`BUCK:4: cannot load "//defs:nope.bzl": file defs/nope.bzl does not exist`,
		}},
		{"analysis.txt", []string{
			"BUCK:3: analysis of root//:a (rule unbound): declared outputs not bound by any action: out.txt (Buck2: artifact must be bound by now; a run() output needs .as_output())",
			`BUCK:5: analysis of root//:b (rule no_default): implementation of no_default did not return DefaultInfo`,
			`BUCK:7: analysis of root//:c (rule no_outputs): ctx.actions.run: expected at least one output artifact, did not get any (mark what the action writes with artifact.as_output()) (at defs/bad.bzl:13)`,
			`BUCK:9: analysis of root//:d (rule recursive): recursion is not allowed (the Starlark spec forbids it and go.starlark.net rejects it): function _fact called recursively (at defs/bad.bzl:19)`,
			"BUCK:11: root//:e: attribute \"v\": none of 1 conditions matched configuration `<unbound>` and no default was set: //:on",
			"BUCK:17: analysis of root//:f (rule twice): ctx.actions.run: analysis produced multiple actions with category `cc` and at least one of them had no identifier; add an identifier to these actions to disambiguate them (at defs/bad.bzl:35)",
			"BUCK:19: analysis of root//:g (rule same_id): ctx.actions.run: action category `cc` contains duplicate identifier `x`; category-identifier pairs must be unique within a rule (at defs/bad.bzl:44)",
			"BUCK:21: analysis of root//:h (rule bad_category): ctx.actions.run: invalid category `cc_2x`: must be a snake_cased identifier of lowercase alphanumeric characters, each section beginning with a lowercase letter (at defs/bad.bzl:51)",
		}},
		{"dialect.txt", []string{
			"defs/dupfields.bzl:1: provider: non-unique field names: [`a`]",
			`defs/escape.bzl:1: syntax error: invalid escape sequence \d`,
			`defs/loop.bzl:2: top-level for is not allowed in a .bzl file (go.starlark.net rejects it); put it inside a function`,
			"defs/octal.bzl:1: syntax error: non-ASCII octal escape \\303 (use \\u00C3 for the UTF-8 encoding of U+00C3); Buck2 would read the escape as one code point, not a UTF-8 byte: write the text itself",
			`defs/ords.bzl:2: elem_ords() is a go.starlark.net string method that Buck2's Starlark does not have`,
			`defs/reassign.bzl:2: cannot reassign global X declared at defs/reassign.bzl:1:1`,
			`defs/set.bzl:2: set() is not allowed (go.starlark.net only has it behind an option); use a dict with True values`,
			"defs/unassigned.bzl:4: rule defined in `defs/unassigned.bzl` must be assigned to a variable, e.g. `my_rule = rule(...)`",
			`defs/undefined.bzl:2: undefined: dedupe (not a Buck2 builtin, or not modelled by ebuild2buck check)`,
			`dupfields/BUCK:1: cannot load "//defs:dupfields.bzl": it has errors`,
			`escape/BUCK:1: cannot load "//defs:escape.bzl": it has errors`,
			`loop/BUCK:1: cannot load "//defs:loop.bzl": it has errors`,
			`octal/BUCK:1: cannot load "//defs:octal.bzl": it has errors`,
			`ords/BUCK:1: cannot load "//defs:ords.bzl": it has errors`,
			`reassign/BUCK:1: cannot load "//defs:reassign.bzl": it has errors`,
			`set/BUCK:1: cannot load "//defs:set.bzl": it has errors`,
			`unassigned/BUCK:1: cannot load "//defs:unassigned.bzl": it has errors`,
			`undefined/BUCK:1: cannot load "//defs:undefined.bzl": it has errors`,
		}},
		{"misc.txt", []string{
			`BUCK:5: target "files" is already defined at BUCK:3`,
			`BUCK:7: analysis of root//:a (rule needs_info): attribute "dep": dependency root//:files does not provide Info, which the attribute requires`,
			`BUCK:9: root//:b (rule needs_info): attribute "fixed" is default_only and cannot be set`,
			`BUCK:11: root//:c (rule filegroup): attribute "visibility" cannot be a select()`,
			`BUCK:13: analysis of root//:d (rule takes_source): attribute "src": source root//:files must have exactly one default output, it has 2`,
			`BUCK:15: analysis of root//:e (rule takes_source): attribute "src": root//:gen has no sub-target "nope"`,
			`BUCK:19: root//:f (rule needs_info): attribute "_tool" is private (its name starts with _) and cannot be set`,
			"BUCK:27: root//:h: attribute \"tc\": target `root//:gen` was used as a toolchain_dep, but is not a toolchain rule",
			"BUCK:29: root//:i: attribute \"d\": target `root//:tc` was used not as a toolchain_dep, but is a toolchain rule",
			`BUCK:33: root//:l: attribute "d": unresolved label root//:zzz: target "zzz" not found in package root// (it defines: a, d, e, files, g, gen, h, i, k, l, tc, tc-alias)`,
			`cycle/BUCK:1: cannot load "//defs:a.bzl": it has errors`,
			`defs/a.bzl:1: cannot load ":b.bzl": it has errors`,
			`defs/b.bzl:1: cannot load ":a.bzl": load cycle: root//defs:a.bzl -> root//defs:b.bzl -> root//defs:a.bzl`,
			`macros/BUCK:3: root//macros:j: attribute "cmd": unresolved label root//macros:nope: target "nope" not found in package root//macros (it defines: gen, j)`,
		}},
		{"sources.txt", []string{
			"BUCK:7: root//:dir (rule files): attribute \"srcs\": item 0: expected file, but got a directory for path `tree` in package `root//` (Buck2 needs attrs.source(allow_directory = True))",
			"BUCK:9: root//:missing (rule files): attribute \"srcs\": item 0: source file `nope.txt` does not exist as a member of package `root//`",
			"BUCK:11: root//:sub (rule files): attribute \"srcs\": item 0: source file `sub/c.txt` does not exist as a member of package `root//`",
			`globs/BUCK:11: fail: glob(["*.txt"]): got ["a.txt"], want ["a.txt", "d/b.txt"] (raised at defs/rules.bzl:11)`,
		}},
		{"config.txt", []string{
			"cells/wrong/BUCK:3: fail: read_config: got unset, want root-flavor (raised at defs/expect.bzl:4)",
		}},
		{"actions.txt", []string{
			`BUCK:18: analysis of root//:a (rule write_artifact): ctx.actions.write: content holds artifacts, which needs allow_args = True (at defs/bad.bzl:7)`,
			`BUCK:20: analysis of root//:b (rule bind_twice): ctx.actions.write: output a is already bound by ctx.actions.write (at defs/bad.bzl:13)`,
			`BUCK:22: analysis of root//:c (rule declare_twice): ctx.actions.declare_output: output "a" is declared twice (at defs/bad.bzl:18)`,
			`BUCK:24: analysis of root//:d (rule bad_hash): ctx.actions.download_file: hash "abc" must be 64 hex digits (at defs/bad.bzl:22)`,
			`BUCK:26: analysis of root//:e (rule bad_item): cmd_args: expected a command line item (str, artifact, cmd_args, RunInfo), got int 1 (at defs/bad.bzl:26)`,
			"BUCK:28: analysis of root//:f (rule both_outputs): DefaultInfo: cannot specify both `default_output` and `default_outputs` (at defs/bad.bzl:31)",
			`BUCK:30: analysis of root//:g (rule unknown_field): Info: unknown field "z" (fields: x) (at defs/bad.bzl:34)`,
			`BUCK:32: analysis of root//:h (rule twice): implementation of twice returned Info twice`,
			`BUCK:34: analysis of root//:i (rule missing_provider): root//:j does not provide Other (at defs/bad.bzl:40)`,
			`BUCK:38: analysis of root//:k (rule tset_mix): ctx.actions.tset: children must be transitive sets of SetB, got transitive_set (at defs/bad.bzl:45)`,
			`BUCK:40: analysis of root//:l (rule copy_string): ctx.actions.copy_file: src must be an artifact, got string (at defs/bad.bzl:49)`,
			"BUCK:42: analysis of root//:m (rule nested): ctx.actions.declare_output: output path `out/file` conflicts with the output path `out` (at defs/bad.bzl:54)",
		}},
		{"select.txt", []string{
			"BUCK:21: root//:first-differs: attribute \"v\": first matching select key `:fast` has different value than most specific match `:fast-and-linux`",
			"BUCK:25: root//:ambiguous: attribute \"v\": both select keys `:fast` and `:linux` match the configuration, but neither is more specific and they have different values",
			"BUCK:27: root//:none: attribute \"v\": none of 1 conditions matched configuration `root//:fast-linux` and no default was set: :slow",
			"BUCK:31: root//:fake-key: attribute \"v\": select key root//:fake: ConstraintValueInfo.setting must be a ConstraintSettingInfo, got string",
			`BUCK:33: root//:missing-key: attribute "v": unresolved label root//:nope: target "nope" not found in package root// (it defines: ambiguous, fake, fake-key, fast, fast-and-linux, fast-linux, first-differs, linux, missing-key, none, os, own-platform, slow, slow-linux, specific, speed)`,
		}},
		{"compat.txt", []string{
			"BUCK:19: analysis of root//:linux-only (rule boom): fail: analysed linux-only (at defs/rules.bzl:2)",
		}},
		{"stopped.txt", []string{
			"BUCK:5: fail: this package is broken (raised at defs/rules.bzl:7)",
		}},
		{"not_modelled.txt", []string{
			`BUCK:3: analysis of root//:a (rule dyn): not modelled: ctx.actions.dynamic_output (at defs/bad.bzl:2)`,
			`cxx/BUCK:3: not modelled: native.cxx_library (a prelude rule or function the model does not provide) (raised at defs/cxx.bzl:2)`,
			`defs/query.bzl:1: not modelled: attrs.query`,
			`pkg/BUCK:1: cannot load "@prelude//:rules.bzl": not modelled: load of prelude//:rules.bzl: prelude is an external cell (bundled) whose files are not in the workspace`,
			`pkg/PACKAGE: not modelled: PACKAGE files (package() defaults such as visibility would change what check reports)`,
			`query/BUCK:1: cannot load "//defs:query.bzl": it has errors`,
		}},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.archive, ".txt"), func(t *testing.T) {
			rep, err := Check(context.Background(), writeFixture(t, tt.archive))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range rep.Errors {
				got = append(got, e.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if rep.OK() != (len(tt.want) == 0) {
				t.Errorf("OK() = %v with %d errors", rep.OK(), len(rep.Errors))
			}
		})
	}
}

// TestIncompatibleCount checks that skipped targets are counted per cell.
func TestIncompatibleCount(t *testing.T) {
	rep, err := Check(context.Background(), writeFixture(t, "compat.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []CellReport{{Name: "root", Path: ".", Packages: 1, Targets: 9, Incompatible: 3, Errors: 1}}
	if diff := cmp.Diff(want, rep.Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text.String(), "cell root (.): 1 packages, 9 targets (3 incompatible, skipped), 1 errors\n") {
		t.Errorf("text = %q", text.String())
	}
}

// TestDeterministic checks that two runs print the same JSON, errors
// included, although packages are evaluated in parallel.
func TestDeterministic(t *testing.T) {
	for _, archive := range []string{"misc.txt", "analysis.txt", "dialect.txt"} {
		dir := writeFixture(t, archive)
		var outs [2]bytes.Buffer
		for i := range outs {
			rep, err := Check(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := rep.WriteJSON(&outs[i]); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(outs[0].String(), outs[1].String()); diff != "" {
			t.Errorf("%s: runs differ (-first +second):\n%s", archive, diff)
		}
	}
}

// TestStoppedPackage checks that a package that failed to evaluate
// counts no targets.
func TestStoppedPackage(t *testing.T) {
	rep, err := Check(context.Background(), writeFixture(t, "stopped.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []CellReport{{Name: "root", Path: ".", Packages: 2, Targets: 1, Errors: 1}}
	if diff := cmp.Diff(want, rep.Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

// TestGoodReport checks the per-cell counts and both output formats.
func TestGoodReport(t *testing.T) {
	rep, err := Check(context.Background(), writeFixture(t, "good.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []CellReport{
		{Name: "lib", Path: "libs", Packages: 1, Targets: 2},
		{Name: "prelude", Path: "prelude", External: "bundled"},
		{Name: "root", Path: ".", Packages: 2, Targets: 10},
	}
	if diff := cmp.Diff(want, rep.Cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	wantText := "cell lib (libs): 1 packages, 2 targets\n" +
		"cell prelude (prelude, external: bundled): 0 packages, 0 targets\n" +
		"cell root (.): 2 packages, 10 targets\n" +
		"ok\n"
	if diff := cmp.Diff(wantText, text.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		OK     bool         `json:"ok"`
		Cells  []CellReport `json:"cells"`
		Errors []any        `json:"errors"`
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	if !decoded.OK || len(decoded.Errors) != 0 || len(decoded.Cells) != 3 {
		t.Errorf("json = %s", js.String())
	}
}

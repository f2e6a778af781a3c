package defs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
)

// host is a minimal Buck2-like host for evaluating defs/ in go.starlark.net: rule()
// returns a callable that records its keyword arguments, attrs.* and providers are
// inert, native.alias/filegroup are recorded, read_root_config answers from a map
// (read_config is absent on purpose: in Buck2 it reads the calling cell's config). It lets
// these tests observe exactly what the macros pass to the rules.
type host struct {
	root      string            // the repository root
	overrides map[string]string // "dir/file.bzl" -> source text (config, registry)
	config    map[string]string // "section.key" -> value
	calls     []call            // rule and native calls, in order
	modules   map[string]starlark.StringDict
}

type call struct {
	kind  string // rule name or "alias"/"filegroup"
	attrs map[string]starlark.Value
}

func newHost(t *testing.T) *host {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return &host{
		root:      root,
		overrides: map[string]string{},
		config:    map[string]string{},
		modules:   map[string]starlark.StringDict{},
	}
}

func (h *host) record(kind string, kwargs []starlark.Tuple) {
	m := map[string]starlark.Value{}
	for _, kv := range kwargs {
		m[string(kv[0].(starlark.String))] = kv[1]
	}
	h.calls = append(h.calls, call{kind: kind, attrs: m})
}

// anything is a value whose every attribute is a builtin accepting anything.
type anything string

func (a anything) String() string        { return string(a) }
func (a anything) Type() string          { return string(a) }
func (a anything) Freeze()               {}
func (a anything) Truth() starlark.Bool  { return true }
func (a anything) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }
func (a anything) AttrNames() []string   { return nil }
func (a anything) Attr(name string) (starlark.Value, error) {
	return starlark.NewBuiltin(string(a)+"."+name, func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
		return anything(name), nil
	}), nil
}

func (h *host) predeclared() starlark.StringDict {
	ruleFn := starlark.NewBuiltin("rule", func(_ *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		var doc string
		for _, kv := range kwargs {
			if kv[0].(starlark.String) == "doc" {
				doc = string(kv[1].(starlark.String))
			}
		}
		return &ruleValue{h: h, doc: doc}, nil
	})
	inert := func(name string) *starlark.Builtin {
		return starlark.NewBuiltin(name, func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
			return anything(name), nil
		})
	}
	native := starlarkstruct.FromStringDict(starlark.String("native"), starlark.StringDict{
		"alias": starlark.NewBuiltin("alias", func(_ *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			h.record("alias", kwargs)
			return starlark.None, nil
		}),
		"filegroup": starlark.NewBuiltin("filegroup", func(_ *starlark.Thread, _ *starlark.Builtin, _ starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			h.record("filegroup", kwargs)
			return starlark.None, nil
		}),
	})
	return starlark.StringDict{
		"struct":         starlark.NewBuiltin("struct", starlarkstruct.Make),
		"rule":           ruleFn,
		"attrs":          anything("attrs"),
		"provider":       inert("provider"),
		"transitive_set": inert("transitive_set"),
		"cmd_args":       inert("cmd_args"),
		"DefaultInfo":    inert("DefaultInfo"),
		"RunInfo":        inert("RunInfo"),
		"select": starlark.NewBuiltin("select", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("select takes one dict")
			}
			return starlarkstruct.FromStringDict(starlark.String("select"), starlark.StringDict{"select": args[0]}), nil
		}),
		"native": native,
		"read_root_config": starlark.NewBuiltin("read_root_config", func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var section, key string
			var def starlark.Value = starlark.None
			if err := starlark.UnpackArgs(b.Name(), args, kwargs, "section", &section, "key", &key, "default?", &def); err != nil {
				return nil, err
			}
			if v, ok := h.config[section+"."+key]; ok {
				return starlark.String(v), nil
			}
			return def, nil
		}),
	}
}

// ruleValue is a rule: calling it records the call under the rule's doc-derived kind.
type ruleValue struct {
	h   *host
	doc string
}

func (r *ruleValue) String() string        { return "<rule>" }
func (r *ruleValue) Type() string          { return "rule" }
func (r *ruleValue) Freeze()               {}
func (r *ruleValue) Truth() starlark.Bool  { return true }
func (r *ruleValue) Hash() (uint32, error) { return 0, fmt.Errorf("unhashable") }
func (r *ruleValue) Name() string          { return "rule" }
func (r *ruleValue) CallInternal(_ *starlark.Thread, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) > 0 {
		return nil, fmt.Errorf("rules take keyword arguments only")
	}
	r.h.record("rule", kwargs)
	return starlark.None, nil
}

// load resolves "@root//dir:file.bzl" (and "root//", "//") to the repository.
func (h *host) load(thread *starlark.Thread, module string) (starlark.StringDict, error) {
	m := strings.TrimPrefix(strings.TrimPrefix(module, "@"), "root")
	m = strings.TrimPrefix(m, "//")
	dir, file, ok := strings.Cut(m, ":")
	if !ok {
		return nil, fmt.Errorf("load %q: no ':'", module)
	}
	rel := filepath.ToSlash(filepath.Join(dir, file))
	if g, ok := h.modules[rel]; ok {
		return g, nil
	}
	src, ok := h.overrides[rel]
	if !ok {
		b, err := os.ReadFile(filepath.Join(h.root, rel))
		if err != nil {
			return nil, err
		}
		src = string(b)
	}
	g, err := starlark.ExecFileOptions(&syntax.FileOptions{}, &starlark.Thread{Name: rel, Load: h.load}, rel, src, h.predeclared())
	if err != nil {
		return nil, err
	}
	h.modules[rel] = g
	return g, nil
}

// eval runs code (a .bzl-like snippet with loads) and returns its globals.
func (h *host) eval(code string) (starlark.StringDict, error) {
	return starlark.ExecFileOptions(&syntax.FileOptions{}, &starlark.Thread{Name: "test", Load: h.load}, "test.bzl", code, h.predeclared())
}

func mustEval(t *testing.T, h *host, code string) starlark.StringDict {
	t.Helper()
	g, err := h.eval(code)
	if err != nil {
		if ee, ok := err.(*starlark.EvalError); ok {
			t.Fatalf("%s\n%s", ee.Backtrace(), code)
		}
		t.Fatalf("%v\n%s", err, code)
	}
	return g
}

func evalErr(t *testing.T, h *host, code string) string {
	t.Helper()
	_, err := h.eval(code)
	if err == nil {
		t.Fatalf("evaluation succeeded, want an error:\n%s", code)
	}
	return err.Error()
}

// toGo converts Starlark values to Go values for cmp.
func toGo(v starlark.Value) any {
	switch x := v.(type) {
	case starlark.NoneType:
		return nil
	case starlark.Bool:
		return bool(x)
	case starlark.Int:
		i, _ := x.Int64()
		return i
	case starlark.String:
		return string(x)
	case *starlark.List:
		out := []any{}
		for i := 0; i < x.Len(); i++ {
			out = append(out, toGo(x.Index(i)))
		}
		return out
	case starlark.Tuple:
		out := []any{}
		for _, e := range x {
			out = append(out, toGo(e))
		}
		return out
	case *starlarkstruct.Struct:
		out := map[string]any{}
		for _, name := range x.AttrNames() {
			f, _ := x.Attr(name)
			out[name] = toGo(f)
		}
		return out
	case *starlark.Dict:
		out := map[string]any{}
		for _, kv := range x.Items() {
			out[string(kv[0].(starlark.String))] = toGo(kv[1])
		}
		return out
	}
	return v.String()
}

func TestVersionOrder(t *testing.T) {
	ordered := []string{"1.0_alpha1", "1.0_beta", "1.0_pre", "1.0_rc1", "1.0", "1.0-r1", "1.0_p1", "1.0a", "1.0.1", "1.01", "1.1", "1.10", "2", "10"}
	h := newHost(t)
	g := mustEval(t, h, `
load("@root//defs/private:version.bzl", "version_compare")
def pairs(vs):
    return [(version_compare(vs[i], vs[i + 1]), version_compare(vs[i + 1], vs[i]), version_compare(vs[i], vs[i])) for i in range(len(vs) - 1)]
`)
	list := starlark.NewList(nil)
	for _, v := range ordered {
		list.Append(starlark.String(v))
	}
	res, err := starlark.Call(&starlark.Thread{}, g["pairs"], starlark.Tuple{list}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range toGo(res).([]any) {
		if diff := cmp.Diff([]any{int64(-1), int64(1), int64(0)}, p); diff != "" {
			t.Errorf("%s vs %s (-want +got):\n%s", ordered[i], ordered[i+1], diff)
		}
	}
	eq := mustEval(t, h, `
load("@root//defs/private:version.bzl", "version_compare", "sort_versions")
r = [version_compare("1.0", "1.0-r0"), version_compare("1.010", "1.01"), version_compare("1.0.0", "1.0")]
s = sort_versions(["1.2", "1.10", "1.9_rc1", "1.9"])
`)
	if diff := cmp.Diff([]any{int64(0), int64(0), int64(1)}, toGo(eq["r"])); diff != "" {
		t.Errorf("equalities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"1.10", "1.9", "1.9_rc1", "1.2"}, toGo(eq["s"])); diff != "" {
		t.Errorf("sort_versions newest first (-want +got):\n%s", diff)
	}
}

func TestVersionMatches(t *testing.T) {
	tests := []struct {
		constraint, version string
		want                bool
	}{
		{">=1.2", "1.2", true},
		{">=1.2", "1.1.9", false},
		{">1.2", "1.2", false},
		{"<=1.2", "1.2-r3", false},
		{"<1.2", "1.2_rc1", true},
		{"~>1.2", "1.9", true},
		{"~>1.2", "2.0", false},
		{"~>1.2.3", "1.2.9", true},
		{"~>1.2.3", "1.3", false},
		{"1.2.*", "1.2.7", true},
		{"1.2.*", "1.20", false},
		{"=1.2*", "1.20", true},
		{"~1.2", "1.2-r3", true},
		{"~1.2", "1.2.1", false},
		{">=3.10 <4.0", "3.12", true},
		{">=3.10 <4.0", "4.0", false},
		{"1.2.3", "1.2.3-r0", true},
		{"=1.2.3", "1.2.3-r1", false},
	}
	h := newHost(t)
	g := mustEval(t, h, `load("@root//defs/private:version.bzl", "version_matches")
m = version_matches`)
	for _, tc := range tests {
		got, err := starlark.Call(&starlark.Thread{}, g["m"], starlark.Tuple{starlark.String(tc.constraint), starlark.String(tc.version)}, nil)
		if err != nil {
			t.Errorf("version_matches(%q, %q): %v", tc.constraint, tc.version, err)
			continue
		}
		if bool(got.(starlark.Bool)) != tc.want {
			t.Errorf("version_matches(%q, %q) = %v, want %v", tc.constraint, tc.version, got, tc.want)
		}
	}
}

func TestRequiredUse(t *testing.T) {
	tests := []struct {
		name     string
		required string
		use      string
		want     []string // empty: satisfied
	}{
		{"exactly one satisfied", "^^ ( a b )", `["a"]`, nil},
		{"exactly one violated", "^^ ( a b )", `["a", "b"]`, []string{`app-misc/foo-1: REQUIRED_USE is not satisfied with USE="a b".`, "exactly-one-of ( a b )", "^^ ( a b )"}},
		{"any of violated", "|| ( a b )", `[]`, []string{"any-of ( a b )"}},
		{"at most one", "?? ( a b c )", `["b", "c"]`, []string{"at-most-one-of ( a b c )"}},
		{"conditional off is ignored", "c? ( a )", `["b"]`, nil},
		{"conditional on", "c? ( a )", `["c"]`, []string{"c? ( a )"}},
		{"negated leaf", "!a", `["a"]`, []string{"!a"}},
		{"nested group in inactive conditional", "c? ( ^^ ( a b ) )", `[]`, nil},
		{"empty group", "|| ( )", `[]`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t)
			code := fmt.Sprintf(`load("@root//defs/private:depspec.bzl", "check_required_use")
check_required_use("app-misc/foo-1", %q, %s, ["a", "b", "c"])`, tc.required, tc.use)
			if tc.want == nil {
				mustEval(t, h, code)
				return
			}
			msg := evalErr(t, h, code)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
		})
	}
	h := newHost(t)
	if msg := evalErr(t, h, `load("@root//defs/private:depspec.bzl", "check_required_use")
check_required_use("p-1", "zz? ( a )", [], ["a"])`); !strings.Contains(msg, `REQUIRED_USE names flag "zz" that is not in IUSE`) {
		t.Errorf("unknown flag: %s", msg)
	}
	if msg := evalErr(t, h, `load("@root//defs/private:depspec.bzl", "check_required_use")
check_required_use("p-1", "|| ( a", [], ["a"])`); !strings.Contains(msg, "unbalanced") {
		t.Errorf("malformed: %s", msg)
	}
}

func TestEffectiveUse(t *testing.T) {
	h := newHost(t)
	h.overrides["config/use.bzl"] = `USE = ["-def", "glob", "notiniuse"]`
	h.overrides["config/package_use.bzl"] = `PACKAGE_USE = {"cat/pkg": ["pkg", "-cfg"], "cat/other": ["-*"]}`
	h.config["buckos.use"] = "cfg  -glob2"
	g := mustEval(t, h, `
load("@root//defs/private:use.bzl", "effective_use")
IUSE = ["+def", "+glob2", "glob", "cfg", "pkg", "own", "+keep"]
a = effective_use("cat/pkg", IUSE)
b = effective_use("cat/other", IUSE)
c = effective_use("cat/third", IUSE, ["own", "-keep"])
`)
	for _, tc := range []struct {
		name string
		want []any
	}{
		{"a", []any{"glob", "keep", "pkg"}}, // cfg on by buckos.use, off by package.use
		{"b", []any{}},                      // -* in package.use
		{"c", []any{"cfg", "glob", "own"}},  // the macro's own use last
	} {
		if diff := cmp.Diff(tc.want, toGo(g[tc.name])); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if msg := evalErr(t, h, `load("@root//defs/private:use.bzl", "effective_use")
effective_use("cat/pkg", ["a"], ["b"])`); !strings.Contains(msg, `names flag "b" that is not in IUSE`) {
		t.Errorf("unknown own flag: %s", msg)
	}
}

const testRegistry = `REGISTRY = {
    "dev-libs//openssl": {"package": "dev-libs/openssl", "default": "3.2.0", "versions": {
        "3.2.0": {"slot": "0", "subslot": "3", "status": "stable"},
        "3.3.0": {"slot": "0", "subslot": "3", "status": "testing"},
        "3.4.0": {"slot": "0", "subslot": "3", "status": "masked"},
        "1.1.1w": {"slot": "1.1", "status": "stable"},
    }},
    "core//zlib": {"package": "sys-libs/zlib", "default": "1.3.1", "versions": {"1.3.1": {"slot": "0", "status": "stable"}}},
}`

func TestResolveDeps(t *testing.T) {
	h := newHost(t)
	h.overrides["packages/registry_data.bzl"] = testRegistry
	g := mustEval(t, h, `
load("@root//defs/private:deps.bzl", "any_of", "blocker", "resolve_deps", "slot_op", "use_if", "use_req")
r = resolve_deps([
    "core//zlib:zlib",
    use_if("ssl", [use_req("dev-libs//openssl:0", ["ssl", "bin?", "!static?", "foo=", "!bar=", "x(+)"])], ["core//nossl:nossl"]),
    use_if("!ssl", ["core//never:never"]),
    any_of(["core//missing:missing", ["dev-libs//openssl:1.1", "core//zlib:zlib"]]),
    slot_op("core//zlib:zlib", "="),
    blocker("core//old:old", strong = True),
    [["core//nested:nested"]],
], ["ssl", "foo"], ["ssl", "bin", "static", "foo", "bar"], "test")
labels = r.labels
reqs = r.use_reqs
blockers = r.blockers
slot_ops = r.slot_ops
`)
	if diff := cmp.Diff([]any{"core//zlib:zlib", "dev-libs//openssl:0", "dev-libs//openssl:1.1", "core//nested:nested"}, toGo(g["labels"])); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	// bin? is off here -> nothing; !static? with static off -> -static; foo= -> foo; !bar= -> bar.
	if diff := cmp.Diff([]any{[]any{"dev-libs//openssl:0", []any{"ssl", "-static", "foo", "bar", "x(+)"}}}, toGo(g["reqs"])); diff != "" {
		t.Errorf("use_reqs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{[]any{"core//old:old", true}}, toGo(g["blockers"])); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{[]any{"core//zlib:zlib", "="}}, toGo(g["slot_ops"])); diff != "" {
		t.Errorf("slot_ops (-want +got):\n%s", diff)
	}
	if msg := evalErr(t, h, `load("@root//defs/private:deps.bzl", "resolve_deps", "use_if")
resolve_deps([use_if("nope", ["a//b:c"])], [], ["ssl"], "pkg")`); !strings.Contains(msg, `use_if("nope") names a flag that is not in IUSE`) {
		t.Errorf("unknown use_if flag: %s", msg)
	}
}

func TestChecksums(t *testing.T) {
	tests := []struct {
		algo, value, want string
	}{
		{"sha256", strings.Repeat("a", 63), "malformed sha256 checksum: 63 characters, SHA256 wants 64 hex characters"},
		{"sha512", strings.Repeat("a", 64), "malformed sha512 checksum: 64 characters, SHA512 wants 128 hex characters"},
		{"blake2b", strings.Repeat("g", 128), `malformed blake2b checksum: "g" is not a hex digit`},
	}
	for _, tc := range tests {
		h := newHost(t)
		msg := evalErr(t, h, fmt.Sprintf(`load("@root//defs/private:checksum.bzl", "check_checksum")
check_checksum("download_source(name = \"x\")", %q, %q)`, tc.algo, tc.value))
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s %d chars: error %q lacks %q", tc.algo, len(tc.value), msg, tc.want)
		}
	}
	h := newHost(t)
	g := mustEval(t, h, `load("@root//defs/private:checksum.bzl", "check_checksum")
ok = check_checksum("x", "sha256", "`+strings.Repeat("AB", 32)+`")`)
	if got := toGo(g["ok"]); got != strings.Repeat("ab", 32) {
		t.Errorf("valid checksum = %v, want it lower-cased", got)
	}
}

// calls returns the recorded calls as {name: attrs} for the given attribute names.
func (h *host) callsByName(keys ...string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, c := range h.calls {
		name := string(c.attrs["name"].(starlark.String))
		m := map[string]any{"kind": c.kind}
		for _, k := range keys {
			if v, ok := c.attrs[k]; ok {
				m[k] = toGo(v)
			}
		}
		out[name] = m
	}
	return out
}

func TestPackageMacro(t *testing.T) {
	h := newHost(t)
	h.overrides["packages/registry_data.bzl"] = testRegistry
	h.overrides["config/package_use.bzl"] = `PACKAGE_USE = {"net-misc/curl": ["-http2"]}`
	h.config["buckos.distdir"] = "/var/cache/distfiles"
	mustEval(t, h, `
load("@root//defs:package_defs.bzl", "autotools_package", "cmake_package")
load("@root//defs:use_flags.bzl", "any_of", "blocker", "use_if", "use_req")
load("@root//defs:versions.bzl", "version_dep")

autotools_package(
    name = "curl-8.5.0",
    package = "net-misc/curl",
    version = "8.5.0",
    iuse = ["+ssl", "+http2", "zstd"],
    required_use = "|| ( ssl zstd )",
    src_uri = "https://curl.se/download/curl-8.5.0.tar.xz",
    sha512 = "`+strings.Repeat("1", 128)+`",
    depend = [
        use_if("ssl", [use_req(version_dep("dev-libs//openssl", ">=3.0"), ["-bindist"])]),
        use_if("http2", ["network//nghttp2:nghttp2"]),
        blocker("dev-libs//openssl"),
    ],
    bdepend = [any_of(["core//missing:missing", "core//zlib:zlib"])],
    configure_args = [use_if("ssl", ["--with-ssl"], ["--without-ssl"]), use_if("zstd", ["--with-zstd"])],
    patches = ["files/curl-fix.patch", use_if("zstd", ["files/zstd.patch"])],
    labels = ["platform:linux"],
)

cmake_package(
    name = "foo",
    package = "app-misc/foo",
    version = "1.0",
    iuse = ["gui"],
    source = ":foo-src",
    use_options = {"gui": "-DGUI=ON", "-gui": "-DGUI=OFF"},
)
`)
	got := h.callsByName("use", "depend", "bdepend", "use_reqs", "blockers", "configure_args", "patches", "files", "srcs", "filename", "distdir", "sha512", "cmake_args", "build_system")
	want := map[string]map[string]any{
		"curl-8.5.0-src": {
			"kind": "rule", "filename": "curl-8.5.0.tar.xz", "distdir": "/var/cache/distfiles", "sha512": strings.Repeat("1", 128),
		},
		"curl-8.5.0": {
			"kind":   "rule",
			"use":    []any{"ssl"}, // http2 off by package.use
			"depend": []any{"dev-libs//openssl:openssl-3.2.0"},
			"bdepend": map[string]any{"select": map[string]any{
				"root//platforms:toolchain-bootstrap": []any{"core//zlib:zlib"},
				"root//platforms:toolchain-host":      []any{"core//zlib:zlib"},
				"DEFAULT":                             []any{},
			}},
			"use_reqs":       []any{[]any{"dev-libs//openssl:openssl-3.2.0", []any{"-bindist"}}},
			"blockers":       []any{"dev-libs/openssl"},
			"configure_args": []any{"--with-ssl"},
			"patches":        []any{"files/curl-fix.patch"},
			"files":          []any{[]any{"curl-fix.patch", "files/curl-fix.patch"}},
			"srcs":           []any{":curl-8.5.0-src"},
		},
		"foo": {
			"kind": "rule", "use": []any{}, "depend": []any{}, "bdepend": []any{}, "use_reqs": []any{}, "blockers": []any{},
			"configure_args": []any{}, "patches": []any{}, "files": []any{}, "srcs": []any{":foo-src"},
			"cmake_args": []any{"-DGUI=OFF"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rule calls (-want +got):\n%s", diff)
	}
	// Labels: the caller's platform label is not duplicated; USE and metadata are queryable.
	for _, c := range h.calls {
		if c.attrs["name"].(starlark.String) != "curl-8.5.0" {
			continue
		}
		var labels []string
		for _, l := range toGo(c.attrs["labels"]).([]any) {
			labels = append(labels, l.(string))
		}
		sort.Strings(labels)
		wantLabels := []string{"buckos:build:autotools", "buckos:eapi:8", "buckos:iuse:http2", "buckos:iuse:ssl", "buckos:iuse:zstd", "buckos:package:net-misc/curl", "buckos:slot:0", "buckos:use:ssl", "buckos:version:8.5.0", "platform:linux"}
		if diff := cmp.Diff(wantLabels, labels); diff != "" {
			t.Errorf("labels (-want +got):\n%s", diff)
		}
	}
}

func TestPackageMacroErrors(t *testing.T) {
	tests := []struct {
		name, code, want string
	}{
		{"unknown argument", `autotools_package(name = "a", version = "1", src_prepar = "x")`, "src_prepar"},
		{"build-system attribute on the wrong macro", `autotools_package(name = "a", version = "1", cmake_args = [])`, "cmake_args is not an attribute of autotools packages"},
		{"unsupported EAPI", `autotools_package(name = "a", version = "1", eapi = "5")`, `EAPI "5" is not supported`},
		{"REQUIRED_USE with a flag outside IUSE", `autotools_package(name = "a", package = "x/a", version = "1", iuse = ["+a"], required_use = "^^ ( a zz )")`, `REQUIRED_USE names flag "zz" that is not in IUSE`},
		{"checksum length", `download_source(name = "a.tar.gz", src_uri = "https://x/a.tar.gz", sha256 = "abc")`, "malformed sha256 checksum: 3 characters"},
		{"no checksum", `download_source(name = "a.tar.gz", src_uri = "https://x/a.tar.gz")`, "give at least one checksum"},
		{"version_dep_label no match", `version_dep_label("dev-libs//openssl", ">=9")`, "no non-masked version matches"},
		{"meta with sources", `meta_package(name = "a", version = "1", srcs = ["x"])`, "meta_package builds nothing, but srcs given"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t)
			h.overrides["packages/registry_data.bzl"] = testRegistry
			msg := evalErr(t, h, `load("@root//defs:package_defs.bzl", "autotools_package", "download_source", "meta_package")
load("@root//defs:versions.bzl", "version_dep_label")
`+tc.code)
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error lacks %q:\n%s", tc.want, msg)
			}
		})
	}
}

func TestVersionsAndRegistry(t *testing.T) {
	h := newHost(t)
	h.overrides["packages/registry_data.bzl"] = testRegistry
	g := mustEval(t, h, `
load("@root//defs:registry.bzl", "get_default_version", "get_stable_versions")
load("@root//defs:versions.bzl", "multi_version_package", "version_dep_label")
deps = [
    version_dep_label("dev-libs//openssl", ">=3.0"),
    version_dep_label("dev-libs//openssl", ">=1.0", slot = "1.1"),
    version_dep_label("dev-libs//openssl", ">3.2.0"),
    version_dep_label("network//unknown", ">=1"),
]
default = get_default_version("dev-libs/openssl")
stable = get_stable_versions("dev-libs//openssl")
multi_version_package(
    name = "openssl",
    versions = {
        "3.2.0": {"slot": "3", "keywords": ["stable"], "src_uri": "https://x/openssl-3.2.0.tar.gz", "sha256": "`+strings.Repeat("a", 64)+`", "configure_args": ["--prefix=/usr"]},
        "3.3.0": {"slot": "3", "keywords": ["testing"], "src_uri": "https://x/openssl-3.3.0.tar.gz", "sha256": "`+strings.Repeat("b", 64)+`"},
        "1.1.1w": {"slot": "1.1", "keywords": ["stable"], "src_uri": "https://x/openssl-1.1.1w.tar.gz", "sha256": "`+strings.Repeat("c", 64)+`"},
        "1.0.2u": {"slot": "1.0", "keywords": ["masked"], "src_uri": "https://x/openssl-1.0.2u.tar.gz", "sha256": "`+strings.Repeat("d", 64)+`"},
    },
)
`)
	// Stable first (3.2.0 over the newer testing 3.3.0); testing when only it matches.
	if diff := cmp.Diff([]any{"dev-libs//openssl:openssl-3.2.0", "dev-libs//openssl:openssl-1.1.1w", "dev-libs//openssl:openssl-3.3.0", "network//unknown:unknown"}, toGo(g["deps"])); diff != "" {
		t.Errorf("version_dep (-want +got):\n%s", diff)
	}
	if got := toGo(g["default"]); got != "3.2.0" {
		t.Errorf("get_default_version = %v", got)
	}
	if diff := cmp.Diff([]any{"3.2.0", "1.1.1w"}, toGo(g["stable"])); diff != "" {
		t.Errorf("get_stable_versions (-want +got):\n%s", diff)
	}
	aliases := map[string]string{}
	var built []string
	for _, c := range h.calls {
		name := string(c.attrs["name"].(starlark.String))
		if c.kind == "alias" {
			aliases[name] = string(c.attrs["actual"].(starlark.String))
		} else if _, ok := c.attrs["build_system"]; !ok && c.attrs["filename"] == nil {
			built = append(built, name)
		}
	}
	// Default: newest stable; slot aliases by slot name; masked 1.0 gets none.
	if diff := cmp.Diff(map[string]string{"openssl": ":openssl-3.2.0", "3": ":openssl-3.2.0", "1.1": ":openssl-1.1.1w"}, aliases); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	sort.Strings(built)
	if diff := cmp.Diff([]string{"openssl-1.0.2u", "openssl-1.1.1w", "openssl-3.2.0", "openssl-3.3.0"}, built); diff != "" {
		t.Errorf("version targets (-want +got):\n%s", diff)
	}
}

// TestVersionDepDeferred: a version_dep nothing matches fails only the package that
// selects it (an errors attribute the rule fails on at analysis), never loading, and one
// inside a disabled use_if is never looked at.
func TestVersionDepDeferred(t *testing.T) {
	h := newHost(t)
	h.overrides["packages/registry_data.bzl"] = testRegistry
	mustEval(t, h, `
load("@root//defs:package_defs.bzl", "meta_package")
load("@root//defs:use_flags.bzl", "use_if", "use_req")
load("@root//defs:versions.bzl", "version_dep")
meta_package(name = "selected", package = "virtual/a", version = "1", iuse = ["x"],
    rdepend = [use_req(version_dep("dev-libs//openssl", ">=9"), ["ssl"]), version_dep("core//zlib", ">=1.3")])
meta_package(name = "unselected", package = "virtual/b", version = "1", iuse = ["x"],
    rdepend = [use_if("x", [version_dep("dev-libs//openssl", ">=9")])])
meta_package(name = "implicit", package = "virtual/c", version = "1",
    rdepend = [use_if("kernel_linux", ["core//zlib:zlib"]), use_if("elibc_musl", ["core//musl:musl"]), use_if("!prefix-guest", ["core//libc:libc"])])
`)
	got := h.callsByName("unbuildable", "rdepend", "use_implicit")
	sel := got["selected"]
	errs, _ := sel["unbuildable"].([]any)
	if len(errs) != 1 || !strings.Contains(errs[0].(string), `version_dep("dev-libs//openssl", ">=9"): no non-masked version matches`) {
		t.Errorf("selected: unbuildable = %v", sel["unbuildable"])
	}
	if diff := cmp.Diff([]any{"core//zlib:zlib-1.3.1"}, sel["rdepend"]); diff != "" {
		t.Errorf("selected rdepend (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"kind": "rule", "unbuildable": []any{}, "rdepend": []any{}, "use_implicit": []any{"abi_x86_64", "amd64", "elibc_glibc", "kernel_linux"}}, got["unselected"]); diff != "" {
		t.Errorf("unselected (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{"core//zlib:zlib", "core//libc:libc"}, got["implicit"]["rdepend"]); diff != "" {
		t.Errorf("implicit IUSE conditionals (-want +got):\n%s", diff)
	}
}

func TestMultiVersionGenerated(t *testing.T) {
	h := newHost(t)
	mustEval(t, h, `
load("@root//defs:versions.bzl", "multi_version_package")
multi_version_package(
    name = "zlib",
    versions = {
        "1.3.1-r1": {"slot": "0", "subslot": "1", "status": "stable", "target": ":zlib-1.3.1-r1"},
        "1.3.2": {"slot": "0", "subslot": "1", "status": "testing", "target": ":zlib-1.3.2"},
    },
    default_version = "1.3.1-r1",
)
multi_version_package(
    name = "live",
    versions = {"9999": {"slot": "0", "status": "masked", "masked": True, "target": ":live-9999"}},
)
`)
	got := map[string]string{}
	for _, c := range h.calls {
		got[string(c.attrs["name"].(starlark.String))] = string(c.attrs["actual"].(starlark.String))
	}
	// Only the default alias: slot aliases of the generated form are written by sync, and
	// a package with no eligible version gets no default alias.
	if diff := cmp.Diff(map[string]string{"zlib": ":zlib-1.3.1-r1"}, got); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	if msg := evalErr(t, newHost(t), `load("@root//defs:versions.bzl", "multi_version_package")
multi_version_package(name = "x", versions = {"1": {"status": "bogus", "target": ":x-1"}})`); !strings.Contains(msg, `status "bogus" is not one of`) {
		t.Errorf("bad status: %s", msg)
	}
}

func TestUserPatchesAndRunTests(t *testing.T) {
	h := newHost(t)
	h.overrides["config/user_patches.bzl"] = `USER_PATCHES = {"app-misc/a": ["root//config:a-fix.patch"]}`
	h.config["buckos.run_tests"] = "true"
	mustEval(t, h, `
load("@root//defs:package_defs.bzl", "autotools_package")
autotools_package(name = "a-1", package = "app-misc/a", version = "1")
autotools_package(name = "b-1", package = "app-misc/b", version = "1", run_tests = False)
`)
	got := h.callsByName("user_patches", "run_tests")
	want := map[string]map[string]any{
		"a-1": {"kind": "rule", "user_patches": []any{"root//config:a-fix.patch"}, "run_tests": true},
		"b-1": {"kind": "rule", "user_patches": []any{}, "run_tests": false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// testBlockers are blocker atoms of every form, for rdepend and depend lists.
const testBlockers = `        blocker("<dev-libs/openssl-3.3"),
        blocker("dev-libs/openssl:1.1", strong = True),
        blocker("sys-apps/unknown"),
        blocker(">=sys-apps/unknown-2"),
        blocker("=sys-libs/zlib-1.3*[static-libs]"),
        blocker("core//zlib:zlib"),
`

// TestUnresolvedAndBlockers covers the generator's unresolved(ATOM, REASON) items and
// blocker atoms (docs/EMIT.md).
func TestUnresolvedAndBlockers(t *testing.T) {
	h := newHost(t)
	h.overrides["packages/registry_data.bzl"] = testRegistry
	mustEval(t, h, `
load("@root//defs:package_defs.bzl", "meta_package")
load("@root//defs:use_flags.bzl", "any_of", "blocker", "unresolved", "use_if")
meta_package(name = "selected", package = "virtual/a", version = "1",
    rdepend = [unresolved(">=dev-python/snakeoil-0.12", "no version satisfies it")])
meta_package(name = "unselected", package = "virtual/b", version = "1", iuse = ["+x"],
    rdepend = [use_if("!x", [unresolved("app-misc/getopt", "package is not in any repository in play")])])
meta_package(name = "post", package = "virtual/e", version = "1",
    pdepend = [unresolved("app-alternatives/bzip2", "package is not in any repository in play")])
meta_package(name = "alternative", package = "virtual/c", version = "1",
    rdepend = [any_of([unresolved("app-alternatives/gpg", "not here"), "core//zlib:zlib"])])
meta_package(name = "blocks", package = "virtual/d", version = "1",
    rdepend = [
`+testBlockers+`    ])
`)
	got := h.callsByName("unbuildable", "rdepend")
	if errs := got["selected"]["unbuildable"].([]any); len(errs) != 1 || !strings.Contains(errs[0].(string), "unresolved dependency >=dev-python/snakeoil-0.12: no version satisfies it") {
		t.Errorf("selected: errors = %v", errs)
	}
	if diff := cmp.Diff([]any{}, got["unselected"]["unbuildable"]); diff != "" {
		t.Errorf("unselected errors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{}, got["post"]["unbuildable"]); diff != "" {
		t.Errorf("an unresolved PDEPEND must not fail the build (-want +got):\n%s", diff)
	}
	post := fmt.Sprint(h.callsByName("labels")["post"]["labels"])
	if !strings.Contains(post, "buckos:unresolved-post:unresolved dependency app-alternatives/bzip2: package is not in any repository in play") {
		t.Errorf("the unresolved PDEPEND is not recorded in labels: %s", post)
	}
	if diff := cmp.Diff(map[string]any{"kind": "rule", "unbuildable": []any{}, "rdepend": []any{"core//zlib:zlib"}}, got["alternative"]); diff != "" {
		t.Errorf("any_of skips the unresolved alternative (-want +got):\n%s", diff)
	}
	// meta_package has no blockers attribute: check through an autotools package.
	h2 := newHost(t)
	h2.overrides["packages/registry_data.bzl"] = testRegistry
	mustEval(t, h2, `
load("@root//defs:package_defs.bzl", "autotools_package")
load("@root//defs:use_flags.bzl", "blocker")
autotools_package(name = "b", package = "app-misc/b", version = "1",
    depend = [
`+testBlockers+`    ])
`)
	want := []any{"dev-libs/openssl-1.1.1w", "dev-libs/openssl-3.2.0", "sys-apps/unknown", "sys-libs/zlib", "sys-libs/zlib-1.3.1"}
	if diff := cmp.Diff(want, h2.callsByName("blockers")["b"]["blockers"]); diff != "" {
		t.Errorf("blockers (-want +got):\n%s", diff)
	}
}

// TestRequiredUseDefaultsAndSettings: REQUIRED_USE is evaluated with the defaults and
// with the effective USE. Broken by the user's settings: loading fails. Already broken
// by the defaults: the version loads and is unbuildable; its siblings are unaffected.
func TestRequiredUseDefaultsAndSettings(t *testing.T) {
	h := newHost(t)
	mustEval(t, h, `
load("@root//defs:package_defs.bzl", "autotools_package")
autotools_package(name = "x-1", package = "app-misc/x", version = "1", iuse = ["+a", "+b"], required_use = "^^ ( a b )")
autotools_package(name = "x-2", package = "app-misc/x", version = "2", iuse = ["+a", "b"], required_use = "^^ ( a b )")
`)
	got := h.callsByName("unbuildable")
	bad, _ := got["x-1"]["unbuildable"].([]any)
	if len(bad) != 1 {
		t.Fatalf("x-1: unbuildable = %v", got["x-1"]["unbuildable"])
	}
	for _, w := range []string{`app-misc/x-1: REQUIRED_USE is not satisfied with USE="a b".`, "exactly-one-of ( a b )", "^^ ( a b )", "already violate it: set USE for this package with package_use"} {
		if !strings.Contains(bad[0].(string), w) {
			t.Errorf("message lacks %q:\n%s", w, bad[0])
		}
	}
	if diff := cmp.Diff([]any{}, got["x-2"]["unbuildable"]); diff != "" {
		t.Errorf("x-2 (-want +got):\n%s", diff)
	}

	for name, setup := range map[string]func(*host) string{
		"own use": func(*host) string { return `use = ["b"]` },
		"package.use": func(h *host) string {
			h.overrides["config/package_use.bzl"] = `PACKAGE_USE = {"app-misc/x": ["b"]}`
			return ``
		},
		"buckos.use": func(h *host) string { h.config["buckos.use"] = "b"; return `` },
	} {
		h := newHost(t)
		extra := setup(h)
		if extra != "" {
			extra = ", " + extra
		}
		msg := evalErr(t, h, `load("@root//defs:package_defs.bzl", "autotools_package")
autotools_package(name = "x-3", package = "app-misc/x", version = "3", iuse = ["+a", "b"], required_use = "^^ ( a b )"`+extra+`)`)
		for _, w := range []string{`app-misc/x-3: REQUIRED_USE is not satisfied with USE="a b".`, "exactly-one-of ( a b )", "The defaults (IUSE and the profile) satisfy it: your USE settings"} {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error lacks %q:\n%s", name, w, msg)
			}
		}
	}
}

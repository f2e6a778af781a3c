package merge

import (
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"
	"github.com/google/go-cmp/cmp"
)

func parse(t *testing.T, src string) *build.File {
	t.Helper()
	f, err := build.ParseBuild("BUCK", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func print(f *build.File) string { return string(build.FormatWithoutRewriting(f)) }

func TestMerge(t *testing.T) {
	gen := `load("@root//defs:package_defs.bzl", "autotools_package")

autotools_package(
    name = "zlib-1.3.1",
    configure_args = ["--shared"],
    slot = "0",
)
`
	tests := []struct {
		name, old, want string
	}{
		{
			name: "no old file",
			old:  "",
			want: gen,
		},
		{
			name: "unmarked hand edit is replaced",
			old: `autotools_package(
    name = "zlib-1.3.1",
    configure_args = ["--static"],
    slot = "9",
)
`,
			want: gen,
		},
		{
			name: "kept rule survives as written",
			old: `# keep
autotools_package(
    name = "zlib-1.3.1",
    slot = "9",
)
`,
			want: `load("@root//defs:package_defs.bzl", "autotools_package")

# keep
autotools_package(
    name = "zlib-1.3.1",
    slot = "9",
)
`,
		},
		{
			name: "suffix keep on a rule",
			old: `autotools_package(
    name = "zlib-1.3.1",
    slot = "9",
)  # keep
`,
			want: `load("@root//defs:package_defs.bzl", "autotools_package")

autotools_package(
    name = "zlib-1.3.1",
    slot = "9",
)  # keep
`,
		},
		{
			name: "kept attribute",
			old: `autotools_package(
    name = "zlib-1.3.1",
    configure_args = ["--shared"],
    slot = "9",  # keep
)
`,
			want: `load("@root//defs:package_defs.bzl", "autotools_package")

autotools_package(
    name = "zlib-1.3.1",
    configure_args = ["--shared"],
    slot = "9",  # keep
)
`,
		},
		{
			name: "kept attribute the generator does not produce",
			old: `autotools_package(
    name = "zlib-1.3.1",
    # keep: upstream needs it
    env = {"CC": "clang"},
)
`,
			want: `load("@root//defs:package_defs.bzl", "autotools_package")

autotools_package(
    name = "zlib-1.3.1",
    configure_args = ["--shared"],
    slot = "0",
    # keep: upstream needs it
    env = {"CC": "clang"},
)
`,
		},
		{
			name: "kept list elements",
			old: `autotools_package(
    name = "zlib-1.3.1",
    configure_args = [
        "--shared",  # keep
        "--with-foo",  # keep
        "--dropped",
    ],
)
`,
			want: `load("@root//defs:package_defs.bzl", "autotools_package")

autotools_package(
    name = "zlib-1.3.1",
    configure_args = [
        "--shared",  # keep
        "--with-foo",  # keep
    ],
    slot = "0",
)
`,
		},
		{
			name: "kept hand-written rule and its load",
			old: `load("@root//defs:extra.bzl", "my_rule", "unused")

autotools_package(
    name = "zlib-1.3.1",
)

my_rule(name = "extra")  # keep

genrule(name = "dropped")

# keep
register_things()
`,
			want: `load("@root//defs:package_defs.bzl", "autotools_package")
load("@root//defs:extra.bzl", "my_rule")

autotools_package(
    name = "zlib-1.3.1",
    configure_args = ["--shared"],
    slot = "0",
)

my_rule(name = "extra")  # keep

# keep
register_things()
`,
		},
		{
			name: "kept rule of another kind replaces the generated one",
			old: `# keep
ebuild_package(
    name = "zlib-1.3.1",
)
`,
			want: `load("@root//defs:package_defs.bzl", "autotools_package")

# keep
ebuild_package(
    name = "zlib-1.3.1",
)
`,
		},
		{
			name: "kept attribute survives a change of kind",
			old: `ebuild_package(
    name = "zlib-1.3.1",
    slot = "7",  # keep
)
`,
			want: `load("@root//defs:package_defs.bzl", "autotools_package")

autotools_package(
    name = "zlib-1.3.1",
    configure_args = ["--shared"],
    slot = "7",  # keep
)
`,
		},
		{
			name: "old version that left the repository is dropped",
			old: `autotools_package(
    name = "zlib-1.2.0",
    slot = "0",
)
`,
			want: gen,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var old *build.File
			if tc.old != "" {
				old = parse(t, tc.old)
			}
			got := print(Merge(old, parse(t, gen)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Merge mismatch (-want +got):\n%s", diff)
			}
			// Merging the result again changes nothing (a re-sync is stable).
			if again := print(Merge(parse(t, got), parse(t, gen))); again != got {
				t.Errorf("second merge differs:\n%s", cmp.Diff(got, again))
			}
		})
	}
}

func TestIsKeep(t *testing.T) {
	for tok, want := range map[string]bool{
		"# keep": true, "#keep": true, "# keep: reason": true, "# keep because": true,
		"# keeper": false, "# do not keep": false, "#": false,
	} {
		if got := isKeep(tok); got != want {
			t.Errorf("isKeep(%q) = %v, want %v", tok, got, want)
		}
	}
}

func TestFixups(t *testing.T) {
	gen := `download_source(
    name = "zlib-1.3.1.tar.xz",
)

autotools_package(
    name = "zlib-1.3.1",
    package = "sys-libs/zlib",
    configure_args = ["--shared", "--bad"],
    phases = {"src_install": "a"},
    patches = ["files/x.patch"],
    slot = "0",
)
`
	tests := []struct {
		name, fixups, want, wantErr string
	}{
		{
			name: "every operation",
			fixups: `FIXUPS = {
    "*": {
        "extend": {
            "configure_args": ["--with-x"],
            "phases": {"src_install": "b", "src_test": "c"},
            "rdepend": ["core//foo:foo"],
        },
    },
    "zlib-1.3.1": {
        "set": {"slot": "1"},
        "remove": {"configure_args": ["--bad"]},
        "delete": ["patches"],
    },
}
`,
			want: `download_source(
    name = "zlib-1.3.1.tar.xz",
)

autotools_package(
    name = "zlib-1.3.1",
    package = "sys-libs/zlib",
    configure_args = [
        "--shared",
        "--with-x",
    ],
    phases = {
        "src_install": "b",
        "src_test": "c",
    },
    slot = "1",
    rdepend = ["core//foo:foo"],
)
`,
		},
		{
			name:    "stale target",
			fixups:  "FIXUPS = {\n    \"zlib-0.1\": {\"delete\": [\"slot\"]},\n}\n",
			wantErr: `fixups.bzl:2: no target "zlib-0.1" in the generated file`,
		},
		{
			name:    "unknown operation",
			fixups:  "FIXUPS = {\n    \"*\": {\"frob\": {}},\n}\n",
			wantErr: `fixups.bzl:2: unknown fixup operation "frob" (want set, extend, remove, delete)`,
		},
		{
			name:    "other statements",
			fixups:  "X = 1\n",
			wantErr: `fixups.bzl:1: only FIXUPS = {...} is allowed here`,
		},
		{
			name:    "extend a string",
			fixups:  "FIXUPS = {\"*\": {\"extend\": {\"slot\": \"1\"}}}\n",
			wantErr: `fixups.bzl:1: extend slot with a list or a dict`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := parse(t, gen)
			fx, err := ParseFixups("fixups.bzl", []byte(tc.fixups))
			if err == nil {
				err = fx.Apply(f)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, print(f)); diff != "" {
				t.Errorf("Apply mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

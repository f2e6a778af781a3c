package cells

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the generated table in docs/CELLS.md")

// The 28 cells of the seed's .buckconfig.
var seedCells = []string{"ai", "audio", "benchmarks", "boot", "cad", "communication", "core",
	"databases", "desktop", "dev-libs", "dev-tools", "editors", "emulation", "examples",
	"fedora-compat", "fonts", "gaming", "graphics", "kernel", "lang", "laptop", "media",
	"network", "robotics", "shells", "system", "terminals", "www"}

func TestTableCoversEveryCategoryOnce(t *testing.T) {
	if diff := cmp.Diff(seedCells, Cells()); diff != "" {
		t.Errorf("Cells() differs from the seed (-want +got):\n%s", diff)
	}
	ref := Categories()
	if len(ref) != 169 {
		t.Fatalf("embedded category list has %d entries, want 169", len(ref))
	}
	count := map[string]int{}
	for _, row := range cellTable {
		if len(row.Categories) == 0 {
			t.Errorf("cell %s receives no category", row.Cell)
		}
		for _, c := range row.Categories {
			count[c]++
		}
	}
	for _, c := range ref {
		if count[c] != 1 {
			t.Errorf("category %s appears %d times in the table, want 1", c, count[c])
		}
		if !InTable(c) {
			t.Errorf("InTable(%q) = false", c)
		}
	}
	for c := range count {
		if !slices.Contains(ref, c) {
			t.Errorf("table lists %q, which is not a Gentoo category", c)
		}
	}
	for _, row := range newerCategories {
		if slices.Contains(ref, row.Category) || count[row.Category] > 0 {
			t.Errorf("newer category %s is already in the reference list or the table", row.Category)
		}
		if !slices.Contains(seedCells, row.Cell) {
			t.Errorf("newer category %s goes to unknown cell %s", row.Category, row.Cell)
		}
	}
}

func TestCell(t *testing.T) {
	tests := []struct {
		category, want string
		wantErr        bool
	}{
		{category: "sys-libs", want: "core"},
		{category: "sys-apps", want: "core"},
		{category: "dev-libs", want: "dev-libs"},
		{category: "sys-kernel", want: "kernel"},
		{category: "app-shells", want: "shells"},
		{category: "x11-terms", want: "terminals"},
		// Newer than the reference list, placed explicitly.
		{category: "dev-build", want: "dev-tools"},
		{category: "llvm-core", want: "lang"},
		// Not in the table: placed by prefix.
		{category: "dev-foo", want: "dev-libs"},
		{category: "games-new", want: "gaming"},
		{category: "net-extra", want: "network"},
		{category: "chromeos-base", want: "system"},
		{category: "local", want: "system"},
		{category: "", wantErr: true},
		{category: "-bad", wantErr: true},
		{category: "a/b", wantErr: true},
	}
	for _, tt := range tests {
		got, err := Cell(tt.category)
		if (err != nil) != tt.wantErr {
			t.Errorf("Cell(%q) error = %v, wantErr %v", tt.category, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.category, got, tt.want)
		}
	}
}

func TestLayout(t *testing.T) {
	pkgs := []string{
		"sys-libs/zlib", "sys-apps/busybox", "dev-libs/openssl",
		// Same PN in core: sys-libs ranks before sys-apps and virtual.
		"sys-apps/foo", "sys-libs/foo", "virtual/foo",
		// Same PN in system, both outside sys-libs; sys-auth ranks first.
		"app-admin/bar", "sys-auth/bar",
		// An unlisted category ranks after the listed ones.
		"chromeos-base/baz", "app-misc/baz",
		// A newer category ranks after the reference ones of its cell.
		"dev-build/make", "sys-devel/make",
		// PN-SUFFIX already taken by a real package: fall back to PN-CATEGORY.
		"sys-libs/qux", "sys-apps/qux", "sys-libs/qux-apps",
		// Same PN in different cells does not collide.
		"dev-python/six", "dev-util/six",
		"sys-libs/zlib", // duplicate: ignored
	}
	l, err := NewLayout(pkgs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"sys-libs/zlib":     "core//zlib:zlib",
		"sys-apps/busybox":  "core//busybox:busybox",
		"dev-libs/openssl":  "dev-libs//openssl:openssl",
		"sys-libs/foo":      "core//foo:foo",
		"sys-apps/foo":      "core//foo-apps:foo",
		"virtual/foo":       "core//foo-virtual:foo",
		"sys-auth/bar":      "system//bar:bar",
		"app-admin/bar":     "system//bar-admin:bar",
		"app-misc/baz":      "system//baz:baz",
		"chromeos-base/baz": "system//baz-base:baz",
		"sys-libs/qux":      "core//qux:qux",
		"sys-libs/qux-apps": "core//qux-apps:qux-apps",
		"sys-apps/qux":      "core//qux-sys-apps:qux",
		"dev-python/six":    "dev-libs//six:six",
		"sys-devel/make":    "dev-tools//make:make",
		"dev-build/make":    "dev-tools//make-build:make",
		"dev-util/six":      "dev-tools//six:six",
	}
	got := map[string]string{}
	for _, cp := range l.Packages() {
		p, _ := l.Place(cp)
		got[cp] = p.Label()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if p, _ := l.Place("sys-apps/foo"); p.Path() != "packages/linux/core/foo-apps" || p.Base() != "core//foo-apps" {
		t.Errorf("sys-apps/foo: Path %q Base %q", p.Path(), p.Base())
	}
	if _, _, ok := l.Dir("sys-libs/nothere"); ok {
		t.Errorf("Dir of an unknown package: ok = true")
	}
}

// Adding packages elsewhere, or in lower-ranked categories, does not rename
// an existing package's directory.
func TestLayoutStable(t *testing.T) {
	before, err := NewLayout([]string{"sys-libs/foo", "sys-apps/foo", "dev-libs/openssl"})
	if err != nil {
		t.Fatal(err)
	}
	after, err := NewLayout([]string{"sys-libs/foo", "sys-apps/foo", "dev-libs/openssl", "virtual/foo", "dev-python/foo", "dev-cpp/openssl"})
	if err != nil {
		t.Fatal(err)
	}
	for _, cp := range before.Packages() {
		b, _ := before.Place(cp)
		a, _ := after.Place(cp)
		if a != b {
			t.Errorf("%s moved from %v to %v", cp, b, a)
		}
	}
}

func TestLayoutErrors(t *testing.T) {
	for _, in := range [][]string{{"zlib"}, {"sys-libs/"}, {"-x/zlib"}, {"sys-libs/+x"}, {"sys-libs/a.b"}} {
		if _, err := NewLayout(in); err == nil {
			t.Errorf("NewLayout(%q): no error", in)
		}
	}
}

// docs/CELLS.md embeds MarkdownTable() between markers; go test -update
// rewrites it.
func TestDocTable(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "CELLS.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- BEGIN GENERATED TABLE -->\n", "<!-- END GENERATED TABLE -->"
	doc := string(data)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s: markers %q ... %q not found", path, begin, end)
	}
	got := doc[i+len(begin) : j]
	want := MarkdownTable()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date; run go test ./emit/cells -update (-doc +table):\n%s", path, cmp.Diff(got, want))
}

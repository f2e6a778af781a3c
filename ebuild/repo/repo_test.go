package repo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"buckos.dev/buckos/ebuild"
	"github.com/google/go-cmp/cmp"
)

var fixtures = map[string]string{
	"main":  "testdata/main",
	"extra": "testdata/extra",
}

func lookup(name string) (string, bool) {
	p, ok := fixtures[name]
	return p, ok
}

func mustOpen(t *testing.T, path string, opts OpenOptions) *Repo {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	return r
}

func TestOpenMain(t *testing.T) {
	r := mustOpen(t, "testdata/main", OpenOptions{})
	if r.Name != "main" {
		t.Errorf("Name = %q, want main", r.Name)
	}
	if len(r.Masters) != 0 {
		t.Errorf("Masters = %d, want none", len(r.Masters))
	}
	if d := cmp.Diff([]string{"BLAKE2B", "SHA512"}, r.ManifestHashes); d != "" {
		t.Errorf("ManifestHashes (-want +got):\n%s", d)
	}
	if !r.ThinManifests {
		t.Error("ThinManifests = false, want true")
	}
	cats := map[string]bool{}
	for _, c := range r.Categories {
		cats[c] = true
	}
	for _, c := range []string{"my-cat", "sys-libs", "dev-libs", "acct-user"} {
		if !cats[c] {
			t.Errorf("category %s missing", c)
		}
	}
	if cats["notcat"] {
		t.Error("notcat listed as a category")
	}
	wantMirrors := map[string][]string{
		"fixture": {"https://a.example/", "https://b.example/"},
		"other":   {"https://c.example/"},
	}
	if d := cmp.Diff(wantMirrors, r.ThirdPartyMirrors); d != "" {
		t.Errorf("ThirdPartyMirrors (-want +got):\n%s", d)
	}
	maskFile := filepath.Join("testdata", "main", "profiles", "package.mask")
	wantMask := []Mask{
		{Atom: "=sys-libs/zlib-1.10", Comment: []string{"Someone (2026-01-01)", "Broken build."}, File: maskFile, Line: 5},
		{Atom: "my-cat/foo", Comment: []string{"Someone (2026-01-01)", "Broken build."}, File: maskFile, Line: 6},
		{Atom: ">=dev-libs/ok-2", Comment: []string{"Second reason."}, File: maskFile, Line: 9},
	}
	// Mask.File is absolute; compare it relative to the fixture.
	for i := range r.PackageMask {
		if rel, err := filepath.Rel(mustAbs(t, "."), r.PackageMask[i].File); err == nil {
			r.PackageMask[i].File = rel
		}
	}
	if d := cmp.Diff(wantMask, r.PackageMask); d != "" {
		t.Errorf("PackageMask (-want +got):\n%s", d)
	}
	if got := r.UseDesc["static-libs"]; got != "Build static libraries" {
		t.Errorf("UseDesc[static-libs] = %q", got)
	}
	if got := r.UseLocalDesc["sys-libs/zlib"]["minizip"]; got != "Local minizip text" {
		t.Errorf("UseLocalDesc[sys-libs/zlib][minizip] = %q", got)
	}
	// egencache writes "cat/pn:flag - " for a flag without description.
	if got, ok := r.UseLocalDesc["sys-libs/zlib"]["bare"]; !ok || got != "" {
		t.Errorf("UseLocalDesc[sys-libs/zlib][bare] = %q, %v, want an empty description", got, ok)
	}
	// A line it cannot read is skipped and named, not fatal.
	wantWarnings := []string{filepath.Join(mustAbs(t, "testdata"), "main", "profiles", "use.local.desc") +
		`:3: skipped: expected "category/package:flag - description", got "sys-libs/zlib no colon here"`}
	if d := cmp.Diff(wantWarnings, r.Warnings); d != "" {
		t.Errorf("Warnings (-want +got):\n%s", d)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestMastersAndEclassDirs(t *testing.T) {
	tests := []struct {
		name        string
		opts        OpenOptions
		wantName    string
		wantMasters []string
		wantDirs    []string
		wantMirror  string
	}{
		{
			name:        "layout.conf masters resolved by name",
			opts:        OpenOptions{Lookup: lookup},
			wantMasters: []string{"main", "extra"},
			// The repository first, then masters from last to first.
			wantDirs:   []string{"testdata/overlay/eclass", "testdata/extra/eclass", "testdata/main/eclass"},
			wantMirror: "https://overlay.example/",
		},
		{
			name:        "override",
			opts:        OpenOptions{Masters: []string{"testdata/extra", "testdata/main"}},
			wantMasters: []string{"extra", "main"},
			wantDirs:    []string{"testdata/overlay/eclass", "testdata/main/eclass", "testdata/extra/eclass"},
			wantMirror:  "https://overlay.example/",
		},
		{
			name:     "no masters",
			opts:     OpenOptions{NoMasters: true},
			wantDirs: []string{"testdata/overlay/eclass"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustOpen(t, "testdata/overlay", tt.opts)
			// layout.conf repo-name wins over profiles/repo_name.
			if r.Name != "over-lay" {
				t.Errorf("Name = %q, want over-lay", r.Name)
			}
			var masters []string
			for _, m := range r.Masters {
				masters = append(masters, m.Name)
			}
			if d := cmp.Diff(tt.wantMasters, masters); d != "" {
				t.Errorf("Masters (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.wantDirs, r.EclassDirs()); d != "" {
				t.Errorf("EclassDirs (-want +got):\n%s", d)
			}
			if got := r.Mirror("other"); tt.wantMasters != nil && len(got) != 1 {
				t.Errorf("Mirror(other) = %v, want the master's URL", got)
			}
			if got := r.Mirror("fixture"); tt.wantMirror != "" && (len(got) != 1 || got[0] != tt.wantMirror) {
				t.Errorf("Mirror(fixture) = %v, want [%s]", got, tt.wantMirror)
			}
		})
	}
}

func TestOpenMissingMaster(t *testing.T) {
	_, err := Open("testdata/broken", OpenOptions{Lookup: lookup})
	if err == nil {
		t.Fatal("Open succeeded, want an error for the missing master")
	}
	want := filepath.Join("testdata", "broken", "metadata", "layout.conf") + ":3: master repository \"missing-one\" not found"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to contain %q", err, want)
	}
	var mnf *MasterNotFoundError
	if !errors.As(err, &mnf) || mnf.Name != "missing-one" || mnf.Line != 3 {
		t.Errorf("error %v is not a *MasterNotFoundError for missing-one at line 3", err)
	}
	// Overrides make it usable.
	if _, err := Open("testdata/broken", OpenOptions{NoMasters: true}); err != nil {
		t.Errorf("Open with NoMasters: %v", err)
	}
	if r, err := Open("testdata/broken", OpenOptions{Masters: []string{"testdata/main"}}); err != nil || r.Masters[0].Name != "main" {
		t.Errorf("Open with master override: %v", err)
	}
}

func TestScan(t *testing.T) {
	r := mustOpen(t, "testdata/main", OpenOptions{})
	refs, bad, err := r.Scan()
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	var got []string
	for _, ref := range refs {
		got = append(got, ref.CPF())
	}
	want := []string{
		"dev-libs/ok-1",
		"my-cat/foo-2",
		// Version order, not string order; the symlinked -r2 is listed.
		"sys-libs/zlib-1.3.1", "sys-libs/zlib-1.3.1-r1", "sys-libs/zlib-1.3.1-r2", "sys-libs/zlib-1.3.1-r3", "sys-libs/zlib-1.3.1-r4", "sys-libs/zlib-1.10",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Scan refs (-want +got):\n%s", d)
	}
	var badPaths []string
	for _, e := range bad {
		var ne *NameError
		if !errors.As(e, &ne) {
			t.Fatalf("bad entry %v is not a *NameError", e)
		}
		badPaths = append(badPaths, strings.TrimPrefix(ne.Path, "testdata/main/"))
	}
	wantBad := []string{
		"dev-libs/bad-1/bad-1-1.ebuild",
		"dev-libs/ok/ok-x.ebuild",
		"dev-libs/ok/other-1.ebuild",
		"notcat",
	}
	if d := cmp.Diff(wantBad, badPaths); d != "" {
		t.Errorf("Scan bad names (-want +got):\n%s", d)
	}
	// A real symlink keeps its own path (reading follows it); a symlink
	// stored as a file naming its target (git without symlinks) points at
	// the target; a file naming a missing ebuild is just an ebuild.
	zdir := "testdata/main/sys-libs/zlib/"
	wantRefs := []ebuild.Ref{
		{Repo: "main", Category: "sys-libs", PN: "zlib", PVR: "1.3.1-r2", Path: zdir + "zlib-1.3.1-r2.ebuild"},
		{Repo: "main", Category: "sys-libs", PN: "zlib", PVR: "1.3.1-r3", Path: zdir + "zlib-1.3.1.ebuild"},
		{Repo: "main", Category: "sys-libs", PN: "zlib", PVR: "1.3.1-r4", Path: zdir + "zlib-1.3.1-r4.ebuild"},
	}
	if d := cmp.Diff(wantRefs, refs[4:7]); d != "" {
		t.Errorf("symlinked refs (-want +got):\n%s", d)
	}

	// Ebuilds is the strict form: the same refs, and an error naming each bad file.
	refs2, err := r.Ebuilds()
	if d := cmp.Diff(refs, refs2); d != "" {
		t.Errorf("Ebuilds refs differ from Scan (-scan +ebuilds):\n%s", d)
	}
	if err == nil || !strings.Contains(err.Error(), "ok-x.ebuild: ebuild name is not ok-VERSION.ebuild") {
		t.Errorf("Ebuilds error = %v, want the bad names", err)
	}
}

func TestMatch(t *testing.T) {
	r := mustOpen(t, "testdata/main", OpenOptions{})
	tests := []struct {
		pattern string
		want    []string
		wantErr bool
	}{
		{pattern: "sys-libs/zlib", want: []string{"sys-libs/zlib-1.3.1", "sys-libs/zlib-1.3.1-r1", "sys-libs/zlib-1.3.1-r2", "sys-libs/zlib-1.3.1-r3", "sys-libs/zlib-1.3.1-r4", "sys-libs/zlib-1.10"}},
		{pattern: "foo", want: []string{"my-cat/foo-2"}},
		{pattern: "my-*/*", want: []string{"my-cat/foo-2"}},
		{pattern: "=sys-libs/zlib-1.3.1-r1", want: []string{"sys-libs/zlib-1.3.1-r1"}},
		{pattern: "=sys-libs/zlib-1.3*", want: []string{"sys-libs/zlib-1.3.1", "sys-libs/zlib-1.3.1-r1", "sys-libs/zlib-1.3.1-r2", "sys-libs/zlib-1.3.1-r3", "sys-libs/zlib-1.3.1-r4"}},
		{pattern: "~sys-libs/zlib-1.3.1", want: []string{"sys-libs/zlib-1.3.1", "sys-libs/zlib-1.3.1-r1", "sys-libs/zlib-1.3.1-r2", "sys-libs/zlib-1.3.1-r3", "sys-libs/zlib-1.3.1-r4"}},
		{pattern: ">=sys-libs/zlib-1.3.1-r2", want: []string{"sys-libs/zlib-1.3.1-r2", "sys-libs/zlib-1.3.1-r3", "sys-libs/zlib-1.3.1-r4", "sys-libs/zlib-1.10"}},
		{pattern: "<sys-libs/zlib-1.3.1-r1", want: []string{"sys-libs/zlib-1.3.1"}},
		{pattern: "sys-libs/zlib::main", want: []string{"sys-libs/zlib-1.3.1", "sys-libs/zlib-1.3.1-r1", "sys-libs/zlib-1.3.1-r2", "sys-libs/zlib-1.3.1-r3", "sys-libs/zlib-1.3.1-r4", "sys-libs/zlib-1.10"}},
		{pattern: "sys-libs/zlib::other"},
		{pattern: "sys-libs/nothere"},
		{pattern: "=sys-libs/zlib", wantErr: true},
		{pattern: "a/b/c", wantErr: true},
		{pattern: "", wantErr: true},
		{pattern: "sys-libs/[", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			refs, err := r.Match(tt.pattern)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Match(%q) error = %v, wantErr %v", tt.pattern, err, tt.wantErr)
			}
			var got []string
			for _, ref := range refs {
				got = append(got, ref.CPF())
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Match(%q) (-want +got):\n%s", tt.pattern, d)
			}
		})
	}
}

func TestManifest(t *testing.T) {
	r := mustOpen(t, "testdata/main", OpenOptions{})
	got, err := r.Manifest("sys-libs", "zlib")
	if err != nil {
		t.Fatalf("Manifest: %v", err)
	}
	want := map[string]Dist{
		"zlib-1.3.1.tar.xz": {Name: "zlib-1.3.1.tar.xz", Size: 1234, Hashes: map[string]string{"BLAKE2B": "b2aa", "SHA512": "s5aa"}},
		"zlib-1.10.tar.xz":  {Name: "zlib-1.10.tar.xz", Size: 99, Hashes: map[string]string{"BLAKE2B": "b2bb", "SHA512": "s5bb"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Manifest (-want +got):\n%s", d)
	}
	none, err := r.Manifest("my-cat", "foo")
	if err != nil || len(none) != 0 {
		t.Errorf("Manifest without a file = %v, %v; want empty, nil", none, err)
	}
	if _, err := r.Manifest("../x", "y"); err == nil {
		t.Error("Manifest accepted an invalid category")
	}
}

func TestManifestErrors(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"profiles", "cat-a/pkg"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("profiles/repo_name", "tmp\n")
	r := mustOpen(t, dir, OpenOptions{})
	for _, tt := range []struct{ body, want string }{
		{"DIST a 12x BLAKE2B x\n", "Manifest:1: invalid size"},
		{"DIST a 1 BLAKE2B x\nDIST a 1 BLAKE2B x\n", "Manifest:2: a listed twice"},
		{"DIST a 1 BLAKE2B\n", "Manifest:1: expected DIST"},
	} {
		write("cat-a/pkg/Manifest", tt.body)
		_, err := r.Manifest("cat-a", "pkg")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Manifest(%q) error = %v, want %q", tt.body, err, tt.want)
		}
	}
}

func TestMasterCategories(t *testing.T) {
	// new-cat is listed only by the master "extra" (and not in Gentoo's
	// list): with the master it is a category, without it a bad name.
	tests := []struct {
		name    string
		opts    OpenOptions
		wantCPF []string
		wantBad int
	}{
		{"with masters", OpenOptions{Lookup: lookup}, []string{"new-cat/thing-1"}, 0},
		{"without masters", OpenOptions{NoMasters: true}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustOpen(t, "testdata/overlay", tt.opts)
			refs, bad, err := r.Scan()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ref := range refs {
				got = append(got, ref.CPF())
			}
			if d := cmp.Diff(tt.wantCPF, got); d != "" {
				t.Errorf("Scan (-want +got):\n%s", d)
			}
			if len(bad) != tt.wantBad {
				t.Errorf("bad names = %v, want %d", bad, tt.wantBad)
			}
		})
	}
}

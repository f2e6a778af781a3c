package licenses

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpand(t *testing.T) {
	master, err := Load("testdata/master")
	if err != nil {
		t.Fatal(err)
	}
	stack, err := LoadAll([]string{"testdata/master", "testdata/overlay"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		set   *Set
		group string
		want  []string
	}{
		{master, "@OPEN", []string{"Alpha-1", "Beta-2"}},
		{master, "OPEN", []string{"Alpha-1", "Beta-2"}},
		{master, "@NICE", []string{"Alpha-1", "Beta-2", "Gamma"}},
		{master, "@DOCS", []string{"Delta+", "Unwritten"}},
		{master, "@EVERYTHING", []string{"Alpha-1", "Beta-2", "Delta+", "Epsilon.1", "Gamma", "Unwritten"}},
		{master, "@EMPTY", []string{}},
		{stack, "@OPEN", []string{"Alpha-1", "Beta-2", "Zeta"}},
		{stack, "@MORE", []string{"Alpha-1", "Beta-2", "Delta+", "Epsilon.1", "Gamma", "Omega", "Unwritten", "Zeta"}},
	}
	for _, tt := range tests {
		got, err := tt.set.Expand(tt.group)
		if err != nil {
			t.Errorf("Expand(%q): %v", tt.group, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Expand(%q) (-want +got):\n%s", tt.group, diff)
		}
	}
}

func TestGroupsAndHas(t *testing.T) {
	s, err := LoadAll([]string{"testdata/master", "testdata/overlay"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"DOCS", "EMPTY", "EVERYTHING", "MORE", "NICE", "OPEN"}, s.Groups()); diff != "" {
		t.Errorf("Groups() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Alpha-1", "Beta-2", "Delta+", "Epsilon.1", "Gamma", "Zeta"}, s.Licenses()); diff != "" {
		t.Errorf("Licenses() (-want +got):\n%s", diff)
	}
	for name, want := range map[string]bool{"Alpha-1": true, "Zeta": true, "Delta+": true, "Unwritten": false, "OPEN": false, "": false} {
		if got := s.Has(name); got != want {
			t.Errorf("Has(%q) = %v, want %v", name, got, want)
		}
	}
	// The overlay's text of Alpha-1 overrides the master's.
	if p, ok := s.Path("Alpha-1"); !ok || p != filepath.Join("testdata", "overlay", "licenses", "Alpha-1") {
		t.Errorf("Path(Alpha-1) = %q, %v", p, ok)
	}
}

func TestErrors(t *testing.T) {
	cyc, err := Load("testdata/cycle")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("testdata", "cycle", "profiles", "license_groups")
	tests := []struct {
		group, want string
	}{
		{"@A", file + `:3: group C: cycle through "@A"`},
		{"@C", file + `:2: group B: cycle through "@C"`},
		{"@D", file + `:4: group D references unknown group "@MISSING"`},
		{"@NOPE", `unknown license group "@NOPE"`},
	}
	for _, tt := range tests {
		_, err := cyc.Expand(tt.group)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Expand(%q) error = %v, want %s", tt.group, err, tt.want)
		}
	}
	_, err = Load("testdata/badtoken")
	want := filepath.Join("testdata", "badtoken", "profiles", "license_groups") + `:2: group BAD: invalid member "@-x"`
	if err == nil || err.Error() != want {
		t.Errorf("Load(badtoken) error = %v, want %s", err, want)
	}
	// A repository without licenses/ or license_groups is empty, not an error.
	empty, err := Load(t.TempDir())
	if err != nil || len(empty.Groups()) != 0 || len(empty.Licenses()) != 0 {
		t.Errorf("Load(empty dir) = %v groups, %v licenses, %v", empty.Groups(), empty.Licenses(), err)
	}
}

// directMembers reads a license_groups file independently of the package:
// group -> tokens as written.
func directMembers(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) > 0 {
			out[f[0]] = append(out[f[0]], f[1:]...)
		}
	}
	return out
}

// TestCorpus checks the package against the Gentoo corpus: every group
// expands, each expansion is the union of its direct members' expansions,
// and the license texts are exactly the files in licenses/.
func TestCorpus(t *testing.T) {
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		t.Skip("needs BUCKOS_SHARED pointing at the shared/ directory with corpus/gentoo/{licenses,profiles/license_groups}")
	}
	gentoo := filepath.Join(shared, "corpus", "gentoo")
	s, err := Load(gentoo)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(gentoo, "licenses"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatal("no license files in corpus/gentoo/licenses")
	}
	if diff := cmp.Diff(files, s.Licenses()); diff != "" {
		t.Errorf("Licenses() vs licenses/ (-files +got):\n%s", diff)
	}
	direct := directMembers(t, filepath.Join(gentoo, "profiles", "license_groups"))
	if diff := cmp.Diff(sortedKeys(direct), s.Groups()); diff != "" {
		t.Errorf("Groups() (-file +got):\n%s", diff)
	}
	expanded := map[string][]string{}
	for _, g := range s.Groups() {
		names, err := s.Expand("@" + g)
		if err != nil {
			t.Fatalf("Expand(@%s): %v", g, err)
		}
		expanded[g] = names
	}
	withoutText := 0
	for g, toks := range direct {
		want := map[string]bool{}
		for _, tok := range toks {
			if sub, ok := strings.CutPrefix(tok, "@"); ok {
				for _, n := range expanded[sub] {
					want[n] = true
				}
			} else {
				want[tok] = true
			}
		}
		if diff := cmp.Diff(sortedKeys(want), expanded[g]); diff != "" {
			t.Errorf("Expand(@%s) is not the union of its members (-want +got):\n%s", g, diff)
		}
	}
	for _, n := range expanded["FREE"] {
		if !s.Has(n) {
			withoutText++
		}
	}
	for _, n := range []string{"GPL-2", "MIT", "CC-BY-4.0"} {
		if !contains(expanded["FREE"], n) {
			t.Errorf("@FREE lacks %s", n)
		}
	}
	if contains(expanded["FREE"], "NVIDIA-r2") || !contains(expanded["BINARY-REDISTRIBUTABLE"], "NVIDIA-r2") {
		t.Errorf("NVIDIA-r2 must be in @BINARY-REDISTRIBUTABLE only, not @FREE")
	}
	t.Logf("%d license texts, %d groups, @FREE has %d names (%d without a text in this cut-down tree)",
		len(files), len(direct), len(expanded["FREE"]), withoutText)

	// guru's groups extend gentoo's and refer to gentoo-only groups.
	guru := filepath.Join(shared, "corpus", "guru")
	alone, err := Load(guru)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alone.Expand("@FREE"); err == nil || !strings.Contains(err.Error(), `unknown group "@FREE-SOFTWARE"`) {
		t.Errorf("guru alone: Expand(@FREE) error = %v, want unknown @FREE-SOFTWARE", err)
	}
	stack, err := LoadAll([]string{gentoo, guru})
	if err != nil {
		t.Fatal(err)
	}
	dfsg, err := stack.Expand("@DFSG")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"GPL-2", "meschach", "OSL-3.0", "CC-BY-SA-4.0"} {
		if !contains(dfsg, n) {
			t.Errorf("gentoo+guru @DFSG lacks %s", n)
		}
	}
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

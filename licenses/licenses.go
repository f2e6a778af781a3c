// Package licenses reads a repository's license texts (licenses/) and its
// license groups (profiles/license_groups, GLEP 23), where a group lists
// license names and other groups as "@GROUP".
package licenses

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"buckos.dev/buckos/ebuild/depspec"
)

// Set is the licenses and license groups of one repository or of a
// repository stack (masters first).
type Set struct {
	// licenses maps a license name to the path of its text.
	licenses map[string]string
	groups   map[string]*group
}

type group struct {
	file    string // where the group was first defined
	line    int
	members []member
}

// member is one token of a group line.
type member struct {
	name    string
	isGroup bool // written "@name"
	file    string
	line    int
}

// Load reads repoDir/licenses and repoDir/profiles/license_groups. Either
// may be missing (an overlay without its own licenses).
func Load(repoDir string) (*Set, error) { return LoadAll([]string{repoDir}) }

// LoadAll reads several repositories, masters first. A license text in a
// later repository overrides an earlier one; a group defined again adds
// members to the earlier definition, as Portage does for overlays.
func LoadAll(repoDirs []string) (*Set, error) {
	s := &Set{licenses: map[string]string{}, groups: map[string]*group{}}
	for _, dir := range repoDirs {
		if err := s.readLicenses(filepath.Join(dir, "licenses")); err != nil {
			return nil, err
		}
		if err := s.readGroups(filepath.Join(dir, "profiles", "license_groups")); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Set) readLicenses(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading licenses: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !depspec.ValidLicenseName(e.Name()) {
			continue
		}
		s.licenses[e.Name()] = filepath.Join(dir, e.Name())
	}
	return nil
}

func (s *Set) readGroups(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading license groups: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		name := fields[0]
		if !depspec.ValidLicenseName(name) {
			return fmt.Errorf("%s:%d: invalid group name %q", path, line, name)
		}
		g := s.groups[name]
		if g == nil {
			g = &group{file: path, line: line}
			s.groups[name] = g
		}
		for _, tok := range fields[1:] {
			m := member{name: tok, file: path, line: line}
			if strings.HasPrefix(tok, "@") {
				m.name, m.isGroup = tok[1:], true
			}
			if !depspec.ValidLicenseName(m.name) {
				return fmt.Errorf("%s:%d: group %s: invalid member %q", path, line, name, tok)
			}
			g.members = append(g.members, m)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Has reports whether the repository has a text for license name.
func (s *Set) Has(name string) bool {
	_, ok := s.licenses[name]
	return ok
}

// Path returns the file holding the text of license name.
func (s *Set) Path(name string) (string, bool) {
	p, ok := s.licenses[name]
	return p, ok
}

// Licenses returns the names of all license texts, sorted.
func (s *Set) Licenses() []string { return sortedKeys(s.licenses) }

// Groups returns the names of all groups (without "@"), sorted.
func (s *Set) Groups() []string { return sortedKeys(s.groups) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Expand returns the sorted, de-duplicated license names of a group, with
// nested "@GROUP" members expanded. The group may be written with or
// without its "@". Names are returned whether or not a license text exists
// (see Has). A reference to an unknown group or a cycle is an error naming
// the file and line of the offending reference.
func (s *Set) Expand(name string) ([]string, error) {
	name = strings.TrimPrefix(name, "@")
	if _, ok := s.groups[name]; !ok {
		return nil, fmt.Errorf("unknown license group %q", "@"+name)
	}
	seen := map[string]bool{}
	state := map[string]int{} // 1 visiting, 2 done
	if err := s.expand(name, seen, state); err != nil {
		return nil, err
	}
	return sortedKeys(seen), nil
}

func (s *Set) expand(name string, out map[string]bool, state map[string]int) error {
	state[name] = 1
	for _, m := range s.groups[name].members {
		if !m.isGroup {
			out[m.name] = true
			continue
		}
		if _, ok := s.groups[m.name]; !ok {
			return fmt.Errorf("%s:%d: group %s references unknown group %q", m.file, m.line, name, "@"+m.name)
		}
		switch state[m.name] {
		case 1:
			return fmt.Errorf("%s:%d: group %s: cycle through %q", m.file, m.line, name, "@"+m.name)
		case 2:
			continue
		}
		if err := s.expand(m.name, out, state); err != nil {
			return err
		}
	}
	state[name] = 2
	return nil
}

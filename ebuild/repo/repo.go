// Package repo reads an ebuild repository: metadata/layout.conf, the
// repository name, categories, mirrors, package.mask, USE descriptions,
// Manifest DIST lines, the CATEGORY/PN/PN-PVR.ebuild naming, and the eclass
// search order across master repositories.
package repo

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed gentoo-categories.txt
var gentooCategoriesText string

// Repo is one opened repository.
type Repo struct {
	Path string // directory of the repository, cleaned
	Name string // layout.conf repo-name, else profiles/repo_name
	// Masters are the master repositories, in layout.conf order (or the
	// order given by OpenOptions.Masters).
	Masters []*Repo
	// Categories is the union of profiles/categories, the masters'
	// categories and Gentoo's category list (an embedded copy, which may
	// lag behind Gentoo), sorted.
	Categories []string
	// ThirdPartyMirrors maps a mirror name to its URLs, from this
	// repository's profiles/thirdpartymirrors only (see Mirror).
	ThirdPartyMirrors map[string][]string
	// ManifestHashes is layout.conf manifest-hashes (nil when unset).
	ManifestHashes []string
	ThinManifests  bool
	// Layout holds every layout.conf key as written (last one wins).
	Layout map[string]string
	// PackageMask holds the atoms of profiles/package.mask with the comment
	// block above each.
	PackageMask []Mask
	// UseDesc maps a global USE flag to its description (profiles/use.desc).
	UseDesc map[string]string
	// UseLocalDesc maps "CATEGORY/PN" to flag descriptions
	// (profiles/use.local.desc).
	UseLocalDesc map[string]map[string]string
	// Warnings are what reading this repository skipped (lines of the
	// USE flag descriptions it could not read), as FILE:LINE: text.
	Warnings []string

	ownCategories map[string]bool
}

// OpenOptions changes how masters are found.
type OpenOptions struct {
	// Masters, when set, are the master repository directories to use
	// instead of layout.conf's masters line.
	Masters []string
	// NoMasters ignores layout.conf's masters line.
	NoMasters bool
	// Lookup resolves a master named in layout.conf to its directory.
	Lookup func(name string) (path string, ok bool)
}

// Mask is one package.mask atom.
type Mask struct {
	Atom    string
	Comment []string // the comment lines above, without "# "
	File    string
	Line    int
}

// Open reads the repository at path and, recursively, its masters.
func Open(path string, opts OpenOptions) (*Repo, error) {
	return open(path, opts, map[string]bool{})
}

func open(path string, opts OpenOptions, visiting map[string]bool) (*Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", path, err)
	}
	if visiting[abs] {
		return nil, fmt.Errorf("repository %s: masters form a cycle", path)
	}
	visiting[abs] = true
	defer delete(visiting, abs)

	if st, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("repository %s: %w", path, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("repository %s: not a directory", path)
	}
	r := &Repo{Path: filepath.Clean(path), Layout: map[string]string{}}
	layout, err := readLayout(filepath.Join(abs, "metadata", "layout.conf"))
	if err != nil {
		return nil, err
	}
	for k, l := range layout {
		r.Layout[k] = l.value
	}
	if err := r.readName(abs, layout); err != nil {
		return nil, err
	}
	if v, ok := layout["manifest-hashes"]; ok {
		r.ManifestHashes = strings.Fields(v.value)
	}
	r.ThinManifests = layout["thin-manifests"].value == "true"
	if err := r.readCategories(abs); err != nil {
		return nil, err
	}
	if r.ThirdPartyMirrors, err = readMirrors(filepath.Join(abs, "profiles", "thirdpartymirrors")); err != nil {
		return nil, err
	}
	if r.PackageMask, err = readPackageMask(filepath.Join(abs, "profiles", "package.mask")); err != nil {
		return nil, err
	}
	var warnings []string
	if r.UseDesc, warnings, err = readUseDesc(filepath.Join(abs, "profiles", "use.desc")); err != nil {
		return nil, err
	}
	r.Warnings = append(r.Warnings, warnings...)
	if r.UseLocalDesc, warnings, err = readUseLocalDesc(filepath.Join(abs, "profiles", "use.local.desc")); err != nil {
		return nil, err
	}
	r.Warnings = append(r.Warnings, warnings...)

	// Masters of masters come from their own layout.conf.
	sub := OpenOptions{Lookup: opts.Lookup}
	switch {
	case opts.NoMasters:
	case len(opts.Masters) > 0:
		for _, m := range opts.Masters {
			mr, err := open(m, sub, visiting)
			if err != nil {
				return nil, fmt.Errorf("master of %s: %w", r.Name, err)
			}
			r.Masters = append(r.Masters, mr)
		}
	default:
		ml, ok := layout["masters"]
		if !ok {
			break // no masters line: the repository is its own master
		}
		for _, name := range strings.Fields(ml.value) {
			if name == r.Name {
				continue
			}
			var dir string
			found := false
			if opts.Lookup != nil {
				dir, found = opts.Lookup(name)
			}
			if !found {
				return nil, &MasterNotFoundError{File: ml.file, Line: ml.line, Name: name}
			}
			mr, err := open(dir, sub, visiting)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: master %q: %w", ml.file, ml.line, name, err)
			}
			r.Masters = append(r.Masters, mr)
		}
	}
	r.mergeMasterCategories()
	return r, nil
}

// mergeMasterCategories adds the masters' categories: an overlay's
// profiles/categories lists only its own, and Portage uses the union over
// all repositories.
func (r *Repo) mergeMasterCategories() {
	if len(r.Masters) == 0 {
		return
	}
	set := map[string]bool{}
	for _, c := range r.Categories {
		set[c] = true
	}
	for _, m := range r.Masters {
		for _, c := range m.Categories {
			set[c] = true
		}
	}
	r.Categories = sortedKeys(set)
}

// MasterNotFoundError is a master named in layout.conf that Lookup could
// not resolve.
type MasterNotFoundError struct {
	File string // layout.conf
	Line int
	Name string
}

func (e *MasterNotFoundError) Error() string {
	return fmt.Sprintf("%s:%d: master repository %q not found", e.File, e.Line, e.Name)
}

type layoutLine struct {
	value string
	file  string
	line  int
}

// readLayout parses metadata/layout.conf ("key = value" lines, # comments).
// A missing file is an empty layout.
func readLayout(path string) (map[string]layoutLine, error) {
	out := map[string]layoutLine{}
	err := eachLine(path, func(n int, line string) error {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			return nil
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("%s:%d: expected key = value, got %q", path, n, line)
		}
		out[strings.TrimSpace(k)] = layoutLine{value: strings.TrimSpace(v), file: path, line: n}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	return out, err
}

func (r *Repo) readName(abs string, layout map[string]layoutLine) error {
	// Portage: layout.conf repo-name wins over profiles/repo_name.
	if v := layout["repo-name"]; v.value != "" {
		r.Name = v.value
		return nil
	}
	p := filepath.Join(abs, "profiles", "repo_name")
	data, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("repository %s has no name: %w", r.Path, err)
	}
	name := strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0])
	if name == "" {
		return fmt.Errorf("%s:1: empty repository name", p)
	}
	r.Name = name
	return nil
}

func (r *Repo) readCategories(abs string) error {
	set := map[string]bool{}
	r.ownCategories = map[string]bool{}
	for _, c := range strings.Fields(gentooCategoriesText) {
		set[c] = true
	}
	p := filepath.Join(abs, "profiles", "categories")
	err := eachLine(p, func(n int, line string) error {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			return nil
		}
		if !validCategory(line) {
			return fmt.Errorf("%s:%d: invalid category name %q", p, n, line)
		}
		set[line] = true
		r.ownCategories[line] = true
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	r.Categories = sortedKeys(set)
	return nil
}

// EclassDirs is the eclass search order, first hit wins: the repository
// itself, then its masters from last to first (a later master wins over an
// earlier one, as in Portage), each followed by its own masters. A
// directory appears once.
func (r *Repo) EclassDirs() []string {
	var out []string
	seen := map[string]bool{}
	var add func(x *Repo)
	add = func(x *Repo) {
		d := filepath.Join(x.Path, "eclass")
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
		for i := len(x.Masters) - 1; i >= 0; i-- {
			add(x.Masters[i])
		}
	}
	add(r)
	return out
}

// Mirror returns the URLs of a third-party mirror, looking in this
// repository first and then in its masters.
func (r *Repo) Mirror(name string) []string {
	if u, ok := r.ThirdPartyMirrors[name]; ok {
		return u
	}
	for i := len(r.Masters) - 1; i >= 0; i-- {
		if u := r.Masters[i].Mirror(name); u != nil {
			return u
		}
	}
	return nil
}

// eachLine calls fn with every line of the file (1-based numbers).
func eachLine(path string, fn func(n int, line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		if err := fn(n, sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

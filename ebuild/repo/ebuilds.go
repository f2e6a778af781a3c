package repo

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"buckos.dev/buckos/ebuild"
)

// NameError is a file or directory whose name breaks the PMS naming rules
// (or that cannot be used as an ebuild). Scan reports these instead of
// skipping them.
type NameError struct {
	Path string
	Msg  string
}

func (e *NameError) Error() string { return e.Path + ": " + e.Msg }

// nonCategoryDirs are top-level directories that never hold packages.
var nonCategoryDirs = map[string]bool{
	"eclass": true, "profiles": true, "metadata": true, "licenses": true, "scripts": true,
}

// Ebuilds lists every CATEGORY/PN/PN-PVR.ebuild, sorted by category,
// package and version. If some names are invalid, it still returns the valid
// ebuilds, together with an error joining one *NameError per bad name; use
// Scan to get them separately.
func (r *Repo) Ebuilds() ([]ebuild.Ref, error) {
	refs, bad, err := r.Scan()
	if err != nil {
		return nil, err
	}
	return refs, errors.Join(bad...)
}

// Scan lists every ebuild like Ebuilds and returns the bad names as a
// separate list; err is set only when the tree cannot be read.
func (r *Repo) Scan() (refs []ebuild.Ref, bad []error, err error) {
	top, err := os.ReadDir(r.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("listing repository %s: %w", r.Path, err)
	}
	listed := map[string]bool{}
	for _, c := range r.Categories {
		listed[c] = true
	}
	for _, d := range top {
		name := d.Name()
		if strings.HasPrefix(name, ".") || nonCategoryDirs[name] || !isDir(r.Path, d) {
			continue
		}
		if !listed[name] {
			// Not a category Portage knows; report it only if it holds
			// ebuilds, so stray directories (files/, docs) stay quiet.
			if m, _ := filepath.Glob(filepath.Join(r.Path, name, "*", "*.ebuild")); len(m) > 0 {
				bad = append(bad, &NameError{Path: filepath.Join(r.Path, name), Msg: "directory holds ebuilds but is not a category (profiles/categories)"})
			}
			continue
		}
		cr, cb, err := r.scanCategory(name, "*")
		if err != nil {
			return nil, nil, err
		}
		refs, bad = append(refs, cr...), append(bad, cb...)
	}
	sortRefs(refs)
	return refs, bad, nil
}

// scanCategory lists the ebuilds of the packages of cat matching the glob
// pnPattern.
func (r *Repo) scanCategory(cat, pnPattern string) ([]ebuild.Ref, []error, error) {
	var refs []ebuild.Ref
	var bad []error
	dir := filepath.Join(r.Path, cat)
	if !validCategory(cat) {
		return nil, []error{&NameError{Path: dir, Msg: fmt.Sprintf("invalid category name %q", cat)}}, nil
	}
	pkgs, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("listing category %s: %w", dir, err)
	}
	for _, p := range pkgs {
		pn := p.Name()
		if strings.HasPrefix(pn, ".") || !isDir(dir, p) {
			continue
		}
		if ok, _ := path.Match(pnPattern, pn); !ok {
			continue
		}
		pr, pb, err := r.scanPackage(cat, pn)
		if err != nil {
			return nil, nil, err
		}
		refs, bad = append(refs, pr...), append(bad, pb...)
	}
	return refs, bad, nil
}

func (r *Repo) scanPackage(cat, pn string) ([]ebuild.Ref, []error, error) {
	dir := filepath.Join(r.Path, cat, pn)
	files, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("listing package %s: %w", dir, err)
	}
	var refs []ebuild.Ref
	var bad []error
	pnOK := validPN(pn)
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".ebuild") {
			continue
		}
		p := filepath.Join(dir, name)
		if !pnOK {
			bad = append(bad, &NameError{Path: p, Msg: fmt.Sprintf("invalid package name %q", pn)})
			continue
		}
		pf := strings.TrimSuffix(name, ".ebuild")
		pvr, ok := strings.CutPrefix(pf, pn+"-")
		if !ok || !validPVR(pvr) {
			bad = append(bad, &NameError{Path: p, Msg: fmt.Sprintf("ebuild name is not %s-VERSION.ebuild", pn)})
			continue
		}
		// Follow symlinked ebuilds; the link's name gives PF.
		st, err := os.Stat(p)
		if err != nil {
			bad = append(bad, &NameError{Path: p, Msg: fmt.Sprintf("unreadable ebuild: %v", err)})
			continue
		}
		if !st.Mode().IsRegular() {
			bad = append(bad, &NameError{Path: p, Msg: "ebuild is not a regular file"})
			continue
		}
		if target, ok := symlinkStub(dir, pn, st.Size(), p); ok {
			p = target
		}
		refs = append(refs, ebuild.Ref{Repo: r.Name, Category: cat, PN: pn, PVR: pvr, Path: p})
	}
	return refs, bad, nil
}

func isDir(parent string, d os.DirEntry) bool {
	if d.IsDir() {
		return true
	}
	if d.Type()&os.ModeSymlink != 0 {
		st, err := os.Stat(filepath.Join(parent, d.Name()))
		return err == nil && st.IsDir()
	}
	return false
}

func sortRefs(refs []ebuild.Ref) {
	sort.Slice(refs, func(i, j int) bool {
		a, b := refs[i], refs[j]
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		if a.PN != b.PN {
			return a.PN < b.PN
		}
		return compareVersions(a.PVR, b.PVR) < 0
	})
}

// symlinkStub recognises a symbolic link stored as a plain file, as git
// writes one when symlinks are off (core.symlinks=false) or a copy lost
// them: the whole file is the name of another ebuild of the same package
// in the same directory. It returns that ebuild's path, which is what
// Portage reads (and hashes) through a real link; PF still comes from the
// link's own name.
func symlinkStub(dir, pn string, size int64, path string) (string, bool) {
	if size == 0 || size > 255 {
		return "", false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	name := string(data)
	if !strings.HasPrefix(name, pn+"-") || !strings.HasSuffix(name, ".ebuild") ||
		strings.ContainsAny(name, "/ \t\n") || name == filepath.Base(path) {
		return "", false
	}
	target := filepath.Join(dir, name)
	if st, err := os.Stat(target); err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	return target, true
}

// Package resolve maps Gentoo dependency atoms to the dependency items of a
// generated BUCK file (docs/GENERATED_BUCK.md), through an index of every
// package of the repositories in play: Gazelle's resolve step.
package resolve

import (
	"fmt"
	"slices"
	"strings"

	"buckos.dev/buckos/ebuild/version"
	"buckos.dev/buckos/emit/cells"
)

// Version is one ebuild of a package, as the index knows it.
type Version struct {
	PVR      string
	Slot     string
	SubSlot  string
	Keywords []string // KEYWORDS tokens
	Masked   bool     // profiles/package.mask
	// Properties holds PROPERTIES tokens ("live" marks a live ebuild).
	Properties []string
}

// Live reports a live ebuild (PROPERTIES=live, as git-r3 sets it, or a
// version made of 9s such as 9999): it never is a default.
func (v Version) Live() bool {
	if slices.Contains(v.Properties, "live") {
		return true
	}
	main, _, _ := strings.Cut(v.PVR, "-")
	return strings.Trim(main, "9") == "" && len(main) >= 4
}

// Status is "stable" (amd64 in KEYWORDS), "testing" (~amd64),
// "unkeyworded" (no amd64 keyword at all: Portage's "missing keyword"
// mask, which a user lifts with ** keywords; live ebuilds are usually
// unkeyworded) or "masked" (-amd64 or -* and no amd64 keyword: known not to
// work on amd64).
func (v Version) Status() string { return Status(v.Keywords) }

// Arch is the keyword BuckOS builds for.
const Arch = "amd64"

// Status derives a version's status label from its KEYWORDS.
func Status(keywords []string) string {
	switch {
	case slices.Contains(keywords, Arch):
		return "stable"
	case slices.Contains(keywords, "~"+Arch):
		return "testing"
	case slices.Contains(keywords, "-"+Arch) || slices.Contains(keywords, "-*"):
		return "masked"
	}
	return "unkeyworded"
}

// DefaultVersion picks the version the plain label builds: the newest
// stable one; else the newest testing one; never a package.masked, a
// keyword-masked (-amd64) or a live one. If neither exists, the newest
// unkeyworded version that is not live; otherwise none ("", false).
func DefaultVersion(versions []Version) (string, bool) {
	sorted := sortedVersions(versions)
	for _, want := range []string{"stable", "testing", ""} {
		for i := len(sorted) - 1; i >= 0; i-- {
			v := sorted[i]
			if v.Masked || v.Live() || v.Status() == "masked" {
				continue
			}
			if want == "" || v.Status() == want {
				return v.PVR, true
			}
		}
	}
	return "", false
}

// sortedVersions orders versions oldest first (PMS comparison); versions
// that do not parse sort first, by text.
func sortedVersions(versions []Version) []Version {
	type parsed struct {
		v   Version
		pv  version.Version
		bad bool
	}
	ps := make([]parsed, len(versions))
	for i, v := range versions {
		pv, err := version.Parse(v.PVR)
		ps[i] = parsed{v, pv, err != nil}
	}
	slices.SortStableFunc(ps, func(a, b parsed) int {
		switch {
		case a.bad && b.bad:
			return strings.Compare(a.v.PVR, b.v.PVR)
		case a.bad:
			return -1
		case b.bad:
			return 1
		}
		return version.Compare(a.pv, b.pv)
	})
	out := make([]Version, len(ps))
	for i, p := range ps {
		out[i] = p.v
	}
	return out
}

// Package is one CAT/PN with all its versions in the repositories in play.
type Package struct {
	Key      string // CAT/PN
	Versions []Version
}

// Index knows every package in play and where the layout put it.
type Index struct {
	layout *cells.Layout
	pkgs   map[string]*entry
}

type entry struct {
	pkg    Package
	place  cells.Place
	parsed []version.Version // parallel to pkg.Versions; zero when unparsable
	// hasDefault and slotDefault cache DefaultVersion of the package and of
	// each slot's versions (built by NewIndex).
	hasDefault  bool
	slotDefault map[string]bool
}

// NewIndex indexes pkgs; every package must be placed by layout. A key that
// appears twice (the same package in two repositories) merges its versions;
// a version present in both is kept once (the first).
func NewIndex(layout *cells.Layout, pkgs []Package) (*Index, error) {
	ix := &Index{layout: layout, pkgs: make(map[string]*entry, len(pkgs))}
	for _, p := range pkgs {
		place, ok := layout.Place(p.Key)
		if !ok {
			return nil, fmt.Errorf("index: package %s is not in the layout", p.Key)
		}
		e := ix.pkgs[p.Key]
		if e == nil {
			e = &entry{pkg: Package{Key: p.Key}, place: place}
			ix.pkgs[p.Key] = e
		}
		for _, v := range p.Versions {
			if slices.ContainsFunc(e.pkg.Versions, func(x Version) bool { return x.PVR == v.PVR }) {
				continue
			}
			pv, _ := version.Parse(v.PVR)
			e.pkg.Versions = append(e.pkg.Versions, v)
			e.parsed = append(e.parsed, pv)
		}
	}
	for _, e := range ix.pkgs {
		_, e.hasDefault = DefaultVersion(e.pkg.Versions)
		bySlot := map[string][]Version{}
		for _, v := range e.pkg.Versions {
			bySlot[v.Slot] = append(bySlot[v.Slot], v)
		}
		e.slotDefault = make(map[string]bool, len(bySlot))
		for slot, vs := range bySlot {
			_, e.slotDefault[slot] = DefaultVersion(vs)
		}
	}
	return ix, nil
}

// Lookup returns the indexed package CAT/PN and its place.
func (ix *Index) Lookup(key string) (Package, cells.Place, bool) {
	e, ok := ix.pkgs[key]
	if !ok {
		return Package{}, cells.Place{}, false
	}
	return e.pkg, e.place, true
}

// Layout is the layout the index was built with.
func (ix *Index) Layout() *cells.Layout { return ix.layout }

package cells

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Place is where one package lives in the generated tree.
type Place struct {
	Cell string // e.g. "core"
	Dir  string // directory inside the cell, normally PN
	Name string // name of the package's default target: always PN
}

// Base is the label base "cell//dir" that version_dep and the registry use.
func (p Place) Base() string { return p.Cell + "//" + p.Dir }

// Label is the label of the default-version target, "cell//dir:PN".
func (p Place) Label() string { return p.Base() + ":" + p.Name }

// Path is the package directory relative to the workspace root.
func (p Place) Path() string { return "packages/linux/" + p.Cell + "/" + p.Dir }

// Layout gives every package of a tree its Place. Build it from the full set
// of packages in play so that collisions are decided once, for all of them.
type Layout struct {
	places map[string]Place // CAT/PN → place
}

// NewLayout places every CAT/PN. Inside one cell a package directory is its
// PN. When several packages of a cell share a PN, the one whose category
// ranks first in the cell's table row (categories missing from the table
// rank after all listed ones, by name) keeps PN; each other one gets
// PN-SUFFIX, where SUFFIX is its category after the first '-' (the whole
// category when it has no '-'); if that is taken too, PN-CATEGORY.
// Duplicates in catpns are ignored.
func NewLayout(catpns []string) (*Layout, error) {
	type pkg struct {
		cat, pn, cell string
		rank          int
	}
	byCell := map[string][]pkg{}
	seen := map[string]bool{}
	for _, cp := range catpns {
		if seen[cp] {
			continue
		}
		seen[cp] = true
		cat, pn, ok := strings.Cut(cp, "/")
		if !ok {
			return nil, fmt.Errorf("package %q: want CATEGORY/PN", cp)
		}
		cell, err := Cell(cat)
		if err != nil {
			return nil, fmt.Errorf("package %q: %w", cp, err)
		}
		if err := validPN(pn); err != nil {
			return nil, fmt.Errorf("package %q: %w", cp, err)
		}
		rank, ok := tableIndex().rank[cat]
		if !ok {
			rank = 1 << 20
		}
		byCell[cell] = append(byCell[cell], pkg{cat, pn, cell, rank})
	}
	l := &Layout{places: make(map[string]Place, len(seen))}
	for cell, pkgs := range byCell {
		slices.SortFunc(pkgs, func(a, b pkg) int {
			return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.cat, b.cat), cmp.Compare(a.pn, b.pn))
		})
		taken := map[string]bool{}
		var losers []pkg
		for _, p := range pkgs {
			if taken[p.pn] {
				losers = append(losers, p)
				continue
			}
			taken[p.pn] = true
			l.places[p.cat+"/"+p.pn] = Place{Cell: cell, Dir: p.pn, Name: p.pn}
		}
		for _, p := range losers {
			_, suffix, ok := strings.Cut(p.cat, "-")
			if !ok {
				suffix = p.cat
			}
			dir := p.pn + "-" + suffix
			if taken[dir] {
				dir = p.pn + "-" + p.cat
			}
			if taken[dir] {
				return nil, fmt.Errorf("package %s/%s: no free directory in cell %s (%s is taken)", p.cat, p.pn, cell, dir)
			}
			taken[dir] = true
			l.places[p.cat+"/"+p.pn] = Place{Cell: cell, Dir: dir, Name: p.pn}
		}
	}
	return l, nil
}

// Place returns where CAT/PN lives; ok is false for a package the layout
// was not built with.
func (l *Layout) Place(catpn string) (Place, bool) {
	p, ok := l.places[catpn]
	return p, ok
}

// Dir returns the cell and directory of CAT/PN.
func (l *Layout) Dir(catpn string) (cell, dir string, ok bool) {
	p, ok := l.places[catpn]
	return p.Cell, p.Dir, ok
}

// Packages returns every CAT/PN of the layout, sorted.
func (l *Layout) Packages() []string {
	out := make([]string, 0, len(l.places))
	for cp := range l.places {
		out = append(out, cp)
	}
	slices.Sort(out)
	return out
}

// Package cells maps Gentoo categories to BuckOS cells and gives every
// package of a generated tree its directory inside its cell.
//
// The table itself lives in table.go; docs/CELLS.md prints it.
package cells

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// categoriesTxt is Gentoo's category list (reference data, one per line).
//
//go:embed categories.txt
var categoriesTxt string

// index is the table turned into lookups. It is computed once from the
// immutable table and never changed afterwards.
type index struct {
	cellOf map[string]string // category → cell
	rank   map[string]int    // category → position in its cell's list
	cells  []string          // sorted cell names
}

var tableIndex = sync.OnceValue(func() *index {
	ix := &index{cellOf: map[string]string{}, rank: map[string]int{}}
	for _, row := range cellTable {
		ix.cells = append(ix.cells, row.Cell)
		for i, cat := range row.Categories {
			ix.cellOf[cat] = row.Cell
			ix.rank[cat] = i
		}
	}
	for i, row := range newerCategories {
		ix.cellOf[row.Category] = row.Cell
		ix.rank[row.Category] = 1<<10 + i // after every listed category
	}
	slices.Sort(ix.cells)
	return ix
})

// Cells returns the names of all package cells, sorted.
func Cells() []string { return slices.Clone(tableIndex().cells) }

// Categories returns Gentoo's reference category list, in its order.
func Categories() []string { return strings.Fields(categoriesTxt) }

// CellCategories returns the categories the table gives to cell, in rank
// order, or nil for an unknown cell.
func CellCategories(cell string) []string {
	for _, row := range cellTable {
		if row.Cell == cell {
			return slices.Clone(row.Categories)
		}
	}
	return nil
}

// InTable reports whether the table places category (one of Gentoo's
// reference categories, or a newer one it lists) as opposed to the prefix
// fallback.
func InTable(category string) bool {
	_, ok := tableIndex().cellOf[category]
	return ok
}

// Cell returns the cell that receives category. A category missing from the
// table is placed by its prefix (the text before the first '-'), and a
// category with an unknown prefix goes to the "system" cell. Only a name that
// is not a valid PMS category name is an error.
func Cell(category string) (string, error) {
	if err := ValidCategory(category); err != nil {
		return "", err
	}
	if c, ok := tableIndex().cellOf[category]; ok {
		return c, nil
	}
	prefix, _, _ := strings.Cut(category, "-")
	if c, ok := prefixFallback[prefix]; ok {
		return c, nil
	}
	return defaultCell, nil
}

// ValidCategory checks a category name against PMS 3.1.1: characters
// [A-Za-z0-9+_.-], not starting with '-', '.' or '+'.
func ValidCategory(category string) error {
	if category == "" {
		return fmt.Errorf("empty category name")
	}
	if strings.ContainsRune("-.+", rune(category[0])) {
		return fmt.Errorf("category %q: must not start with %q", category, category[0])
	}
	for _, r := range category {
		if !validNameRune(r) {
			return fmt.Errorf("category %q: invalid character %q", category, r)
		}
	}
	return nil
}

// validPN checks a package name (PMS 3.1.2): [A-Za-z0-9+_-], not starting
// with '-' or '+'.
func validPN(pn string) error {
	if pn == "" {
		return fmt.Errorf("empty package name")
	}
	if pn[0] == '-' || pn[0] == '+' {
		return fmt.Errorf("package name %q: must not start with %q", pn, pn[0])
	}
	for _, r := range pn {
		if r == '.' || !validNameRune(r) {
			return fmt.Errorf("package name %q: invalid character %q", pn, r)
		}
	}
	return nil
}

func validNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '+' || r == '_' || r == '.' || r == '-'
}

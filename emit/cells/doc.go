package cells

import (
	"fmt"
	"slices"
	"strings"
)

// MarkdownTable renders the cell table (cells sorted, categories in rank
// order) and the prefix fallback as the Markdown that docs/CELLS.md embeds
// between its "generated" markers.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| cell | categories, in rank order |\n|---|---|\n")
	rows := slices.Clone(cellTable)
	slices.SortFunc(rows, func(a, b struct {
		Cell       string
		Categories []string
	}) int {
		return strings.Compare(a.Cell, b.Cell)
	})
	for _, row := range rows {
		fmt.Fprintf(&b, "| `%s` | %s |\n", row.Cell, strings.Join(row.Categories, ", "))
	}
	b.WriteString("\n| newer category (not in the reference list) | cell |\n|---|---|\n")
	for _, row := range newerCategories {
		fmt.Fprintf(&b, "| %s | `%s` |\n", row.Category, row.Cell)
	}
	b.WriteString("\n| prefix of an unlisted category | cell |\n|---|---|\n")
	prefixes := make([]string, 0, len(prefixFallback))
	for p := range prefixFallback {
		prefixes = append(prefixes, p)
	}
	slices.Sort(prefixes)
	for _, p := range prefixes {
		fmt.Fprintf(&b, "| `%s-` | `%s` |\n", p, prefixFallback[p])
	}
	fmt.Fprintf(&b, "| any other | `%s` |\n", defaultCell)
	return b.String()
}

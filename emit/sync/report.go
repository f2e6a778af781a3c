package sync

import (
	"fmt"
	"sort"
	"strings"
)

// Report summarizes the state of the workspace after a sync: every package
// the index knows, not only those regenerated in this run, so it reads the
// same after a full and an incremental sync.
type Report struct {
	Packages    int
	Declarative int // ebuild targets with declarative phases
	Verbatim    int // ebuild targets with phases kept as bash
	Cells       []CellCount
	Verbatims   []VerbatimTarget
	Unresolved  []Unresolved
	Failures    []Failure
	// Problems are the generator's non-fatal notes, "CAT/PN: text".
	Problems []string
	// NotWritten lists the CAT/PN that written packages depend on and the
	// repositories have, but the workspace does not (an import without
	// --with-deps): their labels name packages that do not exist yet.
	NotWritten []string
}

// CellCount is one line of the per-cell summary.
type CellCount struct {
	Cell                            string
	Packages, Declarative, Verbatim int
}

// VerbatimTarget is a target whose phases stay bash, and why.
type VerbatimTarget struct {
	Package, Target, Why string
}

func (r *run) report() *Report {
	rep := &Report{}
	cells := map[string]*CellCount{}
	notWritten := map[string]bool{}
	rep.Failures = append(rep.Failures, r.scanErrs...)
	for _, cp := range r.order {
		e := r.next.Packages[cp]
		if r.only != nil && !r.only[cp] && e.Files == nil {
			continue
		}
		cell, _, _ := strings.Cut(e.Place, "//")
		c := cells[cell]
		if c == nil {
			c = &CellCount{Cell: cell}
			cells[cell] = c
		}
		c.Packages++
		rep.Packages++
		for _, t := range e.Targets {
			if t.Verbatim {
				c.Verbatim++
				rep.Verbatim++
				rep.Verbatims = append(rep.Verbatims, VerbatimTarget{cp, t.Name, t.Why})
			} else {
				c.Declarative++
				rep.Declarative++
			}
		}
		rep.Unresolved = append(rep.Unresolved, e.Unresolved...)
		rep.Failures = append(rep.Failures, e.Failures...)
		for _, p := range e.Problems {
			rep.Problems = append(rep.Problems, cp+": "+p)
		}
		for _, eb := range e.Ebuilds {
			for _, dep := range eb.Deps {
				if d := r.next.Packages[dep]; d != nil && d.Files == nil {
					notWritten[dep] = true
				}
			}
		}
	}
	for cp := range notWritten {
		rep.NotWritten = append(rep.NotWritten, cp)
	}
	sort.Strings(rep.NotWritten)
	for _, c := range cells {
		rep.Cells = append(rep.Cells, *c)
	}
	sort.Slice(rep.Cells, func(i, j int) bool { return rep.Cells[i].Cell < rep.Cells[j].Cell })
	sort.SliceStable(rep.Unresolved, func(i, j int) bool {
		a, b := rep.Unresolved[i], rep.Unresolved[j]
		if a.Ebuild != b.Ebuild {
			return a.Ebuild < b.Ebuild
		}
		return a.Atom < b.Atom
	})
	sort.SliceStable(rep.Failures, func(i, j int) bool {
		a, b := rep.Failures[i], rep.Failures[j]
		if a.What != b.What {
			return a.What < b.What
		}
		return a.Err < b.Err
	})
	return rep
}

// Summary is the short form printed at the end of a sync.
func (rep *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d packages: %d declarative and %d verbatim ebuild targets, %d unresolved atoms, %d failures, %d problems\n",
		rep.Packages, rep.Declarative, rep.Verbatim, len(rep.Unresolved), len(rep.Failures), len(rep.Problems))
	for _, c := range rep.Cells {
		fmt.Fprintf(&b, "  %-14s %5d packages  %5d declarative  %5d verbatim\n", c.Cell, c.Packages, c.Declarative, c.Verbatim)
	}
	if n := len(rep.NotWritten); n > 0 {
		const show = 8
		names := rep.NotWritten[:min(n, show)]
		more := ""
		if n > show {
			more = fmt.Sprintf(", ... %d more", n-show)
		}
		fmt.Fprintf(&b, "%d packages they depend on are in the repositories but not in the workspace (%s%s): their labels do not exist yet; import them too, or use --with-deps\n",
			n, strings.Join(names, ", "), more)
	}
	return b.String()
}

// Text is the full report, written to .ebuild2buck/report.txt.
func (rep *Report) Text() string {
	var b strings.Builder
	b.WriteString("# ebuild2buck sync report\n\n")
	b.WriteString(rep.Summary())
	section := func(title string, n int) {
		fmt.Fprintf(&b, "\n## %s (%d)\n", title, n)
	}
	section("unresolved atoms", len(rep.Unresolved))
	for _, u := range rep.Unresolved {
		fmt.Fprintf(&b, "%s: %s: %s\n", u.Ebuild, u.Atom, u.Reason)
	}
	section("failures", len(rep.Failures))
	for _, f := range rep.Failures {
		fmt.Fprintf(&b, "%s: %s\n", f.What, f.Err)
	}
	section("problems", len(rep.Problems))
	for _, p := range rep.Problems {
		fmt.Fprintln(&b, p)
	}
	section("dependencies not in the workspace", len(rep.NotWritten))
	for _, cp := range rep.NotWritten {
		fmt.Fprintln(&b, cp)
	}
	section("verbatim targets", len(rep.Verbatims))
	for _, v := range rep.Verbatims {
		fmt.Fprintf(&b, "%s:%s: %s\n", v.Package, v.Target, v.Why)
	}
	return b.String()
}

// Brief is the end-of-run text for a terminal: the summary, then the first
// limit failures (FILE:LINE) and unresolved atoms (package and reason),
// each with the number left out; the report file has them all.
func (rep *Report) Brief(limit int) string {
	var b strings.Builder
	b.WriteString(rep.Summary())
	if n := len(rep.Failures); n > 0 {
		b.WriteString("failures:\n")
		for i, f := range rep.Failures {
			if i == limit {
				fmt.Fprintf(&b, "  ... and %d more\n", n-limit)
				break
			}
			fmt.Fprintf(&b, "  %s: %s\n", f.What, f.Err)
		}
	}
	if n := len(rep.Unresolved); n > 0 {
		reasons := map[string]int{}
		for _, u := range rep.Unresolved {
			reasons[u.Reason]++
		}
		keys := make([]string, 0, len(reasons))
		for r := range reasons {
			keys = append(keys, r)
		}
		sort.Slice(keys, func(i, j int) bool {
			if reasons[keys[i]] != reasons[keys[j]] {
				return reasons[keys[i]] > reasons[keys[j]]
			}
			return keys[i] < keys[j]
		})
		b.WriteString("unresolved atoms by reason:\n")
		for _, r := range keys {
			fmt.Fprintf(&b, "  %6d  %s\n", reasons[r], r)
		}
		for i, u := range rep.Unresolved {
			if i == limit {
				fmt.Fprintf(&b, "  ... and %d more\n", n-limit)
				break
			}
			fmt.Fprintf(&b, "  %s: %s: %s\n", u.Ebuild, u.Atom, u.Reason)
		}
	}
	return b.String()
}

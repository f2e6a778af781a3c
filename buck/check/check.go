// Package check evaluates every BUCK and .bzl file of a workspace against
// the Buck2 model in buck/model and reports, per cell, the targets found
// and every problem Buck2 would report: load errors, bad attributes,
// unresolved labels, visibility violations, dependency cycles and
// analysis failures.
package check

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"buckos.dev/buckos/buck/model"
	"go.starlark.net/starlark"
	"golang.org/x/sync/errgroup"
)

// CellReport is what check found in one cell.
type CellReport struct {
	Name     string `json:"name"`
	Path     string `json:"path"`
	External string `json:"external,omitempty"`
	Packages int    `json:"packages"`
	Targets  int    `json:"targets"`
	// Incompatible targets are skipped, as Buck2 skips them: their
	// target_compatible_with does not hold on their platform, or a
	// dependency's does not.
	Incompatible int `json:"incompatible,omitempty"`
	// Errors counts the errors in the cell's files.
	Errors int `json:"error_count,omitempty"`
	// Unbuildable counts the targets that load and analyse but whose build fails at once
	// (BuckOS packages with a non-empty `unbuildable` attribute: a REQUIRED_USE the
	// defaults violate, a selected unresolved dependency, ...). They are not errors.
	Unbuildable int `json:"unbuildable,omitempty"`
}

// UnbuildableTarget is a target whose `unbuildable` attribute lists why its build fails.
type UnbuildableTarget struct {
	Label   string   `json:"label"`
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Reasons []string `json:"reasons"`
}

// Report is the result of checking a workspace.
type Report struct {
	Cells       []CellReport        `json:"cells"`
	Errors      []model.Diagnostic  `json:"errors"`
	Unbuildable []UnbuildableTarget `json:"unbuildable,omitempty"`
}

// OK reports whether no error was found.
func (r *Report) OK() bool { return len(r.Errors) == 0 }

// WriteText prints the report for people.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, c := range r.Cells {
		where := c.Path
		if c.External != "" {
			where += ", external: " + c.External
		}
		fmt.Fprintf(&b, "cell %s (%s): %d packages, %d targets", c.Name, where, c.Packages, c.Targets)
		if c.Incompatible > 0 {
			fmt.Fprintf(&b, " (%d incompatible, skipped)", c.Incompatible)
		}
		if c.Errors > 0 {
			fmt.Fprintf(&b, ", %d errors", c.Errors)
		}
		if c.Unbuildable > 0 {
			fmt.Fprintf(&b, ", %d unbuildable targets", c.Unbuildable)
		}
		b.WriteString("\n")
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	if r.OK() {
		b.WriteString("ok\n")
	} else {
		fmt.Fprintf(&b, "%d errors\n", len(r.Errors))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the report as stable, indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	out := struct {
		OK bool `json:"ok"`
		*Report
	}{r.OK(), r}
	if out.Errors == nil {
		out.Errors = []model.Diagnostic{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Check evaluates the workspace rooted at dir (the directory holding the
// root .buckconfig). The error is for a workspace that cannot be read at
// all; problems in its files are in the report.
func Check(ctx context.Context, dir string) (*Report, error) {
	cells, err := model.LoadCells(dir)
	if err != nil {
		return nil, err
	}
	in := model.New(cells)
	pkgs, bzls, packageFiles, err := findPackages(cells, in.BuildfileNames())
	if err != nil {
		return nil, err
	}
	var diags []model.Diagnostic
	for _, f := range packageFiles {
		diags = append(diags, model.Diagnostic{File: f, Msg: "not modelled: PACKAGE files (package() defaults such as visibility would change what check reports)"})
	}
	// Load every .bzl file first, in path order: module errors (a load
	// cycle above all) then do not depend on which package runs first.
	for _, f := range bzls {
		if err := in.LoadFile(f); err != nil {
			diags = append(diags, model.Diagnostic{File: f, Msg: err.Error()})
		}
	}
	evaluated, panicked, err := evalPackages(ctx, in, pkgs)
	if err != nil {
		return nil, err
	}
	w := newWorkspace(in, evaluated)
	w.diags = append(append(w.diags, diags...), panicked...)
	w.checkRefs()
	skipped := w.analyzeAll(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return w.report(cells, evaluated, skipped), nil
}

// evalPackages evaluates the build files in parallel. A panic in the
// model becomes a diagnostic for its file instead of ending the run.
func evalPackages(ctx context.Context, in *model.Interp, pkgs []pkgFile) ([]*model.Package, []model.Diagnostic, error) {
	evaluated := make([]*model.Package, len(pkgs))
	var panicked []model.Diagnostic
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0) * 2)
	for i, p := range pkgs {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					panicked = append(panicked, model.Diagnostic{File: p.file, Msg: fmt.Sprintf("internal error in ebuild2buck check: %v", r)})
					mu.Unlock()
				}
			}()
			evaluated[i] = in.EvalPackage(p.id, p.file)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	kept := evaluated[:0]
	for _, p := range evaluated {
		if p != nil {
			kept = append(kept, p)
		}
	}
	model.SortDiagnostics(panicked)
	return kept, panicked, nil
}

// report counts packages, targets, skipped targets and errors per cell
// (every cell, empty ones too) and sorts the errors.
func (w *workspace) report(cells *model.Cells, evaluated []*model.Package, skipped map[string]int) *Report {
	rep := &Report{}
	for _, c := range cells.All() {
		rep.Cells = append(rep.Cells, CellReport{Name: c.Name, Path: c.Path, External: c.External})
	}
	counts := map[string]*CellReport{}
	for i := range rep.Cells {
		counts[rep.Cells[i].Name] = &rep.Cells[i]
	}
	for cell, n := range skipped {
		counts[cell].Incompatible = n
	}
	for _, p := range evaluated {
		counts[p.ID.Cell].Packages++
		if !p.Stopped {
			counts[p.ID.Cell].Targets += len(p.Targets)
			for _, t := range p.Targets {
				if reasons := unbuildableReasons(t); len(reasons) > 0 {
					counts[p.ID.Cell].Unbuildable++
					rep.Unbuildable = append(rep.Unbuildable, UnbuildableTarget{Label: t.Label.String(), File: t.File, Line: t.Line, Reasons: reasons})
				}
			}
		}
		rep.Errors = append(rep.Errors, p.Diags...)
	}
	sort.Slice(rep.Unbuildable, func(i, j int) bool { return rep.Unbuildable[i].Label < rep.Unbuildable[j].Label })
	rep.Errors = append(rep.Errors, w.in.ModuleDiagnostics()...)
	rep.Errors = append(rep.Errors, w.diags...)
	model.SortDiagnostics(rep.Errors)
	rep.Errors = dedupe(rep.Errors)
	for _, e := range rep.Errors {
		if c, ok := counts[cellOfFile(cells, e.File)]; ok {
			c.Errors++
		}
	}
	return rep
}

// unbuildableReasons reads a target's `unbuildable` attribute (a list of strings), the
// convention of BuckOS's package rules (docs/USE_AND_DEPS.md).
func unbuildableReasons(t *model.Target) []string {
	l, ok := t.Attrs["unbuildable"].(*starlark.List)
	if !ok {
		return nil
	}
	var out []string
	for i := 0; i < l.Len(); i++ {
		if s, ok := starlark.AsString(l.Index(i)); ok {
			out = append(out, s)
		}
	}
	return out
}

// cellOfFile names the cell owning a workspace-relative file.
func cellOfFile(cells *model.Cells, file string) string {
	c, _ := cells.Owner(path.Dir(file))
	return c.Name
}

func dedupe(ds []model.Diagnostic) []model.Diagnostic {
	out := ds[:0]
	for i, d := range ds {
		if i > 0 && d == ds[i-1] {
			continue
		}
		out = append(out, d)
	}
	return out
}

type pkgFile struct {
	id   model.PackageID
	file string
}

// findPackages walks the workspace for build files and .bzl files. A
// directory belongs to the cell with the longest path prefix; [project]
// ignore paths, hidden directories, buck-out and external cells are
// skipped.
func findPackages(cells *model.Cells, names []string) (pkgs []pkgFile, bzls, packageFiles []string, err error) {
	ignore := map[string]bool{"buck-out": true}
	if v, ok := cells.RootCell().Config.Get("project", "ignore"); ok {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				ignore[path.Clean(p)] = true
			}
		}
	}
	for _, c := range cells.All() {
		if c.External != "" {
			ignore[c.Path] = true
		}
	}
	var out []pkgFile
	err = filepath.WalkDir(cells.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(cells.Root, p)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() {
			switch {
			case strings.HasSuffix(rel, ".bzl"):
				bzls = append(bzls, rel)
			case d.Name() == "PACKAGE":
				packageFiles = append(packageFiles, rel)
			}
			return nil
		}
		if rel != "." && (strings.HasPrefix(d.Name(), ".") || ignore[rel]) {
			return filepath.SkipDir
		}
		for _, n := range names {
			st, err := os.Stat(filepath.Join(p, n))
			if err != nil || st.IsDir() {
				continue
			}
			cell, pkg := cells.Owner(rel)
			out = append(out, pkgFile{id: model.PackageID{Cell: cell.Name, Path: pkg}, file: path.Join(rel, n)})
			break
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("walking %s: %w", cells.Root, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].file < out[j].file })
	return out, bzls, packageFiles, nil
}

// workspace is the evaluated target graph.
type workspace struct {
	in      *model.Interp
	pkgs    map[model.PackageID]*model.Package
	targets map[model.Label]*model.Target
	order   []*model.Target // every target, in package and call order
	mu      sync.Mutex
	diags   []model.Diagnostic
	broken  map[model.Label]bool // targets with reference errors
}

func newWorkspace(in *model.Interp, pkgs []*model.Package) *workspace {
	w := &workspace{in: in, pkgs: map[model.PackageID]*model.Package{}, targets: map[model.Label]*model.Target{}, broken: map[model.Label]bool{}}
	for _, p := range pkgs {
		w.pkgs[p.ID] = p
		if p.Stopped {
			continue // Buck2 has no targets for a package that failed to evaluate
		}
		for _, t := range p.Targets {
			w.targets[t.Label] = t
			w.order = append(w.order, t)
		}
	}
	return w
}

func (w *workspace) addDiag(t *model.Target, msg string) {
	w.mu.Lock()
	w.diags = append(w.diags, model.Diagnostic{File: t.File, Line: t.Line, Msg: msg})
	w.mu.Unlock()
}

// lookup finds the target a reference names, or says why it cannot. The
// second result is false when the problem is already reported elsewhere
// (the referenced package failed to evaluate).
func (w *workspace) lookup(l model.Label) (*model.Target, string, bool) {
	l = l.Target()
	if t, ok := w.targets[l]; ok {
		return t, "", true
	}
	p, ok := w.pkgs[l.Pkg()]
	if !ok {
		return nil, fmt.Sprintf("package %s does not exist (no build file)", l.Pkg()), true
	}
	if p.Stopped || p.Rejected[l.Name] {
		return nil, fmt.Sprintf("package %s has errors", l.Pkg()), false
	}
	names := make([]string, 0, len(p.Targets))
	for _, t := range p.Targets {
		names = append(names, t.Label.Name)
	}
	sort.Strings(names)
	return nil, fmt.Sprintf("target %q not found in package %s (it defines: %s)", l.Name, l.Pkg(), strings.Join(names, ", ")), true
}

// visibleTo applies Buck2's visibility rule: a target is visible to its
// own package, and to others only through its visibility patterns.
func visibleTo(dep, from *model.Target) bool {
	if dep.Label.Pkg() == from.Label.Pkg() {
		return true
	}
	for _, p := range dep.Visibility {
		if p.Matches(from.Label) {
			return true
		}
	}
	return false
}

// withinView applies the referrer's within_view: when set, it lists what
// the target may depend on.
func withinView(dep, from *model.Target) bool {
	if len(from.WithinView) == 0 || dep.Label.Pkg() == from.Label.Pkg() {
		return true
	}
	for _, p := range from.WithinView {
		if p.Matches(dep.Label) {
			return true
		}
	}
	return false
}

func patternsString(ps []model.Pattern) string {
	if len(ps) == 0 {
		return "[] (private to its package)"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%q", p.String())
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// checkRefs reports every dependency and configuration reference (in
// every select() branch) to a target that does not exist, and every
// dependency that is not visible.
func (w *workspace) checkRefs() {
	for _, t := range w.order {
		for _, r := range t.Refs {
			// Buck2 never resolves a plain attrs.label() value (the
			// traversal ignores labels), so a missing one is no error.
			if r.Kind == model.RefLabel {
				continue
			}
			dep, why, report := w.lookup(r.Label)
			if dep == nil {
				w.broken[t.Label] = true
				if report {
					w.addDiag(t, fmt.Sprintf("%s: attribute %q: unresolved label %s: %s", t.Label, r.Attr, r.Label, why))
				}
				continue
			}
			switch {
			case r.Kind == model.RefToolchain && !dep.Rule.IsToolchain():
				w.broken[t.Label] = true
				w.addDiag(t, fmt.Sprintf("%s: attribute %q: target `%s` was used as a toolchain_dep, but is not a toolchain rule", t.Label, r.Attr, dep.Label))
			case r.Kind != model.RefToolchain && r.Kind != model.RefConfig && dep.Rule.IsToolchain():
				w.broken[t.Label] = true
				w.addDiag(t, fmt.Sprintf("%s: attribute %q: target `%s` was used not as a toolchain_dep, but is a toolchain rule", t.Label, r.Attr, dep.Label))
			}
			// Buck2 checks visibility on the dependency edges (deps,
			// exec deps, source labels, toolchain deps), not on plain
			// labels and configuration keys (configured/src/nodes.rs).
			if r.Kind == model.RefConfig {
				continue
			}
			if !visibleTo(dep, t) {
				w.broken[t.Label] = true
				w.addDiag(t, fmt.Sprintf("%s: attribute %q: `%s` is not visible to `%s` (its visibility: %s)", t.Label, r.Attr, dep.Label, t.Label, patternsString(dep.Visibility)))
			}
			if !r.Default && !withinView(dep, t) {
				w.broken[t.Label] = true
				w.addDiag(t, fmt.Sprintf("%s: attribute %q: target's `within_view` attribute does not allow dependency `%s` (allowed: %s)", t.Label, r.Attr, dep.Label, patternsString(t.WithinView)))
			}
		}
	}
}

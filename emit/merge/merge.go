// Package merge folds a freshly generated BUCK file into the one already on
// disk, keeping what a person marked with "# keep" (like Gazelle), and applies
// per-package fixups (like Reindeer's fixups directories).
//
// A "# keep" comment may sit
//   - on its own line above a rule, or after its closing parenthesis: the old
//     rule survives as written (and replaces the generated rule of that name);
//   - on its own line above an attribute, or after its value: the old value of
//     that attribute survives;
//   - after a list element: the element survives in the regenerated list.
//
// Everything else in the old file is replaced by the generated text.
package merge

import (
	"sort"
	"strings"

	"github.com/bazelbuild/buildtools/build"
)

// Merge returns gen with the kept parts of old folded in. old may be nil (no
// file yet). Both files are consumed: gen is changed in place and kept nodes
// of old are moved into the result.
func Merge(old, gen *build.File) *build.File {
	out := gen
	if old == nil {
		return out
	}
	oldRules := map[string]*build.CallExpr{}
	var oldOrder []string
	var unnamed []build.Expr // kept calls without a name (hand-written macros)
	for _, st := range old.Stmt {
		call, ok := st.(*build.CallExpr)
		if !ok {
			continue
		}
		key := ruleKey(call)
		if key == "" {
			if hasKeep(call) {
				unnamed = append(unnamed, call)
			}
			continue
		}
		oldRules[key] = call
		oldOrder = append(oldOrder, key)
	}
	seen := map[string]bool{}
	for i, st := range out.Stmt {
		call, ok := st.(*build.CallExpr)
		if !ok {
			continue
		}
		key := ruleKey(call)
		prev := oldRules[key]
		if prev == nil {
			continue
		}
		seen[key] = true
		if hasKeep(prev) {
			out.Stmt[i] = prev
			continue
		}
		mergeRule(prev, call)
	}
	// Kept rules the generator no longer proposes (hand-written targets,
	// versions that left the repository) stay, in their old order.
	for _, key := range oldOrder {
		if seen[key] {
			continue
		}
		if prev := oldRules[key]; hasKeep(prev) {
			out.Stmt = append(out.Stmt, prev)
		}
	}
	out.Stmt = append(out.Stmt, unnamed...)
	keepLoads(old, out)
	return out
}

// mergeRule copies kept attributes and kept list elements of prev into call.
func mergeRule(prev, call *build.CallExpr) {
	for _, arg := range prev.List {
		assign, ok := arg.(*build.AssignExpr)
		if !ok {
			continue
		}
		name := attrName(assign)
		idx := attrIndex(call, name)
		if hasKeep(assign) {
			if idx < 0 {
				call.List = append(call.List, assign)
			} else {
				call.List[idx] = assign
			}
			continue
		}
		oldList, ok := assign.RHS.(*build.ListExpr)
		if !ok {
			continue
		}
		var kept []build.Expr
		for _, el := range oldList.List {
			if hasKeep(el) {
				kept = append(kept, el)
			}
		}
		if len(kept) == 0 {
			continue
		}
		if idx < 0 {
			call.List = append(call.List, &build.AssignExpr{
				LHS: &build.Ident{Name: name}, Op: "=",
				RHS: &build.ListExpr{List: kept, ForceMultiLine: true},
			})
			continue
		}
		target := call.List[idx].(*build.AssignExpr)
		newList, ok := target.RHS.(*build.ListExpr)
		if !ok {
			continue // the generator changed the shape; its value wins
		}
		present := map[string]int{}
		for i, el := range newList.List {
			present[build.FormatString(el)] = i
		}
		for _, el := range kept {
			if i, ok := present[build.FormatString(el)]; ok {
				// Same value generated: keep the marker so it stays kept.
				newList.List[i] = el
				continue
			}
			newList.List = append(newList.List, el)
		}
		newList.ForceMultiLine = true
	}
}

// keepLoads adds to out the load() symbols of old that kept text uses and
// out does not load yet.
func keepLoads(old, out *build.File) {
	loaded := map[string]bool{}
	byModule := map[string]*build.LoadStmt{}
	for _, st := range out.Stmt {
		if ld, ok := st.(*build.LoadStmt); ok {
			byModule[ld.Module.Value] = ld
			for _, to := range ld.To {
				loaded[to.Name] = true
			}
		}
	}
	used := usedIdents(out)
	lastLoad := -1
	for i, st := range out.Stmt {
		if _, ok := st.(*build.LoadStmt); ok {
			lastLoad = i
		}
	}
	for _, st := range old.Stmt {
		ld, ok := st.(*build.LoadStmt)
		if !ok {
			continue
		}
		for i, to := range ld.To {
			if loaded[to.Name] || !used[to.Name] {
				continue
			}
			loaded[to.Name] = true
			target := byModule[ld.Module.Value]
			if target == nil {
				target = &build.LoadStmt{Module: &build.StringExpr{Value: ld.Module.Value}, ForceCompact: true}
				byModule[ld.Module.Value] = target
				lastLoad++
				out.Stmt = append(out.Stmt[:lastLoad], append([]build.Expr{target}, out.Stmt[lastLoad:]...)...)
			}
			target.From = append(target.From, &build.Ident{Name: ld.From[i].Name})
			target.To = append(target.To, &build.Ident{Name: to.Name})
			sortLoad(target)
		}
	}
}

func sortLoad(ld *build.LoadStmt) {
	idx := make([]int, len(ld.To))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return ld.To[idx[a]].Name < ld.To[idx[b]].Name })
	from := make([]*build.Ident, len(idx))
	to := make([]*build.Ident, len(idx))
	for i, j := range idx {
		from[i], to[i] = ld.From[j], ld.To[j]
	}
	ld.From, ld.To = from, to
}

func usedIdents(f *build.File) map[string]bool {
	used := map[string]bool{}
	build.Walk(f, func(x build.Expr, stk []build.Expr) {
		if id, ok := x.(*build.Ident); ok {
			used[id.Name] = true
		}
	})
	return used
}

// ruleKey names a rule by its name attribute ("" when it has none). Target
// names are unique in a BUCK file, so a rule whose kind the generator
// changed (ebuild_package → autotools_package) still meets its old self:
// a kept rule replaces it instead of clashing with it.
func ruleKey(call *build.CallExpr) string {
	for _, arg := range call.List {
		if a, ok := arg.(*build.AssignExpr); ok && attrName(a) == "name" {
			if s, ok := a.RHS.(*build.StringExpr); ok {
				return s.Value
			}
		}
	}
	return ""
}

func attrName(a *build.AssignExpr) string {
	if id, ok := a.LHS.(*build.Ident); ok {
		return id.Name
	}
	return ""
}

func attrIndex(call *build.CallExpr, name string) int {
	for i, arg := range call.List {
		if a, ok := arg.(*build.AssignExpr); ok && attrName(a) == name {
			return i
		}
	}
	return -1
}

// hasKeep reports a "# keep" comment before or after x.
func hasKeep(x build.Expr) bool {
	c := x.Comment()
	for _, list := range [][]build.Comment{c.Before, c.Suffix} {
		for _, com := range list {
			if isKeep(com.Token) {
				return true
			}
		}
	}
	return false
}

// isKeep accepts "# keep" optionally followed by a reason ("# keep: why").
func isKeep(tok string) bool {
	t := strings.TrimSpace(strings.TrimPrefix(tok, "#"))
	return t == "keep" || strings.HasPrefix(t, "keep:") || strings.HasPrefix(t, "keep ")
}

package merge

import (
	"fmt"
	"sort"

	"github.com/bazelbuild/buildtools/build"
)

// FixupsFile is the name of the per-package fixups file beside a generated
// BUCK file. It is plain Starlark (one global dict), so Buck2 and the checker
// accept it, and nothing loads it: sync reads it and applies it on every run.
const FixupsFile = "fixups.bzl"

// Fixups are the edits of one fixups.bzl:
//
//	FIXUPS = {
//	    "*": {                                        # every rule with a package attribute
//	        "extend": {"configure_args": ["--with-x"]}, # append to lists, add/replace dict keys
//	    },
//	    "zlib-1.3.1-r1": {                            # one target by name
//	        "set": {"slot": "0"},                     # replace (or add) an attribute
//	        "remove": {"rdepend": ["core//foo:foo"]}, # drop list elements equal to these
//	        "delete": ["patches"],                    # drop attributes
//	    },
//	}
type Fixups struct {
	file  string
	rules []ruleFixup
}

type ruleFixup struct {
	target string
	line   int
	set    []*build.KeyValueExpr
	extend []*build.KeyValueExpr
	remove []*build.KeyValueExpr
	delete []string
}

// ParseFixups reads a fixups.bzl file. Errors name file:line.
func ParseFixups(path string, data []byte) (*Fixups, error) {
	f, err := build.ParseBzl(path, data)
	if err != nil {
		return nil, fmt.Errorf("parse fixups: %w", err)
	}
	fx := &Fixups{file: path}
	found := false
	for _, st := range f.Stmt {
		if _, ok := st.(*build.CommentBlock); ok {
			continue
		}
		assign, ok := st.(*build.AssignExpr)
		if !ok || attrName(assign) != "FIXUPS" {
			return nil, fmt.Errorf("%s:%d: only FIXUPS = {...} is allowed here", path, line(st))
		}
		dict, ok := assign.RHS.(*build.DictExpr)
		if !ok {
			return nil, fmt.Errorf("%s:%d: FIXUPS must be a dict", path, line(assign.RHS))
		}
		found = true
		for _, kv := range dict.List {
			rf, err := parseRuleFixup(path, kv)
			if err != nil {
				return nil, err
			}
			fx.rules = append(fx.rules, rf)
		}
	}
	if !found {
		return nil, fmt.Errorf("%s:1: no FIXUPS dict", path)
	}
	return fx, nil
}

func parseRuleFixup(path string, kv *build.KeyValueExpr) (ruleFixup, error) {
	key, ok := kv.Key.(*build.StringExpr)
	if !ok {
		return ruleFixup{}, fmt.Errorf("%s:%d: FIXUPS keys are target names or \"*\"", path, line(kv))
	}
	rf := ruleFixup{target: key.Value, line: line(kv)}
	body, ok := kv.Value.(*build.DictExpr)
	if !ok {
		return rf, fmt.Errorf("%s:%d: fixups for %q must be a dict", path, line(kv), key.Value)
	}
	for _, op := range body.List {
		name, ok := op.Key.(*build.StringExpr)
		if !ok {
			return rf, fmt.Errorf("%s:%d: fixup operations are strings", path, line(op))
		}
		switch name.Value {
		case "set", "extend", "remove":
			d, ok := op.Value.(*build.DictExpr)
			if !ok {
				return rf, fmt.Errorf("%s:%d: %q takes a dict of attributes", path, line(op), name.Value)
			}
			for _, a := range d.List {
				if _, ok := a.Key.(*build.StringExpr); !ok {
					return rf, fmt.Errorf("%s:%d: attribute names are strings", path, line(a))
				}
			}
			switch name.Value {
			case "set":
				rf.set = d.List
			case "extend":
				rf.extend = d.List
			case "remove":
				rf.remove = d.List
			}
		case "delete":
			l, ok := op.Value.(*build.ListExpr)
			if !ok {
				return rf, fmt.Errorf("%s:%d: \"delete\" takes a list of attribute names", path, line(op))
			}
			for _, el := range l.List {
				s, ok := el.(*build.StringExpr)
				if !ok {
					return rf, fmt.Errorf("%s:%d: attribute names are strings", path, line(el))
				}
				rf.delete = append(rf.delete, s.Value)
			}
		default:
			return rf, fmt.Errorf("%s:%d: unknown fixup operation %q (want set, extend, remove, delete)", path, line(op), name.Value)
		}
	}
	return rf, nil
}

// Apply edits the rules of f. A fixup naming a target that f does not have is
// an error, so stale fixups are noticed.
func (fx *Fixups) Apply(f *build.File) error {
	for _, rf := range fx.rules {
		matched := false
		for _, st := range f.Stmt {
			call, ok := st.(*build.CallExpr)
			if !ok || !rf.matches(call) {
				continue
			}
			matched = true
			if err := rf.apply(fx.file, call); err != nil {
				return err
			}
		}
		if !matched {
			return fmt.Errorf("%s:%d: no target %q in the generated file", fx.file, rf.line, rf.target)
		}
	}
	return nil
}

func (rf ruleFixup) matches(call *build.CallExpr) bool {
	if rf.target == "*" {
		return attrIndex(call, "package") >= 0
	}
	i := attrIndex(call, "name")
	if i < 0 {
		return false
	}
	s, ok := call.List[i].(*build.AssignExpr).RHS.(*build.StringExpr)
	return ok && s.Value == rf.target
}

func (rf ruleFixup) apply(file string, call *build.CallExpr) error {
	for _, name := range rf.delete {
		if i := attrIndex(call, name); i >= 0 {
			call.List = append(call.List[:i], call.List[i+1:]...)
		}
	}
	for _, kv := range rf.set {
		setAttr(call, kv.Key.(*build.StringExpr).Value, copyExpr(kv.Value))
	}
	for _, kv := range rf.extend {
		name := kv.Key.(*build.StringExpr).Value
		i := attrIndex(call, name)
		if i < 0 {
			setAttr(call, name, copyExpr(kv.Value))
			continue
		}
		cur := call.List[i].(*build.AssignExpr)
		switch add := kv.Value.(type) {
		case *build.ListExpr:
			l, ok := cur.RHS.(*build.ListExpr)
			if !ok {
				// A computed value (e.g. a select): concatenate.
				cur.RHS = &build.BinaryExpr{X: cur.RHS, Op: "+", Y: copyExpr(add)}
				continue
			}
			l.List = append(l.List, copyExpr(add).(*build.ListExpr).List...)
		case *build.DictExpr:
			d, ok := cur.RHS.(*build.DictExpr)
			if !ok {
				return fmt.Errorf("%s:%d: cannot extend %s: it is not a dict", file, line(kv), name)
			}
			for _, entry := range copyExpr(add).(*build.DictExpr).List {
				replaced := false
				for j, old := range d.List {
					if build.FormatString(old.Key) == build.FormatString(entry.Key) {
						d.List[j], replaced = entry, true
					}
				}
				if !replaced {
					d.List = append(d.List, entry)
				}
			}
		default:
			return fmt.Errorf("%s:%d: extend %s with a list or a dict", file, line(kv), name)
		}
	}
	for _, kv := range rf.remove {
		name := kv.Key.(*build.StringExpr).Value
		i := attrIndex(call, name)
		if i < 0 {
			continue
		}
		l, ok := call.List[i].(*build.AssignExpr).RHS.(*build.ListExpr)
		drop, ok2 := kv.Value.(*build.ListExpr)
		if !ok || !ok2 {
			return fmt.Errorf("%s:%d: remove takes lists, and %s must be a list", file, line(kv), name)
		}
		gone := map[string]bool{}
		for _, el := range drop.List {
			gone[build.FormatString(el)] = true
		}
		kept := l.List[:0]
		for _, el := range l.List {
			if !gone[build.FormatString(el)] {
				kept = append(kept, el)
			}
		}
		l.List = kept
	}
	return nil
}

func setAttr(call *build.CallExpr, name string, value build.Expr) {
	assign := &build.AssignExpr{LHS: &build.Ident{Name: name}, Op: "=", RHS: value}
	if i := attrIndex(call, name); i >= 0 {
		call.List[i] = assign
		return
	}
	call.List = append(call.List, assign)
}

// copyExpr deep-copies a fixup value so that applying the same "*" fixup to
// several rules never shares nodes between them.
func copyExpr(x build.Expr) build.Expr {
	f, err := build.ParseBzl("copy", []byte("_ = "+build.FormatString(x)+"\n"))
	if err != nil {
		return x // cannot happen for a value that was parsed from a file
	}
	return f.Stmt[0].(*build.AssignExpr).RHS
}

func line(x build.Expr) int {
	start, _ := x.Span()
	return start.Line
}

// Targets lists the target names a fixups file names, sorted; for reports.
func (fx *Fixups) Targets() []string {
	var out []string
	for _, rf := range fx.rules {
		out = append(out, rf.target)
	}
	sort.Strings(out)
	return out
}

package model

import (
	"testing"

	"go.starlark.net/starlark"
)

// evalAttr evaluates an attrs.* expression and a value expression.
func evalAttr(t *testing.T, attrExpr, valueExpr string) (*Attr, starlark.Value) {
	t.Helper()
	env := starlark.StringDict{"attrs": newAttrsModule(), "select": starlark.NewBuiltin("select", builtinSelect)}
	thread := &starlark.Thread{}
	a, err := starlark.EvalOptions(&fileOptions, thread, "attr", attrExpr, env)
	if err != nil {
		t.Fatalf("%s: %v", attrExpr, err)
	}
	v, err := starlark.EvalOptions(&fileOptions, thread, "value", valueExpr, env)
	if err != nil {
		t.Fatalf("%s: %v", valueExpr, err)
	}
	return a.(*Attr), v
}

func TestCoerce(t *testing.T) {
	cs := testCells(t)
	tests := []struct {
		attr, value string
		want        string // coerced value printed, or the error
		refs        int
	}{
		{"attrs.string()", `"x"`, `"x"`, 0},
		{"attrs.string()", `1`, `expected a value of attrs.string(), got int 1`, 0},
		{"attrs.int()", `True`, `expected a value of attrs.int(), got bool True`, 0},
		{"attrs.bool()", `False`, `False`, 0},
		{"attrs.list(attrs.string())", `("a", "b")`, `["a", "b"]`, 0},
		{"attrs.list(attrs.string())", `["a", 2]`, `item 1: expected a value of attrs.string(), got int 2`, 0},
		{"attrs.tuple(attrs.string(), attrs.option(attrs.int()))", `["a"]`, `("a", None)`, 0},
		{"attrs.tuple(attrs.string())", `("a", "b")`, `expected tuple of at most 1 elements, got 2`, 0},
		{"attrs.dict(attrs.string(), attrs.int())", `{"a": 1}`, `{"a": 1}`, 0},
		{"attrs.enum([\"x\", \"y\"])", `"z"`, `"z" is not one of x, y`, 0},
		{"attrs.option(attrs.dep())", `None`, `None`, 0},
		{"attrs.option(attrs.dep())", `":d"`, `root//p:d`, 1},
		{"attrs.list(attrs.dep())", `["//a:b", "core//c:d[sub]"]`, `[root//a:b, core//c:d[sub]]`, 2},
		{"attrs.dep()", `"nocell//a:b"`, `label "nocell//a:b": unknown cell "nocell" (not in [cells] or [cell_aliases] of .buckconfig)`, 0},
		{"attrs.one_of(attrs.int(), attrs.string())", `"s"`, `"s"`, 0},
		{"attrs.one_of(attrs.int(), attrs.dep())", `[]`, `no alternative of attrs.one_of(attrs.int(), attrs.dep()) accepts []: expected a value of attrs.int(), got list []; expected a value of attrs.dep(), got list []`, 0},
		{"attrs.list(attrs.string())", `["a"] + select({"//c:x": ["b"], "DEFAULT": []})`, `["a"] + select({"//c:x": ["b"], "DEFAULT": []})`, 1},
		{"attrs.string()", `select({"DEFAULT": 3})`, `select branch "DEFAULT": expected a value of attrs.string(), got int 3`, 0},
		{"attrs.source()", `"//x:y"`, `root//x:y`, 1},
		{"attrs.arg()", `"$(location :t) $(exe //tools:x) $OUT"`, `"$(location :t) $(exe //tools:x) $OUT"`, 2},
		{"attrs.arg()", `"echo $(query_targets deps(:x))"`, `not modelled: $(query_targets) macros`, 0},
		{"attrs.arg()", `"plain $(user_placeholder) $(location nocell//a:b)"`, `$(location): label "nocell//a:b": unknown cell "nocell" (not in [cells] or [cell_aliases] of .buckconfig)`, 0},
		{"attrs.arg()", `"x $(location"`, `unterminated macro in "x $(location"`, 0},
	}
	for _, tt := range tests {
		a, v := evalAttr(t, tt.attr, tt.value)
		c := &coercer{pkg: PackageID{Cell: "root", Path: "p"}, cells: cs}
		got, err := c.coerce(a, v)
		s := ""
		if err != nil {
			s = err.Error()
		} else {
			s = got.String()
		}
		if s != tt.want {
			t.Errorf("%s with %s = %s, want %s", tt.attr, tt.value, s, tt.want)
		}
		if len(c.refs) != tt.refs {
			t.Errorf("%s with %s: %d refs, want %d", tt.attr, tt.value, len(c.refs), tt.refs)
		}
	}
}

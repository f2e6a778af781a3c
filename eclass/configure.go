package eclass

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

type configured struct {
	attr string // configure_args, cmake_args, meson_args
	args []Arg
	why  string
	call string // the configure command: econf, default, cmake_src_configure, ...
}

// implicitArrays are read by the eclass configure functions themselves.
var implicitArrays = map[string]string{"cmake_src_configure": "mycmakeargs", "meson_src_configure": "emesonargs"}

// configure recognises a src_configure body made of array assignments
// (`local myeconfargs=( ... )`, `mycmakeargs+=( ... )`) and one configure
// call: econf ARGS / default (autotools, plain), cmake_src_configure (cmake),
// meson_src_configure [ARGS] (meson).
func configure(body []*syntax.Stmt, lang Language, env *substitution) (configured, error) {
	arrays := map[string][]Arg{}
	var out configured
	called := false
	for _, st := range body {
		line := int(st.Pos().Line())
		if st.Negated || st.Background || st.Coprocess || len(st.Redirs) > 0 {
			return out, fmt.Errorf("line %d: statement with redirection or operator", line)
		}
		switch c := st.Cmd.(type) {
		case *syntax.BinaryCmd:
			// use FLAG && arr+=( ... )   /   use FLAG || arr+=( ... )
			if c.Op != syntax.AndStmt && c.Op != syntax.OrStmt {
				return out, fmt.Errorf("line %d: %s", line, describe(c))
			}
			flag, err := useTest(c.X)
			if err != nil {
				return out, fmt.Errorf("line %d: %w", line, err)
			}
			if c.Op == syntax.OrStmt {
				flag = negate(flag)
			}
			name, elems, err := appendOnly([]*syntax.Stmt{c.Y}, arrays, env)
			if err != nil {
				return out, fmt.Errorf("line %d: %w", line, err)
			}
			arg, err := condArg(flag, elems, nil)
			if err != nil {
				return out, fmt.Errorf("line %d: %w", line, err)
			}
			arrays[name] = append(arrays[name], arg)
		case *syntax.IfClause:
			// if use FLAG; then arr+=( ... ); [else arr+=( ... );] fi
			if len(c.Cond) != 1 {
				return out, fmt.Errorf("line %d: if statement", line)
			}
			flag, err := useTest(c.Cond[0])
			if err != nil {
				return out, fmt.Errorf("line %d: if statement: %w", line, err)
			}
			name, then, err := appendOnly(c.Then, arrays, env)
			if err != nil {
				return out, fmt.Errorf("line %d: if statement: %w", line, err)
			}
			var els []Arg
			if c.Else != nil {
				if len(c.Else.Cond) > 0 {
					return out, fmt.Errorf("line %d: if statement with elif", line)
				}
				var elseName string
				elseName, els, err = appendOnly(c.Else.Then, arrays, env)
				if err != nil {
					return out, fmt.Errorf("line %d: if statement: else: %w", line, err)
				}
				if elseName != name {
					return out, fmt.Errorf("line %d: if statement appends to %s and %s", line, name, elseName)
				}
			}
			arg, err := condArg(flag, then, els)
			if err != nil {
				return out, fmt.Errorf("line %d: %w", line, err)
			}
			arrays[name] = append(arrays[name], arg)
		case *syntax.DeclClause:
			if v := c.Variant.Value; v != "local" && v != "declare" {
				return out, fmt.Errorf("line %d: %s declaration", line, v)
			}
			for _, a := range c.Args {
				if a.Naked && a.Name == nil {
					if flag, ok := literal(a.Value); ok && flag == "-a" {
						continue
					}
					return out, fmt.Errorf("line %d: declaration option", line)
				}
				if err := assignArray(a, arrays, env, line); err != nil {
					return out, err
				}
			}
		case *syntax.CallExpr:
			if len(c.Args) == 0 {
				for _, a := range c.Assigns {
					if err := assignArray(a, arrays, env, line); err != nil {
						return out, err
					}
				}
				continue
			}
			if len(c.Assigns) > 0 {
				return out, fmt.Errorf("line %d: command with variable assignments", line)
			}
			name, ok := literal(c.Args[0])
			if !ok {
				return out, fmt.Errorf("line %d: command name is not literal", line)
			}
			if called {
				return out, fmt.Errorf("line %d: second configure call %s", line, name)
			}
			called = true
			out.call = name
			switch {
			case (name == "econf" || name == "default" || name == "default_src_configure") && (lang == Autotools || lang == Make):
				if name != "econf" && len(c.Args) > 1 {
					return out, fmt.Errorf("line %d: %s called with arguments", line, name)
				}
				out.attr, out.why = "configure_args", "declarative: "+name
			case name == "cmake_src_configure" && lang == CMake:
				if len(c.Args) > 1 {
					return out, fmt.Errorf("line %d: cmake_src_configure called with arguments", line)
				}
				out.attr, out.why = "cmake_args", "declarative: mycmakeargs + cmake_src_configure"
			case name == "meson_src_configure" && lang == Meson:
				out.attr, out.why = "meson_args", "declarative: emesonargs + meson_src_configure"
			default:
				return out, fmt.Errorf("line %d: command %s", line, name)
			}
			if arr, ok := implicitArrays[name]; ok {
				out.args = append(out.args, arrays[arr]...)
			}
			for _, w := range c.Args[1:] {
				args, err2 := wordArgs(w, arrays, env)
				if err2 != nil {
					return out, fmt.Errorf("line %d: %w", line, err2)
				}
				out.args = append(out.args, args...)
			}
		default:
			return out, fmt.Errorf("line %d: %s", line, describe(st.Cmd))
		}
	}
	if !called {
		return out, fmt.Errorf("no configure call")
	}
	if len(out.args) == 0 {
		// Configuring with the eclass defaults: nothing to pass.
		out.attr = ""
	}
	return out, nil
}

// useTest recognises `use FLAG` and `! use FLAG` and returns "FLAG" or
// "!FLAG".
func useTest(st *syntax.Stmt) (string, error) {
	words, err := plainCall(&syntax.Stmt{Cmd: st.Cmd, Position: st.Position})
	if err != nil || st.Background || st.Coprocess || len(st.Redirs) > 0 || len(words) != 2 || words[0] != "use" {
		return "", fmt.Errorf("condition is not `use FLAG`")
	}
	if st.Negated {
		return negate(words[1]), nil
	}
	return words[1], nil
}

func negate(flag string) string {
	if rest, ok := strings.CutPrefix(flag, "!"); ok {
		return rest
	}
	return "!" + flag
}

// appendOnly reads statements that only append to one array
// (`arr+=( ... )`) and returns the array and the appended items.
func appendOnly(stmts []*syntax.Stmt, arrays map[string][]Arg, env *substitution) (string, []Arg, error) {
	name := ""
	var items []Arg
	for _, st := range stmts {
		call, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) > 0 || len(call.Assigns) != 1 || st.Negated || len(st.Redirs) > 0 {
			return "", nil, fmt.Errorf("conditional %s is not an array append", describe(st.Cmd))
		}
		a := call.Assigns[0]
		if !a.Append || a.Array == nil || a.Name == nil || a.Index != nil {
			return "", nil, fmt.Errorf("conditional assignment is not an array append")
		}
		if name != "" && a.Name.Value != name {
			return "", nil, fmt.Errorf("conditional appends to %s and %s", name, a.Name.Value)
		}
		name = a.Name.Value
		for _, e := range a.Array.Elems {
			if e.Index != nil || e.Value == nil {
				return "", nil, fmt.Errorf("indexed array element")
			}
			args, err := wordArgs(e.Value, arrays, env)
			if err != nil {
				return "", nil, fmt.Errorf("%s: %w", name, err)
			}
			items = append(items, args...)
		}
	}
	if name == "" {
		return "", nil, fmt.Errorf("empty conditional")
	}
	return name, items, nil
}

// condArg turns the literal items of both branches into one use_if item.
func condArg(flag string, then, els []Arg) (Arg, error) {
	lits := func(args []Arg) ([]string, error) {
		var out []string
		for _, a := range args {
			if a.Flag != "" {
				return nil, fmt.Errorf("USE helper inside a USE condition")
			}
			out = append(out, a.Lit)
		}
		return out, nil
	}
	t, err := lits(then)
	if err != nil {
		return Arg{}, err
	}
	e, err := lits(els)
	if err != nil {
		return Arg{}, err
	}
	return Arg{Flag: flag, Then: t, Else: e}, nil
}

func assignArray(a *syntax.Assign, arrays map[string][]Arg, env *substitution, line int) error {
	if a.Name == nil || a.Array == nil || a.Index != nil {
		return fmt.Errorf("line %d: scalar variable assignment", line)
	}
	var elems []Arg
	for _, e := range a.Array.Elems {
		if e.Index != nil || e.Value == nil {
			return fmt.Errorf("line %d: indexed array element", line)
		}
		args, err := wordArgs(e.Value, arrays, env)
		if err != nil {
			return fmt.Errorf("line %d: %s: %w", e.Value.Pos().Line(), a.Name.Value, err)
		}
		elems = append(elems, args...)
	}
	if a.Append {
		arrays[a.Name.Value] = append(arrays[a.Name.Value], elems...)
	} else {
		arrays[a.Name.Value] = elems
	}
	return nil
}

// wordArgs turns one shell word into argument items: "${arr[@]}" splices a
// recognised array; otherwise the word is literal text, known variables and
// at most one USE helper substitution ($(use_enable ...), $(usex ...), ...).
func wordArgs(w *syntax.Word, arrays map[string][]Arg, env *substitution) ([]Arg, error) {
	if len(w.Parts) == 1 {
		if dq, ok := w.Parts[0].(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
			if pe, ok := dq.Parts[0].(*syntax.ParamExp); ok && pe.Index != nil && pe.Param != nil && !pe.Excl && !pe.Length && pe.Exp == nil {
				if idx, ok := pe.Index.(*syntax.Word); ok {
					if s, _ := literal(idx); s == "@" {
						arr, known := arrays[pe.Param.Value]
						if !known {
							return nil, fmt.Errorf("array %s is not set in this function", pe.Param.Value)
						}
						return append([]Arg(nil), arr...), nil
					}
				}
			}
		}
	}
	var t template
	if err := t.parts(w.Parts, false, env); err != nil {
		return nil, err
	}
	return t.args(), nil
}

// template is a word under construction: literal text around at most one
// USE-conditional substitution.
type template struct {
	before, after strings.Builder
	cond          *helperOut
	quoted        bool // the substitution is inside double quotes
	onlyCond      bool // the word is exactly one unquoted substitution
	n             int  // parts seen
}

func (t *template) text(s string) {
	if t.cond == nil {
		t.before.WriteString(s)
	} else {
		t.after.WriteString(s)
	}
}

func (t *template) parts(parts []syntax.WordPart, inDQ bool, env *substitution) error {
	for _, part := range parts {
		t.n++
		switch part := part.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(part.Value, "\\`") || (!inDQ && strings.ContainsAny(part.Value, "*?[{~")) {
				return fmt.Errorf("word %q needs shell quoting or globbing", part.Value)
			}
			t.text(part.Value)
		case *syntax.SglQuoted:
			if part.Dollar {
				return fmt.Errorf("$'...' string")
			}
			t.text(part.Value)
		case *syntax.DblQuoted:
			if inDQ {
				return fmt.Errorf("nested double quotes")
			}
			if err := t.parts(part.Parts, true, env); err != nil {
				return err
			}
		case *syntax.ParamExp:
			if part.Param == nil || part.Excl || part.Length || part.Width || part.Index != nil ||
				part.Slice != nil || part.Repl != nil || part.Exp != nil || part.Names != 0 {
				return fmt.Errorf("parameter expansion with an operator")
			}
			v, ok := env.get(part.Param.Value)
			if !ok {
				return fmt.Errorf("variable ${%s} is only known at build time", part.Param.Value)
			}
			if !inDQ && strings.ContainsAny(v, " \t\n") {
				return fmt.Errorf("unquoted ${%s} would be word-split", part.Param.Value)
			}
			t.text(v)
		case *syntax.CmdSubst:
			if t.cond != nil {
				return fmt.Errorf("two USE substitutions in one word")
			}
			h, err := helper(part, env)
			if err != nil {
				return err
			}
			t.cond, t.quoted = &h, inDQ
			t.onlyCond = !inDQ && len(parts) == 1 && t.n == 1
		default:
			return fmt.Errorf("unsupported word part %T", part)
		}
	}
	return nil
}

func (t *template) args() []Arg {
	if t.cond == nil {
		return []Arg{{Lit: t.before.String()}}
	}
	side := func(s string) []string {
		if t.onlyCond {
			if strings.TrimSpace(s) == "" {
				return nil // unquoted empty output gives no word
			}
			return strings.Fields(s)
		}
		return []string{t.before.String() + s + t.after.String()}
	}
	then, els := side(t.cond.on), side(t.cond.off)
	if len(then) == 0 && len(els) == 0 {
		return nil
	}
	return []Arg{{Flag: t.cond.flag, Then: then, Else: els}}
}

// helperOut is what a USE helper prints when its flag condition holds (on)
// and when it does not (off).
type helperOut struct{ flag, on, off string }

// helper evaluates $(use_enable ...), $(use_with ...), $(usex ...),
// $(usev ...), $(meson_use ...), $(meson_feature ...) and
// $(cmake_use_find_package ...) symbolically, following PMS and the eclasses.
func helper(cs *syntax.CmdSubst, env *substitution) (helperOut, error) {
	if len(cs.Stmts) != 1 {
		return helperOut{}, fmt.Errorf("command substitution with %d statements", len(cs.Stmts))
	}
	call, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(call.Assigns) > 0 || len(call.Args) < 2 || len(cs.Stmts[0].Redirs) > 0 {
		return helperOut{}, fmt.Errorf("command substitution is not a USE helper call")
	}
	var words []string
	for _, w := range call.Args {
		var t template
		if err := t.parts(w.Parts, false, env); err != nil {
			return helperOut{}, err
		}
		if t.cond != nil {
			return helperOut{}, fmt.Errorf("nested command substitution")
		}
		words = append(words, t.before.String())
	}
	name, flag, rest := words[0], words[1], words[2:]
	opt := strings.TrimPrefix(flag, "!")
	arg := func(i int, def string) string {
		if i < len(rest) {
			return rest[i]
		}
		return def
	}
	switch name {
	case "use_enable", "use_with":
		yes, no := "enable", "disable"
		if name == "use_with" {
			yes, no = "with", "without"
		}
		if len(rest) > 2 {
			return helperOut{}, fmt.Errorf("%s with %d arguments", name, len(words)-1)
		}
		opt = arg(0, opt)
		val := ""
		if len(rest) == 2 {
			val = "=" + rest[1]
		}
		return helperOut{flag, "--" + yes + "-" + opt + val, "--" + no + "-" + opt}, nil
	case "usex":
		if len(rest) > 4 {
			return helperOut{}, fmt.Errorf("usex with %d arguments", len(words)-1)
		}
		return helperOut{flag, arg(0, "yes") + arg(2, ""), arg(1, "no") + arg(3, "")}, nil
	case "usev":
		if len(rest) > 1 {
			return helperOut{}, fmt.Errorf("usev with %d arguments", len(words)-1)
		}
		return helperOut{flag, arg(0, opt), ""}, nil
	case "meson_use":
		if len(rest) > 1 {
			return helperOut{}, fmt.Errorf("meson_use with %d arguments", len(words)-1)
		}
		o := arg(0, opt)
		return helperOut{flag, "-D" + o + "=true", "-D" + o + "=false"}, nil
	case "meson_feature":
		if len(rest) > 1 {
			return helperOut{}, fmt.Errorf("meson_feature with %d arguments", len(words)-1)
		}
		o := arg(0, opt)
		return helperOut{flag, "-D" + o + "=enabled", "-D" + o + "=disabled"}, nil
	case "cmake_use_find_package":
		if len(rest) != 1 {
			return helperOut{}, fmt.Errorf("cmake_use_find_package with %d arguments", len(words)-1)
		}
		d := "-DCMAKE_DISABLE_FIND_PACKAGE_" + rest[0] + "="
		return helperOut{flag, d + "OFF", d + "ON"}, nil
	}
	return helperOut{}, fmt.Errorf("command substitution $(%s ...) is not a USE helper", name)
}

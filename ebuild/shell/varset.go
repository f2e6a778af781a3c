package shell

import (
	"context"
	"fmt"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// VarSetCommand tests whether a variable is set, as [[ -v NAME ]] does:
// VarSetCommand NAME. mvdan/sh panics on [[ -v ${X} ]] when X is empty
// (bash: false, as ecm.eclass's [[ -v ${KDE_GCC_MINIMAL} ]] relies on);
// rewriteVarSetTest routes such tests here.
const VarSetCommand = "__buckos_varset"

// rewriteVarSetTest turns a statement that is only [[ -v WORD ]] or
// [[ ! -v WORD ]], with WORD not a plain name, into VarSetCommand "WORD".
// A test inside a longer [[ ]] expression is left to mvdan/sh.
func rewriteVarSetTest(st *syntax.Stmt) {
	tc, ok := st.Cmd.(*syntax.TestClause)
	if !ok {
		return
	}
	x, negated := tc.X, false
	if u, ok := x.(*syntax.UnaryTest); ok && u.Op == syntax.TsNot {
		x, negated = u.X, true
	}
	u, ok := x.(*syntax.UnaryTest)
	if !ok || u.Op != syntax.TsVarSet {
		return
	}
	w, ok := u.X.(*syntax.Word)
	if !ok || w.Lit() != "" {
		return
	}
	arg, ok := quotedWord(w)
	if !ok {
		return
	}
	st.Cmd = &syntax.CallExpr{Args: []*syntax.Word{word(posLit(VarSetCommand, tc.Pos())), arg}}
	if negated {
		st.Negated = !st.Negated
	}
}

// VarSet runs VarSetCommand from an exec handler: status 0 when the
// variable is set, 1 when it is not or the name is empty.
func VarSet(ctx context.Context, args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("%s: need NAME", VarSetCommand)
	}
	if args[1] != "" && interp.HandlerCtx(ctx).Env.Get(args[1]).IsSet() {
		return nil
	}
	return interp.ExitStatus(1)
}

package shell

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// PrintfVCommand is what a call handler turns `printf -v VAR ...` into.
const PrintfVCommand = "__buckos_printf_v"

var varRef = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?$`)

// RewriteCall rewrites the argument list of a simple command for the
// interpreter's gaps; call it from an interp.CallHandler. `printf -v VAR
// FORMAT ARGS...` becomes PrintfVCommand VAR FORMAT ARGS....
func RewriteCall(args []string) []string {
	if len(args) >= 3 && args[0] == "printf" && args[1] == "-v" {
		out := append([]string{PrintfVCommand}, args[2:]...)
		if len(out) > 2 && out[2] == "--" {
			out = slices.Delete(out, 2, 3)
		}
		return out
	}
	switch args[0] {
	case "declare", "local", "typeset", "readonly", "export":
		// Only reaches a call handler with prefix assignments, like
		// IFS=, declare -a 'x=(${y})', which mvdan does not run.
		return append([]string{DeclareCommand}, args...)
	}
	if args[0] == "read" && usesReadDelim(args) {
		return append([]string{ReadCommand}, args[1:]...)
	}
	return args
}

// Quote single-quotes s for bash.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// PrintfV runs PrintfVCommand from an exec handler: it formats like printf
// and assigns the result to the variable, in the caller's scope.
func PrintfV(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	if len(args) < 3 {
		fmt.Fprintln(hc.Stderr, "printf: usage: printf -v var format [arguments]")
		return interp.ExitStatus(2)
	}
	name, format, rest := args[1], args[2], args[3:]
	if !varRef.MatchString(name) {
		fmt.Fprintf(hc.Stderr, "printf: `%s': not a valid identifier\n", name)
		return interp.ExitStatus(2)
	}
	var sb strings.Builder
	for {
		s, n, err := expand.Format(&expand.Config{}, format, rest)
		if err != nil {
			fmt.Fprintf(hc.Stderr, "printf: %v\n", err)
			return interp.ExitStatus(1)
		}
		sb.WriteString(s)
		rest = rest[n:]
		if n == 0 || len(rest) == 0 {
			break
		}
	}
	out := sb.String()
	if i := strings.IndexByte(out, 0); i >= 0 {
		out = out[:i]
	}
	return hc.Builtin(ctx, []string{"eval", name + "=" + Quote(out)})
}

// DeclareF runs DeclareFCommand: with names, print those that are
// functions and fail if any is not; without, list every function but the
// evaluator's own (named __buckos*).
func DeclareF(funcs map[string]*syntax.Stmt, stdout io.Writer, args []string) error {
	var names []string
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+") {
			continue
		}
		names = append(names, a)
	}
	if len(names) == 0 {
		all := make([]string, 0, len(funcs))
		for n := range funcs {
			if !strings.HasPrefix(n, "__buckos") {
				// The evaluator's own functions are not the script's.
				all = append(all, n)
			}
		}
		slices.Sort(all)
		for _, n := range all {
			fmt.Fprintf(stdout, "declare -f %s\n", n)
		}
		return nil
	}
	status := 0
	for _, n := range names {
		if funcs[n] != nil {
			fmt.Fprintln(stdout, n)
		} else {
			status = 1
		}
	}
	if status != 0 {
		return interp.ExitStatus(status)
	}
	return nil
}

// DeclareCommand runs a declaration that came with prefix assignments:
// DeclareCommand declare ARGS....
const DeclareCommand = "__buckos_declare"

var compoundAssign = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\+?=\(.*\)$`)

// Declare runs DeclareCommand through eval: a NAME=(...) argument is
// expanded again, as bash's declare does with a quoted compound
// assignment; other arguments are passed literally.
func Declare(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	parts := []string{args[1]}
	for _, a := range args[2:] {
		switch {
		case strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+"):
			parts = append(parts, Quote(a))
		case compoundAssign.MatchString(a):
			parts = append(parts, a)
		default:
			name, val, ok := strings.Cut(a, "=")
			if ok && varRef.MatchString(strings.TrimSuffix(name, "+")) {
				parts = append(parts, name+"="+Quote(val))
			} else {
				parts = append(parts, Quote(a))
			}
		}
	}
	return hc.Builtin(ctx, []string{"eval", strings.Join(parts, " ")})
}

// HasGlob reports whether s holds a pathname pattern for bash: * or ? or a
// bracket expression that cannot match a slash.
func HasGlob(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		case '[':
			j := strings.IndexByte(s[i+1:], ']')
			if j > 0 && !strings.Contains(s[i+1:i+1+j], "/") {
				return true
			}
		}
	}
	return false
}

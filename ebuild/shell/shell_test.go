package shell

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// run parses src with Parse and runs it with the helpers of this package
// wired in, returning what it printed.
func run(t *testing.T, src string) string {
	t.Helper()
	return runWith(t, src, ParseOptions{})
}

// runWith is run with parse options; under Lazy, functions are prepared
// before they run, as the evaluator does.
func runWith(t *testing.T, src string, opts ParseOptions) string {
	t.Helper()
	f, err := ParseWith([]byte(src), "test.sh", opts)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	var last string
	var vfiles []string
	var r *interp.Runner
	exec := func(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
		return func(ctx context.Context, args []string) error {
			hc := interp.HandlerCtx(ctx)
			switch args[0] {
			case PrintfVCommand:
				return PrintfV(ctx, args)
			case VirtualFileCommand:
				vfiles = append(vfiles, strings.TrimSuffix(args[1], "x"))
				fmt.Fprintf(hc.Stdout, "/vfile/%d", len(vfiles)-1)
				return nil
			case DeclareFCommand:
				return DeclareF(r.Funcs, hc.Stdout, args)
			case PatSubCommand:
				return PatSub(ctx, args)
			case AssocCommand:
				return Assoc(ctx, args, func(name string) []string { return f.AssocOrder[name] })
			case LastArgCommand:
				return LastArg(ctx, args, last)
			case ReadCommand:
				return Read(ctx, args)
			case DeclareCommand:
				return Declare(ctx, args)
			case StepCommand, RedirectCommand:
				if hc.LastExitStatus != 0 {
					return interp.ExitStatus(uint8(hc.LastExitStatus))
				}
				return nil
			case VarSetCommand:
				return VarSet(ctx, args)
			case MatchCommand:
				for _, p := range args[2:] {
					if p == args[1] || p == "*" {
						return nil
					}
				}
				return interp.ExitStatus(1)
			}
			t.Fatalf("unexpected command %q", args)
			return nil
		}
	}
	call := func(ctx context.Context, args []string) ([]string, error) {
		if !strings.HasPrefix(args[0], "__buckos") {
			last = args[len(args)-1]
		}
		args = RewriteCall(args)
		if body := r.Funcs[args[0]]; body != nil {
			if err := f.Prepare(body); err != nil {
				return nil, err
			}
		}
		return args, nil
	}
	r, err = interp.New(interp.StdIO(nil, &out, &out), interp.Env(expand.ListEnviron("PATH=/dev/null")),
		interp.ExecHandlers(exec), interp.CallHandler(call),
		interp.OpenHandler(func(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
			if n, ok := strings.CutPrefix(path, "/vfile/"); ok {
				i, _ := strconv.Atoi(n)
				return nopCloser{strings.NewReader(vfiles[i])}, nil
			}
			return nil, os.ErrPermission
		}))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background(), f.AST); err != nil {
		t.Fatalf("run: %v\noutput: %s", err, out.String())
	}
	return out.String()
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Write([]byte) (int, error) { return 0, os.ErrPermission }
func (nopCloser) Close() error              { return nil }

func TestBridges(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"printf -v", `printf -v x '%s-%s,' a b c d; echo "$x"`, "a-b,c-d,\n"},
		{"printf -v array element", `declare -a a; printf -v 'a[2]' %03d 7; echo "${a[2]}"`, "007\n"},
		{"printf -v in function is not local", `f() { printf -v g %s in-f; }; f; echo "$g"`, "in-f\n"},
		{"declare -F", `f() { :; }; declare -F f; declare -F nope || echo missing`, "f\nmissing\n"},
		{"declare -F lists", `b() { :; }; __buckos_x() { :; }; a() { :; }; declare -F`, "declare -f a\ndeclare -f b\n"},
		{"declare -i", `f() { local -i i=2; i+=3; i+=i; echo $i; }; f`, "10\n"},
		{"declare -l and -u", `declare -l lo=MiXeD; declare -u up=MiXeD; echo $lo $up`, "mixed MIXED\n"},
		{"declare -gA in function", `f() { declare -gA m=([k]=v); }; f; echo "${m[k]}"`, "v\n"},
		{"anchored substitution", `a=(x y); s=abc; echo "${a[@]/#/p-}" "${a[@]/%/-s}" "${s/#a/A}" "${s/%c/C}" "${s/#z/Z}"`, "p-x p-y x-s y-s Abc abC abc\n"},
		{"extglob substitution", `n=foo..bar-_baz; echo "${n//+([._-])/_}" "${n##+([a-z])}"`, "foo_bar_baz ..bar-_baz\n"},
		{"bracket with leading dash", `x=a.b-c_d; echo "${x//[-._]}"`, "abcd\n"},
		{"last argument", `: one two "three four"; echo "$_"`, "three four\n"},
		{"positional default", `f() { local c=${*-none}; echo "$c"; }; f; f a`, "none\na\n"},
		{"read -d", `IFS=/ read -rd '' a b c < <(printf %s 'x/y/z w'); echo "[$a][$b][$c]"`, "[x][y][z w]\n"},
		{"read -a", `read -ra arr <<< "  1 2  3 "; echo ${#arr[@]} "${arr[2]}"`, "3 3\n"},
		{"prefixed declare", `f() { local t; IFS=, declare -a 't=(${1})'; echo ${#t[@]} "${t[1]}"; }; f 'a b,c'`, "2 c\n"},
		{"dotted keys", "declare -A m=(\n\t[a.b]=1\n)\nm[c.d]=2\necho ${m[a.b]} ${m[c.d]}", "1 2\n"},
		{"arithmetic-looking keys", "declare -A m=(\n\t[x-y-3]=v\n)\necho ${!m[@]}", "x-y-3\n"},
		{"case fall through", `for x in a b c d e; do case $x in a) echo A ;& b) echo B ;; c) echo C ;& d) echo D ;& esac; done`, "A\nB\nB\nC\nD\nD\n"},
		{"case fall through into empty item", `for x in a b; do case $x in a) ;& b) echo AB ;; esac; done; case q in a) ;& *) echo star; esac`, "AB\nAB\nstar\n"},
		{"case resume", `case a in a) echo 1 ;;& *) echo 2 ;; esac`, "1\n2\n"},
		{"literal case", `case 8 in 7|8) echo yes ;; *) echo no ;; esac; case 9 in 7|8) echo yes ;; *) echo no ;; esac`, "yes\nno\n"},
		{"FUNCNAME", `f() { g; }; g() { echo "${FUNCNAME[@]}"; }; f`, "g f\n"},
		// Outputs of GNU bash 5.2.15.
		{"local without a value is unset", `x=1 a=(p q); f() { local x; local -a a; echo "[${x-unset}][${#a[@]}]"; x+=y; a+=(r); echo "$x ${a[*]}"; }; f; echo "$x ${a[*]}"`, "[unset][0]\ny r\n1 p q\n"},
		{"declare in a function is local too", `x=1; f() { declare x; typeset -x y; echo "[${x-unset}][${y-unset}]"; }; y=2; f; echo "$x $y"`, "[unset][unset]\n1 2\n"},
		{"escapes in unquoted ${x:+word}", `x=a; y=${x:+\ }b; z=${u:-\ c\*}; w="${x:+\ }"; v=${u:-${x:+\ \'}}; echo "[$y][$z][$w][$v]"`, "[ b][ c*][\\ ][ ']\n"},
		{"-v of an expansion, empty too", `a=1 n=a e=; [[ -v ${n} ]] && echo set; [[ -v ${e} ]] || echo unset; [[ ! -v ${e} ]] && echo "not set"; [[ -v $n ]]; echo $?`, "set\nunset\nnot set\n0\n"},
		{"declare -g and export keep the value", `x=1 y=2; f() { declare -g x; export y; echo "$x $y"; }; f`, "1 2\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := run(t, tc.src); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBashKeyOrder(t *testing.T) {
	// Orders printed by GNU bash 5.2.15 for `declare -A m=(...); echo "${!m[@]}"`.
	tests := []struct {
		keys []string
		want []string
	}{
		{[]string{"one", "two", "three", "four"}, []string{"four", "two", "three", "one"}},
		{[]string{"a", "b", "c"}, []string{"c", "b", "a"}},
	}
	for _, tc := range tests {
		m := map[string]string{}
		for _, k := range tc.keys {
			m[k] = k
		}
		if diff := cmp.Diff(tc.want, BashKeyOrder(m, tc.keys)); diff != "" {
			t.Errorf("BashKeyOrder(%q) (-want +got):\n%s", tc.keys, diff)
		}
	}
}

func TestTolerantParse(t *testing.T) {
	src := "x=1\nsrc_install() {\n\tlocal s=( a )\n\t[[ \" a\" =~ ^(\\ ${s[*]/%/|\\\\} )$ ]] || :\n}\npkg_setup() { :; }\n"
	f, err := Parse([]byte(src), "t.ebuild")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "t.ebuild:2: function src_install stubbed") {
		t.Errorf("warnings = %q", f.Warnings)
	}
	var names []string
	for _, fn := range f.Funcs {
		names = append(names, fn.Name)
		if fn.Name == "src_install" && (!fn.Stub || !strings.Contains(fn.Source, "local s=( a )") || fn.Line != 2) {
			t.Errorf("src_install = %+v", fn)
		}
	}
	if len(names) != 2 {
		t.Errorf("functions = %q", names)
	}
	// An error in code that global scope runs is not hidden.
	if _, err := Parse([]byte("x=( a\n"), "bad.ebuild"); err == nil {
		t.Errorf("unterminated array in global code parsed")
	}
	if _, err := Parse([]byte("f() {\n\t:\n}\n[[ a == b ) ]]\n"), "bad.ebuild"); err == nil {
		t.Errorf("error after a function was attributed to it")
	}
}

func TestHasGlob(t *testing.T) {
	tests := map[string]bool{
		"*.patch": true, "a?c": true, "[ab]": true, `\*`: false, "plain": false,
		"x[a/b]y": false, "[": false,
	}
	for in, want := range tests {
		if got := HasGlob(in); got != want {
			t.Errorf("HasGlob(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSplitIFS(t *testing.T) {
	tests := []struct {
		s, ifs string
		n      int
		want   []string
	}{
		{"  a b  c ", " \t\n", 2, []string{"a", "b  c"}},
		{"a/b/c", "/", 2, []string{"a", "b/c"}},
		{"a//c", "/", -1, []string{"a", "", "c"}},
		{" a  b ", " ", -1, []string{"a", "b"}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, splitIFS(tc.s, tc.ifs, tc.n)); diff != "" {
			t.Errorf("splitIFS(%q, %q, %d) (-want +got):\n%s", tc.s, tc.ifs, tc.n, diff)
		}
	}
}

func TestCaseRewritten(t *testing.T) {
	tests := []struct {
		src  string
		kept bool // the case statement stays for mvdan to run
	}{
		{"case $x in a) echo A ;& b) echo B ;; esac", false},
		{"case $x in a|b*) ;& c) echo C ;; *) ;; esac", false},
		{"case $x in a) echo A ;;& b) echo B ;; esac", true},
		{"case $x in $y) echo A ;& b) echo B ;; esac", true}, // expanded twice
		{"case $x in $y) echo A ;; b) echo B ;; esac", false},
	}
	for _, tc := range tests {
		f, err := Parse([]byte(tc.src), "t.sh")
		if err != nil {
			t.Fatal(err)
		}
		kept := false
		syntax.Walk(f.AST, func(n syntax.Node) bool {
			if _, ok := n.(*syntax.CaseClause); ok {
				kept = true
			}
			return true
		})
		if kept != tc.kept {
			t.Errorf("%q: case statement kept = %v, want %v", tc.src, kept, tc.kept)
		}
	}
}

func TestParseNoSource(t *testing.T) {
	src := "x=1\nsrc_install() {\n\tlocal s=( a )\n\t[[ \" a\" =~ ^(\\ ${s[*]/%/|\\\\} )$ ]] || :\n}\npkg_setup() { echo hi; }\n"
	funcs := func(opts ParseOptions) map[string]Func {
		f, err := ParseWith([]byte(src), "t.ebuild", opts)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]Func{}
		for _, fn := range f.Funcs {
			m[fn.Name] = fn
		}
		return m
	}
	full, bare := funcs(ParseOptions{}), funcs(ParseOptions{NoSource: true})
	if !strings.Contains(full["pkg_setup"].Source, "echo hi") {
		t.Errorf("full parse: pkg_setup source %q", full["pkg_setup"].Source)
	}
	// Without sources, only the printed text goes: stubs keep their raw
	// text, names and lines stay.
	want := map[string]Func{}
	for name, fn := range full {
		if !fn.Stub {
			fn.Source = ""
		}
		want[name] = fn
	}
	if diff := cmp.Diff(want, bare); diff != "" {
		t.Errorf("NoSource functions (-want +got):\n%s", diff)
	}
}

// TestLazyFunctions runs scripts whose functions use the rewrites, parsed
// eagerly and lazily: the output must be the same, and lazy parsing must
// leave the bodies alone until they run.
func TestLazyFunctions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		lazy bool // whether function bodies are left pending
	}{{
		name: "stack, loop, printf -v, substitution",
		src: `outer() { inner "$@"; }
inner() {
	local i out
	for i in "$@"; do printf -v out '%s-%s' "${out}" "${i/#a/A}"; done
	echo "${FUNCNAME[*]} ${out}"
}
src_install() { echo never; }
outer ab cd
`,
		lazy: true,
	}, {
		name: "top-level anchored substitution and $_ in a lazy file",
		src: `f() { :; }
x=abc
echo "${x/#a/A}" done
echo "$_"
`,
		lazy: true,
	}, {
		name: "nested function defined when its parent runs",
		src: `define() { later() { echo "${FUNCNAME[0]} ${BASH_SOURCE[0]}"; }; }
define
later
`,
		lazy: true,
	}, {
		name: "associative array declared in a function: eager",
		src: `setup() { declare -gA M=([b]=2 [a]=1); }
setup
echo "${!M[@]}"
`,
		lazy: false,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eager := runWith(t, tc.src, ParseOptions{})
			lazy := runWith(t, tc.src, ParseOptions{Lazy: true})
			if eager != lazy {
				t.Errorf("lazy output %q, eager %q", lazy, eager)
			}
			f, err := ParseWith([]byte(tc.src), "test.sh", ParseOptions{Lazy: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(f.pending) > 0; got != tc.lazy {
				t.Errorf("bodies pending: %v, want %v", got, tc.lazy)
			}
			for body := range f.pending {
				before := len(body.Cmd.(*syntax.Block).Stmts)
				if err := f.Prepare(body); err != nil {
					t.Fatal(err)
				}
				if after := len(body.Cmd.(*syntax.Block).Stmts); after != before+1 {
					t.Errorf("Prepare left %d statements, want %d (instrumented)", after, before+1)
				}
				_ = f.Prepare(body) // prepared once only
				if again := len(body.Cmd.(*syntax.Block).Stmts); again != before+1 {
					t.Errorf("second Prepare changed the body: %d statements", again)
				}
			}
		})
	}
}

func TestDeclaresAssocOrInt(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"declare -A m", true},
		{"f() {\n\tlocal -gA m=()\n}", true},
		{"typeset +i n", true},
		{"readonly -ai xs", true},
		{"x=1 # declare\nlocal -a list\nexport FOO=-i", false},
		{"export FOO", false},
		{"local x -A", true}, // conservative: any option word on the line
		{"echo -A; local y", false},
	}
	for _, tc := range tests {
		if got := declaresAssocOrInt([]byte(tc.src)); got != tc.want {
			t.Errorf("declaresAssocOrInt(%q) = %v, want %v", tc.src, got, tc.want)
		}
	}
}

// TestDeferBodies runs scripts parsed whole and with function bodies
// deferred: the output must be the same, line numbers included.
func TestDeferBodies(t *testing.T) {
	deferOpts := ParseOptions{Lazy: true, NoSource: true, DeferBodies: true}
	tests := []struct {
		name     string
		src      string
		deferred int // bodies left unparsed
	}{{
		name: "called and uncalled functions, line numbers",
		src: `helper() {
	local x=${1/#a/A}
	echo "${FUNCNAME[0]} ${x} ${LINENO}"
}
src_install() {
	emake DESTDIR="${D}" install
}
helper abc
echo "${LINENO}"
`,
		deferred: 2,
	}, {
		name:     "a here-document's closing brace does not end the body",
		src:      "doc() {\n\tread -r -d '' x <<END\n}\nEND\n\techo \"[${x}]\"\n}\ndoc\necho top\n",
		deferred: 1,
	}, {
		name:     "here-documents with <<-, quoted and escaped delimiters, and a here-string",
		src:      "doc() {\n\tread -r -d '' x <<-'A'\n\t}\n\tA\n\tread -r -d '' y <<\"B\"\n}\nB\n\tread -r -d '' z <<\\C; read -r w <<<'}'\n}\nC\n\techo \"[${x}${y}${z}${w}] << not\" # << nor\n}\ndoc\necho top\n",
		deferred: 1,
	}, {
		name:     "<< in arithmetic is parsed at once",
		src:      "f() {\n\techo $(( 1 << 2 ))\n}\nf\n",
		deferred: 0,
	}, {
		name:     "a here-document with a function head in it is parsed at once",
		src:      "f() {\n\tread -r -d '' x <<END\ng() {\n}\nEND\n\techo \"${x}\"\n}\nf\n",
		deferred: 0,
	}, {
		name:     "a here-document without its end is parsed at once",
		src:      "f() {\n\tcat <<END\n}\necho after\n",
		deferred: 0,
	}, {
		// Bash lists an associative array in its own order; the body
		// that iterates it is rewritten when prepared, knowing the
		// array from the declaration outside it.
		name:     "an associative array declared outside the bodies",
		src:      "declare -A M=([one]=1 [two-2]=2 [three]=3)\nf() {\n\tfor k in \"${!M[@]}\"; do echo \"${k}=${M[${k}]}\"; done\n\techo \"${M[@]}\"\n}\nf\n",
		deferred: 1,
	}, {
		name:     "a body declaring an associative array is parsed at once",
		src:      "f() {\n\tlocal -A m=([a]=1)\n\techo \"${m[a]}\"\n}\ng() {\n\techo g\n}\nf\ng\n",
		deferred: 0,
	}, {
		name:     "a file with an integer variable is parsed at once",
		src:      "declare -i n=1\nf() {\n\tn+=2\n\techo \"${n}\"\n}\nf\n",
		deferred: 0,
	}, {
		// auto-fu-zsh's ebuilds print an example zshrc with functions in
		// it from a string over many lines: the brace closing one of
		// them is text, and the code after it must not run.
		name:     "a function in a string over several lines",
		src:      "example() {\n\techo \"\nk() {\n\tx\n}\nzle -N k\n\"\n}\necho top\n",
		deferred: 0,
	}, {
		name:     "strings that close on their line, $'...' with an escaped quote",
		src:      "f() {\n\techo \"a}\" 'b}' $'c\\'}'\n}\nf\necho top\n",
		deferred: 1,
	}, {
		name:     "a wrong guess at a body's end parses the whole file",
		src:      "f() {\n\tx='\n}\n'\n\techo \"${x}\"\n}\nf\n",
		deferred: 0,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			whole := runWith(t, tc.src, ParseOptions{})
			deferred := runWith(t, tc.src, deferOpts)
			if whole != deferred {
				t.Errorf("deferred output %q, whole %q", deferred, whole)
			}
			f, err := ParseWith([]byte(tc.src), "test.sh", deferOpts)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.deferred) != tc.deferred {
				t.Errorf("%d bodies deferred, want %d", len(f.deferred), tc.deferred)
			}
		})
	}
}

// TestDeferredBodyUnparsable checks that a deferred body mvdan cannot
// parse does not stop the file from parsing, and fails when prepared.
func TestDeferredBodyUnparsable(t *testing.T) {
	src := "x=1\nsrc_test() {\n\tfoo=$((\n}\ny=2\n"
	f, err := ParseWith([]byte(src), "t.ebuild", ParseOptions{Lazy: true, NoSource: true, DeferBodies: true})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var body *syntax.Stmt
	for b, fn := range f.Funcs {
		if fn.Name == "src_test" {
			body = b
		}
	}
	if body == nil {
		t.Fatal("src_test not declared")
	}
	err = f.Prepare(body)
	if err == nil || !strings.Contains(err.Error(), "t.ebuild:") || !strings.Contains(err.Error(), "src_test") {
		t.Errorf("Prepare = %v, want an error naming the file, line and function", err)
	}
}

func TestSimpleFuncHead(t *testing.T) {
	tests := []struct {
		line string
		name string
		ok   bool
	}{
		{"src_install() {", "src_install", true},
		{"my-func.x () { # comment", "my-func.x", true},
		{"pkg_setup(){", "pkg_setup", true},
		{"function foo {", "", false},
		{"foo() { echo; }", "", false},
		{"\tfoo() {", "", false},
		{"foo()", "", false},
		{"9foo() {", "", false},
	}
	for _, tc := range tests {
		name, ok := simpleFuncHead(tc.line)
		if name != tc.name || ok != tc.ok {
			t.Errorf("simpleFuncHead(%q) = %q, %v; want %q, %v", tc.line, name, ok, tc.name, tc.ok)
		}
	}
}

// TestBodyEnd checks where deferBodies takes a function to end: the first
// closing brace at column 0 outside strings and here-documents, or -1
// (parse at once) where that is not sure.
func TestBodyEnd(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want int
	}{
		{"plain", "f() {\n\techo a\n}\ng() {\n}", 2},
		{"brace in a string on one line", "f() {\n\techo \"\n}\"\n}", 3},
		{"function in a string over lines", "f() {\n\techo \"\nk() {\n}\nzle -N k\n\"\n}", -1},
		{"single quotes and a comment", "f() {\n\techo '}' # don't\n}", 2},
		{"$'...' with an escaped quote", "f() {\n\techo $'\\'}'\n}", 2},
		{"brace in a here-document", "f() {\n\tcat <<-EOF\n}\n\tEOF\n}", 4},
		{"arithmetic shift", "f() {\n\t(( x = 1 << 2 ))\n}", -1},
		{"no end", "f() {\n\techo a", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := bodyEnd(splitLines([]byte(tc.src)), 0); got != tc.want {
				t.Errorf("bodyEnd = %d, want %d", got, tc.want)
			}
		})
	}
}

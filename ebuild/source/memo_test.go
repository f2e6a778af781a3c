package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"buckos.dev/buckos/ebuild"
)

// memoEclasses are the eclasses of the memoisation tests.
var memoEclasses = map[string]string{
	// base: variables of every kind, functions, EXPORT_FUNCTIONS and a
	// nested inherit.
	"base": `if [[ -z ${_BASE_ECLASS} ]]; then
_BASE_ECLASS=1
inherit dep
IUSE="static-libs"
DEPEND="dev-libs/foo"
RESTRICT="test"
declare -g -A BASE_MAP=([one]=1 [two-2]=2)
declare -g -a BASE_LIST=(a "b c" d)
export BASE_UNSET_EXPORTED
BASE_STRING="x y"
export BASE_EXPORTED="e v"
declare -g -a BASE_SPARSE=([3]=x [7]=y)
declare -g -x -a BASE_XLIST=(p q)
declare -g -r BASE_RO=fixed
unset BASE_GONE
base_src_compile() { :; }
base_helper() { echo helper; }
EXPORT_FUNCTIONS src_compile
fi
`,
	"dep": `RDEPEND="dev-libs/dep"
dep_fn() { :; }
`,
	// compat: depends on a variable the ebuild sets before inherit.
	"compat": `case ${FOO_COMPAT} in
	new) IUSE="new" ;;
	*) IUSE="old" ;;
esac
COMPAT_DEPS="dev-lang/foo[${FOO_COMPAT}]"
`,
	// pn: depends on the package name.
	"pn":     `HOMEPAGE="https://example.org/${PN}"` + "\n",
	"shopt":  "shopt -s extglob\nSHOPT_SET=1\n",
	"caller": "CALLED=$(ebuild_hook)\n",
	"failing": `[[ -n ${NO_SUCH_VARIABLE} ]] && FOO=1
`,
	"dies":      "die \"unsupported\"\n",
	"reads-inh": "if has dep ${INHERITED}; then SAW_DEP=1; fi\nREAD_INHERITED=\"${INHERITED}\"\n",
	"status":    "true\n",
	"guarded":   "if [[ -z ${_GUARDED} ]]; then\n_GUARDED=1\ng() { echo eclass; }\nfi\n",
	"wrap":      "inherit guarded\nWRAPPED=1\n",
	// outer inherits mid inherits leaf: leaf's IUSE is accumulated
	// inside mid's recording, itself inside outer's.
	"outer": "inherit mid\nIUSE=outer\n",
	"mid":   "inherit leaf\nIUSE=mid\n",
	"leaf":  "IUSE=leaf\nRDEPEND=dev-libs/leaf\n",
	// who looks past its own frame of the call stack.
	"who": "WHO=\"${FUNCNAME[1]} ${BASH_SOURCE[1]##*/}\"\n",
	"via": "inherit who\n",
}

type memoCase struct {
	name     string
	ebuilds  []string // evaluated in order with one evaluator
	hits     int64
	recorded int64
	undone   int64
	// description, if set, is the DESCRIPTION every ebuild must get.
	description string
}

var memoCases = []memoCase{{
	name: "same inputs replay for another package",
	ebuilds: []string{
		"EAPI=8\ninherit base\nSLOT=0\n",
		"EAPI=8\ninherit base\nSLOT=1\nIUSE=\"doc\"\n",
	},
	// base and, inside its recording, dep; then base replayed.
	hits: 1, recorded: 2,
}, {
	// A replay declares the variables in one declare command per set of
	// options: the kinds and attributes must come out as sourcing leaves
	// them.
	name: "variables of every kind and attribute replayed",
	ebuilds: []string{
		"EAPI=8\nBASE_GONE=1\ninherit base\nDESCRIPTION=\"${BASE_MAP[one]} ${BASE_MAP@a} $(declare -p BASE_LIST BASE_SPARSE BASE_XLIST BASE_RO BASE_EXPORTED BASE_STRING) ${BASE_GONE-gone}\"\nSLOT=0\n",
		"EAPI=8\nBASE_GONE=1\ninherit base\nDESCRIPTION=\"${BASE_MAP[one]} ${BASE_MAP@a} $(declare -p BASE_LIST BASE_SPARSE BASE_XLIST BASE_RO BASE_EXPORTED BASE_STRING) ${BASE_GONE-gone}\"\nSLOT=0\n",
	},
	hits: 1, recorded: 2,
	description: `1 A declare -a BASE_LIST=([0]="a" [1]="b c" [2]="d") declare -a BASE_SPARSE=([3]="x" [7]="y") ` +
		`declare -ax BASE_XLIST=([0]="p" [1]="q") declare -r BASE_RO="fixed" declare -x BASE_EXPORTED="e v" ` +
		`declare -- BASE_STRING="x y" gone`,
}, {
	name: "an input the ebuild sets selects the trace",
	ebuilds: []string{
		"EAPI=8\nFOO_COMPAT=new\ninherit compat\nSLOT=0\n",
		"EAPI=8\nFOO_COMPAT=old\ninherit compat\nSLOT=0\n",
		"EAPI=8\nFOO_COMPAT=new\ninherit compat\nSLOT=0\n",
	},
	hits: 1, recorded: 2,
}, {
	name: "an eclass reading PN records every package",
	ebuilds: []string{
		"EAPI=8\ninherit pn\nSLOT=0\n",
		"EAPI=8\ninherit pn\nSLOT=0\n",
	},
	recorded: 2,
}, {
	name: "a different EAPI is a different trie",
	ebuilds: []string{
		"EAPI=7\ninherit base\nSLOT=0\n",
		"EAPI=8\ninherit base\nSLOT=0\n",
	},
	recorded: 4,
}, {
	name: "shell options are sourced in place",
	ebuilds: []string{
		"EAPI=8\ninherit shopt\nSLOT=0\n",
		"EAPI=8\ninherit shopt\nSLOT=0\n",
	},
	recorded: 2, undone: 2,
}, {
	name: "an ebuild changing options is never recorded",
	ebuilds: []string{
		"EAPI=8\nshopt -s extglob\ninherit base\nSLOT=0\n",
	},
}, {
	name: "a function of the ebuild is not kept",
	ebuilds: []string{
		"EAPI=8\nebuild_hook() { echo one; }\ninherit caller\nSLOT=0\n",
		"EAPI=8\nebuild_hook() { echo one; }\ninherit caller\nSLOT=0\n",
	},
	recorded: 2,
}, {
	name: "inherit twice and in a nested eclass",
	ebuilds: []string{
		"EAPI=8\ninherit dep base dep\nSLOT=0\n",
		"EAPI=8\ninherit dep base\nSLOT=0\n",
		"EAPI=8\ninherit base dep\nSLOT=0\n",
	},
	// 1: dep recorded; base recorded, the dep inside it replayed (its
	// caller's call stack is no input), dep replayed. 2: both replayed.
	// 3: base recorded (dep not inherited before it), its dep and the
	// last dep replayed.
	hits: 6, recorded: 3,
}, {
	name: "INHERITED as the eclass sees it",
	ebuilds: []string{
		"EAPI=8\ninherit dep reads-inh\nSLOT=0\n",
		"EAPI=8\ninherit reads-inh\nSLOT=0\n",
		"EAPI=8\ninherit dep reads-inh\nSLOT=0\n",
	},
	hits: 2, recorded: 3,
}, {
	name: "a failing sourcing fails the same way",
	ebuilds: []string{
		"EAPI=8\ninherit failing\nSLOT=0\n",
		"EAPI=8\ninherit failing\nSLOT=0\n",
	},
	hits: 1, recorded: 1,
}, {
	name: "an ebuild's own version of an eclass function survives",
	ebuilds: []string{
		"EAPI=8\ninherit guarded wrap\nDESCRIPTION=$(g)\nSLOT=0\n",
		"EAPI=8\ninherit guarded\ng() { echo mine; }\ninherit wrap\nDESCRIPTION=$(g)\nSLOT=0\n",
	},
	// wrap's guarded nested inherit declares nothing: in the first
	// package g is the eclass's at entry, in the second the ebuild's.
	// guarded is recorded at the top and inside wrap (a different
	// caller: _GUARDED is set), wrap once; guarded and wrap are replayed
	// in the second package, and g stays the ebuild's: the include guard
	// held, so g's binding is neither an input nor an effect of wrap.
	hits: 2, recorded: 3,
}, {
	name: "recordings inside recordings",
	ebuilds: []string{
		"EAPI=8\ninherit outer\nSLOT=0\n",
		"EAPI=8\ninherit outer\nSLOT=0\n",
		"EAPI=8\ninherit mid\nSLOT=0\n",
	},
	// outer, mid inside it, leaf inside that; outer replayed; mid at the
	// top recorded (it inherits leaf, whose INHERITED entry is new), its
	// leaf replayed.
	hits: 2, recorded: 4,
}, {
	name: "the caller's call stack, where an eclass looks at it",
	ebuilds: []string{
		"EAPI=8\ninherit who\nSLOT=0\n",
		"EAPI=8\ninherit via\nSLOT=0\n",
		"EAPI=8\ninherit who\nSLOT=0\n",
	},
	// who's value depends on its caller: recorded at the top and inside
	// via (recorded too), replayed at the top.
	hits: 1, recorded: 3,
}, {
	name: "die in an eclass",
	ebuilds: []string{
		"EAPI=8\ninherit dies\nSLOT=0\n",
	},
	recorded: 1,
}, {
	name: "the status of the last command and $_",
	ebuilds: []string{
		"EAPI=8\ninherit status\nDESCRIPTION=\"$_\"\nSLOT=0\n",
		"EAPI=8\ninherit status\nDESCRIPTION=\"$_\"\nSLOT=0\n",
	},
	hits: 1, recorded: 1,
}}

// TestMemoMatchesInPlace evaluates each case's ebuilds with memoisation
// and without, and wants the same metadata (all variables and functions)
// or the same error, and the replays and recordings the case expects.
func TestMemoMatchesInPlace(t *testing.T) {
	dir := t.TempDir()
	eclassDir := filepath.Join(dir, "eclass")
	if err := os.MkdirAll(eclassDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range memoEclasses {
		if err := os.WriteFile(filepath.Join(eclassDir, name+".eclass"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for ci, tc := range memoCases {
		t.Run(tc.name, func(t *testing.T) {
			var refs []ebuild.Ref
			for i, src := range tc.ebuilds {
				pn := fmt.Sprintf("pkg%d", i)
				pkg := filepath.Join(dir, fmt.Sprintf("cat%d", ci), pn)
				if err := os.MkdirAll(pkg, 0o755); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(pkg, pn+"-1.ebuild")
				if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
				refs = append(refs, ebuild.Ref{Repo: "test", Category: fmt.Sprintf("cat%d", ci), PN: pn, PVR: "1", Path: path})
			}
			memo := New(Options{EclassDirs: []string{eclassDir}})
			plain := New(Options{EclassDirs: []string{eclassDir}, NoMemo: true})
			for _, ref := range refs {
				got, gotErr := memo.Evaluate(context.Background(), ref)
				want, wantErr := plain.Evaluate(context.Background(), ref)
				if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Fatalf("%s: error with memoisation %v, without %v", ref.PN, gotErr, wantErr)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: metadata with memoisation differs (-without +with):\n%s", ref.PN, diff)
				}
				if tc.description != "" {
					if gotErr != nil {
						t.Errorf("%s: %v", ref.PN, gotErr)
					} else if got.Raw["DESCRIPTION"] != tc.description {
						t.Errorf("%s: DESCRIPTION %q, want %q", ref.PN, got.Raw["DESCRIPTION"], tc.description)
					}
				}
			}
			st := memo.Memo()
			if st.Hits.Load() != tc.hits || st.Recorded.Load() != tc.recorded || st.Undone.Load() != tc.undone {
				t.Errorf("hits %d recorded %d undone %d, want %d %d %d",
					st.Hits.Load(), st.Recorded.Load(), st.Undone.Load(), tc.hits, tc.recorded, tc.undone)
			}
			if plain.Memo() != nil {
				t.Errorf("NoMemo evaluator has memo counters")
			}
		})
	}
}

// TestUserHomeNotLooked checks that ~user is left as written, and that
// no user database outside the sandbox is consulted for it.
func TestUserHomeNotLooked(t *testing.T) {
	md, _, err := evalWithTestEclasses(t, "EAPI=8\nSLOT=0\n: \"${KEYWORDS:=~amd64 x86}\"\nDESCRIPTION=~root/x\n")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"KEYWORDS": "~amd64 x86", "DESCRIPTION": "~root/x"}
	for k, v := range want {
		if md.Raw[k] != v {
			t.Errorf("%s = %q, want %q", k, md.Raw[k], v)
		}
	}
}

// TestCorpusMemoMatchesInPlace evaluates the corpus gentoo tree with and
// without memoisation, keeping everything sync uses (variables and
// functions), and wants the same metadata for every ebuild.
func TestCorpusMemoMatchesInPlace(t *testing.T) {
	dir, refs := gentooEbuilds(t)
	opts := Options{EclassDirs: []string{filepath.Join(dir, "eclass")}}
	memo := New(opts)
	opts.NoMemo = true
	got, want := evaluateAll(memo, refs, 2), evaluateAll(New(opts), refs, 2)
	bad := 0
	for i := range refs {
		if fmt.Sprint(got[i].err) != fmt.Sprint(want[i].err) {
			t.Errorf("%s: error with memoisation %v, without %v", refs[i].CPF(), got[i].err, want[i].err)
			bad++
		} else if diff := cmp.Diff(want[i].md, got[i].md); diff != "" {
			t.Errorf("%s: metadata with memoisation differs (-without +with):\n%s", refs[i].CPF(), diff)
			bad++
		}
		if bad > 5 {
			t.Fatal("too many differences")
		}
	}
	st := memo.Memo()
	t.Logf("%d ebuilds: %d sourcings replayed, %d recorded (%d undone), %d in place",
		len(refs), st.Hits.Load(), st.Recorded.Load(), st.Undone.Load(), st.InPlace.Load())
	if st.Hits.Load() < int64(len(refs)) {
		t.Errorf("only %d replays for %d ebuilds: memoisation is hardly used", st.Hits.Load(), len(refs))
	}
}

package shell

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// TestCorpusDeferredBodies parses every ebuild and eclass of the corpus
// trees whole and with function bodies deferred: the same functions must
// be declared at the same lines, and each deferred body, once prepared,
// must print as the body parsed whole (but for the numbers in the names
// of helper variables, which follow the order bodies are rewritten in). A body whose extent deferBodies
// guessed too long would hide the functions after it; this catches that
// on real code.
func TestCorpusDeferredBodies(t *testing.T) {
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		t.Skip("BUCKOS_SHARED is not set: this needs the corpus trees under $BUCKOS_SHARED/corpus")
	}
	var files []string
	for _, tree := range []string{"gentoo", "guru", "chromiumos"} {
		dir := filepath.Join(shared, "corpus", tree)
		for _, pat := range []string{"*/*/*.ebuild", "eclass/*.eclass"} {
			m, err := filepath.Glob(filepath.Join(dir, pat))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, m...)
		}
	}
	if len(files) < 5000 {
		t.Fatalf("found %d ebuilds and eclasses under %s/corpus, want the three trees", len(files), shared)
	}
	deferred, checked := 0, 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := ParseWith(src, path, ParseOptions{Lazy: true, NoSource: true})
		if err != nil {
			continue // the evaluator reports it; nothing to compare
		}
		def, err := ParseWith(src, path, ParseOptions{Lazy: true, NoSource: true, DeferBodies: true})
		if err != nil {
			t.Errorf("%s: parses whole but not with deferred bodies: %v", path, err)
			continue
		}
		deferred += len(def.deferred)
		a, b := funcsByPlace(t, whole), funcsByPlace(t, def)
		if !slices.Equal(a.keys, b.keys) {
			t.Errorf("%s: functions %v parsed whole, %v deferred", path, a.keys, b.keys)
			continue
		}
		for i, k := range a.keys {
			if a.body[i] != b.body[i] {
				t.Errorf("%s: %s differs deferred:\n%s\nwhole:\n%s", path, k, b.body[i], a.body[i])
			}
			checked++
		}
	}
	t.Logf("%d files, %d bodies deferred, %d functions compared", len(files), deferred, checked)
}

// helperNumbers matches the numbered names of the rewrite's helper
// variables.
var helperNumbers = regexp.MustCompile(`(__buckos_[a-z]+[0-9]+_)[0-9]+`)

// unparsable stands for a body mvdan cannot parse.
const unparsable = "(unparsable)"

type placedFuncs struct {
	keys []string // name:line, sorted
	body []string // printed prepared body, by key
}

func funcsByPlace(t *testing.T, f *File) placedFuncs {
	t.Helper()
	type fn struct {
		key  string
		body *syntax.Stmt
	}
	// Preparing a body declares the functions nested in it: prepare
	// until no new function shows up.
	failed := map[*syntax.Stmt]bool{}
	for prepared := map[*syntax.Stmt]bool{}; ; {
		var todo []*syntax.Stmt
		for body, info := range f.Funcs {
			if !info.Stub && !prepared[body] {
				todo = append(todo, body)
			}
		}
		if len(todo) == 0 {
			break
		}
		for _, body := range todo {
			prepared[body] = true
			if err := f.Prepare(body); err != nil {
				// Parsed whole, mvdan's failure stubs the function instead.
				failed[body] = true
			}
		}
	}
	var fns []fn
	var stubs []string
	for body, info := range f.Funcs {
		key := info.Name + ":" + strconv.Itoa(info.Line)
		if info.Stub {
			stubs = append(stubs, key)
			continue
		}
		fns = append(fns, fn{key, body})
	}
	slices.SortFunc(fns, func(x, y fn) int { return strings.Compare(x.key, y.key) })
	var p placedFuncs
	printer := syntax.NewPrinter()
	for _, x := range fns {
		p.keys = append(p.keys, x.key)
		if failed[x.body] {
			p.body = append(p.body, unparsable)
			continue
		}
		var buf bytes.Buffer
		printer.Print(&buf, x.body)
		p.body = append(p.body, helperNumbers.ReplaceAllString(buf.String(), "${1}N"))
	}
	for _, key := range stubs {
		i, _ := slices.BinarySearch(p.keys, key)
		p.keys = slices.Insert(p.keys, i, key)
		p.body = slices.Insert(p.body, i, unparsable)
	}
	return p
}

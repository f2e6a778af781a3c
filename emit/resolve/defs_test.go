package resolve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bazelbuild/buildtools/build"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"

	"buckos.dev/buckos/ebuild/atom"
	"buckos.dev/buckos/ebuild/mdcache"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/emit/cells"
)

// defsVersionDep runs resolve_version_dep of defs/private/registry.bzl (the
// rule that decides, when a BUCK file loads, which version a version_dep
// builds) in go.starlark.net against the registry that sync writes for ix.
type defsVersionDep struct {
	thread  *starlark.Thread
	resolve starlark.Value
}

func newDefsVersionDep(t *testing.T, ix *Index) *defsVersionDep {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"@root//packages:registry_data.bzl": registryText(ix)}
	for _, name := range []string{"registry", "version"} {
		b, err := os.ReadFile(filepath.Join(root, "defs", "private", name+".bzl"))
		if err != nil {
			t.Fatalf("defs: %v", err)
		}
		files["@root//defs/private:"+name+".bzl"] = string(b)
	}
	predeclared := starlark.StringDict{"struct": starlark.NewBuiltin("struct", starlarkstruct.Make)}
	cache := map[string]starlark.StringDict{}
	var load func(th *starlark.Thread, module string) (starlark.StringDict, error)
	load = func(th *starlark.Thread, module string) (starlark.StringDict, error) {
		if g, ok := cache[module]; ok {
			return g, nil
		}
		src, ok := files[module]
		if !ok {
			return nil, fmt.Errorf("no module %s in this test", module)
		}
		g, err := starlark.ExecFileOptions(&syntax.FileOptions{}, &starlark.Thread{Name: module, Load: load}, module, src, predeclared)
		if err != nil {
			return nil, err
		}
		cache[module] = g
		return g, nil
	}
	g, err := load(nil, "@root//defs/private:registry.bzl")
	if err != nil {
		t.Fatalf("loading defs/private/registry.bzl: %v", err)
	}
	return &defsVersionDep{thread: &starlark.Thread{Name: "test", Load: load}, resolve: g["resolve_version_dep"]}
}

// registryText writes packages/registry_data.bzl as sync does: status from
// KEYWORDS, "masked" for package.masked versions.
func registryText(ix *Index) string {
	var b strings.Builder
	b.WriteString("REGISTRY = {\n")
	keys := make([]string, 0, len(ix.pkgs))
	for k := range ix.pkgs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e := ix.pkgs[k]
		fmt.Fprintf(&b, "    %s: {\"package\": %s, \"versions\": {\n", strconv.Quote(e.place.Base()), strconv.Quote(k))
		for _, v := range e.pkg.Versions {
			status := v.Status()
			if v.Masked {
				status = "masked"
			}
			fmt.Fprintf(&b, "        %s: {\"slot\": %s, \"status\": %s},\n", strconv.Quote(v.PVR), strconv.Quote(v.Slot), strconv.Quote(status))
		}
		b.WriteString("    }},\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// call returns the label defs picks for version_dep(pkg, constraint, slot), or
// "" when defs finds none.
func (d *defsVersionDep) call(t *testing.T, pkg, constraint, slot string) string {
	t.Helper()
	var slotV starlark.Value = starlark.None
	if slot != "" {
		slotV = starlark.String(slot)
	}
	r, err := starlark.Call(d.thread, d.resolve, starlark.Tuple{starlark.String(pkg), starlark.String(constraint), slotV}, nil)
	if err != nil {
		t.Fatalf("resolve_version_dep(%q, %q, %q): %v", pkg, constraint, slot, err)
	}
	pair := r.(starlark.Tuple)
	if s, ok := pair[0].(starlark.String); ok {
		return string(s)
	}
	return ""
}

// versionAtoms returns, for every atom of value with a version operator and
// no subslot (version_dep has no subslot), whether Resolve resolved it.
func versionAtoms(t *testing.T, ix *Index, ctx Context, value string) map[string]bool {
	t.Helper()
	items, unresolved, err := ix.Depend(ctx, value)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, it := range items {
		build.Walk(it, func(x build.Expr, _ []build.Expr) {
			c, ok := x.(*build.CallExpr)
			if !ok || c.X.(*build.Ident).Name != "version_dep" {
				return
			}
			out[build.FormatString(c)] = true
		})
	}
	for _, u := range unresolved {
		a, err := atom.Parse(u.Atom, ctx.EAPI)
		if err != nil {
			t.Fatal(err)
		}
		if a.Op == "" || a.Blocker != atom.NoBlocker || a.SubSlot != "" || u.Reason == "package is not in any repository in play" {
			continue
		}
		e := ix.pkgs[a.Key()]
		args := []build.Expr{str(e.place.Base()), str(constraint(a))}
		if a.Slot != "" {
			args = append(args, kw("slot", str(a.Slot)))
		}
		out[build.FormatString(call("version_dep", args...))] = false
	}
	return out
}

// checkAgreement asks defs about every version_dep of items: emit writes
// version_dep exactly when defs finds a version, and unresolved(...) exactly
// when it does not.
func checkAgreement(t *testing.T, d *defsVersionDep, atoms map[string]bool) (agreed int) {
	t.Helper()
	for text, resolved := range atoms {
		f, err := build.ParseBuild("x", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		c := f.Stmt[0].(*build.CallExpr)
		pkg := c.List[0].(*build.StringExpr).Value
		cons := c.List[1].(*build.StringExpr).Value
		slot := ""
		if len(c.List) > 2 {
			slot = c.List[2].(*build.AssignExpr).RHS.(*build.StringExpr).Value
		}
		label := d.call(t, pkg, cons, slot)
		switch {
		case resolved && label == "":
			t.Errorf("emit writes %s but defs finds no version for it", text)
		case !resolved && label != "":
			t.Errorf("emit writes unresolved(...) for %s but defs builds %s", text, label)
		default:
			agreed++
		}
	}
	return agreed
}

func TestVersionDepAgreesWithDefs(t *testing.T) {
	ix := testIndex(t)
	d := newDefsVersionDep(t, ix)
	ctx := Context{Package: "app-misc/me-1", Key: "DEPEND", EAPI: "8"}
	atoms := versionAtoms(t, ix, ctx, ">=dev-libs/openssl-3.0.0 <dev-libs/openssl-3:0 ~sys-libs/zlib-1.3.1 =sys-libs/zlib-1.3* "+
		"=sys-libs/zlib-1.3.1-r1 >=sys-libs/zlib-2 >=dev-libs/openssl-4 >=sys-apps/bar-2:0 >=sys-apps/bar-3:0 ~sys-apps/bar-9999 "+
		">=sys-apps/bar-1 =sys-apps/foo-1 >sys-apps/foo-1")
	if len(atoms) != 13 {
		t.Fatalf("%d version atoms, want 13: %v", len(atoms), atoms)
	}
	unresolved := 0
	for _, ok := range atoms {
		if !ok {
			unresolved++
		}
	}
	if unresolved != 4 {
		t.Errorf("%d unresolved, want 4 (zlib-2, openssl-4, bar-3:0, foo>1): %v", unresolved, atoms)
	}
	checkAgreement(t, d, atoms)
}

// Every version atom of the corpus gentoo tree (from its md5-cache) is
// resolved by emit exactly when defs' version_dep finds a version.
func TestCorpusVersionDepAgreesWithDefs(t *testing.T) {
	shared := os.Getenv("BUCKOS_SHARED")
	if shared == "" {
		t.Skip("needs BUCKOS_SHARED pointing at the shared/ directory with corpus/gentoo (a Gentoo ebuild tree with metadata/md5-cache)")
	}
	dir := filepath.Join(shared, "corpus", "gentoo")
	r, err := repo.Open(dir, repo.OpenOptions{NoMasters: true})
	if err != nil {
		t.Fatalf("BUCKOS_SHARED=%s: %v", shared, err)
	}
	refs, err := r.Ebuilds()
	if err != nil {
		t.Fatal(err)
	}
	byPkg := map[string]*Package{}
	var keys []string
	entries := map[string]mdcache.Entry{}
	for _, ref := range refs {
		e, err := mdcache.ReadFile(filepath.Join(dir, "metadata", "md5-cache", ref.Category, ref.PF()))
		if err != nil {
			continue // no cache entry (the corpus README lists why)
		}
		entries[ref.CPF()] = e
		key := ref.Category + "/" + ref.PN
		p := byPkg[key]
		if p == nil {
			p = &Package{Key: key}
			byPkg[key] = p
			keys = append(keys, key)
		}
		slot, sub, _ := strings.Cut(e.Keys["SLOT"], "/")
		p.Versions = append(p.Versions, Version{PVR: ref.PVR, Slot: slot, SubSlot: sub,
			Keywords: strings.Fields(e.Keys["KEYWORDS"]), Properties: strings.Fields(e.Keys["PROPERTIES"])})
	}
	if len(keys) < 500 {
		t.Fatalf("only %d packages with md5-cache entries in %s", len(keys), dir)
	}
	slices.Sort(keys)
	layout, err := cells.NewLayout(keys)
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []Package
	for _, k := range keys {
		pkgs = append(pkgs, *byPkg[k])
	}
	ix, err := NewIndex(layout, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	d := newDefsVersionDep(t, ix)
	atoms := map[string]bool{}
	for cpf, e := range entries {
		for _, k := range []string{"DEPEND", "RDEPEND", "BDEPEND", "PDEPEND", "IDEPEND"} {
			for text, ok := range versionAtoms(t, ix, Context{Package: cpf, Key: k, EAPI: e.Keys["EAPI"]}, e.Keys[k]) {
				atoms[text] = ok
			}
		}
	}
	agreed := checkAgreement(t, d, atoms)
	t.Logf("%d distinct version_dep atoms, %d agree", len(atoms), agreed)
	if len(atoms) < 500 {
		t.Errorf("only %d version atoms in the corpus", len(atoms))
	}
}

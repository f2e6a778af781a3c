package sync

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bazelbuild/buildtools/build"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/emit/gen"
	"buckos.dev/buckos/emit/resolve"
)

// emitGenerator is the Generator of the real tool: emit/gen with an
// emit/resolve index of the whole world.
type emitGenerator struct {
	version string
	index   *resolve.Index
	// owner maps an eclass directory to the name of its repository, for
	// the labels of the eclass copies sync writes (packages/eclasses/REPO).
	owner map[string]string
}

// NewGenerator returns the emit/gen Generator. version names the build of
// the tool (a new one regenerates every package).
func NewGenerator(version string) Generator {
	return &emitGenerator{version: version}
}

func (g *emitGenerator) Version() string { return g.version }

func (g *emitGenerator) Print(f *build.File) []byte { return gen.Print(f) }

func (g *emitGenerator) Prepare(ctx context.Context, w *World) error {
	masks := map[*repo.Repo]maskSet{}
	keys := make([]string, 0, len(w.Packages))
	for k := range w.Packages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pkgs := make([]resolve.Package, 0, len(keys))
	for _, k := range keys {
		p := w.Packages[k]
		if len(p.Ebuilds) == 0 {
			continue
		}
		m, ok := masks[p.Repo]
		if !ok {
			m = repoMasks(p.Repo)
			masks[p.Repo] = m
		}
		pkgs = append(pkgs, gen.IndexPackage(p.Ebuilds, func(md *ebuild.Metadata) bool {
			return masked(m, k, md.Ref.PVR, md.Raw["SLOT"])
		}))
	}
	g.owner = map[string]string{}
	var walk func(x *repo.Repo)
	walk = func(x *repo.Repo) {
		d := filepath.Join(x.Path, "eclass")
		if _, ok := g.owner[d]; ok {
			return
		}
		g.owner[d] = x.Name
		for _, m := range x.Masters {
			walk(m)
		}
	}
	for _, k := range keys {
		walk(w.Packages[k].Repo)
	}
	ix, err := resolve.NewIndex(w.Layout, pkgs)
	if err != nil {
		return err
	}
	g.index = ix
	return nil
}

func (g *emitGenerator) Generate(ctx context.Context, pkg *Package) (out *Output, err error) {
	// A generator bug on one package must not stop the sync.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("%s: generator panic: %v", pkg.CatPN, p)
		}
	}()
	cat, pn, _ := strings.Cut(pkg.CatPN, "/")
	manifest, err := pkg.Repo.Manifest(cat, pn)
	if err != nil {
		return nil, err
	}
	f, rep, err := gen.Package(gen.Input{
		Repo: pkg.Repo.Name, Versions: pkg.Ebuilds, Manifest: manifest,
		Mirrors: pkg.Repo.Mirror, Index: g.index, Files: pkg.Files,
	})
	if err != nil {
		return nil, err
	}
	g.addEclassSrcs(f, pkg)
	out = &Output{File: f, Problems: rep.Problems}
	for _, v := range rep.Versions {
		t := Target{Name: pn + "-" + v.PVR, Verbatim: !v.Declarative}
		if t.Verbatim {
			var why []string
			for _, n := range v.Notes {
				if n.Verbatim {
					why = append(why, fmt.Sprintf("%s: %s", n.Func, n.Reason))
				}
			}
			t.Why = strings.Join(why, "; ")
		}
		out.Targets = append(out.Targets, t)
	}
	for _, u := range rep.Unresolved {
		out.Unresolved = append(out.Unresolved, Unresolved{Ebuild: u.Package, Atom: u.Key + " " + u.Atom, Reason: u.Reason})
	}
	return out, nil
}

// addEclassSrcs gives every ebuild target that names its eclasses, and has
// no eclass_srcs yet, the labels of the eclass copies sync writes, in the
// order the ebuild sourced them (docs/GENERATED_BUCK.md: "as written by
// sync"), so the phase runner sources eclasses from inside the workspace.
func (g *emitGenerator) addEclassSrcs(f *build.File, pkg *Package) {
	byName := map[string]*ebuild.Metadata{}
	for _, md := range pkg.Ebuilds {
		byName[md.Ref.PF()] = md
	}
	for _, st := range f.Stmt {
		call, ok := st.(*build.CallExpr)
		if !ok {
			continue
		}
		md := byName[stringAttr(call, "name")]
		at := attrIndexOf(call, "eclasses")
		if md == nil || at < 0 || attrIndexOf(call, "eclass_srcs") >= 0 {
			continue
		}
		var labels []string
		for _, ec := range md.Eclasses {
			rn, ok := g.owner[filepath.Dir(ec.Path)]
			if !ok || ec.Path == "" {
				continue
			}
			labels = append(labels, "@root//"+EclassDir+"/"+rn+":"+ec.Name+".eclass")
		}
		if len(labels) == 0 {
			continue
		}
		l := strList(labels...)
		l.ForceMultiLine = true
		attr := &build.AssignExpr{LHS: &build.Ident{Name: "eclass_srcs"}, Op: "=", RHS: l}
		call.List = append(call.List[:at+1], append([]build.Expr{attr}, call.List[at+1:]...)...)
	}
}

func attrIndexOf(call *build.CallExpr, name string) int {
	for i, arg := range call.List {
		if a, ok := arg.(*build.AssignExpr); ok {
			if id, ok := a.LHS.(*build.Ident); ok && id.Name == name {
				return i
			}
		}
	}
	return -1
}

func stringAttr(call *build.CallExpr, name string) string {
	if i := attrIndexOf(call, name); i >= 0 {
		if s, ok := call.List[i].(*build.AssignExpr).RHS.(*build.StringExpr); ok {
			return s.Value
		}
	}
	return ""
}

package sync

import (
	"context"
	"fmt"
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
		Mirrors: pkg.Repo.Mirror, Index: g.index,
	})
	if err != nil {
		return nil, err
	}
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

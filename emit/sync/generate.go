package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bazelbuild/buildtools/build"
	"golang.org/x/sync/errgroup"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/emit/merge"
)

// worldKeys are the md5-cache keys of other packages that can change a
// package's BUCK file (through dependency resolution and the registry).
var worldKeys = []string{"EAPI", "IUSE", "KEYWORDS", "SLOT"}

// buildWorld makes the World from the index entries of this run. It also
// digests, per package, what other packages' BUCK files may depend on
// (place, versions, slots, keywords, IUSE), and what every package depends
// on (arch, repository configuration).
func (r *run) buildWorld() (w *World, lines map[string]string, global string) {
	w = &World{Layout: r.layout, Packages: map[string]*Package{}, Arch: r.opts.Arch}
	g := sha256.New()
	fmt.Fprintf(g, "arch %s\n", r.opts.Arch)
	srcs := make([]string, 0, len(r.opts.Sources))
	for _, src := range r.opts.Sources {
		srcs = append(srcs, fmt.Sprintf("%s %d %s", src.Repo.Name, src.Priority, repoConfigDigest(src.Repo.Path)))
	}
	sort.Strings(srcs)
	fmt.Fprintf(g, "sources %q\n", srcs)
	lines = map[string]string{}
	for _, cp := range r.order {
		ps := r.pkgs[cp]
		pkg := *ps.pkg
		pkg.Ebuilds = nil
		h := sha256.New()
		fmt.Fprintf(h, "package %s %s %s\n", cp, ps.src.Repo.Name, pkg.Place.Base())
		for _, e := range ps.ebuilds {
			if e.entry == nil { // import did not need it
				fmt.Fprintf(h, " %s unknown\n", e.ref.PF())
				continue
			}
			if e.entry.Error != "" {
				fmt.Fprintf(h, " %s failed\n", e.ref.PF())
				continue
			}
			pkg.Ebuilds = append(pkg.Ebuilds, &ebuild.Metadata{Ref: e.ref, Raw: e.entry.Raw, MD5: e.md5, Eclasses: e.eclassList()})
			fmt.Fprintf(h, " %s", e.ref.PF())
			for _, k := range worldKeys {
				fmt.Fprintf(h, " %s=%q", k, e.entry.Raw[k])
			}
			fmt.Fprintln(h)
		}
		w.Packages[cp] = &pkg
		lines[cp] = hex.EncodeToString(h.Sum(nil))
	}
	return w, lines, hex.EncodeToString(g.Sum(nil))
}

func (e *ebuildState) eclassList() []ebuild.Eclass {
	out := make([]ebuild.Eclass, 0, len(e.entry.Order))
	for _, n := range e.entry.Order {
		out = append(out, ebuild.Eclass{Name: n, MD5: e.entry.Eclasses[n]})
	}
	return out
}

// repoConfigDigest hashes the repository files that change generated text
// without changing any ebuild.
func repoConfigDigest(root string) string {
	h := sha256.New()
	for _, rel := range []string{"metadata/layout.conf", "profiles/package.mask", "profiles/thirdpartymirrors", "profiles/license_groups", "profiles/repo_name"} {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			data = nil
		}
		fmt.Fprintf(h, "%s %s\n", rel, sum(data))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// srcFile is one file of a package's files/ directory.
type srcFile struct {
	rel  string // path below files/, slash-separated
	full string
	sum  string
	data []byte
}

// generate regenerates the packages whose inputs changed.
func (r *run) generate(ctx context.Context) error {
	world, lines, global := r.buildWorld()
	r.next.World = global
	if err := r.opts.Generator.Prepare(ctx, world); err != nil {
		return fmt.Errorf("prepare generator: %w", err)
	}
	type job struct {
		ps    *pkgState
		entry *indexPackage
		files []srcFile
		fixup []byte
	}
	// Deciding what to regenerate reads files/ and stats the outputs: do it
	// in parallel too (it is most of a no-op sync).
	jobOf := make([]*job, len(r.order))
	entries := make([]*indexPackage, len(r.order))
	check, _ := errgroup.WithContext(ctx)
	check.SetLimit(r.opts.Jobs)
	for i, cp := range r.order {
		ps := r.pkgs[cp]
		entry := &indexPackage{Repo: ps.src.Repo.Name, Place: ps.pkg.Place.Base(), Ebuilds: map[string]*indexEbuild{}}
		for _, e := range ps.ebuilds {
			if e.entry != nil {
				entry.Ebuilds[e.ref.PF()] = e.entry
			}
		}
		entries[i] = entry
		old := r.prev.Packages[cp]
		if r.only != nil && !r.only[cp] {
			if old != nil {
				entry.Key, entry.Files, entry.Targets, entry.Unresolved, entry.Failures, entry.Problems = "", old.Files, old.Targets, old.Unresolved, old.Failures, old.Problems
				r.w.keepStats(old.Files)
			}
			continue
		}
		check.Go(func() error {
			files, err := readFilesDir(filepath.Join(ps.pkg.SrcDir, "files"))
			if err != nil {
				// One package's unreadable files/ must not stop the run:
				// leave its outputs as they are and report it.
				entry.Failures = append(entry.Failures, Failure{What: cp, Err: relErr(err.Error(), ps.src.Repo)})
				if old != nil {
					entry.Files = old.Files
					r.w.keepStats(old.Files)
				}
				return nil
			}
			fixup, err := os.ReadFile(filepath.Join(r.opts.Workspace, filepath.FromSlash(ps.pkg.Place.Path()), merge.FixupsFile))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("read fixups of %s: %w", cp, err)
			}
			entry.Key = r.inputKey(ps, global, lines, files, fixup)
			if old != nil && old.Key == entry.Key && old.Place == entry.Place && r.intact(old.Files) {
				entry.Files, entry.Targets, entry.Unresolved, entry.Failures, entry.Problems = old.Files, old.Targets, old.Unresolved, old.Failures, old.Problems
				return nil
			}
			jobOf[i] = &job{ps: ps, entry: entry, files: files, fixup: fixup}
			return nil
		})
	}
	if err := check.Wait(); err != nil {
		return err
	}
	var jobs []*job
	for i, cp := range r.order {
		r.next.Packages[cp] = entries[i]
		if jobOf[i] != nil {
			jobs = append(jobs, jobOf[i])
		}
	}
	r.stats.Generated = len(jobs)
	r.prog.start("generate", len(jobs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opts.Jobs)
	for _, j := range jobs {
		g.Go(func() error {
			err := r.generateOne(gctx, j.ps, j.entry, j.files, j.fixup)
			r.prog.step()
			return err
		})
	}
	return g.Wait()
}

// inputKey digests everything one package's output depends on: its own
// ebuilds, eclasses, Manifest, files/ and fixups, and the world lines of
// itself and of every package its dependency specifications name (so a
// change elsewhere regenerates only the packages that refer to it).
func (r *run) inputKey(ps *pkgState, global string, lines map[string]string, files []srcFile, fixup []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "generator %s\nglobal %s\nself %s\n", r.opts.Generator.Version(), global, lines[ps.pkg.CatPN])
	refs := map[string]bool{}
	for _, e := range ps.ebuilds {
		if e.entry == nil {
			continue
		}
		for _, cp := range e.entry.Deps {
			refs[cp] = true
		}
		for _, cp := range e.entry.Blocks {
			refs[cp] = true
		}
	}
	names := make([]string, 0, len(refs))
	for cp := range refs {
		names = append(names, cp)
	}
	sort.Strings(names)
	for _, cp := range names {
		fmt.Fprintf(h, "ref %s %s\n", cp, lines[cp]) // "" when absent
	}
	for _, e := range ps.ebuilds {
		if e.entry == nil {
			fmt.Fprintf(h, "ebuild %s unknown\n", e.ref.PF())
			continue
		}
		fmt.Fprintf(h, "ebuild %s %s error=%q", e.ref.PF(), e.md5, e.entry.Error)
		names := make([]string, 0, len(e.entry.Eclasses))
		for n := range e.entry.Eclasses {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(h, " %s=%s", n, e.entry.Eclasses[n])
		}
		fmt.Fprintln(h)
	}
	manifest, _ := os.ReadFile(filepath.Join(ps.pkg.SrcDir, "Manifest"))
	fmt.Fprintf(h, "manifest %s\n", sum(manifest))
	for _, f := range files {
		fmt.Fprintf(h, "file %s %s\n", f.rel, f.sum)
	}
	fmt.Fprintf(h, "fixups %s\n", sum(fixup))
	return hex.EncodeToString(h.Sum(nil))
}

// intact tells whether every recorded output still has its recorded content
// (a hand edit or a deleted file makes the package regenerate).
func (r *run) intact(files map[string]string) bool {
	for p, want := range files {
		if !r.w.holds(p, want) {
			return false
		}
	}
	return true
}

// generateOne writes one package: BUCK (generated, merged, fixed up) and
// files/.
func (r *run) generateOne(ctx context.Context, ps *pkgState, entry *indexPackage, files []srcFile, fixup []byte) error {
	cp := ps.pkg.CatPN
	pkg := *ps.pkg
	pkg.Ebuilds = nil
	pkg.Files = make([]string, 0, len(files))
	for _, f := range files {
		pkg.Files = append(pkg.Files, f.rel)
	}
	for _, e := range ps.ebuilds {
		if e.entry == nil {
			continue
		}
		if e.entry.Error != "" {
			entry.Failures = append(entry.Failures, Failure{What: e.ref.CPF(), Err: e.entry.Error})
			continue
		}
		md := e.fresh
		if md == nil {
			// Unchanged, but something it depends on changed: the full
			// metadata (function sources) is not kept between runs, so
			// evaluate again.
			var err error
			md, err = r.opts.Evaluator.Evaluate(ctx, e.src.Repo, e.ref)
			r.mu.Lock()
			r.stats.Evaluated++
			r.mu.Unlock()
			if err != nil {
				entry.Failures = append(entry.Failures, Failure{What: e.ref.CPF(), Err: relErr(err.Error(), e.src.Repo)})
				continue
			}
		}
		pkg.Ebuilds = append(pkg.Ebuilds, md)
		e.fresh = nil // function sources are large; this package is their only user
	}
	old := r.prev.Packages[cp]
	keepOld := func() {
		// Leave what is on disk alone and try again next time.
		entry.Key = ""
		if old != nil {
			entry.Files = old.Files
		}
	}
	if len(pkg.Ebuilds) == 0 {
		entry.Failures = append(entry.Failures, Failure{What: cp, Err: "no ebuild could be evaluated; no BUCK file written"})
		return r.replaceFiles(old, entry, nil)
	}
	out, err := r.opts.Generator.Generate(ctx, &pkg)
	if err != nil {
		entry.Failures = append(entry.Failures, Failure{What: cp, Err: relErr(err.Error(), ps.src.Repo)})
		keepOld()
		return nil
	}
	entry.Targets, entry.Unresolved = out.Targets, out.Unresolved
	for _, p := range out.Problems {
		entry.Problems = append(entry.Problems, relErr(p, ps.src.Repo))
	}
	dir := pkg.Place.Path()
	buckPath := dir + "/BUCK"
	var oldFile *build.File
	if data, err := os.ReadFile(filepath.Join(r.opts.Workspace, filepath.FromSlash(buckPath))); err == nil {
		oldFile, err = build.ParseBuild(buckPath, data)
		if err != nil {
			entry.Failures = append(entry.Failures, Failure{What: cp, Err: fmt.Sprintf("%v (the file is left as it is)", err)})
			keepOld()
			return nil
		}
	}
	merged := merge.Merge(oldFile, out.File)
	if fixup != nil {
		fx, err := merge.ParseFixups(dir+"/"+merge.FixupsFile, fixup)
		if err == nil {
			err = fx.Apply(merged)
		}
		if err != nil {
			entry.Failures = append(entry.Failures, Failure{What: cp, Err: err.Error()})
		}
	}
	want := map[string][]byte{buckPath: r.opts.Generator.Print(merged)}
	for _, f := range files {
		want[dir+"/files/"+f.rel] = f.data
	}
	return r.replaceFiles(old, entry, want)
}

// replaceFiles writes want, removes what the package had before and no
// longer has, and records the result in entry.
func (r *run) replaceFiles(old *indexPackage, entry *indexPackage, want map[string][]byte) error {
	entry.Files = map[string]string{}
	paths := make([]string, 0, len(want))
	for p := range want {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	dirs := map[string]bool{}
	for _, p := range paths {
		if _, err := r.w.put(p, want[p]); err != nil {
			return err
		}
		entry.Files[p] = sum(want[p])
		r.w.noteStat(p, entry.Files[p])
		dirs[path.Dir(p)] = true
	}
	if r.opts.Diff == nil {
		// Temporary files of a run that was killed between writing and
		// renaming (the workspace lock rules out a running sync).
		for d := range dirs {
			junk, _ := filepath.Glob(filepath.Join(r.opts.Workspace, filepath.FromSlash(d), ".tmp-*"))
			for _, j := range junk {
				os.Remove(j)
			}
		}
	}
	if old == nil {
		return nil
	}
	var gone []string
	for p := range old.Files {
		if _, ok := want[p]; !ok {
			gone = append(gone, p)
		}
	}
	return r.removeFiles(gone)
}

// removeFiles deletes files and then the directories they leave empty, up
// to (and including) the package directory.
func (r *run) removeFiles(paths []string) error {
	sort.Strings(paths)
	dirs := map[string]bool{}
	for _, p := range paths {
		if err := r.w.remove(p); err != nil {
			return err
		}
		for d := path.Dir(p); strings.Count(d, "/") >= 3; d = path.Dir(d) {
			dirs[d] = true // below packages/linux/CELL
		}
	}
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	sort.Slice(list, func(i, j int) bool {
		if a, b := strings.Count(list[i], "/"), strings.Count(list[j], "/"); a != b {
			return a > b
		}
		return list[i] < list[j]
	})
	r.w.removeDirs(list)
	return nil
}

// readFilesDir reads a package's files/ directory (absent: none). Symbolic
// links are followed (Gentoo trees link version directories of patches to
// each other): a link to a file is copied as that file, a link to a
// directory as that directory's files. A link that leads outside the
// repository's files/ tree, or in a loop, is still read (it is the
// repository's content), but each directory is entered at most 8 levels of
// links deep.
func readFilesDir(root string) ([]srcFile, error) {
	var out []srcFile
	var walk func(dir, rel string, depth int) error
	walk = func(dir, rel string, depth int) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, d := range entries {
			p := filepath.Join(dir, d.Name())
			r := path.Join(rel, d.Name())
			mode, next := d.Type(), depth
			if mode&fs.ModeSymlink != 0 {
				st, err := os.Stat(p)
				if err != nil {
					return fmt.Errorf("read %s: %w", p, err) // a dangling link
				}
				mode = st.Mode().Type()
				if mode.IsDir() && depth >= 8 {
					return fmt.Errorf("read %s: too many levels of directory links", p)
				}
				next = depth + 1
			}
			switch {
			case mode.IsDir():
				if err := walk(p, r, next); err != nil {
					return err
				}
			case mode.IsRegular():
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				out = append(out, srcFile{rel: r, full: p, sum: sum(data), data: data})
			}
		}
		return nil
	}
	err := walk(root, "", 0)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(root); errors.Is(serr, fs.ErrNotExist) {
			return nil, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", root, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out, nil
}

// removeGone deletes the outputs of packages that left every repository.
func (r *run) removeGone() error {
	var names []string
	for cp := range r.prev.Packages {
		names = append(names, cp)
	}
	sort.Strings(names)
	for _, cp := range names {
		old := r.prev.Packages[cp]
		cur := r.next.Packages[cp]
		if cur != nil {
			continue
		}
		if r.only != nil {
			r.next.Packages[cp] = old // import never removes; a later sync will
			continue
		}
		var files []string
		for p := range old.Files {
			files = append(files, p)
		}
		if err := r.removeFiles(files); err != nil {
			return err
		}
	}
	return nil
}

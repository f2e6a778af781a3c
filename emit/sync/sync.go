package sync

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	gosync "sync"
	"syscall"

	"golang.org/x/sync/errgroup"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/emit/cells"
)

// Options configures one sync.
type Options struct {
	Workspace string   // root of the Buck2 workspace
	Sources   []Source // repositories, any order
	Evaluator Evaluator
	// EvaluatorVersion names the evaluator's build; when it changes, every
	// ebuild is evaluated again.
	EvaluatorVersion string
	Generator        Generator
	Jobs             int    // parallel evaluations and generations (default 1)
	Arch             string // keyword that makes a version stable (default "amd64")
	// Only, when set, limits writing to these CAT/PN (import); the other
	// packages are evaluated for resolution but neither written nor removed.
	Only []string
	// WithDeps adds to Only the dependency closure of its packages: every
	// atom of DEPEND, BDEPEND, RDEPEND, PDEPEND and IDEPEND, under every USE
	// conditional and every || alternative.
	WithDeps bool
	// Diff, when set, receives a unified diff of what the sync would change;
	// nothing is written (not even the index).
	Diff io.Writer
	// Progress receives progress output; Terminal selects a redrawn bar
	// instead of plain lines.
	Progress io.Writer
	Terminal bool
}

// Stats counts the work a sync did.
type Stats struct {
	Ebuilds   int // ebuilds seen
	Evaluated int // ebuilds evaluated (not taken from the index)
	Packages  int // packages in the world
	Generated int // packages whose BUCK file was regenerated
	Written   int // workspace files created or changed
	Removed   int // workspace files removed
}

// Result is the outcome of a sync.
type Result struct {
	Stats  Stats
	Report *Report
}

// ebuildState is one ebuild during a run.
type ebuildState struct {
	ref    ebuild.Ref
	src    *Source
	md5    string
	entry  *indexEbuild     // as it will be stored
	fresh  *ebuild.Metadata // set when evaluated in this run
	reused bool             // taken from the previous index
}

type pkgState struct {
	pkg     *Package
	src     *Source
	ebuilds []*ebuildState
}

// Run syncs opts.Sources into opts.Workspace. Problems of single packages
// are in the report; the error is for problems of the run itself.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Jobs < 1 {
		opts.Jobs = 1
	}
	if opts.Arch == "" {
		opts.Arch = "amd64"
	}
	if opts.Evaluator == nil || opts.Generator == nil {
		return nil, errors.New("sync needs an evaluator and a generator")
	}
	prog := newProgress(opts.Progress, opts.Terminal)
	if opts.Diff == nil {
		unlock, err := lockWorkspace(opts.Workspace)
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	prev, err := loadIndex(indexPath(opts.Workspace))
	if err != nil {
		return nil, err
	}
	loaded := prev != nil
	if prev == nil {
		prev = newIndex(opts.Generator.Version())
	}
	// A new generator version keeps the evaluations: every package key
	// includes the version, so all packages regenerate anyway.
	next := newIndex(opts.Generator.Version())
	next.Evaluator = opts.EvaluatorVersion
	w := &writer{root: opts.Workspace, diff: opts.Diff, statPrev: loadStats(opts.Workspace), statNext: map[string]string{}}
	r := &run{opts: opts, prev: prev, next: next, w: w, prog: prog, loaded: loaded}

	if err := r.collect(); err != nil {
		return nil, err
	}
	if err := r.evaluate(ctx); err != nil {
		return nil, err
	}
	if err := r.generate(ctx); err != nil {
		return nil, err
	}
	if err := r.support(); err != nil {
		return nil, err
	}
	if err := r.removeGone(); err != nil {
		return nil, err
	}
	rep := r.report()
	if opts.Diff == nil {
		if _, err := w.put(StateDir+"/report.txt", []byte(rep.Text())); err != nil {
			return nil, err
		}
		// The index is state, not output: it does not count as a write. A
		// run that changed nothing leaves it alone without encoding it.
		if !r.unchanged() {
			if err := putState(opts.Workspace, StateDir+"/index.json", next.encode()); err != nil {
				return nil, err
			}
		}
		if !maps.Equal(w.statPrev, w.statNext) {
			if err := putState(opts.Workspace, statPath, encodeStats(w.statNext)); err != nil {
				return nil, err
			}
		}
	}
	if err := w.flushDiff(); err != nil {
		return nil, err
	}
	prog.finish()
	r.stats.Written, r.stats.Removed = w.written, w.removed
	return &Result{Stats: r.stats, Report: rep}, nil
}

// run holds the state of one sync.
type run struct {
	opts   Options
	prev   *index
	next   *index
	loaded bool // prev came from disk
	w      *writer
	prog   *progress
	stats  Stats

	mu       gosync.Mutex
	pkgs     map[string]*pkgState // by CAT/PN
	order    []string             // CAT/PN sorted
	layout   *cells.Layout
	scanErrs []Failure
	only     map[string]bool
	// eclassMD5 caches md5 of eclass files by path.
	eclassMD5 map[string]string
	dirsMD5   map[*repo.Repo]string
	maskCache map[*repo.Repo]maskSet
}

// collect lists the ebuilds of every source and picks, for each CAT/PN, the
// repository with the highest priority.
func (r *run) collect() error {
	srcs := slices.Clone(r.opts.Sources)
	sort.SliceStable(srcs, func(i, j int) bool { return srcs[i].Priority < srcs[j].Priority })
	r.pkgs = map[string]*pkgState{}
	for i := range srcs {
		src := &srcs[i]
		refs, bad, err := src.Repo.Scan()
		if err != nil {
			return fmt.Errorf("repository %s: %w", src.Repo.Name, err)
		}
		for _, b := range bad {
			r.scanErrs = append(r.scanErrs, Failure{What: src.Repo.Name, Err: relErr(b.Error(), src.Repo)})
		}
		byPkg := map[string][]ebuild.Ref{}
		for _, ref := range refs {
			cp := ref.Category + "/" + ref.PN
			byPkg[cp] = append(byPkg[cp], ref)
		}
		for cp, refs := range byPkg {
			ps := &pkgState{src: src, pkg: &Package{CatPN: cp, Repo: src.Repo,
				SrcDir: filepath.Join(src.Repo.Path, filepath.FromSlash(cp))}}
			for _, ref := range refs {
				ps.ebuilds = append(ps.ebuilds, &ebuildState{ref: ref, src: src})
			}
			r.pkgs[cp] = ps // a higher priority replaces a lower one
		}
	}
	for cp := range r.pkgs {
		r.order = append(r.order, cp)
	}
	sort.Strings(r.order)
	layout, err := cells.NewLayout(r.order)
	if err != nil {
		return fmt.Errorf("placing packages: %w", err)
	}
	r.layout = layout
	for cp, ps := range r.pkgs {
		ps.pkg.Place, _ = layout.Place(cp)
	}
	if r.opts.Only != nil {
		r.only = map[string]bool{}
		for _, cp := range r.opts.Only {
			if r.pkgs[cp] == nil {
				return fmt.Errorf("package %s is in none of the repositories", cp)
			}
			r.only[cp] = true
		}
	}
	r.stats.Packages = len(r.order)
	return nil
}

// evaluate fills every ebuild's index entry, evaluating only ebuilds whose
// file or eclasses changed since the previous sync.
func (r *run) evaluate(ctx context.Context) error {
	r.eclassMD5 = map[string]string{}
	r.dirsMD5 = map[*repo.Repo]string{}
	var all []*ebuildState
	for _, cp := range r.order {
		all = append(all, r.pkgs[cp].ebuilds...)
	}
	r.stats.Ebuilds = len(all)
	for _, src := range r.opts.Sources {
		if err := r.hashEclassDirs(src.Repo); err != nil {
			return err
		}
	}
	var todo []*ebuildState
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(r.opts.Jobs)
	var mu gosync.Mutex
	for _, e := range all {
		g.Go(func() error {
			data, err := os.ReadFile(e.ref.Path)
			if err != nil {
				// Fails this ebuild only; retried once the file reads.
				e.entry = &indexEbuild{Error: relErr(fmt.Sprintf("read %s: %v", e.ref.Path, err), e.src.Repo)}
				return nil
			}
			sum := md5.Sum(data)
			e.md5 = hex.EncodeToString(sum[:])
			if old := r.prevEbuild(e); old != nil && r.stillValid(e, old) {
				e.entry, e.reused = old, true
				return nil
			}
			mu.Lock()
			todo = append(todo, e)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].ref.Path < todo[j].ref.Path })
	if r.only == nil {
		r.prog.start("evaluate", len(todo))
		return r.evaluateAll(ctx, todo)
	}
	return r.evaluateNeeded(ctx, todo)
}

// evaluateAll evaluates the ebuilds of todo in parallel.
func (r *run) evaluateAll(ctx context.Context, todo []*ebuildState) error {
	r.stats.Evaluated += len(todo)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.opts.Jobs)
	for _, e := range todo {
		g.Go(func() error {
			md, err := r.opts.Evaluator.Evaluate(gctx, e.src.Repo, e.ref)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			entry := &indexEbuild{MD5: e.md5}
			if err != nil {
				entry.Error = relErr(err.Error(), e.src.Repo)
				entry.EclassDirs = r.dirsMD5[e.src.Repo]
			} else {
				entry.Raw = indexedRaw(md.Raw)
				entry.Deps, entry.Blocks = depRefs(md.Raw)
				entry.Eclasses = map[string]string{}
				for _, ec := range md.Eclasses {
					entry.Eclasses[ec.Name] = ec.MD5
					entry.Order = append(entry.Order, ec.Name)
				}
				e.fresh = md
			}
			e.entry = entry
			r.prog.step()
			return nil
		})
	}
	return g.Wait()
}

// evaluateNeeded is evaluation for import: only the packages to write, the
// packages their dependencies name (for resolution), with WithDeps the
// dependency closure, and the packages already written before (for the
// registry) are evaluated. The other ebuilds keep no index entry.
func (r *run) evaluateNeeded(ctx context.Context, todo []*ebuildState) error {
	pending := map[string][]*ebuildState{}
	for _, e := range todo {
		cp := e.ref.Category + "/" + e.ref.PN
		pending[cp] = append(pending[cp], e)
	}
	needed, expanded := map[string]bool{}, map[string]bool{}
	var queue []string
	need := func(cp string) {
		if r.pkgs[cp] != nil && !needed[cp] {
			needed[cp] = true
			queue = append(queue, cp)
		}
	}
	var roots []string
	for cp := range r.only {
		roots = append(roots, cp)
	}
	for cp, e := range r.prev.Packages {
		if len(e.Files) > 0 {
			roots = append(roots, cp)
		}
	}
	sort.Strings(roots)
	for _, cp := range roots {
		need(cp)
	}
	r.prog.start("evaluate", 0)
	for len(queue) > 0 {
		batch := queue
		queue = nil
		var run []*ebuildState
		for _, cp := range batch {
			run = append(run, pending[cp]...)
			delete(pending, cp)
		}
		r.prog.grow(len(run))
		if err := r.evaluateAll(ctx, run); err != nil {
			return err
		}
		// Expand every evaluated package to write (a package may become one
		// after it was evaluated as a mere reference) until nothing changes.
		for changed := true; changed; {
			changed = false
			names := make([]string, 0, len(needed))
			for cp := range needed {
				names = append(names, cp)
			}
			sort.Strings(names)
			for _, cp := range names {
				if !r.only[cp] || expanded[cp] || pending[cp] != nil && inQueue(queue, cp) {
					continue
				}
				expanded[cp] = true
				changed = true
				for _, e := range r.pkgs[cp].ebuilds {
					if e.entry == nil {
						continue
					}
					for _, dep := range e.entry.Deps {
						if r.opts.WithDeps && r.pkgs[dep] != nil {
							r.only[dep] = true
						}
						need(dep)
					}
					for _, b := range e.entry.Blocks {
						need(b)
					}
				}
			}
		}
	}
	return nil
}

func inQueue(queue []string, cp string) bool {
	for _, q := range queue {
		if q == cp {
			return true
		}
	}
	return false
}

func (r *run) prevEbuild(e *ebuildState) *indexEbuild {
	cp := e.ref.Category + "/" + e.ref.PN
	p := r.prev.Packages[cp]
	if p == nil || p.Repo != e.src.Repo.Name || r.prev.Evaluator != r.opts.EvaluatorVersion {
		return nil
	}
	return p.Ebuilds[e.ref.PF()]
}

// stillValid tells whether a previous evaluation can be reused: the ebuild
// and every eclass it sourced still have the same md5 (the md5-cache rule).
func (r *run) stillValid(e *ebuildState, old *indexEbuild) bool {
	if old.MD5 != e.md5 {
		return false
	}
	if old.Error != "" {
		return old.EclassDirs == r.dirsMD5[e.src.Repo]
	}
	for name, sum := range old.Eclasses {
		if r.eclassSum(e.src.Repo, name) != sum {
			return false
		}
	}
	return true
}

// eclassSum is the md5 of the eclass file that name resolves to for repo.
func (r *run) eclassSum(rp *repo.Repo, name string) string {
	for _, dir := range rp.EclassDirs() {
		if s, ok := r.eclassMD5[filepath.Join(dir, name+".eclass")]; ok {
			return s
		}
	}
	return ""
}

// hashEclassDirs records the md5 of every eclass file the repository can
// see, and one digest of them all.
func (r *run) hashEclassDirs(rp *repo.Repo) error {
	h := sha256.New()
	for _, dir := range rp.EclassDirs() {
		entries, err := os.ReadDir(dir)
		if err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("eclass dir %s: %w", dir, err)
		}
		for _, ent := range entries {
			if !strings.HasSuffix(ent.Name(), ".eclass") {
				continue
			}
			p := filepath.Join(dir, ent.Name())
			s, ok := r.eclassMD5[p]
			if !ok {
				data, err := os.ReadFile(p)
				if err != nil {
					return fmt.Errorf("read %s: %w", p, err)
				}
				sum := md5.Sum(data)
				s = hex.EncodeToString(sum[:])
				r.eclassMD5[p] = s
			}
			fmt.Fprintf(h, "%s %s\n", p, s)
		}
	}
	r.dirsMD5[rp] = hex.EncodeToString(h.Sum(nil))
	return nil
}

// putState writes a state file atomically when its content changed.
func putState(workspace, rel string, data []byte) error {
	full := filepath.Join(workspace, filepath.FromSlash(rel))
	if old, err := os.ReadFile(full); err == nil && string(old) == string(data) {
		return nil
	}
	return writeAtomic(full, data)
}

// relErr makes an error text independent of where the repositories live:
// a path inside a repository (or one of its masters) is written
// REPO_NAME/relative/path.
func relErr(msg string, rp *repo.Repo) string {
	seen := map[*repo.Repo]bool{}
	var walk func(x *repo.Repo)
	walk = func(x *repo.Repo) {
		if seen[x] {
			return
		}
		seen[x] = true
		msg = strings.ReplaceAll(msg, x.Path+string(filepath.Separator), x.Name+"/")
		for _, m := range x.Masters {
			walk(m)
		}
	}
	walk(rp)
	return msg
}

// depKeys are the metadata keys whose atoms make the import closure and
// decide which packages a package refers to.
var depKeys = []string{"DEPEND", "BDEPEND", "RDEPEND", "PDEPEND", "IDEPEND"}

// depRefs returns the CAT/PN of every atom of the dependency keys, whatever
// the conditionals around it, sorted and unique: deps are dependencies,
// blocks the packages named only by blockers.
func depRefs(raw map[string]string) (deps, blocks []string) {
	d, b := map[string]bool{}, map[string]bool{}
	for _, k := range depKeys {
		for _, tok := range strings.Fields(raw[k]) {
			switch {
			case tok == "(" || tok == ")" || tok == "||" || tok == "^^" || tok == "??":
			case strings.HasSuffix(tok, "?"):
			case strings.HasPrefix(tok, "!"):
				if k := atomKey(strings.TrimLeft(tok, "!")); k != "" {
					b[k] = true
				}
			default:
				if k := atomKey(tok); k != "" {
					d[k] = true
				}
			}
		}
	}
	for k := range d {
		delete(b, k)
	}
	return sortedSet(d), sortedSet(b)
}

func sortedSet(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// indexedRaw keeps the metadata keys a later sync needs without evaluating
// (resolution and the registry).
func indexedRaw(raw map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range worldKeys {
		if v, ok := raw[k]; ok {
			out[k] = v
		}
	}
	return out
}

// unchanged tells whether the new index equals the one on disk: nothing was
// evaluated, generated, written or removed, and the package set, world and
// versions are the same.
func (r *run) unchanged() bool {
	p, n := r.prev, r.next
	if !r.loaded || r.stats.Evaluated != 0 || r.stats.Generated != 0 || r.w.written != 0 || r.w.removed != 0 {
		return false
	}
	if p.World != n.World || p.Generator != n.Generator || p.Evaluator != n.Evaluator || !maps.Equal(p.Support, n.Support) || len(p.Packages) != len(n.Packages) {
		return false
	}
	for cp, e := range n.Packages {
		o := p.Packages[cp]
		if o == nil || o.Key != e.Key || o.Place != e.Place || o.Repo != e.Repo || len(o.Ebuilds) != len(e.Ebuilds) {
			return false
		}
	}
	return true
}

// statPath holds the stat lines of the outputs; unlike the index it depends
// on the machine (mtimes), so it is a separate file.
const statPath = StateDir + "/stat.json"

func loadStats(workspace string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(filepath.Join(workspace, filepath.FromSlash(statPath)))
	if err == nil {
		_ = json.Unmarshal(data, &out) // a damaged file only costs reading the outputs
	}
	return out
}

func encodeStats(m map[string]string) []byte {
	data, err := json.Marshal(m)
	if err != nil {
		panic(err) // a map of strings always encodes
	}
	return data
}

// lockWorkspace takes an exclusive lock on WORKSPACE/.ebuild2buck/lock for
// the run: two syncs never write one workspace at once (so leftover
// temporary files are always a killed run's, safe to delete). The kernel
// drops the lock when the process dies.
func lockWorkspace(workspace string) (func(), error) {
	dir := filepath.Join(workspace, StateDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock workspace: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock workspace %s: another sync is running (%w)", workspace, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

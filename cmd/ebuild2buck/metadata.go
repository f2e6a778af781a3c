package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/mdcache"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/ebuild/source"
	"buckos.dev/buckos/ebuild/version"
)

func init() { register(newMetadataCmd) }

// repoFlags are the flags every command that opens a repository shares.
type repoFlags struct {
	masters   []string
	noMasters bool
}

func (f *repoFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.masters, "master", nil, "master repository directory, instead of layout.conf masters (repeatable, in masters order)")
	cmd.Flags().BoolVar(&f.noMasters, "no-masters", false, "ignore layout.conf masters")
}

func (f *repoFlags) open(path string) (*repo.Repo, error) {
	if f.noMasters && len(f.masters) > 0 {
		return nil, fmt.Errorf("--master and --no-masters exclude each other")
	}
	r, err := repo.Open(path, repo.OpenOptions{Masters: f.masters, NoMasters: f.noMasters})
	var mnf *repo.MasterNotFoundError
	if errors.As(err, &mnf) {
		return nil, fmt.Errorf("%w (give its directory with --master DIR, or use --no-masters)", err)
	}
	return r, err
}

// selectEbuilds returns the ebuilds the patterns name (all when none), and
// the problems of a full scan (bad file names). A pattern that matches
// nothing is an error.
func selectEbuilds(r *repo.Repo, patterns []string) ([]ebuild.Ref, []error, error) {
	if len(patterns) == 0 {
		return r.Scan()
	}
	seen := map[string]bool{}
	var refs []ebuild.Ref
	for _, p := range patterns {
		m, err := r.Match(p)
		if err != nil {
			return nil, nil, err
		}
		if len(m) == 0 {
			return nil, nil, fmt.Errorf("no ebuild in %s matches %q", r.Path, p)
		}
		for _, ref := range m {
			if !seen[ref.Path] {
				seen[ref.Path] = true
				refs = append(refs, ref)
			}
		}
	}
	return refs, nil, nil
}

func newMetadataCmd() *cobra.Command {
	var (
		rf   repoFlags
		out  string
		jobs int
	)
	cmd := &cobra.Command{
		Use:   "metadata REPO --out DIR [ATOM...]",
		Short: "Evaluate ebuilds and write Portage md5-cache entries",
		Long: `Evaluate the global scope of every ebuild of REPO (or those the ATOM
patterns name) and write one md5-cache entry per ebuild to DIR/CATEGORY/PF.
An ebuild that fails is reported on stderr and gets no entry; the run goes on.
Without ATOM, entries in DIR of ebuilds no longer in REPO are removed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out is required")
			}
			if jobs < 1 {
				return fmt.Errorf("--jobs must be at least 1")
			}
			start := time.Now()
			r, err := rf.open(args[0])
			if err != nil {
				return err
			}
			refs, bad, err := selectEbuilds(r, args[1:])
			if err != nil {
				return err
			}
			// Only the md5-cache keys are written: skip Vars and Funcs.
			ev := source.New(source.Options{EclassDirs: r.EclassDirs(), CacheKeysOnly: true})
			// On an interrupt, finish the ebuilds under way (their entries
			// are written whole), skip the rest and still report.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			res := regenerate(ctx, ev, refs, out, jobs)
			stderr := cmd.ErrOrStderr()
			for _, w := range r.Warnings {
				fmt.Fprintf(stderr, "warning: %s\n", w)
			}
			for _, b := range bad {
				fmt.Fprintln(stderr, b)
			}
			if len(args) == 1 && ctx.Err() == nil {
				// A whole-repository run owns DIR like egencache owns
				// metadata/md5-cache: entries of ebuilds that are gone go.
				pruned, err := pruneStale(out, refs)
				for _, p := range pruned {
					fmt.Fprintf(stderr, "removed stale entry %s\n", p)
				}
				if err != nil {
					return err
				}
			}
			failed, skipped := 0, 0
			for i, err := range res {
				switch {
				case errors.Is(err, errSkipped):
					skipped++
				case err != nil:
					failed++
					fmt.Fprintf(stderr, "%s: %v\n", refs[i].CPF(), err)
				}
			}
			interrupted := ""
			if skipped > 0 {
				interrupted = fmt.Sprintf(", %d skipped (interrupted)", skipped)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "metadata: %d ebuilds, %d written, %d failed%s, %d bad names, %s\n",
				len(refs), len(refs)-failed-skipped, failed, interrupted, len(bad), time.Since(start).Round(time.Millisecond))
			return ctx.Err()
		},
	}
	rf.add(cmd)
	cmd.Flags().StringVar(&out, "out", "", "directory to write CATEGORY/PF entries to")
	cmd.Flags().IntVarP(&jobs, "jobs", "j", runtime.NumCPU(), "ebuilds evaluated in parallel")
	return cmd
}

// errSkipped marks ebuilds not evaluated because the run was cancelled.
var errSkipped = errors.New("not evaluated")

// evaluator is what regenerate needs of *source.Evaluator.
type evaluator interface {
	Evaluate(ctx context.Context, ref ebuild.Ref) (*ebuild.Metadata, error)
}

// regenerate evaluates refs with jobs workers and writes one entry per
// success under out. The result holds one error (or nil) per ref, in refs
// order, so the report does not depend on scheduling. A failed ebuild's old
// entry is removed: it must not look current.
func regenerate(ctx context.Context, ev evaluator, refs []ebuild.Ref, out string, jobs int) []error {
	res := make([]error, len(refs))
	next := make(chan int)
	// Entries are written by goroutines of their own: creating a file can
	// wait in the kernel (inode allocation, the directory's lock), and the
	// evaluators need not wait with it.
	writes := make(chan entryWrite, 4*jobs)
	var wg, wwg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				e, err := evaluateOne(ctx, ev, refs[i])
				if err != nil {
					res[i] = removeEntry(entryPath(out, refs[i]), err)
					continue
				}
				writes <- entryWrite{i, entryPath(out, refs[i]), e}
			}
		}()
		wwg.Add(1)
		go func() {
			defer wwg.Done()
			for w := range writes {
				if err := mdcache.WriteFile(w.path, w.entry); err != nil {
					res[w.i] = removeEntry(w.path, err)
				}
			}
		}()
	}
	for i := range refs {
		if ctx.Err() != nil {
			res[i] = fmt.Errorf("%w: %w", errSkipped, ctx.Err())
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()
	close(writes)
	wwg.Wait()
	return res
}

// entryWrite is one entry waiting to be written.
type entryWrite struct {
	i     int
	path  string
	entry mdcache.Entry
}

func entryPath(out string, ref ebuild.Ref) string {
	return filepath.Join(out, ref.Category, ref.PF())
}

// evaluateOne evaluates an ebuild into its cache entry.
func evaluateOne(ctx context.Context, ev evaluator, ref ebuild.Ref) (e mdcache.Entry, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: internal error: %v", ref.Path, p)
		}
	}()
	md, err := ev.Evaluate(ctx, ref)
	if err != nil {
		return mdcache.Entry{}, err
	}
	return mdcache.FromMetadata(md), nil
}

// removeEntry removes the entry of an ebuild that failed, so that no stale
// entry stays behind, and returns the failure.
func removeEntry(path string, err error) error {
	if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	return err
}

// pruneStale removes what a whole-repository run would not have written:
// entries DIR/CATEGORY/PF with no ebuild among refs, and temporary files
// left by an interrupted run. Only files named like entries or our
// temporary files are touched. It returns the removed paths, sorted.
func pruneStale(out string, refs []ebuild.Ref) ([]string, error) {
	keep := make(map[string]bool, len(refs))
	for _, r := range refs {
		keep[r.Category+"/"+r.PF()] = true
	}
	cats, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, c := range cats {
		if !c.IsDir() || !version.ValidCategory(c.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(out, c.Name()))
		if err != nil {
			return removed, err
		}
		for _, f := range files {
			name := f.Name()
			if !f.Type().IsRegular() {
				continue
			}
			tmp := strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp")
			if !tmp {
				if _, _, err := version.SplitPF(name); err != nil || keep[c.Name()+"/"+name] {
					continue
				}
			}
			p := filepath.Join(out, c.Name(), name)
			if err := os.Remove(p); err != nil {
				return removed, err
			}
			removed = append(removed, p)
		}
	}
	return removed, nil
}

package main

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"buckos.dev/buckos/ebuild/repo"
	bsync "buckos.dev/buckos/emit/sync"
)

func init() { register(newSyncCmd) }

// syncFlags are the flags sync and import share.
type syncFlags struct {
	repos     []string
	workspace string
	jobs      int
	diff      bool
}

func (f *syncFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.repos, "repo", nil, "repository directory or repos.conf file (repeatable; a later directory has the higher priority; default overlays/repos.conf)")
	cmd.Flags().StringVar(&f.workspace, "workspace", ".", "Buck2 workspace to write into")
	cmd.Flags().IntVarP(&f.jobs, "jobs", "j", runtime.NumCPU(), "ebuilds evaluated and packages generated in parallel")
	cmd.Flags().BoolVar(&f.diff, "diff", false, "print a unified diff of what would change and write nothing")
}

// sources opens the repositories the flags name.
func (f *syncFlags) sources() ([]bsync.Source, error) {
	specs := f.repos
	if len(specs) == 0 {
		def := filepath.Join("overlays", "repos.conf")
		if _, err := os.Stat(def); err != nil {
			def = filepath.Join(f.workspace, "overlays", "repos.conf")
		}
		if _, err := os.Stat(def); err != nil {
			return nil, fmt.Errorf("no --repo given and no overlays/repos.conf here or in the workspace")
		}
		specs = []string{def}
	}
	var confs []bsync.RepoConf
	for i, spec := range specs {
		st, err := os.Stat(spec)
		if err != nil {
			return nil, fmt.Errorf("repository %s: %w", spec, err)
		}
		if !st.IsDir() {
			c, err := bsync.ReadReposConf(spec)
			if err != nil {
				return nil, err
			}
			confs = append(confs, c...)
			continue
		}
		abs, err := filepath.Abs(spec)
		if err != nil {
			return nil, err
		}
		// The name comes from the repository itself; open it once to learn it.
		r, err := repo.Open(abs, repo.OpenOptions{NoMasters: true})
		if err != nil {
			return nil, err
		}
		confs = append(confs, bsync.RepoConf{Name: r.Name, Location: abs, Priority: i, File: "--repo", Line: i + 1})
	}
	return bsync.OpenSources(confs)
}

// toolVersion identifies this build of ebuild2buck: a rebuilt tool
// re-evaluates and regenerates everything once. It is the Go build ID of the
// executable (content-based, read from its ELF note without reading the
// whole file), or else the sha256 of the executable.
func toolVersion() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	if ef, err := elf.Open(exe); err == nil {
		defer ef.Close()
		if sec := ef.Section(".note.go.buildid"); sec != nil {
			if data, err := sec.Data(); err == nil && len(data) > 16 {
				h := sha256.Sum256(data)
				return hex.EncodeToString(h[:])[:16], nil
			}
		}
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// runSync is the body of sync and import.
func runSync(cmd *cobra.Command, f *syncFlags, only []string, withDeps bool) error {
	if f.jobs < 1 {
		return fmt.Errorf("--jobs must be at least 1")
	}
	start := time.Now()
	// Sync allocates much and keeps little (ASTs of one package at a time):
	// trade some memory for less collection work.
	debug.SetGCPercent(400)
	srcs, err := f.sources()
	if err != nil {
		return err
	}
	version, err := toolVersion()
	if err != nil {
		return fmt.Errorf("identify the tool build: %w", err)
	}
	opts := bsync.Options{
		Workspace: f.workspace, Sources: srcs,
		Evaluator: bsync.NewSourceEvaluator(srcs), EvaluatorVersion: version,
		Generator: bsync.NewGenerator(version),
		Jobs:      f.jobs, Only: only, WithDeps: withDeps,
		Progress: cmd.ErrOrStderr(),
		Terminal: cmd.ErrOrStderr() == os.Stderr && isTerminal(os.Stderr),
	}
	if f.diff {
		opts.Diff = cmd.OutOrStdout()
	}
	res, err := bsync.Run(cmd.Context(), opts)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if f.diff {
		out = cmd.ErrOrStderr()
	}
	fmt.Fprint(out, res.Report.Brief(20))
	s := res.Stats
	fmt.Fprintf(out, "evaluated %d of %d ebuilds, regenerated %d of %d packages, wrote %d files, removed %d, in %s\n",
		s.Evaluated, s.Ebuilds, s.Generated, s.Packages, s.Written, s.Removed, time.Since(start).Round(time.Millisecond))
	if !f.diff {
		fmt.Fprintf(out, "full report: %s\n", filepath.Join(f.workspace, bsync.StateDir, "report.txt"))
	}
	return nil
}

func newSyncCmd() *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync [--repo DIR|repos.conf]... [--workspace DIR] [--jobs N] [--diff]",
		Short: "Write every package of the repositories into the workspace's category cells",
		Long: `Evaluate every ebuild of the repositories (only those changed since the last
sync) and write WORKSPACE/packages/linux/CELL/DIR/BUCK for every package, with
its files/ directory, the eclasses it uses (packages/eclasses/REPO), the
registry (packages/registry_data.bzl) and the package sets
(packages/sets_data.bzl). Lines marked "# keep" and fixups.bzl files beside a
BUCK file survive. Packages that disappeared are removed. The full report is
written to WORKSPACE/.ebuild2buck/report.txt. See docs/SYNC.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runSync(cmd, &f, nil, false) },
	}
	f.add(cmd)
	return cmd
}

// Package sync writes the Buck2 tree of whole repositories: it evaluates
// every ebuild (in parallel, only what changed since the last run), asks a
// Generator for each package's BUCK file, merges it with the file on disk
// (emit/merge: "# keep" marks and fixups.bzl), and writes it atomically
// under WORKSPACE/packages/linux/CELL/DIR. It also copies files/ directories
// and the eclasses the ebuilds used into the workspace, writes
// packages/registry_data.bzl and packages/sets_data.bzl, removes what
// disappeared, and reports.
//
// The evaluator and the generator come from the caller (cmd/ebuild2buck wires
// ebuild/source and emit/gen), so this package only orchestrates.
package sync

import (
	"context"

	"github.com/bazelbuild/buildtools/build"

	"buckos.dev/buckos/ebuild"
	"buckos.dev/buckos/ebuild/repo"
	"buckos.dev/buckos/emit/cells"
)

// Source is one repository taking part in a sync. For the same CAT/PN, the
// repository with the higher Priority provides the whole package (equal
// priorities: the later one in Options.Repos).
type Source struct {
	Repo     *repo.Repo
	Priority int
}

// Evaluator evaluates the global scope of one ebuild of r.
type Evaluator interface {
	Evaluate(ctx context.Context, r *repo.Repo, ref ebuild.Ref) (*ebuild.Metadata, error)
}

// Package is one CAT/PN as the generator sees it.
type Package struct {
	CatPN  string
	Repo   *repo.Repo // the repository that provides it
	Place  cells.Place
	SrcDir string // REPO/CAT/PN
	// Ebuilds holds every ebuild that evaluated, in repository (version)
	// order. Inside World only Ref, MD5, Eclasses and the Raw keys EAPI,
	// IUSE, KEYWORDS and SLOT are set; the package given to Generate has
	// the full metadata.
	Ebuilds []*ebuild.Metadata
	// Files lists the package's files/ directory (paths below it,
	// slash-separated), so the generator can tell a patch the repository
	// lacks; nil when not read (inside World).
	Files []string
}

// World is every package of a sync, for building the resolve index.
type World struct {
	Layout   *cells.Layout
	Packages map[string]*Package // by CAT/PN
	Arch     string
}

// Generator turns packages into BUCK files. One Generator serves one run.
type Generator interface {
	// Version names the generator's output format; a change regenerates
	// every package.
	Version() string
	// Prepare is called once with the whole world before any Generate.
	Prepare(ctx context.Context, w *World) error
	// Generate proposes the BUCK file of one package. It is called from
	// several goroutines.
	Generate(ctx context.Context, pkg *Package) (*Output, error)
	// Print renders a file canonically.
	Print(f *build.File) []byte
}

// Output is what the generator proposes for one package.
type Output struct {
	File       *build.File
	Targets    []Target
	Unresolved []Unresolved
	// Problems are not fatal (a version left out, a missing Manifest
	// entry); the report lists them with the failures.
	Problems []string
}

// Target says how one ebuild target was expressed.
type Target struct {
	Name     string `json:"name"`
	Verbatim bool   `json:"verbatim,omitempty"` // phases kept as bash
	Why      string `json:"why,omitempty"`      // why verbatim
}

// Unresolved is a dependency atom with no label.
type Unresolved struct {
	Ebuild string `json:"ebuild"` // CATEGORY/PF
	Atom   string `json:"atom"`
	Reason string `json:"reason"`
}

// Failure is an ebuild or package that could not be turned into BUCK text.
type Failure struct {
	What string `json:"what"`  // CATEGORY/PF or CATEGORY/PN
	Err  string `json:"error"` // FILE:LINE: reason
}

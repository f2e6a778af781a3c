package main

import (
	"github.com/spf13/cobra"
)

func init() { register(newImportCmd) }

func newImportCmd() *cobra.Command {
	var (
		f        syncFlags
		withDeps bool
	)
	cmd := &cobra.Command{
		Use:   "import CAT/PKG... [--repo DIR|repos.conf]... [--workspace DIR] [--with-deps]",
		Short: "Write one package (optionally with its dependency closure) into the workspace",
		Long: `Like sync, but write only the named packages; with --with-deps also every
package they depend on (DEPEND BDEPEND RDEPEND PDEPEND IDEPEND, under every USE
conditional and every || alternative), transitively. Only what is needed is
evaluated: these packages, the packages their dependencies name (for resolution)
and those the workspace already has. Nothing else is written or removed; a later
sync writes the rest. See docs/SYNC.md.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runSync(cmd, &f, args, withDeps) },
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&withDeps, "with-deps", false, "also write the dependency closure")
	return cmd
}

// Command ebuild2buck turns Gentoo ebuild repositories into a Buck2 tree.
//
// Each subcommand lives in its own file and adds itself with register from
// an init function, so commands can be added without touching this file.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// subcommands collects the constructors registered by the command files.
var subcommands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { subcommands = append(subcommands, newCmd) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "ebuild2buck",
		Short:         "Generate a Buck2 tree from Gentoo ebuild repositories",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, newCmd := range subcommands {
		root.AddCommand(newCmd())
	}
	return root
}

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "ebuild2buck:", err)
		os.Exit(2)
	}
}

package cmd

import "github.com/spf13/cobra"

// runWith is Run with a hook that changes the command tree first, e.g. to
// replace a command's run function with one that fakes the machine.
func runWith(streams *IO, args []string, edit func(*cobra.Command)) int {
	root := NewCmdRoot(streams)
	edit(root)
	return execute(root, streams, args)
}

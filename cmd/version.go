package cmd

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X github.com/goshim/goshim/cmd.version=v1.2.3".
var version = ""

// Version returns goshim's version: the linker's, else the module's, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// NewCmdVersion prints the version.
func NewCmdVersion(streams *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print goshim's version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(streams.Out, "goshim %s\n", Version())
			return err
		},
	}
}

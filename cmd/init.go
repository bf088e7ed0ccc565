package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/atomicfs"
	"github.com/goshim/goshim/shim/policy"
)

// InitOptions are init's flags.
type InitOptions struct {
	IO    *IO
	Path  string
	Force bool
}

// NewCmdInit builds `goshim init`.
func NewCmdInit(streams *IO, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: streams}
	c := &cobra.Command{
		Use:   "init",
		Short: "Write the default policy as a commented goshim.toml",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	c.Flags().StringVar(&opts.Path, "policy", defaultPolicyFile, "where to write the policy")
	c.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing file")
	return c
}

func initRun(opts *InitOptions) error {
	p := opts.Path
	if !filepath.IsAbs(p) {
		p = filepath.Join(opts.IO.Dir, p)
	}
	if _, err := os.Stat(p); err == nil && !opts.Force {
		return usageErr("%s already exists; edit it, or pass --force to replace it", displayName(opts.IO.Dir, p))
	}
	if err := atomicfs.WriteFile(p, policy.DefaultTOML, 0o644); err != nil {
		return usageErr("cannot write %s: %v", p, err)
	}
	fmt.Fprintf(opts.IO.Out, "wrote %s; edit it, then run 'goshim generate'\n", displayName(opts.IO.Dir, p))
	return nil
}

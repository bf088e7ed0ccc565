package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/installer"
	"github.com/goshim/goshim/internal/manifest"
)

// UninstallOptions are uninstall's flags.
type UninstallOptions struct {
	IO     *IO
	Target envTarget
	ID     string
	Force  bool
}

// NewCmdUninstall builds `goshim uninstall`.
func NewCmdUninstall(streams *IO, runF func(*UninstallOptions) error) *cobra.Command {
	opts := &UninstallOptions{IO: streams}
	c := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove exactly the hooks goshim installed into an env",
		Long: `Remove the files listed in the env's goshim manifest, the manifest, and the
folders goshim created, leaving the prefix as it was before install. A hook
file changed since install is not removed without --force (exit 1).`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return uninstallRun(opts)
		},
	}
	opts.Target.register(c)
	c.Flags().StringVar(&opts.ID, "id", "", "hook set to remove (default: every goshim hook set in the env)")
	c.Flags().BoolVar(&opts.Force, "force", false, "remove hook files even if they changed since install")
	return c
}

func uninstallRun(opts *UninstallOptions) error {
	streams := opts.IO
	prefix, err := opts.Target.resolve(streams, nil)
	if err != nil {
		return err
	}
	unlock, err := installer.Lock(prefix)
	if err != nil {
		return usageErr("cannot lock %s: %v", prefix, err)
	}
	defer unlock()
	var sets []*manifest.Manifest
	if opts.ID != "" {
		m, err := manifest.Read(prefix, opts.ID)
		if err != nil {
			return usageErr("%v", err)
		}
		if m == nil {
			return &exitError{ExitProblem, fmt.Errorf("no goshim hook set %q is installed in %s", opts.ID, prefix)}
		}
		sets = append(sets, m)
	} else if sets, err = manifest.All(prefix); err != nil {
		return usageErr("%v", err)
	}
	if len(sets) == 0 {
		return &exitError{ExitProblem, fmt.Errorf("no goshim hooks are installed in %s", prefix)}
	}
	for _, m := range sets {
		removed, err := installer.Uninstall(prefix, m, opts.Force)
		if err != nil {
			return &exitError{ExitProblem, err}
		}
		fmt.Fprintf(streams.Out, "removed hook set %q from %s (%d files)\n", m.ID, prefix, len(removed))
	}
	return nil
}

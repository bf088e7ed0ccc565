package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/udiff"
)

// CheckOptions are check's flags.
type CheckOptions struct {
	IO     *IO
	Inputs inputFlags
	OutDir string
}

// NewCmdCheck builds `goshim check`.
func NewCmdCheck(streams *IO, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: streams}
	c := &cobra.Command{
		Use:   "check",
		Short: "Exit 1 with a diff when committed hooks differ from the inputs",
		Long: `Regenerate the hooks in memory and compare them with OUT. Prints a unified
diff and exits 1 when anything differs (drift), 0 when OUT is up to date.
Use it in CI and pre-commit.`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return checkRun(opts)
		},
	}
	opts.Inputs.register(c)
	c.Flags().StringVarP(&opts.OutDir, "out", "o", DefaultOutDir, "folder holding the committed hooks")
	return c
}

func checkRun(opts *CheckOptions) error {
	_, files, out, err := renderTo(opts.IO, &opts.Inputs, opts.OutDir)
	if err != nil {
		return err
	}
	drift := 0
	for _, f := range files {
		dst := filepath.Join(out, filepath.FromSlash(f.Path))
		name := displayName(opts.IO.Dir, dst)
		have, err := os.ReadFile(dst)
		oldName := name
		if errors.Is(err, fs.ErrNotExist) {
			oldName = "/dev/null"
		} else if err != nil {
			return usageErr("%v", err)
		}
		if d := udiff.Diff(oldName, name, string(have), string(f.Data)); d != "" {
			drift++
			fmt.Fprint(opts.IO.Out, d)
		}
	}
	if drift > 0 {
		fmt.Fprintf(opts.IO.Err, "goshim: %d hook file(s) in %s are out of date; run 'goshim generate' with the same flags\n", drift, displayName(opts.IO.Dir, out))
		return errSilent{ExitProblem}
	}
	fmt.Fprintf(opts.IO.Out, "%d hook files in %s are up to date\n", len(files), displayName(opts.IO.Dir, out))
	return nil
}

package cmd

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/atomicfs"
	"github.com/goshim/goshim/shim/render"
)

// DefaultOutDir is where generate writes when -o is not given.
const DefaultOutDir = "goshim-hooks"

// GenerateOptions are generate's flags.
type GenerateOptions struct {
	IO     *IO
	Inputs inputFlags
	OutDir string
}

// NewCmdGenerate builds `goshim generate`; runF replaces the run in tests.
func NewCmdGenerate(streams *IO, runF func(*GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{IO: streams}
	c := &cobra.Command{
		Use:   "generate",
		Short: "Write the activate.d/deactivate.d hooks",
		Long: `Write the hooks for every shell into OUT/etc/conda/activate.d and
OUT/etc/conda/deactivate.d, mirroring an env prefix. Inputs are ./environment.yml
and ./goshim.toml when present; without a policy the embedded default is used.
Output is byte-identical for the same inputs, so it can be committed and
checked for drift with 'goshim check'.`,
		Example: `  goshim generate
  goshim generate -f environment.yml --policy goshim.toml -o hooks --shell sh,fish`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return generateRun(opts)
		},
	}
	opts.Inputs.register(c)
	c.Flags().StringVarP(&opts.OutDir, "out", "o", DefaultOutDir, "folder to write into (it mirrors an env prefix)")
	return c
}

func generateRun(opts *GenerateOptions) error {
	in, files, out, err := renderTo(opts.IO, &opts.Inputs, opts.OutDir)
	if err != nil {
		return err
	}
	// Everything is rendered before anything is written: bad input writes nothing.
	if err := atomicfs.Writable(out); err != nil {
		return usageErr("cannot write hooks: %v", err)
	}
	printNotes(opts.IO, in.Plan)
	writes := make([]atomicfs.File, len(files))
	for i, f := range files {
		writes[i] = atomicfs.File{Path: filepath.Join(out, filepath.FromSlash(f.Path)), Data: f.Data, Perm: 0o644}
	}
	if err := atomicfs.WriteFiles(writes); err != nil {
		return err
	}
	for _, w := range writes {
		fmt.Fprintf(opts.IO.Out, "wrote %s\n", displayName(opts.IO.Dir, w.Path))
	}
	return nil
}

// renderTo builds the plan from the inputs and renders every file in memory,
// so generate and check see exactly the same output; out is made absolute.
func renderTo(streams *IO, flags *inputFlags, outDir string) (*inputs, []render.File, string, error) {
	in, err := flags.load(streams.Dir, nil)
	if err != nil {
		return nil, nil, "", err
	}
	files, err := in.renderAll()
	if err != nil {
		return nil, nil, "", usageErr("%v", err)
	}
	if !filepath.IsAbs(outDir) {
		outDir = filepath.Join(streams.Dir, outDir)
	}
	return in, files, outDir, nil
}

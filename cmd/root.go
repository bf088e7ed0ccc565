// Package cmd holds goshim's cobra commands. Each command has an options
// struct, a NewCmdX constructor and an xRun function, so flag parsing and
// behaviour are tested apart; IO is injected, never read from os.* in runs.
package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/condaenv"
	"github.com/goshim/goshim/shim/policy"
)

// Exit codes, one table for every command.
const (
	ExitOK      = 0 // done
	ExitProblem = 1 // check found drift, doctor found problems
	ExitInput   = 2 // usage error or invalid input
)

// IO is what a command reads and writes; tests pass buffers.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	Env      map[string]string // the process environment
	Dir      string            // working directory
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{ExitInput, fmt.Errorf(format, args...)}
}

// noArgs rejects positional arguments as a usage error (exit 2).
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErr("unexpected argument %q\nRun '%s --help' for usage.", args[0], c.CommandPath())
	}
	return nil
}

// errSilent ends a command with a code after it has said what it had to.
type errSilent struct{ code int }

func (e errSilent) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs goshim with the real process environment and returns the exit code.
func Main() int {
	wd, _ := os.Getwd()
	streams := &IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Env: environ(os.Environ()), Dir: wd}
	return Run(streams, os.Args[1:])
}

// Run executes one command line and maps its error to an exit code.
func Run(streams *IO, args []string) int {
	return execute(NewCmdRoot(streams), streams, args)
}

// execute runs a command tree; tests pass a tree they changed.
func execute(root *cobra.Command, streams *IO, args []string) int {
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var silent errSilent
	if errors.As(err, &silent) {
		return silent.code
	}
	fmt.Fprintf(streams.Err, "goshim: %v\n", err)
	return exitCode(err)
}

func exitCode(err error) int {
	var ee *exitError
	var pe *policy.Error
	var ce *condaenv.Error
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &pe), errors.As(err, &ce):
		return ExitInput
	}
	return ExitProblem
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(streams *IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "goshim",
		Short: "Keep conda environments from hijacking Go",
		Long: `goshim reads a conda environment.yml and a goshim.toml policy and writes
activate.d/deactivate.d hooks for every shell conda runs. The hooks save,
override and exactly restore Go variables, and put the system Go ahead of
the env's own, so conda's go packages cannot hijack the toolchain.

Start with:  goshim install -n myenv   (hooks into an env, embedded default policy)
             goshim doctor             (what is wrong with Go in this shell)
             goshim init               (write goshim.toml to edit)
             goshim generate           (hooks into ./goshim-hooks, to commit)`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetIn(streams.In)
	// Only flag errors print usage; every other error is one clear line.
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{ExitInput, fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	root.AddCommand(
		NewCmdGenerate(streams, nil),
		NewCmdCheck(streams, nil),
		NewCmdInit(streams, nil),
		NewCmdInstall(streams, nil),
		NewCmdUninstall(streams, nil),
		NewCmdDoctor(streams, nil),
		NewCmdExplain(streams, nil),
		NewCmdVersion(streams),
	)
	return root
}

func environ(kv []string) map[string]string {
	m := make(map[string]string, len(kv))
	for _, e := range kv {
		if k, v, ok := strings.Cut(e, "="); ok {
			m[k] = v
		}
	}
	return m
}

package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/condaenv"
	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/render"
	"github.com/goshim/goshim/shim/shell"
)

const (
	defaultEnvFile    = "environment.yml"
	defaultPolicyFile = "goshim.toml"
)

// inputFlags are the flags every command that builds a plan shares.
type inputFlags struct {
	EnvFile string
	Policy  string
	ID      string
	Shells  shellList
}

func (f *inputFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVarP(&f.EnvFile, "file", "f", "", "conda environment file (default ./environment.yml when present)")
	fl.StringVar(&f.Policy, "policy", "", "goshim policy (default ./goshim.toml when present, else the embedded default)")
	fl.StringVar(&f.ID, "id", "", "hook set name, used in file and state names (default: the env's name, else \"goshim\")")
	fl.Var(&f.Shells, "shell", "shells to write hooks for, comma-separated: "+strings.Join(shell.Names(), ", ")+" (default all)")
	_ = c.RegisterFlagCompletionFunc("shell", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return shell.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = c.MarkFlagFilename("file", "yml", "yaml")
	_ = c.MarkFlagFilename("policy", "toml")
}

// shellList validates --shell while flags are parsed, so a typo is a usage error.
type shellList []shell.Shell

func (s *shellList) String() string {
	var names []string
	for _, sh := range *s {
		names = append(names, sh.Name())
	}
	return strings.Join(names, ",")
}
func (s *shellList) Type() string { return "shells" }
func (s *shellList) Set(v string) error {
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		sh, err := shell.Lookup(name)
		if err != nil {
			return err
		}
		if !containsShell(*s, sh) {
			*s = append(*s, sh)
		}
	}
	return nil
}

func containsShell(list []shell.Shell, sh shell.Shell) bool {
	for _, x := range list {
		if x.Name() == sh.Name() {
			return true
		}
	}
	return false
}

// inputs is everything a plan was built from.
type inputs struct {
	Env    *condaenv.Environment // nil when there is no environment.yml
	Policy *policy.Policy
	Plan   *plan.Plan
	Shells []shell.Shell
}

// load reads the inputs named by the flags (or found in dir) and builds the plan.
// extra are variables conda exports that only an installed prefix reveals.
func (f *inputFlags) load(dir string, extra []plan.CondaVar) (*inputs, error) {
	in := &inputs{Shells: f.Shells}
	if len(in.Shells) == 0 {
		in.Shells = shell.All()
	}
	var planInputs []plan.Input

	envPath, err := pick(dir, f.EnvFile, defaultEnvFile, "-f")
	if err != nil {
		return nil, err
	}
	if envPath != "" {
		data, err := os.ReadFile(envPath)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		env, err := condaenv.Parse(displayName(dir, envPath), data)
		if err != nil {
			return nil, err
		}
		in.Env = env
		planInputs = append(planInputs, plan.Input{Name: filepath.Base(envPath), Digest: plan.DigestBytes(data)})
	}

	polPath, err := pick(dir, f.Policy, defaultPolicyFile, "--policy")
	if err != nil {
		return nil, err
	}
	if polPath == "" {
		in.Policy = policy.Builtin()
		// named in headers, and digested, so a changed default shows up as drift
		planInputs = append(planInputs, plan.Input{Name: "embedded default policy", Digest: plan.DigestBytes(policy.DefaultTOML)})
	} else {
		data, err := os.ReadFile(polPath)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		if in.Policy, err = policy.Parse(displayName(dir, polPath), data); err != nil {
			return nil, err
		}
		planInputs = append(planInputs, plan.Input{Name: filepath.Base(polPath), Digest: plan.DigestBytes(data)})
	}

	opt := plan.Options{ID: f.ID, Inputs: planInputs}
	if in.Env != nil {
		if opt.ID == "" {
			opt.ID = in.Env.Name
		}
		for _, v := range in.Env.CondaEnvVars() {
			opt.CondaVars = append(opt.CondaVars, plan.CondaVar{Name: v.Name, Value: v.Value, Source: v.Source})
		}
	}
	opt.CondaVars = append(opt.CondaVars, extra...)
	if in.Plan, err = plan.Build(in.Policy, opt); err != nil {
		return nil, err
	}
	return in, nil
}

// pick returns the file to read: the flag's when given (it must exist),
// else the default name in dir when it exists, else "".
func pick(dir, flagValue, defaultName, flagName string) (string, error) {
	if flagValue != "" {
		p := flagValue
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", usageErr("%s %s: no such file", flagName, flagValue)
			}
			return "", usageErr("%s %s: %v", flagName, flagValue, err)
		}
		return p, nil
	}
	p := filepath.Join(dir, defaultName)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", nil
}

// displayName is how messages name a file: relative to dir when inside it.
func displayName(dir, p string) string {
	if rel, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

func printNotes(streams *IO, p *plan.Plan) {
	for _, n := range p.Notes {
		fmt.Fprintf(streams.Err, "note: %s\n", n)
	}
}

// renderAll renders the hooks of every selected shell. A value one shell
// cannot hold is reported at its line in the policy, with the way out of
// leaving that shell out when the user did not choose the shells.
func (in *inputs) renderAll() ([]render.File, error) {
	files, err := render.All(in.Plan, in.Shells)
	var ve *render.ValueError
	if err == nil || !errors.As(err, &ve) {
		return files, err
	}
	where := in.Policy.File
	if r, ok := in.Policy.Rule(ve.Var); ok && r.Line > 0 {
		where = fmt.Sprintf("%s:%d", in.Policy.File, r.Line)
	}
	fix := "change the value"
	var others []string
	for _, sh := range in.Shells {
		if sh.Name() != ve.Shell {
			others = append(others, sh.Name())
		}
	}
	if len(others) > 0 {
		fix += ", or write hooks without " + ve.Shell + ": --shell " + strings.Join(others, ",")
	}
	return nil, fmt.Errorf("%s: %v (fix: %s)", where, ve, fix)
}

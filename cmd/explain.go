package cmd

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/condaenv"
	"github.com/goshim/goshim/shim/expr"
	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/render"
)

// ExplainOptions are explain's flags.
type ExplainOptions struct {
	IO     *IO
	Inputs inputFlags
}

// NewCmdExplain builds `goshim explain`.
func NewCmdExplain(streams *IO, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{IO: streams}
	c := &cobra.Command{
		Use:   "explain",
		Short: "Show what the hooks will do: each variable, its value per shell, what it guards against",
		Long: `Print the plan goshim builds from environment.yml and goshim.toml (the same
inputs and flags as generate): the toolchain, every managed variable with its
action, its value as written and as each shell will read it, which packages of
environment.yml it guards against, and the hook files per shell. Nothing is
written. Exits 2 when generate would fail on these inputs.`,
		Example: `  goshim explain
  goshim explain -f environment.yml --policy goshim.toml --shell sh,pwsh`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return explainRun(opts)
		},
	}
	opts.Inputs.register(c)
	return c
}

// threat is one way a conda package changes a variable.
type threat struct {
	dep  string // "go-cgo_linux-64 (environment.yml:6)"
	what string
}

// packageThreats says what conda-forge's Go-related packages do to each
// variable (docs: conda-activation.md §4).
func packageThreats(env *condaenv.Environment) map[string][]threat {
	out := map[string][]threat{}
	if env == nil {
		return out
	}
	add := func(d condaenv.Dependency, what string, vars ...string) {
		for _, v := range vars {
			out[v] = append(out[v], threat{fmt.Sprintf("%s (%s:%d)", d.Spec, env.File, d.Line), what})
		}
	}
	// conda-forge's go comes with go-cgo and go-nocgo too: name it once,
	// after the dependency that lists it, else the first that brings it.
	goDep := -1
	for i, d := range env.GoPackages() {
		if d.Name == "go" || goDep < 0 && (strings.HasPrefix(d.Name, "go-cgo") || strings.HasPrefix(d.Name, "go-nocgo")) {
			goDep = i
		}
		if d.Name == "go" {
			break
		}
	}
	for i, d := range env.GoPackages() {
		n := d.Name
		if i == goDep {
			via := ""
			if n != "go" {
				via = "installs conda-forge's go, which "
			}
			add(d, via+"puts its own go first on PATH ($CONDA_PREFIX/bin/go)", "GOROOT")
			add(d, via+"exports GOTOOLCHAIN=local from etc/conda/env_vars.d/go.json", "GOTOOLCHAIN")
			add(d, via+"defaults GOBIN to $CONDA_PREFIX/bin when CONDA_GO_COMPILER=1", "GOBIN")
			add(d, via+"defaults CGO_CFLAGS/CGO_LDFLAGS to the conda compiler's when CONDA_GO_COMPILER=1", "CGO_CFLAGS", "CGO_LDFLAGS")
		}
		if strings.HasPrefix(n, "go-cgo") || strings.HasPrefix(n, "go-nocgo") {
			cgo := "1"
			if strings.HasPrefix(n, "go-nocgo") {
				cgo = "0"
			}
			add(d, "exports CGO_ENABLED="+cgo+" and leaves it set after deactivation", "CGO_ENABLED")
			add(d, "exports GOOS and GOARCH for its platform and leaves them set after deactivation", "GOOS", "GOARCH")
			add(d, `exports GOFLAGS="-modcacherw -buildmode=pie -trimpath" and leaves it set after deactivation`, "GOFLAGS")
			add(d, "exports CONDA_GO_COMPILER=1 (conda's go then changes GOBIN and cgo flags)", "CONDA_GO_COMPILER")
		}
	}
	for _, d := range env.Compilers() {
		add(d, "exports the conda compiler's settings (single-slot CONDA_BACKUP_ backups, lost on stacked activation); cgo uses them",
			"CC", "CXX", "CPP", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "AR", "LD")
	}
	for _, v := range env.Variables {
		out[v.Name] = append(out[v.Name], threat{fmt.Sprintf("%s:%d variables", env.File, v.Line),
			fmt.Sprintf("conda exports %s=%q before any hook runs", v.Name, v.Value)})
	}
	return out
}

var roleLabels = []string{"first on activation: saves", "last on activation: applies", "last on deactivation: restores"}

func explainRun(opts *ExplainOptions) error {
	in, err := opts.Inputs.load(opts.IO.Dir, nil)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	p := in.Plan
	failed := false
	names := make([]string, len(in.Shells))
	width := 0
	for i, sh := range in.Shells {
		names[i] = sh.Name()
		width = max(width, len(sh.Name()))
	}

	fmt.Fprintf(w, "Hook set %q (state: _GOSHIM_%s__*)\n", p.ID, p.StateID)
	var inputs []string
	for _, i := range p.Inputs {
		inputs = append(inputs, fmt.Sprintf("%s (sha256:%.12s)", i.Name, i.Digest))
	}
	if len(inputs) == 0 {
		inputs = []string{"embedded default policy"}
	}
	fmt.Fprintf(w, "Inputs: %s\n", strings.Join(inputs, ", "))
	fmt.Fprintf(w, "Shells: %s\n", strings.Join(names, ", "))

	threats := packageThreats(in.Env)
	shown := map[string]bool{}
	// values prints a value as written and as each shell will read it.
	values := func(indent string, v expr.Value) {
		for _, sh := range in.Shells {
			word, err := sh.Expand(v)
			if err != nil {
				failed = true
				word = "error: " + err.Error()
			}
			fmt.Fprintf(w, "%s%s  %s\n", indent, pad(sh.Name(), width), word)
		}
	}
	guards := func(indent string, vars ...string) {
		var list []threat
		for _, v := range vars {
			shown[v] = true
			list = append(list, threats[v]...)
		}
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(w, "%sguards against:\n", indent)
		seen := map[threat]bool{}
		for _, t := range list {
			if !seen[t] {
				seen[t] = true
				fmt.Fprintf(w, "%s  %s: %s\n", indent, t.dep, t.what)
			}
		}
	}

	fmt.Fprintf(w, "\nToolchain: %s\n", p.Toolchain)
	switch p.Toolchain {
	case policy.ToolchainConda:
		fmt.Fprintln(w, "  goshim changes no toolchain variable: the env's own go, if any, wins on PATH.")
	default:
		look := "[go] root if it holds bin/go, else the first go on PATH outside every conda prefix, else /usr/local/go, /usr/lib/go, ~/sdk/go*, Homebrew"
		if p.Toolchain == policy.ToolchainPath {
			look = "[go] root only"
		}
		fmt.Fprintf(w, "  While active, the system Go's bin/ goes first on PATH and GOROOT is unset; GOROOT is restored after.\n  The system Go is %s. None found: one line on stderr, and the env's go stays.\n", look)
		if p.Root != nil {
			fmt.Fprintf(w, "  [go] root = %q\n", p.Root.Raw)
			values("    ", *p.Root)
		}
		guards("  ", "GOROOT")
	}

	fmt.Fprintln(w, "\nVariables: saved before conda changes them, set as below while active, restored exactly on deactivation")
	vars := append([]plan.Var{}, p.Vars...)
	if p.Path != nil {
		vars = append(vars, plan.Var{Rule: *p.Path})
	}
	for _, v := range vars {
		if v.Toolchain {
			continue
		}
		fmt.Fprintf(w, "  %s  %s\n", v.Name, actionText(v))
		switch v.Action {
		case policy.Set, policy.Default:
			values("      ", v.Value)
		case policy.Edit:
			for _, e := range v.Prepend {
				fmt.Fprintf(w, "      prepend %q\n", e.Raw)
				values("        ", e)
			}
			for _, e := range v.Append {
				fmt.Fprintf(w, "      append %q\n", e.Raw)
				values("        ", e)
			}
		}
		if v.FromConda {
			fmt.Fprintf(w, "      conda exports it before goshim runs (%s): %s\n", v.CondaSource, condaWins(v))
		}
		guards("      ", v.Name)
	}

	// what the env's packages change and the policy does not manage,
	// grouped by cause: a compiler package sets a dozen variables at once
	byCause := map[threat][]string{}
	var causes []threat
	for name, list := range threats {
		if shown[name] || name == "GOROOT" && p.Toolchain != policy.ToolchainConda {
			continue
		}
		for _, t := range list {
			if byCause[t] == nil {
				causes = append(causes, t)
			}
			byCause[t] = append(byCause[t], name)
		}
	}
	sort.Slice(causes, func(i, j int) bool {
		if causes[i].dep != causes[j].dep {
			return causes[i].dep < causes[j].dep
		}
		return causes[i].what < causes[j].what
	})
	if len(causes) > 0 {
		fmt.Fprintln(w, "\nNot managed by the policy (the env changes these and nothing puts them back):")
		for _, t := range causes {
			names := byCause[t]
			sort.Strings(names)
			fmt.Fprintf(w, "  %s\n      %s: %s\n", strings.Join(names, ", "), t.dep, t.what)
		}
	}

	fmt.Fprintln(w, "\nHook files, relative to the env prefix:")
	fw := 0
	for _, sh := range in.Shells {
		fw = max(fw, len("etc/conda/activate.d/+goshim-"+p.ID+"-save"+sh.Ext()))
	}
	for _, sh := range in.Shells {
		files, err := render.Files(p, sh)
		if err != nil {
			failed = true
			fmt.Fprintf(w, "  %s  cannot render: %v\n", pad(sh.Name(), width), err)
			continue
		}
		for i, f := range files {
			label := sh.Name()
			if i > 0 {
				label = ""
			}
			fmt.Fprintf(w, "  %s  %s  (%s)\n", pad(label, width), pad(f.Path, fw), roleLabels[i%len(roleLabels)])
		}
	}

	if len(p.Notes) > 0 {
		fmt.Fprintln(w, "\nNotes:")
		for _, n := range p.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	if failed {
		fmt.Fprintln(opts.IO.Err, "goshim: these inputs cannot be generated for every shell (see \"error:\" and \"cannot render\" above)")
		return errSilent{ExitInput}
	}
	return nil
}

func actionText(v plan.Var) string {
	switch v.Action {
	case policy.Set:
		return fmt.Sprintf("set %q while active", v.Value.Raw)
	case policy.Unset:
		return "unset while active"
	case policy.Keep:
		return "keep: the value from before `conda activate`, whatever the env's packages set"
	case policy.Default:
		return fmt.Sprintf("default %q: the value from before activation, or this if it was unset", v.Value.Raw)
	case policy.Edit:
		sep := "the platform's list separator"
		if v.Sep != "" {
			sep = fmt.Sprintf("%q", v.Sep)
		}
		return fmt.Sprintf("list edit (%d prepended, %d appended, separated by %s); on deactivation exactly these entries are removed", len(v.Prepend), len(v.Append), sep)
	}
	return v.Action.String()
}

func condaWins(v plan.Var) string {
	switch v.Action {
	case policy.Set:
		return "goshim's value wins while active"
	case policy.Unset:
		return "goshim unsets it while active"
	case policy.Keep, policy.Default:
		return "goshim reads conda's backup (__CONDA_SHLVL_<n>_" + v.Name + ") as the value from before activation"
	}
	return "goshim adds its entries to conda's value"
}

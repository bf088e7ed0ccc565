package cmd

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/atomicfs"
	"github.com/goshim/goshim/internal/condaenv"
	"github.com/goshim/goshim/internal/installer"
	"github.com/goshim/goshim/internal/manifest"
	"github.com/goshim/goshim/internal/udiff"
	"github.com/goshim/goshim/shim/plan"
)

// InstallOptions are install's flags.
type InstallOptions struct {
	IO      *IO
	Target  envTarget
	Inputs  inputFlags
	Force   bool
	DryRun  bool
	Hooks   string
	Package string
}

// NewCmdInstall builds `goshim install`.
func NewCmdInstall(streams *IO, runF func(*InstallOptions) error) *cobra.Command {
	opts := &InstallOptions{IO: streams}
	c := &cobra.Command{
		Use:   "install",
		Short: "Write the hooks into a conda env prefix",
		Long: `Generate the hooks and install them into an env's etc/conda/activate.d and
deactivate.d, with a manifest in etc/goshim/<id>.json. The env is -n NAME,
-p PREFIX, else environment.yml's prefix:/name:, else the active env; names
are resolved like conda does (envs_dirs, .condarc, environments.txt) without
running conda.

Writes are atomic; re-running with the same inputs changes nothing; a file
goshim did not write is never overwritten without --force; concurrent
installs into one prefix are serialized.

Recipe mode: inside a conda-build/rattler-build build script,
'goshim install -p "$PREFIX" --package NAME' writes every shell's hooks named
after the package, with nothing that depends on the build machine.`,
		Example: `  goshim install -n myenv
  goshim install -p ~/miniforge3/envs/ml --dry-run
  goshim install -n myenv --hooks goshim-hooks      # the hooks a repo committed
  goshim install -p "$PREFIX" --package mypkg       # in a recipe's build.sh`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return installRun(opts)
		},
	}
	opts.Target.register(c)
	opts.Inputs.register(c)
	c.Flags().BoolVar(&opts.Force, "force", false, "overwrite files goshim did not write, or that changed since")
	c.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print what would change, with diffs, and write nothing")
	c.Flags().StringVar(&opts.Hooks, "hooks", "", "install hooks generated earlier (e.g. committed in a repo) from this folder instead of generating")
	c.Flags().StringVar(&opts.Package, "package", "", "recipe mode: name the hooks after this conda package")
	_ = c.MarkFlagDirname("hooks")
	return c
}

func installRun(opts *InstallOptions) error {
	streams := opts.IO
	if opts.Package != "" {
		if opts.Inputs.ID != "" && opts.Inputs.ID != opts.Package {
			return usageErr("--package names the hook set; drop --id")
		}
		opts.Inputs.ID = opts.Package
	}
	env, err := peekEnv(streams.Dir, opts.Inputs.EnvFile)
	if err != nil {
		return err
	}
	prefix, err := opts.Target.resolve(streams, env)
	if err != nil {
		return err
	}
	if opts.Inputs.ID == "" && opts.Hooks == "" && (env == nil || env.Name == "") {
		opts.Inputs.ID = filepath.Base(prefix)
	}

	var files []installer.File
	var man *manifest.Manifest
	if opts.Hooks != "" {
		files, man, err = readHooks(streams, opts.Hooks, opts.Inputs.ID)
	} else {
		files, man, err = generateFor(streams, opts, prefix)
	}
	if err != nil {
		return err
	}
	man.Goshim = Version()

	if err := atomicfs.Writable(filepath.Join(prefix, "etc")); err != nil {
		return usageErr("cannot install into %s: %v (fix: install as the env's owner, or pick a writable env)", prefix, err)
	}
	unlock, err := installer.Lock(prefix)
	if err != nil {
		return usageErr("cannot lock %s: %v", prefix, err)
	}
	defer unlock()

	old, err := manifest.Read(prefix, man.ID)
	if err != nil {
		return usageErr("%v", err)
	}
	changes, err := installer.Plan(prefix, old, files, opts.Force)
	if err != nil {
		return &exitError{ExitInput, err}
	}
	if old != nil && installer.UpToDate(changes) && old.Digest == man.Digest {
		fmt.Fprintf(streams.Out, "hook set %q in %s is up to date\n", man.ID, prefix)
		return nil
	}
	if opts.DryRun {
		printChanges(streams, prefix, changes)
		fmt.Fprintln(streams.Out, "dry run: nothing written")
		return nil
	}
	if err := installer.Apply(prefix, changes, man, old); err != nil {
		return fmt.Errorf("installing into %s: %w", prefix, err)
	}
	counts := map[installer.Kind]int{}
	for _, c := range changes {
		counts[c.Kind]++
	}
	fmt.Fprintf(streams.Out, "installed hook set %q into %s: %d created, %d updated, %d removed, %d unchanged\n",
		man.ID, prefix, counts[installer.Create], counts[installer.Update], counts[installer.Remove], counts[installer.Same])
	fmt.Fprintln(streams.Out, "re-activate the env to use them: conda activate", prefix)
	return nil
}

// generateFor builds the hook set for prefix. Outside recipe mode it also
// reads what conda will export on activation of this prefix.
func generateFor(streams *IO, opts *InstallOptions, prefix string) ([]installer.File, *manifest.Manifest, error) {
	var extra []plan.CondaVar
	if opts.Package == "" {
		vars, err := condaenv.PrefixEnvVars(prefix)
		if err != nil {
			return nil, nil, err
		}
		for _, v := range vars {
			extra = append(extra, plan.CondaVar{Name: v.Name, Value: v.Value, Source: v.Source})
		}
		noteScripts(streams, prefix)
	}
	in, err := opts.Inputs.load(streams.Dir, extra)
	if err != nil {
		return nil, nil, err
	}
	rendered, err := in.renderAll()
	if err != nil {
		return nil, nil, usageErr("%v", err)
	}
	printNotes(streams, in.Plan)
	man := &manifest.Manifest{Format: manifest.Format, ID: in.Plan.ID, Digest: in.Plan.Digest, Source: "generated", Inputs: []manifest.Input{}}
	if opts.Package != "" {
		man.Source = "package:" + opts.Package
	}
	for _, i := range in.Plan.Inputs {
		man.Inputs = append(man.Inputs, manifest.Input{Name: i.Name, SHA256: i.Digest})
	}
	var files []installer.File
	for _, f := range rendered {
		files = append(files, installer.File{Path: f.Path, Data: f.Data})
	}
	return files, man, nil
}

// readHooks takes the hooks `goshim generate` wrote into dir (committed in a
// repo): only files named and headed like goshim's, of one hook set.
func readHooks(streams *IO, dir, id string) ([]installer.File, *manifest.Manifest, error) {
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(streams.Dir, dir)
	}
	byID := map[string][]installer.File{}
	for _, sub := range []string{"etc/conda/activate.d", "etc/conda/deactivate.d"} {
		entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(sub)))
		if err != nil {
			return nil, nil, usageErr("--hooks %s: %v (fix: point it at the folder 'goshim generate -o' wrote)", displayName(streams.Dir, dir), err)
		}
		for _, e := range entries {
			hookID, ok := hookSetOf(e.Name())
			if !ok || e.IsDir() {
				continue
			}
			rel := path.Join(sub, e.Name())
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			if err != nil {
				return nil, nil, usageErr("%v", err)
			}
			first, _, _ := strings.Cut(string(data), "\n")
			if !strings.Contains(first, "Generated by goshim. DO NOT EDIT") {
				return nil, nil, usageErr("--hooks: %s has no goshim header; it was not written by 'goshim generate' (fix: regenerate it)", rel)
			}
			byID[hookID] = append(byID[hookID], installer.File{Path: rel, Data: data})
		}
	}
	ids := make([]string, 0, len(byID))
	for k := range byID {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	switch {
	case len(ids) == 0:
		return nil, nil, usageErr("--hooks %s: no goshim hooks found in etc/conda/activate.d or deactivate.d", displayName(streams.Dir, dir))
	case id != "":
		if _, ok := byID[id]; !ok {
			return nil, nil, usageErr("--hooks: no hook set %q; found %s", id, strings.Join(ids, ", "))
		}
	case len(ids) > 1:
		return nil, nil, usageErr("--hooks: several hook sets (%s); pick one with --id", strings.Join(ids, ", "))
	default:
		id = ids[0]
	}
	files := byID[id]
	var all []byte
	for _, f := range files {
		all = append(all, f.Data...)
	}
	return files, &manifest.Manifest{Format: manifest.Format, ID: id, Digest: plan.DigestBytes(all), Source: "hooks", Inputs: []manifest.Input{}}, nil
}

// hookSetOf reads the hook set id from a goshim hook file name.
func hookSetOf(name string) (string, bool) {
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for _, p := range []string{"+goshim-", "~goshim-"} {
		if rest, ok := strings.CutPrefix(base, p); ok && rest != "" {
			return strings.TrimSuffix(rest, "-save"), true
		}
	}
	return "", false
}

func printChanges(streams *IO, prefix string, changes []installer.Change) {
	for _, c := range changes {
		if c.Kind == installer.Same {
			continue
		}
		fmt.Fprintf(streams.Out, "%s %s\n", c.Kind, filepath.Join(prefix, filepath.FromSlash(c.Path)))
		old := "a/" + c.Path
		if c.Kind == installer.Create {
			old = "/dev/null"
		}
		nw := "b/" + c.Path
		if c.Kind == installer.Remove {
			nw = "/dev/null"
		}
		fmt.Fprint(streams.Out, udiff.Diff(old, nw, string(c.Old), string(c.New)))
	}
}

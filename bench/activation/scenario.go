package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goshim/goshim/bench/benchpolicy"
	"github.com/goshim/goshim/shim/expr"
	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/render"
	"github.com/goshim/goshim/shim/shell"
)

// Kinds of script a cycle sources.
const (
	kindEmpty  = "empty"  // empty files where goshim's three hooks would be: the cost of sourcing at all
	kindFloor  = "floor"  // a hand-written activate/deactivate pair exporting and unsetting the same variables, no checks
	kindGoshim = "goshim" // goshim's save, apply and restore hooks
)

// variant is one row of the table for every shell: which scripts a cycle
// sources, and where the system Go is.
type variant struct {
	Key    string
	Case   string // as the table shows it
	Kind   string
	Policy string // key into lab.plans
	// GoDir is the PATH entry (after the usual system folders) holding the
	// system go: "real" (GOROOT/bin), "link" (a folder with a symlink to it)
	// or "" (not on PATH: only a configured root or a well-known place finds it).
	GoDir string
	Floor string // the floor variant it is compared with
	// Procs is how many processes one cycle may start in row.
	Procs func(row shellRow) int
	// Exempt says why the case does not count against the cycle-time target.
	Exempt string
}

func zero(shellRow) int { return 0 }

// mainVariants are the rows of the main table, for every shell.
func mainVariants() []variant {
	return []variant{
		{Key: "empty", Case: "empty scripts (sourcing cost)", Kind: kindEmpty, Policy: "default", GoDir: "real", Floor: "floor-default", Procs: zero},
		{Key: "floor-default", Case: "floor: default policy, no checks", Kind: kindFloor, Policy: "default", GoDir: "real", Floor: "floor-default", Procs: zero},
		{Key: "default-path", Case: "goshim default, go on PATH", Kind: kindGoshim, Policy: "default", GoDir: "real", Floor: "floor-default", Procs: zero},
		{Key: "default-wellknown", Case: "goshim default, go only in GOROOT", Kind: kindGoshim, Policy: "default", GoDir: "", Floor: "floor-default", Procs: zero},
		{Key: "default-link", Case: "goshim default, symlinked go on PATH", Kind: kindGoshim, Policy: "default", GoDir: "link", Floor: "floor-default", Procs: func(r shellRow) int { return r.LinkProcs },
			Exempt: "the one process the design allows here dominates it"},
		{Key: "floor-large", Case: "floor: large policy, no checks", Kind: kindFloor, Policy: "large", GoDir: "real", Floor: "floor-large", Procs: zero},
		{Key: "large-root", Case: "goshim large, explicit root", Kind: kindGoshim, Policy: "large", GoDir: "real", Floor: "floor-large", Procs: zero},
	}
}

// scaleVariants measure how a cycle grows with the number of variables.
func scaleVariants(sizes []int) []variant {
	var out []variant
	for _, n := range sizes {
		pol := fmt.Sprintf("scale-%d", n)
		out = append(out,
			variant{Key: "floor-" + pol, Case: fmt.Sprintf("floor, %d variables", n), Kind: kindFloor, Policy: pol, GoDir: "real", Floor: "floor-" + pol, Procs: zero},
			variant{Key: pol, Case: fmt.Sprintf("goshim, %d variables", n), Kind: kindGoshim, Policy: pol, GoDir: "real", Floor: "floor-" + pol, Procs: zero})
	}
	return out
}

// lab is the temporary world the shells run in: a home, a base PATH, a
// symlinked go, and one fake conda prefix per policy holding goshim's hooks
// and the floor scripts.
type lab struct {
	dir     string
	goroot  string
	home    string
	linkDir string
	plans   map[string]*plan.Plan
	tomls   map[string]string // policy text, for the CLI timings
	// user is the environment before activation: a Go developer's shell
	// with some of the managed variables set and some not.
	user map[string]string
	// conda is what conda exports before activate.d (conda-forge go's env_vars).
	conda map[string]string
}

const hookID = "bench"

func newLab(dir, goroot string, sizes []int) (*lab, error) {
	l := &lab{
		dir:     dir,
		goroot:  goroot,
		home:    filepath.Join(dir, "home"),
		linkDir: filepath.Join(dir, "linkbin"),
		plans:   map[string]*plan.Plan{},
		tomls:   map[string]string{},
		conda:   map[string]string{},
	}
	l.user = map[string]string{
		"GOPATH":          filepath.Join(l.home, "go"),
		"GOFLAGS":         "-mod=readonly",
		"GOPROXY":         "direct",
		"CGO_CFLAGS":      "-O2 -g",
		"PKG_CONFIG_PATH": "/usr/lib/pkgconfig",
		"LANG":            "C.UTF-8",
	}
	for _, cv := range benchpolicy.CondaVars() {
		l.conda[cv.Name] = cv.Value
		if _, clash := l.user[cv.Name]; clash {
			return nil, fmt.Errorf("%s is both a user variable and a conda env_var: conda's backup is not emulated", cv.Name)
		}
	}
	for _, d := range []string{l.home, l.linkDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.Symlink(filepath.Join(goroot, "bin", "go"), filepath.Join(l.linkDir, "go")); err != nil {
		return nil, err
	}
	l.tomls["default"] = string(policy.DefaultTOML)
	l.tomls["large"] = benchpolicy.Large(goroot)
	for _, n := range sizes {
		l.tomls[fmt.Sprintf("scale-%d", n)] = benchpolicy.Scale(n, goroot)
	}
	for name, text := range l.tomls {
		pol, err := policy.Parse(name+".toml", []byte(text))
		if err != nil {
			return nil, err
		}
		p, err := plan.Build(pol, plan.Options{ID: hookID, CondaVars: benchpolicy.CondaVars()})
		if err != nil {
			return nil, err
		}
		l.plans[name] = p
	}
	return l, nil
}

func (l *lab) prefix(policy string) string { return filepath.Join(l.dir, "envs", policy) }

// basePath is PATH before activation, with the system go where v puts it.
func (l *lab) basePath(v variant) string {
	dirs := []string{filepath.Join(l.home, ".local/bin"), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}
	switch v.GoDir {
	case "real":
		dirs = append(dirs, filepath.Join(l.goroot, "bin"))
	case "link":
		dirs = append(dirs, l.linkDir)
	}
	return strings.Join(dirs, ":")
}

// env is the whole environment of a shell process: nothing from the
// caller's, so every shell and every run sees the same.
func (l *lab) env(v variant, n int) []string {
	env := []string{"HOME=" + l.home, "PATH=" + l.basePath(v), fmt.Sprintf("_BENCH_N=%d", n)}
	for _, k := range sorted(l.user) {
		env = append(env, k+"="+l.user[k])
	}
	return env
}

// hookFiles writes goshim's hooks for policy into its prefix, once per goshim
// shell, and returns the save, apply and restore paths.
func (l *lab) hookFiles(policyKey string, sh shell.Shell) (save, apply, restore string, err error) {
	prefix := l.prefix(policyKey)
	files, err := render.Files(l.plans[policyKey], sh)
	if err != nil {
		return "", "", "", err
	}
	if err := l.fakeConda(prefix); err != nil {
		return "", "", "", err
	}
	for _, f := range files {
		dst := filepath.Join(prefix, filepath.FromSlash(f.Path))
		if err := writeFile(dst, string(f.Data)); err != nil {
			return "", "", "", err
		}
		base := filepath.Base(f.Path)
		switch {
		case strings.HasPrefix(f.Path, "etc/conda/activate.d/+"):
			save = dst
		case strings.HasPrefix(f.Path, "etc/conda/activate.d/~"):
			apply = dst
		case strings.HasPrefix(f.Path, "etc/conda/deactivate.d/+"):
			restore = dst
		default:
			return "", "", "", fmt.Errorf("unexpected hook file %s", base)
		}
	}
	if save == "" || apply == "" || restore == "" {
		return "", "", "", fmt.Errorf("%s: render gave %d files, not save, apply and restore", sh.Name(), len(files))
	}
	return save, apply, restore, nil
}

// fakeConda makes prefix look like an env with conda-forge's go in it:
// conda-meta/, and bin/go linking into go/bin (which the hooks must skip).
func (l *lab) fakeConda(prefix string) error {
	if _, err := os.Stat(filepath.Join(prefix, "conda-meta")); err == nil {
		return nil
	}
	if err := writeFile(filepath.Join(prefix, "conda-meta", "history"), ""); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(prefix, "go", "bin", "go"), "#!/bin/sh\necho 'conda go'\n"); err != nil {
		return err
	}
	if err := os.Chmod(filepath.Join(prefix, "go", "bin", "go"), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(prefix, "bin"), 0o755); err != nil {
		return err
	}
	return os.Symlink("../go/bin/go", filepath.Join(prefix, "bin", "go"))
}

// floor writes the no-checks baseline for policyKey in d: export every
// managed variable (a keep as a fixed value), put the same entries on PATH,
// and on deactivation unset them all and take the entries off again. Values
// are hard-coded, as a hand-written script would have them (${HOME} and
// ${CONDA_PREFIX} already expanded), and quoted by goshim's quoting for sh.
func (l *lab) floor(policyKey string, sh shell.Shell, d *dialect) (act, deact string, err error) {
	p := l.plans[policyKey]
	vars := map[string]string{"HOME": l.home, "CONDA_PREFIX": l.prefix(policyKey)}
	word := func(v expr.Value) (string, error) {
		var b strings.Builder
		for _, seg := range v.Segs {
			switch seg.Kind {
			case expr.Literal:
				b.WriteString(seg.Text)
			case expr.Var:
				b.WriteString(vars[seg.Text])
			case expr.Home:
				b.WriteString(l.home)
			}
		}
		return sh.Quote(b.String())
	}
	var a, z []string
	a = append(a, d.Prologue...)
	z = append(z, d.Prologue...)
	for _, v := range p.Vars {
		z = append(z, d.Unsetenv(v.Name))
		switch {
		case v.Toolchain, v.Action == policy.Unset:
			a = append(a, d.Unsetenv(v.Name))
		case v.Action == policy.Set, v.Action == policy.Default:
			w, err := word(v.Value)
			if err != nil {
				return "", "", err
			}
			a = append(a, d.Setenv(v.Name, w))
		case v.Action == policy.Keep:
			w, err := sh.Quote("kept")
			if err != nil {
				return "", "", err
			}
			a = append(a, d.Setenv(v.Name, w))
		case v.Action == policy.Edit:
			sep := v.Sep
			if sep == "" {
				sep = ":"
			}
			qs, err := sh.Quote(sep)
			if err != nil {
				return "", "", err
			}
			var words []string
			for i, e := range append(append([]expr.Value{}, v.Prepend...), v.Append...) {
				w, err := word(e)
				if err != nil {
					return "", "", err
				}
				if i > 0 {
					words = append(words, qs)
				}
				words = append(words, w)
			}
			a = append(a, d.Setenv(v.Name, d.Join(words...)))
		}
	}
	var front, back []string
	if p.HasToolchain() {
		front = append(front, d.Quote(filepath.Join(l.goroot, "bin")))
	}
	if p.Path != nil {
		for _, e := range p.Path.Prepend {
			w, err := word(e)
			if err != nil {
				return "", "", err
			}
			front = append(front, w)
		}
		for _, e := range p.Path.Append {
			w, err := word(e)
			if err != nil {
				return "", "", err
			}
			back = append(back, w)
		}
	}
	if len(front) > 0 {
		a = append(a, d.PathFront(front)...)
		z = append(z, d.PathDropFront(len(front))...)
	}
	if len(back) > 0 {
		a = append(a, d.PathBack(back)...)
		z = append(z, d.PathDropBack(len(back))...)
	}
	dir := filepath.Join(l.prefix(policyKey), "bench")
	act = filepath.Join(dir, "floor-activate"+d.Ext)
	deact = filepath.Join(dir, "floor-deactivate"+d.Ext)
	if err := writeFile(act, lines(a)); err != nil {
		return "", "", err
	}
	return act, deact, writeFile(deact, lines(z))
}

// cycle is what one activate+deactivate sources, and what it must leave.
type cycle struct {
	prefix     string
	activate   []string // files, in conda's order
	deactivate []string
	dump       []string // variables the correctness check compares
}

// scripts returns the timed driver (N cycles in one process) and the
// correctness check (one cycle with the state dumped around it).
func (l *lab) scripts(d *dialect, c cycle) (driver, check string) {
	var act, deact []string
	act = append(act, d.CondaActivate(c.prefix, l.conda)...)
	for _, f := range c.activate {
		act = append(act, d.Source(f))
	}
	deact = append(deact, d.CondaDropPrefix(c.prefix)...)
	for _, f := range c.deactivate {
		deact = append(deact, d.Source(f))
	}
	deact = append(deact, d.CondaDeactivated(l.conda)...)

	drv := append(append([]string{}, d.Prologue...), d.Loop(append(append([]string{}, act...), deact...))...)
	chk := append([]string{}, d.Prologue...)
	chk = append(chk, d.Dump("before", c.dump)...)
	chk = append(chk, act...)
	chk = append(chk, d.Dump("active", c.dump)...)
	chk = append(chk, deact...)
	chk = append(chk, d.Dump("after", c.dump)...)
	return lines(drv), lines(chk)
}

// job is one shell running one variant: its scripts, written to disk.
type job struct {
	row    shellRow
	v      variant
	driver string // path
	check  string // path
	dump   []string
	bytes  int // of the scripts one cycle sources
}

// prepare writes everything row needs to run v.
func (l *lab) prepare(row shellRow, sh shell.Shell, v variant) (*job, error) {
	p := l.plans[v.Policy]
	dump := []string{"PATH"}
	for _, pv := range p.Vars {
		dump = append(dump, pv.Name)
	}
	c := cycle{prefix: l.prefix(v.Policy), dump: dump}
	bytes := 0
	switch v.Kind {
	case kindEmpty:
		empty := filepath.Join(l.dir, "empty"+row.D.Ext)
		if err := writeFile(empty, ""); err != nil {
			return nil, err
		}
		if err := l.fakeConda(c.prefix); err != nil {
			return nil, err
		}
		c.activate, c.deactivate = []string{empty, empty}, []string{empty}
	case kindFloor:
		if err := l.fakeConda(c.prefix); err != nil {
			return nil, err
		}
		a, z, err := l.floor(v.Policy, sh, row.D)
		if err != nil {
			return nil, err
		}
		c.activate, c.deactivate = []string{a}, []string{z}
	case kindGoshim:
		save, apply, restore, err := l.hookFiles(v.Policy, sh)
		if err != nil {
			return nil, err
		}
		c.activate, c.deactivate = []string{save, apply}, []string{restore}
	}
	for _, f := range append(append([]string{}, c.activate...), c.deactivate...) {
		if fi, err := os.Stat(f); err == nil {
			bytes += int(fi.Size())
		}
	}
	drv, chk := l.scripts(row.D, c)
	j := &job{row: row, v: v, dump: dump, bytes: bytes,
		driver: filepath.Join(l.dir, "drivers", row.Name+"-"+v.Key+row.D.Ext),
		check:  filepath.Join(l.dir, "drivers", row.Name+"-"+v.Key+"-check"+row.D.Ext)}
	if err := writeFile(j.driver, drv); err != nil {
		return nil, err
	}
	return j, writeFile(j.check, chk)
}

func writeFile(path, data string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(data), 0o644)
}

func lines(l []string) string { return strings.Join(l, "\n") + "\n" }

func sorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

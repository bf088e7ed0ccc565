package render

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/shell"
)

// The fish hooks in a real fish, the way conda runs them: conda's fish
// function sources activate.d in order after exporting its own variables,
// and on a plain deactivate exports the new PATH before deactivate.d. The
// same steps also run the sh hooks in bash, and every dump must match: the
// fish template is a translation of sh.sh.tmpl, not a reinterpretation.

// rtNeedShell returns the path of a shell the test cannot run without, or
// skips; GOSHIM_E2E_REQUIRE (e.g. "fish,bash") turns the skip into a failure.
func rtNeedShell(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if strings.Contains(os.Getenv("GOSHIM_E2E_REQUIRE"), name) {
			t.Fatalf("%s is required (GOSHIM_E2E_REQUIRE=%q) but not found: %v", name, os.Getenv("GOSHIM_E2E_REQUIRE"), err)
		}
		t.Skipf("%s not installed (%v): this test runs the hooks in a real %s; install it, or set GOSHIM_E2E_REQUIRE=%s to make this a failure", name, err, name, name)
	}
	return p
}

const rtPolicy = `
[go]
toolchain = "system"
[env]
CGO_CFLAGS = { append = ["-I${CONDA_PREFIX}/include"], sep = " " }
CGO_ENABLED = { keep = true }
CONDA_GO_COMPILER = { keep = true }
GOARCH = { keep = true }
GOBIN = { unset = true }
GOCACHE = { default = "~/.cache/go-build" }
GOFLAGS = "-mod=mod"
GOOS = { keep = true }
GOPATH = { keep = true }
GOTOOLCHAIN = { keep = true }
PATH = { prepend = ["${HOME}/go/bin", "/opt/x y", "/opt/p1:/opt/p2"], append = ["/opt/last"] }
PKG_CONFIG_PATH = { prepend = ["${CONDA_PREFIX}/lib/pkgconfig"] }
`

// rtManaged are the variables the policy manages, GOROOT included (the
// system toolchain saves and restores it).
var rtManaged = []string{"CGO_CFLAGS", "CGO_ENABLED", "CONDA_GO_COMPILER", "GOARCH", "GOBIN", "GOCACHE", "GOFLAGS", "GOOS", "GOPATH", "GOROOT", "GOTOOLCHAIN", "PKG_CONFIG_PATH"}

// rtHostile is a value per managed variable that no shell may mangle.
// CANARY becomes a path that must never be created.
var rtHostile = map[string]string{
	"CGO_CFLAGS":        "  -O2\t-g  '-DX=\"$(touch CANARY)\"'  ",
	"CGO_ENABLED":       "0",
	"CONDA_GO_COMPILER": "\xff\xfe not UTF-8 \x80",
	"GOARCH":            "é",
	"GOBIN":             "x\ny\n",
	"GOCACHE":           "~/c*che {a,b} ?",
	"GOFLAGS":           `-a 'b' "c" \`,
	"GOOS":              "`touch CANARY`",
	"GOPATH":            "/a b:/c'd::$(touch CANARY):",
	"GOROOT":            `/weird root\`,
	"GOTOOLCHAIN":       "go1.22.0+auto; touch CANARY",
	"PKG_CONFIG_PATH":   ":x::(touch CANARY):",
}

// rtDialect writes the test's steps for one shell.
type rtDialect struct {
	name, ext string
	sh        shell.Shell
}

func (d rtDialect) q(t *testing.T, s string) string {
	t.Helper()
	w, err := d.sh.Quote(s)
	if err != nil {
		t.Fatalf("%s cannot quote %q: %v", d.name, s, err)
	}
	return w
}

func (d rtDialect) export(t *testing.T, name, value string) string {
	if d.name == "fish" {
		return "set -gx " + name + " " + d.q(t, value) + "\n"
	}
	return "export " + name + "=" + d.q(t, value) + "\n"
}

func (d rtDialect) source(t *testing.T, path string) string {
	if d.name != "fish" {
		return ". " + d.q(t, path) + "\n"
	}
	if !strings.Contains(filepath.Base(path), "goshim-") {
		return "source " + d.q(t, path) + "\n"
	}
	// A hook must end with status 0 whatever the status before it (fish's
	// set keeps the previous status), and its temporaries must be gone even
	// inside conda's function.
	return "false\nsource " + d.q(t, path) + "; or echo " + d.q(t, path) + " status $status >>$__t_errs\n" +
		"set -n | string match -- '*_goshim_*' >>$__t_errs\n"
}

func (d rtDialect) function(name, body string) string {
	if d.name == "fish" {
		return "function " + name + "\n" + body + "end\n" + name + "\n"
	}
	return name + "() {\n" + body + "}\n" + name + "\n"
}

func (d rtDialect) dump(t *testing.T, file string) string {
	return "/usr/bin/env -0 >" + d.q(t, file) + "\n"
}

func (d rtDialect) prependPath(t *testing.T, dir string) string {
	if d.name == "fish" {
		return "set -gx PATH " + d.q(t, dir) + " $PATH\n"
	}
	return "PATH=" + d.q(t, dir) + ":$PATH\n"
}

// removePath takes out the first occurrence of dir, as conda's deactivate does.
func (d rtDialect) removePath(t *testing.T, dir string) string {
	if d.name == "fish" {
		return "if set -l __t_i (contains -i -- " + d.q(t, dir) + " $PATH)\n    set -e PATH[$__t_i]\nend\n"
	}
	return "__t_o=; __t_done=; __t_ifs=$IFS; IFS=:\nfor __t_d in $PATH; do\n" +
		"if [ -z \"$__t_done\" ] && [ \"$__t_d\" = " + d.q(t, dir) + " ]; then __t_done=1; continue; fi\n" +
		"__t_o=${__t_o:+$__t_o:}$__t_d\ndone\nIFS=$__t_ifs; PATH=$__t_o; unset __t_o __t_done __t_ifs __t_d\n"
}

// condaActivate: conda exports its variables (PATH with the env's bin first,
// env_vars with a backup of a clobbered value), then runs activate.d sorted.
func (d rtDialect) condaActivate(t *testing.T, prefix string, scripts []string) string {
	var b strings.Builder
	b.WriteString(d.export(t, "CONDA_PREFIX", prefix))
	b.WriteString(d.export(t, "CONDA_SHLVL", "1"))
	b.WriteString(d.prependPath(t, prefix+"/bin"))
	if d.name == "fish" {
		b.WriteString("if set -q GOTOOLCHAIN\n    set -gx __CONDA_SHLVL_0_GOTOOLCHAIN \"$GOTOOLCHAIN\"\nend\n")
	} else {
		b.WriteString("if [ -n \"${GOTOOLCHAIN+x}\" ]; then export __CONDA_SHLVL_0_GOTOOLCHAIN=\"$GOTOOLCHAIN\"; fi\n")
	}
	b.WriteString(d.export(t, "GOTOOLCHAIN", "local"))
	for _, s := range scripts {
		b.WriteString(d.source(t, s))
	}
	return d.function("__t_activate", b.String())
}

// condaDeactivate: a plain deactivate exports the new PATH first, runs
// deactivate.d reverse-sorted, then restores its env_vars (exactly, in this
// fake: real conda loses an empty original) and its own variables.
func (d rtDialect) condaDeactivate(t *testing.T, prefix string, scripts []string) string {
	var b strings.Builder
	b.WriteString(d.removePath(t, prefix+"/bin"))
	for _, s := range scripts {
		b.WriteString(d.source(t, s))
	}
	if d.name == "fish" {
		b.WriteString("if set -q __CONDA_SHLVL_0_GOTOOLCHAIN\n    set -gx GOTOOLCHAIN \"$__CONDA_SHLVL_0_GOTOOLCHAIN\"\n    set -e __CONDA_SHLVL_0_GOTOOLCHAIN\nelse\n    set -e GOTOOLCHAIN\nend\nset -e CONDA_PREFIX\n")
	} else {
		b.WriteString("if [ -n \"${__CONDA_SHLVL_0_GOTOOLCHAIN+x}\" ]; then export GOTOOLCHAIN=\"$__CONDA_SHLVL_0_GOTOOLCHAIN\"; unset __CONDA_SHLVL_0_GOTOOLCHAIN; else unset GOTOOLCHAIN; fi\nunset CONDA_PREFIX\n")
	}
	b.WriteString(d.export(t, "CONDA_SHLVL", "0"))
	return d.function("__t_deactivate", b.String())
}

// condaReactivate: `conda activate` of the active env (also what conda runs
// after install/remove). deactivate.d runs while PATH still holds the env's
// bin, then conda exports the PATH it computed before any script ran, which
// still holds goshim's entries (conda#14762), and runs activate.d again.
func (d rtDialect) condaReactivate(t *testing.T, deact, act []string) string {
	var b strings.Builder
	if d.name == "fish" {
		b.WriteString("set -g __t_path $PATH\n")
	} else {
		b.WriteString("__t_path=$PATH\n")
	}
	for _, s := range deact {
		b.WriteString(d.source(t, s))
	}
	if d.name == "fish" {
		b.WriteString("if set -q __CONDA_SHLVL_0_GOTOOLCHAIN\n    set -gx GOTOOLCHAIN \"$__CONDA_SHLVL_0_GOTOOLCHAIN\"\nelse\n    set -e GOTOOLCHAIN\nend\n")
		b.WriteString("set -gx PATH $__t_path\nset -e __t_path\n")
	} else {
		b.WriteString("if [ -n \"${__CONDA_SHLVL_0_GOTOOLCHAIN+x}\" ]; then export GOTOOLCHAIN=\"$__CONDA_SHLVL_0_GOTOOLCHAIN\"; else unset GOTOOLCHAIN; fi\n")
		b.WriteString("PATH=$__t_path\nunset __t_path\n")
	}
	b.WriteString(d.export(t, "GOTOOLCHAIN", "local"))
	for _, s := range act {
		b.WriteString(d.source(t, s))
	}
	return d.function("__t_reactivate", b.String())
}

// rtGoCgo writes a package's activate/deactivate pair that leaks like
// conda-forge's go-cgo: it exports Go variables and unsets only one.
func rtGoCgo(d rtDialect) (act, deact string) {
	vals := [][2]string{
		{"CGO_ENABLED", "1"}, {"GOOS", "linux"}, {"GOARCH", "amd64"}, {"CONDA_GO_COMPILER", "1"},
		{"GOFLAGS", "-modcacherw -buildmode=pie -trimpath"}, {"GOPATH", "$CONDA_PREFIX/share/go"},
		{"GOBIN", "$CONDA_PREFIX/bin"}, {"GOROOT", "$CONDA_PREFIX/go"}, {"GOCACHE", "$CONDA_PREFIX/cache"},
	}
	var a strings.Builder
	for _, kv := range vals {
		if d.name == "fish" {
			fmt.Fprintf(&a, "set -gx %s \"%s\"\n", kv[0], kv[1])
		} else {
			fmt.Fprintf(&a, "export %s=\"%s\"\n", kv[0], kv[1])
		}
	}
	if d.name == "fish" {
		return a.String(), "set -e CONDA_GO_COMPILER\n"
	}
	return a.String(), "unset CONDA_GO_COMPILER\n"
}

type rtEnv map[string]string

func rtParseEnv(t *testing.T, file string) rtEnv {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	env := rtEnv{}
	for _, kv := range bytes.Split(data, []byte{0}) {
		if k, v, ok := bytes.Cut(kv, []byte("=")); ok {
			env[string(k)] = string(v)
		}
	}
	return env
}

// rtDiffEnv lists the differences between two environments, ignoring names
// the shell itself owns.
func rtDiffEnv(a, b rtEnv, keep func(string) bool) []string {
	var out []string
	names := map[string]bool{}
	for k := range a {
		names[k] = true
	}
	for k := range b {
		names[k] = true
	}
	var sorted []string
	for k := range names {
		if keep(k) {
			sorted = append(sorted, k)
		}
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		va, oka := a[k]
		vb, okb := b[k]
		if oka != okb || va != vb {
			out = append(out, fmt.Sprintf("%s: %s vs %s", k, rtShow(va, oka), rtShow(vb, okb)))
		}
	}
	return out
}

func rtShow(v string, ok bool) string {
	if !ok {
		return "(unset)"
	}
	return fmt.Sprintf("%q", v)
}

// rtShellOwned are variables a shell sets or changes by itself.
func rtShellOwned(name string) bool {
	switch name {
	case "_", "SHLVL", "PWD", "OLDPWD", "USER":
		return true
	}
	return false
}

type rtCase struct {
	name    string
	initial map[string]*string // nil value: unset
	// userEdits runs while active (after the user's PATH entry is added).
	userEdits map[string]string
	// fakeRoot: the go on PATH is a symlink into a Go root under the test's
	// temp dir, instead of /usr/local/go.
	fakeRoot bool
}

func rtStrp(s string) *string { return &s }

func rtCases() []rtCase {
	unset, empty, hostile := map[string]*string{}, map[string]*string{}, map[string]*string{}
	for _, n := range rtManaged {
		unset[n] = nil
		empty[n] = rtStrp("")
		hostile[n] = rtStrp(rtHostile[n])
	}
	return []rtCase{
		{name: "unset", initial: unset},
		{name: "empty", initial: empty},
		{name: "hostile", initial: hostile},
		{name: "hostile-fake-root", initial: hostile, fakeRoot: true},
		{name: "user-edits", initial: hostile, userEdits: map[string]string{
			"CGO_CFLAGS":      "-DUSER",
			"PKG_CONFIG_PATH": "/user/pc",
		}},
		{name: "user-edits-unset", initial: unset, userEdits: map[string]string{
			"CGO_CFLAGS":      "-DUSER",
			"PKG_CONFIG_PATH": "/user/pc",
		}},
	}
}

// rtRun runs the scenario in one shell and returns the dumps by name.
func rtRun(t *testing.T, bin string, d rtDialect, p *plan.Plan, c rtCase, tmp string) map[string]rtEnv {
	t.Helper()
	dir := filepath.Join(tmp, d.name)
	prefix := filepath.Join(dir, "env")
	home := filepath.Join(dir, "home")
	work := filepath.Join(dir, "work")
	symbin := filepath.Join(dir, "symbin")
	for _, m := range []string{filepath.Join(prefix, "conda-meta"), filepath.Join(prefix, "bin"), home, work, symbin} {
		if err := os.MkdirAll(m, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, data string, mode os.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(prefix, "bin", "go"), "#!/bin/sh\necho conda go\n", 0o755)
	sysGo := "/usr/local/go/bin/go"
	if c.fakeRoot {
		root := filepath.Join(dir, "sdk", "fakego")
		write(filepath.Join(root, "bin", "go"), "#!/bin/sh\necho system go\n", 0o755)
		if err := os.MkdirAll(filepath.Join(root, "src", "runtime"), 0o755); err != nil {
			t.Fatal(err)
		}
		sysGo = filepath.Join(root, "bin", "go")
	}
	if err := os.Symlink(sysGo, filepath.Join(symbin, "go")); err != nil {
		t.Fatal(err)
	}

	files, err := Files(p, d.sh)
	if err != nil {
		t.Fatal(err)
	}
	var act, deact []string
	for _, f := range files {
		path := filepath.Join(prefix, filepath.FromSlash(f.Path))
		write(path, string(f.Data), 0o644)
		if strings.Contains(f.Path, "/activate.d/") {
			act = append(act, path)
		} else {
			deact = append(deact, path)
		}
	}
	a, da := rtGoCgo(d)
	act = append(act, filepath.Join(prefix, "etc/conda/activate.d/activate-z61-go-cgo"+d.ext))
	write(act[len(act)-1], a, 0o644)
	deact = append(deact, filepath.Join(prefix, "etc/conda/deactivate.d/deactivate-z61-go-cgo"+d.ext))
	write(deact[len(deact)-1], da, 0o644)
	// activate.d sorted by code point, deactivate.d reverse-sorted
	sort.Slice(act, func(i, j int) bool { return filepath.Base(act[i]) < filepath.Base(act[j]) })
	sort.Slice(deact, func(i, j int) bool { return filepath.Base(deact[i]) > filepath.Base(deact[j]) })
	if !strings.HasPrefix(filepath.Base(act[0]), "+goshim-") || !strings.HasPrefix(filepath.Base(act[2]), "~goshim-") || !strings.HasPrefix(filepath.Base(deact[1]), "+goshim-") {
		t.Fatalf("hook order is wrong: %v %v", act, deact)
	}
	var apply string
	for _, f := range act {
		if strings.HasPrefix(filepath.Base(f), "~goshim-") {
			apply = f
		}
	}

	dump := func(name string) string {
		out := d.dump(t, filepath.Join(dir, name+".env"))
		if d.name == "fish" {
			// which managed names fish has at all, exported or not: an
			// unset variable must not come back set (empty), nor the reverse
			out += "for __t_n in " + strings.Join(rtManaged, " ") + "\n    if set -q $__t_n\n        echo $__t_n\n    end\nend >" + d.q(t, filepath.Join(dir, name+".set")) + "\n"
		}
		return out
	}
	var s strings.Builder
	if d.name == "fish" {
		s.WriteString("set -g __t_errs " + d.q(t, filepath.Join(dir, "errs")) + "\n")
	}
	s.WriteString(dump("before"))
	s.WriteString(d.condaActivate(t, prefix, act))
	s.WriteString(dump("active"))
	s.WriteString("command -v go >" + d.q(t, filepath.Join(dir, "go-path")) + "\n")
	// a user (or a stacked deactivate) runs activate.d again, here at the
	// top level, not in a function: nothing changes
	s.WriteString(d.source(t, apply))
	s.WriteString(dump("again"))
	s.WriteString(d.condaReactivate(t, deact, act))
	s.WriteString(dump("reactivated"))
	s.WriteString(d.prependPath(t, "/user/added"))
	for _, n := range rtSortedKeys(c.userEdits) {
		sep := " "
		if n == "PKG_CONFIG_PATH" {
			sep = ":"
		}
		if d.name == "fish" {
			fmt.Fprintf(&s, "set -gx %s \"$%s\"%s%s\n", n, n, d.q(t, sep), d.q(t, c.userEdits[n]))
		} else {
			fmt.Fprintf(&s, "export %s=\"${%s-}\"%s%s\n", n, n, d.q(t, sep), d.q(t, c.userEdits[n]))
		}
	}
	s.WriteString(dump("edited"))
	s.WriteString(d.condaDeactivate(t, prefix, deact))
	s.WriteString(dump("after"))

	script := filepath.Join(dir, "run"+d.ext)
	write(script, s.String(), 0o644)
	var cmd *exec.Cmd
	if d.name == "fish" {
		cmd = exec.Command(bin, "--no-config", script)
	} else {
		cmd = exec.Command(bin, script)
	}
	cmd.Dir = work
	env := []string{
		"HOME=" + home,
		"PATH=" + symbin + ":/usr/bin:/bin:/opt/with space",
		"LANG=C.UTF-8",
		"CONDA_SHLVL=0",
	}
	for _, n := range rtManaged {
		if v := c.initial[n]; v != nil {
			env = append(env, n+"="+strings.ReplaceAll(*v, "CANARY", filepath.Join(dir, "canary")))
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s failed: %v\n%s", d.name, err, out)
	}
	if len(out) > 0 {
		t.Errorf("%s wrote output: %s", d.name, out)
	}
	if errs, _ := os.ReadFile(filepath.Join(dir, "errs")); len(errs) > 0 {
		t.Errorf("%s: a hook left a non-zero status or a _goshim_ temporary:\n%s", d.name, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "canary")); err == nil {
		t.Errorf("%s: a hostile value ran a command", d.name)
	}
	goPath, _ := os.ReadFile(filepath.Join(dir, "go-path"))
	if got := strings.TrimSuffix(string(goPath), "\n"); got != sysGo {
		t.Errorf("%s: command -v go while active = %q, want %q", d.name, got, sysGo)
	}
	dumps := map[string]rtEnv{}
	for _, n := range []string{"before", "active", "again", "reactivated", "edited", "after"} {
		dumps[n] = rtParseEnv(t, filepath.Join(dir, n+".env"))
	}
	if d.name == "fish" {
		b, _ := os.ReadFile(filepath.Join(dir, "before.set"))
		a, _ := os.ReadFile(filepath.Join(dir, "after.set"))
		for n := range c.userEdits { // the user's own edits keep those set
			if !strings.Contains("\n"+string(b), "\n"+n+"\n") {
				a = []byte(strings.Replace(string(a), n+"\n", "", 1))
			}
		}
		if string(a) != string(b) {
			t.Errorf("fish: managed variables set before activation:\n%s\nand after deactivation:\n%s", b, a)
		}
		for n := range c.initial {
			if (c.initial[n] != nil) != strings.Contains("\n"+string(b), "\n"+n+"\n") {
				t.Errorf("fish: %s set before activation: %v, want %v", n, !(c.initial[n] != nil), c.initial[n] != nil)
			}
		}
	}
	dumps["_paths"] = rtEnv{"prefix": prefix, "home": home, "sysroot": filepath.Dir(filepath.Dir(sysGo))}
	return dumps
}

func rtSortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func rtPlan(t *testing.T) *plan.Plan {
	t.Helper()
	pol, err := policy.Parse("goshim.toml", []byte(rtPolicy))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(pol, plan.Options{ID: "rt", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFishHooksRoundTrip(t *testing.T) {
	fishBin := rtNeedShell(t, "fish")
	fishSh, err := shell.Lookup("fish")
	if err != nil {
		t.Fatal(err)
	}
	fishD := rtDialect{name: "fish", ext: ".fish", sh: fishSh}
	p := rtPlan(t)
	for _, c := range rtCases() {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			dumps := rtRun(t, fishBin, fishD, p, c, tmp)
			checkFishDumps(t, c, dumps)
		})
	}
}

func checkFishDumps(t *testing.T, c rtCase, dumps map[string]rtEnv) {
	t.Helper()
	before, active, again, after := dumps["before"], dumps["active"], dumps["again"], dumps["after"]
	prefix, home, sysroot := dumps["_paths"]["prefix"], dumps["_paths"]["home"], dumps["_paths"]["sysroot"]
	orig := func(n string) (string, bool) {
		v, ok := before[n]
		return v, ok
	}

	// While active: the policy's values, over conda's and go-cgo's.
	want := map[string]*string{}
	for _, n := range []string{"CGO_ENABLED", "CONDA_GO_COMPILER", "GOARCH", "GOOS", "GOPATH", "GOTOOLCHAIN"} {
		if v, ok := orig(n); ok {
			want[n] = rtStrp(v)
		} else {
			want[n] = nil
		}
	}
	want["GOFLAGS"] = rtStrp("-mod=mod")
	want["GOBIN"] = nil
	want["GOROOT"] = nil
	if v, ok := orig("GOCACHE"); ok {
		want["GOCACHE"] = rtStrp(v)
	} else {
		want["GOCACHE"] = rtStrp(home + "/.cache/go-build")
	}
	inc := "-I" + prefix + "/include"
	if v := before["CGO_CFLAGS"]; v != "" {
		want["CGO_CFLAGS"] = rtStrp(v + " " + inc)
	} else {
		want["CGO_CFLAGS"] = rtStrp(inc)
	}
	pc := prefix + "/lib/pkgconfig"
	if v := before["PKG_CONFIG_PATH"]; v != "" {
		want["PKG_CONFIG_PATH"] = rtStrp(pc + ":" + v)
	} else {
		want["PKG_CONFIG_PATH"] = rtStrp(pc)
	}
	for _, n := range rtManaged {
		got, ok := active[n]
		w := want[n]
		if w == nil && ok || w != nil && (!ok || got != *w) {
			t.Errorf("active: %s = %s, want %s", n, rtShow(got, ok), rtShow(rtDeref(w), w != nil))
		}
	}
	wantPath := strings.Join([]string{sysroot + "/bin", home + "/go/bin", "/opt/x y", "/opt/p1:/opt/p2", prefix + "/bin", before["PATH"], "/opt/last"}, ":")
	if active["PATH"] != wantPath {
		t.Errorf("active: PATH = %q, want %q", active["PATH"], wantPath)
	}
	if d := rtDiffEnv(active, again, func(n string) bool { return !rtShellOwned(n) }); len(d) > 0 {
		t.Errorf("running the apply hook again changed the environment:\n%s", strings.Join(d, "\n"))
	}
	if d := rtDiffEnv(active, dumps["reactivated"], func(n string) bool { return !rtShellOwned(n) }); len(d) > 0 {
		t.Errorf("reactivating (conda#14762: PATH computed before deactivate.d) changed the environment:\n%s", strings.Join(d, "\n"))
	}

	// After deactivation: exactly as before, but for the user's PATH entry
	// and, in the user-edits cases, the user's own list entries.
	wantAfter := rtEnv{}
	for k, v := range before {
		wantAfter[k] = v
	}
	wantAfter["PATH"] = "/user/added:" + before["PATH"]
	for _, n := range rtSortedKeys(c.userEdits) {
		sep := " "
		if n == "PKG_CONFIG_PATH" {
			sep = ":"
		}
		if v := before[n]; v != "" {
			wantAfter[n] = v + sep + c.userEdits[n]
		} else {
			// the user's value keeps the separator that joined it to goshim's entry
			wantAfter[n] = c.userEdits[n]
		}
	}
	if d := rtDiffEnv(wantAfter, after, func(n string) bool { return !rtShellOwned(n) }); len(d) > 0 {
		t.Errorf("after deactivation the environment differs from before (want vs got):\n%s", strings.Join(d, "\n"))
	}
}

func rtDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// TestFishHooksMatchSh runs the same steps with the sh hooks in bash: the
// environment must be the same at every step.
func TestFishHooksMatchSh(t *testing.T) {
	fishBin := rtNeedShell(t, "fish")
	bashBin := rtNeedShell(t, "bash")
	fishSh, _ := shell.Lookup("fish")
	sh, _ := shell.Lookup("sh")
	p := rtPlan(t)
	for _, c := range rtCases() {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			// same paths in both runs, so values compare byte for byte
			f := rtRun(t, fishBin, rtDialect{name: "fish", ext: ".fish", sh: fishSh}, p, c, tmp)
			b := rtRun(t, bashBin, rtDialect{name: "sh", ext: ".sh", sh: sh}, p, c, tmp)
			fp, bp := f["_paths"]["prefix"], b["_paths"]["prefix"]
			for _, step := range []string{"before", "active", "again", "reactivated", "edited", "after"} {
				norm := func(e rtEnv, from string) rtEnv {
					out := rtEnv{}
					for k, v := range e {
						out[k] = strings.ReplaceAll(v, filepath.Dir(from), "<dir>")
					}
					return out
				}
				d := rtDiffEnv(norm(f[step], fp), norm(b[step], bp), func(n string) bool { return !rtShellOwned(n) })
				if len(d) > 0 {
					t.Errorf("%s: fish and sh hooks differ (fish vs sh):\n%s", step, strings.Join(d, "\n"))
				}
			}
		})
	}
}

// TestFishHooksUniversalVariables: fish users often export Go variables as
// universal variables (set -Ux), shared by every fish session and saved in
// fish_variables. The hooks must never erase or change one (a plain `set -e`
// would, for every session), must hide one while the policy unsets it, and
// must leave no global copy behind that would shadow later `set -Ux` edits.
func TestFishHooksUniversalVariables(t *testing.T) {
	fishBin := rtNeedShell(t, "fish")
	fishSh, _ := shell.Lookup("fish")
	d := rtDialect{name: "fish", ext: ".fish", sh: fishSh}
	p := rtPlan(t)
	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "env")
	home := filepath.Join(tmp, "home")
	for _, m := range []string{filepath.Join(prefix, "conda-meta"), filepath.Join(prefix, "bin"), home} {
		if err := os.MkdirAll(m, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files, err := Files(p, fishSh)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{}
	for _, f := range files {
		path := filepath.Join(prefix, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(f.Path, "-save.fish"):
			paths["save"] = path
		case strings.Contains(f.Path, "activate.d/~"):
			paths["apply"] = path
		default:
			paths["restore"] = path
		}
	}
	gocgo, _ := rtGoCgo(d)
	paths["gocgo"] = filepath.Join(prefix, "etc/conda/activate.d/activate-z61-go-cgo.fish")
	if err := os.WriteFile(paths["gocgo"], []byte(gocgo), 0o644); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return d.q(t, filepath.Join(tmp, name)) }
	script := "set -Ux GOPATH '/u/go path'\nset -Ux GOBIN /u/bin\nset -Ux GOROOT /u/goroot\n" +
		"/usr/bin/env -0 >" + out("before.env") + "\n" +
		"set -U >" + out("before.uvars") + "\n" +
		d.function("__t_activate",
			d.export(t, "CONDA_PREFIX", prefix)+d.export(t, "CONDA_SHLVL", "1")+d.prependPath(t, prefix+"/bin")+
				d.source(t, paths["save"])+d.source(t, paths["gocgo"])+d.source(t, paths["apply"])) +
		"/usr/bin/env -0 >" + out("active.env") + "\n" +
		d.function("__t_deactivate", d.removePath(t, prefix+"/bin")+d.source(t, paths["restore"])+"set -e CONDA_PREFIX\n"+d.export(t, "CONDA_SHLVL", "0")) +
		"/usr/bin/env -0 >" + out("after.env") + "\n" +
		"set -U >" + out("after.uvars") + "\n" +
		"set -S GOPATH GOBIN GOROOT >" + out("scopes") + "\n"
	cmd := exec.Command(fishBin, "-c", "set -g __t_errs "+out("errs")+"\n"+script)
	cmd.Dir = tmp
	cmd.Env = []string{
		"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local/share"), "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"PATH=/usr/local/go/bin:/usr/bin:/bin", "LANG=C.UTF-8", "CONDA_SHLVL=0",
	}
	if o, err := cmd.CombinedOutput(); err != nil || len(o) > 0 {
		t.Fatalf("fish: %v\n%s", err, o)
	}
	if errs, _ := os.ReadFile(filepath.Join(tmp, "errs")); len(errs) > 0 {
		t.Errorf("a hook left a non-zero status or a _goshim_ temporary:\n%s", errs)
	}
	before, active, after := rtParseEnv(t, filepath.Join(tmp, "before.env")), rtParseEnv(t, filepath.Join(tmp, "active.env")), rtParseEnv(t, filepath.Join(tmp, "after.env"))
	if before["GOPATH"] != "/u/go path" || before["GOBIN"] != "/u/bin" {
		t.Fatalf("universal variables are not exported: GOPATH=%q GOBIN=%q", before["GOPATH"], before["GOBIN"])
	}
	for n, w := range map[string]string{"GOPATH": "/u/go path", "GOBIN": "", "GOROOT": ""} {
		if v, ok := active[n]; !ok || v != w {
			t.Errorf("active: %s = %s, want %q (the universal value hidden by an empty export where the policy unsets)", n, rtShow(v, ok), w)
		}
	}
	if d := rtDiffEnv(before, after, func(n string) bool { return !rtShellOwned(n) }); len(d) > 0 {
		t.Errorf("after deactivation the environment differs from before:\n%s", strings.Join(d, "\n"))
	}
	bu, _ := os.ReadFile(filepath.Join(tmp, "before.uvars"))
	au, _ := os.ReadFile(filepath.Join(tmp, "after.uvars"))
	if len(bu) == 0 || !bytes.Equal(bu, au) {
		t.Errorf("the universal variables changed:\nbefore:\n%s\nafter:\n%s", bu, au)
	}
	scopes, _ := os.ReadFile(filepath.Join(tmp, "scopes"))
	if bytes.Contains(scopes, []byte("global scope")) {
		t.Errorf("a global copy shadows a universal variable after deactivation:\n%s", scopes)
	}
}

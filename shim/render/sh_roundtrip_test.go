package render

import (
	"bytes"
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

// These tests source the generated .sh hooks in real bash, zsh and dash with
// strict options, in conda's order (docs/hooks.md), next to package scripts
// shaped like conda-forge's go-cgo and hand-written activate.d scripts that
// hijack Go. They prove the core guarantees at the level of the hooks; the
// e2e suite replays full conda flows (switch, stack, reactivate).

const systemGo = "/usr/local/go"

type posixShell struct {
	name string
	argv []string // run a script file with the user's strictest options
}

var strictShells = []posixShell{
	{"bash", []string{"bash", "--noprofile", "--norc", "-euo", "pipefail"}},
	{"dash", []string{"dash", "-eu"}},
	{"zsh", []string{"zsh", "-f", "-o", "err_exit", "-o", "no_unset"}},
}

func need(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if strings.Contains(","+os.Getenv("GOSHIM_E2E_REQUIRE")+",", ","+name+",") {
			t.Fatalf("%s is required (GOSHIM_E2E_REQUIRE) but not found", name)
		}
		t.Skipf("%s not found: install it to run the real-shell round trip", name)
	}
}

func needSystemGo(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(systemGo, "bin", "go")); err != nil {
		t.Skipf("no system Go at %s: these tests use it as the Go conda must not hijack", systemGo)
	}
}

// fakePrefix builds a conda env that hijacks Go the way real ones do, and
// installs the hooks of p into it.
func fakePrefix(t *testing.T, p *plan.Plan) string {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "envs", "hijack")
	write := func(rel, body string, mode os.FileMode) {
		t.Helper()
		dst := filepath.Join(prefix, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("conda-meta/history", "", 0o644)
	write("go/bin/go", "#!/bin/sh\necho 'conda go'\n", 0o755)
	if err := os.Symlink("../go/bin/go", filepath.Join(prefix, "bin", "go")); err != nil {
		if err := os.MkdirAll(filepath.Join(prefix, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../go/bin/go", filepath.Join(prefix, "bin", "go")); err != nil {
			t.Fatal(err)
		}
	}
	// conda-forge go-cgo: exports and never restores, but CONDA_GO_COMPILER.
	write("etc/conda/activate.d/activate-z61-go-cgo_linux-64.sh",
		"export CGO_ENABLED=1 GOOS=linux GOARCH=amd64 CONDA_GO_COMPILER=1\nexport GOFLAGS=\"-modcacherw -buildmode=pie -trimpath\"\n", 0o644)
	write("etc/conda/deactivate.d/deactivate-z61-go-cgo_linux-64.sh", "unset CONDA_GO_COMPILER\n", 0o644)
	// a hand-written env script, and its careless deactivate.
	write("etc/conda/activate.d/goenv.sh",
		"export GOPATH=\"$CONDA_PREFIX/share/go\" GO111MODULE=auto GOCACHE=/tmp/throwaway-cache GOPROXY=direct\n", 0o644)
	write("etc/conda/deactivate.d/goenv.sh", "unset GOPATH GO111MODULE GOCACHE GOPROXY\n", 0o644)
	sh, _ := shell.Lookup("sh")
	files, err := Files(p, sh)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		write(f.Path, string(f.Data), 0o644)
	}
	return prefix
}

// scripts lists dir's .sh files in conda's order.
func scripts(t *testing.T, dir string, reverse bool) []string {
	return condaOrder(t, dir, ".sh", reverse)
}

func shq(s string) string {
	sh, _ := shell.Lookup("sh")
	w, err := sh.Quote(s)
	if err != nil {
		panic(err)
	}
	return w
}

// scenario is one run: the environment before activation and the conda
// env_vars exported before any script runs.
type scenario struct {
	before    map[string]*string // nil: unset
	condaVars map[string]string
}

func str(s string) *string { return &s }

// driver writes the script that plays conda's part around the hooks
// (docs/conda-activation.md §1) and dumps the environment at checkpoints.
func driver(t *testing.T, prefix, out string, sc scenario) string {
	t.Helper()
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	// conda sources hooks from inside a shell function
	line(`conda_source() { . "$1"; }`)
	line(`dump() { /usr/bin/env -0 > ` + shq(out) + `/"$1".env; set > ` + shq(out) + `/"$1".set; }`)
	line(`export PATH=/usr/bin:/bin`)
	for _, k := range sortedKeys(sc.before) {
		if v := sc.before[k]; v != nil {
			line(`export ` + k + `=` + shq(*v))
		} else {
			line(`unset ` + k)
		}
	}
	line(`dump before`)
	// activate: conda exports PATH, its bookkeeping and env_vars (backing up
	// what they clobber), then sources activate.d in code-point order
	line(`export PATH=` + shq(prefix+"/bin") + `:"$PATH" CONDA_PREFIX=` + shq(prefix) + ` CONDA_SHLVL=1 CONDA_DEFAULT_ENV=hijack`)
	for _, k := range sortedKeys(sc.condaVars) {
		line(`if [ -n "${` + k + `+x}" ]; then export __CONDA_SHLVL_0_` + k + `="$` + k + `"; fi`)
		line(`export ` + k + `=` + shq(sc.condaVars[k]))
	}
	activate := scripts(t, filepath.Join(prefix, "etc/conda/activate.d"), false)
	for _, s := range activate {
		line(`conda_source ` + shq(s))
	}
	line(`dump active`)
	line(`command -v go > ` + shq(out) + `/go-path`)
	// activate.d again with no deactivate between (a stacked deactivate does this)
	for _, s := range activate {
		line(`conda_source ` + shq(s))
	}
	line(`dump active2`)
	// the user adds a PATH entry while active
	line(`export PATH="/user/added:$PATH"`)
	// plain deactivate: conda exports PATH without the prefix BEFORE deactivate.d
	line(`_n= _r=$PATH:`)
	line(`while [ -n "$_r" ]; do _e=${_r%%:*}; _r=${_r#*:}; [ "$_e" = "$CONDA_PREFIX/bin" ] || _n=${_n:+$_n:}$_e; done`)
	line(`export PATH=$_n; unset _n _r _e`)
	for _, s := range scripts(t, filepath.Join(prefix, "etc/conda/deactivate.d"), true) {
		line(`conda_source ` + shq(s))
	}
	line(`dump restored`)
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// readEnv parses an `env -0` dump.
func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, kv := range bytes.Split(data, []byte{0}) {
		if k, v, ok := strings.Cut(string(kv), "="); ok {
			env[k] = v
		}
	}
	return env
}

// run executes the driver in the shell and returns the checkpoints.
func run(t *testing.T, sh posixShell, prefix string, sc scenario) (map[string]map[string]string, string) {
	t.Helper()
	out := t.TempDir()
	script := filepath.Join(out, "driver.sh")
	if err := os.WriteFile(script, []byte(driver(t, prefix, out, sc)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sh.argv[0], append(sh.argv[1:], script)...)
	cmd.Dir = out
	cmd.Env = []string{"HOME=/home/goshim-user", "PATH=/usr/bin:/bin"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s failed: %v\nstderr:\n%s", sh.name, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s wrote to stderr:\n%s", sh.name, stderr.String())
	}
	points := map[string]map[string]string{}
	for _, p := range []string{"before", "active", "active2", "restored"} {
		points[p] = readEnv(t, filepath.Join(out, p+".env"))
		set, _ := os.ReadFile(filepath.Join(out, p+".set"))
		for _, l := range strings.Split(string(set), "\n") {
			if strings.HasPrefix(l, "_goshim_") {
				t.Errorf("%s: temporary shell variable left behind at %s: %s", sh.name, p, l)
			}
		}
	}
	goPath, _ := os.ReadFile(filepath.Join(out, "go-path"))
	if _, err := os.Stat(filepath.Join(out, "canary")); err == nil {
		t.Errorf("%s: a value executed a command (canary exists)", sh.name)
	}
	return points, strings.TrimSpace(string(goPath))
}

// ignoredAfter are names conda itself owns and changes across a cycle.
func ignoredAfter(k string) bool {
	return strings.HasPrefix(k, "CONDA_") || strings.HasPrefix(k, "__CONDA_SHLVL_") || k == "_" || k == "SHLVL" || k == "PWD" || k == "OLDPWD"
}

const hostileValue = "it's a \"path\" with $(touch canary) `touch canary`; & | % ! * ~ \\ ‘quotes’ “more” 日本\nsecond line"

func TestSHRoundTrip(t *testing.T) {
	needSystemGo(t)
	fullPol, err := policy.Parse("goshim.toml", []byte(`[go]
toolchain = "system"
[env]
GO111MODULE = "on"
GOFLAGS = { set = "-mod=mod" }
GOPATH = { keep = true }
GOCACHE = { default = "${HOME}/.cache/go-build" }
GOMODCACHE = { default = "${HOME}/go/pkg/mod" }
GOPROXY = { keep = true }
GOBIN = { unset = true }
GOTOOLCHAIN = { keep = true }
CGO_ENABLED = { keep = true }
GOOS = { keep = true }
GOARCH = { keep = true }
CONDA_GO_COMPILER = { keep = true }
PATH = { prepend = ["~/go/bin", "/opt/tools bin"], append = ["/opt/last"] }
PKG_CONFIG_PATH = { append = ["${CONDA_PREFIX}/lib/pkgconfig"] }
CGO_CFLAGS = { prepend = ["-I${CONDA_PREFIX}/include"], sep = " " }
`))
	if err != nil {
		t.Fatal(err)
	}
	condaVars := map[string]string{"GOTOOLCHAIN": "local"}
	full, err := plan.Build(fullPol, plan.Options{ID: "hijack", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}})
	if err != nil {
		t.Fatal(err)
	}
	def, err := plan.Build(policy.Builtin(), plan.Options{ID: "hijack", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}})
	if err != nil {
		t.Fatal(err)
	}

	befores := map[string]map[string]*string{
		// every managed variable unset before activation
		"unset": {"GOPATH": nil, "GOFLAGS": nil, "GOTOOLCHAIN": nil, "PKG_CONFIG_PATH": nil, "CGO_CFLAGS": nil, "GOCACHE": nil, "CONDA_GO_COMPILER": nil},
		// set but empty: must stay empty, not become unset
		"empty": {"GOPATH": str(""), "GOFLAGS": str(""), "GOTOOLCHAIN": str(""), "PKG_CONFIG_PATH": str(""), "CGO_CFLAGS": str(""), "GOCACHE": str(""), "GOBIN": str(""), "CGO_ENABLED": str("")},
		// set, with values that break naive quoting
		"hostile": {"GOPATH": str(hostileValue), "GOFLAGS": str("-v"), "GOTOOLCHAIN": str("auto"), "PKG_CONFIG_PATH": str("/a b:/c'd"),
			"CGO_CFLAGS": str("-O2 -g"), "GOCACHE": str("/cache/it's"), "GOBIN": str("/gobin"), "CGO_ENABLED": str("0"),
			"GOOS": str("darwin"), "GOPROXY": str("https://proxy.example|direct"), "CONDA_GO_COMPILER": str("user's")},
	}
	for _, sh := range strictShells {
		t.Run(sh.name, func(t *testing.T) {
			need(t, sh.name)
			for _, name := range sortedKeys(befores) {
				before := befores[name]
				t.Run("full/"+name, func(t *testing.T) {
					points, goPath := run(t, sh, fakePrefix(t, full), scenario{before: before, condaVars: condaVars})
					checkFull(t, points, goPath, before)
				})
				t.Run("default/"+name, func(t *testing.T) {
					points, goPath := run(t, sh, fakePrefix(t, def), scenario{before: before, condaVars: condaVars})
					checkDefault(t, points, goPath, before)
				})
			}
		})
	}
}

// lookup returns a variable from a dump, nil when unset.
func lookup(env map[string]string, k string) *string {
	if v, ok := env[k]; ok {
		return &v
	}
	return nil
}

func show(p *string) string {
	if p == nil {
		return "<unset>"
	}
	return "\"" + *p + "\""
}

func expectVar(t *testing.T, at string, env map[string]string, k string, want *string) {
	t.Helper()
	got := lookup(env, k)
	if (got == nil) != (want == nil) || (got != nil && *got != *want) {
		t.Errorf("%s: %s = %s, want %s", at, k, show(got), show(want))
	}
}

// checkRestored: after deactivation everything equals the environment
// before activation, but for the user's PATH edit, which stays.
func checkRestored(t *testing.T, points map[string]map[string]string) {
	t.Helper()
	before, after := points["before"], points["restored"]
	for _, k := range sortedKeys(before) {
		if ignoredAfter(k) || k == "PATH" {
			continue
		}
		expectVar(t, "restored", after, k, lookup(before, k))
	}
	for _, k := range sortedKeys(after) {
		if _, ok := before[k]; !ok && !ignoredAfter(k) {
			t.Errorf("restored: %s=%q was not there before activation", k, after[k])
		}
	}
	if want := "/user/added:" + before["PATH"]; after["PATH"] != want {
		t.Errorf("restored: PATH = %q, want %q (byte-identical but the user's entry)", after["PATH"], want)
	}
	if !reflectEqual(points["active"], points["active2"]) {
		t.Errorf("activate.d run twice changed the environment:\n%s", diffEnv(points["active"], points["active2"]))
	}
}

func checkDefault(t *testing.T, points map[string]map[string]string, goPath string, before map[string]*string) {
	t.Helper()
	active := points["active"]
	if goPath != systemGo+"/bin/go" {
		t.Errorf("active: command -v go = %q, want the system go", goPath)
	}
	if !strings.HasPrefix(active["PATH"], systemGo+"/bin:") {
		t.Errorf("active: PATH = %q, want the system Go's bin first", active["PATH"])
	}
	if lookup(active, "GOROOT") != nil {
		t.Errorf("active: GOROOT = %q, want unset", active["GOROOT"])
	}
	// keep: every Go variable is what it was before, whatever go-cgo, goenv.sh and conda's env_vars set
	for _, k := range policy.Builtin().Rules {
		expectVar(t, "active", active, k.Name, lookup(points["before"], k.Name))
	}
	checkRestored(t, points)
}

func checkFull(t *testing.T, points map[string]map[string]string, goPath string, before map[string]*string) {
	t.Helper()
	active, pre := points["active"], points["before"]
	prefix := active["CONDA_PREFIX"]
	if goPath != systemGo+"/bin/go" {
		t.Errorf("active: command -v go = %q, want the system go", goPath)
	}
	wantPath := systemGo + "/bin:/home/goshim-user/go/bin:/opt/tools bin:" + prefix + "/bin:/usr/bin:/bin:/opt/last"
	if active["PATH"] != wantPath {
		t.Errorf("active: PATH = %q\nwant %q", active["PATH"], wantPath)
	}
	expectVar(t, "active", active, "GO111MODULE", str("on"))
	expectVar(t, "active", active, "GOFLAGS", str("-mod=mod"))
	expectVar(t, "active", active, "GOBIN", nil)
	for _, k := range []string{"GOPATH", "GOPROXY", "GOTOOLCHAIN", "CGO_ENABLED", "GOOS", "GOARCH", "CONDA_GO_COMPILER"} {
		expectVar(t, "active", active, k, lookup(pre, k))
	}
	for k, def := range map[string]string{"GOCACHE": "/home/goshim-user/.cache/go-build", "GOMODCACHE": "/home/goshim-user/go/pkg/mod"} {
		want := lookup(pre, k)
		if want == nil {
			want = str(def)
		}
		expectVar(t, "active", active, k, want)
	}
	join := func(sep, old, add string, prepend bool) *string {
		if old == "" {
			return &add
		}
		if prepend {
			return str(add + sep + old)
		}
		return str(old + sep + add)
	}
	expectVar(t, "active", active, "PKG_CONFIG_PATH", join(":", pre["PKG_CONFIG_PATH"], prefix+"/lib/pkgconfig", false))
	expectVar(t, "active", active, "CGO_CFLAGS", join(" ", pre["CGO_CFLAGS"], "-I"+prefix+"/include", true))
	checkRestored(t, points)
}

func reflectEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func diffEnv(a, b map[string]string) string {
	var out []string
	for _, k := range sortedKeys(a) {
		if b[k] != a[k] {
			out = append(out, k+": "+a[k]+" -> "+b[k])
		}
	}
	for _, k := range sortedKeys(b) {
		if _, ok := a[k]; !ok {
			out = append(out, k+": added "+b[k])
		}
	}
	return strings.Join(out, "\n")
}

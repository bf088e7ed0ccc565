package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/shell"
)

// These tests source the generated .csh hooks the way conda does
// (`source "path"`), in real tcsh and csh with `-f -e` (stop at the first
// failing command), next to csh package scripts shaped like conda-forge's
// go-cgo and a hand-written one. tcsh must give every guarantee of the .sh
// hooks. csh (Debian's bsd-csh) cannot read goshim's state variable names
// (30-character limit): there the hooks must run cleanly under -e, change
// nothing, and say so in one line.

type cshShell struct {
	name string
	argv []string
	full bool // false: the hooks only print their notice (bsd-csh)
}

var cshShells = []cshShell{
	{"tcsh", []string{"tcsh", "-f", "-e"}, true},
	{"csh", []string{"csh", "-f", "-e"}, false},
}

// needCsh skips when name is missing, and also when "csh" is in fact tcsh
// (the csh of macOS, RHEL, FreeBSD): the csh runs are for bsd-csh.
func needCsh(t *testing.T, name string) {
	t.Helper()
	need(t, name)
	if name == "csh" {
		out, _ := exec.Command("csh", "-f", "-c", "if ( $?tcsh ) echo tcsh").Output()
		if strings.TrimSpace(string(out)) == "tcsh" {
			t.Skip("csh here is tcsh: nothing more to test than the tcsh runs")
		}
	}
}

func cshq(s string) string {
	sh, _ := shell.Lookup("tcsh")
	w, err := sh.Quote(s)
	if err != nil {
		panic(err)
	}
	return w
}

// cshPrefix is fakePrefix with csh package scripts and the .csh hooks.
func cshPrefix(t *testing.T, p *plan.Plan) string {
	t.Helper()
	prefix := fakePrefix(t, p)
	write := func(rel, body string) {
		t.Helper()
		dst := filepath.Join(prefix, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// conda-forge go-cgo as a .csh: exports and never restores, but CONDA_GO_COMPILER.
	write("etc/conda/activate.d/activate-z61-go-cgo_linux-64.csh",
		"setenv CGO_ENABLED 1\nsetenv GOOS linux\nsetenv GOARCH amd64\nsetenv CONDA_GO_COMPILER 1\nsetenv GOFLAGS \"-modcacherw -buildmode=pie -trimpath\"\n")
	write("etc/conda/deactivate.d/deactivate-z61-go-cgo_linux-64.csh", "unsetenv CONDA_GO_COMPILER\n")
	write("etc/conda/activate.d/goenv.csh",
		"setenv GOPATH \"$CONDA_PREFIX/share/go\"\nsetenv GO111MODULE auto\nsetenv GOCACHE /tmp/throwaway-cache\nsetenv GOPROXY direct\n")
	write("etc/conda/deactivate.d/goenv.csh", "unsetenv GOPATH GO111MODULE GOCACHE GOPROXY\n")
	sh, _ := shell.Lookup("tcsh")
	files, err := Files(p, sh)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		write(f.Path, string(f.Data))
	}
	return prefix
}

// cshDriver plays conda's part around the hooks, as driver does for sh.
func cshDriver(t *testing.T, prefix, out string, sc scenario) string {
	t.Helper()
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	dump := func(name string) {
		line(`/usr/bin/env -0 > ` + cshq(filepath.Join(out, name+".env")))
		line(`set > ` + cshq(filepath.Join(out, name+".set")))
	}
	line(`setenv PATH /usr/bin:/bin`)
	for _, k := range sortedKeys(sc.before) {
		if v := sc.before[k]; v != nil {
			line(`setenv ` + k + ` ` + cshq(*v))
		} else {
			line(`unsetenv ` + k)
		}
	}
	dump("before")
	line(`setenv PATH ` + cshq(prefix+"/bin") + `:${PATH:q}`)
	line(`setenv CONDA_PREFIX ` + cshq(prefix))
	line(`setenv CONDA_SHLVL 1`)
	line(`setenv CONDA_DEFAULT_ENV hijack`)
	for _, k := range sortedKeys(sc.condaVars) {
		line(`if ( $?` + k + ` ) then`)
		line(`setenv __CONDA_SHLVL_0_` + k + ` ${` + k + `:q}`)
		line(`endif`)
		line(`setenv ` + k + ` ` + cshq(sc.condaVars[k]))
	}
	activate := condaOrder(t, filepath.Join(prefix, "etc/conda/activate.d"), ".csh", false)
	for _, s := range activate {
		line(`source ` + cshq(s))
	}
	dump("active")
	for _, s := range activate {
		line(`source ` + cshq(s))
	}
	dump("active2")
	// the user adds a PATH entry while active
	line(`setenv PATH /user/added:${PATH:q}`)
	// plain deactivate: conda exports PATH without the prefix BEFORE deactivate.d
	line(`set _d = ( )`)
	line(`foreach _e ( $path:q )`)
	line(`if ( x${_e:q} != x` + cshq(prefix+"/bin") + ` ) set _d = ( $_d:q ${_e:q} )`)
	line(`end`)
	line(`set path = ( $_d:q )`)
	for _, s := range condaOrder(t, filepath.Join(prefix, "etc/conda/deactivate.d"), ".csh", true) {
		line(`source ` + cshq(s))
	}
	dump("restored")
	return b.String()
}

func runCsh(t *testing.T, sh cshShell, prefix string, sc scenario) (map[string]map[string]string, string) {
	t.Helper()
	out := t.TempDir()
	script := filepath.Join(out, "driver.csh")
	if err := os.WriteFile(script, []byte(cshDriver(t, prefix, out, sc)), 0o644); err != nil {
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
	if _, err := os.Stat(filepath.Join(out, "restored.env")); err != nil {
		t.Fatalf("%s stopped before the end (a hook left the script): %v\nstderr:\n%s", sh.name, err, stderr.String())
	}
	if sh.full {
		if stderr.Len() > 0 {
			t.Errorf("%s wrote to stderr:\n%s", sh.name, stderr.String())
		}
	} else {
		// one line per apply run (activate.d runs twice here), nothing else
		line := "goshim: these hooks need tcsh: csh cannot read the names of goshim's state variables (30-character limit) and lacks the modifiers they use; Go variables and PATH are left as conda sets them. Fix: use tcsh.\n"
		if got := stderr.String(); got != line+line {
			t.Errorf("%s stderr = %q, want the notice twice", sh.name, got)
		}
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
	if _, err := os.Stat(filepath.Join(out, "canary")); err == nil {
		t.Errorf("%s: a value executed a command (canary exists)", sh.name)
	}
	return points, firstGo(points["active"]["PATH"])
}

// firstGo is `command -v go` for a PATH.
func firstGo(path string) string {
	for _, d := range strings.Split(path, ":") {
		if d == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Join(d, "go")); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return filepath.Join(d, "go")
		}
	}
	return ""
}

// cshHostile adds what csh makes hard: `!` (history), newlines, `\!`.
const cshHostile = hostileValue + "\n!! !$ \\! ^x^y\n^a^b ${HOME} $?x %PATH%"

func TestCshRoundTrip(t *testing.T) {
	needSystemGo(t)
	fullPol, err := policy.Parse("goshim.toml", []byte(roundTripPolicy))
	if err != nil {
		t.Fatal(err)
	}
	condaVars := map[string]string{"GOTOOLCHAIN": "local"}
	cv := []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}
	full, err := plan.Build(fullPol, plan.Options{ID: "hijack", CondaVars: cv})
	if err != nil {
		t.Fatal(err)
	}
	def, err := plan.Build(policy.Builtin(), plan.Options{ID: "hijack", CondaVars: cv})
	if err != nil {
		t.Fatal(err)
	}
	befores := roundTripBefores(cshHostile)
	for _, sh := range cshShells {
		t.Run(sh.name, func(t *testing.T) {
			needCsh(t, sh.name)
			for _, name := range sortedKeys(befores) {
				before := befores[name]
				t.Run("full/"+name, func(t *testing.T) {
					points, goPath := runCsh(t, sh, cshPrefix(t, full), scenario{before: before, condaVars: condaVars})
					if sh.full {
						checkFull(t, points, goPath, before)
					} else {
						checkCshRefused(t, points)
					}
				})
				t.Run("default/"+name, func(t *testing.T) {
					points, goPath := runCsh(t, sh, cshPrefix(t, def), scenario{before: before, condaVars: condaVars})
					if sh.full {
						checkDefault(t, points, goPath, before)
					} else {
						checkCshRefused(t, points)
					}
				})
			}
		})
	}
}

// checkCshRefused: in csh the hooks change nothing (no state, PATH is
// conda's) and say so on stderr; runCsh checked the message.
func checkCshRefused(t *testing.T, points map[string]map[string]string) {
	t.Helper()
	for _, at := range []string{"active", "active2", "restored"} {
		for k := range points[at] {
			if strings.HasPrefix(k, "_GOSHIM_") {
				t.Errorf("%s: csh left goshim state %s", at, k)
			}
		}
	}
	prefix := points["active"]["CONDA_PREFIX"]
	if want := prefix + "/bin:/usr/bin:/bin"; points["active"]["PATH"] != want {
		t.Errorf("active: PATH = %q, want conda's %q", points["active"]["PATH"], want)
	}
}

// roundTripPolicy is TestSHRoundTrip's policy: every action kind.
const roundTripPolicy = `[go]
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
`

// roundTripBefores are TestSHRoundTrip's starting environments, with a
// shell's own hostile value.
func roundTripBefores(hostile string) map[string]map[string]*string {
	return map[string]map[string]*string{
		"unset": {"GOPATH": nil, "GOFLAGS": nil, "GOTOOLCHAIN": nil, "PKG_CONFIG_PATH": nil, "CGO_CFLAGS": nil, "GOCACHE": nil, "CONDA_GO_COMPILER": nil},
		"empty": {"GOPATH": str(""), "GOFLAGS": str(""), "GOTOOLCHAIN": str(""), "PKG_CONFIG_PATH": str(""), "CGO_CFLAGS": str(""), "GOCACHE": str(""), "GOBIN": str(""), "CGO_ENABLED": str("")},
		"hostile": {"GOPATH": str(hostile), "GOFLAGS": str("-v"), "GOTOOLCHAIN": str("auto"), "PKG_CONFIG_PATH": str("/a b:/c'd:/e!f:%p%f"),
			"CGO_CFLAGS": str("-O2  -g -I/x!y"), "GOCACHE": str("/cache/it's"), "GOBIN": str("/gobin"), "CGO_ENABLED": str("0"),
			"GOOS": str("darwin"), "GOPROXY": str("https://proxy.example|direct"), "CONDA_GO_COMPILER": str("user's")},
	}
}

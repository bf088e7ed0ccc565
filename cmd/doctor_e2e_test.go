package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/goshim/goshim/internal/doctor"
	"github.com/goshim/goshim/shim/shell"
)

// TestDoctorInActivatedShell runs goshim doctor inside real bash shells
// that play conda's part (docs/conda-activation.md §1) around a fake env
// that hijacks Go the way conda-forge's packages do: once with goshim's
// generated .sh hooks in the env (doctor must find nothing wrong while it
// is active), once without (doctor must report every problem, while
// active and after deactivation).

func needBash(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("bash")
	if err != nil {
		if strings.Contains(","+os.Getenv("GOSHIM_E2E_REQUIRE")+",", ",bash,") {
			t.Fatal("bash is required (GOSHIM_E2E_REQUIRE) but not found")
		}
		t.Skip("bash not found")
	}
	return p
}

// lastingHome is a home folder outside every temp folder, so doctor does
// not (rightly) flag go's default caches under it as throwaway.
func lastingHome(t *testing.T) string {
	t.Helper()
	base, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache dir for a lasting test home: %v", err)
	}
	for _, tmp := range []string{os.TempDir(), "/tmp", "/var/tmp"} {
		if strings.HasPrefix(base+"/", filepath.Clean(tmp)+"/") {
			t.Skipf("the user cache dir %s is under a temp folder", base)
		}
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Skip(err)
	}
	home, err := os.MkdirTemp(base, "goshim-doctor-e2e-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	// Go's telemetry off: no background process writing into the home
	write(t, home, ".config/go/telemetry/mode", "off")
	return home
}

// hijackPrefix builds a conda env as conda-forge's go, go-cgo_linux-64, a
// compiler package and a hand-written env script leave it.
func hijackPrefix(t *testing.T, throwaway string) string {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "envs", "hijack")
	file := func(rel, body string, mode os.FileMode) {
		t.Helper()
		write(t, prefix, rel, body)
		if err := os.Chmod(filepath.Join(prefix, rel), mode); err != nil {
			t.Fatal(err)
		}
	}
	file("conda-meta/history", "", 0o644)
	// conda-forge's go: the tree in $PREFIX/go, bin/go a link into it. This
	// one is an old release whose go command is the system one underneath,
	// so `go env -json` works; doctor reads the release from VERSION.
	file("go/VERSION", "go1.21.0\ntime 2023-08-08T00:00:00Z\n", 0o644)
	file("go/src/runtime/extern.go", "package runtime\n", 0o644)
	file("go/bin/go", "#!/bin/sh\nexec "+systemGoRoot+"/bin/go \"$@\"\n", 0o755)
	if err := os.Symlink("../go/bin/go", filepath.Join(prefix, "bin", "go")); err != nil {
		if err := os.MkdirAll(filepath.Join(prefix, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("../go/bin/go", filepath.Join(prefix, "bin", "go")); err != nil {
			t.Fatal(err)
		}
	}
	file("etc/conda/env_vars.d/go.json", "{\n  \"GOTOOLCHAIN\": \"local\"\n}\n", 0o644)
	// go-cgo: exports, and its deactivate only unsets CONDA_GO_COMPILER
	file("etc/conda/activate.d/activate-z61-go-cgo_linux-64.sh",
		"export CGO_ENABLED=1 GOOS="+runtime.GOOS+" GOARCH="+runtime.GOARCH+" CONDA_GO_COMPILER=1\nexport GOFLAGS=\"-modcacherw -buildmode=pie -trimpath\"\n", 0o644)
	file("etc/conda/deactivate.d/deactivate-z61-go-cgo_linux-64.sh", "unset CONDA_GO_COMPILER\n", 0o644)
	// a compiler package (its deactivate script failed, say): CC and its backup stay
	file("bin/x86_64-conda-linux-gnu-cc", "#!/bin/sh\nexit 0\n", 0o755)
	file("etc/conda/activate.d/activate-gcc_linux-64.sh",
		"if [ -n \"${CC+x}\" ]; then export CONDA_BACKUP_CC=\"$CC\"; fi\nexport CC=x86_64-conda-linux-gnu-cc\n", 0o644)
	// a hand-written env script with no deactivate
	file("etc/conda/activate.d/goenv.sh",
		"export GOPATH=\"$CONDA_PREFIX/share/go\" GO111MODULE=auto GOCACHE="+shellQuote(throwaway)+" GOPROXY=direct\n", 0o644)
	return prefix
}

func shellQuote(s string) string {
	sh, _ := shell.Lookup("sh")
	q, err := sh.Quote(s)
	if err != nil {
		panic(err)
	}
	return q
}

// scriptsIn lists dir's .sh files in conda's order.
func scriptsIn(t *testing.T, dir string, reverse bool) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.sh"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	if reverse {
		sort.Sort(sort.Reverse(sort.StringSlice(m)))
	}
	return m
}

// driver activates the env, runs doctor, deactivates, runs doctor -p again.
func driver(t *testing.T, goshim, home, userBin, work, prefix, out string) string {
	t.Helper()
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	q := shellQuote
	line(`conda_source() { . "$1"; }`)
	line(`doctor() { _rc=0; ` + q(goshim) + ` doctor "$@" --json > ` + q(out) + `/"$_at".json 2> ` + q(out) + `/"$_at".err || _rc=$?; echo "$_rc" > ` + q(out) + `/"$_at".rc; }`)
	// the user's shell: a profile put the system Go on PATH and set GOROOT, and a C compiler of their own
	line(`export HOME=` + q(home) + ` PATH=` + q(userBin+":"+systemGoRoot+"/bin:/usr/bin:/bin") + ` GOROOT=` + q(systemGoRoot) + ` CC=mycc`)
	line(`cd ` + q(work))
	// conda activate: PATH, bookkeeping, env_vars (backing up what they clobber), then activate.d
	line(`export PATH=` + q(prefix+"/bin") + `:"$PATH" CONDA_PREFIX=` + q(prefix) + ` CONDA_SHLVL=1 CONDA_DEFAULT_ENV=hijack`)
	line(`if [ -n "${GOTOOLCHAIN+x}" ]; then export __CONDA_SHLVL_0_GOTOOLCHAIN="$GOTOOLCHAIN"; fi`)
	line(`export GOTOOLCHAIN=local`)
	for _, s := range scriptsIn(t, filepath.Join(prefix, "etc/conda/activate.d"), false) {
		line(`conda_source ` + q(s))
	}
	line(`_at=active; doctor`)
	// conda deactivate: PATH without the prefix first, deactivate.d reversed, then env_vars
	line(`_n= _r=$PATH:`)
	line(`while [ -n "$_r" ]; do _e=${_r%%:*}; _r=${_r#*:}; [ "$_e" = "$CONDA_PREFIX/bin" ] || _n=${_n:+$_n:}$_e; done`)
	line(`export PATH=$_n; unset _n _r _e`)
	for _, s := range scriptsIn(t, filepath.Join(prefix, "etc/conda/deactivate.d"), true) {
		line(`conda_source ` + q(s))
	}
	line(`if [ -n "${__CONDA_SHLVL_0_GOTOOLCHAIN-}" ]; then export GOTOOLCHAIN="$__CONDA_SHLVL_0_GOTOOLCHAIN"; else export GOTOOLCHAIN=''; fi`)
	line(`unset CONDA_PREFIX CONDA_DEFAULT_ENV; export CONDA_SHLVL=0`)
	line(`_at=after; doctor -p ` + q(prefix))
	return b.String()
}

type shellReport struct {
	code int
	rep  DoctorReport
	raw  string
}

func (r shellReport) find(check, v string) []doctor.Finding {
	var out []doctor.Finding
	for _, f := range r.rep.Findings {
		if f.Check == check && f.Var == v {
			out = append(out, f)
		}
	}
	return out
}

// has asserts a finding of that check, variable and severity.
func (r shellReport) has(t *testing.T, at string, check, v string, sev doctor.Severity) doctor.Finding {
	t.Helper()
	for _, f := range r.find(check, v) {
		if f.Severity == sev {
			return f
		}
	}
	t.Errorf("%s: no %s finding %s %s in:\n%s", at, sev, check, v, r.problems())
	return doctor.Finding{}
}

func (r shellReport) problems() string {
	var b strings.Builder
	for _, f := range r.rep.Findings {
		if f.Severity != doctor.OK {
			b.WriteString("  " + string(f.Severity) + " " + f.Check + " " + f.Var + ": " + f.Problem + " @ " + f.Where + "\n")
		}
	}
	return b.String()
}

func readReport(t *testing.T, out, at string) shellReport {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(out, at+".json"))
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := os.ReadFile(filepath.Join(out, at+".rc"))
	stderr, _ := os.ReadFile(filepath.Join(out, at+".err"))
	r := shellReport{raw: string(raw)}
	if _, err := fmt.Sscan(strings.TrimSpace(string(rc)), &r.code); err != nil {
		t.Fatalf("%s: no exit code (%q); stderr:\n%s", at, rc, stderr)
	}
	if err := json.Unmarshal(raw, &r.rep); err != nil {
		t.Fatalf("%s: doctor printed no JSON (%v); exit %d, stderr:\n%s", at, err, r.code, stderr)
	}
	return r
}

func TestDoctorInActivatedShell(t *testing.T) {
	bash := needBash(t)
	needSystemGo(t)
	goshim, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home := lastingHome(t)
	userBin := filepath.Join(home, "bin")
	write(t, userBin, "mycc", "#!/bin/sh\nexit 0\n")
	if err := os.Chmod(filepath.Join(userBin, "mycc"), 0o755); err != nil {
		t.Fatal(err)
	}

	run := func(t *testing.T, withGoshim bool) (active, after shellReport, prefix string) {
		work := t.TempDir()
		write(t, work, "environment.yml", "name: hijack\nchannels: [conda-forge]\ndependencies:\n  - go\n  - go-cgo_linux-64\n  - gcc_linux-64\n")
		write(t, work, "go.mod", "module example.com/app\n\ngo 1.22\n")
		prefix = hijackPrefix(t, filepath.Join(t.TempDir(), "throwaway-cache"))
		if withGoshim {
			var o, e bytes.Buffer
			streams := &IO{In: strings.NewReader(""), Out: &o, Err: &e, Env: map[string]string{"HOME": home}, Dir: work}
			if code := Run(streams, []string{"generate", "-o", prefix, "--shell", "sh"}); code != ExitOK {
				t.Fatalf("generate: exit %d: %s", code, e.String())
			}
		}
		out := t.TempDir()
		script := filepath.Join(out, "driver.sh")
		write(t, out, "driver.sh", driver(t, goshim, home, userBin, work, prefix, out))
		cmd := exec.Command(bash, "--noprofile", "--norc", "-euo", "pipefail", script)
		cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin", "GOSHIM_TEST_MAIN=1"}
		if tmp := os.Getenv("TMPDIR"); tmp != "" {
			cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("bash: %v\n%s", err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("the activation wrote to stderr:\n%s", stderr.String())
		}
		return readReport(t, out, "active"), readReport(t, out, "after"), prefix
	}

	t.Run("with goshim", func(t *testing.T) {
		active, after, prefix := run(t, true)
		if active.code != ExitOK || !active.rep.Healthy || active.rep.Prefix != prefix {
			t.Errorf("active env with goshim hooks: exit %d, healthy %v, prefix %q; problems:\n%s", active.code, active.rep.Healthy, active.rep.Prefix, active.problems())
		}
		active.has(t, "active", "go-on-path", "PATH", doctor.OK)
		active.has(t, "active", "hooks", "", doctor.OK)
		active.has(t, "active", "hooks-current", "", doctor.OK)
		active.has(t, "active", "prefix-env-vars", "GOTOOLCHAIN", doctor.OK)
		active.has(t, "active", "prefix-scripts", "GOFLAGS", doctor.OK)
		// after deactivation, what goshim manages is back; the compiler
		// package's CC (not in the default policy) is not
		for _, f := range after.rep.Findings {
			switch f.Check {
			case "go-cgo", "go111module", "goroot", "go-on-path", "gotoolchain", "goproxy", "goshim-state", "stale-path", "go-dirs":
				if f.Severity != doctor.OK {
					t.Errorf("after deactivation with goshim: %s %s %s: %s", f.Severity, f.Check, f.Var, f.Problem)
				}
			}
		}
		after.has(t, "after", "cgo-compiler", "CC", doctor.Error)
	})

	t.Run("without goshim", func(t *testing.T) {
		active, after, prefix := run(t, false)
		if active.code != ExitProblem || active.rep.Healthy {
			t.Errorf("hijacked env: exit %d, healthy %v", active.code, active.rep.Healthy)
		}
		at := func(rel string, line string) string { return filepath.Join(prefix, rel) + ":" + line }
		active.has(t, "active", "go-on-path", "PATH", doctor.Error)
		if f := active.has(t, "active", "goroot", "GOROOT", doctor.Error); !strings.Contains(f.Why, `compile: version "`) {
			t.Errorf("goroot why: %q", f.Why)
		}
		if f := active.has(t, "active", "gotoolchain", "GOTOOLCHAIN", doctor.Error); f.Where != at("etc/conda/env_vars.d/go.json", "2") {
			t.Errorf("gotoolchain where = %q", f.Where)
		}
		if f := active.has(t, "active", "go-cgo", "GOFLAGS", doctor.Warn); f.Where != at("etc/conda/activate.d/activate-z61-go-cgo_linux-64.sh", "2") {
			t.Errorf("go-cgo where = %q", f.Where)
		}
		if f := active.has(t, "active", "go111module", "GO111MODULE", doctor.Warn); f.Where != at("etc/conda/activate.d/goenv.sh", "1") {
			t.Errorf("go111module where = %q", f.Where)
		}
		active.has(t, "active", "go-dirs", "GOPATH", doctor.Warn)
		active.has(t, "active", "go-dirs", "GOCACHE", doctor.Warn)
		active.has(t, "active", "goproxy", "GOPROXY", doctor.Warn)
		active.has(t, "active", "hooks", "", doctor.Warn)
		active.has(t, "active", "prefix-env-vars", "GOTOOLCHAIN", doctor.Warn)
		for _, v := range []string{"GOFLAGS", "CGO_ENABLED", "GOOS", "GOARCH", "CONDA_GO_COMPILER", "GOPATH", "GO111MODULE", "GOCACHE", "GOPROXY"} {
			active.has(t, "active", "prefix-scripts", v, doctor.Warn)
		}

		// after conda deactivate, go-cgo's and the scripts' settings stay behind
		if after.code != ExitProblem || after.rep.Prefix != prefix {
			t.Errorf("after deactivation: exit %d, prefix %q", after.code, after.rep.Prefix)
		}
		after.has(t, "after", "go-on-path", "PATH", doctor.OK)
		after.has(t, "after", "goroot", "GOROOT", doctor.OK)
		for _, v := range []string{"GOFLAGS", "CGO_ENABLED", "GOOS", "GOARCH"} {
			after.has(t, "after", "go-cgo", v, doctor.Warn)
		}
		after.has(t, "after", "cgo-compiler", "CC", doctor.Error)
		after.has(t, "after", "conda-backups", "CONDA_BACKUP_*", doctor.Warn)
		after.has(t, "after", "go111module", "GO111MODULE", doctor.Warn)
		after.has(t, "after", "go-dirs", "GOPATH", doctor.Warn)
		after.has(t, "after", "goproxy", "GOPROXY", doctor.Warn)
	})
}

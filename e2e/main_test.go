package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// h is built once per test run by TestMain.
var h *harness

type harness struct {
	root    string // the repository
	tmp     string // everything this run writes
	goshim  string
	envdump string
	fakego  string
	emuExe  string // emuconda installed as <tmp>/emuroot/bin/conda

	goroot      string // the system Go
	goVersion   string // `go version` of the system Go
	goVersionID string // runtime.Version() of programs it builds, e.g. go1.26.8
	goDefaults  map[string]string
	gocache     string // shared build cache (warm: the one that built goshim)
	gomodcache  string
	tinyModule  string // a module with no dependencies, for `go build`

	require map[string]bool

	fxOnce sync.Once
	fx     *fixtures
	fxErr  error
}

func TestMain(m *testing.M) {
	os.Exit(mainRun(m))
}

func mainRun(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "goshim-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	// Resolve symlinks (macOS /var -> /private/var) so paths compare as shells print them.
	if r, err := filepath.EvalSymlinks(tmp); err == nil {
		tmp = r
	}
	if os.Getenv("GOSHIM_E2E_KEEP") != "" {
		fmt.Fprintln(os.Stderr, "e2e: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	start := time.Now()
	h, err = setup(tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e setup:", err)
		return 1
	}
	if testingVerbose() {
		fmt.Fprintf(os.Stderr, "e2e: built goshim and helpers in %v; system Go %s at %s\n",
			time.Since(start).Round(time.Millisecond), h.goVersionID, h.goroot)
	}
	return m.Run()
}

func testingVerbose() bool {
	for _, a := range os.Args {
		if a == "-test.v" || a == "-test.v=true" {
			return true
		}
	}
	return false
}

func exe(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

func setup(tmp string) (*harness, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	x := &harness{root: filepath.Dir(wd), tmp: tmp, require: map[string]bool{}}
	for _, r := range strings.Split(os.Getenv("GOSHIM_E2E_REQUIRE"), ",") {
		if r = strings.TrimSpace(r); r != "" {
			x.require[r] = true
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", exe("go"))
	}

	// goshim and the helpers, in one build.
	bin := filepath.Join(tmp, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return nil, err
	}
	build := exec.Command(goTool, "build", "-o", bin+string(filepath.Separator),
		"./cmd/goshim", "./e2e/internal/envdump", "./e2e/internal/fakego", "./e2e/internal/emuconda")
	build.Dir = x.root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	x.goshim = filepath.Join(bin, exe("goshim"))
	x.envdump = filepath.Join(bin, exe("envdump"))
	x.fakego = filepath.Join(bin, exe("fakego"))
	emuBin := filepath.Join(tmp, "emuroot", "bin")
	if err := os.MkdirAll(emuBin, 0o755); err != nil {
		return nil, err
	}
	x.emuExe = filepath.Join(emuBin, exe("conda"))
	if err := os.Rename(filepath.Join(bin, exe("emuconda")), x.emuExe); err != nil {
		return nil, err
	}
	for _, d := range []string{"condabin", "conda-meta"} {
		if err := os.MkdirAll(filepath.Join(tmp, "emuroot", d), 0o755); err != nil {
			return nil, err
		}
	}

	// The system Go: the real one, which the hooks must put first.
	x.goroot = os.Getenv("GOSHIM_E2E_GOROOT")
	if x.goroot == "" {
		out, err := exec.Command(goTool, "env", "GOROOT").Output()
		if err != nil {
			return nil, fmt.Errorf("go env GOROOT: %v", err)
		}
		x.goroot = strings.TrimSpace(string(out))
	}
	if r, err := filepath.EvalSymlinks(x.goroot); err == nil {
		x.goroot = r
	}
	sysGo := filepath.Join(x.goroot, "bin", exe("go"))
	cleanEnv := []string{"HOME=" + tmp, "PATH=" + filepath.Dir(sysGo), "GOENV=off", "GOTOOLCHAIN=local"}
	if runtime.GOOS == "windows" {
		cleanEnv = append(cleanEnv, windowsEnv()...)
	}
	run := func(args ...string) (string, error) {
		c := exec.Command(sysGo, args...)
		c.Env = cleanEnv
		out, err := c.Output()
		return strings.TrimSpace(string(out)), err
	}
	if x.goVersion, err = run("version"); err != nil {
		return nil, fmt.Errorf("%s version: %v", sysGo, err)
	}
	if x.goVersionID, err = run("env", "GOVERSION"); err != nil {
		return nil, err
	}
	// what `go env` says for variables nobody set: the go.env of the system Go
	x.goDefaults = map[string]string{}
	c := exec.Command(sysGo, "env", "GOTOOLCHAIN", "GOPROXY", "GO111MODULE", "GOFLAGS")
	c.Env = []string{"HOME=" + tmp, "PATH=" + filepath.Dir(sysGo)}
	if runtime.GOOS == "windows" {
		c.Env = append(c.Env, windowsEnv()...)
	}
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("go env defaults: %v", err)
	}
	lines := strings.Split(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n")
	for i, n := range []string{"GOTOOLCHAIN", "GOPROXY", "GO111MODULE", "GOFLAGS"} {
		if i < len(lines) {
			x.goDefaults[n] = strings.TrimSpace(lines[i])
		}
	}
	out, err = exec.Command(goTool, "env", "GOCACHE").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOCACHE: %v", err)
	}
	x.gocache = strings.TrimSpace(string(out))
	if x.gocache == "" || x.gocache == "off" {
		x.gocache = filepath.Join(tmp, "gocache")
	}
	x.gomodcache = filepath.Join(tmp, "gomodcache")

	x.tinyModule = filepath.Join(tmp, "tiny")
	if err := writeFiles(x.tinyModule, map[string]string{
		"go.mod":  "module example.com/tiny\n\ngo 1.21\n",
		"main.go": "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() { fmt.Println(runtime.Version()) }\n",
	}); err != nil {
		return nil, err
	}
	return x, nil
}

// windowsEnv is what a Windows process cannot start without.
func windowsEnv() []string {
	var out []string
	for _, n := range []string{"SystemRoot", "SystemDrive", "windir", "ComSpec", "PATHEXT", "TEMP", "TMP",
		"USERPROFILE", "APPDATA", "LOCALAPPDATA", "ProgramData", "ProgramFiles", "ProgramFiles(x86)",
		"ProgramW6432", "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE", "USERNAME", "PSModulePath"} {
		if v, ok := os.LookupEnv(n); ok {
			out = append(out, n+"="+v)
		}
	}
	return out
}

func writeFiles(dir string, files map[string]string) error {
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// skipOrFail skips a test with a reason, or fails it when GOSHIM_E2E_REQUIRE
// names one of keys.
func skipOrFail(t testing.TB, reason string, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if h.require[k] {
			t.Fatalf("%s (required by GOSHIM_E2E_REQUIRE=%s)", reason, os.Getenv("GOSHIM_E2E_REQUIRE"))
		}
	}
	t.Skip(reason)
}

// command runs a program with a timeout and returns its combined output.
func command(timeout time.Duration, dir string, env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.CommandContext(ctx, name, args...)
	c.Dir = dir
	c.Env = env
	var b bytes.Buffer
	c.Stdout, c.Stderr = &b, &b
	err := c.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", timeout, err)
	}
	return b.String(), err
}

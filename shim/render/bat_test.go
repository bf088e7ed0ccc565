package render

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/shell"
)

// TestBatRoundTrip CALLs the generated .bat hooks in wine's cmd (Debian
// packages wine and wine64, about 10 s to install and 10 s to create a
// prefix) around a go-cgo-shaped package script, and checks keep/restore
// and the exit status. wine's cmd is a reimplementation of cmd.exe: this
// proves the hooks parse and behave in a cmd, not in Microsoft's.
func TestBatRoundTrip(t *testing.T) {
	cmdArgv, cmdEnv := batCmd(t)
	p, err := plan.Build(policy.Builtin(), plan.Options{ID: "hijack", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeBatHooks(t, dir, p)
	// No % here: wine's cmd expands %NAME% again inside the result of
	// %O:~1% (a value holding %PATH% came back expanded), which Microsoft's
	// single-pass phase 1 does not; not verified on real cmd.exe. No
	// non-ASCII either: wine reads the driver .bat in the OEM code page.
	hostile := `it's a path with & | < > ( ) ; ~ * x`
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\r\n") }
	line(`@echo off`)
	line(`set "GOPATH=` + strings.ReplaceAll(hostile, "%", "%%") + `"`)
	line(`set "GOFLAGS=-v"`)
	line(`set "GOOS="`)
	line(`set > before.txt`)
	line(`set "CONDA_PREFIX=C:\envs\hijack"`)
	line(`set "CONDA_SHLVL=1"`)
	line(`set "PATH=C:\envs\hijack\bin;%PATH%"`)
	line(`set "GOTOOLCHAIN=local"`)
	act := filepath.Join(dir, "etc", "conda", "activate.d")
	line(`call "` + filepath.Join(act, "+goshim-hijack-save.bat") + `"`)
	line(`set "GOFLAGS=-modcacherw -buildmode=pie -trimpath"`) // go-cgo
	line(`set "GOOS=linux"`)
	line(`set "GOPATH=C:\envs\hijack\share\go"`)
	line(`call "` + filepath.Join(act, "~goshim-hijack.bat") + `"`)
	line(`echo status=%ERRORLEVEL% > status.txt`)
	line(`set > active.txt`)
	line(`set "PATH=%PATH:C:\envs\hijack\bin;=%"`)
	line(`call "` + filepath.Join(dir, "etc", "conda", "deactivate.d", "+goshim-hijack.bat") + `"`)
	line(`echo status=%ERRORLEVEL% >> status.txt`)
	line(`set > restored.txt`)
	if err := os.WriteFile(filepath.Join(dir, "driver.bat"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := runBat(cmdArgv, cmdEnv, dir, "driver.bat")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("cmd: %v\n%s", err, stderr.String())
	}
	read := func(name string) map[string]string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v\nstderr: %s", name, err, stderr.String())
		}
		env := map[string]string{}
		for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				env[strings.ToUpper(k)] = v
			}
		}
		return env
	}
	before, active, restored := read("before.txt"), read("active.txt"), read("restored.txt")
	st, _ := os.ReadFile(filepath.Join(dir, "status.txt"))
	if got := strings.Fields(string(st)); len(got) != 2 || got[0] != "status=0" || got[1] != "status=0" {
		t.Errorf("hooks ended with %q, want status=0 twice (conda 26.1+ aborts otherwise)", st)
	}
	for _, k := range []string{"GOPATH", "GOFLAGS", "GOOS", "GOTOOLCHAIN"} {
		b, bok := before[k]
		a, aok := active[k]
		if b != a || bok != aok {
			t.Errorf("active: %s = %q (%v), want %q (%v) as before activation", k, a, aok, b, bok)
		}
		r, rok := restored[k]
		if b != r || bok != rok {
			t.Errorf("restored: %s = %q (%v), want %q (%v)", k, r, rok, b, bok)
		}
	}
	if before["GOPATH"] != hostile {
		t.Errorf("driver set GOPATH = %q", before["GOPATH"])
	}
	for k, v := range restored {
		if strings.HasPrefix(k, "_GOSHIM_") {
			t.Errorf("restored: state %s=%q left behind", k, v)
		}
	}
	for k := range active {
		if strings.HasPrefix(k, "_GOSHIM_R_") || k == "_GOSHIM_T" || k == "_GOSHIM_V" || k == "_GOSHIM_E" {
			t.Errorf("active: temporary %s left behind", k)
		}
	}
	if restored["PATH"] != before["PATH"] {
		t.Errorf("restored: PATH = %q, want %q", restored["PATH"], before["PATH"])
	}
}

// The cmd that runs the .bat tests is found and started once per test
// binary: Microsoft's cmd.exe on Windows, else wine's (every test shares one
// headless wine prefix).
var batCmdOnce struct {
	sync.Once
	argv       []string // the program and the arguments before /c
	env        []string
	fail, skip string // why no cmd can run here
}

// batCmd returns how to start a cmd and the environment to run it in. When
// none can run, it skips t with the reason, or fails t when
// GOSHIM_E2E_REQUIRE names cmd.
func batCmd(t *testing.T) (argv []string, env []string) {
	t.Helper()
	w := &batCmdOnce
	w.Do(func() {
		if runtime.GOOS == "windows" {
			exe, err := exec.LookPath("cmd")
			if err != nil {
				w.fail = "cmd is required (GOSHIM_E2E_REQUIRE) but cmd.exe is not found"
				w.skip = "cmd.exe not found"
				return
			}
			w.argv, w.env = []string{exe}, os.Environ()
			return
		}
		wine, err := exec.LookPath("wine")
		if err != nil {
			w.fail = "cmd is required (GOSHIM_E2E_REQUIRE) but wine is not installed"
			w.skip = "wine not found (apt-get install --no-install-recommends wine wine64): cannot run .bat hooks"
			return
		}
		// no Mono/Gecko install prompts on a headless machine; the prefix is made once
		env := append(os.Environ(), "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=", "WINEPREFIX="+filepath.Join(os.TempDir(), "goshim-wineprefix"))
		probe := exec.Command("timeout", "300", wine, "cmd", "/c", "exit 0")
		probe.Env = env
		if out, err := probe.CombinedOutput(); err != nil {
			w.fail = fmt.Sprintf("cmd is required (GOSHIM_E2E_REQUIRE) but wine's cmd does not start: %v\n%s", err, out)
			w.skip = fmt.Sprintf("wine is installed but its cmd does not start here (%v): cannot run .bat hooks\n%s", err, out)
			return
		}
		w.argv, w.env = []string{wine, "cmd"}, env
	})
	if w.skip != "" {
		if strings.Contains(","+os.Getenv("GOSHIM_E2E_REQUIRE")+",", ",cmd,") {
			t.Fatal(w.fail)
		}
		t.Skip(w.skip)
	}
	return w.argv, append([]string(nil), w.env...)
}

// writeBatHooks renders p's .bat hooks and writes them under dir (which
// then mirrors an env prefix).
func writeBatHooks(t *testing.T, dir string, p *plan.Plan) []File {
	t.Helper()
	sh, _ := shell.Lookup("cmd")
	files, err := Files(p, sh)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// runBat runs `cmd /c name` in dir.
func runBat(argv, env []string, dir, name string) *exec.Cmd {
	c := exec.Command(argv[0], append(append([]string(nil), argv[1:]...), "/c", name)...)
	c.Dir = dir
	c.Env = env
	return c
}

// TestBatQuotedPathEntry: Windows allows a PATH entry in quotes. The hooks
// read PATH inside set "...", where cmd keeps everything up to the last
// quote, so a quoted entry (without & | < >, which would end the quoting in
// any cmd script: a documented limitation) comes back exactly, quotes and
// all. With no Go anywhere, the hooks say so in one line on stderr.
func TestBatQuotedPathEntry(t *testing.T) {
	cmdArgv, cmdEnv := batCmd(t)
	p, err := plan.Build(policy.Builtin(), plan.Options{ID: "quoted"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeBatHooks(t, dir, p)
	userPath := `C:\bin;"C:\Program Files\x;y";C:\last`
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\r\n") }
	line(`@echo off`)
	line(`set PATH=` + userPath)
	line(`set "ProgramFiles=C:\nowhere"`)
	line(`set "SystemDrive=C:\nowhere"`)
	line(`set "USERPROFILE=C:\nowhere"`)
	line(`set "CONDA_PREFIX=C:\envs\quoted"`)
	line(`set "CONDA_SHLVL=1"`)
	line(`set PATH=C:\envs\quoted\bin;%PATH%`)
	act := filepath.Join(dir, "etc", "conda", "activate.d")
	line(`call "` + filepath.Join(act, "+goshim-quoted-save.bat") + `"`)
	line(`call "` + filepath.Join(act, "~goshim-quoted.bat") + `"`)
	line(`set PATH>active.txt`)
	line(`set PATH=%PATH:C:\envs\quoted\bin;=%`)
	line(`call "` + filepath.Join(dir, "etc", "conda", "deactivate.d", "+goshim-quoted.bat") + `"`)
	line(`set PATH>restored.txt`)
	if err := os.WriteFile(filepath.Join(dir, "driver.bat"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := runBat(cmdArgv, cmdEnv, dir, "driver.bat")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("cmd: %v\n%s", err, stderr.String())
	}
	read := func(name string) string {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		return strings.ReplaceAll(string(got), "\r\n", "\n")
	}
	if want := "PATH=C:\\envs\\quoted\\bin;" + userPath + "\n"; !strings.Contains(strings.ToUpper(read("active.txt")), strings.ToUpper(want)) {
		t.Errorf("active:\n%s\nwant the line %q (no Go found: PATH unchanged)", read("active.txt"), want)
	}
	if want := "PATH=" + userPath + "\n"; !strings.Contains(strings.ToUpper(read("restored.txt")), strings.ToUpper(want)) {
		t.Errorf("restored:\n%s\nwant the line %q", read("restored.txt"), want)
	}
	msg := strings.TrimSpace(stderr.String())
	if !strings.HasPrefix(msg, "goshim: no system Go found, looked at [go] root") || strings.Count(msg, "\n") != 0 {
		t.Errorf("stderr %q, want one line saying no system Go was found", msg)
	}
}

// TestBatUserOwnsTheSameEntries: Go's Windows installer puts
// C:\Program Files\Go\bin on the user's PATH, which is exactly the toolchain
// entry goshim prepends; the user may also have a policy's PATH entries
// already, or the env's own bin (an inherited, activated PATH). Deactivation
// must take out goshim's copies (at the front, and appended ones at the end)
// and leave the user's, in place, whatever their case: PATH comes back
// exactly, through a plain deactivate and through a reactivation
// (conda#14762: goshim's entries become stale and the next activation takes
// them out). Expected PATHs written by hand.
func TestBatUserOwnsTheSameEntries(t *testing.T) {
	for _, c := range []struct{ name, extra string }{
		{"toolchain and policy entries", ""},
		{"and the env's bin", `C:\envs\same\bin;`},
	} {
		t.Run(c.name, func(t *testing.T) { testBatUserOwns(t, c.extra) })
	}
}

func testBatUserOwns(t *testing.T, extra string) {
	cmdArgv, cmdEnv := batCmd(t)
	dir := t.TempDir()
	pf, goRoot := batProgramFiles(t, dir)
	pol, err := policy.Parse("goshim.toml", []byte("[go]\ntoolchain = \"system\"\n[env]\nPATH = { prepend = ['C:\\p1', 'C:\\p2'], append = ['C:\\x1', 'C:\\x2'] }\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(pol, plan.Options{ID: "same"})
	if err != nil {
		t.Fatal(err)
	}
	writeBatHooks(t, dir, p)
	// the user's own copies: p2 and x1 in the middle, Go's bin last (lower case)
	user := extra + `C:\windows;C:\P2;C:\x1;C:\tools;` + strings.ToLower(goRoot) + `\bin`
	ours := goRoot + `\bin;C:\p1;C:\p2;`
	active := ours + `C:\envs\same\bin;` + user + `;C:\x1;C:\x2`
	act := filepath.Join(dir, "etc", "conda", "activate.d")
	deact := filepath.Join(dir, "etc", "conda", "deactivate.d", "+goshim-same.bat")
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\r\n") }
	activate := func() {
		line(`call "` + filepath.Join(act, "+goshim-same-save.bat") + `"`)
		line(`call "` + filepath.Join(act, "~goshim-same.bat") + `"`)
	}
	line(`@echo off`)
	line(`set "ProgramFiles=` + pf + `"`)
	line(`set "SystemDrive=C:\nowhere"`)
	line(`set "USERPROFILE=C:\nowhere"`)
	line(`set "PATH=` + user + `"`)
	line(`set "CONDA_PREFIX=C:\envs\same"`)
	line(`set "CONDA_SHLVL=1"`)
	line(`set "PATH=C:\envs\same\bin;%PATH%"`)
	activate()
	line(`set PATH>active.txt`)
	// reactivation: deactivate.d sees the env's bin still on PATH, then
	// conda exports the PATH it computed before (goshim's entries in it)
	line(`set "GOSHIM_T_KEEP=%PATH%"`)
	line(`call "` + deact + `"`)
	line(`set "PATH=%GOSHIM_T_KEEP%"`)
	line(`set "GOSHIM_T_KEEP="`)
	activate()
	line(`set PATH>reactivated.txt`)
	// plain deactivate: conda takes out its copy of the env's bin first
	line(`set "PATH=` + ours + user + `;C:\x1;C:\x2"`)
	line(`call "` + deact + `"`)
	line(`set PATH>restored.txt`)
	line(`set _GOSHIM>state.txt 2>nul`)
	line(`exit /b 0`)
	if err := os.WriteFile(filepath.Join(dir, "driver.bat"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := runBat(cmdArgv, cmdEnv, dir, "driver.bat")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "goshim") {
		t.Fatalf("cmd: %v\n%s", err, out)
	}
	pathOf := func(name string) string {
		v, ok := readBatEnv(t, filepath.Join(dir, name)).get("PATH")
		if !ok {
			t.Fatalf("%s: no PATH", name)
		}
		return v
	}
	for _, c := range []struct{ file, want string }{
		{"active.txt", active},
		{"reactivated.txt", active},
		{"restored.txt", user},
	} {
		if got := pathOf(c.file); got != c.want {
			t.Errorf("%s: PATH\n got %s\nwant %s", c.file, got, c.want)
		}
	}
	if state, _ := os.ReadFile(filepath.Join(dir, "state.txt")); len(strings.TrimSpace(string(state))) > 0 {
		t.Errorf("state left after deactivation (a plain deactivate taken for a switch?):\n%s", state)
	}
}

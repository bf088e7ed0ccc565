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

// TestBatRoundTrip CALLs the generated .bat hooks in wine's cmd (Debian
// packages wine and wine64, about 10 s to install and 10 s to create a
// prefix) around a go-cgo-shaped package script, and checks keep/restore
// and the exit status. wine's cmd is a reimplementation of cmd.exe: this
// proves the hooks parse and behave in a cmd, not in Microsoft's.
func TestBatRoundTrip(t *testing.T) {
	wine, err := exec.LookPath("wine")
	if err != nil {
		if strings.Contains(","+os.Getenv("GOSHIM_E2E_REQUIRE")+",", ",cmd,") {
			t.Fatal("cmd is required (GOSHIM_E2E_REQUIRE) but wine is not installed")
		}
		t.Skip("wine not found (apt-get install --no-install-recommends wine wine64): cannot run .bat hooks")
	}
	// no Mono/Gecko install prompts on a headless machine; the prefix is made once
	wineEnv := append(os.Environ(), "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=", "WINEPREFIX="+filepath.Join(os.TempDir(), "goshim-wineprefix"))
	probe := exec.Command("timeout", "300", wine, "cmd", "/c", "exit 0")
	probe.Env = wineEnv
	if out, err := probe.CombinedOutput(); err != nil {
		if strings.Contains(","+os.Getenv("GOSHIM_E2E_REQUIRE")+",", ",cmd,") {
			t.Fatalf("cmd is required (GOSHIM_E2E_REQUIRE) but wine's cmd does not start: %v\n%s", err, out)
		}
		t.Skipf("wine is installed but its cmd does not start here (%v): cannot run .bat hooks\n%s", err, out)
	}
	p, err := plan.Build(policy.Builtin(), plan.Options{ID: "hijack", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}})
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := shell.Lookup("cmd")
	files, err := Files(p, sh)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f.Path))
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
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
	cmd := exec.Command(wine, "cmd", "/c", "driver.bat")
	cmd.Dir = dir
	cmd.Env = wineEnv
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("wine cmd: %v\n%s", err, stderr.String())
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

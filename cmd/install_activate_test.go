package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/shell"
)

// TestInstallThenActivate installs into a hijacking env with `goshim install`
// and activates it in real bash under `set -euo pipefail`, in conda's order:
// what install wrote is what a user's shell runs. (The e2e suite covers every
// flow and shell; this pins the install path itself.)
func TestInstallThenActivate(t *testing.T) {
	needSystemGo(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not found")
	}
	w := newWorld(t)
	// the env's own go, ahead on PATH once active, and a package leaking GOFLAGS
	write(t, w.myenv, "bin/go", "#!/bin/sh\necho conda-go\n")
	os.Chmod(filepath.Join(w.myenv, "bin/go"), 0o755)
	if r := w.run(t, t.TempDir(), "install", "-n", "myenv"); r.code != ExitOK {
		t.Fatalf("install: %d %s", r.code, r.err)
	}
	q := func(s string) string {
		sh, _ := shell.Lookup("sh")
		w, err := sh.Quote(s)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	sorted := func(dir string, reverse bool) []string {
		m, _ := filepath.Glob(filepath.Join(w.myenv, "etc/conda", dir, "*.sh"))
		sort.Strings(m)
		if reverse {
			sort.Sort(sort.Reverse(sort.StringSlice(m)))
		}
		return m
	}
	out := t.TempDir()
	var b strings.Builder
	b.WriteString("src() { . \"$1\"; }\n")
	b.WriteString("export PATH=/usr/bin:/bin GOFLAGS='-v it'\\''s' HOME=" + q(w.home) + "\nunset GOTOOLCHAIN\n")
	b.WriteString("/usr/bin/env | LC_ALL=C sort > " + q(out+"/before") + "\n")
	b.WriteString("export PATH=" + q(w.myenv+"/bin") + ":$PATH CONDA_PREFIX=" + q(w.myenv) + " CONDA_SHLVL=1 GOTOOLCHAIN=local\n")
	for _, s := range sorted("activate.d", false) {
		b.WriteString("src " + q(s) + "\n")
	}
	b.WriteString("command -v go > " + q(out+"/go") + "\n")
	b.WriteString("{ go env GOFLAGS; printf '%s\\n' \"${GOTOOLCHAIN-<unset>}\"; } > " + q(out+"/goenv") + "\n")
	// conda's plain deactivate: the prefix's bin leaves PATH before deactivate.d runs
	b.WriteString("p=:$PATH:; p=${p/:" + q(w.myenv+"/bin") + ":/:}; p=${p#:}; export PATH=${p%:}; unset p\n")
	for _, s := range sorted("deactivate.d", true) {
		b.WriteString("src " + q(s) + "\n")
	}
	b.WriteString("unset CONDA_PREFIX CONDA_SHLVL\n/usr/bin/env | LC_ALL=C sort > " + q(out+"/after") + "\n")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-euo", "pipefail", "-c", b.String())
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	if msg, err := cmd.CombinedOutput(); err != nil || len(msg) > 0 {
		t.Fatalf("bash: %v\n%s", err, msg)
	}
	read := func(name string) string {
		data, _ := os.ReadFile(filepath.Join(out, name))
		return string(data)
	}
	if got := strings.TrimSpace(read("go")); got != systemGoRoot+"/bin/go" {
		t.Errorf("command -v go = %q inside the env, want the system go", got)
	}
	// the package's GOFLAGS and conda's GOTOOLCHAIN=local are undone while active
	if got := read("goenv"); got != "-v it's\n<unset>\n" {
		t.Errorf("go env GOFLAGS, $GOTOOLCHAIN = %q, want the user's GOFLAGS and GOTOOLCHAIN unset", got)
	}
	if before, after := read("before"), read("after"); before != after {
		t.Errorf("environment after deactivate differs:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

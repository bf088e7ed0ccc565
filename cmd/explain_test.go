package cmd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/shell"
)

// runExplain runs `goshim explain` through the command tree.
func runExplain(t *testing.T, dir string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	streams := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Env: map[string]string{"HOME": "/home/u"}, Dir: dir}
	code := Run(streams, append([]string{"explain"}, args...))
	return result{code, out.String(), errb.String()}
}

func TestExplain(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "environment.yml", `name: ml-env
channels: [conda-forge]
dependencies:
  - python=3.11
  - conda-forge::go >=1.22
  - go-cgo_linux-64
  - gcc_linux-64
variables:
  GO111MODULE: auto
`)
	write(t, dir, "goshim.toml", `[go]
root = "~/sdk/go1.22"
[env]
GO111MODULE = "on"
GOFLAGS = { keep = true }
GOCACHE = { default = "${HOME}/.cache/go-build" }
PATH = { prepend = ["~/go/bin"] }
CGO_CFLAGS = { append = ["-I${CONDA_PREFIX}/include"], sep = " " }
`)
	r := runExplain(t, dir, "--shell", "sh")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, s := range []string{
		`Hook set "ml-env" (state: _GOSHIM_ML_ENV_CEE45B__*)`,
		"Inputs: environment.yml (sha256:", "goshim.toml (sha256:",
		"Toolchain: system",
		`[go] root = "~/sdk/go1.22"`, `sh  "${HOME-}"'/sdk/go1.22'`,
		// each variable, its action, and the value as sh reads it
		`GO111MODULE  set "on" while active`, "      sh  'on'",
		"conda exports it before goshim runs (environment.yml:9 variables): goshim's value wins while active",
		`environment.yml:9 variables: conda exports GO111MODULE="auto" before any hook runs`,
		"GOFLAGS  keep: the value from before `conda activate`",
		`go-cgo_linux-64 (environment.yml:6): exports GOFLAGS="-modcacherw -buildmode=pie -trimpath" and leaves it set after deactivation`,
		`GOCACHE  default "${HOME}/.cache/go-build"`, `sh  "${HOME-}"'/.cache/go-build'`,
		`append "-I${CONDA_PREFIX}/include"`, `sh  '-I'"${CONDA_PREFIX-}"'/include'`,
		`prepend "~/go/bin"`,
		// the toolchain guards against conda's go, named once
		"conda-forge::go >=1.22 (environment.yml:5): puts its own go first on PATH",
		// what the env changes and the policy leaves alone
		"Not managed by the policy",
		"GOTOOLCHAIN\n      conda-forge::go >=1.22 (environment.yml:5): exports GOTOOLCHAIN=local",
		"CC, CFLAGS, CPP, CPPFLAGS, CXX, CXXFLAGS, LD, LDFLAGS\n      gcc_linux-64 (environment.yml:7)",
		// hook file names
		"sh  etc/conda/activate.d/+goshim-ml-env-save.sh  (first on activation: saves)",
		"etc/conda/activate.d/~goshim-ml-env.sh       (last on activation: applies)",
		"etc/conda/deactivate.d/+goshim-ml-env.sh     (last on deactivation: restores)",
		"Notes:",
	} {
		if !strings.Contains(r.out, s) {
			t.Errorf("explain output lacks %q", s)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", r.out)
	}
	if strings.Contains(r.out, "installs conda-forge's go") {
		t.Error("go is listed in environment.yml: go-cgo should not be blamed for it again")
	}
}

func TestExplainEmbeddedDefault(t *testing.T) {
	r := runExplain(t, t.TempDir(), "--shell", "sh")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, s := range []string{`Hook set "goshim"`, "Inputs: embedded default policy", "GOPATH  keep:", "GOTOOLCHAIN  keep:",
		"etc/conda/activate.d/+goshim-goshim-save.sh"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
	if strings.Contains(r.out, "Not managed") {
		t.Error("no environment.yml: nothing to report as not managed")
	}
}

func TestExplainEveryShell(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "goshim.toml", "[env]\nGOFLAGS = \"-mod=mod\"\n")
	var names []string
	for _, sh := range shell.All() {
		names = append(names, sh.Name())
	}
	r := runExplain(t, dir, "--shell", strings.Join(names, ","))
	for _, sh := range shell.All() {
		if !strings.Contains(r.out, "  "+sh.Name()+" ") {
			t.Errorf("no line for shell %s", sh.Name())
		}
	}
	if r.code != ExitOK {
		// a shell whose template is missing is reported in place, with exit 2
		if !strings.Contains(r.out, "cannot render") {
			t.Errorf("exit %d without saying which shell failed:\n%s%s", r.code, r.out, r.err)
		}
	}
}

func TestExplainValueAShellCannotHold(t *testing.T) {
	if _, err := shell.Lookup("pwsh"); err != nil {
		t.Skip("no pwsh dialect in this build")
	}
	dir := t.TempDir()
	write(t, dir, "goshim.toml", "[env]\nGOFLAGS = \"\"\n")
	r := runExplain(t, dir, "--shell", "sh,pwsh")
	if r.code != ExitInput {
		t.Errorf("exit %d, want %d", r.code, ExitInput)
	}
	if !strings.Contains(r.out, "sh    ''") || !strings.Contains(r.out, "pwsh  error: pwsh cannot hold an empty value") {
		t.Errorf("values per shell:\n%s", r.out)
	}
	if !strings.Contains(r.err, "cannot be generated for every shell") {
		t.Errorf("stderr %q", r.err)
	}
}

func TestExplainBadInput(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "goshim.toml", "[env]\nGOPATH = { kept = true }\n")
	if r := runExplain(t, dir); r.code != ExitInput || !strings.Contains(r.err, `goshim.toml:2: unknown key "kept"`) {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
	if r := runExplain(t, dir, "--shell", "nushell"); r.code != ExitInput {
		t.Errorf("unknown shell: exit %d", r.code)
	}
}

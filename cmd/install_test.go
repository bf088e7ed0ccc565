package cmd

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/goshim/goshim/internal/manifest"
	"github.com/goshim/goshim/shim/shell"
)

var shellAll = shell.All

// condaWorld is a fake conda installation: a root with a .condarc naming an
// extra envs dir, envs in both, and an environments.txt entry.
type condaWorld struct {
	home, root, myenv, other string
	env                      map[string]string
}

func newWorld(t *testing.T) *condaWorld {
	t.Helper()
	w := &condaWorld{home: t.TempDir()}
	w.root = filepath.Join(w.home, "miniforge3")
	w.myenv = filepath.Join(w.root, "envs", "myenv")
	w.other = filepath.Join(w.home, "projects", "envs", "other")
	for _, d := range []string{w.root, w.myenv, w.other} {
		if err := os.MkdirAll(filepath.Join(d, "conda-meta"), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, d, "conda-meta/history", "")
	}
	write(t, w.home, ".condarc", "envs_dirs:\n  - ~/projects/envs\n")
	// conda-forge go's env_vars.d, and a package script that sets a Go variable
	write(t, w.myenv, "etc/conda/env_vars.d/go.json", "{\n  \"GOTOOLCHAIN\": \"local\"\n}\n")
	write(t, w.myenv, "etc/conda/activate.d/activate-z61-go-cgo.sh", "export GOFLAGS=-trimpath\n")
	w.env = map[string]string{"HOME": w.home, "CONDA_EXE": filepath.Join(w.root, "bin", "conda")}
	return w
}

func (w *condaWorld) run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(&IO{In: strings.NewReader(""), Out: &out, Err: &errb, Env: w.env, Dir: dir}, args)
	return result{code, out.String(), errb.String()}
}

// snapshot records every path below dir with its mode and content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	s := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		entry := info.Mode().String()
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			entry += " " + string(b)
		}
		s[rel] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sameTree(t *testing.T, want, got map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s changed or vanished", k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s left behind", k)
		}
	}
}

func TestInstallUninstallRoundTrip(t *testing.T) {
	w := newWorld(t)
	before := snapshot(t, w.myenv)
	r := w.run(t, t.TempDir(), "install", "-n", "myenv")
	if r.code != ExitOK {
		t.Fatalf("install: exit %d: %s", r.code, r.err)
	}
	if !strings.Contains(r.out, `installed hook set "myenv"`) {
		t.Errorf("install output: %s", r.out)
	}
	// what conda will set around goshim, and the package script, are reported
	if !strings.Contains(r.err, "GOTOOLCHAIN") || !strings.Contains(r.err, "etc/conda/env_vars.d/go.json") {
		t.Errorf("no note about conda's GOTOOLCHAIN: %s", r.err)
	}
	if !strings.Contains(r.err, "etc/conda/activate.d/activate-z61-go-cgo.sh:1 sets GOFLAGS") {
		t.Errorf("no note about the package script: %s", r.err)
	}
	m, err := manifest.Read(w.myenv, "myenv")
	if err != nil || m == nil {
		t.Fatalf("manifest: %v", err)
	}
	for _, f := range m.Files {
		info, err := os.Stat(filepath.Join(w.myenv, f.Path))
		if err != nil || info.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v mode %v, want 0644", f.Path, err, info.Mode())
		}
	}
	if info, _ := os.Stat(filepath.Join(w.myenv, "etc/goshim")); info.Mode().Perm() != 0o755 {
		t.Errorf("etc/goshim mode %v, want 0755", info.Mode())
	}
	if len(m.Files) == 0 || len(m.Modified(w.myenv)) != 0 {
		t.Errorf("manifest files %v, modified %v", m.Files, m.Modified(w.myenv))
	}
	// the hooks were generated knowing conda exports GOTOOLCHAIN in this prefix
	save, _ := os.ReadFile(filepath.Join(w.myenv, "etc/conda/activate.d/+goshim-myenv-save.sh"))
	if !bytes.Contains(save, []byte("__CONDA_SHLVL_${_goshim_lvl}_GOTOOLCHAIN")) {
		t.Error("save hook does not read conda's backup of GOTOOLCHAIN")
	}

	installed := snapshot(t, w.myenv)
	if r := w.run(t, t.TempDir(), "install", "-n", "myenv"); r.code != ExitOK || !strings.Contains(r.out, "up to date") {
		t.Errorf("second install: %d %q", r.code, r.out)
	}
	sameTree(t, installed, snapshot(t, w.myenv))

	if r := w.run(t, t.TempDir(), "uninstall", "-n", "myenv"); r.code != ExitOK {
		t.Fatalf("uninstall: %d %s", r.code, r.err)
	}
	sameTree(t, before, snapshot(t, w.myenv))
}

func TestInstallFindsEnvs(t *testing.T) {
	w := newWorld(t)
	// an env in an envs_dirs of ~/.condarc, by name
	if r := w.run(t, t.TempDir(), "install", "-n", "other", "--shell", "sh"); r.code != ExitOK {
		t.Fatalf("install -n other: %d %s", r.code, r.err)
	}
	if _, err := os.Stat(filepath.Join(w.other, "etc/goshim/other.json")); err != nil {
		t.Error(err)
	}
	// by path, with ~
	if r := w.run(t, t.TempDir(), "install", "-p", "~/miniforge3/envs/myenv", "--shell", "sh"); r.code != ExitOK {
		t.Fatalf("install -p ~/...: %d %s", r.code, r.err)
	}
	// base
	if r := w.run(t, t.TempDir(), "install", "-n", "base", "--shell", "sh"); r.code != ExitOK {
		t.Fatalf("install -n base: %d %s", r.code, r.err)
	}
	// from environment.yml's name, with the hook set named after it
	dir := t.TempDir()
	write(t, dir, "environment.yml", "name: myenv\ndependencies: [go]\n")
	if r := w.run(t, dir, "install", "--shell", "sh", "--dry-run"); r.code != ExitOK || !strings.Contains(r.out, w.myenv) {
		t.Errorf("install from environment.yml: %d %s %s", r.code, r.out, r.err)
	}
	// the active env
	w.env["CONDA_PREFIX"] = w.other
	if r := w.run(t, t.TempDir(), "install", "--shell", "sh", "--dry-run"); r.code != ExitOK || !strings.Contains(r.out, "up to date") {
		t.Errorf("install into the active env: %d %s %s", r.code, r.out, r.err)
	}
}

func TestInstallErrors(t *testing.T) {
	w := newWorld(t)
	notEnv := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown name", []string{"-n", "myenw"}, `did you mean "myenv"?`},
		{"missing prefix", []string{"-p", filepath.Join(notEnv, "nope")}, "does not exist"},
		{"not a conda env", []string{"-p", notEnv}, "not a conda environment: no conda-meta/"},
		{"no env at all", nil, "no conda env given: pass -n NAME or -p PREFIX"},
		{"both -n and -p", []string{"-n", "myenv", "-p", w.myenv}, "-n and -p name two envs; give one"},
		{"bad policy", []string{"-n", "myenv", "--policy", "bad.toml"}, "bad.toml:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, "bad.toml", "GOPATH = 1\n")
			before := snapshot(t, w.myenv)
			r := w.run(t, dir, append([]string{"install"}, tt.args...)...)
			if r.code != ExitInput || !strings.Contains(r.err, tt.want) {
				t.Errorf("exit %d, stderr %q, want 2 and %q", r.code, r.err, tt.want)
			}
			sameTree(t, before, snapshot(t, w.myenv))
		})
	}
}

func TestInstallNeverClobbers(t *testing.T) {
	w := newWorld(t)
	foreign := filepath.Join(w.myenv, "etc/conda/activate.d/~goshim-myenv.sh")
	write(t, w.myenv, "etc/conda/activate.d/~goshim-myenv.sh", "# a user's own script with goshim's name\n")
	before := snapshot(t, w.myenv)
	r := w.run(t, t.TempDir(), "install", "-n", "myenv")
	if r.code != ExitInput || !strings.Contains(r.err, "etc/conda/activate.d/~goshim-myenv.sh") || !strings.Contains(r.err, "--force") {
		t.Fatalf("foreign file: exit %d %q", r.code, r.err)
	}
	sameTree(t, before, snapshot(t, w.myenv))
	if r := w.run(t, t.TempDir(), "install", "-n", "myenv", "--force"); r.code != ExitOK {
		t.Fatalf("--force: %d %s", r.code, r.err)
	}
	// a file goshim wrote, edited by hand since: refused again
	b, _ := os.ReadFile(foreign)
	os.WriteFile(foreign, append(b, "# edited\n"...), 0o644)
	if r := w.run(t, t.TempDir(), "install", "-n", "myenv", "--policy", writeTemp(t, "[env]\nGOFLAGS = \"-mod=mod\"\n")); r.code != ExitInput {
		t.Errorf("edited hook replaced without --force: %d", r.code)
	}
	if r := w.run(t, t.TempDir(), "uninstall", "-n", "myenv"); r.code != ExitProblem || !strings.Contains(r.err, "~goshim-myenv.sh") {
		t.Errorf("uninstall of an edited hook: %d %q", r.code, r.err)
	}
	if r := w.run(t, t.TempDir(), "uninstall", "-n", "myenv", "--force"); r.code != ExitOK {
		t.Errorf("uninstall --force: %d %q", r.code, r.err)
	}
}

func writeTemp(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "goshim.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInstallNewInputsReplaceOnlyGoshimFiles(t *testing.T) {
	w := newWorld(t)
	w.run(t, t.TempDir(), "install", "-n", "myenv", "--shell", "sh,fish")
	pkg := snapshot(t, filepath.Join(w.myenv, "etc/conda/env_vars.d"))
	r := w.run(t, t.TempDir(), "install", "-n", "myenv", "--shell", "sh", "--policy", writeTemp(t, "[env]\nGOFLAGS = \"-mod=mod\"\n"))
	if r.code != ExitOK || !strings.Contains(r.out, "3 updated, 3 removed") {
		t.Fatalf("reinstall: %d %s %s", r.code, r.out, r.err)
	}
	for _, f := range []string{"+goshim-myenv-save.fish", "~goshim-myenv.fish"} {
		if _, err := os.Stat(filepath.Join(w.myenv, "etc/conda/activate.d", f)); err == nil {
			t.Errorf("%s of the old install is still there", f)
		}
	}
	if _, err := os.Stat(filepath.Join(w.myenv, "etc/conda/activate.d/activate-z61-go-cgo.sh")); err != nil {
		t.Error("a package's script was touched")
	}
	sameTree(t, pkg, snapshot(t, filepath.Join(w.myenv, "etc/conda/env_vars.d")))
}

func TestInstallDryRun(t *testing.T) {
	w := newWorld(t)
	before := snapshot(t, w.myenv)
	r := w.run(t, t.TempDir(), "install", "-n", "myenv", "--shell", "sh", "--dry-run")
	if r.code != ExitOK || !strings.Contains(r.out, "create "+w.myenv) || !strings.Contains(r.out, "+++ b/etc/conda/activate.d/~goshim-myenv.sh") || !strings.Contains(r.out, "nothing written") {
		t.Errorf("dry run: %d\n%s", r.code, r.out)
	}
	sameTree(t, before, snapshot(t, w.myenv))
	w.run(t, t.TempDir(), "install", "-n", "myenv", "--shell", "sh")
	r = w.run(t, t.TempDir(), "install", "-n", "myenv", "--shell", "sh", "--dry-run", "--policy", writeTemp(t, "[env]\nGOFLAGS = \"-mod=mod\"\n"))
	if !strings.Contains(r.out, "update ") || !strings.Contains(r.out, "+export GOFLAGS='-mod=mod'") {
		t.Errorf("dry run of a change shows no diff:\n%s", r.out)
	}
}

func TestInstallCommittedHooks(t *testing.T) {
	w := newWorld(t)
	repo := t.TempDir()
	if r := runIn(t, repo, "generate", "--id", "team"); r.code != ExitOK {
		t.Fatal(r.err)
	}
	r := w.run(t, repo, "install", "-n", "myenv", "--hooks", "goshim-hooks")
	if r.code != ExitOK {
		t.Fatalf("--hooks: %d %s", r.code, r.err)
	}
	want := tree(t, filepath.Join(repo, "goshim-hooks"))
	for rel, body := range want {
		got, err := os.ReadFile(filepath.Join(w.myenv, rel))
		if err != nil || string(got) != body {
			t.Errorf("%s not installed as committed", rel)
		}
	}
	// a hand-edited header is refused
	p := filepath.Join(repo, "goshim-hooks/etc/conda/activate.d/~goshim-team.sh")
	os.WriteFile(p, []byte("echo hi\n"), 0o644)
	if r := w.run(t, repo, "install", "-n", "myenv", "--hooks", "goshim-hooks"); r.code != ExitInput || !strings.Contains(r.err, "no goshim header") {
		t.Errorf("headerless hook: %d %q", r.code, r.err)
	}
}

func TestInstallRecipeMode(t *testing.T) {
	w := newWorld(t)
	r := w.run(t, t.TempDir(), "install", "-p", w.myenv, "--package", "go-shim-hooks")
	if r.code != ExitOK {
		t.Fatalf("recipe mode: %d %s", r.code, r.err)
	}
	m, _ := manifest.Read(w.myenv, "go-shim-hooks")
	if m == nil || m.Source != "package:go-shim-hooks" {
		t.Fatalf("manifest %+v", m)
	}
	exts := map[string]bool{}
	for _, f := range m.Files {
		if !strings.Contains(f.Path, "goshim-go-shim-hooks") {
			t.Errorf("%s is not named after the package", f.Path)
		}
		exts[filepath.Ext(f.Path)] = true
		body, _ := os.ReadFile(filepath.Join(w.myenv, f.Path))
		if bytes.Contains(body, []byte(w.home)) {
			t.Errorf("%s holds a path of the build machine", f.Path)
		}
	}
	for _, sh := range []string{".sh", ".fish", ".ps1"} {
		if !exts[sh] && shellRegistered(sh) {
			t.Errorf("no %s hooks in recipe mode", sh)
		}
	}
	// the build prefix's env_vars are the build env's, not the user's: not read
	if strings.Contains(r.err, "env_vars.d/go.json") {
		t.Errorf("recipe mode read the build prefix's env_vars: %s", r.err)
	}
}

func TestInstallConcurrentProcesses(t *testing.T) {
	w := newWorld(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([]string, 4)
	codes := make([]error, 4)
	for i := range outs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			pol := writeTemp(t, fmt.Sprintf("[env]\nGOFLAGS = \"-v%d\"\n", i))
			cmd := exec.Command(exe, "install", "-n", "myenv", "--shell", "sh", "--policy", pol, "--force")
			cmd.Env = append(os.Environ(), "GOSHIM_TEST_MAIN=1", "HOME="+w.home, "CONDA_EXE="+w.env["CONDA_EXE"])
			out, err := cmd.CombinedOutput()
			outs[i], codes[i] = string(out), err
		}(i)
	}
	wg.Wait()
	for i, err := range codes {
		if err != nil {
			t.Errorf("install %d: %v\n%s", i, err, outs[i])
		}
	}
	// whichever ran last, the prefix holds one whole, consistent install
	m, err := manifest.Read(w.myenv, "myenv")
	if err != nil || m == nil {
		t.Fatalf("manifest after concurrent installs: %v", err)
	}
	if mod := m.Modified(w.myenv); len(mod) != 0 {
		t.Errorf("files disagree with the manifest after concurrent installs: %v", mod)
	}
	leftovers, _ := filepath.Glob(filepath.Join(w.myenv, "etc/conda/*/.goshim-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestInstallReadOnlyPrefix(t *testing.T) {
	w := newWorld(t)
	if os.Geteuid() != 0 {
		// as a normal user, a read-only folder is enough
		if err := os.Chmod(w.myenv, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(w.myenv, 0o755)
	} else {
		// root writes through permissions: make the prefix a read-only bind mount
		if out, err := exec.Command("mount", "--bind", w.myenv, w.myenv).CombinedOutput(); err != nil {
			t.Skipf("running as root and cannot bind-mount read-only here (%v %s): no way to make a read-only prefix", err, out)
		}
		defer exec.Command("umount", w.myenv).Run()
		if out, err := exec.Command("mount", "-o", "remount,ro,bind", w.myenv).CombinedOutput(); err != nil {
			t.Skipf("cannot remount read-only: %v %s", err, out)
		}
	}
	before := snapshot(t, w.myenv)
	r := w.run(t, t.TempDir(), "install", "-n", "myenv")
	if r.code != ExitInput || !strings.Contains(r.err, "cannot install into") {
		t.Errorf("read-only prefix: exit %d %q", r.code, r.err)
	}
	sameTree(t, before, snapshot(t, w.myenv))
}

func shellRegistered(ext string) bool {
	for _, sh := range shellAll() {
		if sh.Ext() == ext {
			return true
		}
	}
	return false
}

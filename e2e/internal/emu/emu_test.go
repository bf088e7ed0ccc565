package emu

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// The tests here hold the model to shared/docs/conda-activation.md §1-2.

type fakeEnv struct {
	prefix string
	names  []string // activate.d/deactivate.d scripts, without extension
}

func mkenv(t *testing.T, root, name string, envVarsD map[string]string, state string, scripts ...string) fakeEnv {
	t.Helper()
	p := filepath.Join(root, "envs", name)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"conda-meta", "etc/conda/activate.d", "etc/conda/deactivate.d", "etc/conda/env_vars.d"} {
		must(os.MkdirAll(filepath.Join(p, d), 0o755))
	}
	must(os.WriteFile(filepath.Join(p, "conda-meta", "history"), nil, 0o644))
	for f, body := range envVarsD {
		must(os.WriteFile(filepath.Join(p, "etc/conda/env_vars.d", f), []byte(body), 0o644))
	}
	if state != "" {
		must(os.WriteFile(filepath.Join(p, "conda-meta", "state"), []byte(state), 0o644))
	}
	for _, s := range scripts {
		for _, d := range []string{"activate.d", "deactivate.d"} {
			must(os.WriteFile(filepath.Join(p, "etc/conda", d, s), nil, 0o644))
		}
	}
	return fakeEnv{prefix: p, names: scripts}
}

func newActivator(t *testing.T, root string, env map[string]string, f Flavor) *Activator {
	t.Helper()
	d, err := DialectFor("bash", "linux")
	if err != nil {
		t.Fatal(err)
	}
	e := map[string]string{}
	for k, v := range env {
		e[k] = v
	}
	return &Activator{
		Sys:    System{GOOS: "linux", RootPrefix: filepath.Join(root, "root"), Exe: filepath.Join(root, "root/bin/conda"), Cwd: root, ChangePS1: true},
		Flavor: f, Dialect: d, Environ: e,
	}
}

func scriptNames(paths []string) []string {
	out := []string{}
	for _, p := range paths {
		out = append(out, filepath.Base(p))
	}
	return out
}

func exported(c *Commands) map[string]string {
	m := map[string]string{}
	for _, kv := range c.ExportVars {
		m[kv.Name] = kv.Value
	}
	return m
}

func exportIndex(c *Commands, name string) int {
	for i, kv := range c.ExportVars {
		if kv.Name == name {
			return i
		}
	}
	return -1
}

func TestScriptOrder(t *testing.T) {
	root := t.TempDir()
	e := mkenv(t, root, "x", nil, "", "za.sh", "~a.sh", "_a.sh", "Aa.sh", "0a.sh", "-a.sh", "+a.sh", "!a.sh", "b.fish", "c.ps1", "d.txt")
	a := newActivator(t, root, map[string]string{"PATH": "/usr/bin"}, Conda)
	c, err := a.Activate(e.prefix, false)
	if err != nil {
		t.Fatal(err)
	}
	// §2: code-point order, `-` < digits < uppercase < `_` < lowercase; only .sh
	want := []string{"!a.sh", "+a.sh", "-a.sh", "0a.sh", "Aa.sh", "_a.sh", "za.sh", "~a.sh"}
	if got := scriptNames(c.ActivateScripts); !reflect.DeepEqual(got, want) {
		t.Errorf("activate.d order = %v, want %v", got, want)
	}
	a = newActivator(t, root, map[string]string{"PATH": e.prefix + "/bin:/usr/bin", "CONDA_PREFIX": e.prefix, "CONDA_SHLVL": "1"}, Conda)
	c, err = a.Deactivate()
	if err != nil {
		t.Fatal(err)
	}
	rev := append([]string{}, want...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if got := scriptNames(c.DeactivateScripts); !reflect.DeepEqual(got, rev) {
		t.Errorf("deactivate.d order = %v, want %v (reverse)", got, rev)
	}
	d, _ := DialectFor("fish", "linux")
	a.Dialect = d
	c, _ = a.Deactivate()
	if got := scriptNames(c.DeactivateScripts); !reflect.DeepEqual(got, []string{"b.fish"}) {
		t.Errorf("fish runs %v, want only b.fish", got)
	}
}

// TestTable is the table of §1: which scripts run and where PATH is exported.
func TestTable(t *testing.T) {
	root := t.TempDir()
	A := mkenv(t, root, "A", map[string]string{"go.json": `{"GOTOOLCHAIN": "local"}`}, "", "s.sh")
	B := mkenv(t, root, "B", nil, `{"env_vars": {"GOPROXY": "off"}}`, "s.sh")
	base := "/usr/local/go/bin:/usr/bin:/bin"
	condabin := filepath.Join(root, "root", "condabin")

	t.Run("activate from nothing", func(t *testing.T) {
		a := newActivator(t, root, map[string]string{"PATH": condabin + ":" + base}, Conda)
		c, err := a.Activate(A.prefix, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.DeactivateScripts) != 0 || len(c.ExportPath) != 0 {
			t.Errorf("deactivate scripts %v, export_path %v: want none", c.DeactivateScripts, c.ExportPath)
		}
		if c.ExportVars[0].Name != "PATH" || c.ExportVars[0].Value != A.prefix+"/bin:"+condabin+":"+base {
			t.Errorf("first export = %+v, want PATH with the env's bin first", c.ExportVars[0])
		}
		x := exported(c)
		if x["CONDA_PREFIX"] != A.prefix || x["CONDA_SHLVL"] != "1" || x["GOTOOLCHAIN"] != "local" || x["CONDA_DEFAULT_ENV"] != "A" {
			t.Errorf("exports = %v", x)
		}
		if exportIndex(c, "GOTOOLCHAIN") < exportIndex(c, "CONDA_PREFIX") {
			t.Errorf("env_vars must follow conda's own exports")
		}
		if got := scriptNames(c.ActivateScripts); !reflect.DeepEqual(got, []string{"s.sh"}) {
			t.Errorf("activate scripts = %v", got)
		}
	})
	t.Run("first activation adds condabin when missing", func(t *testing.T) {
		a := newActivator(t, root, map[string]string{"PATH": base}, Conda)
		c, _ := a.Activate(A.prefix, false)
		if got := exported(c)["PATH"]; got != A.prefix+"/bin:"+condabin+":"+base {
			t.Errorf("PATH = %s", got)
		}
	})
	active := func(extra map[string]string) map[string]string {
		m := map[string]string{
			"PATH": "/usr/local/go/bin:" + A.prefix + "/bin:" + condabin + ":" + base, "CONDA_PREFIX": A.prefix,
			"CONDA_SHLVL": "1", "CONDA_DEFAULT_ENV": "A", "GOTOOLCHAIN": "local",
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	t.Run("stack", func(t *testing.T) {
		a := newActivator(t, root, active(nil), Conda)
		c, err := a.Activate(B.prefix, true)
		if err != nil {
			t.Fatal(err)
		}
		x := exported(c)
		if len(c.DeactivateScripts) != 0 || x["CONDA_STACKED_2"] != "true" || x["CONDA_PREFIX_1"] != A.prefix || x["CONDA_SHLVL"] != "2" {
			t.Errorf("stack: deactivate %v, exports %v", c.DeactivateScripts, x)
		}
		if x["PATH"] != B.prefix+"/bin:"+active(nil)["PATH"] {
			t.Errorf("stack PATH = %s", x["PATH"])
		}
	})
	t.Run("switch", func(t *testing.T) {
		a := newActivator(t, root, active(nil), Conda)
		c, err := a.Activate(B.prefix, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := scriptNames(c.DeactivateScripts); !reflect.DeepEqual(got, []string{"s.sh"}) || !strings.HasPrefix(c.DeactivateScripts[0], A.prefix) {
			t.Errorf("switch runs A's deactivate.d first: %v", c.DeactivateScripts)
		}
		if len(c.ExportPath) != 0 {
			t.Errorf("switch exports PATH after the scripts, not before: %v", c.ExportPath)
		}
		x := exported(c)
		// computed before the scripts: A's bin replaced in place, everything else kept
		if want := "/usr/local/go/bin:" + B.prefix + "/bin:" + condabin + ":" + base; x["PATH"] != want {
			t.Errorf("switch PATH = %s, want %s", x["PATH"], want)
		}
		if x["CONDA_SHLVL"] != "2" || x["CONDA_PREFIX_1"] != A.prefix {
			t.Errorf("switch increments CONDA_SHLVL and keeps A as CONDA_PREFIX_1: %v", x)
		}
		// conda#11726: A's env_vars are not unset
		for _, u := range c.UnsetVars {
			if u == "GOTOOLCHAIN" {
				t.Errorf("switch unsets A's env_vars")
			}
		}
		if x["__CONDA_SHLVL_1_GOTOOLCHAIN"] != "" {
			t.Errorf("backup of a variable B does not export")
		}
	})
	t.Run("reactivate", func(t *testing.T) {
		a := newActivator(t, root, active(nil), Conda)
		c, err := a.Activate(A.prefix, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.DeactivateScripts) != 1 || len(c.ActivateScripts) != 1 || len(c.ExportPath) != 0 {
			t.Errorf("reactivate: deactivate %v, activate %v, export_path %v", c.DeactivateScripts, c.ActivateScripts, c.ExportPath)
		}
		x := exported(c)
		if x["PATH"] != active(nil)["PATH"] || x["GOTOOLCHAIN"] != "local" {
			t.Errorf("reactivate exports %v", x)
		}
		for k := range x {
			if strings.HasPrefix(k, "__CONDA_SHLVL_") {
				t.Errorf("reactivate exports a backup %s", k)
			}
		}
	})
	t.Run("deactivate to nothing", func(t *testing.T) {
		a := newActivator(t, root, active(map[string]string{"__CONDA_SHLVL_0_GOTOOLCHAIN": "auto"}), Conda)
		c, err := a.Deactivate()
		if err != nil {
			t.Fatal(err)
		}
		if len(c.ExportPath) != 1 || c.ExportPath[0].Value != "/usr/local/go/bin:"+condabin+":"+base {
			t.Errorf("export_path = %v: want PATH without A's bin, before the scripts", c.ExportPath)
		}
		if len(c.ActivateScripts) != 0 || len(c.DeactivateScripts) != 1 {
			t.Errorf("scripts: %v %v", c.DeactivateScripts, c.ActivateScripts)
		}
		if exported(c)["GOTOOLCHAIN"] != "auto" || !containsStr(c.UnsetVars, "GOTOOLCHAIN") {
			t.Errorf("GOTOOLCHAIN: unset then the backup exported, got unset %v exports %v", c.UnsetVars, exported(c))
		}
	})
	t.Run("deactivate stacked", func(t *testing.T) {
		env := active(map[string]string{
			"PATH": B.prefix + "/bin:" + active(nil)["PATH"], "CONDA_PREFIX": B.prefix, "CONDA_SHLVL": "2",
			"CONDA_PREFIX_1": A.prefix, "CONDA_STACKED_2": "true", "GOPROXY": "off",
		})
		a := newActivator(t, root, env, Conda)
		c, err := a.Deactivate()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.DeactivateScripts[0], B.prefix) || len(c.ActivateScripts) != 1 || !strings.HasPrefix(c.ActivateScripts[0], A.prefix) {
			t.Errorf("stacked deactivate: B's deactivate.d then A's activate.d again; got %v %v", c.DeactivateScripts, c.ActivateScripts)
		}
		if c.ExportPath[0].Value != active(nil)["PATH"] {
			t.Errorf("PATH = %s", c.ExportPath[0].Value)
		}
		x := exported(c)
		if x["CONDA_PREFIX"] != A.prefix || x["GOTOOLCHAIN"] != "local" || !containsStr(c.UnsetVars, "CONDA_STACKED_2") {
			t.Errorf("exports %v unsets %v", x, c.UnsetVars)
		}
	})
	t.Run("deactivate nested", func(t *testing.T) {
		env := active(map[string]string{
			"PATH": "/usr/local/go/bin:" + B.prefix + "/bin:" + condabin + ":" + base, "CONDA_PREFIX": B.prefix, "CONDA_SHLVL": "2",
			"CONDA_PREFIX_1": A.prefix,
		})
		a := newActivator(t, root, env, Conda)
		c, _ := a.Deactivate()
		if c.ExportPath[0].Value != active(nil)["PATH"] {
			t.Errorf("nested deactivate replaces B's bin with A's in place: PATH = %s", c.ExportPath[0].Value)
		}
	})
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestBackups: conda saves what it clobbers as __CONDA_SHLVL_<old>_NAME, and
// on deactivate restores it after the scripts, only when non-empty (26.7),
// or whenever it exists (older releases).
func TestBackups(t *testing.T) {
	root := t.TempDir()
	A := mkenv(t, root, "A", map[string]string{"go.json": `{"GOTOOLCHAIN": "local", "GOFLAGS": "-x"}`}, "")
	a := newActivator(t, root, map[string]string{"PATH": "/bin", "GOTOOLCHAIN": "", "GOFLAGS": "-v"}, Conda)
	c, _ := a.Activate(A.prefix, false)
	x := exported(c)
	if v, ok := x["__CONDA_SHLVL_0_GOTOOLCHAIN"]; !ok || v != "" {
		t.Errorf("empty value clobbered: backup %q %v", v, ok)
	}
	if x["__CONDA_SHLVL_0_GOFLAGS"] != "-v" {
		t.Errorf("backup of GOFLAGS = %q", x["__CONDA_SHLVL_0_GOFLAGS"])
	}
	env := map[string]string{"PATH": A.prefix + "/bin:/bin", "CONDA_PREFIX": A.prefix, "CONDA_SHLVL": "1",
		"GOTOOLCHAIN": "local", "GOFLAGS": "-x", "__CONDA_SHLVL_0_GOTOOLCHAIN": "", "__CONDA_SHLVL_0_GOFLAGS": "-v"}
	for _, f := range []Flavor{Conda, CondaLegacy} {
		a := newActivator(t, root, env, f)
		c, _ := a.Deactivate()
		x := exported(c)
		_, restored := x["GOTOOLCHAIN"]
		if restored != f.RestoreEmptyBackups || x["GOFLAGS"] != "-v" {
			t.Errorf("%+v: exports %v", f, x)
		}
		for k := range x {
			if strings.HasPrefix(k, "__CONDA_SHLVL_") {
				t.Errorf("backups are never cleared, not re-exported: %s", k)
			}
		}
	}
}

func TestPosixUnsetStyle(t *testing.T) {
	d, _ := DialectFor("posix", "linux")
	c := &Commands{UnsetVars: []string{"X"}}
	for f, want := range map[Flavor]string{Conda: "export X=''\n", CondaLegacy: "unset X\n"} {
		if got, _ := d.Render(c, f); got != want {
			t.Errorf("%+v: %q, want %q", f, got, want)
		}
	}
	for _, sh := range []string{"fish", "csh", "powershell", "xonsh"} {
		d, _ := DialectFor(sh, "linux")
		if got, _ := d.Render(c, Conda); strings.Contains(got, "''") {
			t.Errorf("%s: unset renders as %q: only posix writes export X=''", sh, got)
		}
	}
}

// TestRenderOrder is _yield_commands' order.
func TestRenderOrder(t *testing.T) {
	d, _ := DialectFor("posix", "linux")
	c := &Commands{
		ExportPath:        []KV{{Name: "PATH", Value: "/p"}},
		DeactivateScripts: []string{"/d.sh"},
		UnsetVars:         []string{"U"},
		SetVars:           []KV{{Name: "PS1", Value: "(x) "}},
		ExportVars:        []KV{{Name: "E", Value: "v"}},
		ActivateScripts:   []string{"/a.sh"},
	}
	got, _ := d.Render(c, Conda)
	want := "export PATH='/p'\n. '/d.sh'\nexport U=''\nPS1='(x) '\nexport E='v'\n. '/a.sh'\n"
	if got != want {
		t.Errorf("render:\n%s\nwant:\n%s", got, want)
	}
}

// TestQuotingRoundTrip runs each dialect's export of a hostile value in
// the real shell, where installed, and reads the value back.
func TestQuotingRoundTrip(t *testing.T) {
	value := "it's \"dq\" `touch canary` $(touch canary) ${HOME} \\ ; & | * ? ~ # % ! ü ✓ ‘q’\nline2"
	for _, tc := range []struct {
		dialect, shell string
		args           []string
		newline        bool
	}{
		{"posix", "bash", []string{"--norc", "-c"}, true},
		{"posix", "dash", []string{"-c"}, true},
		{"posix", "zsh", []string{"-f", "-c"}, true},
		{"fish", "fish", []string{"--no-config", "-c"}, true},
		{"csh", "tcsh", []string{"-f", "-c"}, false},
		{"xonsh", "xonsh", []string{"--no-rc", "-c"}, true},
	} {
		bin, err := exec.LookPath(tc.shell)
		if err != nil {
			continue
		}
		v := value
		if !tc.newline {
			v = strings.ReplaceAll(v, "\nline2", "")
		}
		d, _ := DialectFor(tc.dialect, runtime.GOOS)
		script, err := d.Render(&Commands{ExportVars: []KV{{Name: "E2E_Q", Value: v}}}, Conda)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		cmd := exec.Command(bin, append(tc.args, script+"\nprintenv E2E_Q")...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSuffix(string(out), "\n") != v {
			t.Errorf("%s: %v: got %q, want %q", tc.shell, err, out, v)
		}
		if _, err := os.Stat(filepath.Join(dir, "canary")); err == nil {
			t.Errorf("%s: a value was executed", tc.shell)
		}
	}
}

func TestPaths(t *testing.T) {
	a := &Activator{Sys: System{GOOS: "linux", Cwd: "/w"}}
	for in, want := range map[string]string{"": ".", "/a//b/": "/a/b", "//a": "//a", "///a": "/a", "a/../../b": "../b", "/a/./b/../c": "/a/c"} {
		if got := a.normpath(in); got != want {
			t.Errorf("normpath(%q) = %q, want %q (Python's posixpath.normpath)", in, got, want)
		}
	}
	w := &Activator{Sys: System{GOOS: "windows", Cwd: `C:\w`}, Environ: map[string]string{"PATH": `C:\x\Scripts;C:\env;C:\env\Library\bin;C:\env\Scripts;C:\Windows`}}
	got := w.replacePrefixInPath(`C:\env`, `C:\new`)
	want := []string{`C:\x\Scripts`, `C:\new`, `C:\new\Library\mingw-w64\bin`, `C:\new\Library\usr\bin`, `C:\new\Library\bin`, `C:\new\Scripts`, `C:\new\bin`, `C:\Windows`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("windows replace = %v\nwant %v", got, want)
	}
	// the old prefix is not on PATH: the new one goes first
	a.Environ = map[string]string{"PATH": "/usr/bin"}
	if got := a.replacePrefixInPath("/gone", "/new"); !reflect.DeepEqual(got, []string{"/new/bin", "/usr/bin"}) {
		t.Errorf("replace of a missing prefix = %v", got)
	}
}

func TestHooksParse(t *testing.T) {
	sys := System{GOOS: "linux", RootPrefix: "/opt/emu", Exe: "/opt/emu/bin/conda"}
	for _, tc := range []struct{ dialect, shell, flag string }{
		{"posix", "bash", "-n"}, {"posix", "dash", "-n"}, {"posix", "zsh", "-n"}, {"fish", "fish", "--no-execute"},
	} {
		bin, err := exec.LookPath(tc.shell)
		if err != nil {
			continue
		}
		d, _ := DialectFor(tc.dialect, "linux")
		hook, err := Hook(d, sys, []string{"--posix-unset=unset"})
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(t.TempDir(), "hook")
		if err := os.WriteFile(f, []byte(hook), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, tc.flag, f).CombinedOutput(); err != nil {
			t.Errorf("%s hook does not parse: %v\n%s", tc.shell, err, out)
		}
	}
}

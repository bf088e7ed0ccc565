package render

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
)

// xonsh has no hooks of its own: on Unix conda's XonshActivator runs the
// .sh activate.d/deactivate.d scripts, one at a time, with
//
//	source-bash --suppress-skip-message -n "path"
//
// (conda/activate.py run_script_tmpl; `-n`, a non-interactive bash, since
// conda#13012 in 2023, an interactive one before). source-bash starts a new
// bash for every script, runs `set -e; source path; env` in it and copies
// back only what `env` prints: exported variables that are new or changed,
// and removes what is gone. Nothing else survives from one hook to the next,
// so the .sh hooks must keep all their state in exported variables. The
// bash process is xonsh's mechanism, not goshim's hooks.

// xonshVariants are the two ways conda has called source-bash.
var xonshVariants = []struct{ name, flags string }{
	{"non-interactive", "--suppress-skip-message -n"}, // conda since conda#13012 (2023)
	{"interactive", "--suppress-skip-message"},        // conda before it: bash -i
}

// needXonsh returns xonsh's path or skips; GOSHIM_E2E_REQUIRE containing
// "xonsh" turns the skip into a failure.
func needXonsh(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("xonsh")
	if err != nil {
		if strings.Contains(os.Getenv("GOSHIM_E2E_REQUIRE"), "xonsh") {
			t.Fatalf("xonsh is required (GOSHIM_E2E_REQUIRE=%q) but not found: %v", os.Getenv("GOSHIM_E2E_REQUIRE"), err)
		}
		t.Skipf("xonsh not found (%v): this test sources the .sh hooks the way conda does in xonsh (source-bash); install xonsh (Debian package xonsh), or set GOSHIM_E2E_REQUIRE=xonsh to make this a failure", err)
	}
	need(t, "bash") // source-bash runs bash
	return bin
}

// pyq is a Python string literal for s.
func pyq(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// xonshDriver writes the xonsh script that plays conda's part: conda's
// activator prints xonsh code ($VAR = '...' assignments, then one
// source-bash per script) and conda.xsh runs it in the user's xonsh.
func xonshDriver(t *testing.T, prefix, out, flags string, condaVars map[string]string) string {
	t.Helper()
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	source := func(path string) {
		// conda writes the path between double quotes, unescaped
		if strings.ContainsAny(path, "\"$`\\ \t\n'{}@") {
			t.Fatalf("temporary path %q cannot be written the way conda writes it", path)
		}
		line(`source-bash ` + flags + ` "` + path + `"`)
	}
	line(`import json, os, shutil`)
	line(`$RAISE_SUBPROC_ERROR = True`) // a failing source-bash stops the script
	// keep os.environ in step with xonsh's environment, so that the dumps
	// and shutil.which see what every command started from xonsh gets
	line(`$UPDATE_OS_ENVIRON = True`)
	line(`def _t_dump(name):`)
	line(`    with open(os.path.join(` + pyq(out) + `, name + ".json"), "w") as f:`)
	line(`        json.dump({"environ": dict(os.environ), "detype": __xonsh__.env.detype()}, f)`)
	line(`_t_dump("before")`)
	// activate from nothing: PATH with the env's bin first, conda's own
	// variables, env_vars (backing up what they clobber), then activate.d
	line(`$PATH = ` + pyq(prefix+"/bin") + ` + ":" + __xonsh__.env.detype()["PATH"]`)
	line(`$CONDA_PREFIX = ` + pyq(prefix))
	line(`$CONDA_SHLVL = "1"`)
	line(`$CONDA_DEFAULT_ENV = "hijack"`)
	for _, k := range sortedKeys(condaVars) {
		line(`if ` + pyq(k) + ` in __xonsh__.env:`)
		line(`    $__CONDA_SHLVL_0_` + k + ` = __xonsh__.env.detype()[` + pyq(k) + `]`)
		line(`$` + k + ` = ` + pyq(condaVars[k]))
	}
	activate := scripts(t, filepath.Join(prefix, "etc/conda/activate.d"), false)
	for _, s := range activate {
		source(s)
	}
	line(`_t_dump("active")`)
	line(`with open(` + pyq(filepath.Join(out, "go-path")) + `, "w") as f:`)
	line(`    f.write(shutil.which("go") or "")`)
	// activate.d again with no deactivate between (a stacked deactivate does this)
	for _, s := range activate {
		source(s)
	}
	line(`_t_dump("active2")`)
	// plain deactivate: PATH without the env's bin first, then deactivate.d
	// reverse-sorted, then conda's own variables (its env_vars restore is
	// conda's part and left out, as in the sh driver)
	line(`$PATH = ":".join(e for e in __xonsh__.env.detype()["PATH"].split(":") if e != ` + pyq(prefix+"/bin") + `)`)
	for _, s := range scripts(t, filepath.Join(prefix, "etc/conda/deactivate.d"), true) {
		source(s)
	}
	line(`del $CONDA_PREFIX`)
	line(`del $CONDA_DEFAULT_ENV`)
	line(`$CONDA_SHLVL = "0"`)
	line(`_t_dump("restored")`)
	return b.String()
}

// xonshOwned are variables xonsh or the bash behind source-bash set or
// change by themselves.
func xonshOwned(k string) bool {
	switch k {
	case "_", "SHLVL", "PWD", "OLDPWD", "ARG0", "ARGS", "LAST_RETURN_CODE":
		return true
	}
	return strings.HasPrefix(k, "XONSH_")
}

// ignoredXonsh: conda's names and xonsh's own.
func ignoredXonsh(k string) bool {
	return ignoredAfter(k) || xonshOwned(k)
}

func runXonsh(t *testing.T, bin, prefix, flags string, before map[string]*string, condaVars map[string]string) (map[string]map[string]string, string) {
	t.Helper()
	out := t.TempDir()
	script := filepath.Join(out, "driver.xsh")
	if err := os.WriteFile(script, []byte(xonshDriver(t, prefix, out, flags, condaVars)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--no-rc", script)
	cmd.Dir = out
	cmd.Env = []string{"HOME=/home/goshim-user", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	for _, k := range sortedKeys(before) {
		if v := before[k]; v != nil {
			cmd.Env = append(cmd.Env, k+"="+*v)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("xonsh failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if stdout.Len()+stderr.Len() > 0 {
		t.Errorf("xonsh wrote output:\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	points := map[string]map[string]string{}
	for _, p := range []string{"before", "active", "active2", "restored"} {
		data, err := os.ReadFile(filepath.Join(out, p+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var dump struct{ Environ, Detype map[string]string }
		if err := json.Unmarshal(data, &dump); err != nil {
			t.Fatal(err)
		}
		// os.environ must be what commands started from xonsh get
		if d := diffEnv(dump.Detype, dump.Environ); d != "" {
			t.Errorf("%s: os.environ differs from xonsh's environment for commands:\n%s", p, d)
		}
		env := map[string]string{}
		for k, v := range dump.Environ {
			if !xonshOwned(k) {
				env[k] = v
			}
		}
		points[p] = env
	}
	if _, err := os.Stat(filepath.Join(out, "canary")); err == nil {
		t.Errorf("a value executed a command (canary exists)")
	}
	goPath, err := os.ReadFile(filepath.Join(out, "go-path"))
	if err != nil {
		t.Fatal(err)
	}
	return points, string(goPath)
}

// xonshBefores: values go through xonsh (which treats *PATH names as
// lists) and bash's `env` on every hook, so the quoted one has spaces,
// both quotes and shell syntax, but no newline (source-bash parses `env`
// output line by line: a newline in a value is xonsh's limitation).
func xonshBefores() map[string]map[string]*string {
	return map[string]map[string]*string{
		"unset": {"GOPATH": nil, "GOFLAGS": nil, "GOTOOLCHAIN": nil, "PKG_CONFIG_PATH": nil, "CGO_CFLAGS": nil, "GOCACHE": nil, "CONDA_GO_COMPILER": nil, "GOROOT": nil},
		"empty": {"GOPATH": str(""), "GOFLAGS": str(""), "GOTOOLCHAIN": str(""), "PKG_CONFIG_PATH": str(""), "CGO_CFLAGS": str(""), "GOCACHE": str(""), "GOBIN": str(""), "CGO_ENABLED": str("")},
		"quoted": {
			"GOPATH":            str(`/home/u/my "go"  dir:/srv/it's here`),
			"GOFLAGS":           str(`-tags=a,b -ldflags='-X "main.v=1 2"'`),
			"GOTOOLCHAIN":       str("auto"),
			"PKG_CONFIG_PATH":   str("/a b:/c'd"),
			"CGO_CFLAGS":        str(`-O2  -g -DX="$(touch canary)" ` + "`touch canary`"),
			"GOCACHE":           str("/cache/it's a \"cache\""),
			"GOBIN":             str("/go bin"),
			"CGO_ENABLED":       str("0"),
			"GOOS":              str("darwin"),
			"GOPROXY":           str("https://proxy.example|direct; echo hi"),
			"CONDA_GO_COMPILER": str("user's"),
			"GOROOT":            str("/opt/my go"),
		},
	}
}

func TestXonshRoundTrip(t *testing.T) {
	bin := needXonsh(t)
	needSystemGo(t)
	cv := []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}
	condaVars := map[string]string{"GOTOOLCHAIN": "local"}
	def, err := plan.Build(policy.Builtin(), plan.Options{ID: "hijack", CondaVars: cv})
	if err != nil {
		t.Fatal(err)
	}
	fullPol, err := policy.Parse("goshim.toml", []byte(roundTripPolicy))
	if err != nil {
		t.Fatal(err)
	}
	full, err := plan.Build(fullPol, plan.Options{ID: "hijack", CondaVars: cv})
	if err != nil {
		t.Fatal(err)
	}
	befores := xonshBefores()
	for _, v := range xonshVariants {
		t.Run(v.name, func(t *testing.T) {
			for _, name := range sortedKeys(befores) {
				before := befores[name]
				t.Run("default/"+name, func(t *testing.T) {
					prefix := fakePrefix(t, def)
					points, goPath := runXonsh(t, bin, prefix, v.flags, before, condaVars)
					checkXonshActive(t, points, goPath, prefix)
					for _, r := range policy.Builtin().Rules {
						// keep: what it was before, whatever go-cgo, goenv.sh and conda's env_vars set
						expectVar(t, "active", points["active"], r.Name, lookup(points["before"], r.Name))
					}
					checkXonshRestored(t, points)
				})
				t.Run("full/"+name, func(t *testing.T) {
					prefix := fakePrefix(t, full)
					points, goPath := runXonsh(t, bin, prefix, v.flags, before, condaVars)
					checkXonshActive(t, points, goPath, prefix)
					active, pre := points["active"], points["before"]
					wantPath := systemGo + "/bin:/home/goshim-user/go/bin:/opt/tools bin:" + prefix + "/bin:" + pre["PATH"] + ":/opt/last"
					if active["PATH"] != wantPath {
						t.Errorf("active: PATH = %q\nwant %q", active["PATH"], wantPath)
					}
					for _, k := range []string{"GOPATH", "GOPROXY", "GOTOOLCHAIN", "CGO_ENABLED", "GOOS", "GOARCH", "CONDA_GO_COMPILER"} {
						expectVar(t, "active", active, k, lookup(pre, k))
					}
					expectVar(t, "active", active, "GOFLAGS", str("-mod=mod"))
					expectVar(t, "active", active, "GOBIN", nil)
					pc := prefix + "/lib/pkgconfig"
					if v := pre["PKG_CONFIG_PATH"]; v != "" {
						pc = v + ":" + pc
					}
					expectVar(t, "active", active, "PKG_CONFIG_PATH", &pc)
					inc := "-I" + prefix + "/include"
					if v := pre["CGO_CFLAGS"]; v != "" {
						inc += " " + v
					}
					expectVar(t, "active", active, "CGO_CFLAGS", &inc)
					checkXonshRestored(t, points)
				})
			}
		})
	}
}

// checkXonshActive: the system Go first on PATH and found by
// shutil.which, GOROOT unset, goshim's state exported.
func checkXonshActive(t *testing.T, points map[string]map[string]string, goPath, prefix string) {
	t.Helper()
	active := points["active"]
	if !strings.HasPrefix(active["PATH"], systemGo+"/bin:") || !strings.Contains(":"+active["PATH"]+":", ":"+prefix+"/bin:") {
		t.Errorf("active: PATH = %q, want %s/bin first and the env's bin after it", active["PATH"], systemGo)
	}
	if goPath != systemGo+"/bin/go" {
		t.Errorf("active: shutil.which('go') = %q, want the system go %s/bin/go", goPath, systemGo)
	}
	expectVar(t, "active", active, "GOROOT", nil)
	if active["_GOSHIM_HIJACK__SAVED"] != "1" || active["_GOSHIM_HIJACK__T_PATH"] != systemGo+"/bin" {
		t.Errorf("active: goshim's state did not come back from source-bash: _GOSHIM_HIJACK__SAVED=%q _GOSHIM_HIJACK__T_PATH=%q",
			active["_GOSHIM_HIJACK__SAVED"], active["_GOSHIM_HIJACK__T_PATH"])
	}
	if !reflectEqual(active, points["active2"]) {
		t.Errorf("activate.d run twice changed the environment:\n%s", diffEnv(active, points["active2"]))
	}
}

// checkXonshRestored: after deactivation the environment is the one before
// activation, PATH byte for byte.
func checkXonshRestored(t *testing.T, points map[string]map[string]string) {
	t.Helper()
	before, after := points["before"], points["restored"]
	for _, k := range sortedKeys(before) {
		if !ignoredXonsh(k) {
			expectVar(t, "restored", after, k, lookup(before, k))
		}
	}
	for _, k := range sortedKeys(after) {
		if _, ok := before[k]; !ok && !ignoredXonsh(k) {
			t.Errorf("restored: %s=%q was not there before activation", k, after[k])
		}
	}
}

package render

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
)

// TestBatFlows plays conda's cmd.exe flows around the generated .bat hooks
// in wine's cmd, for what TestBatRoundTrip (default policy: keep/restore
// only) leaves out: every action, list edits with "," and " ", a variable
// conda exports (its original is conda's __CONDA_SHLVL_ backup), the
// toolchain search, conda#14762 (deactivate.d running while the env's bin is
// still on PATH, on a switch or a reactivation) and a user's edit while
// active. Every expected value is written here from docs/hooks.md.
//
// A driver .bat does what conda's generated activation script does (cmd
// order: PATH first on activate and plain deactivate, after deactivate.d on a
// switch/reactivation; then conda's variables with their backups; then the
// scripts), with a package script's effect between goshim's save and apply.
// Values hold no % (wine's cmd expands %NAME% again in the result of
// %O:~1%, see TestBatRoundTrip) and are ASCII only.
func TestBatFlows(t *testing.T) {
	cmdArgv, cmdEnv := batCmd(t)
	// the host's Go and conda variables, and empty ones, must not leak into
	// the driver
	var env []string
	for _, kv := range cmdEnv {
		k, v, _ := strings.Cut(kv, "=")
		switch u := strings.ToUpper(k); {
		case v == "":
			// a Windows environment cannot hold an empty value (make
			// exports MAKEFLAGS=""): cmd would see it unset, then set
			continue
		case strings.HasPrefix(u, "GO"), strings.HasPrefix(u, "CGO_"), strings.Contains(u, "CONDA"), strings.HasPrefix(u, "_GOSHIM"):
			continue
		}
		env = append(env, kv)
	}
	r := &batRunner{argv: cmdArgv, env: env}

	// a wine run takes about 3 s alone, far less beside another
	t.Run("user edit then deactivate", func(t *testing.T) { t.Parallel(); testBatDeactivate(t, r) })
	t.Run("switch", func(t *testing.T) { t.Parallel(); testBatSwitch(t, r) })
	t.Run("reactivate", func(t *testing.T) { t.Parallel(); testBatReactivate(t, r) })
	for _, c := range []struct {
		name, toolchain string
		rootHasGo       bool
		goroot          string // GOROOT before activation, "" unset
	}{
		{"path root", "path", true, ""},
		{"path root without go", "path", false, `C:\old go`},
		{"system root", "system", true, `C:\old go`},
		{"system root without go", "system", false, ""},
	} {
		t.Run("toolchain/"+c.name, func(t *testing.T) {
			t.Parallel()
			testBatRoot(t, r, c.toolchain, c.rootHasGo, c.goroot)
		})
	}
}

// batFlowPolicy uses every action. ${GOSHIM_T_WHO} holds cmd's operators,
// ${GOSHIM_T_UNSET} is never set (it reads as empty; as a list entry it is
// skipped), ${GOSHIM_T_EQ} holds "=" (cmd.bat.tmpl: such an entry is not
// added), GOSHIM_T_PATHS, _PRIVS and _FLAGS hold their list's separator
// (docs/hooks.md: cmd skips such an entry). GOPATH and GOTOOLCHAIN are
// exported by conda (batCondaVars).
const batFlowPolicy = `[go]
toolchain = "system"
gotoolchain = "local"

[env]
GOFLAGS = "-ldflags=-X=main.who=${GOSHIM_T_WHO} -tags=goshim${GOSHIM_T_UNSET}"
GOBIN = { unset = true }
GOCACHE = { default = "${LOCALAPPDATA}\\go-build" }
GOMODCACHE = { default = "${LOCALAPPDATA}\\go\\mod" }
GOARCH = { keep = true }
GOPATH = { keep = true }
PATH = { prepend = ["${CONDA_PREFIX}\\tools", "C:\\Tools & Co (x86)\\bin"], append = ["C:\\goshim\\last", "${GOSHIM_T_PATHS}"] }
GOPRIVATE = { append = ["corp.example.com", "${GOSHIM_T_UNSET}", "${GOSHIM_T_EQ}", "${GOSHIM_T_PRIVS}"], sep = "," }
CGO_CFLAGS = { prepend = ["-I${CONDA_PREFIX}\\include", "-DGOSHIM", "${GOSHIM_T_FLAGS}"], sep = " " }
`

var batCondaVars = []plan.CondaVar{
	{Name: "GOPATH", Value: `C:\envs\flow-a\share\go`, Source: "environment.yml variables"},
	{Name: "GOTOOLCHAIN", Value: "auto", Source: "go"},
}

const (
	batUserPath = `C:\windows\system32;C:\windows;C:\Users\me\bin`
	batWho      = `me & you | (them) <x> ;~*,`
	batGOPATH   = `C:\Users\me\go & (work)`
	batToolsCo  = `C:\Tools & Co (x86)\bin`
	batLast     = `C:\goshim\last`
)

// batBefore is the environment before activation ("" = unset). ProgramFiles
// is set by the driver to the test's folder holding Go\bin\go.exe.
var batBefore = [][2]string{
	{"PATH", batUserPath},
	{"USERPROFILE", `C:\Users\me`},
	{"LOCALAPPDATA", `C:\Users\me\AppData\Local`},
	{"GOSHIM_T_WHO", batWho},
	{"GOSHIM_T_UNSET", ""},
	{"GOSHIM_T_EQ", "a=b"},
	{"GOSHIM_T_PATHS", `C:\p1;C:\p2`},
	{"GOSHIM_T_PRIVS", "x.example,y.example"},
	{"GOSHIM_T_FLAGS", "-DA -DB"},
	{"GOBIN", `C:\Users\me\bin`},
	{"GOCACHE", `D:\cache\go build`},
	{"GOMODCACHE", ""},
	{"GOARCH", "amd64"},
	{"GOPATH", batGOPATH},
	{"GOTOOLCHAIN", ""},
	{"GOPRIVATE", "github.com/me"},
	{"CGO_CFLAGS", "-O2 -g"},
	{"GOROOT", `C:\old go`},
	{"GOFLAGS", ""},
}

func batBeforeMap() map[string]string {
	m := map[string]string{}
	for _, kv := range batBefore {
		m[kv[0]] = kv[1]
	}
	return m
}

// batManaged are the variables goshim manages besides PATH.
var batManaged = []string{"CGO_CFLAGS", "GOARCH", "GOBIN", "GOCACHE", "GOFLAGS", "GOMODCACHE", "GOPATH", "GOPRIVATE", "GOROOT", "GOTOOLCHAIN"}

// batActive is what docs/hooks.md says every managed variable holds while
// env is active ("" = unset); sysGo is the toolchain's root.
func batActive(env batPrefix, sysGo string) map[string]string {
	return map[string]string{
		// the entry holding ";" is skipped
		"PATH": sysGo + `\bin;` + env.win + `\tools;` + batToolsCo + ";" + env.condaPath() + ";" + batUserPath + ";" + batLast,
		// set, ${GOSHIM_T_WHO} read at activation, the unset one empty
		"GOFLAGS": "-ldflags=-X=main.who=" + batWho + " -tags=goshim",
		"GOBIN":   "", // unset
		// default: the original, which was set (the package's value goes)
		"GOCACHE": `D:\cache\go build`,
		// default: the value, as the original was unset
		"GOMODCACHE": `C:\Users\me\AppData\Local\go\mod`,
		"GOARCH":     "amd64", // keep
		// keep, exported by conda: the original is conda's backup
		"GOPATH": batGOPATH,
		// [go] gotoolchain; exported by conda with no backup: originally unset
		"GOTOOLCHAIN": "local",
		// append with ",": the entries that expand to empty, hold = or "," are skipped
		"GOPRIVATE": "github.com/me,corp.example.com",
		// prepend with " ", in policy order, ahead of the package's flags;
		// the entry holding " " is skipped
		"CGO_CFLAGS": `-I` + env.win + `\include -DGOSHIM -O2 -g -isystem ` + env.win + `\include`,
		"GOROOT":     "", // the toolchain was found
	}
}

// batActiveState is the hook set's state while active (docs/hooks.md, State).
func batActiveState(env batPrefix, sysGo string) map[string]string {
	a := batActive(env, sysGo)
	st := map[string]string{
		"SAVED":         "1",
		"O_CGO_CFLAGS":  "s-O2 -g",
		"O_GOARCH":      "samd64",
		"O_GOBIN":       `sC:\Users\me\bin`,
		"O_GOCACHE":     `sD:\cache\go build`,
		"O_GOFLAGS":     "u",
		"O_GOMODCACHE":  "u",
		"O_GOPATH":      "s" + batGOPATH,
		"O_GOPRIVATE":   "sgithub.com/me",
		"O_GOROOT":      `sC:\old go`,
		"O_GOTOOLCHAIN": "u",
		"A_CGO_CFLAGS":  "s" + a["CGO_CFLAGS"],
		"A_GOPRIVATE":   "s" + a["GOPRIVATE"],
		"P1_CGO_CFLAGS": `-I` + env.win + `\include`,
		"P2_CGO_CFLAGS": "-DGOSHIM",
		"X1_GOPRIVATE":  "corp.example.com",
		"P1_PATH":       env.win + `\tools`,
		"P2_PATH":       batToolsCo,
		"X1_PATH":       batLast,
		"T_PATH":        sysGo + `\bin`,
		// the env's bin is once on PATH at activation (docs/hooks.md, N_PATH)
		"N_PATH": "1",
	}
	out := map[string]string{}
	for k, v := range st {
		out["_GOSHIM_"+env.stateID+"__"+k] = v
	}
	return out
}

// batPackage is a go-cgo-shaped package script's effect, between goshim's
// save and apply.
func batPackage(s *batScript, env batPrefix) {
	s.set("GOBIN", env.win+`\bin`)
	s.set("GOCACHE", env.win+`\cache`)
	s.set("GOMODCACHE", env.win+`\pkg\mod`)
	s.set("GOARCH", "arm64")
	s.set("GOFLAGS", "-trimpath")
	s.set("GOROOT", env.win+`\go`)
	s.set("GOPRIVATE", "github.com/me")
	s.line(`set "CGO_CFLAGS=%CGO_CFLAGS% -isystem ` + env.win + `\include"`)
}

// batStart writes the environment before activation and activates env from
// nothing (CONDA_SHLVL 0 → 1), conda's way: PATH, then conda's variables
// with backups of the ones that were set, then activate.d.
func batStart(s *batScript, env batPrefix, pf string) {
	s.set("ProgramFiles", pf)
	for _, kv := range batBefore {
		s.set(kv[0], kv[1])
	}
	s.dump("before")
	s.line(`set "PATH=` + env.condaPath() + `;%PATH%"`)
	s.set("CONDA_PREFIX", env.win)
	s.set("CONDA_SHLVL", "1")
	s.set("CONDA_DEFAULT_ENV", env.id)
	// GOPATH was set: conda backs it up at level 0 (CONDA_SHLVL-1)
	s.set("__CONDA_SHLVL_0_GOPATH", batGOPATH)
	s.set("GOPATH", env.win+`\share\go`)
	// GOTOOLCHAIN was unset: no backup. A stale one at level 1 (conda never
	// clears them) must not be read.
	s.set("__CONDA_SHLVL_1_GOTOOLCHAIN", "go1.20")
	s.set("GOTOOLCHAIN", "auto")
	s.call("save", env.hook("save"))
	batPackage(s, env)
	s.call("apply", env.hook("apply"))
	s.dump("active")
}

// batDeactivate is a plain `conda deactivate`: PATH without the env's
// entries first, then deactivate.d. conda's own restore of its variables
// after that is left out: goshim's restore alone must give back the originals.
func batDeactivate(s *batScript, env batPrefix, label string) {
	s.line(`set "PATH=%PATH:` + env.condaPath() + `;=%"`)
	s.call(label, env.hook("restore"))
}

func testBatDeactivate(t *testing.T, r *batRunner) {
	dir := t.TempDir()
	pf, sysGo := batProgramFiles(t, dir)
	a := batInstall(t, dir, "flow-a", batFlowPolicy, batCondaVars)
	s := &batScript{}
	batStart(s, a, pf)
	// activate.d again with no deactivate.d in between (a stacked env's
	// deactivation, a user CALLing it by hand): nothing may change
	s.call("save again", a.hook("save"))
	s.call("apply again", a.hook("apply"))
	s.dump("again")
	// the user, while active, appends to the "," list
	s.line(`set "GOPRIVATE=%GOPRIVATE%,user.example.org"`)
	batDeactivate(s, a, "restore")
	s.dump("restored")
	d := r.run(t, dir, s)

	before := d["before"]
	checkBatBefore(t, before, pf)
	checkBatActive(t, "active", d["active"], before, a, sysGo)
	for _, k := range d["active"].names() {
		v, _ := d["active"].get(k)
		expectBatVar(t, "again", d["again"], k, v)
	}
	for _, k := range d["again"].names() {
		if _, ok := d["active"].get(k); !ok {
			t.Errorf("again: %s is new", k)
		}
	}
	want := batBeforeMap()
	want["GOPRIVATE"] = "github.com/me,user.example.org" // only goshim's entry goes
	checkBatRestored(t, "restored", d["restored"], before, want)
}

// testBatSwitch: activate A, `conda activate B` (A's deactivate.d runs while
// A's bin is still on PATH, then conda exports the PATH it computed before
// with B's entries for A's, then B's activate.d), deactivate B.
func testBatSwitch(t *testing.T, r *batRunner) {
	dir := t.TempDir()
	pf, sysGo := batProgramFiles(t, dir)
	a := batInstall(t, dir, "flow-a", batFlowPolicy, batCondaVars)
	b := batInstall(t, dir, "flow-b", batFlowPolicy, nil)
	s := &batScript{}
	batStart(s, a, pf)
	s.line(`set "GOSHIM_T_NEWPATH=%PATH:` + a.condaPath() + "=" + b.condaPath() + `%"`)
	s.call("switch restore", a.hook("restore"))
	s.dump("deactivated")
	s.line(`set "PATH=%GOSHIM_T_NEWPATH%"`)
	s.set("GOSHIM_T_NEWPATH", "")
	// conda puts back A's variables (GOPATH from its backup; GOTOOLCHAIN had
	// none) and exports B's, which has no variables of its own
	s.set("GOPATH", batGOPATH)
	s.set("GOTOOLCHAIN", "")
	s.set("CONDA_PREFIX", b.win)
	s.set("CONDA_DEFAULT_ENV", b.id)
	s.call("switch save", b.hook("save"))
	batPackage(s, b)
	s.call("switch apply", b.hook("apply"))
	s.dump("switched")
	batDeactivate(s, b, "restore")
	s.dump("restored")
	d := r.run(t, dir, s)

	before := d["before"]
	checkBatBefore(t, before, pf)
	checkBatActive(t, "active", d["active"], before, a, sysGo)
	checkBatHandedOver(t, d["deactivated"], a, sysGo)
	// B's apply took A's entries out: one of each goshim entry on PATH
	checkBatActive(t, "switched", d["switched"], before, b, sysGo)
	checkBatRestored(t, "restored", d["restored"], before, batBeforeMap())
}

// testBatReactivate: activate, then `conda activate` of the active env (or
// what conda install runs): deactivate.d with the env's bin on PATH, conda
// exports the PATH it computed before and its variables again, activate.d.
func testBatReactivate(t *testing.T, r *batRunner) {
	dir := t.TempDir()
	pf, sysGo := batProgramFiles(t, dir)
	a := batInstall(t, dir, "flow-a", batFlowPolicy, batCondaVars)
	s := &batScript{}
	batStart(s, a, pf)
	s.line(`set "GOSHIM_T_NEWPATH=%PATH%"`)
	s.call("reactivate restore", a.hook("restore"))
	s.dump("deactivated")
	s.line(`set "PATH=%GOSHIM_T_NEWPATH%"`)
	s.set("GOSHIM_T_NEWPATH", "")
	s.set("GOPATH", a.win+`\share\go`)
	s.set("GOTOOLCHAIN", "auto")
	s.call("reactivate save", a.hook("save"))
	batPackage(s, a)
	s.call("reactivate apply", a.hook("apply"))
	s.dump("reactivated")
	batDeactivate(s, a, "restore")
	s.dump("restored")
	d := r.run(t, dir, s)

	before := d["before"]
	checkBatBefore(t, before, pf)
	checkBatActive(t, "active", d["active"], before, a, sysGo)
	checkBatHandedOver(t, d["deactivated"], a, sysGo)
	// the apply took the stale entries out before adding its own again
	checkBatActive(t, "reactivated", d["reactivated"], before, a, sysGo)
	checkBatRestored(t, "restored", d["restored"], before, batBeforeMap())
}

// testBatRoot: a [go] root holding bin\go.exe (a folder with a space, & and
// parentheses) comes first, though ProgramFiles\Go holds one too. Without
// bin\go.exe in it, "system" falls back to ProgramFiles\Go and "path" changes
// no toolchain and says so on stderr.
func testBatRoot(t *testing.T, r *batRunner, toolchain string, rootHasGo bool, goroot string) {
	dir := t.TempDir()
	pf, sysGo := batProgramFiles(t, dir)
	root := filepath.Join(dir, "Go 1.22 (x64) & co")
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	found := sysGo
	if rootHasGo {
		if err := os.WriteFile(filepath.Join(root, "bin", "go.exe"), nil, 0o755); err != nil {
			t.Fatal(err)
		}
		found = batWin(t, root)
	} else if toolchain == "path" {
		found = ""
	}
	pol := "[go]\ntoolchain = \"" + toolchain + "\"\nroot = '" + batWin(t, root) + "'\n"
	env := batInstall(t, dir, "pinned", pol, nil)
	s := &batScript{}
	if found == "" {
		s.stderr = `goshim: [go] root holds no bin\go.exe`
	}
	s.set("ProgramFiles", pf)
	s.set("PATH", batUserPath)
	s.set("GOROOT", goroot)
	s.dump("before")
	s.line(`set "PATH=` + env.condaPath() + `;%PATH%"`)
	s.set("CONDA_PREFIX", env.win)
	s.set("CONDA_SHLVL", "1")
	s.call("save", env.hook("save"))
	s.set("GOROOT", env.win+`\go`) // the env's go package
	s.call("apply", env.hook("apply"))
	s.dump("active")
	batDeactivate(s, env, "restore")
	s.dump("restored")
	d := r.run(t, dir, s)

	before, active, restored := d["before"], d["active"], d["restored"]
	expectBatVar(t, "before", before, "PATH", batUserPath)
	expectBatVar(t, "before", before, "GOROOT", goroot)
	if found != "" {
		expectBatVar(t, "active", active, "PATH", found+`\bin;`+env.condaPath()+";"+batUserPath)
		expectBatVar(t, "active", active, "GOROOT", "")
		expectBatVar(t, "active", active, "_GOSHIM_"+env.stateID+"__T_PATH", found+`\bin`)
	} else {
		expectBatVar(t, "active", active, "PATH", env.condaPath()+";"+batUserPath)
		expectBatVar(t, "active", active, "GOROOT", env.win+`\go`)
		expectBatVar(t, "active", active, "_GOSHIM_"+env.stateID+"__T_PATH", "")
	}
	expectBatVar(t, "restored", restored, "PATH", batUserPath)
	expectBatVar(t, "restored", restored, "GOROOT", goroot)
	checkBatNoState(t, "restored", restored)
	checkBatUnchanged(t, "restored", before, restored, []string{"PATH", "GOROOT"})
}

// checkBatHandedOver: env's deactivate.d ran while its bin was still on PATH
// (conda#14762): PATH is left alone, goshim's entries are in
// _GOSHIM_STALE_PATH for the next activation, everything else is restored.
func checkBatHandedOver(t *testing.T, got batEnv, env batPrefix, sysGo string) {
	t.Helper()
	if p, _ := got.get("PATH"); p != batActive(env, sysGo)["PATH"] {
		t.Errorf("deactivated: PATH = %q\nwant it untouched: %q", p, batActive(env, sysGo)["PATH"])
	}
	stale, ok := got.get("_GOSHIM_STALE_PATH")
	want := []string{sysGo + `\bin`, env.win + `\tools`, batToolsCo, batLast}
	if !ok || !sameSet(strings.Split(stale, ";"), want) {
		t.Errorf("deactivated: _GOSHIM_STALE_PATH = %q (set: %v), want the entries %q", stale, ok, want)
	}
	before := batBeforeMap()
	for _, k := range batManaged {
		expectBatVar(t, "deactivated", got, k, before[k])
	}
	checkBatNoState(t, "deactivated", got, "_GOSHIM_STALE_PATH")
}

// checkBatBefore: the driver set what it meant to (cmd keeps no empty values).
func checkBatBefore(t *testing.T, before batEnv, pf string) {
	t.Helper()
	for _, kv := range batBefore {
		expectBatVar(t, "before", before, kv[0], kv[1])
	}
	expectBatVar(t, "before", before, "ProgramFiles", pf)
}

// checkBatActive: every managed variable and PATH as docs/hooks.md says,
// the hook set's state exactly, no temporaries, no stale PATH, and nothing
// else changed since before (conda's own variables aside).
func checkBatActive(t *testing.T, at string, got, before batEnv, env batPrefix, sysGo string) {
	t.Helper()
	want := batActive(env, sysGo)
	for _, k := range append([]string{"PATH"}, batManaged...) {
		expectBatVar(t, at, got, k, want[k])
	}
	state := batActiveState(env, sysGo)
	for k, v := range state {
		expectBatVar(t, at, got, k, v)
	}
	for _, k := range got.names() {
		if strings.HasPrefix(strings.ToUpper(k), "_GOSHIM_") {
			if _, ok := state[k]; !ok {
				t.Errorf("%s: %s=%q: not state the contract names for this hook set, nor a cleared temporary", at, k, got[strings.ToUpper(k)].value)
			}
		}
	}
	checkBatUnchanged(t, at, before, got, append([]string{"PATH"}, batManaged...))
}

// checkBatRestored: the managed variables and PATH as want, no state or
// temporaries, the rest as before.
func checkBatRestored(t *testing.T, at string, got, before batEnv, want map[string]string) {
	t.Helper()
	for _, k := range append([]string{"PATH"}, batManaged...) {
		expectBatVar(t, at, got, k, want[k])
	}
	checkBatNoState(t, at, got)
	checkBatUnchanged(t, at, before, got, append([]string{"PATH"}, batManaged...))
}

// checkBatNoState: no _GOSHIM_ state and no _goshim_ temporary is left, but
// for the names allowed.
func checkBatNoState(t *testing.T, at string, got batEnv, allowed ...string) {
	t.Helper()
	for _, k := range got.names() {
		if strings.HasPrefix(strings.ToUpper(k), "_GOSHIM_") && !hasName(allowed, k) {
			t.Errorf("%s: %s=%q left behind", at, k, got[strings.ToUpper(k)].value)
		}
	}
}

// checkBatUnchanged: every variable but skip, goshim's and conda's is as before.
func checkBatUnchanged(t *testing.T, at string, before, got batEnv, skip []string) {
	t.Helper()
	ignored := func(k string) bool {
		u := strings.ToUpper(k)
		return hasName(skip, u) || strings.HasPrefix(u, "_GOSHIM_") || strings.HasPrefix(u, "CONDA_") || strings.HasPrefix(u, "__CONDA_") || u == "GOSHIM_T_NEWPATH"
	}
	for _, k := range before.names() {
		if ignored(k) {
			continue
		}
		b, _ := before.get(k)
		if a, ok := got.get(k); !ok || a != b {
			t.Errorf("%s: %s = %q (set: %v), want %q as before activation", at, k, a, ok, b)
		}
	}
	for _, k := range got.names() {
		if _, ok := before.get(k); !ok && !ignored(k) {
			t.Errorf("%s: %s=%q is new", at, k, got[strings.ToUpper(k)].value)
		}
	}
}

func expectBatVar(t *testing.T, at string, env batEnv, k, want string) {
	t.Helper()
	got, ok := env.get(k)
	switch {
	case want == "" && ok:
		t.Errorf("%s: %s = %q, want it unset", at, k, got)
	case want != "" && (!ok || got != want):
		t.Errorf("%s: %s = %q (set: %v), want %q", at, k, got, ok, want)
	}
}

func hasName(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sameSet(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

// batPrefix is an installed env: its folder, its Windows path, hook ids.
type batPrefix struct {
	unix, win   string
	id, stateID string
}

// condaPath is what conda puts on PATH for the env on Windows.
func (e batPrefix) condaPath() string {
	return strings.Join([]string{e.win, e.win + `\Library\mingw-w64\bin`, e.win + `\Library\usr\bin`, e.win + `\Library\bin`, e.win + `\Scripts`, e.win + `\bin`}, ";")
}

func (e batPrefix) hook(role string) string {
	switch role {
	case "save":
		return e.win + `\etc\conda\activate.d\+goshim-` + e.id + `-save.bat`
	case "apply":
		return e.win + `\etc\conda\activate.d\~goshim-` + e.id + `.bat`
	}
	return e.win + `\etc\conda\deactivate.d\+goshim-` + e.id + `.bat`
}

// batInstall generates id's .bat hooks for the policy into dir/envs/id.
func batInstall(t *testing.T, dir, id, toml string, cv []plan.CondaVar) batPrefix {
	t.Helper()
	pol, err := policy.Parse("goshim.toml", []byte(toml))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(pol, plan.Options{ID: id, CondaVars: cv})
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(dir, "envs", id)
	for _, f := range writeBatHooks(t, prefix, p) {
		// wine's SET leaves ERRORLEVEL 0 (Microsoft's does not, in a .bat),
		// so the drivers' status check cannot see a hook that forgets its
		// final `exit /b 0` (docs/hooks.md, cmd.exe); read it here instead
		lines := strings.Split(strings.TrimRight(string(f.Data), "\r\n"), "\n")
		if last := strings.TrimSpace(lines[len(lines)-1]); last != "@exit /b 0" {
			t.Errorf("%s ends with %q, want @exit /b 0", f.Path, last)
		}
		for _, l := range lines {
			if i := strings.Index(strings.ToLower(l), "exit /b"); i >= 0 && strings.TrimSpace(l[i:]) != "exit /b 0" {
				t.Errorf("%s: %q exits with another status than 0", f.Path, l)
			}
		}
	}
	e := batPrefix{unix: prefix, win: batWin(t, prefix), id: p.ID, stateID: p.StateID}
	if _, err := os.Stat(filepath.Join(prefix, filepath.FromSlash("etc/conda/deactivate.d/+goshim-"+id+".bat"))); err != nil {
		t.Fatalf("hook file names changed: %v", err)
	}
	return e
}

// batProgramFiles makes dir/Program Files/Go/bin/go.exe; it returns the
// folder for %ProgramFiles% and the Go root in it, as Windows paths.
func batProgramFiles(t *testing.T, dir string) (pf, goRoot string) {
	t.Helper()
	bin := filepath.Join(dir, "Program Files", "Go", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "go.exe"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	pf = batWin(t, filepath.Join(dir, "Program Files"))
	return pf, pf + `\Go`
}

// batWin is p as the cmd sees it: as it is on Windows; in wine, Z: is the
// Unix root.
func batWin(t *testing.T, p string) string {
	t.Helper()
	for _, c := range p {
		if c > 0x7e || c < 0x20 || strings.ContainsRune(`%"!^=;`, c) {
			t.Fatalf("temporary folder %q holds %q, which the .bat driver cannot carry (set TMPDIR to a plain path)", p, c)
		}
	}
	if runtime.GOOS == "windows" {
		return filepath.FromSlash(p)
	}
	return "Z:" + strings.ReplaceAll(p, "/", `\`)
}

// batScript is the driver .bat. Every hook is CALLed after ERRORLEVEL was
// made 7, and the ERRORLEVEL it leaves is written to status.txt.
type batScript struct {
	b      strings.Builder
	calls  []string
	stderr string // what a hook must say on stderr; "" = nothing from goshim
}

func (s *batScript) line(l string) { s.b.WriteString(l + "\r\n") }

// set writes `set "k=v"` ("" unsets); v is taken literally.
func (s *batScript) set(k, v string) {
	if strings.ContainsAny(v, "%\"\r\n") {
		panic("driver value cannot hold % or \": " + v)
	}
	s.line(`set "` + k + `=` + v + `"`)
}

func (s *batScript) call(label, hook string) {
	s.calls = append(s.calls, label)
	s.line(`call :goshim_test_errorlevel_7`)
	s.line(`call "` + hook + `"`)
	s.line(`>>status.txt echo ` + strings.ReplaceAll(label, " ", "_") + ` %ERRORLEVEL%`)
}

func (s *batScript) dump(name string) { s.line(`set > ` + name + `.txt`) }

func (s *batScript) bytes() []byte {
	return []byte("@echo off\r\n" + s.b.String() + "goto :eof\r\n:goshim_test_errorlevel_7\r\nexit /b 7\r\n")
}

type batRunner struct {
	argv []string // batCmd's
	env  []string
}

// run runs the driver in dir with wine's cmd, checks every hook's exit
// status, and reads every dump.
func (r *batRunner) run(t *testing.T, dir string, s *batScript) map[string]batEnv {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "driver.bat"), s.bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := runBat(r.argv, r.env, dir, "driver.bat")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("cmd: %v\n%s", err, stderr.String())
	}
	if s.stderr == "" && strings.Contains(stderr.String(), "goshim:") {
		t.Errorf("a hook complained:\n%s", stderr.String())
	}
	if n := strings.Count(stderr.String(), "goshim:"); s.stderr != "" && (n != 1 || !strings.Contains(stderr.String(), s.stderr)) {
		t.Errorf("stderr = %q, want one line saying %q", stderr.String(), s.stderr)
	}
	st, err := os.ReadFile(filepath.Join(dir, "status.txt"))
	if err != nil {
		t.Fatalf("status.txt: %v\nstderr: %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(string(st), "\r\n", "\n")), "\n")
	if len(lines) != len(s.calls) {
		t.Errorf("status.txt has %d lines, want one per hook call (%d): %q", len(lines), len(s.calls), st)
	}
	for i, l := range lines {
		f := strings.Fields(l)
		if i < len(s.calls) && (len(f) != 2 || f[0] != strings.ReplaceAll(s.calls[i], " ", "_") || f[1] != "0") {
			t.Errorf("hook %q left ERRORLEVEL %q, want 0 (conda 26.1+ aborts otherwise)", s.calls[i], l)
		}
	}
	dumps := map[string]batEnv{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".txt"); ok && name != "status" {
			dumps[name] = readBatEnv(t, filepath.Join(dir, e.Name()))
		}
	}
	return dumps
}

// batEnv is a `set` dump, by upper-case name (Windows names ignore case),
// keeping the name as cmd printed it.
type batEnv map[string]struct{ name, value string }

func readBatEnv(t *testing.T, path string) batEnv {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := batEnv{}
	for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok && k != "" {
			env[strings.ToUpper(k)] = struct{ name, value string }{k, v}
		}
	}
	return env
}

func (e batEnv) get(k string) (string, bool) {
	v, ok := e[strings.ToUpper(k)]
	return v.value, ok
}

// names are the names as cmd printed them, sorted.
func (e batEnv) names() []string {
	var out []string
	for _, v := range e {
		out = append(out, v.name)
	}
	sort.Strings(out)
	return out
}

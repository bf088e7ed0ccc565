package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
)

// The test envs are plain prefixes (conda-meta/history), shaped like the
// envs that hijack Go today (docs: conda-activation.md §4):
//
//   - e2e-a: go-cgo + a compiler + a hand-written env script, conda's go in
//     bin/, env_vars.d/go.json (GOTOOLCHAIN=local), environment.yml
//     variables in conda-meta/state (GOPROXY); hooks from policyA.
//   - e2e-b: conda's go and go-cgo with other values; hooks from the
//     embedded default policy (keep everything).
//   - e2e-plain: conda's go and go-cgo without goshim (as a base env often is).
//   - e2e-hostile: a policy whose values hold every character shells trip on.
//   - e2e-hostile-1line: the same without the newline, for xonsh (hostileFor).
//   - probe-1, probe-2: no goshim; numbered checkpoint scripts that show how
//     the activator orders and runs activate.d/deactivate.d (conformance).
//
// Every goshim env also gets checkpoint scripts around goshim's hooks:
// activate.d/!e2e-checkpoint runs first (before goshim's save),
// activate.d/~~e2e-checkpoint last (after goshim's apply); in deactivate.d
// (reverse-sorted) ~~e2e-checkpoint runs first and !e2e-checkpoint last,
// right after goshim's restore and before conda restores its env_vars.

// policyA exercises every action: set (with ${HOME}), unset, keep (also of
// variables conda itself exports), a list append and a PATH prepend.
const policyA = `[go]
toolchain = "system"

[env]
CGO_CFLAGS = { append = ["-O1"], sep = " " }
CGO_ENABLED = { keep = true }
CONDA_GO_COMPILER = { keep = true }
GO111MODULE = "on"
GOARCH = { keep = true }
GOBIN = { unset = true }
GOCACHE = { keep = true }
GOFLAGS = "-mod=readonly -buildvcs=false"
GOOS = { keep = true }
GOPATH = "${HOME}/gopath-goshim"
GOPROXY = "off"
GOTOOLCHAIN = { keep = true }
PATH = { prepend = ["${HOME}/gopath-goshim/bin"] }
`

// hostile is a value with every quote kind, command substitutions, glob and
// history characters, a newline and non-ASCII text.
const hostile = "it's \"dq\" `touch canary-bt` $(touch canary) ${HOME} \\back\\ ; & | < > * ? [x] ~ # % %PATH% ! !! ^ \t tab\nnew line ünï ✓ 日本 ‘sq’ “dq”"

// hostileTOML writes s as a goshim value: a TOML basic string where every
// "$" is "$$" (a literal dollar).
func hostileTOML(s string) string {
	s = strings.ReplaceAll(s, "$", "$$")
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hostileFor is the hostile value scenarios use in a language: all of it,
// except under xonsh, whose source-bash reads every variable back from
// `env` output line by line, so a value with a newline cannot come back
// from a hook (xonsh's limit: see xonshLang.canHold). There the newline is
// a space; every other character stays.
func hostileFor(l lang) string {
	if !l.canHold(hostile) {
		return strings.ReplaceAll(hostile, "\n", " ")
	}
	return hostile
}

func policyHostile(hostile string) string {
	return `[go]
toolchain = "system"

[env]
E2E_HOSTILE = ` + hostileTOML(hostile) + `
E2E_HOSTILE_DEFAULT = { default = ` + hostileTOML("default "+hostile) + ` }
E2E_HOSTILE_HOME = "${HOME}/` + strings.Trim(hostileTOML("x'y z"), `"`) + `"
E2E_HOSTILE_LIST = { prepend = [` + hostileTOML("first "+strings.ReplaceAll(hostile, "|", "")) + `, "second"], append = [` + hostileTOML("last '\"") + `], sep = "|" }
GOFLAGS = { keep = true }
`
}

type testEnv struct {
	name      string // environment.yml name, so also the hook id
	stateID   string // _GOSHIM_<stateID>__...
	prefix    string
	policy    *policy.Policy
	condaVars map[string]string // what conda exports on activation (env_vars.d, state)
	noHooks   map[string]string // lang name -> why goshim wrote no hooks for it
}

// managed reports whether the env's policy manages name (GOROOT with a toolchain).
func (e *testEnv) managed(name string) bool {
	if e.policy == nil {
		return false // no goshim in this env
	}
	if name == "GOROOT" {
		return e.policy.Toolchain != policy.ToolchainConda
	}
	_, ok := e.policy.Rule(name)
	return ok
}

// hasHooks skips (or fails, when required) a test for a shell goshim wrote no hooks for.
func (e *testEnv) hasHooks(t testing.TB, s *shellOK) {
	t.Helper()
	key := s.lang.name()
	if hl, ok := s.lang.(interface{ hookLang() string }); ok {
		key = hl.hookLang() // xonsh runs the posix hooks
	}
	if why, ok := e.noHooks[key]; ok {
		skipOrFail(t, fmt.Sprintf("%s: %s", s.name, why), s.name)
	}
}

type fixtures struct {
	a, b, hostile  *testEnv
	hostile1line   *testEnv // e2e-hostile without the newline, for xonsh (hostileFor)
	plain          *testEnv // no goshim
	probe1, probe2 *testEnv
	all            []*testEnv
}

// getFixtures builds the envs once per run.
func getFixtures(t testing.TB) *fixtures {
	t.Helper()
	h.fxOnce.Do(func() { h.fx, h.fxErr = buildFixtures(filepath.Join(h.tmp, "envs")) })
	if h.fxErr != nil {
		t.Fatalf("building test envs: %v", h.fxErr)
	}
	return h.fx
}

var allLangs = []lang{posixLang{}, fishLang{}, cshLang{}, pwshLang{}}

// goshimShellNames are the --shell names to try for a language.
var goshimShellNames = map[string][]string{
	"posix": {"sh"},
	"fish":  {"fish"},
	"csh":   {"csh", "tcsh"},
	"pwsh":  {"pwsh", "powershell"},
}

type envSpec struct {
	name      string
	yml       string // environment.yml; "" for none
	policy    string // goshim.toml; "" for the embedded default
	state     [][2]string
	envVarsD  map[string][][2]string
	hijackGo  bool
	scripts   func(l lang) map[string]string // activate.d/... and deactivate.d/... files, without extension
	goshim    bool
	condaVars map[string]string
}

func buildFixtures(dir string) (*fixtures, error) {
	fx := &fixtures{}
	goos, goarch := runtime.GOOS, runtime.GOARCH
	subdir := map[string]string{"linux": "linux", "darwin": "osx", "windows": "win"}[goos] + "-" +
		map[string]string{"amd64": "64", "arm64": "arm64"}[goarch]
	ccName := map[string]string{"linux": "x86_64-conda-linux-gnu-cc", "darwin": "x86_64-apple-darwin13.4.0-clang"}[goos]
	if ccName == "" {
		ccName = "x86_64-w64-mingw32-gcc"
	}
	goCgo := "go-cgo_" + subdir
	specs := []envSpec{
		{
			name: "e2e-a",
			yml: "name: e2e-a\nchannels:\n  - conda-forge\ndependencies:\n  - " + goCgo +
				"\n  - gcc_" + subdir + "\nvariables:\n  GOPROXY: https://proxy.invalid/conda-env\n",
			policy:   policyA,
			state:    [][2]string{{"GOPROXY", "https://proxy.invalid/conda-env"}},
			envVarsD: map[string][][2]string{"go.json": {{"GOTOOLCHAIN", "local"}}},
			hijackGo: true,
			goshim:   true,
			scripts: func(l lang) map[string]string {
				return map[string]string{
					"activate.d/activate-z61-" + goCgo:      l.goCgoActivate("1", goos, goarch, "-modcacherw -buildmode=pie -trimpath"),
					"deactivate.d/deactivate-z61-" + goCgo:  l.goCgoDeactivate(),
					"activate.d/activate-gcc_" + subdir:     l.compilerActivate(ccName),
					"deactivate.d/deactivate-gcc_" + subdir: l.compilerDeactivate(),
					"activate.d/env_vars":                   l.userEnvActivate(),
					"deactivate.d/env_vars":                 l.userEnvDeactivate(),
				}
			},
		},
		{
			name:     "e2e-b",
			yml:      "name: e2e-b\nchannels:\n  - conda-forge\ndependencies:\n  - go\n  - go-nocgo_" + subdir + "\n",
			envVarsD: map[string][][2]string{"go.json": {{"GOTOOLCHAIN", "local"}}},
			hijackGo: true,
			goshim:   true,
			scripts: func(l lang) map[string]string {
				return map[string]string{
					"activate.d/activate-z61-go-nocgo_" + subdir:     l.goCgoActivate("0", goos, goarch, "-modcacherw -trimpath"),
					"deactivate.d/deactivate-z61-go-nocgo_" + subdir: l.goCgoDeactivate(),
				}
			},
		},
		{
			// conda-forge's go in an env without goshim (often: base)
			name:     "e2e-plain",
			envVarsD: map[string][][2]string{"go.json": {{"GOTOOLCHAIN", "local"}}},
			hijackGo: true,
			scripts: func(l lang) map[string]string {
				return map[string]string{
					"activate.d/activate-z61-" + goCgo:     l.goCgoActivate("1", goos, goarch, "-modcacherw -buildmode=pie -trimpath"),
					"deactivate.d/deactivate-z61-" + goCgo: l.goCgoDeactivate(),
				}
			},
		},
		{
			name:   "e2e-hostile",
			yml:    "name: e2e-hostile\nchannels:\n  - conda-forge\ndependencies: []\n",
			policy: policyHostile(hostile),
			goshim: true,
		},
		{
			name:   "e2e-hostile-1line",
			yml:    "name: e2e-hostile-1line\nchannels:\n  - conda-forge\ndependencies: []\n",
			policy: policyHostile(hostileFor(xonshLang{})),
			goshim: true,
		},
	}
	for _, p := range []string{"probe-1", "probe-2"} {
		p := p
		specs = append(specs, envSpec{
			name:     p,
			envVarsD: map[string][][2]string{"probe.json": {{"E2E_PROBE_VAR", "pkg-" + p}}},
			state:    [][2]string{{"E2E_STATE_VAR", "state-" + p}},
			scripts: func(l lang) map[string]string {
				files := map[string]string{}
				for _, n := range probeScriptNames {
					files["activate.d/"+n] = l.hookCheckpoint(p + ":act:" + n)
					files["deactivate.d/"+n] = l.hookCheckpoint(p + ":deact:" + n)
				}
				if p == "probe-1" {
					files["deactivate.d/m-pathedit"] = l.pathEditScript(deactPathEdit)
				}
				return files
			},
		})
	}
	envs := map[string]*testEnv{}
	for _, s := range specs {
		e, err := makeEnv(dir, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		envs[s.name] = e
		fx.all = append(fx.all, e)
	}
	fx.a, fx.b, fx.hostile, fx.plain = envs["e2e-a"], envs["e2e-b"], envs["e2e-hostile"], envs["e2e-plain"]
	fx.hostile1line = envs["e2e-hostile-1line"]
	fx.probe1, fx.probe2 = envs["probe-1"], envs["probe-2"]
	return fx, nil
}

// probeScriptNames sort as: ! + - digits uppercase _ lowercase ~ (code points).
var probeScriptNames = []string{"~~z", "za", "_a", "Aa", "0a", "-a", "+a", "!a", "~a"}

// deactPathEdit is what probe-1's deactivate.d puts on PATH: conda keeps it
// after a plain deactivate and loses it on a switch (conda#14762).
const deactPathEdit = "/e2e-deactivate-d-path-edit"

func makeEnv(dir string, s envSpec) (*testEnv, error) {
	prefix := filepath.Join(dir, s.name)
	e := &testEnv{name: s.name, stateID: plan.StateID(plan.FileID(s.name)), prefix: prefix,
		condaVars: map[string]string{}, noHooks: map[string]string{}}
	files := map[string]string{
		"conda-meta/history": "==> 2026-01-01 00:00:00 <==\n# cmd: goshim e2e fixture " + s.name + "\n",
	}
	if len(s.state) > 0 {
		files["conda-meta/state"] = jsonObject("env_vars", s.state)
	}
	for f, vars := range s.envVarsD {
		files["etc/conda/env_vars.d/"+f] = jsonObject("", vars)
		for _, kv := range vars {
			e.condaVars[kv[0]] = kv[1]
		}
	}
	for _, kv := range s.state {
		e.condaVars[kv[0]] = kv[1]
	}
	for _, l := range allLangs {
		if s.scripts != nil {
			for name, body := range s.scripts(l) {
				files["etc/conda/"+name+l.ext()] = body
			}
		}
		if s.goshim {
			files["etc/conda/activate.d/!e2e-checkpoint"+l.ext()] = l.hookCheckpoint("hook:act-start:" + s.name)
			files["etc/conda/activate.d/~~e2e-checkpoint"+l.ext()] = l.hookCheckpoint("hook:act-end:" + s.name)
			files["etc/conda/deactivate.d/~~e2e-checkpoint"+l.ext()] = l.hookCheckpoint("hook:deact-start:" + s.name)
			files["etc/conda/deactivate.d/!e2e-checkpoint"+l.ext()] = l.hookCheckpoint("hook:deact-end:" + s.name)
		}
	}
	if s.name == "probe-1" {
		files["etc/conda/activate.d/za.txt"] = "not a script for any shell\n"
	}
	if err := writeFiles(prefix, files); err != nil {
		return nil, err
	}
	if s.hijackGo {
		if err := hijackGo(prefix); err != nil {
			return nil, err
		}
	}
	if !s.goshim {
		return e, nil
	}

	// goshim generate, from a folder outside the prefix, as a user would
	src := filepath.Join(dir, ".src", s.name)
	srcFiles := map[string]string{"environment.yml": s.yml}
	args := []string{"generate", "-f", "environment.yml", "-o", prefix}
	if s.policy != "" {
		srcFiles["goshim.toml"] = s.policy
		args = append(args, "--policy", "goshim.toml")
		pol, err := policy.Parse("goshim.toml", []byte(s.policy))
		if err != nil {
			return nil, fmt.Errorf("test policy: %w", err)
		}
		e.policy = pol
	} else {
		e.policy = policy.Builtin()
	}
	if err := writeFiles(src, srcFiles); err != nil {
		return nil, err
	}
	out, err := command(time.Minute, src, shellEnv(nil), h.goshim, args...)
	if err != nil {
		// a value some shell cannot hold fails the whole run: generate
		// shell by shell to learn which
		for _, l := range allLangs {
			var errs []string
			ok := false
			for _, name := range goshimShellNames[l.name()] {
				o, err := command(time.Minute, src, shellEnv(nil), h.goshim, append(args, "--shell", name)...)
				if err == nil {
					ok = true
					break
				}
				errs = append(errs, strings.TrimSpace(o))
			}
			if !ok {
				e.noHooks[l.name()] = "goshim generate failed: " + strings.Join(errs, " / ")
			}
		}
		if len(e.noHooks) == len(allLangs) {
			return nil, fmt.Errorf("goshim generate: %v\n%s", err, out)
		}
	}
	for _, l := range allLangs {
		if _, done := e.noHooks[l.name()]; done {
			continue
		}
		want := filepath.Join(prefix, "etc", "conda", "activate.d", "+goshim-"+plan.FileID(s.name)+"-save"+l.ext())
		if _, err := os.Stat(want); err != nil {
			e.noHooks[l.name()] = fmt.Sprintf("goshim generates no %s hooks yet (no %s)", l.ext(), filepath.Base(want))
		}
	}
	return e, nil
}

// hijackGo installs conda-forge go's layout: the real binary in
// $PREFIX/go/bin, $PREFIX/bin/go a symlink to it, a GOROOT-looking tree.
func hijackGo(prefix string) error {
	data, err := os.ReadFile(h.fakego)
	if err != nil {
		return err
	}
	goBin := filepath.Join(prefix, "go", "bin", exe("go"))
	for _, d := range []string{filepath.Dir(goBin), filepath.Join(prefix, "go", "src", "runtime"), filepath.Join(prefix, "bin")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(goBin, data, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(prefix, "go", "VERSION"), []byte("go1.0.0-condafake\n"), 0o644); err != nil {
		return err
	}
	if runtime.GOOS == "windows" {
		lib := filepath.Join(prefix, "Library", "bin")
		if err := os.MkdirAll(lib, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(lib, exe("go")), data, 0o755)
	}
	return os.Symlink(filepath.Join("..", "go", "bin", "go"), filepath.Join(prefix, "bin", "go"))
}

// jsonObject writes an object of strings in the given order, under key if set.
func jsonObject(key string, kvs [][2]string) string {
	var b strings.Builder
	b.WriteString("{")
	for i, kv := range kvs {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(kv[0])
		v, _ := json.Marshal(kv[1])
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteString("}")
	if key != "" {
		k, _ := json.Marshal(key)
		return "{" + string(k) + ": " + b.String() + "}\n"
	}
	return b.String() + "\n"
}

// goshimFiles lists the hook files goshim wrote into an env for one extension.
func (e *testEnv) goshimFiles(ext string) []string {
	var out []string
	for _, d := range []string{"activate.d", "deactivate.d"} {
		m, _ := filepath.Glob(filepath.Join(e.prefix, "etc", "conda", d, "*goshim-*"+ext))
		out = append(out, m...)
	}
	return out
}

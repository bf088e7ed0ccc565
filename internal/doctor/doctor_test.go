package doctor

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/goshim/goshim/internal/manifest"
	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/render"
	"github.com/goshim/goshim/shim/shell"
)

// These tests build hijacked and healthy environments: env maps with one
// problem each, fake conda prefixes in t.TempDir(), a fake conda go tree,
// and the real Go at /usr/local/go as the system Go that conda shadows.

const systemGo = "/usr/local/go"

func needSystemGo(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(systemGo, "bin", "go")); err != nil {
		t.Skipf("no system Go at %s: these tests use it as the Go conda must not hijack", systemGo)
	}
	v := readVersion(systemGo)
	if v == "" {
		t.Skipf("%s has no VERSION file", systemGo)
	}
	return v
}

// fixture is one test's world: a temp root, a home outside any temp
// folder doctor knows of (TempDirs is set explicitly), and an env map.
type fixture struct {
	t    *testing.T
	root string
	home string
	dir  string // working directory
	env  map[string]string
	opts Options
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	needSystemGo(t)
	root := t.TempDir()
	f := &fixture{t: t, root: root, home: mkdir(t, root, "home"), dir: mkdir(t, root, "work")}
	noTelemetry(t, f.home)
	f.env = map[string]string{
		"HOME": f.home,
		"PATH": systemGo + "/bin:" + mkdir(t, root, "usrbin"),
	}
	f.opts = Options{
		Dir:         f.dir,
		TempDirs:    []string{},
		SystemRoots: []string{},
		GoEnv:       f.goEnv,
	}
	return f
}

// goEnv runs the real go for the real go, and fakes go env for a fake one.
func (f *fixture) goEnv(goBin string) (map[string]string, error) {
	if r, _ := goRootOf(goBin); r == systemGo {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return RunGoEnv(ctx, goBin, f.env)
	}
	out := map[string]string{
		"GOPATH": filepath.Join(f.home, "go"), "GOMODCACHE": filepath.Join(f.home, "go", "pkg", "mod"),
		"GOCACHE": filepath.Join(f.home, ".cache", "go-build"), "GOPROXY": "https://proxy.golang.org,direct",
		"GOSUMDB": "sum.golang.org", "GOTOOLCHAIN": "auto", "GOHOSTOS": runtime.GOOS, "GOHOSTARCH": runtime.GOARCH,
		"CGO_ENABLED": "1",
	}
	for k, v := range f.env {
		if v != "" && (strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "CGO_")) {
			out[k] = v
		}
	}
	return out, nil
}

func (f *fixture) run() []Finding {
	f.t.Helper()
	o := f.opts
	o.Env = f.env
	return Diagnose(o)
}

func mkdir(t *testing.T, parts ...string) string {
	t.Helper()
	p := filepath.Join(parts...)
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	mkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
}

// noTelemetry turns Go's telemetry off for a test home: otherwise the go
// that doctor runs may start a background upload process that writes into
// the home after the test removed it.
func noTelemetry(t *testing.T, home string) {
	t.Helper()
	writeFile(t, filepath.Join(home, ".config", "go", "telemetry", "mode"), "off", 0o644)
}

// fakeGoTree makes a Go installation at root that reports version.
func fakeGoTree(t *testing.T, root, version string) {
	t.Helper()
	writeFile(t, filepath.Join(root, "bin", "go"), "#!/bin/sh\necho \"go version "+version+" fake\"\n", 0o755)
	writeFile(t, filepath.Join(root, "VERSION"), version+"\ntime 2024-01-01T00:00:00Z\n", 0o644)
	mkdir(t, root, "src", "runtime")
}

// condaPrefix makes a conda env; with go it holds conda-forge's go the way
// the package lays it out: $PREFIX/go is the tree, bin/go a link into it.
func (f *fixture) condaPrefix(name string, goVersion string) string {
	f.t.Helper()
	p := mkdir(f.t, f.root, "conda", "envs", name)
	writeFile(f.t, filepath.Join(p, "conda-meta", "history"), "", 0o644)
	if goVersion != "" {
		fakeGoTree(f.t, filepath.Join(p, "go"), goVersion)
		mkdir(f.t, p, "bin")
		if err := os.Symlink("../go/bin/go", filepath.Join(p, "bin", "go")); err != nil {
			f.t.Fatal(err)
		}
	}
	return p
}

func (f *fixture) activate(prefix string) {
	f.env["CONDA_PREFIX"] = prefix
	f.env["CONDA_SHLVL"] = "1"
	f.env["PATH"] = prefix + "/bin:" + f.env["PATH"]
}

func (f *fixture) goMod(goLine string) {
	writeFile(f.t, filepath.Join(f.dir, "go.mod"), "module example.com/m\n\ngo "+goLine+"\n", 0o644)
}

// want is one finding a case must produce.
type want struct {
	check, v string
	sev      Severity
}

func findAll(fs []Finding, check, v string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Check == check && f.Var == v {
			out = append(out, f)
		}
	}
	return out
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + string(f.Severity) + " " + f.Check + " " + f.Var + ": " + f.Problem)
		if f.Where != "" {
			b.WriteString(" @ " + f.Where)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func expect(t *testing.T, fs []Finding, wants ...want) {
	t.Helper()
	for _, w := range wants {
		got := findAll(fs, w.check, w.v)
		ok := false
		for _, g := range got {
			if g.Severity == w.sev {
				ok = true
				if g.Severity != OK && (g.Problem == "" || g.Why == "" || g.Fix == "") {
					t.Errorf("%s %s: a problem needs problem, why and fix: %+v", w.check, w.v, g)
				}
			}
		}
		if !ok {
			t.Errorf("want %s %s %s; got:\n%s", w.sev, w.check, w.v, dump(fs))
		}
	}
	for _, f := range fs {
		if !contains(Checks, f.Check) {
			t.Errorf("check %q is not listed in Checks", f.Check)
		}
	}
}

func problems(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Severity != OK {
			out = append(out, f)
		}
	}
	return out
}

func TestHealthy(t *testing.T) {
	f := newFixture(t)
	f.goMod("1.21")
	fs := f.run()
	if p := problems(fs); len(p) > 0 {
		t.Fatalf("a healthy shell has problems:\n%s", dump(p))
	}
	if !Summarize(fs).Healthy() {
		t.Error("Summarize says unhealthy")
	}
	expect(t, fs,
		want{"go-on-path", "PATH", OK}, want{"go-env", "", OK}, want{"goroot", "GOROOT", OK},
		want{"go-dirs", "GOPATH", OK}, want{"go-dirs", "GOCACHE", OK}, want{"go111module", "GO111MODULE", OK},
		want{"gotoolchain", "GOTOOLCHAIN", OK}, want{"goproxy", "GOPROXY", OK}, want{"cgo-compiler", "CGO_ENABLED", OK})
	if g := findAll(fs, "go-on-path", "PATH"); len(g) != 1 || g[0].Value != systemGo+"/bin/go" {
		t.Errorf("go-on-path: %+v", g)
	}
}

// TestFindings builds one environment per problem and asserts its finding.
func TestFindings(t *testing.T) {
	sysVersion := needSystemGo(t)
	tests := []struct {
		name  string
		setup func(f *fixture)
		want  []want
		check func(t *testing.T, f *fixture, fs []Finding)
	}{
		{"no go on PATH", func(f *fixture) { f.env["PATH"] = mkdir(f.t, f.root, "empty") },
			[]want{{"go-on-path", "PATH", Error}}, nil},
		{"conda go shadows the system Go", func(f *fixture) { f.activate(f.condaPrefix("hijack", "go1.21.0")) },
			[]want{{"go-on-path", "PATH", Error}},
			func(t *testing.T, f *fixture, fs []Finding) {
				g := findAll(fs, "go-on-path", "PATH")[0]
				if !strings.Contains(g.Problem, "go1.21.0") || !strings.Contains(g.Problem, sysVersion) {
					t.Errorf("problem does not name both releases: %s", g.Problem)
				}
				if !strings.Contains(g.Fix, "goshim install -p") {
					t.Errorf("fix: %s", g.Fix)
				}
			}},
		{"conda go is the only go", func(f *fixture) {
			p := f.condaPrefix("only", "go1.21.0")
			f.env["PATH"] = mkdir(f.t, f.root, "empty")
			f.activate(p)
		}, []want{{"go-on-path", "PATH", Warn}}, nil},
		{"conda go found in a well-known place", func(f *fixture) {
			p := f.condaPrefix("only", "go1.21.0")
			f.env["PATH"] = mkdir(f.t, f.root, "empty")
			f.activate(p)
			f.opts.SystemRoots = []string{systemGo}
		}, []want{{"go-on-path", "PATH", Error}}, nil},
		{"go from an env that is not active", func(f *fixture) {
			p := f.condaPrefix("gone", "go1.21.0")
			f.env["PATH"] = p + "/bin:" + f.env["PATH"]
		}, []want{{"go-on-path", "PATH", Error}, {"conda-path", "PATH", Warn}}, nil},
		{"conda go intended by a goshim policy", func(f *fixture) {
			p := f.condaPrefix("intended", "go1.21.0")
			// a toolchain = "conda" hook set: it never records a toolchain PATH entry
			for _, h := range []string{"activate.d/+goshim-intended-save.sh", "activate.d/~goshim-intended.sh", "deactivate.d/+goshim-intended.sh"} {
				writeFile(f.t, filepath.Join(p, "etc/conda", h), "export _GOSHIM_INTENDED__O_GOPATH=u\n", 0o644)
			}
			f.activate(p)
			f.env["_GOSHIM_INTENDED__SAVED"] = "1"
		}, []want{{"go-on-path", "PATH", OK}}, nil},
		{"goshim hooks installed but not run", func(f *fixture) {
			p := f.condaPrefix("notrun", "go1.21.0")
			installHooks(f.t, p, "notrun", nil, false)
			f.activate(p)
		}, []want{{"go-on-path", "PATH", Error}, {"hooks", "", Error}},
			func(t *testing.T, f *fixture, fs []Finding) {
				if g := findAll(fs, "go-on-path", "PATH")[0]; !strings.Contains(g.Fix, "re-activate") {
					t.Errorf("fix should say re-activate: %s", g.Fix)
				}
			}},
		{"GOROOT is not a Go tree", func(f *fixture) { f.env["GOROOT"] = mkdir(f.t, f.root, "notgo") },
			[]want{{"goroot", "GOROOT", Error}}, nil},
		{"GOROOT does not exist", func(f *fixture) { f.env["GOROOT"] = filepath.Join(f.root, "nowhere") },
			[]want{{"goroot", "GOROOT", Error}, {"go-env", "", Error}}, nil},
		{"GOROOT of another release", func(f *fixture) {
			old := filepath.Join(f.root, "go1.21")
			fakeGoTree(f.t, old, "go1.21.0")
			f.env["GOROOT"] = old
		}, []want{{"goroot", "GOROOT", Error}},
			func(t *testing.T, f *fixture, fs []Finding) {
				g := findAll(fs, "goroot", "GOROOT")[0]
				want := `compile: version "go1.21.0" does not match go tool version "` + sysVersion + `"`
				if !strings.Contains(g.Why, want) {
					t.Errorf("why = %q, want it to quote %q", g.Why, want)
				}
			}},
		{"GOROOT of the same release elsewhere", func(f *fixture) {
			twin := filepath.Join(f.root, "twin")
			fakeGoTree(f.t, twin, sysVersion)
			f.env["GOROOT"] = twin
		}, []want{{"goroot", "GOROOT", Warn}}, nil},
		{"GOROOT is the go on PATH", func(f *fixture) { f.env["GOROOT"] = systemGo },
			[]want{{"goroot", "GOROOT", OK}}, nil},
		{"GOROOT set but empty", func(f *fixture) { f.env["GOROOT"] = "" },
			[]want{{"goroot", "GOROOT", OK}}, nil},
		{"GOPATH inside a conda prefix", func(f *fixture) {
			p := f.condaPrefix("gp", "")
			f.env["GOPATH"] = filepath.Join(p, "share", "go")
		}, []want{{"go-dirs", "GOPATH", Warn}}, nil},
		{"GOBIN inside the active prefix", func(f *fixture) {
			p := f.condaPrefix("gb", "")
			f.activate(p)
			f.env["GOBIN"] = filepath.Join(p, "bin")
		}, []want{{"go-dirs", "GOBIN", Warn}}, nil},
		{"GOCACHE under a temp dir", func(f *fixture) {
			tmp := mkdir(f.t, f.root, "tmp")
			f.opts.TempDirs = []string{tmp}
			f.env["GOCACHE"] = filepath.Join(tmp, "throwaway-cache")
		}, []want{{"go-dirs", "GOCACHE", Warn}}, nil},
		{"GOMODCACHE not writable", func(f *fixture) {
			blocker := filepath.Join(f.root, "blocker")
			writeFile(f.t, blocker, "a file where a folder should be", 0o644)
			f.env["GOMODCACHE"] = filepath.Join(blocker, "mod")
		}, []want{{"go-dirs", "GOMODCACHE", Error}}, nil},
		{"GOPATH relative", func(f *fixture) { f.env["GOPATH"] = "go" },
			[]want{{"go-dirs", "GOPATH", Error}}, nil},
		{"GOCACHE off", func(f *fixture) { f.env["GOCACHE"] = "off" },
			[]want{{"go-dirs", "GOCACHE", Error}}, nil},
		{"GOBIN set but empty", func(f *fixture) { f.env["GOBIN"] = "" },
			[]want{{"empty-var", "GOBIN", Warn}}, nil},
		{"GOPATH set but empty", func(f *fixture) { f.env["GOPATH"] = "" },
			[]want{{"empty-var", "GOPATH", Warn}, {"go-dirs", "GOPATH", OK}}, nil},
		{"GO111MODULE off", func(f *fixture) { f.env["GO111MODULE"] = "off" },
			[]want{{"go111module", "GO111MODULE", Error}}, nil},
		{"GO111MODULE auto", func(f *fixture) { f.env["GO111MODULE"] = "auto" },
			[]want{{"go111module", "GO111MODULE", Warn}}, nil},
		{"GO111MODULE invalid", func(f *fixture) { f.env["GO111MODULE"] = "bogus" },
			[]want{{"go111module", "GO111MODULE", Error}, {"go-env", "", Error}}, nil},
		{"-mod=vendor without vendor", func(f *fixture) {
			f.goMod("1.21")
			f.env["GOFLAGS"] = "-mod=vendor"
		}, []want{{"goflags", "GOFLAGS", Error}}, nil},
		{"-mod=vendor with vendor", func(f *fixture) {
			f.goMod("1.21")
			writeFile(f.t, filepath.Join(f.dir, "vendor", "modules.txt"), "", 0o644)
			f.env["GOFLAGS"] = "-mod=vendor"
		}, []want{{"goflags", "GOFLAGS", OK}}, nil},
		{"-mod=vendor in a subfolder of the module", func(f *fixture) {
			f.goMod("1.21")
			f.opts.Dir = mkdir(f.t, f.dir, "cmd", "x")
			f.env["GOFLAGS"] = "-mod=vendor"
		}, []want{{"goflags", "GOFLAGS", Error}}, nil},
		{"GOFLAGS with a non-flag", func(f *fixture) { f.env["GOFLAGS"] = "trimpath" },
			[]want{{"goflags", "GOFLAGS", Error}}, nil},
		{"go-cgo leftovers after the env is gone", func(f *fixture) {
			f.env["GOFLAGS"] = "-modcacherw -buildmode=pie -trimpath"
			f.env["CGO_ENABLED"] = "1"
			f.env["GOOS"] = runtime.GOOS
			f.env["GOARCH"] = runtime.GOARCH
		}, []want{{"go-cgo", "GOFLAGS", Warn}, {"go-cgo", "CGO_ENABLED", Warn}, {"go-cgo", "GOOS", Warn}, {"go-cgo", "GOARCH", Warn}}, nil},
		{"go-cgo settings of the active env", func(f *fixture) {
			p := f.condaPrefix("cgo", "")
			writeFile(f.t, filepath.Join(p, "etc/conda/activate.d/activate-z61-go-cgo_linux-64.sh"),
				"export CGO_ENABLED=1 CONDA_GO_COMPILER=1\nexport GOFLAGS=\"-modcacherw -buildmode=pie -trimpath\"\n", 0o644)
			f.activate(p)
			f.env["GOFLAGS"] = "-modcacherw -buildmode=pie -trimpath"
			f.env["CGO_ENABLED"] = "1"
			f.env["CONDA_GO_COMPILER"] = "1"
		}, []want{{"go-cgo", "GOFLAGS", Warn}},
			func(t *testing.T, f *fixture, fs []Finding) {
				g := findAll(fs, "go-cgo", "GOFLAGS")[0]
				if !strings.HasSuffix(g.Where, "activate.d/activate-z61-go-cgo_linux-64.sh:2") {
					t.Errorf("where = %q", g.Where)
				}
				if len(findAll(fs, "go-cgo", "CGO_ENABLED")) != 0 {
					t.Error("CGO_ENABLED of the active env reported as a leftover")
				}
			}},
		{"CONDA_GO_COMPILER left over", func(f *fixture) { f.env["CONDA_GO_COMPILER"] = "1" },
			[]want{{"go-cgo", "CONDA_GO_COMPILER", Warn}}, nil},
		{"cross-compiling by default", func(f *fixture) {
			other := "windows"
			if runtime.GOOS == "windows" {
				other = "linux"
			}
			f.env["GOOS"] = other
		}, []want{{"cross-compile", "GOOS", Warn}}, nil},
		{"GOTOOLCHAIN=local below go.mod", func(f *fixture) {
			f.goMod("1.999")
			f.env["GOTOOLCHAIN"] = "local"
		}, []want{{"gotoolchain", "GOTOOLCHAIN", Error}},
			func(t *testing.T, f *fixture, fs []Finding) {
				g := findAll(fs, "gotoolchain", "GOTOOLCHAIN")[0]
				if !strings.Contains(g.Why, "go.mod requires go >= 1.999 (running go "+strings.TrimPrefix(sysVersion, "go")+"; GOTOOLCHAIN=local)") {
					t.Errorf("why = %q", g.Why)
				}
			}},
		{"GOTOOLCHAIN=local from conda-forge go's env_vars.d", func(f *fixture) {
			p := f.condaPrefix("tc", "go1.21.0")
			writeFile(f.t, filepath.Join(p, "etc/conda/env_vars.d/go.json"), "{\n  \"GOTOOLCHAIN\": \"local\"\n}\n", 0o644)
			f.activate(p)
			f.env["GOTOOLCHAIN"] = "local"
			f.goMod("1.22")
		}, []want{{"gotoolchain", "GOTOOLCHAIN", Error}, {"prefix-env-vars", "GOTOOLCHAIN", Warn}},
			func(t *testing.T, f *fixture, fs []Finding) {
				for _, c := range []string{"gotoolchain", "prefix-env-vars"} {
					g := findAll(fs, c, "GOTOOLCHAIN")[0]
					if !strings.HasSuffix(g.Where, filepath.Join("etc", "conda", "env_vars.d", "go.json")+":2") {
						t.Errorf("%s: where = %q", c, g.Where)
					}
				}
			}},
		{"GOTOOLCHAIN=local satisfied", func(f *fixture) {
			f.goMod("1.20")
			f.env["GOTOOLCHAIN"] = "local"
		}, []want{{"gotoolchain", "GOTOOLCHAIN", OK}}, nil},
		{"GOTOOLCHAIN pinned to an old release", func(f *fixture) {
			f.goMod("1.22")
			f.env["GOTOOLCHAIN"] = "go1.21.0"
		}, []want{{"gotoolchain", "GOTOOLCHAIN", Error}}, nil},
		{"GOTOOLCHAIN invalid", func(f *fixture) { f.env["GOTOOLCHAIN"] = "newest" },
			[]want{{"gotoolchain", "GOTOOLCHAIN", Error}}, nil},
		{"GOPROXY off", func(f *fixture) { f.env["GOPROXY"] = "off" },
			[]want{{"goproxy", "GOPROXY", Error}}, nil},
		{"GOPROXY direct", func(f *fixture) { f.env["GOPROXY"] = "direct" },
			[]want{{"goproxy", "GOPROXY", Warn}}, nil},
		{"GOPROXY empty", func(f *fixture) { f.env["GOPROXY"] = "" },
			[]want{{"empty-var", "GOPROXY", Warn}}, nil},
		{"GOSUMDB off", func(f *fixture) { f.env["GOSUMDB"] = "off" },
			[]want{{"gosumdb", "GOSUMDB", Warn}}, nil},
		{"conda CC not on PATH", func(f *fixture) {
			f.env["CGO_ENABLED"] = "1"
			f.env["CC"] = "x86_64-conda-linux-gnu-cc"
		}, []want{{"cgo-compiler", "CC", Error}},
			func(t *testing.T, f *fixture, fs []Finding) {
				if g := findAll(fs, "cgo-compiler", "CC")[0]; !strings.Contains(g.Problem, "conda compiler") {
					t.Errorf("problem = %q", g.Problem)
				}
			}},
		{"conda CC on PATH", func(f *fixture) {
			p := f.condaPrefix("cc", "")
			writeFile(f.t, filepath.Join(p, "bin", "x86_64-conda-linux-gnu-cc"), "#!/bin/sh\nexit 0\n", 0o755)
			f.activate(p)
			f.env["CGO_ENABLED"] = "1"
			f.env["CC"] = "x86_64-conda-linux-gnu-cc"
		}, []want{{"cgo-compiler", "CC", OK}}, nil},
		{"missing CC with cgo off", func(f *fixture) {
			f.env["CGO_ENABLED"] = "0"
			f.env["CC"] = "x86_64-conda-linux-gnu-cc"
		}, []want{{"cgo-compiler", "CGO_ENABLED", OK}}, nil},
		{"CONDA_PREFIX of a deleted env", func(f *fixture) { f.env["CONDA_PREFIX"] = filepath.Join(f.root, "deleted") },
			[]want{{"conda-prefix", "CONDA_PREFIX", Warn}}, nil},
		{"goshim state with no env active", func(f *fixture) {
			f.env["_GOSHIM_ML__SAVED"] = "1"
			f.env["_GOSHIM_ML__O_GOPATH"] = "u"
		}, []want{{"goshim-state", "_GOSHIM_ML__*", Error}},
			func(t *testing.T, f *fixture, fs []Finding) {
				if g := findAll(fs, "goshim-state", "_GOSHIM_ML__*")[0]; !strings.Contains(g.Fix, "unset _GOSHIM_ML__O_GOPATH _GOSHIM_ML__SAVED") {
					t.Errorf("fix = %q", g.Fix)
				}
			}},
		{"goshim state of the active env", func(f *fixture) {
			p := f.condaPrefix("ml", "")
			installHooks(f.t, p, "ml", nil, false)
			f.activate(p)
			f.env["_GOSHIM_ML__SAVED"] = "1"
		}, []want{{"goshim-state", "_GOSHIM_ML__*", OK}, {"hooks", "", OK}}, nil},
		{"goshim PATH entry outlived its env", func(f *fixture) {
			f.env["PATH"] = systemGo + "/bin:" + f.env["PATH"]
			f.env["_GOSHIM_STALE_PATH"] = systemGo + "/bin"
		}, []want{{"stale-path", "PATH", Warn}},
			func(t *testing.T, f *fixture, fs []Finding) {
				g := findAll(fs, "stale-path", "PATH")[0]
				if !strings.Contains(g.Fix, "export PATH="+systemGo+"/bin:"+f.root) {
					t.Errorf("fix should give PATH without one occurrence: %s", g.Fix)
				}
				if !strings.Contains(g.Why, "conda#14762") {
					t.Errorf("why = %q", g.Why)
				}
			}},
		{"stale conda backups", func(f *fixture) {
			f.env["CONDA_BACKUP_CC"] = "gcc"
			f.env["__CONDA_SHLVL_0_GOTOOLCHAIN"] = "auto"
			f.env["CONDA_SHLVL"] = "0"
		}, []want{{"conda-backups", "CONDA_BACKUP_*", Warn}, {"conda-backups", "__CONDA_SHLVL_*", Warn}}, nil},
		{"conda backups of the active level", func(f *fixture) {
			f.activate(f.condaPrefix("lvl", ""))
			f.env["CONDA_BACKUP_CC"] = "gcc"
			f.env["__CONDA_SHLVL_0_GOTOOLCHAIN"] = "auto"
		}, []want{{"conda-backups", "", OK}}, nil},
		{"conda PATH entry twice", func(f *fixture) {
			p := f.condaPrefix("dup", "")
			f.activate(p)
			f.env["PATH"] = p + "/bin:" + f.env["PATH"]
		}, []want{{"path-duplicates", "PATH", Warn}}, nil},
		{"harmless PATH duplicate", func(f *fixture) { f.env["PATH"] = systemGo + "/bin:" + f.env["PATH"] },
			[]want{{"path-duplicates", "PATH", OK}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.setup(f)
			fs := f.run()
			expect(t, fs, tt.want...)
			if tt.check != nil {
				tt.check(t, f, fs)
			}
			wantHealthy := true
			for _, w := range tt.want {
				if w.sev != OK {
					wantHealthy = false
				}
			}
			if got := Summarize(fs).Healthy(); got != wantHealthy {
				t.Errorf("healthy = %v, want %v:\n%s", got, wantHealthy, dump(problems(fs)))
			}
		})
	}
}

// installHooks writes a hook set rendered from the default policy into
// prefix, with a manifest when withManifest, and returns its digest.
func installHooks(t *testing.T, prefix, id string, inputs []plan.Input, withManifest bool) *plan.Plan {
	t.Helper()
	p, err := plan.Build(policy.Builtin(), plan.Options{ID: id, Inputs: inputs})
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := shell.Lookup("sh")
	files, err := render.Files(p, sh)
	if err != nil {
		t.Fatal(err)
	}
	man := &manifest.Manifest{Format: manifest.Format, ID: p.ID, Digest: p.Digest, Source: "generated", Inputs: []manifest.Input{}}
	for _, f := range files {
		writeFile(t, filepath.Join(prefix, filepath.FromSlash(f.Path)), string(f.Data), 0o644)
		man.Files = append(man.Files, manifest.File{Path: f.Path, SHA256: manifest.Sum(f.Data)})
	}
	if withManifest {
		data, err := man.Encode()
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(prefix, filepath.FromSlash(manifest.PathFor(p.ID))), string(data), 0o644)
	}
	return p
}

// generator returns what the default policy with inputs generates.
func generator(inputs []plan.Input) func(prefix, id string) (*Generated, error) {
	return func(prefix, id string) (*Generated, error) {
		p, err := plan.Build(policy.Builtin(), plan.Options{ID: id, Inputs: inputs})
		if err != nil {
			return nil, err
		}
		g := &Generated{Digest: p.Digest, Files: map[string][]byte{}}
		for _, in := range inputs {
			g.Inputs = append(g.Inputs, in.Name)
		}
		sh, _ := shell.Lookup("sh")
		files, err := render.Files(p, sh)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			g.Files[f.Path] = f.Data
		}
		return g, nil
	}
}

func TestPrefixHooks(t *testing.T) {
	needSystemGo(t)
	policyIn := []plan.Input{{Name: "goshim.toml", Digest: plan.DigestBytes([]byte("[env]\n"))}}
	otherIn := []plan.Input{{Name: "goshim.toml", Digest: plan.DigestBytes([]byte("[env]\nGOFLAGS = \"-mod=mod\"\n"))}}
	tests := []struct {
		name  string
		setup func(f *fixture, p string)
		want  []want
	}{
		{"no hooks in a hijacking env", func(f *fixture, p string) {}, []want{{"hooks", "", Warn}}},
		{"no hooks, nothing to guard", func(f *fixture, p string) {
			os.RemoveAll(filepath.Join(p, "go"))
			os.Remove(filepath.Join(p, "bin", "go"))
		},
			[]want{{"hooks", "", OK}}},
		{"installed with a manifest and up to date", func(f *fixture, p string) {
			installHooks(f.t, p, "ml", policyIn, true)
			f.opts.Generate = generator(policyIn)
		}, []want{{"hooks", "", OK}, {"hooks-current", "", OK}}},
		{"a hook file edited", func(f *fixture, p string) {
			installHooks(f.t, p, "ml", policyIn, true)
			hook := filepath.Join(p, "etc/conda/activate.d/~goshim-ml.sh")
			data, _ := os.ReadFile(hook)
			writeFile(f.t, hook, string(data)+"export GOFLAGS=-x\n", 0o644)
		}, []want{{"hooks", "", Error}}},
		{"a hook file deleted", func(f *fixture, p string) {
			installHooks(f.t, p, "ml", policyIn, true)
			os.Remove(filepath.Join(p, "etc/conda/deactivate.d/+goshim-ml.sh"))
		}, []want{{"hooks", "", Error}}},
		{"copied hooks, incomplete", func(f *fixture, p string) {
			installHooks(f.t, p, "ml", policyIn, false)
			os.Remove(filepath.Join(p, "etc/conda/activate.d/+goshim-ml-save.sh"))
		}, []want{{"hooks", "", Error}}},
		{"generated from other inputs", func(f *fixture, p string) {
			installHooks(f.t, p, "ml", otherIn, true)
			f.opts.Generate = generator(policyIn)
		}, []want{{"hooks", "", OK}, {"hooks-current", "", Warn}}},
		{"same inputs, other bytes (another goshim)", func(f *fixture, p string) {
			installHooks(f.t, p, "ml", policyIn, false)
			gen := generator(policyIn)
			f.opts.Generate = func(prefix, id string) (*Generated, error) {
				g, err := gen(prefix, id)
				if err == nil {
					g.Files["etc/conda/activate.d/~goshim-ml.sh"] = append(g.Files["etc/conda/activate.d/~goshim-ml.sh"], "# newer\n"...)
				}
				return g, err
			}
		}, []want{{"hooks", "", OK}, {"hooks-current", "", Warn}}},
		{"inputs not here", func(f *fixture, p string) {
			installHooks(f.t, p, "ml", policyIn, true)
			f.opts.Generate = generator(nil)
		}, []want{{"hooks-current", "", OK}}},
		{"env_vars and scripts, unmanaged", func(f *fixture, p string) {
			writeFile(f.t, filepath.Join(p, "etc/conda/env_vars.d/go.json"), "{\"GOTOOLCHAIN\": \"local\"}\n", 0o644)
			writeFile(f.t, filepath.Join(p, "etc/conda/activate.d/goenv.sh"), "# my env\nexport GOPATH=\"$CONDA_PREFIX/share/go\" GO111MODULE=auto\n", 0o644)
		}, []want{{"prefix-env-vars", "GOTOOLCHAIN", Warn}, {"prefix-scripts", "GOPATH", Warn}, {"prefix-scripts", "GO111MODULE", Warn}}},
		{"env_vars and scripts, managed by goshim", func(f *fixture, p string) {
			writeFile(f.t, filepath.Join(p, "etc/conda/env_vars.d/go.json"), "{\"GOTOOLCHAIN\": \"local\"}\n", 0o644)
			writeFile(f.t, filepath.Join(p, "etc/conda/activate.d/goenv.sh"), "export GOPATH=\"$CONDA_PREFIX/share/go\"\n", 0o644)
			installHooks(f.t, p, "ml", nil, true)
		}, []want{{"prefix-env-vars", "GOTOOLCHAIN", OK}, {"prefix-scripts", "GOPATH", OK}}},
		{"broken env_vars.d", func(f *fixture, p string) {
			writeFile(f.t, filepath.Join(p, "etc/conda/env_vars.d/go.json"), "{\"GOTOOLCHAIN\": \n", 0o644)
		}, []want{{"prefix-env-vars", "", Error}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.condaPrefix("ml", "go1.21.0")
			f.opts.Prefix = p // inspected with -p: not active
			tt.setup(f, p)
			fs := f.run()
			expect(t, fs, tt.want...)
			for _, w := range tt.want {
				if w.check == "prefix-scripts" && w.sev == Warn {
					g := findAll(fs, w.check, w.v)[0]
					if !strings.HasSuffix(g.Where, filepath.Join("activate.d", "goenv.sh")+":2") {
						t.Errorf("%s: where = %q, want goenv.sh:2", w.v, g.Where)
					}
				}
			}
		})
	}
}

func TestReadHeader(t *testing.T) {
	dir := t.TempDir()
	hook := filepath.Join(dir, "h.sh")
	writeFile(t, hook, "# Generated by goshim. DO NOT EDIT: ...\n# Hook set \"x\", save: ...\n# Inputs: environment.yml (sha256:aa), goshim.toml (sha256:bb)\n# Digest: sha256:cc\n", 0o644)
	in, d := readHeader(hook)
	if strings.Join(in, ",") != "environment.yml,goshim.toml" || d != "cc" {
		t.Errorf("readHeader = %v, %q", in, d)
	}
	writeFile(t, hook, "# Inputs: embedded default policy\n# Digest: sha256:dd\n", 0o644)
	if in, d := readHeader(hook); len(in) != 0 || d != "dd" {
		t.Errorf("embedded default: %v, %q", in, d)
	}
}

func TestRunGoEnvNeverSwitchesToolchain(t *testing.T) {
	needSystemGo(t)
	home := t.TempDir()
	env := map[string]string{"HOME": home, "PATH": "/usr/bin:/bin", "GOTOOLCHAIN": "go1.999.0", "GOPROXY": "off"}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := RunGoEnv(ctx, systemGo+"/bin/go", env)
	if err != nil {
		t.Fatalf("RunGoEnv: %v", err)
	}
	if out["GOTOOLCHAIN"] != "go1.999.0" {
		t.Errorf("GOTOOLCHAIN = %q, want the environment's", out["GOTOOLCHAIN"])
	}
	if out["GOVERSION"] != readVersion(systemGo) {
		t.Errorf("GOVERSION = %q: go switched toolchains", out["GOVERSION"])
	}
	// an empty GOTOOLCHAIN is unset: the env file decides
	writeFile(t, filepath.Join(home, "goenv"), "GOTOOLCHAIN=go1.23.0+auto\n", 0o644)
	env["GOTOOLCHAIN"], env["GOENV"] = "", filepath.Join(home, "goenv")
	if out, err := RunGoEnv(ctx, systemGo+"/bin/go", env); err != nil || out["GOTOOLCHAIN"] != "go1.23.0+auto" {
		t.Errorf("GOTOOLCHAIN from the env file = %q, %v", out["GOTOOLCHAIN"], err)
	}
}

func TestChecksAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks {
		if seen[c] {
			t.Errorf("check %q listed twice", c)
		}
		seen[c] = true
	}
}

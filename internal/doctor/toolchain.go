package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// checkToolchain: which go wins on PATH, go env, GOROOT.
func (d *diag) checkToolchain() {
	d.checkGoOnPath()
	d.checkGoEnv()
	d.checkGoroot()
}

// goRootOf returns the Go tree a go binary belongs to (through symlinks:
// conda's and Debian's bin/go are links) and its version.
func goRootOf(bin string) (root, version string) {
	resolved := bin
	if r, err := filepath.EvalSymlinks(bin); err == nil {
		resolved = r
	}
	dir := filepath.Dir(resolved)
	if filepath.Base(dir) != "bin" {
		return "", ""
	}
	root = filepath.Dir(dir)
	return root, readVersion(root)
}

// readVersion reads a Go tree's VERSION file ("go1.24.3", then build
// details on later lines); "" when there is none.
func readVersion(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "VERSION"))
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(string(data), "\n")
	first = strings.TrimSpace(first)
	if !strings.HasPrefix(first, "go") {
		return ""
	}
	return first
}

// isGoTree reports what a Go installation at root lacks ("" when nothing).
func isGoTree(root string) string {
	var missing []string
	exe := "go"
	if isFile(filepath.Join(root, "bin", "go.exe")) {
		exe = "go.exe"
	}
	if !isFile(filepath.Join(root, "bin", exe)) {
		missing = append(missing, "bin/go")
	}
	if !isDir(filepath.Join(root, "src", "runtime")) {
		missing = append(missing, "src/runtime")
	}
	return strings.Join(missing, " and ")
}

func sameDir(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	if err1 == nil && err2 == nil {
		return ra == rb
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

func describe(bin, version string) string {
	if version == "" {
		return bin
	}
	return fmt.Sprintf("%s (%s)", bin, version)
}

// systemRoots are where goshim's hooks look for a system Go when PATH has
// none outside conda.
func (d *diag) systemRoots() []string {
	if d.o.SystemRoots != nil {
		return d.o.SystemRoots
	}
	if d.windows() {
		return []string{`C:\Program Files\Go`}
	}
	roots := []string{"/usr/local/go", "/usr/lib/go"}
	if home := d.getenv("HOME"); home != "" {
		if m, _ := filepath.Glob(filepath.Join(home, "sdk", "go*")); len(m) > 0 {
			roots = append(roots, m...)
		}
	}
	return append(roots, "/opt/homebrew/opt/go/libexec", "/usr/local/opt/go/libexec")
}

// systemGo returns a go outside every conda prefix: later on PATH, else in a
// well-known place.
func (d *diag) systemGo(onPath []string) string {
	for _, g := range onPath {
		if d.condaPrefixOf(g) == "" {
			return g
		}
	}
	for _, r := range d.systemRoots() {
		g := filepath.Join(r, "bin", "go")
		if d.windows() {
			g += ".exe"
		}
		if isExecutable(g) && d.condaPrefixOf(g) == "" {
			return g
		}
	}
	return ""
}

func (d *diag) checkGoOnPath() {
	gos := d.which("go")
	if len(gos) == 0 {
		d.add(Finding{Check: "go-on-path", Severity: Error, Var: "PATH",
			Problem: "no go on PATH",
			Why:     "every go command fails with \"go: command not found\"",
			Fix:     "install Go (https://go.dev/dl) and put its bin/ on PATH"})
		return
	}
	d.goBin = gos[0]
	d.goRoot, d.goVersion = goRootOf(d.goBin)
	prefix := d.condaPrefixOf(d.goBin)
	if prefix == "" {
		msg := "go is " + describe(d.goBin, d.goVersion) + ", outside conda"
		for _, g := range gos[1:] {
			if p := d.condaPrefixOf(g); p != "" {
				msg += "; the conda go at " + g + " is shadowed"
				break
			}
		}
		d.add(Finding{Check: "go-on-path", Severity: OK, Var: "PATH", Value: d.goBin, Problem: msg})
		return
	}
	sys := d.systemGo(gos[1:])
	_, sysVersion := goRootOf(sys)
	f := Finding{Check: "go-on-path", Var: "PATH", Value: d.goBin}
	info := d.prefixInfo(prefix)
	switch {
	case !d.isActive(prefix):
		f.Severity = Error
		f.Problem = fmt.Sprintf("go is %s from conda env %s, which is not active", describe(d.goBin, d.goVersion), prefix)
		f.Why = "a PATH entry outlived its env (a shell that was not deactivated through conda, or conda#14762): every go command uses that env's Go"
		f.Fix = fmt.Sprintf("remove %s from PATH, or start a new shell", filepath.Dir(d.goBin))
	case info.intendsCondaGo():
		f.Severity = OK
		f.Problem = fmt.Sprintf("go is the env's own %s, as its goshim policy says (toolchain = \"conda\")", describe(d.goBin, d.goVersion))
	case sys != "":
		f.Severity = Error
		f.Problem = fmt.Sprintf("the env's go %s shadows the system Go %s", describe(d.goBin, d.goVersion), describe(sys, sysVersion))
		f.Why = "conda's go package puts $CONDA_PREFIX/bin first on PATH: builds silently use conda's Go release, and with its GOTOOLCHAIN=local they cannot switch to the one go.mod asks for"
		f.Fix = d.toolchainFix(prefix, info)
	default:
		f.Severity = Warn
		f.Problem = fmt.Sprintf("go is the env's own %s; no Go outside conda was found", describe(d.goBin, d.goVersion))
		f.Why = "the Go release is whatever the env pins, and the env's scripts configure it"
		f.Fix = "install Go outside conda (https://go.dev/dl) and use goshim's hooks to put it first, or set toolchain = \"conda\" in goshim.toml if the env's go is intended"
	}
	d.add(f)
}

// toolchainFix says how to put the system Go back for the env at prefix.
func (d *diag) toolchainFix(prefix string, info *prefixInfo) string {
	if len(info.sets) > 0 {
		for _, s := range info.sets {
			if _, ok := d.lookup("_GOSHIM_" + s.stateID + "__SAVED"); !ok {
				return fmt.Sprintf("goshim's hooks are installed but did not run in this shell: re-activate the env (conda activate %s)", prefix)
			}
		}
		return "goshim's hooks ran but found no system Go: set [go] root in goshim.toml, regenerate and reinstall"
	}
	return fmt.Sprintf("install goshim's hooks into the env (goshim install -p %s): toolchain = \"system\" puts the system Go first while the env is active", prefix)
}

func (d *diag) checkGoEnv() {
	if d.goBin == "" || d.o.GoEnv == nil {
		return
	}
	env, err := d.o.GoEnv(d.goBin)
	if err != nil {
		d.add(Finding{Check: "go-env", Severity: Error, Var: "", Value: d.goBin,
			Problem: "`go env -json` failed: " + oneLine(err.Error()),
			Why:     "the go on PATH cannot run in this environment, so every go command fails the same way",
			Fix:     "fix what the message names (often GOROOT, GO111MODULE, GOFLAGS or the go env file); the other findings point at the cause"})
		return
	}
	d.goEnv = env
	if d.goVersion == "" {
		d.goVersion = env["GOVERSION"]
	}
	d.add(Finding{Check: "go-env", Severity: OK, Value: env["GOVERSION"],
		Problem: "`go env -json` ran; effective values below include go's env file"})
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "; ")
}

func (d *diag) checkGoroot() {
	v, set := d.lookup("GOROOT")
	f := Finding{Check: "goroot", Var: "GOROOT", Value: v, Severity: OK}
	switch {
	case !set:
		f.Problem = "unset: go finds its root from its own executable"
		if d.goRoot != "" {
			f.Problem += " (" + d.goRoot + ")"
		}
	case v == "":
		f.Problem = "set but empty, which go treats as unset"
	default:
		where := d.origin("GOROOT")
		if missing := isGoTree(v); missing != "" {
			f.Severity = Error
			f.Problem = fmt.Sprintf("GOROOT=%s is not a Go installation (no %s)", v, missing)
			if !isDir(v) {
				f.Problem = fmt.Sprintf("GOROOT=%s does not exist", v)
			}
			f.Why = "every go command fails (\"go: cannot find GOROOT directory\" or \"package runtime is not in std\")"
			f.Fix = "unset GOROOT: go finds its own root"
			f.Where = where
			break
		}
		if d.goBin == "" || sameDir(v, d.goRoot) {
			f.Problem = "GOROOT is the root of the go on PATH"
			break
		}
		rootVersion := readVersion(v)
		f.Where = where
		f.Fix = "unset GOROOT: go finds its own root from the executable on PATH"
		if rootVersion != "" && d.goVersion != "" && rootVersion != d.goVersion {
			f.Severity = Error
			f.Problem = fmt.Sprintf("GOROOT=%s is %s, but the go on PATH (%s) is %s", v, rootVersion, d.goBin, d.goVersion)
			f.Why = fmt.Sprintf("builds fail with \"compile: version %q does not match go tool version %q\"", rootVersion, d.goVersion)
		} else {
			f.Severity = Warn
			f.Problem = fmt.Sprintf("GOROOT=%s is another Go tree than the go on PATH (%s)", v, d.goBin)
			f.Why = "the go command on PATH builds with GOROOT's compiler and standard library: it works only while both trees are the same release"
		}
	}
	d.add(f)
}

package doctor

import (
	"bufio"
	"bytes"
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// checkSettings: the go command's mode and network settings.
func (d *diag) checkSettings() {
	d.checkGO111MODULE()
	d.checkGOFLAGS()
	d.checkGoCgoLeftovers()
	d.checkCrossCompile()
	d.checkGOTOOLCHAIN()
	d.checkGOPROXY()
	d.checkGOSUMDB()
}

// where is the origin of an effective value: an env's file:line when the
// environment set it, go's env file when go env did.
func (d *diag) where(name, src string) string {
	if src == "go env" {
		return d.goEnvFileWhere(name)
	}
	return d.origin(name)
}

func (d *diag) checkGO111MODULE() {
	v, src := d.effective("GO111MODULE")
	f := Finding{Check: "go111module", Var: "GO111MODULE", Value: v, Where: d.where("GO111MODULE", src)}
	switch v {
	case "", "on":
		f.Severity, f.Problem, f.Where = OK, "module mode (GO111MODULE="+v+")", ""
		if v == "" {
			f.Problem = "unset: module mode"
		}
	case "auto":
		f.Severity, f.Problem = Warn, "GO111MODULE=auto"
		f.Why = "outside a module go falls back to GOPATH mode, where `go get` and `go install pkg` behave differently; a leftover of env scripts written for GOPATH-era projects"
		f.Fix = "unset GO111MODULE (module mode is the default since Go 1.16)"
	case "off":
		f.Severity, f.Problem = Error, "GO111MODULE=off: GOPATH mode"
		f.Why = "go.mod is ignored: module projects fail with \"cannot find package\", and `go install pkg@version` refuses to run"
		f.Fix = "unset GO111MODULE"
	default:
		f.Severity, f.Problem = Error, fmt.Sprintf("GO111MODULE=%s is not a valid value", v)
		f.Why = fmt.Sprintf("every go command fails: \"go: unknown environment setting GO111MODULE=%s\"", v)
		f.Fix = "unset GO111MODULE, or set it to on"
	}
	d.add(f)
}

// moduleRoot finds the main module around dir: the folder of go.mod, and
// the folder of go.work when a workspace is in use.
func (d *diag) moduleRoot() (mod, work string) {
	if d.o.Dir == "" {
		return "", ""
	}
	for dir := filepath.Clean(d.o.Dir); ; {
		if mod == "" && isFile(filepath.Join(dir, "go.mod")) {
			mod = dir
		}
		if work == "" && isFile(filepath.Join(dir, "go.work")) {
			work = dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	switch gw := d.getenv("GOWORK"); {
	case gw == "off":
		work = ""
	case gw != "" && filepath.IsAbs(gw):
		work = filepath.Dir(gw)
	}
	return mod, work
}

func (d *diag) checkGOFLAGS() {
	v, src := d.effective("GOFLAGS")
	where := d.where("GOFLAGS", src)
	n := len(d.findings)
	for _, flag := range strings.Fields(v) {
		if !strings.HasPrefix(flag, "-") {
			d.add(Finding{Check: "goflags", Severity: Error, Var: "GOFLAGS", Value: v, Where: where,
				Problem: fmt.Sprintf("GOFLAGS holds %q, which is not a flag", flag),
				Why:     fmt.Sprintf("go build, test and run fail: \"go: parsing $GOFLAGS: non-flag %q\"", flag),
				Fix:     "write GOFLAGS as space-separated flags like \"-mod=mod -trimpath\", or unset it"})
		}
		if flag == "-mod=vendor" {
			mod, work := d.moduleRoot()
			root := mod
			if work != "" {
				root = work
			}
			if root != "" && !isFile(filepath.Join(root, "vendor", "modules.txt")) {
				d.add(Finding{Check: "goflags", Severity: Error, Var: "GOFLAGS", Value: v, Where: where,
					Problem: fmt.Sprintf("GOFLAGS has -mod=vendor, but %s has no vendor/", root),
					Why:     "builds of this module fail: go looks for every dependency in vendor/ (\"inconsistent vendoring\" or \"cannot find module providing package\")",
					Fix:     "unset GOFLAGS (or drop -mod=vendor from it), or run go mod vendor"})
			}
		}
	}
	if len(d.findings) == n {
		msg := "unset"
		if v != "" {
			msg = "GOFLAGS=" + v
		}
		d.add(Finding{Check: "goflags", Severity: OK, Var: "GOFLAGS", Value: v, Problem: msg})
	}
}

// goCgoFlags is what conda-forge's go-cgo/go-nocgo activation exports as
// GOFLAGS ("-modcacherw -buildmode=pie -trimpath").
func goCgoFlags(v string) bool {
	f := strings.Fields(v)
	return contains(f, "-modcacherw") && contains(f, "-buildmode=pie")
}

// checkGoCgoLeftovers: what go-cgo's activation exports and its deactivation
// leaves behind (it only unsets CONDA_GO_COMPILER).
func (d *diag) checkGoCgoLeftovers() {
	flags := d.getenv("GOFLAGS")
	if !goCgoFlags(flags) {
		if v, ok := d.lookup("CONDA_GO_COMPILER"); ok && v != "" && d.activeOrigin("CONDA_GO_COMPILER") == "" {
			d.add(Finding{Check: "go-cgo", Severity: Warn, Var: "CONDA_GO_COMPILER", Value: v, Where: d.origin("CONDA_GO_COMPILER"),
				Problem: "CONDA_GO_COMPILER is set, but no active env sets it",
				Why:     "conda's go reads it to point GOBIN into $CONDA_PREFIX/bin and CGO flags at the conda compiler's",
				Fix:     "unset CONDA_GO_COMPILER"})
			return
		}
		d.add(Finding{Check: "go-cgo", Severity: OK, Problem: "no go-cgo activation settings in effect"})
		return
	}
	if w := d.activeOrigin("GOFLAGS"); w != "" {
		d.add(Finding{Check: "go-cgo", Severity: Warn, Var: "GOFLAGS", Value: flags, Where: w,
			Problem: "GOFLAGS is go-cgo's " + shq(flags) + ", set by the active env",
			Why:     "every build in this shell silently gets -buildmode=pie -trimpath -modcacherw, unlike a plain go build, and go-cgo's deactivate script leaves GOFLAGS, CGO_ENABLED, GOOS and GOARCH behind",
			Fix:     "install goshim's hooks into the env (its default policy keeps GOFLAGS, CGO_ENABLED, GOOS, GOARCH from before activation)"})
		return
	}
	// the env that set them is gone: every one of go-cgo's variables still set is a leftover
	for _, name := range []string{"GOFLAGS", "CGO_ENABLED", "GOOS", "GOARCH", "CONDA_GO_COMPILER"} {
		v, ok := d.lookup(name)
		if !ok || v == "" || d.activeOrigin(name) != "" {
			continue
		}
		d.add(Finding{Check: "go-cgo", Severity: Warn, Var: name, Value: v, Where: d.origin(name),
			Problem: fmt.Sprintf("%s=%s is left over from go-cgo's activation of an env that is no longer active", name, shq(v)),
			Why:     "go-cgo's deactivate script only unsets CONDA_GO_COMPILER: every later build in this shell still gets the env's settings",
			Fix:     "unset " + name + " (or start a new shell); goshim's hooks in that env prevent it"})
	}
}

func (d *diag) checkCrossCompile() {
	host := map[string]string{"GOOS": d.o.GOOS, "GOARCH": d.o.GOARCH}
	if v := d.goEnv["GOHOSTOS"]; v != "" {
		host["GOOS"] = v
	}
	if v := d.goEnv["GOHOSTARCH"]; v != "" {
		host["GOARCH"] = v
	}
	n := len(d.findings)
	for _, name := range []string{"GOOS", "GOARCH"} {
		v, src := d.effective(name)
		if v == "" || v == host[name] {
			continue
		}
		d.add(Finding{Check: "cross-compile", Severity: Warn, Var: name, Value: v, Where: d.where(name, src),
			Problem: fmt.Sprintf("%s=%s, but this machine is %s", name, v, host[name]),
			Why:     "every go build cross-compiles: go run and go test fail with \"exec format error\" or refuse to run the binaries",
			Fix:     "unset " + name + " (set it per command: " + name + "=" + v + " go build)"})
	}
	if len(d.findings) == n {
		d.add(Finding{Check: "cross-compile", Severity: OK, Problem: "builds target this machine (" + host["GOOS"] + "/" + host["GOARCH"] + ")"})
	}
}

var (
	goVersionRe   = `go1(\.[0-9]+){0,2}((rc|beta)[0-9]+)?`
	toolchainRe   = regexp.MustCompile(`^(local|auto|path|` + goVersionRe + `|` + goVersionRe + `\+(auto|path))$`)
	goDirectiveRe = regexp.MustCompile(`^go\s+([0-9][0-9A-Za-z.]*)\s*(//.*)?$`)
)

// goModVersion reads the `go` line of a go.mod (or go.work): the oldest Go
// that may build the module. "" when there is none.
func goModVersion(file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if m := goDirectiveRe.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			return "go" + m[1]
		}
	}
	return ""
}

func (d *diag) checkGOTOOLCHAIN() {
	v, src := d.effective("GOTOOLCHAIN")
	where := d.where("GOTOOLCHAIN", src)
	f := Finding{Check: "gotoolchain", Var: "GOTOOLCHAIN", Value: v, Where: where}
	if v == "" {
		f.Severity, f.Problem, f.Where = OK, "unset", ""
		d.add(f)
		return
	}
	if !toolchainRe.MatchString(v) {
		f.Severity = Error
		f.Problem = fmt.Sprintf("GOTOOLCHAIN=%s is not a valid value", v)
		f.Why = "every go command fails: \"go: invalid GOTOOLCHAIN\""
		f.Fix = "unset GOTOOLCHAIN, or use local, auto, path, go1.N.M or go1.N.M+auto"
		d.add(f)
		return
	}
	// the release that runs: the go on PATH, or the one GOTOOLCHAIN names
	running := d.goVersion
	// local and a bare release never switch; path may find a newer go on PATH
	pinned := v == "local" || strings.HasPrefix(v, "go") && !strings.Contains(v, "+")
	if strings.HasPrefix(v, "go") && !strings.Contains(v, "+") {
		running = v
	}
	mod, work := d.moduleRoot()
	file := ""
	switch {
	case work != "":
		file = filepath.Join(work, "go.work")
	case mod != "":
		file = filepath.Join(mod, "go.mod")
	}
	need := goModVersion(file)
	if pinned && need != "" && version.IsValid(need) && version.IsValid(running) && version.Compare(need, running) > 0 {
		f.Severity = Error
		f.Problem = fmt.Sprintf("GOTOOLCHAIN=%s, but %s asks for %s and the go that runs is %s", v, file, need, running)
		f.Why = fmt.Sprintf("every go command in this module fails: \"go: %s requires go >= %s (running go %s; GOTOOLCHAIN=%s)\"",
			filepath.Base(file), strings.TrimPrefix(need, "go"), strings.TrimPrefix(running, "go"), v)
		f.Fix = "unset GOTOOLCHAIN (or set it to auto) so go fetches the toolchain go.mod asks for"
		if src == "go env" {
			f.Fix = "go env -w GOTOOLCHAIN=auto, so go fetches the toolchain go.mod asks for"
		}
		if strings.Contains(where, "env_vars.d") {
			f.Fix = "conda-forge's go exports GOTOOLCHAIN=local from its env_vars.d: install goshim's hooks (the default policy keeps GOTOOLCHAIN from before activation), or unset GOTOOLCHAIN in this shell"
		}
		d.add(f)
		return
	}
	f.Severity = OK
	f.Problem = "GOTOOLCHAIN=" + v
	if need != "" && running != "" {
		f.Problem += fmt.Sprintf("; %s asks for %s, the go that runs is %s", filepath.Base(file), need, running)
	}
	if where != "" {
		f.Problem += " (set by " + where + ")"
	}
	f.Where = ""
	d.add(f)
}

func (d *diag) checkGOPROXY() {
	raw, set := d.lookup("GOPROXY")
	n := len(d.findings)
	if set && raw == "" {
		f := d.emptyVar("GOPROXY")
		f.Why = "go falls back to its default proxy, but other tools that read $GOPROXY see no proxy; conda's deactivate leaves variables it exported this way"
		d.add(f)
	}
	v, src := d.effective("GOPROXY")
	where := d.where("GOPROXY", src)
	entries := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' })
	switch {
	case len(entries) > 0 && entries[0] == "off":
		d.add(Finding{Check: "goproxy", Severity: Error, Var: "GOPROXY", Value: v, Where: where,
			Problem: "GOPROXY=off: module downloads are disabled",
			Why:     "any module not already in the module cache fails: \"module lookup disabled by GOPROXY=off\"",
			Fix:     "unset GOPROXY (default https://proxy.golang.org,direct)"})
	case len(entries) == 1 && entries[0] == "direct":
		d.add(Finding{Check: "goproxy", Severity: Warn, Var: "GOPROXY", Value: v, Where: where,
			Problem: "GOPROXY=direct: no module proxy",
			Why:     "every module is fetched from its VCS: slower, needs git (or hg, svn…) on PATH, and fails when an upstream repository is gone",
			Fix:     "unset GOPROXY, or put a proxy first: GOPROXY=https://proxy.golang.org,direct"})
	}
	if len(d.findings) == n {
		msg := "GOPROXY=" + v
		if v == "" {
			msg = "unset"
		}
		d.add(Finding{Check: "goproxy", Severity: OK, Var: "GOPROXY", Value: v, Problem: msg})
	}
}

func (d *diag) checkGOSUMDB() {
	v, src := d.effective("GOSUMDB")
	if v == "off" {
		d.add(Finding{Check: "gosumdb", Severity: Warn, Var: "GOSUMDB", Value: v, Where: d.where("GOSUMDB", src),
			Problem: "GOSUMDB=off: module checksums are not verified",
			Why:     "a module changed or tampered with upstream is accepted the first time it is downloaded",
			Fix:     "unset GOSUMDB; for private modules use GOPRIVATE or GONOSUMDB instead"})
		return
	}
	msg := "GOSUMDB=" + v
	if v == "" {
		msg = "unset"
	}
	d.add(Finding{Check: "gosumdb", Severity: OK, Var: "GOSUMDB", Value: v, Problem: msg})
}

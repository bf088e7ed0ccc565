// Package doctor diagnoses a hijacked Go. It inspects an environment (a
// map, never os.Environ), a working directory and, when one is given or
// active, a conda env prefix, and returns findings: which check, how bad,
// the variable, what is wrong, why it matters, the fix and where the value
// was set (file:line).
//
// Diagnose starts no process: `go env -json` is a function the caller
// passes (RunGoEnv is the real one), and so is regenerating hooks from the
// current inputs, so every rule is tested with env maps, fake prefixes and
// a fake go. It reads the file system (is GOROOT a Go tree, is GOCACHE
// writable, what a prefix's activate.d holds) but never writes to it.
//
// One file per group of checks: toolchain.go (which go wins, GOROOT, go
// env), dirs.go (GOPATH, GOMODCACHE, GOCACHE, GOBIN), settings.go
// (GO111MODULE, GOFLAGS, go-cgo leftovers, GOOS/GOARCH, GOTOOLCHAIN,
// GOPROXY, GOSUMDB), cgo.go (CC/CXX), leftovers.go (goshim state, stale
// PATH entries, conda backups, duplicates), prefix.go (the env's hooks and
// the other files in it that set Go variables).
//
// Severity rules (docs/doctor.md repeats them for users):
//
//   - error: Go commands fail, or silently build with another toolchain than
//     the one the user has (a conda go shadowing the system Go, a GOROOT of
//     another version, GOTOOLCHAIN=local below go.mod's version, an unwritable
//     cache, a missing C compiler with cgo on, goshim state that will make
//     the next activation restore wrong values).
//   - warn: builds work but something is lost, slow, unsafe or surprising
//     (caches inside a conda prefix or a temp dir, variables left over from
//     an env that is gone, GOSUMDB=off, a Go variable an env sets that no
//     goshim hook undoes, hooks that drifted from their inputs).
//   - ok: checked, and healthy.
//
// Both error and warn are problems: the command exits 1 on either.
package doctor

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/goshim/goshim/internal/condaenv"
)

// Severity is how bad a finding is.
type Severity string

const (
	OK    Severity = "ok"
	Warn  Severity = "warn"
	Error Severity = "error"
)

// Finding is one result of one check. Field names are part of doctor's
// JSON schema (docs/doctor.md): rename none without bumping SchemaVersion.
type Finding struct {
	Check    string   `json:"check"`    // stable id, e.g. "goroot", "go-dirs"
	Severity Severity `json:"severity"` // ok, warn, error
	Var      string   `json:"var"`      // the variable concerned, "" when none
	Value    string   `json:"value"`    // its value as doctor saw it, "" when none
	Problem  string   `json:"problem"`  // what is wrong; for ok, what was found
	Why      string   `json:"why"`      // why it matters ("" for ok)
	Fix      string   `json:"fix"`      // what to do ("" for ok)
	Where    string   `json:"where"`    // file:line that sets it, when known
}

// SchemaVersion is the version of doctor's JSON output.
const SchemaVersion = 1

// Checks lists every check id a Finding can carry, in the order doctor
// runs them. docs/doctor.md documents each; a test keeps the two in step.
var Checks = []string{
	"go-on-path", "go-env", "goroot",
	"go-dirs", "empty-var",
	"go111module", "goflags", "go-cgo", "cross-compile", "gotoolchain", "goproxy", "gosumdb",
	"cgo-compiler",
	"conda-prefix", "goshim-state", "stale-path", "conda-path", "conda-backups", "path-duplicates",
	"hooks", "hooks-current", "prefix-env-vars", "prefix-scripts",
}

// Generated is what the current inputs generate for one hook set, so doctor
// can tell whether installed hooks are up to date.
type Generated struct {
	Digest string            // sha256 over the inputs, as in the hooks' "Digest:" header
	Inputs []string          // input file names; empty for the embedded default policy
	Files  map[string][]byte // slash-separated path relative to the prefix → content
}

// Options is everything doctor looks at. Only Env is required.
type Options struct {
	Env map[string]string // the environment to diagnose
	Dir string            // working directory: the Go module there is checked

	// GOOS and GOARCH are the host's; "" means runtime.GOOS/GOARCH.
	GOOS, GOARCH string

	// Prefix is the conda env to inspect; "" means $CONDA_PREFIX when it is
	// a conda env.
	Prefix string

	// Which returns every executable called name on the environment's PATH,
	// in PATH order; nil searches Env's PATH.
	Which func(name string) []string

	// GoEnv runs `go env -json` with goBin; nil means go is not run and
	// only the environment is read.
	GoEnv func(goBin string) (map[string]string, error)

	// Generate returns what the current inputs generate for hook set id in
	// prefix; nil means installed hooks are not compared with any inputs.
	Generate func(prefix, id string) (*Generated, error)

	// TempDirs are folders whose contents do not last; nil means TMPDIR,
	// TEMP, TMP, /tmp and /var/tmp.
	TempDirs []string

	// SystemRoots are well-known Go installations, looked at when the go on
	// PATH is conda's; nil means the places goshim's hooks look at.
	SystemRoots []string
}

// TargetPrefix is the env prefix doctor inspects: Prefix, else an active
// $CONDA_PREFIX that is a conda env, else "".
func (o Options) TargetPrefix() string {
	if o.Prefix != "" {
		return filepath.Clean(o.Prefix)
	}
	if p := o.Env["CONDA_PREFIX"]; p != "" && condaenv.IsPrefix(p) {
		return filepath.Clean(p)
	}
	return ""
}

// Diagnose runs every check and returns the findings in a stable order:
// toolchain, directories, settings, cgo, leftovers, then the prefix.
func Diagnose(o Options) []Finding {
	d := newDiag(o)
	d.checkToolchain()
	d.checkDirs()
	d.checkSettings()
	d.checkCgo()
	d.checkLeftovers()
	d.checkPrefix()
	return d.findings
}

// Summary counts findings by severity.
type Summary struct {
	OK    int `json:"ok"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
}

// Summarize counts the findings.
func Summarize(fs []Finding) Summary {
	var s Summary
	for _, f := range fs {
		switch f.Severity {
		case OK:
			s.OK++
		case Warn:
			s.Warn++
		case Error:
			s.Error++
		}
	}
	return s
}

// Healthy reports whether no finding is a problem.
func (s Summary) Healthy() bool { return s.Warn == 0 && s.Error == 0 }

// diag is one run: the options and what the checks learned so far.
type diag struct {
	o        Options
	findings []Finding

	active []string // prefixes of active envs: CONDA_PREFIX, then CONDA_PREFIX_<n>
	target string   // the prefix inspected (Options.TargetPrefix)

	goBin     string            // the go that wins on PATH
	goRoot    string            // its root, symlinks resolved
	goVersion string            // its version, e.g. go1.24.3
	goEnv     map[string]string // `go env -json`, nil when not run or failed

	prefixes map[string]*prefixInfo // scanned env prefixes
}

func newDiag(o Options) *diag {
	if o.GOOS == "" {
		o.GOOS = runtime.GOOS
	}
	if o.GOARCH == "" {
		o.GOARCH = runtime.GOARCH
	}
	if o.Env == nil {
		o.Env = map[string]string{}
	}
	d := &diag{o: o, prefixes: map[string]*prefixInfo{}}
	d.target = o.TargetPrefix()
	if p := d.getenv("CONDA_PREFIX"); p != "" {
		d.active = append(d.active, filepath.Clean(p))
	}
	// CONDA_PREFIX_<n> are the envs below the current one (stacked, or the
	// one a switch replaced); their hooks' state may legitimately be set.
	var levels []int
	for k := range o.Env {
		if rest, ok := strings.CutPrefix(k, "CONDA_PREFIX_"); ok {
			if n, err := strconv.Atoi(rest); err == nil && o.Env[k] != "" {
				levels = append(levels, n)
			}
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(levels)))
	for _, n := range levels {
		p := filepath.Clean(o.Env["CONDA_PREFIX_"+strconv.Itoa(n)])
		if !contains(d.active, p) {
			d.active = append(d.active, p)
		}
	}
	return d
}

func (d *diag) add(f Finding) { d.findings = append(d.findings, f) }

func (d *diag) windows() bool { return d.o.GOOS == "windows" }

// lookup reads a variable; names are case-insensitive on Windows.
func (d *diag) lookup(name string) (string, bool) {
	if v, ok := d.o.Env[name]; ok {
		return v, true
	}
	if d.windows() {
		for k, v := range d.o.Env {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
	}
	return "", false
}

func (d *diag) getenv(name string) string {
	v, _ := d.lookup(name)
	return v
}

// effective is the value the go command uses: the environment's when set
// and non-empty (go treats an empty variable as unset), else go env's.
// src says which: "environment", "go env" or "".
func (d *diag) effective(name string) (value, src string) {
	if v := d.getenv(name); v != "" {
		return v, "environment"
	}
	if v, ok := d.goEnv[name]; ok && v != "" {
		return v, "go env"
	}
	return "", ""
}

func (d *diag) listSep() string {
	if d.windows() {
		return ";"
	}
	return ":"
}

// pathEntries splits PATH, dropping empty entries.
func (d *diag) pathEntries() []string {
	var out []string
	for _, e := range strings.Split(d.getenv("PATH"), d.listSep()) {
		if e != "" {
			out = append(out, e)
		}
	}
	return out
}

// which returns every executable name on PATH, in order.
func (d *diag) which(name string) []string {
	if d.o.Which != nil {
		return d.o.Which(name)
	}
	if d.windows() && !strings.HasSuffix(strings.ToLower(name), ".exe") {
		name += ".exe"
	}
	var out []string
	for _, dir := range d.pathEntries() {
		if !filepath.IsAbs(dir) {
			continue // a relative entry depends on the folder a shell is in
		}
		p := filepath.Join(dir, name)
		if isExecutable(p) && !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	if err != nil || fi.IsDir() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode()&0o111 != 0
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// within reports whether p is dir or inside it.
func within(p, dir string) bool {
	if p == "" || dir == "" {
		return false
	}
	p, dir = filepath.Clean(p), filepath.Clean(dir)
	if p == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(p, dir)
}

// condaPrefixOf returns the conda env that p lies in, or "": an active or
// inspected env (even one deleted since), else the nearest folder above p,
// or p itself, that holds conda-meta/. Symlinks are followed too, since
// conda's bin/go is a link into $PREFIX/go.
func (d *diag) condaPrefixOf(p string) string {
	if p == "" || !filepath.IsAbs(p) {
		return ""
	}
	cands := []string{filepath.Clean(p)}
	if r, err := filepath.EvalSymlinks(p); err == nil && r != cands[0] {
		cands = append(cands, r)
	}
	for _, c := range cands {
		for _, a := range append(append([]string{}, d.active...), d.target) {
			if within(c, a) {
				return a
			}
		}
	}
	for _, c := range cands {
		for dir := c; ; {
			if condaenv.IsPrefix(dir) {
				return dir
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return ""
}

func (d *diag) isActive(prefix string) bool { return contains(d.active, filepath.Clean(prefix)) }

// underTemp returns the temp folder p lies in, or "".
func (d *diag) underTemp(p string) string {
	dirs := d.o.TempDirs
	if dirs == nil {
		for _, k := range []string{"TMPDIR", "TEMP", "TMP"} {
			if v := d.getenv(k); v != "" {
				dirs = append(dirs, v)
			}
		}
		if !d.windows() {
			dirs = append(dirs, "/tmp", "/var/tmp")
			if d.o.GOOS == "darwin" {
				dirs = append(dirs, "/private/tmp", "/private/var/folders", "/var/folders")
			}
		}
	}
	resolved := p
	if r, err := filepath.EvalSymlinks(p); err == nil {
		resolved = r
	}
	for _, t := range dirs {
		if t == "" || !filepath.IsAbs(t) {
			continue
		}
		if within(p, t) || within(resolved, t) {
			return filepath.Clean(t)
		}
		if rt, err := filepath.EvalSymlinks(t); err == nil && within(resolved, rt) {
			return filepath.Clean(t)
		}
	}
	return ""
}

// isGoVar reports whether name is a variable the go command or cgo reads,
// or conda-forge go's CONDA_GO_COMPILER switch (gcloud's GOOGLE_* is not).
func isGoVar(name string) bool {
	up := strings.ToUpper(name)
	if strings.HasPrefix(up, "GOOGLE") {
		return false
	}
	return strings.HasPrefix(up, "GO") || strings.HasPrefix(up, "CGO_") || up == "CONDA_GO_COMPILER"
}

// cgoVars are the C toolchain variables conda's compiler packages set and
// cgo reads.
var cgoVars = map[string]bool{
	"CC": true, "CXX": true, "CPP": true, "CFLAGS": true, "CXXFLAGS": true, "CPPFLAGS": true,
	"LDFLAGS": true, "AR": true, "LD": true, "PKG_CONFIG": true, "PKG_CONFIG_PATH": true,
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shq quotes a value for a message the way a POSIX shell would read it back.
func shq(s string) string {
	if s != "" && plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

package doctor

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// dirVars are the folders Go writes to, with what is lost when they go.
var dirVars = []struct{ name, holds string }{
	{"GOPATH", "the module cache and installed tools"},
	{"GOMODCACHE", "the module cache"},
	{"GOCACHE", "the build cache"},
	{"GOBIN", "the tools go install writes"},
}

// checkDirs: GOPATH, GOMODCACHE, GOCACHE, GOBIN are usable and lasting.
func (d *diag) checkDirs() {
	for _, dv := range dirVars {
		d.checkDir(dv.name, dv.holds)
	}
}

func (d *diag) checkDir(name, holds string) {
	raw, set := d.lookup(name)
	if set && raw == "" {
		d.add(d.emptyVar(name))
	}
	n := len(d.findings)
	value, src := d.effective(name)
	if value == "" {
		if !set || raw != "" {
			msg := "unset: go uses its default"
			if name == "GOBIN" {
				msg = "unset: go install writes to the first GOPATH entry's bin/"
			}
			d.add(Finding{Check: "go-dirs", Severity: OK, Var: name, Problem: msg})
		}
		return
	}
	where := d.origin(name)
	if src == "go env" {
		where = d.goEnvFileWhere(name)
	}
	fix := d.dirFix(name, src, where)
	entries := []string{value}
	if name == "GOPATH" {
		entries = strings.Split(value, d.listSep())
	}
	for _, e := range entries {
		f := Finding{Check: "go-dirs", Var: name, Value: value, Where: where}
		switch {
		case e == "":
			continue
		case name == "GOCACHE" && e == "off":
			f.Severity, f.Problem = Error, "GOCACHE=off"
			f.Why = "go build fails: \"build cache is disabled by GOCACHE=off, but required as of Go 1.12\""
			f.Fix = "unset GOCACHE"
			d.add(f)
			continue
		case !filepath.IsAbs(e):
			f.Severity, f.Problem = Error, fmt.Sprintf("%s entry %q is a relative path", name, e)
			f.Why = "the go command refuses relative paths here (\"must be absolute path\")"
			f.Fix = fmt.Sprintf("export %s to an absolute path, or unset it", name)
			d.add(f)
			continue
		}
		if p := d.condaPrefixOf(e); p != "" {
			f.Severity, f.Problem = Warn, fmt.Sprintf("%s=%s is inside conda env %s", name, e, p)
			f.Why = fmt.Sprintf("everything in it (%s) is deleted with the env, and every env fills its own copy", holds)
			if name == "GOBIN" {
				f.Why = "tools you go install land in the env's bin/: they vanish with the env and shadow other programs while it is active (conda's go defaults GOBIN there when CONDA_GO_COMPILER=1)"
			}
			f.Fix = fix + "; goshim's default policy keeps it from before activation"
			d.add(f)
		}
		if t := d.underTemp(e); t != "" {
			g := f
			g.Severity, g.Problem = Warn, fmt.Sprintf("%s=%s is under the temp folder %s", name, e, t)
			g.Why = fmt.Sprintf("everything in it (%s) is thrown away with the temp folder (on reboot or by cleaners), so builds redo work and modules download again", holds)
			g.Fix = fix
			d.add(g)
		}
		if err := writable(e); err != nil {
			g := f
			g.Severity, g.Problem = Error, fmt.Sprintf("%s=%s is not writable: %v", name, e, err)
			g.Why = fmt.Sprintf("go commands that write there (%s) fail", holds)
			g.Fix = fmt.Sprintf("point %s at a folder you can write, or unset it", name)
			d.add(g)
		}
	}
	if len(d.findings) == n {
		msg := fmt.Sprintf("%s=%s", name, value)
		if src == "go env" {
			msg += " (go's default or env file)"
		}
		d.add(Finding{Check: "go-dirs", Severity: OK, Var: name, Value: value, Problem: msg})
	}
}

// dirFix says how to move a Go folder somewhere lasting, depending on
// where its value comes from: the environment, go's env file, or a
// default derived from another variable.
func (d *diag) dirFix(name, src, where string) string {
	switch {
	case src == "environment":
		return fmt.Sprintf("unset %s (go's default is under your home), or point it at a lasting folder outside conda", name)
	case where != "":
		return fmt.Sprintf("go env -u %s (it is set in %s), or go env -w %s=<a lasting folder>", name, where, name)
	case name == "GOMODCACHE":
		return "it follows GOPATH (GOPATH/pkg/mod): move GOPATH, or set GOMODCACHE to a lasting folder"
	case name == "GOPATH", name == "GOCACHE":
		return fmt.Sprintf("go's default for %s follows your home (HOME, XDG_CACHE_HOME): set %s to a lasting folder", name, name)
	}
	return fmt.Sprintf("set %s to a lasting folder", name)
}

// emptyVar reports a variable that is set but empty: conda's posix shells
// "unset" env_vars that way on deactivation (conda ≥ 25.7).
func (d *diag) emptyVar(name string) Finding {
	return Finding{Check: "empty-var", Severity: Warn, Var: name,
		Problem: name + " is set but empty",
		Why:     fmt.Sprintf("go treats it as unset, but scripts do not: \"$%s/bin\" becomes \"/bin\", and ${%s-default} keeps the empty value. conda's deactivate leaves variables it exported this way", name, name),
		Fix:     "unset " + name,
		Where:   d.origin(name)}
}

// writable checks that go could write in dir: the folder, or the nearest
// existing folder above it, which go would create it in.
func writable(dir string) error {
	p := filepath.Clean(dir)
	for {
		fi, err := os.Stat(p)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s is a file", p)
			}
			return canWrite(p)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return fmt.Errorf("no existing folder above it")
		}
		p = parent
	}
}

// goEnvFileWhere is where go's env file (go env -w) sets name, as file:line,
// or "" when the value is go's own default.
func (d *diag) goEnvFileWhere(name string) string {
	for _, file := range []string{d.goEnv["GOENV"], filepath.Join(d.goEnv["GOROOT"], "go.env")} {
		if file == "" || file == "off" || file == "go.env" {
			continue
		}
		if line := envFileLine(file, name); line > 0 {
			return file + ":" + strconv.Itoa(line)
		}
	}
	return ""
}

// envFileLine finds NAME= in a go env file; 0 when absent.
func envFileLine(file, name string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), name+"=") {
			return n
		}
	}
	return 0
}

// envFileValue reads NAME's value from a go env file.
func envFileValue(file, name string) (string, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", false
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), name+"="); ok {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

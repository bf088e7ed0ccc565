package condaenv

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// ScriptSetting is one line of another package's activate.d script that
// sets a Go variable, e.g. go-cgo's `export GOFLAGS="..."`.
type ScriptSetting struct {
	File string // relative to the prefix, with "/" separators
	Line int
	Name string
	Text string // the line, trimmed
}

const activateDir = "etc/conda/activate.d"

// Patterns of one statement setting an exported variable, one per shell
// conda runs activate.d scripts in. They are deliberately loose (a warning
// too many beats a hijack missed) but anchored at a statement start, so a
// name inside a value or a comment does not count.
var (
	stmt = `(?:^|[;&|({]\s*|\b(?:then|do|else)\s+)`
	// posix: export A=1 B=2 / export A / declare -x A=1
	posixExportRe = regexp.MustCompile(stmt + `(?:export|declare\s+-[a-zA-Z]*x[a-zA-Z]*|typeset\s+-[a-zA-Z]*x[a-zA-Z]*)\s+([^;&|]*)`)
	// fish: set -gx A v / set --global --export A v / set -x A v
	fishRe = regexp.MustCompile(stmt + `set\s+((?:-{1,2}[A-Za-z-]+\s+)+)([A-Za-z_][A-Za-z0-9_]*)`)
	// csh: setenv A v
	cshRe = regexp.MustCompile(stmt + `setenv\s+([A-Za-z_][A-Za-z0-9_]*)`)
	// cmd.exe: set A=v / set "A=v" / @set / set /a A=1
	batRe = regexp.MustCompile(`(?i)(?:^|[\s&()@])set\s+(?:/[ap]\s+)?"?([A-Za-z_][A-Za-z0-9_]*)=`)
	// PowerShell: $Env:A = v / ${env:A} = v / Set-Item Env:A / [Environment]::SetEnvironmentVariable('A', ...)
	ps1Re   = regexp.MustCompile(`(?i)(?:\$\{?env:([A-Za-z_][A-Za-z0-9_]*)\}?\s*=(?:[^=]|$)|set-item\s+(?:-path\s+)?env:\\?([A-Za-z_][A-Za-z0-9_]*)|setenvironmentvariable\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"])`)
	identRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)(=|$)`)
)

// isGoVar reports whether goshim guards name: variables the go command and
// cgo read (GO*, CGO_*) and conda-forge go's CONDA_GO_COMPILER switch.
// GOOGLE_* (gcloud's) start with GO but are not Go's.
func isGoVar(name string) bool {
	up := strings.ToUpper(name)
	if strings.HasPrefix(up, "GOOGLE") {
		return false
	}
	return strings.HasPrefix(up, "GO") || strings.HasPrefix(up, "CGO_") || up == "CONDA_GO_COMPILER"
}

// ScriptVars scans every file of PREFIX/etc/conda/activate.d for lines that
// set Go variables, in any shell's syntax, so doctor and install can warn
// that another package (go-cgo, a hand-written script) changes them. Files
// with "goshim" in their name are goshim's own and skipped. A prefix without
// activate.d has none.
func ScriptVars(prefix string) ([]ScriptSetting, error) {
	dir := filepath.Join(prefix, filepath.FromSlash(activateDir))
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []ScriptSetting
	for _, ent := range entries { // ReadDir sorts by name, as conda does
		if ent.IsDir() || strings.Contains(strings.ToLower(ent.Name()), "goshim") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, ent.Name()))
		if err != nil {
			return nil, err
		}
		if bytes.IndexByte(data, 0) >= 0 {
			continue // a binary file is no script
		}
		out = append(out, scanScript(activateDir+"/"+ent.Name(), data)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}

func scanScript(rel string, data []byte) []ScriptSetting {
	var out []ScriptSetting
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if isComment(text) {
			continue
		}
		seen := map[string]bool{}
		for _, name := range settersIn(text) {
			if isGoVar(name) && !seen[name] {
				seen[name] = true
				out = append(out, ScriptSetting{File: rel, Line: n, Name: name, Text: text})
			}
		}
	}
	return out
}

func isComment(text string) bool {
	low := strings.ToLower(text)
	return text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, "::") ||
		low == "rem" || strings.HasPrefix(low, "rem ") || strings.HasPrefix(low, "@rem ")
}

// settersIn returns the names a line sets, whatever the shell.
func settersIn(line string) []string {
	var names []string
	for _, m := range posixExportRe.FindAllStringSubmatch(line, -1) {
		for _, arg := range strings.Fields(m[1]) {
			if id := identRe.FindStringSubmatch(arg); id != nil {
				names = append(names, id[1])
			}
		}
	}
	for _, m := range fishRe.FindAllStringSubmatch(line, -1) {
		if fishExports(m[1]) {
			names = append(names, m[2])
		}
	}
	for _, m := range cshRe.FindAllStringSubmatch(line, -1) {
		names = append(names, m[1])
	}
	for _, m := range batRe.FindAllStringSubmatch(line, -1) {
		names = append(names, m[1])
	}
	for _, m := range ps1Re.FindAllStringSubmatch(line, -1) {
		for _, g := range m[1:] {
			if g != "" {
				names = append(names, g)
			}
		}
	}
	return names
}

// fishExports reports whether fish `set` flags export the variable (-x,
// --export, combined like -gx); `set -e` erases and `set -l` alone is local.
func fishExports(flags string) bool {
	for _, f := range strings.Fields(flags) {
		if f == "--export" {
			return true
		}
		if !strings.HasPrefix(f, "--") && strings.Contains(f, "x") {
			return true
		}
	}
	return false
}

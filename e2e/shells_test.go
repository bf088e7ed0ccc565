package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// shellRow is one shell conda runs hooks in. Adding a shell is one row (and,
// for a new language, one lang).
type shellRow struct {
	name   string   // row name, as GOSHIM_E2E_REQUIRE and GOSHIM_E2E_SHELLS spell it
	bins   []string // executables to look for on PATH, first found wins
	lang   lang     // how to write scripts for it
	syntax []string // syntax check: args before the file ("{parser}": pwsh's parser script)
	// syntaxBin runs the syntax check when the shell does not run its hooks
	// itself (xonsh: conda runs the .sh hooks in bash)
	syntaxBin string
	needs     []string // other programs the row cannot run without
	run       []string // run a script: args before the file — strict options, no rc files
	conda     string   // `conda <conda> hook`
	mamba     string   // `micromamba shell hook --shell <mamba>`
	// locate, when set, finds the executable instead of bins
	locate func(t testing.TB, row *shellRow) string
}

var shellTable = []shellRow{
	{name: "bash", bins: []string{"bash"}, lang: posixLang{}, syntax: []string{"-n"},
		run:   []string{"--norc", "--noprofile", "-o", "errexit", "-o", "nounset", "-o", "pipefail"}, // set -euo pipefail
		conda: "shell.bash", mamba: "bash"},
	{name: "zsh", bins: []string{"zsh"}, lang: posixLang{}, syntax: []string{"-n"},
		run:   []string{"-f", "-o", "err_exit", "-o", "no_unset"}, // setopt err_exit no_unset
		conda: "shell.zsh", mamba: "zsh"},
	{name: "dash", bins: []string{"dash"}, lang: posixLang{}, syntax: []string{"-n"},
		run:   []string{"-e", "-u"}, // set -eu
		conda: "shell.posix", mamba: "posix"},
	{name: "fish", bins: []string{"fish"}, lang: fishLang{}, syntax: []string{"--no-execute"},
		run:   []string{"--no-config"}, // fish has no strict mode; every conda call is checked
		conda: "shell.fish", mamba: "fish"},
	{name: "tcsh", bins: []string{"tcsh"}, lang: cshLang{}, syntax: []string{"-n", "-f"},
		run:   []string{"-f"},
		conda: "shell.tcsh", mamba: "tcsh"},
	// csh: the csh conda users have, which is tcsh (macOS, FreeBSD,
	// RHEL/Fedora, Arch; Debian with its tcsh csh alternative), started
	// under the name csh and driven by conda's shell.csh activator.
	// Debian's default csh, BSD csh, cannot run conda's activation at all
	// (bsdcsh_test.go proves it), so it has no row.
	{name: "csh", bins: []string{"csh"}, lang: cshLang{}, syntax: []string{"-n", "-f"},
		run:   []string{"-f"},
		conda: "shell.csh", mamba: "tcsh", locate: locateCshAsTcsh},
	{name: "pwsh", bins: []string{"pwsh", "pwsh-preview"}, lang: pwshLang{},
		syntax: []string{"-NoLogo", "-NoProfile", "-NonInteractive", "-File", "{parser}"},
		run:    []string{"-NoLogo", "-NoProfile", "-NonInteractive", "-File"}, // + Set-StrictMode -Version Latest
		conda:  "shell.powershell", mamba: "powershell"},
	// xonsh: conda runs the .sh hooks, each in a new bash, through
	// source-bash; a xonsh script has no strict mode, the prelude sets
	// $RAISE_SUBPROC_ERROR (a failing command or conda call raises).
	{name: "xonsh", bins: []string{"xonsh"}, lang: xonshLang{}, syntax: []string{"-n"}, syntaxBin: "bash",
		needs: []string{"bash"}, run: []string{"--no-rc"}, conda: "shell.xonsh", mamba: "xonsh"},
}

// pwshParser checks a .ps1 file with PowerShell's own parser.
const pwshParser = `param([string]$Path)
$errors = $null
$null = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$errors)
if ($errors -and $errors.Count -gt 0) {
    foreach ($e in $errors) { "{0}:{1}: {2}" -f $Path, $e.Extent.StartLineNumber, $e.Message }
    exit 1
}
`

// shellOK is a row whose binary was found.
type shellOK struct {
	*shellRow
	bin string
}

// findShell locates a row's binary, or skips (fails when required).
func findShell(t testing.TB, row *shellRow) *shellOK {
	t.Helper()
	if runtime.GOOS == "windows" && row.lang.name() != "pwsh" {
		skipOrFail(t, row.name+": conda's posix/fish/csh activation on Windows converts paths with cygpath; only pwsh runs on Windows", row.name)
	}
	for _, n := range row.needs {
		if _, err := exec.LookPath(n); err != nil {
			skipOrFail(t, fmt.Sprintf("%s: needs %s, not installed", row.name, n), row.name)
		}
	}
	if row.locate != nil {
		return &shellOK{row, row.locate(t, row)}
	}
	for _, b := range row.bins {
		if p, err := exec.LookPath(b); err == nil {
			return &shellOK{row, p}
		}
	}
	skipOrFail(t, fmt.Sprintf("%s: not installed (looked for %s on PATH)", row.name, strings.Join(row.bins, ", ")), row.name)
	return nil
}

// selectedShells are the rows GOSHIM_E2E_SHELLS lets run.
func selectedShells() []*shellRow {
	only := map[string]bool{}
	for _, s := range strings.Split(os.Getenv("GOSHIM_E2E_SHELLS"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			only[s] = true
		}
	}
	var out []*shellRow
	for i := range shellTable {
		if len(only) == 0 || only[shellTable[i].name] {
			out = append(out, &shellTable[i])
		}
	}
	return out
}

// syntaxCheck runs the row's syntax check on one file.
func (s *shellOK) syntaxCheck(file string) (string, error) {
	var args []string
	for _, a := range s.syntax {
		if a == "{parser}" {
			p := filepath.Join(h.tmp, "pwsh-parser.ps1")
			if err := os.WriteFile(p, []byte(pwshParser), 0o644); err != nil {
				return "", err
			}
			a = p
		}
		args = append(args, a)
	}
	args = append(args, file)
	bin := s.bin
	if s.syntaxBin != "" {
		p, err := exec.LookPath(s.syntaxBin)
		if err != nil {
			return "", err
		}
		bin = p
	}
	return command(time.Minute, filepath.Dir(file), shellEnv(nil), bin, args...)
}

// shellEnv is a clean environment: a user's PATH with the system Go on it,
// nothing of the test process's, plus extra.
func shellEnv(extra map[string]string) []string {
	env := map[string]string{
		"PATH":            filepath.Join(h.goroot, "bin") + string(os.PathListSeparator) + systemPath(),
		"HOME":            h.tmp,
		"TMPDIR":          h.tmp,
		"TERM":            "dumb",
		"LANG":            "C.UTF-8",
		"LC_ALL":          "C.UTF-8",
		"USER":            os.Getenv("USER"),
		"LOGNAME":         os.Getenv("LOGNAME"),
		"XDG_CONFIG_HOME": filepath.Join(h.tmp, "xdg-config"),
		// real conda: never auto-activate base in the hook
		"CONDA_AUTO_ACTIVATE_BASE": "false",
		"CONDA_AUTO_ACTIVATE":      "false",
	}
	if runtime.GOOS == "darwin" {
		env["LANG"], env["LC_ALL"] = "en_US.UTF-8", "en_US.UTF-8"
	}
	if runtime.GOOS == "windows" {
		delete(env, "LANG")
		delete(env, "LC_ALL")
		for _, kv := range windowsEnv() {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
	}
	for k, v := range extra {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		if v != "" || k == "USER" {
			out = append(out, k+"="+v)
		}
	}
	return out
}

func systemPath() string {
	switch runtime.GOOS {
	case "windows":
		return os.Getenv("SystemRoot") + `\system32;` + os.Getenv("SystemRoot") + `;` + os.Getenv("SystemRoot") + `\System32\WindowsPowerShell\v1.0`
	case "darwin":
		return "/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
	}
	return "/usr/local/bin:/usr/bin:/bin"
}

// lang writes scripts in one shell language: the scenario scripts, the
// checkpoint hooks and the fixture packages' activation scripts.
type lang interface {
	name() string // posix, fish, csh, pwsh, xonsh
	ext() string  // activate.d extension
	// canHold reports whether a value can be written in a script of this language.
	canHold(value string) bool
	// canHoldEmpty: PowerShell removes a variable assigned "".
	canHoldEmpty() bool
	quote(s string) string
	prelude() string
	export(name, value string) string
	unset(name string) string
	prependPath(dir string) string
	appendPath(dir string) string
	// checkpoint dumps the environment (envdump) and the shell's own variables.
	checkpoint(label string) string
	// which writes the path of the command name would run to out-<key>.
	which(key, name string) string
	// capture runs argv, output to out-<key> and exit status to rc-<key>.
	capture(key string, argv ...string) string
	// call runs a command (the activator's function); a failure ends the script.
	call(words ...string) string
	// evalHook runs argv and evaluates its output (an activator's shell hook).
	evalHook(argv ...string) string
	done() string
	// hookCheckpoint is a checkpoint script placed in activate.d/deactivate.d.
	hookCheckpoint(label string) string
	// fixture activation scripts, shaped like conda-forge's
	goCgoActivate(cgo, goos, goarch, goflags string) string
	goCgoDeactivate() string
	compilerActivate(cc string) string
	compilerDeactivate() string
	userEnvActivate() string
	userEnvDeactivate() string
	// probe for the conformance test: prepend to PATH inside a deactivate.d script
	pathEditScript(dir string) string
}

var plainWord = regexp.MustCompile(`^[A-Za-z0-9_./:=+,@%-]+$`)

// --- POSIX sh: bash, zsh, dash -----------------------------------------

type posixLang struct{}

func (posixLang) name() string            { return "posix" }
func (posixLang) ext() string             { return ".sh" }
func (posixLang) canHold(s string) bool   { return !strings.Contains(s, "\x00") }
func (posixLang) canHoldEmpty() bool      { return true }
func (posixLang) prelude() string         { return "" }
func (p posixLang) quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
func (p posixLang) word(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return p.quote(s)
}
func (p posixLang) words(w []string) string {
	q := make([]string, len(w))
	for i, s := range w {
		q[i] = p.word(s)
	}
	return strings.Join(q, " ")
}
func (p posixLang) export(n, v string) string { return "export " + n + "=" + p.quote(v) }
func (posixLang) unset(n string) string       { return "unset " + n }
func (p posixLang) prependPath(d string) string {
	return "PATH=" + p.quote(d) + `":${PATH}"` + "\nexport PATH"
}
func (p posixLang) appendPath(d string) string {
	return `PATH="${PATH}:"` + p.quote(d) + "\nexport PATH"
}
func (p posixLang) checkpoint(label string) string {
	return `"$GOSHIM_E2E_ENVDUMP" -dir "$GOSHIM_E2E_CPDIR" -label ` + p.quote(label) + "\n" +
		`set >"$GOSHIM_E2E_CPDIR/vars-` + label + `"`
}
func (p posixLang) which(key, name string) string {
	return `command -v ` + p.word(name) + ` >"$GOSHIM_E2E_CPDIR/out-` + key + `" || :`
}
func (p posixLang) capture(key string, argv ...string) string {
	return `if ` + p.words(argv) + ` >"$GOSHIM_E2E_CPDIR/out-` + key + `" 2>&1; then echo 0; else echo "$?"; fi >"$GOSHIM_E2E_CPDIR/rc-` + key + `"`
}
func (p posixLang) call(w ...string) string { return p.words(w) }
func (p posixLang) evalHook(argv ...string) string {
	return `__e2e_hook="$(` + p.words(argv) + `)"` + "\n" + `eval "$__e2e_hook"` + "\nunset __e2e_hook"
}
func (posixLang) done() string { return `: >"$GOSHIM_E2E_CPDIR/done"` }
func (p posixLang) hookCheckpoint(label string) string {
	return "# e2e checkpoint\n" + `"$GOSHIM_E2E_ENVDUMP" -dir "$GOSHIM_E2E_CPDIR" -label ` + p.quote(label) + "\n"
}
func (p posixLang) goCgoActivate(cgo, goos, goarch, goflags string) string {
	return "export CGO_ENABLED=" + cgo + "\nexport GOOS=" + goos + "\nexport GOARCH=" + goarch +
		"\nexport CONDA_GO_COMPILER=1\nexport GOFLAGS=" + p.quote(goflags) + "\n"
}
func (posixLang) goCgoDeactivate() string { return "unset CONDA_GO_COMPILER\n" }
func (p posixLang) compilerActivate(cc string) string {
	return `# one backup slot per variable, like conda-forge's compiler activation
if [ -n "${CC+x}" ]; then
  export CONDA_BACKUP_CC="${CC}"
fi
export CC="${CONDA_PREFIX}/bin/` + cc + `"
`
}
func (posixLang) compilerDeactivate() string {
	return `if [ -n "${CONDA_BACKUP_CC+x}" ]; then
  export CC="${CONDA_BACKUP_CC}"
  unset CONDA_BACKUP_CC
else
  unset CC
fi
`
}
func (posixLang) userEnvActivate() string {
	return `# a hand-written env script
export GOPATH="${CONDA_PREFIX}/share/go"
export GO111MODULE=auto
export GOCACHE="${CONDA_PREFIX}/tmp/go-build"
`
}
func (posixLang) userEnvDeactivate() string { return "unset GOPATH GO111MODULE GOCACHE\n" }
func (p posixLang) pathEditScript(d string) string {
	return "PATH=" + p.quote(d) + `":${PATH}"` + "\nexport PATH\n"
}

// --- fish ----------------------------------------------------------------

type fishLang struct{}

func (fishLang) name() string          { return "fish" }
func (fishLang) ext() string           { return ".fish" }
func (fishLang) canHold(s string) bool { return !strings.Contains(s, "\x00") }
func (fishLang) canHoldEmpty() bool    { return true }
func (fishLang) prelude() string       { return "" }
func (fishLang) quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
func (f fishLang) word(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return f.quote(s)
}
func (f fishLang) words(w []string) string {
	q := make([]string, len(w))
	for i, s := range w {
		q[i] = f.word(s)
	}
	return strings.Join(q, " ")
}
func (f fishLang) export(n, v string) string      { return "set -gx " + n + " " + f.quote(v) }
func (fishLang) unset(n string) string            { return "set -e " + n }
func (f fishLang) prependPath(d string) string    { return "set -gx PATH " + f.quote(d) + " $PATH" }
func (f fishLang) appendPath(d string) string     { return "set -gx PATH $PATH " + f.quote(d) }
func (f fishLang) pathEditScript(d string) string { return "set -gx PATH " + f.quote(d) + " $PATH\n" }
func (f fishLang) checkpoint(label string) string {
	return `$GOSHIM_E2E_ENVDUMP -dir $GOSHIM_E2E_CPDIR -label ` + f.quote(label) + "\n" +
		`set -n >$GOSHIM_E2E_CPDIR/vars-` + label
}
func (f fishLang) which(key, name string) string {
	return `command -v ` + f.word(name) + ` >$GOSHIM_E2E_CPDIR/out-` + key + `; or true`
}
func (f fishLang) capture(key string, argv ...string) string {
	return f.words(argv) + ` >$GOSHIM_E2E_CPDIR/out-` + key + " 2>&1\n" + `echo $status >$GOSHIM_E2E_CPDIR/rc-` + key
}

// call does not check the status: conda.fish's `eval (conda shell.fish ...)`
// ends with the status of the commands conda printed, and in fish a `set
// -gx` keeps the status of a `set -e` of an unset variable before it (4).
// Failures show in the checkpoints and in the output (see assertQuiet).
func (f fishLang) call(w ...string) string { return f.words(w) }
func (f fishLang) evalHook(argv ...string) string {
	return f.words(argv) + " | source\nif test $pipestatus[1] -ne 0\n    echo 'e2e: shell hook failed' >&2\n    exit 1\nend"
}
func (fishLang) done() string { return `echo ok >$GOSHIM_E2E_CPDIR/done` }
func (f fishLang) hookCheckpoint(label string) string {
	return "# e2e checkpoint\n" + `$GOSHIM_E2E_ENVDUMP -dir $GOSHIM_E2E_CPDIR -label ` + f.quote(label) + "\n"
}
func (f fishLang) goCgoActivate(cgo, goos, goarch, goflags string) string {
	return "set -gx CGO_ENABLED " + cgo + "\nset -gx GOOS " + goos + "\nset -gx GOARCH " + goarch +
		"\nset -gx CONDA_GO_COMPILER 1\nset -gx GOFLAGS " + f.quote(goflags) + "\n"
}
func (fishLang) goCgoDeactivate() string { return "set -e CONDA_GO_COMPILER\n" }
func (fishLang) compilerActivate(cc string) string {
	return `if set -q CC
    set -gx CONDA_BACKUP_CC $CC
end
set -gx CC "$CONDA_PREFIX/bin/` + cc + `"
`
}
func (fishLang) compilerDeactivate() string {
	return `if set -q CONDA_BACKUP_CC
    set -gx CC $CONDA_BACKUP_CC
    set -e CONDA_BACKUP_CC
else
    set -e CC
end
`
}
func (fishLang) userEnvActivate() string {
	return `set -gx GOPATH "$CONDA_PREFIX/share/go"
set -gx GO111MODULE auto
set -gx GOCACHE "$CONDA_PREFIX/tmp/go-build"
`
}
func (fishLang) userEnvDeactivate() string { return "set -e GOPATH GO111MODULE GOCACHE\n" }

// --- csh: tcsh -----------------------------------------------------------

type cshLang struct{}

func (cshLang) name() string          { return "csh" }
func (cshLang) ext() string           { return ".csh" }
func (cshLang) canHold(s string) bool { return !strings.Contains(s, "\x00") }
func (cshLang) canHoldEmpty() bool    { return true }
func (cshLang) prelude() string       { return "" }

// quote: inside '...' csh keeps every byte but `!` (history, even in
// scripts: written \!), a newline (written \ and a newline) and `'`.
func (cshLang) quote(s string) string {
	return "'" + strings.NewReplacer(`'`, `'\''`, `!`, `\!`, "\n", "\\\n").Replace(s) + "'"
}
func (c cshLang) word(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return c.quote(s)
}
func (c cshLang) words(w []string) string {
	q := make([]string, len(w))
	for i, s := range w {
		q[i] = c.word(s)
	}
	return strings.Join(q, " ")
}
func (c cshLang) export(n, v string) string      { return "setenv " + n + " " + c.quote(v) }
func (cshLang) unset(n string) string            { return "unsetenv " + n }
func (c cshLang) prependPath(d string) string    { return "setenv PATH " + c.quote(d) + `":${PATH}"` }
func (c cshLang) appendPath(d string) string     { return `setenv PATH "${PATH}:"` + c.quote(d) }
func (c cshLang) pathEditScript(d string) string { return c.prependPath(d) + "\n" }
func (c cshLang) checkpoint(label string) string {
	return `"$GOSHIM_E2E_ENVDUMP" -dir "$GOSHIM_E2E_CPDIR" -label ` + c.quote(label) + "\n" +
		`set >"$GOSHIM_E2E_CPDIR/vars-` + label + `"`
}
func (c cshLang) which(key, name string) string {
	return `which ` + c.word(name) + ` >"$GOSHIM_E2E_CPDIR/out-` + key + `"`
}
func (c cshLang) capture(key string, argv ...string) string {
	return c.words(argv) + ` >& "$GOSHIM_E2E_CPDIR/out-` + key + `"` + "\n" + `echo $status >"$GOSHIM_E2E_CPDIR/rc-` + key + `"`
}
func (c cshLang) call(w ...string) string {
	return c.words(w) + "\nif ( $status != 0 ) then\n    echo 'e2e: failed: " + strings.ReplaceAll(strings.Join(w, " "), "'", "") + "'\n    exit 1\nendif"
}
func (c cshLang) evalHook(argv ...string) string {
	return "eval \"`" + c.words(argv) + "`\""
}
func (cshLang) done() string { return `echo ok >"$GOSHIM_E2E_CPDIR/done"` }
func (c cshLang) hookCheckpoint(label string) string {
	return "# e2e checkpoint\n" + `"$GOSHIM_E2E_ENVDUMP" -dir "$GOSHIM_E2E_CPDIR" -label ` + c.quote(label) + "\n"
}
func (c cshLang) goCgoActivate(cgo, goos, goarch, goflags string) string {
	return "setenv CGO_ENABLED " + cgo + "\nsetenv GOOS " + goos + "\nsetenv GOARCH " + goarch +
		"\nsetenv CONDA_GO_COMPILER 1\nsetenv GOFLAGS " + c.quote(goflags) + "\n"
}
func (cshLang) goCgoDeactivate() string { return "unsetenv CONDA_GO_COMPILER\n" }
func (cshLang) compilerActivate(cc string) string {
	return `if ( $?CC ) then
    setenv CONDA_BACKUP_CC ${CC:q}
endif
setenv CC "${CONDA_PREFIX}/bin/` + cc + `"
`
}
func (cshLang) compilerDeactivate() string {
	return `if ( $?CONDA_BACKUP_CC ) then
    setenv CC ${CONDA_BACKUP_CC:q}
    unsetenv CONDA_BACKUP_CC
else
    unsetenv CC
endif
`
}
func (cshLang) userEnvActivate() string {
	return `setenv GOPATH "${CONDA_PREFIX}/share/go"
setenv GO111MODULE auto
setenv GOCACHE "${CONDA_PREFIX}/tmp/go-build"
`
}
func (cshLang) userEnvDeactivate() string {
	return "unsetenv GOPATH\nunsetenv GO111MODULE\nunsetenv GOCACHE\n"
}

// --- PowerShell ----------------------------------------------------------

type pwshLang struct{}

func (pwshLang) name() string          { return "pwsh" }
func (pwshLang) ext() string           { return ".ps1" }
func (pwshLang) canHold(s string) bool { return !strings.Contains(s, "\x00") }
func (pwshLang) canHoldEmpty() bool    { return false }
func (pwshLang) prelude() string {
	return "Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'"
}
func (pwshLang) quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

var pwshCommandName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// words: a command given by path is run with &, arguments are always quoted.
func (p pwshLang) words(w []string) string {
	q := make([]string, len(w))
	for i, s := range w {
		if i == 0 && pwshCommandName.MatchString(s) {
			q[i] = s
		} else {
			q[i] = p.quote(s)
		}
	}
	if len(q) > 0 && strings.HasPrefix(q[0], "'") {
		return "& " + strings.Join(q, " ")
	}
	return strings.Join(q, " ")
}
func (p pwshLang) export(n, v string) string { return "$Env:" + n + " = " + p.quote(v) }
func (pwshLang) unset(n string) string {
	return "Remove-Item -LiteralPath Env:" + n + " -ErrorAction SilentlyContinue"
}
func (p pwshLang) prependPath(d string) string {
	return "$Env:PATH = " + p.quote(d) + " + [IO.Path]::PathSeparator + $Env:PATH"
}
func (p pwshLang) appendPath(d string) string {
	return "$Env:PATH = $Env:PATH + [IO.Path]::PathSeparator + " + p.quote(d)
}
func (p pwshLang) pathEditScript(d string) string { return p.prependPath(d) + "\n" }
func (p pwshLang) cpFile(name string) string {
	return "(Join-Path $Env:GOSHIM_E2E_CPDIR " + p.quote(name) + ")"
}
func (p pwshLang) checkpoint(label string) string {
	return `& $Env:GOSHIM_E2E_ENVDUMP -dir $Env:GOSHIM_E2E_CPDIR -label ` + p.quote(label) + "\n" +
		`Get-Variable | ForEach-Object { $_.Name } | Set-Content -LiteralPath ` + p.cpFile("vars-"+label)
}
func (p pwshLang) which(key, name string) string {
	return `Get-Command -Name ` + p.quote(name) + ` -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1 -ExpandProperty Source | Set-Content -LiteralPath ` + p.cpFile("out-"+key)
}
func (p pwshLang) capture(key string, argv ...string) string {
	return `$__e2e_out = & { $ErrorActionPreference = 'Continue'; ` + p.words(argv) + ` 2>&1 | ForEach-Object { "$_" } }` + "\n" +
		`$__e2e_rc = $LASTEXITCODE` + "\n" +
		`Set-Content -LiteralPath ` + p.cpFile("out-"+key) + ` -Value $__e2e_out` + "\n" +
		`Set-Content -LiteralPath ` + p.cpFile("rc-"+key) + ` -Value $__e2e_rc`
}
func (p pwshLang) call(w ...string) string { return p.words(w) }
func (p pwshLang) evalHook(argv ...string) string {
	return "(" + p.words(argv) + ") | Out-String | Invoke-Expression"
}
func (p pwshLang) done() string { return "Set-Content -LiteralPath " + p.cpFile("done") + " -Value ok" }
func (p pwshLang) hookCheckpoint(label string) string {
	return "# e2e checkpoint\n" + `& $Env:GOSHIM_E2E_ENVDUMP -dir $Env:GOSHIM_E2E_CPDIR -label ` + p.quote(label) + "\n"
}
func (p pwshLang) goCgoActivate(cgo, goos, goarch, goflags string) string {
	return "$Env:CGO_ENABLED = '" + cgo + "'\n$Env:GOOS = '" + goos + "'\n$Env:GOARCH = '" + goarch +
		"'\n$Env:CONDA_GO_COMPILER = '1'\n$Env:GOFLAGS = " + p.quote(goflags) + "\n"
}
func (pwshLang) goCgoDeactivate() string {
	return "Remove-Item -LiteralPath Env:CONDA_GO_COMPILER -ErrorAction SilentlyContinue\n"
}
func (pwshLang) compilerActivate(cc string) string {
	return `if (Test-Path Env:CC) {
    $Env:CONDA_BACKUP_CC = $Env:CC
}
$Env:CC = Join-Path $Env:CONDA_PREFIX 'bin/` + cc + `'
`
}
func (pwshLang) compilerDeactivate() string {
	return `if (Test-Path Env:CONDA_BACKUP_CC) {
    $Env:CC = $Env:CONDA_BACKUP_CC
    Remove-Item -LiteralPath Env:CONDA_BACKUP_CC
} else {
    Remove-Item -LiteralPath Env:CC -ErrorAction SilentlyContinue
}
`
}
func (pwshLang) userEnvActivate() string {
	return `$Env:GOPATH = Join-Path $Env:CONDA_PREFIX 'share/go'
$Env:GO111MODULE = 'auto'
$Env:GOCACHE = Join-Path $Env:CONDA_PREFIX 'tmp/go-build'
`
}
func (pwshLang) userEnvDeactivate() string {
	return "Remove-Item -LiteralPath Env:GOPATH, Env:GO111MODULE, Env:GOCACHE -ErrorAction SilentlyContinue\n"
}

// --- xonsh ---------------------------------------------------------------

// xonshLang writes xonsh scripts. xonsh has no activation scripts of its
// own: on Unix conda's XonshActivator runs the .sh ones, each in a new
// bash (source-bash --suppress-skip-message -n), which hands back only the
// exported variables it printed with `env`. So the checkpoint hooks and the
// fixture packages' scripts are posix ones (the embedded posixLang), and
// the scenario scripts are xonsh: values as Python string literals, PATH
// through xonsh's list, commands in subprocess mode.
type xonshLang struct{ posixLang }

func (xonshLang) name() string { return "xonsh" }

// hookLang: the hooks xonsh runs are goshim's posix ones.
func (xonshLang) hookLang() string { return "posix" }

// canHold: source-bash reads the variables back from `env` output, which
// it parses line by line, so a value holding a newline comes back cut (and
// takes the next variable with it): xonsh's limit, not goshim's.
func (xonshLang) canHold(s string) bool { return !strings.ContainsAny(s, "\x00\n") }

// quote is a Python string literal, as the emulator writes conda's exports.
func (xonshLang) quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

var xonshPlainWord = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)

// words is subprocess mode: a word that is not plain goes in as @('...').
func (x xonshLang) words(w []string) string {
	q := make([]string, len(w))
	for i, s := range w {
		if xonshPlainWord.MatchString(s) {
			q[i] = s
		} else {
			q[i] = "@(" + x.quote(s) + ")"
		}
	}
	return strings.Join(q, " ")
}

// prelude: xonsh's errexit; a traceback shows where a script stopped.
func (xonshLang) prelude() string {
	return "import os, shutil\n$RAISE_SUBPROC_ERROR = True\n$XONSH_SHOW_TRACEBACK = True"
}
func (x xonshLang) export(n, v string) string { return "$" + n + " = " + x.quote(v) }
func (xonshLang) unset(n string) string {
	return "if '" + n + "' in __xonsh__.env:\n    del $" + n
}
func (x xonshLang) prependPath(d string) string { return "$PATH.insert(0, " + x.quote(d) + ")" }
func (x xonshLang) appendPath(d string) string  { return "$PATH.append(" + x.quote(d) + ")" }
func (x xonshLang) cpFile(name string) string {
	return "os.path.join($GOSHIM_E2E_CPDIR, " + x.quote(name) + ")"
}

// checkpoint: envdump started by xonsh gets xonsh's environment as every
// command does (detyped); vars- lists the names in xonsh's environment.
func (x xonshLang) checkpoint(label string) string {
	return "![@($GOSHIM_E2E_ENVDUMP) -dir @($GOSHIM_E2E_CPDIR) -label @(" + x.quote(label) + ")]\n" +
		"with open(" + x.cpFile("vars-"+label) + ", 'w') as __e2e_f:\n" +
		"    __e2e_f.write(''.join(k + '\\n' for k in sorted(__xonsh__.env.keys())))"
}

// which: the binary xonsh itself would run for the name.
func (x xonshLang) which(key, name string) string {
	return "with open(" + x.cpFile("out-"+key) + ", 'w') as __e2e_f:\n" +
		"    __e2e_f.write(__xonsh__.commands_cache.locate_binary(" + x.quote(name) + ", ignore_alias=True) or '')"
}
func (x xonshLang) capture(key string, argv ...string) string {
	return "with __xonsh__.env.swap(RAISE_SUBPROC_ERROR=False):\n" +
		"    __e2e_p = ![" + x.words(argv) + " > @(" + x.cpFile("out-"+key) + ") 2>&1]\n" +
		"with open(" + x.cpFile("rc-"+key) + ", 'w') as __e2e_f:\n" +
		"    __e2e_f.write(str(__e2e_p.returncode))"
}

// call: $RAISE_SUBPROC_ERROR makes a failing alias end the script.
func (x xonshLang) call(w ...string) string { return x.words(w) }

// evalHook is what `conda init xonsh` writes into ~/.xonshrc: exec the
// hook's output into a module of its own.
func (x xonshLang) evalHook(argv ...string) string {
	return "from types import ModuleType as __e2e_ModuleType\n" +
		"__e2e_mod = __e2e_ModuleType('xontrib.conda', 'Autogenerated by the e2e tests')\n" +
		"__xonsh__.execer.exec($(" + x.words(argv) + "), glbs=__e2e_mod.__dict__, filename='$(conda shell.xonsh hook)')\n" +
		"import sys as __e2e_sys\n__e2e_sys.modules['xontrib.conda'] = __e2e_mod"
}
func (x xonshLang) done() string {
	return "with open(" + x.cpFile("done") + ", 'w') as __e2e_f:\n    __e2e_f.write('ok\\n')"
}

// owned are the variables xonsh, and the bash source-bash starts for each
// hook, set or change by themselves; checkpoints leave them out.
func (xonshLang) owned(name string) bool {
	switch name {
	case "_", "SHLVL", "PWD", "OLDPWD", "ARG0", "ARGS", "LAST_RETURN_CODE":
		return true
	}
	// __ALIAS_*: xonsh exports them while an alias (conda, source-bash) runs
	return strings.HasPrefix(name, "XONSH_") || strings.HasPrefix(name, "__ALIAS_")
}

// TestShellTable checks the table itself: one row per shell, every row complete.
func TestShellTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range shellTable {
		if seen[r.name] {
			t.Errorf("shell %s appears twice", r.name)
		}
		seen[r.name] = true
		if len(r.bins) == 0 || r.lang == nil || len(r.syntax) == 0 || r.conda == "" || r.mamba == "" {
			t.Errorf("shell %s: incomplete row", r.name)
		}
	}
	for _, want := range []string{"bash", "zsh", "dash", "fish", "tcsh", "pwsh", "xonsh"} {
		if !seen[want] {
			t.Errorf("no row for %s", want)
		}
	}
}

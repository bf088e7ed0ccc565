package render

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/shell"
)

// The PowerShell hooks cannot run on every machine (pwsh is not installable
// everywhere), so these tests check in Go what they can: every action kind
// renders, the output is ASCII (Windows PowerShell 5.1 reads a BOM-less .ps1
// in the ANSI code page), and a lint catches what Set-StrictMode and
// PowerShell's case-insensitive operators would punish. Where pwsh exists
// (CI's Windows and macOS jobs), the files also go through PowerShell's own
// parser and a full conda-order round trip.

// pwshPolicy uses every action kind, a configured root, a custom separator,
// a conda-exported variable and values that need quoting.
const pwshPolicy = `[go]
toolchain = "system"
root = "~/sdk/go1.22.3"

[env]
GO111MODULE = "on"
GOFLAGS = { set = "-mod=mod -ldflags=-X=main.v='1'" }
GOPATH = { keep = true }
GOBIN = { unset = true }
GOCACHE = { default = "~/.cache/go-build" }
GOMODCACHE = { default = "${GOPATH}/pkg/mod" }
GOTOOLCHAIN = { keep = true }
GOPRIVATE = "caf\u00e9.example/\u2018x\u2019"
PATH = { prepend = ["~/go/bin", "/opt/with space"], append = ["/opt/last"] }
PKG_CONFIG_PATH = { append = ["${CONDA_PREFIX}/lib/pkgconfig"] }
CGO_CFLAGS = { prepend = ["-I${CONDA_PREFIX}/include", "-DX='1'"], sep = " " }
CGO_LDFLAGS = { append = ["-L/x"], sep = "\u00a7" }
`

func pwshTestPlan(t *testing.T, src string) *plan.Plan {
	t.Helper()
	pol, err := policy.Parse("goshim.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(pol, plan.Options{ID: "hijack", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func pwshShell(t *testing.T) shell.Shell {
	t.Helper()
	sh, err := shell.Lookup("pwsh")
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

func TestPwshRenderEveryAction(t *testing.T) {
	plans := map[string]*plan.Plan{"every-action": pwshTestPlan(t, pwshPolicy)}
	for name, p := range testPlans(t) {
		plans[name] = p
	}
	for _, name := range sortedKeys(plans) {
		files, err := Files(plans[name], pwshShell(t))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(files) != 3 {
			t.Fatalf("%s: %d files", name, len(files))
		}
		for _, f := range files {
			if !strings.HasSuffix(f.Path, ".ps1") || !strings.HasPrefix(f.Path, "etc/conda/") {
				t.Errorf("%s: file %s", name, f.Path)
			}
			for _, problem := range pwshLint(string(f.Data)) {
				t.Errorf("%s %s: %s", name, f.Path, problem)
			}
		}
	}
	// every action kind shows up in the apply hook
	files, _ := Files(plans["every-action"], pwshShell(t))
	apply := string(files[1].Data)
	for _, want := range []string{
		`[Environment]::SetEnvironmentVariable('GOFLAGS', '-mod=mod -ldflags=-X=main.v=''1''')`,
		`& $unset 'GOBIN'`,
		`& $dec 'GOPATH' $Env:_GOSHIM_HIJACK__O_GOPATH`,
		`[Environment]::SetEnvironmentVariable('GOCACHE', ($HOME + '/.cache/go-build'))`,
		`[Environment]::SetEnvironmentVariable('GOPRIVATE', ('caf' + [char]0x00E9 + '.example/' + [char]0x2018 + 'x' + [char]0x2019))`,
		`$s = ('' + [char]0x00A7)`,
		`$e = ('-I' + [string]$Env:CONDA_PREFIX + '/include')`,
		`$e = '-DX=''1'''`,
		`'__CONDA_SHLVL_' + $lvl + '_GOTOOLCHAIN'`,
		`$c = ($HOME + '/sdk/go1.22.3')`,
	} {
		if !strings.Contains(apply, want) {
			t.Errorf("apply hook lacks %s", want)
		}
	}
}

func TestPwshRejectsEmptyValue(t *testing.T) {
	for _, src := range []string{
		"[env]\nGOFLAGS = \"\"\n",
		"[env]\nGOFLAGS = { default = \"\" }\n",
	} {
		p := pwshTestPlan(t, src)
		_, err := Files(p, pwshShell(t))
		if err == nil || !strings.Contains(err.Error(), "pwsh cannot hold an empty value; use unset = true") {
			t.Errorf("%q: error = %v", src, err)
		}
		sh, _ := shell.Lookup("sh")
		if _, err := Files(p, sh); err != nil {
			t.Errorf("%q: sh should hold an empty value: %v", src, err)
		}
	}
}

// pwshLint reports what would break the hooks in some PowerShell, for the
// constructs the template uses. It is no parser: it strips comments and
// single-quoted strings, then looks at what is left.
func pwshLint(src string) []string {
	var problems []string
	for i := 0; i < len(src); i++ {
		if src[i] > 0x7e || (src[i] < 0x20 && src[i] != '\n') {
			problems = append(problems, fmt.Sprintf("byte %#x at %d: not printable ASCII (5.1 reads BOM-less files as ANSI)", src[i], i))
			break
		}
	}
	code, err := pwshStrip(src)
	if err != nil {
		return append(problems, err.Error())
	}
	// brackets balance
	var stack []byte
	pairs := map[byte]byte{')': '(', '}': '{', ']': '['}
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '(', '{', '[':
			stack = append(stack, c)
		case ')', '}', ']':
			if len(stack) == 0 || stack[len(stack)-1] != pairs[c] {
				return append(problems, fmt.Sprintf("unbalanced %q at %d: %s", c, i, pwshContext(code, i)))
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		problems = append(problems, fmt.Sprintf("unclosed %q", stack))
	}
	for _, bad := range []struct{ re, why string }{
		{`(?i)\bexit\b`, "exit would close the user's shell"},
		{`(?i)\$Is(Windows|Linux|MacOS)\b`, "$IsWindows does not exist in Windows PowerShell 5.1 (StrictMode error)"},
		{`(?i)\$(global|script):`, "state lives in $Env: only"},
		{`(?i)\$Env:\w+\s*=[^=]`, "write environment variables through [Environment] (the Env: provider honours $WhatIfPreference; $null vs '' differ by version)"},
		{`(?i)\b(Remove-Item|Set-Item|New-Item|Write-Host|Write-Output|Invoke-Expression|Start-Process|Out-Host)\b`, "no provider writes, no output, no processes"},
		{`(?i)\s-(i?(eq|ne|like|notlike|match|notmatch|split|replace|contains|notcontains|in|notin|gt|ge|lt|le))\s+'`, "string comparison that ignores case: use the -c form"},
		{`(?i)\s-(ieq|ine|like|notlike|match|notmatch|split|replace|contains|notcontains|in|notin)\b`, "operator that ignores case: use the -c form"},
	} {
		if loc := regexp.MustCompile(bad.re).FindStringIndex(code); loc != nil {
			problems = append(problems, fmt.Sprintf("%s: %s", bad.why, pwshContext(code, loc[0])))
		}
	}
	// -eq/-ne only against $null or a number, where case cannot matter
	for _, loc := range regexp.MustCompile(`(?i)\s-(eq|ne)\s+`).FindAllStringIndex(code, -1) {
		numeric := loc[1] < len(code) && code[loc[1]] >= '0' && code[loc[1]] <= '9'
		if !numeric && !strings.HasSuffix(strings.ToLower(code[:loc[0]]), "$null") {
			problems = append(problems, "-eq/-ne ignore case; use -ceq/-cne: "+pwshContext(code, loc[0]))
		}
	}
	// every variable is assigned before it is first read: under StrictMode an
	// unassigned one is an error, and in conda's function it could even read
	// one of conda's own variables
	defined := map[string]bool{"null": true, "true": true, "false": true, "home": true}
	defs := map[int]bool{}
	for _, m := range regexp.MustCompile(`(?i)\$(\w+)\s*=[^=]|foreach \(\$(\w+) in `).FindAllStringSubmatchIndex(code, -1) {
		defs[m[0]] = true
	}
	for _, m := range regexp.MustCompile(`(?i)param\(([^()]|\([^()]*\))*\)`).FindAllStringIndex(code, -1) {
		for _, v := range regexp.MustCompile(`\$\w+`).FindAllStringIndex(code[m[0]:m[1]], -1) {
			defs[m[0]+v[0]] = true
		}
	}
	for _, m := range regexp.MustCompile(`\$(\w+)(:?)`).FindAllStringSubmatchIndex(code, -1) {
		name := strings.ToLower(code[m[2]:m[3]])
		if m[5] > m[4] { // $Env:NAME and other drive-qualified names
			continue
		}
		if !defined[name] {
			if !defs[m[0]] && !(m[0] >= 9 && strings.HasSuffix(code[:m[0]], "foreach (")) {
				problems = append(problems, fmt.Sprintf("$%s is read before it is assigned: %s", name, pwshContext(code, m[0])))
			}
			defined[name] = true
		}
	}
	return problems
}

// pwshStrip blanks comments and single-quoted strings (PowerShell's five
// quote characters; the output is ASCII, so only ' occurs), and refuses
// double-quoted strings, which expand $ and backtick escapes.
func pwshStrip(src string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '#' && (i == 0 || src[i-1] == ' ' || src[i-1] == '\n' || src[i-1] == '\t'):
			if i > 0 && src[i-1] == '<' {
				return "", fmt.Errorf("block comment at %d", i)
			}
			for i < len(src) && src[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
		case c == '\'':
			j := i + 1
			for ; j < len(src); j++ {
				if src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(src) {
				return "", fmt.Errorf("unterminated string at %d", i)
			}
			b.WriteString("''")
			i = j
		case c == '"':
			return "", fmt.Errorf("double-quoted string at %d: %s", i, pwshContext(src, i))
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func pwshContext(s string, i int) string {
	lo, hi := strings.LastIndexByte(s[:i], '\n')+1, strings.IndexByte(s[i:], '\n')
	if hi < 0 {
		hi = len(s)
	} else {
		hi += i
	}
	return strings.TrimSpace(s[lo:hi])
}

func TestPwshLintCatches(t *testing.T) {
	for src, want := range map[string]string{
		"& {\n    $x = $y\n}\n":                                      "$y is read before",
		"& {\n    if ($a -eq 'x') { }\n}\n":                          "ignores case",
		"& {\n    $Env:GOPATH = 'x'\n}\n":                            "through [Environment]",
		"& {\n    $x = \"a$b\"\n}\n":                                 "double-quoted",
		"& {\n    if ($IsWindows) { exit }\n}\n":                     "5.1",
		"& {\n    $x = (1\n}\n":                                      "unbalanced",
		"& {\n    $x = 'caf\u00e9'\n}\n":                             "ASCII",
		"& {\n    $x = @('a', 'b') -contains 'a'\n}\n":               "-c form",
		"& {\n    foreach ($n in 'a') { $m = $n }\n}\n":              "",
		"& {\n    $f = { param([string]$n, $st) $n }\n}\n":           "",
		"& {\n    if ($null -eq $Env:X) { $y = 1 }\n}\n":             "",
		"& {\n    $i = 1; if ($i -ne 0) { $y = 1 }\n}\n":             "",
		"& {\n    $i = 'a'; if ($i -ne 'b') { }\n}\n":                "ignores case",
		"& {\n    # it's a comment with \"quotes\"\n    $x = 1\n}\n": "",
	} {
		problems := strings.Join(pwshLint(src), "\n")
		if (want == "") != (problems == "") || !strings.Contains(problems, want) {
			t.Errorf("pwshLint(%q) = %q, want %q", src, problems, want)
		}
	}
}

// findPwsh returns pwsh's path, or skips; GOSHIM_E2E_REQUIRE naming pwsh
// turns the skip into a failure (CI's Windows and macOS jobs set it).
func findPwsh(t *testing.T) string {
	t.Helper()
	exe, err := exec.LookPath("pwsh")
	if err == nil {
		return exe
	}
	if strings.Contains(os.Getenv("GOSHIM_E2E_REQUIRE"), "pwsh") {
		t.Fatalf("pwsh not found, and GOSHIM_E2E_REQUIRE=%q requires it", os.Getenv("GOSHIM_E2E_REQUIRE"))
	}
	t.Skip("pwsh not found: PowerShell round trip runs wherever pwsh exists (CI Windows/macOS job)")
	return ""
}

// pq quotes s for a PowerShell script, with goshim's own quoting.
func pq(t *testing.T, s string) string {
	t.Helper()
	q, err := pwshShell(t).Quote(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func runPwsh(t *testing.T, exe, dir, script string, env []string) (string, string) {
	t.Helper()
	file := filepath.Join(dir, "driver.ps1")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-NoLogo", "-NoProfile", "-NonInteractive", "-File", file)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pwsh: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	return stdout.String(), stderr.String()
}

// TestPwshSyntax runs every generated file through PowerShell's parser.
func TestPwshSyntax(t *testing.T) {
	exe := findPwsh(t)
	dir := t.TempDir()
	plans := testPlans(t)
	plans["every-action"] = pwshTestPlan(t, pwshPolicy)
	var script strings.Builder
	script.WriteString("$ErrorActionPreference = 'Stop'\n$bad = 0\n")
	for _, name := range sortedKeys(plans) {
		files, err := Files(plans[name], pwshShell(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			dst := filepath.Join(dir, name, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&script, `$tokens = $null; $errors = $null
$null = [System.Management.Automation.Language.Parser]::ParseFile(%s, [ref]$tokens, [ref]$errors)
foreach ($e in $errors) { $bad++; [Console]::Out.WriteLine(%s + ':' + $e.Extent.StartLineNumber + ': ' + $e.Message) }
`, pq(t, dst), pq(t, name+"/"+f.Path))
		}
	}
	script.WriteString("if ($bad -gt 0) { exit 1 }\n")
	out, stderr := runPwsh(t, exe, dir, script.String(), os.Environ())
	if out != "" || stderr != "" {
		t.Errorf("parse errors:\n%s%s", out, stderr)
	}
}

// pwshScenario is the environment before activation; nil means unset.
type pwshScenario map[string]*string

// TestPwshHookRoundTrip plays conda's part in real PowerShell, as Conda.psm1
// does: hooks dot-sourced from inside a function, under Set-StrictMode
// -Version Latest and $ErrorActionPreference = 'Stop'. Activation (save,
// package scripts that hijack Go, apply), activate.d again, a reactivation
// that leaves goshim's PATH entries to the next activation (conda#14762),
// a PATH entry the user adds, then a plain deactivate: the environment must
// come back as it was, but for the user's entry.
func TestPwshHookRoundTrip(t *testing.T) {
	exe := findPwsh(t)
	p := pwshTestPlan(t, `[go]
toolchain = "system"
[env]
GO111MODULE = "on"
GOFLAGS = { set = "-mod=mod" }
GOPATH = { keep = true }
GOCACHE = { default = "~/.cache/go-build" }
GOMODCACHE = { default = "~/go/pkg/mod" }
GOPROXY = { keep = true }
GOBIN = { unset = true }
GOTOOLCHAIN = { keep = true }
CGO_ENABLED = { keep = true }
GOOS = { keep = true }
CONDA_GO_COMPILER = { keep = true }
PATH = { prepend = ["~/go/bin", "/opt/tools bin"], append = ["/opt/last"] }
PKG_CONFIG_PATH = { append = ["${CONDA_PREFIX}/lib/pkgconfig"] }
CGO_CFLAGS = { prepend = ["-I${CONDA_PREFIX}/include"], sep = " " }
`)
	hostile := "it's a \"path\" with $(New-Item canary) `$(New-Item canary); & | % ! * ~ \\ \u2018quotes\u2019 \u201cmore\u201d \u65e5\u672c\nsecond line"
	scenarios := map[string]pwshScenario{
		"unset": {"GOPATH": nil, "GOFLAGS": nil, "GOTOOLCHAIN": nil, "PKG_CONFIG_PATH": nil, "CGO_CFLAGS": nil,
			"GOCACHE": nil, "CONDA_GO_COMPILER": nil, "GOROOT": nil},
		// empty: pwsh 7.5+ holds it (and must give it back empty); older hosts
		// and Windows drop it when it is set, so "before" already lacks it
		"empty": {"GOPATH": str(""), "GOFLAGS": str(""), "GOTOOLCHAIN": str(""), "PKG_CONFIG_PATH": str(""),
			"CGO_CFLAGS": str(""), "GOCACHE": str(""), "GOBIN": str(""), "CGO_ENABLED": str("")},
		"hostile": {"GOPATH": str(hostile), "GOFLAGS": str("-v"), "GOTOOLCHAIN": str("auto"),
			"PKG_CONFIG_PATH": str("/a b" + string(os.PathListSeparator) + "/c'd"), "CGO_CFLAGS": str("-O2 -g"),
			"GOCACHE": str("/cache/it's"), "GOBIN": str("/gobin"), "CGO_ENABLED": str("0"), "GOOS": str("darwin"),
			"GOPROXY": str("https://proxy.example|direct"), "CONDA_GO_COMPILER": str("user's"), "GOROOT": str("/wrong/goroot")},
	}
	for _, name := range sortedKeys(scenarios) {
		t.Run(name, func(t *testing.T) {
			pwshRoundTrip(t, exe, p, scenarios[name])
		})
	}
}

// pwshFixture is a fake conda env with the hooks installed, next to a Go
// installation conda must not hijack.
type pwshFixture struct {
	top, out, prefix, sysGo string
	prefixEntries           []string // conda's PATH entries for the env
}

func newPwshFixture(t *testing.T, p *plan.Plan, windows bool) pwshFixture {
	t.Helper()
	top := t.TempDir()
	fx := pwshFixture{top: top, out: filepath.Join(top, "out"), prefix: filepath.Join(top, "envs", "hijack"), sysGo: filepath.Join(top, "it's go")}
	goExe := "go"
	fx.prefixEntries = []string{filepath.Join(fx.prefix, "bin")}
	if windows {
		goExe = "go.exe"
		fx.prefixEntries = []string{fx.prefix, filepath.Join(fx.prefix, `Library\mingw-w64\bin`), filepath.Join(fx.prefix, `Library\usr\bin`),
			filepath.Join(fx.prefix, `Library\bin`), filepath.Join(fx.prefix, "Scripts"), filepath.Join(fx.prefix, "bin")}
	}
	write := func(path, body string, mode os.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(fx.sysGo, "bin", goExe), "#!/bin/sh\n", 0o755)
	write(filepath.Join(fx.sysGo, "src", "runtime", "extern.go"), "package runtime\n", 0o644)
	write(filepath.Join(fx.prefix, "conda-meta", "history"), "", 0o644)
	write(filepath.Join(fx.prefix, "bin", goExe), "#!/bin/sh\n", 0o755)
	// package scripts that hijack Go, the way go-cgo and hand-written ones do
	write(filepath.Join(fx.prefix, "etc/conda/activate.d/activate-z61-go-cgo.ps1"),
		"$Env:CGO_ENABLED = '1'; $Env:GOOS = 'linux'; $Env:CONDA_GO_COMPILER = '1'; $Env:GOFLAGS = '-modcacherw -buildmode=pie -trimpath'\n", 0o644)
	write(filepath.Join(fx.prefix, "etc/conda/deactivate.d/deactivate-z61-go-cgo.ps1"), "$Env:CONDA_GO_COMPILER = $null\n", 0o644)
	write(filepath.Join(fx.prefix, "etc/conda/activate.d/goenv.ps1"),
		"$Env:GOPATH = $Env:CONDA_PREFIX + '/share/go'; $Env:GO111MODULE = 'auto'; $Env:GOCACHE = '/tmp/throwaway'; $Env:GOPROXY = 'direct'; $Env:GOROOT = $Env:CONDA_PREFIX + '/go'\n", 0o644)
	write(filepath.Join(fx.prefix, "etc/conda/deactivate.d/goenv.ps1"),
		"$Env:GOPATH = $null; $Env:GO111MODULE = $null; $Env:GOCACHE = $null; $Env:GOPROXY = $null; $Env:GOROOT = $null\n", 0o644)
	files, err := Files(p, pwshShell(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		write(filepath.Join(fx.prefix, filepath.FromSlash(f.Path)), string(f.Data), 0o644)
	}
	if err := os.MkdirAll(fx.out, 0o755); err != nil {
		t.Fatal(err)
	}
	return fx
}

// scripts lists a hook folder's .ps1 files in conda's order: code-point
// sorted, reversed for deactivate.d.
func (fx pwshFixture) scripts(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(fx.prefix, "etc", "conda", dir, "*.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(m)
	if dir == "deactivate.d" {
		for i, j := 0, len(m)-1; i < j; i, j = i+1, j-1 {
			m[i], m[j] = m[j], m[i]
		}
	}
	return m
}

// pwshDriver writes the script that plays conda's part around the hooks
// (docs/conda-activation.md section 1) and dumps the environment at
// checkpoints, as Conda.psm1 would run them.
func pwshDriver(t *testing.T, fx pwshFixture, sc pwshScenario) string {
	t.Helper()
	sep := string(os.PathListSeparator)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("Set-StrictMode -Version Latest")
	line("$ErrorActionPreference = 'Stop'")
	line("$sep = [string]([IO.Path]::PathSeparator)")
	// every variable as base64 of UTF-8 NAME=value, one a line: values hold newlines
	line("function Dump([string]$at) {")
	line("    $lines = [Collections.Generic.List[string]]::new()")
	line("    foreach ($k in [Environment]::GetEnvironmentVariables().Keys) {")
	line("        $lines.Add([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes([string]$k + '=' + [Environment]::GetEnvironmentVariable([string]$k))))")
	line("    }")
	line("    [IO.File]::WriteAllLines([IO.Path]::Combine(%s, $at + '.env'), $lines)", pq(t, fx.out))
	line("}")
	// Conda.psm1 dot-sources from inside a function: a hook must print
	// nothing and leave no variable behind in that function's scope
	line("function Invoke-CondaScript([string]$path) {")
	line("    $names = @(Get-Variable -Scope 0 | ForEach-Object { $_.Name })")
	line("    $printed = @(. $path)")
	line("    if ($printed.Count -gt 0) { throw ('hook printed output: ' + $path + ': ' + ($printed -join ' ')) }")
	line("    $own = @('names', 'printed', 'own', 'v', '_', 'PSItem', 'MyInvocation', 'PSScriptRoot', 'PSCommandPath', 'args', 'input', 'foreach', 'LASTEXITCODE', 'StackTrace')")
	line("    foreach ($v in @(Get-Variable -Scope 0)) {")
	line("        if ($v.Name -cmatch '^[A-Za-z]\\w*$' -and $names -cnotcontains $v.Name -and $own -cnotcontains $v.Name) { throw ('hook left $' + $v.Name + ' behind: ' + $path) }")
	line("    }")
	line("}")
	for _, k := range sortedKeys(sc) {
		if v := sc[k]; v != nil {
			line("[Environment]::SetEnvironmentVariable(%s, %s)", pq(t, k), pqAllowEmpty(t, *v))
		} else {
			line("[Environment]::SetEnvironmentVariable(%s, [NullString]::Value)", pq(t, k))
		}
	}
	line("[Environment]::SetEnvironmentVariable('PATH', %s + $sep + $Env:PATH)", pq(t, filepath.Join(fx.sysGo, "bin")))
	line("[IO.File]::WriteAllText(%s, $HOME)", pq(t, filepath.Join(fx.out, "home")))
	line("Dump 'before'")
	run := func(dir string) {
		for _, s := range fx.scripts(t, dir) {
			line("Invoke-CondaScript %s", pq(t, s))
		}
	}
	// activate: conda exports PATH, its bookkeeping and env_vars (backing up
	// what they clobber), then dot-sources activate.d in code-point order
	line("[Environment]::SetEnvironmentVariable('PATH', %s + $sep + $Env:PATH)", pq(t, strings.Join(fx.prefixEntries, sep)))
	line("$Env:CONDA_PREFIX = %s; $Env:CONDA_SHLVL = '1'; $Env:CONDA_DEFAULT_ENV = 'hijack'", pq(t, fx.prefix))
	line("if ($null -ne $Env:GOTOOLCHAIN) { $Env:__CONDA_SHLVL_0_GOTOOLCHAIN = $Env:GOTOOLCHAIN }")
	line("$Env:GOTOOLCHAIN = 'local'")
	run("activate.d")
	line("Dump 'active'")
	run("activate.d") // again, with no deactivate between
	line("Dump 'active2'")
	// reactivate (conda activate hijack while active): deactivate.d with the
	// env's entries still on PATH, then conda exports the PATH it computed
	// before the scripts ran, and its env_vars, and runs activate.d
	line("$computed = $Env:PATH")
	run("deactivate.d")
	line("[Environment]::SetEnvironmentVariable('PATH', $computed)")
	line("$Env:GOTOOLCHAIN = 'local'")
	run("activate.d")
	line("Dump 'reactivated'")
	// the user adds a PATH entry while active
	line("[Environment]::SetEnvironmentVariable('PATH', '/user/added' + $sep + $Env:PATH)")
	// plain deactivate: conda exports PATH without the env's entries BEFORE deactivate.d
	line("$drop = @(%s)", pwshList(t, fx.prefixEntries))
	line("[Environment]::SetEnvironmentVariable('PATH', (@($Env:PATH.Split($sep) | Where-Object { $drop -cnotcontains $_ }) -join $sep))")
	run("deactivate.d")
	line("Dump 'restored'")
	return b.String()
}

func pwshRoundTrip(t *testing.T, exe string, p *plan.Plan, sc pwshScenario) {
	t.Helper()
	windows := runtime.GOOS == "windows"
	sep := string(os.PathListSeparator)
	fx := newPwshFixture(t, p, windows)
	out, prefix, sysGo, prefixEntries := fx.out, fx.prefix, fx.sysGo, fx.prefixEntries
	script := pwshDriver(t, fx, sc)
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, managed := sc[strings.ToUpper(k)]; managed || strings.HasPrefix(strings.ToUpper(k), "GO") ||
			strings.HasPrefix(strings.ToUpper(k), "CGO_") || strings.Contains(strings.ToUpper(k), "CONDA") || strings.HasPrefix(strings.ToUpper(k), "_GOSHIM_") {
			continue
		}
		env = append(env, kv)
	}
	stdout, stderr := runPwsh(t, exe, out, script, env)
	if stdout != "" || stderr != "" {
		t.Errorf("pwsh printed:\nstdout: %s\nstderr: %s", stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "canary")); err == nil {
		t.Errorf("a value executed a command (canary exists)")
	}
	homeBytes, err := os.ReadFile(filepath.Join(out, "home"))
	if err != nil {
		t.Fatal(err)
	}
	home := string(homeBytes)
	points := map[string]map[string]string{}
	for _, at := range []string{"before", "active", "active2", "reactivated", "restored"} {
		points[at] = readPwshDump(t, filepath.Join(out, at+".env"), windows)
	}
	pre, active := points["before"], points["active"]

	wantPath := strings.Join(append(append([]string{filepath.Join(sysGo, "bin"), home + "/go/bin", "/opt/tools bin"}, prefixEntries...), pre["PATH"], "/opt/last"), sep)
	if active["PATH"] != wantPath {
		t.Errorf("active: PATH = %q\nwant %q", active["PATH"], wantPath)
	}
	expectVar(t, "active", active, "GO111MODULE", str("on"))
	expectVar(t, "active", active, "GOFLAGS", str("-mod=mod"))
	expectVar(t, "active", active, "GOBIN", nil)
	expectVar(t, "active", active, "GOROOT", nil)
	for _, k := range []string{"GOPATH", "GOPROXY", "GOTOOLCHAIN", "CGO_ENABLED", "GOOS", "CONDA_GO_COMPILER"} {
		expectVar(t, "active", active, k, lookup(pre, k))
	}
	for k, def := range map[string]string{"GOCACHE": home + "/.cache/go-build", "GOMODCACHE": home + "/go/pkg/mod"} {
		want := lookup(pre, k)
		if want == nil {
			want = str(def)
		}
		expectVar(t, "active", active, k, want)
	}
	join := func(s string, old *string, add string, prepend bool) *string {
		switch {
		case old == nil || *old == "":
			return &add
		case prepend:
			return str(add + s + *old)
		default:
			return str(*old + s + add)
		}
	}
	expectVar(t, "active", active, "PKG_CONFIG_PATH", join(sep, lookup(pre, "PKG_CONFIG_PATH"), prefix+"/lib/pkgconfig", false))
	expectVar(t, "active", active, "CGO_CFLAGS", join(" ", lookup(pre, "CGO_CFLAGS"), "-I"+prefix+"/include", true))
	for _, at := range []string{"active2", "reactivated"} {
		if !reflectEqual(active, points[at]) {
			t.Errorf("%s differs from the first activation:\n%s", at, diffEnv(active, points[at]))
		}
	}
	restored := points["restored"]
	ignored := func(k string) bool {
		return strings.HasPrefix(k, "CONDA_") || strings.HasPrefix(k, "__CONDA_SHLVL_") || k == "PATH"
	}
	for _, k := range sortedKeys(pre) {
		if !ignored(k) {
			expectVar(t, "restored", restored, k, lookup(pre, k))
		}
	}
	for _, k := range sortedKeys(restored) {
		if _, ok := pre[k]; !ok && !ignored(k) {
			t.Errorf("restored: %s=%q was not there before activation", k, restored[k])
		}
	}
	if want := "/user/added" + sep + pre["PATH"]; restored["PATH"] != want {
		t.Errorf("restored: PATH = %q\nwant %q (as before, plus the user's entry)", restored["PATH"], want)
	}
}

// pqAllowEmpty quotes a test value, which may be empty.
func pqAllowEmpty(t *testing.T, s string) string {
	if s == "" {
		return "''"
	}
	return pq(t, s)
}

func pwshList(t *testing.T, items []string) string {
	var q []string
	for _, s := range items {
		q = append(q, pq(t, s))
	}
	return strings.Join(q, ", ")
}

// readPwshDump reads Dump's output. Windows names ignore case: they are
// upper-cased there, so PATH is found whether Windows spells it Path or not.
func readPwshDump(t *testing.T, path string, windows bool) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		if l == "" {
			continue
		}
		kv, err := base64.StdEncoding.DecodeString(l)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		k, v, _ := strings.Cut(string(kv), "=")
		if windows {
			k = strings.ToUpper(k)
		}
		env[k] = v
	}
	return env
}

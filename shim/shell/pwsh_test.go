package shell

import (
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/goshim/goshim/shim/expr"
)

// Every expected output below was checked by hand against PowerShell's
// rules for single-quoted strings: only the quote characters ' U+2018 U+2019
// U+201A U+201B are special, and each doubles to stand for itself. Anything
// outside printable ASCII is a [char] code, so no raw quote-like byte ever
// reaches the file (see Quote).
var pwshQuoteCases = []struct {
	in, want string
}{
	{"plain", `'plain'`},
	{"-mod=mod", `'-mod=mod'`},
	{"it's", `'it''s'`},
	{"''", `''''''`},
	{"'", `''''`},
	{"\u2018left\u2019", `('' + [char]0x2018 + 'left' + [char]0x2019)`},
	{"\u201Alow\u201B", `('' + [char]0x201A + 'low' + [char]0x201B)`},
	{"'\u2018'", `('''' + [char]0x2018 + '''')`},
	{"\u201Cdouble\u201D", `('' + [char]0x201C + 'double' + [char]0x201D)`},
	{"\u201E", `('' + [char]0x201E)`},
	{`"dq"`, `'"dq"'`},
	{"back`tick`", "'back`tick`'"},
	{"`$(x)", "'`$(x)'"},
	{"$(Remove-Item -Recurse ~)", `'$(Remove-Item -Recurse ~)'`},
	{"$HOME ${env:PATH} $null", `'$HOME ${env:PATH} $null'`},
	{"a;b&c|d", `'a;b&c|d'`},
	{"a && b || c", `'a && b || c'`},
	{"line1\nline2", `('line1' + [char]0x000A + 'line2')`},
	{"\r\n", `('' + [char]0x000D + [char]0x000A)`},
	{"tab\there", `('tab' + [char]0x0009 + 'here')`},
	{"del\x7f", `('del' + [char]0x007F)`},
	{`C:\Program Files\Go\`, `'C:\Program Files\Go\'`},
	{`\\server\share\`, `'\\server\share\'`},
	{"%PATH%", `'%PATH%'`},
	{"!x!", `'!x!'`},
	{"*.go?[a]", `'*.go?[a]'`},
	{"  two  spaces  ", `'  two  spaces  '`},
	{"# not a comment <# nor this #>", `'# not a comment <# nor this #>'`},
	{"@{a=1}; @(1,2)", `'@{a=1}; @(1,2)'`},
	{"\u00e9", `('' + [char]0x00E9)`},
	{"caf\u00e9 au lait", `('caf' + [char]0x00E9 + ' au lait')`},
	{"\u65e5\u672c", `('' + [char]0x65E5 + [char]0x672C)`},
	{"\U0001F600", `('' + [char]0xD83D + [char]0xDE00)`},
	{"\u0451", `('' + [char]0x0451)`}, // UTF-8 D1 91: 0x91 is U+2018 in Windows-1252
	{"\u00a0nbsp", `('' + [char]0x00A0 + 'nbsp')`},
	{"\u2028", `('' + [char]0x2028)`},
}

func TestPwshQuote(t *testing.T) {
	sh := mustLookup(t, "pwsh")
	for _, c := range pwshQuoteCases {
		got, err := sh.Quote(c.in)
		if err != nil {
			t.Errorf("Quote(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Quote(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
		if back, err := pwshEval(got, nil); err != nil || back != c.in {
			t.Errorf("Quote(%q) = %s reads back as %q (%v)", c.in, got, back, err)
		}
	}
}

func TestPwshQuoteRejects(t *testing.T) {
	sh := mustLookup(t, "pwsh")
	for _, c := range []struct{ in, want string }{
		{"", "pwsh cannot hold an empty value; use unset = true"},
		{"a\x00b", "pwsh cannot hold a NUL byte"},
		{"\xff", "pwsh cannot hold a value that is not valid UTF-8"},
		{"ok\xc3", "not valid UTF-8"},
	} {
		_, err := sh.Quote(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Quote(%q) error = %v, want %q", c.in, err, c.want)
		}
	}
}

var pwshExpandCases = []struct {
	raw, want string
}{
	{"-mod=mod", `'-mod=mod'`},
	{"${GOPATH}/bin", `([string]$Env:GOPATH + '/bin')`},
	{"${GOPATH}", `([string]$Env:GOPATH)`},
	{"-I${CONDA_PREFIX}/include", `('-I' + [string]$Env:CONDA_PREFIX + '/include')`},
	{"${A}${B}", `([string]$Env:A + [string]$Env:B)`},
	{"~", `($HOME)`},
	{"~/go/bin", `($HOME + '/go/bin')`},
	{"~user", `'~user'`},
	{"a~/b", `'a~/b'`},
	{"$$HOME", `'$HOME'`},
	{"it's ${X}", `('it''s ' + [string]$Env:X)`},
	{"\u00e9${X}\u2019", `('' + [char]0x00E9 + [string]$Env:X + [char]0x2019)`},
}

func TestPwshExpand(t *testing.T) {
	sh := mustLookup(t, "pwsh")
	env := map[string]string{"GOPATH": "/g", "X": "x'\u2018", "HOME": "/env/home"}
	for _, c := range pwshExpandCases {
		v := expr.MustParse(c.raw)
		got, err := sh.Expand(v)
		if err != nil {
			t.Errorf("Expand(%q): %v", c.raw, err)
			continue
		}
		if got != c.want {
			t.Errorf("Expand(%q)\n got %s\nwant %s", c.raw, got, c.want)
		}
		back, err := pwshEval(got, env)
		if err != nil {
			t.Errorf("Expand(%q) = %s: %v", c.raw, got, err)
			continue
		}
		if want := expandInGo(v, env, pwshTestHome); back != want {
			t.Errorf("Expand(%q) = %s evaluates to %q, want %q", c.raw, got, back, want)
		}
	}
}

func TestPwshEmptyValue(t *testing.T) {
	sh := mustLookup(t, "pwsh")
	c, ok := sh.(interface{ CheckValue(expr.Value) error })
	if !ok {
		t.Fatal("pwsh has no CheckValue")
	}
	const want = "pwsh cannot hold an empty value; use unset = true"
	if err := c.CheckValue(expr.MustParse("")); err == nil || err.Error() != want {
		t.Errorf("CheckValue(empty) = %v, want %q", err, want)
	}
	if _, err := sh.Expand(expr.MustParse("")); err == nil || err.Error() != want {
		t.Errorf("Expand(empty) = %v, want %q", err, want)
	}
	// may expand to empty at activation: that is the host's business, not an error
	for _, raw := range []string{"${X}", "~", "x"} {
		if err := c.CheckValue(expr.MustParse(raw)); err != nil {
			t.Errorf("CheckValue(%q) = %v", raw, err)
		}
	}
}

func TestPwshLookup(t *testing.T) {
	for _, name := range []string{"pwsh", "pwsh.exe", "PWSH.EXE", "powershell", "PowerShell.exe", "ps1",
		`C:\Program Files\PowerShell\7\pwsh.exe`, "/usr/local/bin/pwsh", "-pwsh"} {
		sh, err := Lookup(name)
		if err != nil {
			t.Errorf("Lookup(%q): %v", name, err)
			continue
		}
		if sh.Name() != "pwsh" || sh.Ext() != ".ps1" || sh.Comment() != "#" {
			t.Errorf("Lookup(%q) = %s %s %s", name, sh.Name(), sh.Ext(), sh.Comment())
		}
	}
}

// FuzzPwshQuote checks in Go what PowerShell would do: the output is ASCII,
// a single-quoted string whose quote characters are all doubled (or a
// concatenation of such strings and [char] codes), and reading it back by
// PowerShell's rules gives the input. With -fuzz and pwsh on PATH, every
// input also goes through real PowerShell.
func FuzzPwshQuote(f *testing.F) {
	for _, c := range pwshQuoteCases {
		f.Add(c.in)
	}
	f.Add("\u2019\u2019")
	f.Add("'\u201B'\u201A")
	f.Add("x\x00")
	f.Add("\xed\xa0\x80") // a UTF-16 surrogate in UTF-8: invalid
	sh := pwsh{}
	fuzzing := flag.Lookup("test.fuzz") != nil && flag.Lookup("test.fuzz").Value.String() != ""
	f.Fuzz(func(t *testing.T, s string) {
		got, err := sh.Quote(s)
		valid := s != "" && utf8.ValidString(s) && !strings.ContainsRune(s, 0)
		if !valid {
			if err == nil {
				t.Fatalf("Quote(%q) = %s, want an error", s, got)
			}
			return
		}
		if err != nil {
			t.Fatalf("Quote(%q): %v", s, err)
		}
		for i := 0; i < len(got); i++ {
			if got[i] < 0x20 || got[i] > 0x7e {
				t.Fatalf("Quote(%q) = %q: byte %#x is not printable ASCII", s, got, got[i])
			}
		}
		if strings.HasPrefix(got, "'") {
			if !strings.HasSuffix(got, "'") || len(got) < 2 {
				t.Fatalf("Quote(%q) = %s: not one single-quoted string", s, got)
			}
			checkDoubled(t, s, got[1:len(got)-1])
		} else if !strings.HasPrefix(got, "(") || !strings.HasSuffix(got, ")") {
			t.Fatalf("Quote(%q) = %s: neither a quoted string nor a parenthesized expression", s, got)
		}
		back, err := pwshEval(got, nil)
		if err != nil {
			t.Fatalf("Quote(%q) = %s: %v", s, got, err)
		}
		if back != s {
			t.Fatalf("Quote(%q) = %s reads back as %q", s, got, back)
		}
		if fuzzing {
			if exe, err := exec.LookPath("pwsh"); err == nil {
				pwshRoundTrip(t, exe, []string{got}, []string{s})
			}
		}
	})
}

// checkDoubled fails unless every quote character in body comes as a pair.
func checkDoubled(t *testing.T, s, body string) {
	t.Helper()
	rs := []rune(body)
	for i := 0; i < len(rs); i++ {
		if pwshQuoteChar(rs[i]) {
			if i+1 >= len(rs) || rs[i+1] != rs[i] {
				t.Fatalf("Quote(%q): quote character %q at %d is not doubled in %s", s, rs[i], i, body)
			}
			i++
		}
	}
}

const pwshTestHome = "/home/tester"

// pwshEval evaluates, by PowerShell's rules, the expressions Quote and
// Expand write: a single-quoted string, or ( piece + piece ... ) where a
// piece is a single-quoted string, [char]0xHHHH, [string]$Env:NAME or $HOME.
// env nil means no $Env: reads are allowed. It also enforces that the first
// piece is a string, so that PowerShell's + concatenates.
func pwshEval(src string, env map[string]string) (string, error) {
	if strings.HasPrefix(src, "'") {
		s, rest, err := pwshSingleQuoted(src)
		if err != nil {
			return "", err
		}
		if rest != "" {
			return "", fmt.Errorf("text after the string: %q", rest)
		}
		return s, nil
	}
	if !strings.HasPrefix(src, "(") || !strings.HasSuffix(src, ")") {
		return "", fmt.Errorf("not an expression goshim writes: %s", src)
	}
	rest := src[1 : len(src)-1]
	var out []uint16
	for i := 0; ; i++ {
		switch {
		case strings.HasPrefix(rest, "'"):
			s, r, err := pwshSingleQuoted(rest)
			if err != nil {
				return "", err
			}
			out = append(out, utf16.Encode([]rune(s))...)
			rest = r
		case strings.HasPrefix(rest, "[char]0x"):
			if i == 0 {
				return "", fmt.Errorf("expression starts with a [char]: + would not concatenate")
			}
			if len(rest) < 12 {
				return "", fmt.Errorf("short [char] code in %s", src)
			}
			u, err := strconv.ParseUint(rest[8:12], 16, 16)
			if err != nil {
				return "", err
			}
			out = append(out, uint16(u))
			rest = rest[12:]
		case strings.HasPrefix(rest, "[string]$Env:"), strings.HasPrefix(rest, "$HOME"):
			var val string
			if strings.HasPrefix(rest, "$HOME") {
				val, rest = pwshTestHome, rest[len("$HOME"):]
			} else {
				rest = rest[len("[string]$Env:"):]
				n := 0
				for n < len(rest) && (rest[n] == '_' || rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= 'a' && rest[n] <= 'z' || rest[n] >= '0' && rest[n] <= '9') {
					n++
				}
				if env == nil {
					return "", fmt.Errorf("$Env: read in a quoted literal: %s", src)
				}
				val, rest = env[rest[:n]], rest[n:]
			}
			out = append(out, utf16.Encode([]rune(val))...)
		default:
			return "", fmt.Errorf("unexpected %q in %s", rest, src)
		}
		if rest == "" {
			return string(utf16.Decode(out)), nil
		}
		if !strings.HasPrefix(rest, " + ") {
			return "", fmt.Errorf("expected ' + ' at %q in %s", rest, src)
		}
		rest = rest[3:]
	}
}

// pwshSingleQuoted reads one single-quoted string from the start of src the
// way PowerShell's tokenizer does (ScanStringLiteral): any of its five quote
// characters opens and closes it, and a quote character followed by another
// one stands for that second character.
func pwshSingleQuoted(src string) (string, string, error) {
	r, n := utf8.DecodeRuneInString(src)
	if !pwshQuoteChar(r) {
		return "", "", fmt.Errorf("no opening quote in %q", src)
	}
	var b strings.Builder
	rest := src[n:]
	for {
		if rest == "" {
			return "", "", fmt.Errorf("unterminated string in %q", src)
		}
		r, n = utf8.DecodeRuneInString(rest)
		rest = rest[n:]
		if pwshQuoteChar(r) {
			r2, n2 := utf8.DecodeRuneInString(rest)
			if rest == "" || !pwshQuoteChar(r2) {
				return b.String(), rest, nil
			}
			b.WriteRune(r2)
			rest = rest[n2:]
			continue
		}
		b.WriteRune(r)
	}
}

func TestPwshSingleQuotedRules(t *testing.T) {
	// PowerShell's own behaviour, from its tokenizer: mixed quote characters
	// pair up too, and the second one is the character kept.
	for _, c := range []struct{ src, want, rest string }{
		{`'a'`, "a", ""},
		{`'a''b'`, "a'b", ""},
		{"\u2018a\u2019", "a", ""},
		{"'a'\u2019b'", "a\u2019b", ""},
		{"'a' + 'b'", "a", " + 'b'"},
	} {
		got, rest, err := pwshSingleQuoted(c.src)
		if err != nil || got != c.want || rest != c.rest {
			t.Errorf("pwshSingleQuoted(%q) = %q, %q, %v; want %q, %q", c.src, got, rest, err, c.want, c.rest)
		}
	}
}

func expandInGo(v expr.Value, env map[string]string, home string) string {
	var b strings.Builder
	for _, s := range v.Segs {
		switch s.Kind {
		case expr.Literal:
			b.WriteString(s.Text)
		case expr.Var:
			b.WriteString(env[s.Text])
		case expr.Home:
			b.WriteString(home)
		}
	}
	return b.String()
}

func mustLookup(t *testing.T, name string) Shell {
	t.Helper()
	sh, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// findPwsh returns pwsh's path, or skips: PowerShell cannot be installed on
// every machine, but CI's Windows and macOS jobs have it, and a run that sets
// GOSHIM_E2E_REQUIRE to a list naming pwsh fails instead of skipping.
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

// pwshRoundTrip has real PowerShell evaluate each expression, under
// Set-StrictMode -Version Latest, from a script file as conda would read one,
// and compares what it holds with want (as UTF-8, via base64 so the console
// encoding cannot interfere).
func pwshRoundTrip(t *testing.T, exe string, exprs, want []string) {
	t.Helper()
	var script strings.Builder
	script.WriteString("Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'\n")
	for _, e := range exprs {
		fmt.Fprintf(&script, "$v = %s\n[Console]::Out.WriteLine([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($v)))\n", e)
	}
	file := filepath.Join(t.TempDir(), "roundtrip.ps1")
	if err := os.WriteFile(file, []byte(script.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-NoLogo", "-NoProfile", "-NonInteractive", "-File", file)
	cmd.Env = append(os.Environ(), "GOSHIM_RT_X=x'\u2018")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("pwsh: %v\nstderr: %s\nscript:\n%s", err, stderr.String(), script.String())
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("pwsh printed %d lines for %d values:\n%s", len(lines), len(want), out)
	}
	for i, l := range lines {
		b, err := base64.StdEncoding.DecodeString(l)
		if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if string(b) != want[i] {
			t.Errorf("pwsh reads %s as %q, want %q", exprs[i], b, want[i])
		}
	}
}

func TestPwshQuoteRoundTrip(t *testing.T) {
	exe := findPwsh(t)
	sh := mustLookup(t, "pwsh")
	var exprs, want []string
	for _, c := range pwshQuoteCases {
		q, err := sh.Quote(c.in)
		if err != nil {
			t.Fatal(err)
		}
		exprs, want = append(exprs, q), append(want, c.in)
	}
	// Expand under StrictMode: an unset variable reads as empty, not an error
	for _, c := range []struct{ raw, want string }{
		{"${GOSHIM_RT_X}/a", "x'\u2018/a"},
		{"${GOSHIM_RT_UNSET}", ""},
		{"a${GOSHIM_RT_UNSET}b", "ab"},
		{"${GOSHIM_RT_UNSET}${GOSHIM_RT_X}", "x'\u2018"},
		{"\u00e9${GOSHIM_RT_UNSET}", "\u00e9"},
	} {
		e, err := sh.Expand(expr.MustParse(c.raw))
		if err != nil {
			t.Fatal(err)
		}
		exprs, want = append(exprs, e), append(want, c.want)
	}
	pwshRoundTrip(t, exe, exprs, want)
}

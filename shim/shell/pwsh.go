package shell

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/goshim/goshim/shim/expr"
)

// pwsh is the .ps1 dialect conda dot-sources in PowerShell 7 (pwsh, on
// Windows, Linux and macOS) and in Windows PowerShell 5.1.
type pwsh struct{}

func init() { register(pwsh{}) }

func (pwsh) Name() string      { return "pwsh" }
func (pwsh) Ext() string       { return ".ps1" }
func (pwsh) Aliases() []string { return []string{"powershell", "ps1"} }
func (pwsh) Comment() string   { return "#" }

// errPwshEmpty: Windows PowerShell and pwsh up to 7.4 remove an environment
// variable that is assigned "" (pwsh 7.5 keeps it empty), and on Windows empty
// variables practically never exist, so an empty value would mean "unset" on
// some hosts and "empty" on others.
var errPwshEmpty = errors.New("pwsh cannot hold an empty value; use unset = true")

// Quote returns a PowerShell string expression that evaluates to exactly s.
//
// Printable ASCII goes into a single-quoted string, inside which PowerShell
// gives every character its literal meaning except its quote characters: '
// and the typographic U+2018, U+2019, U+201A and U+201B all open and close
// such a string, and each is written doubled to stand for itself.
//
// Every other character (control characters such as newline, and all
// non-ASCII) is written as [char]0xHHHH (UTF-16 code units) and joined with
// +, so the output is pure ASCII: Windows PowerShell 5.1 reads a .ps1 file
// without a byte order mark in the ANSI code page, where UTF-8's bytes 0x82,
// 0x91 and 0x92 decode to the quote characters U+201A, U+2018 and U+2019 and
// would end the string early; and an ASCII file cannot have a quoted newline
// rewritten to CRLF by a checkout. For example, a'é becomes the expression
//
//	('a''' + [char]0x00E9)
func (pwsh) Quote(s string) (string, error) {
	parts, err := pwshPieces(s)
	if err != nil {
		return "", err
	}
	return pwshJoin(parts), nil
}

// CheckValue rejects a value that is empty as written (see errPwshEmpty),
// or longer than a Windows environment variable holds.
// render calls it for every value before Expand.
func (pwsh) CheckValue(v expr.Value) error {
	if v.IsLiteral() && v.Literal() == "" {
		return errPwshEmpty
	}
	return checkWindowsLength(v)
}

// Expand returns an expression that evaluates to a string at activation,
// also when a referenced variable is unset: $Env:NAME is $null then (reading
// an environment variable is never an error under Set-StrictMode), and
// [string] turns $null into an empty string. The cast also makes sure the
// first piece of a concatenation is a string, which is what makes + join
// strings. Home is $HOME, which PowerShell always defines (the user profile
// folder on Windows).
func (p pwsh) Expand(v expr.Value) (string, error) {
	if err := p.CheckValue(v); err != nil {
		return "", err
	}
	var parts []string
	for _, s := range v.Segs {
		switch s.Kind {
		case expr.Literal:
			ps, err := pwshPieces(s.Text)
			if err != nil {
				return "", err
			}
			parts = append(parts, ps...)
		case expr.Var:
			if !expr.ValidName(s.Text) {
				return "", fmt.Errorf("invalid variable name %q", s.Text)
			}
			parts = append(parts, "[string]$Env:"+s.Text)
		case expr.Home:
			parts = append(parts, "$HOME")
		}
	}
	return pwshJoin(parts), nil
}

// pwshQuoteChar reports whether PowerShell's tokenizer takes r as a single
// quote (CharExtensions.IsSingleQuote).
func pwshQuoteChar(r rune) bool {
	switch r {
	case '\'', '\u2018', '\u2019', '\u201A', '\u201B':
		return true
	}
	return false
}

// pwshPieces splits s into string expressions whose concatenation is s:
// single-quoted runs of printable ASCII, and [char]0xHHHH for the rest.
func pwshPieces(s string) ([]string, error) {
	if err := common("pwsh", s); err != nil {
		return nil, err
	}
	if !utf8.ValidString(s) {
		return nil, errors.New("pwsh cannot hold a value that is not valid UTF-8")
	}
	if s == "" {
		return nil, errPwshEmpty
	}
	var parts []string
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, "'"+lit.String()+"'")
			lit.Reset()
		}
	}
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			flush()
			for _, u := range utf16.Encode([]rune{r}) {
				parts = append(parts, fmt.Sprintf("[char]0x%04X", u))
			}
			continue
		}
		if pwshQuoteChar(r) {
			lit.WriteRune(r) // doubled: the first one escapes the second
		}
		lit.WriteRune(r)
	}
	flush()
	return parts, nil
}

// pwshJoin concatenates string expressions. A single quoted string stands
// alone; anything else is parenthesized, so it is one expression wherever a
// template puts it. The first piece must be a string for + to concatenate
// ([char] + [char] would not concatenate), so a leading [char] gets an empty
// string before it.
func pwshJoin(parts []string) string {
	if len(parts) == 0 { // unreachable: empty values are errors
		return "''"
	}
	if len(parts) == 1 && strings.HasPrefix(parts[0], "'") {
		return parts[0]
	}
	if strings.HasPrefix(parts[0], "[char]") {
		parts = append([]string{"''"}, parts...)
	}
	return "(" + strings.Join(parts, " + ") + ")"
}

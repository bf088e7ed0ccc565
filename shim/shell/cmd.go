package shell

import (
	"fmt"
	"strings"

	"github.com/goshim/goshim/shim/expr"
)

// cmd is the .bat dialect conda CALLs in cmd.exe (and runs for xonsh on
// Windows). Every value is written inside `set "NAME=..."`, where cmd keeps
// & | < > ( ) ^ and blanks literal; Quote returns that inside text.
//
// What cmd cannot hold, refused at generation (checked in wine's cmd and
// against the cmd.exe parsing rules):
//   - CR and LF end the command line;
//   - `"` toggles cmd's quote state, after which & | < > run as operators;
//   - `!` and `^` are eaten when delayed expansion is on (cmd /V:ON, or the
//     DelayedExpansion registry value), which a hook cannot rule out;
//   - NUL ends a C string; other control characters (but tab) and
//     non-ASCII text (cmd reads a .bat in the console's OEM code page);
//   - a value over 4096 characters as written (cmd reads 8191 a line, and
//     runs the rest of a longer one as a command).
//
// `%` is doubled: a .bat file reads %% as one %. An EMPTY value cannot exist
// in a Windows environment: `set "NAME="` removes NAME, so setting a
// variable to "" unsets it (documented, not an error).
//
// Variables are read through _goshim_r_<NAME>, loaded by the template on an
// earlier line as %NAME:"=% (cmd drops the `"`, so a value read this way
// cannot break out of the quotes), or emptied when NAME is undefined; %X% is
// expanded when cmd reads the line, so the load must be a line of its own.
type cmd struct{}

func init() { register(cmd{}) }

func (cmd) Name() string      { return "cmd" }
func (cmd) Ext() string       { return ".bat" }
func (cmd) Aliases() []string { return []string{"bat", "cmd.exe"} }
func (cmd) Comment() string   { return "@REM" }

// Quote returns s for use inside `set "NAME=..."`, with % doubled.
func (cmd) Quote(s string) (string, error) {
	if err := templateError(s); err != nil {
		return "", err
	}
	if err := common("cmd", s); err != nil {
		return "", err
	}
	for _, c := range []struct {
		ch, why string
	}{
		{"\r", "a carriage return (it ends the command line)"},
		{"\n", "a newline (it ends the command line)"},
		{`"`, `a double quote (it ends cmd's quoting, after which & | < > run)`},
		{"!", "a ! (delayed expansion, if on, eats it)"},
		{"^", "a ^ (delayed expansion, if on, eats it)"},
	} {
		if strings.Contains(s, c.ch) {
			return "", fmt.Errorf("cmd cannot hold %s in %q", c.why, s)
		}
	}
	for _, r := range s {
		switch {
		case r > 0x7e:
			return "", fmt.Errorf("cmd cannot hold %q in %q: cmd reads a .bat in the console's code page, not UTF-8, so only ASCII text arrives unchanged", r, s)
		case r < 0x20 && r != '\t':
			return "", fmt.Errorf("cmd cannot hold the control character %q in %q", r, s)
		}
	}
	return strings.ReplaceAll(s, "%", "%%"), nil
}

// CheckEntry refuses a list entry holding %: the hooks take an entry out
// with CALL SET, which expands %...% in it once more (an entry C:\a%OS%b
// would be read as C:\aWindows_NTb and never found).
func (cmd) CheckEntry(v expr.Value) error {
	for _, seg := range v.Segs {
		if seg.Kind == expr.Literal && strings.Contains(seg.Text, "%") {
			return fmt.Errorf("cmd cannot hold %% in a list entry (%q): taking the entry out again expands it a second time", seg.Text)
		}
	}
	return nil
}

// CheckValue refuses a value that, as written in the .bat, would make a
// line longer than cmd reads (8191 characters: the rest of the line would
// run as a command), or that Windows cannot hold.
func (c cmd) CheckValue(v expr.Value) error {
	n, err := quotedLength(v, c.Quote)
	if err != nil {
		return err
	}
	if n > cmdMaxValue {
		return fmt.Errorf("cmd cannot hold a value of %d characters as written in a .bat (goshim's limit is %d, so every line stays under cmd's 8191)", n, cmdMaxValue)
	}
	return checkWindowsLength(v)
}

// Expand writes literal pieces quoted and reads ${NAME} as %_goshim_r_NAME%.
func (c cmd) Expand(v expr.Value) (string, error) {
	return expand(v, "", c.Quote,
		func(n string) string { return "%" + CshRef(n) + "%" },
		"%"+CshRef("USERPROFILE")+"%")
}

package shell

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goshim/goshim/shim/expr"
)

// csh is the .csh dialect conda sources (`source "path"`) in tcsh and csh.
// The same file runs in both; tcsh is the reference, and the template
// narrows what it does in a csh without tcsh's modifiers (see the template).
//
// What the quoting rests on, checked in real tcsh 6.24 and Debian's bsd-csh:
//   - inside '...' every byte is literal except `!`, which is history
//     substitution even inside single quotes and even in a script that is not
//     interactive ("x: Event not found." aborts the script); `\!` is a literal
//     `!` there. A backslash before any other byte stays a backslash.
//   - a newline cannot appear raw inside '...' ("Unmatched '"), but `\` and a
//     newline inside '...' is a literal newline in both shells.
//   - `'` cannot appear inside '...': close, write \', reopen.
//   - variables are read as ${NAME:q}: the only form that keeps every byte
//     (newlines, `!`, quotes, globs, blanks, empty) in both shells; "$NAME"
//     fails on a newline ("Unmatched \"") and bare $NAME splits and globs.
//     Reading an unset variable is an error in csh, so the template first
//     loads each variable a value reads into _goshim_r_<NAME> (empty when
//     unset), and Expand reads that.
//   - bsd-csh refuses words longer than about 8 KiB ("Word too long").
type csh struct{}

func init() { register(csh{}) }

func (csh) Name() string      { return "tcsh" }
func (csh) Ext() string       { return ".csh" }
func (csh) Aliases() []string { return []string{"csh"} }
func (csh) Comment() string   { return "#" }

// cshMaxWord is below bsd-csh's word limit (8185 bytes measured, BUFSIZ 8192),
// leaving room for what a value is joined with at activation.
const cshMaxWord = 8000

// TemplateError is how a template raises a generation error of its own:
// `{% q (print "\x00goshim-error:" ...) %}`. No value can start with NUL (it
// is refused everywhere), so no policy text can trigger it.
const TemplateError = "\x00goshim-error:"

func templateError(s string) error {
	if msg, ok := strings.CutPrefix(s, TemplateError); ok {
		return errors.New(msg)
	}
	return nil
}

// Quote single-quotes s for tcsh and csh: `'` → '\”, `!` → \!, newline →
// backslash-newline, everything else literal.
func (csh) Quote(s string) (string, error) {
	if err := templateError(s); err != nil {
		return "", err
	}
	if err := common("tcsh", s); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			b.WriteString(`'\''`)
		case '!':
			b.WriteString(`\!`)
		case '\n':
			b.WriteString("\\\n")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	if b.Len() > cshMaxWord {
		return "", fmt.Errorf("csh cannot hold a word of %d bytes (its limit is about 8 KiB)", b.Len())
	}
	return b.String(), nil
}

// CheckValue refuses a value whose literal text alone exceeds csh's word limit.
func (c csh) CheckValue(v expr.Value) error {
	n, err := quotedLength(v, c.Quote)
	if err != nil {
		return err
	}
	if n > cshMaxWord {
		return fmt.Errorf("csh cannot hold a word of %d bytes (its limit is about 8 KiB)", n)
	}
	return nil
}

// CshRef is the shell variable through which a .csh hook reads NAME: the
// template loads it (`set _goshim_r_NAME = ${NAME:q}`, or ” when NAME is
// unset) right before the line that uses the value.
func CshRef(name string) string { return "_goshim_r_" + name }

// Expand reads ${NAME} as ${_goshim_r_NAME:q} and ~ as ${_goshim_r_HOME:q}.
func (c csh) Expand(v expr.Value) (string, error) {
	return expand(v, "''", c.Quote,
		func(n string) string { return "${" + CshRef(n) + ":q}" },
		"${"+CshRef("HOME")+":q}")
}

package shell

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goshim/goshim/shim/expr"
)

// fish is the .fish dialect conda sources (`source "path"`) from its fish
// function. The rendered hooks must also be left unchanged by fish_indent,
// which shapes how words are written (see Quote).
type fish struct{}

func init() { register(fish{}) }

func (fish) Name() string      { return "fish" }
func (fish) Ext() string       { return ".fish" }
func (fish) Aliases() []string { return nil }
func (fish) Comment() string   { return "#" }

// Quote writes s as one fish word that reads back as exactly s.
//
// Inside fish single quotes only \\ and \' are escapes, so escaping every
// backslash and single quote is enough: no $, (, *, ~, {, newline or other
// byte means anything there. fish_indent, however, rewrites any word whose
// unquoted text is only letters, digits, '_', '-' and '/' to its bare form
// ('abc' becomes abc), and what counts as a letter depends on the C
// library's locale data. So, to be byte-stable under fish_indent:
//   - a word of ASCII letters, digits, '_', '-', '/' is written bare;
//   - a word of those plus non-ASCII characters is written bare with each
//     non-ASCII character as a \uXXXX or \UXXXXXXXX escape (a backslash is
//     never "good" to fish_indent, so it keeps the word in every locale);
//   - anything else is single-quoted.
//
// fish cannot hold a NUL, and a value must be valid UTF-8 (fish would read
// invalid bytes back as its own private encoding). fish keeps U+F600–U+F6FF
// for bytes it cannot decode and U+FDD0–U+FDEF for its parser's markers:
// fish_indent turns such characters in a script into other bytes, so they
// are refused too.
func (fish) Quote(s string) (string, error) {
	if err := common("fish", s); err != nil {
		return "", err
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("fish cannot hold a value that is not valid UTF-8: %q", s)
	}
	if s == "" {
		return "''", nil
	}
	bare, ascii := true, true
	for _, r := range s {
		if fishReserved(r) {
			return "", fmt.Errorf("fish cannot hold U+%04X in %q: fish reserves U+F600–U+F6FF and U+FDD0–U+FDEF for its own use (fish_indent rewrites them as other bytes)", r, s)
		}
		switch {
		case r >= utf8.RuneSelf:
			ascii = false
			if fishNeverWordChar(r) {
				bare = false
			}
		case !fishWordByte(byte(r)):
			bare = false
		}
	}
	if bare && ascii {
		return s, nil
	}
	if bare {
		var b strings.Builder
		for _, r := range s {
			switch {
			case r < utf8.RuneSelf:
				b.WriteRune(r)
			case r <= 0xFFFF:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		}
		return b.String(), nil
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'", nil
}

// fishWordByte reports whether fish_indent counts an ASCII byte as part of
// a word it may write bare: letters, digits, '_', '-', '/'.
func fishWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '/'
}

// fishNeverWordChar reports non-ASCII characters that are never letters or
// digits in any locale: private-use characters and noncharacters. A word
// holding one stays quoted under fish_indent, so it needs no escapes (and
// must get none: fish reads a private-use escape differently from the
// character written literally).
func fishNeverWordChar(r rune) bool {
	return r >= 0xE000 && r <= 0xF8FF || r >= 0xF0000 || r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE
}

// fishReserved reports characters fish uses internally (see Quote).
func fishReserved(r rune) bool {
	return r >= 0xF600 && r <= 0xF6FF || r >= 0xFDD0 && r <= 0xFDEF
}

// CheckValue refuses a value longer than Linux passes to programs.
func (fish) CheckValue(v expr.Value) error { return checkUnixLength(v) }

// Expand reads variables as "$NAME": inside double quotes fish expands a
// variable to exactly one word, empty when unset, never split or globbed; a
// list is joined with ':' for path variables (names ending in PATH) and with
// a space otherwise, which is exactly how fish exports it.
func (f fish) Expand(v expr.Value) (string, error) {
	return expand(v, "''", f.Quote, func(n string) string { return `"$` + n + `"` }, `"$HOME"`)
}

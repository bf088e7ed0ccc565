// Package expr owns goshim's tiny value language: the text a policy writes
// for a variable's value, and its parsed form that every shell renders.
//
//	${NAME}  the variable's value at activation time (unset reads as empty)
//	$$       a literal dollar sign
//	~ or ~/  (only at the very start) the home directory at activation time
//
// Everything else is literal. Nothing is ever evaluated at generation time.
package expr

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Kind says what a Segment stands for.
type Kind int

const (
	Literal Kind = iota // Text is used byte for byte
	Var                 // Text is a variable name, read at activation
	Home                // the home directory, read at activation
)

// Segment is one piece of a Value.
type Segment struct {
	Kind Kind
	Text string
}

// Value is a parsed policy value. Segs never holds an empty Literal and
// never two Literals in a row, so renderers can emit it piece by piece.
type Value struct {
	Raw  string
	Segs []Segment
}

// ValidName reports whether s can be an environment variable name in every
// shell goshim writes for: ^[A-Za-z_][A-Za-z0-9_]*$ (checked by hand, not
// by a regexp: the templates call it for every name they print).
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c == '_':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Parse reads a policy value. Errors say what to write instead.
func Parse(s string) (Value, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return Value{}, fmt.Errorf("value contains a NUL byte, which no shell can hold")
	}
	if !utf8.ValidString(s) {
		return Value{}, fmt.Errorf("value is not valid UTF-8")
	}
	v := Value{Raw: s}
	rest := s
	if rest == "~" || strings.HasPrefix(rest, "~/") {
		v.Segs = append(v.Segs, Segment{Kind: Home})
		rest = rest[1:]
	}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			v.Segs = append(v.Segs, Segment{Kind: Literal, Text: lit.String()})
			lit.Reset()
		}
	}
	for len(rest) > 0 {
		i := strings.IndexByte(rest, '$')
		if i < 0 {
			lit.WriteString(rest)
			break
		}
		lit.WriteString(rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "$$"):
			lit.WriteByte('$')
			rest = rest[2:]
		case strings.HasPrefix(rest, "${"):
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return Value{}, fmt.Errorf("unclosed ${ in %q: write ${NAME}, or $$ for a literal $", s)
			}
			name := rest[2:end]
			if !ValidName(name) {
				return Value{}, fmt.Errorf("invalid variable name %q in %q: names match [A-Za-z_][A-Za-z0-9_]*", name, s)
			}
			flush()
			v.Segs = append(v.Segs, Segment{Kind: Var, Text: name})
			rest = rest[end+1:]
		default:
			return Value{}, fmt.Errorf("bare $ in %q: write ${NAME} for a variable, or $$ for a literal $", s)
		}
	}
	flush()
	return v, nil
}

// MustParse is Parse for values written in Go code (defaults, tests).
func MustParse(s string) Value {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// IsLiteral reports whether the value is fixed at generation time, so it can
// be validated (e.g. GO111MODULE=on) and checked for shell limits up front.
func (v Value) IsLiteral() bool {
	for _, s := range v.Segs {
		if s.Kind != Literal {
			return false
		}
	}
	return true
}

// Literal returns the text of a literal value ("" for an empty value).
func (v Value) Literal() string {
	var b strings.Builder
	for _, s := range v.Segs {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Refs lists the variables the value reads at activation, in order.
func (v Value) Refs() []string {
	var out []string
	for _, s := range v.Segs {
		if s.Kind == Var {
			out = append(out, s.Text)
		}
	}
	return out
}

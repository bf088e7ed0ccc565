package shell

import (
	"fmt"
	"unicode/utf16"

	"github.com/goshim/goshim/shim/expr"
)

// How long a value may be, as written in the policy (a ${NAME} read adds
// its length at activation, which no generator can know).
const (
	// Linux passes each NAME=value string to a program only up to
	// MAX_ARG_STRLEN (131072 bytes, NUL included): past it every program
	// the shell starts fails with "Argument list too long". The margin
	// leaves room for the name.
	unixMaxValue = 131072 - 1024
	// Windows holds at most 32767 UTF-16 units in one environment value.
	windowsMaxValue = 32767
	// cmd.exe reads at most 8191 characters a line; every goshim line that
	// holds a value has well under 4 KiB around it.
	cmdMaxValue = 4096
)

// literalText is the text of v's literal pieces, joined.
func literalText(v expr.Value) string {
	var s string
	for _, seg := range v.Segs {
		if seg.Kind == expr.Literal {
			s += seg.Text
		}
	}
	return s
}

// quotedLength is the length of v's literal pieces as quote writes them
// into a script (a ${NAME} read is written as a short reference).
func quotedLength(v expr.Value, quote func(string) (string, error)) (int, error) {
	n := 0
	for _, seg := range v.Segs {
		if seg.Kind == expr.Literal {
			q, err := quote(seg.Text)
			if err != nil {
				return 0, err
			}
			n += len(q)
		}
	}
	return n, nil
}

// checkUnixLength refuses a value no Linux program could receive.
func checkUnixLength(v expr.Value) error {
	if n := len(literalText(v)); n > unixMaxValue {
		return fmt.Errorf("a value of %d bytes is longer than Linux passes to programs (128 KiB, MAX_ARG_STRLEN)", n)
	}
	return nil
}

// checkWindowsLength refuses a value no Windows environment can hold.
func checkWindowsLength(v expr.Value) error {
	if n := len(utf16.Encode([]rune(literalText(v)))); n > windowsMaxValue {
		return fmt.Errorf("a value of %d UTF-16 units is longer than a Windows environment variable holds (32767)", n)
	}
	return nil
}

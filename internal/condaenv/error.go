package condaenv

import (
	"strconv"
	"strings"
)

// Error is a problem in an input file, with a position and a fix.
//
// Every error about a user's file says where (file:line:col) and what to
// do, so a user never has to guess which of several YAML or JSON files
// goshim was reading.
type Error struct {
	File      string
	Line, Col int
	Msg, Hint string

	// cause keeps the underlying error (a read error, say) reachable with
	// errors.Is/As, so callers can still tell "missing" from "broken".
	cause error
}

// Error formats as "environment.yml:12:3: msg (hint: ...)". The column is
// left out when unknown (0), and so is the line.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
			if e.Col > 0 {
				b.WriteString(":" + strconv.Itoa(e.Col))
			}
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (hint: " + e.Hint + ")")
	}
	return b.String()
}

// Unwrap returns the underlying error, if any (for example fs.ErrNotExist
// when a file is missing).
func (e *Error) Unwrap() error { return e.cause }

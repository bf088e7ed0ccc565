package condaenv

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// yamlLineRe finds the position yaml.v3 puts in its messages ("yaml: line 3:
// did not find expected key"); it has no typed error for syntax problems.
var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlParserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner). For these it prints the 0-based line (an upstream off-by-one),
// and prints no line at all for the first line; scanner errors are 1-based.
var yamlParserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// yamlReaderProblems are encoding errors, which yaml.v3 reports with no
// position at all; goshim finds the offending byte itself.
var yamlReaderProblems = []string{"UTF-8", "UTF-16", "invalid Unicode character", "surrogate area",
	"control characters are not allowed", "input error"}

func (p *envParser) yamlError(err error, data []byte) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: p.file, cause: err, Hint: "check the indentation and quoting around this line"}
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		msg = err.Error()[len(m[0]):]
	}
	switch {
	case yamlParserProblems[msg]:
		e.Line++
	case e.Line == 0 && isReaderProblem(msg):
		e.Line, e.Col = badCharPosition(data)
		e.Hint = "save the file as UTF-8 text without control characters"
	case e.Line == 0:
		e.Line = 1 // the error is on the first line
	}
	switch {
	case strings.Contains(msg, "tab character"):
		e.Hint = "YAML indentation must use spaces, not tabs"
	case strings.HasPrefix(msg, "did not find expected ',' or"):
		e.Hint = "a [ or { is not closed by a matching ] or }"
	}
	e.Msg = "invalid YAML: " + msg
	return e
}

func isReaderProblem(msg string) bool {
	for _, s := range yamlReaderProblems {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// badCharPosition returns the line and column of the first byte YAML does
// not accept as text, or 0, 0 if it finds none.
func badCharPosition(data []byte) (line, col int) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		bad := (r == utf8.RuneError && size == 1) ||
			(r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f ||
			(r >= 0x80 && r <= 0x9f && r != 0x85) || r == 0xfffe || r == 0xffff
		if bad {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return 0, 0
}

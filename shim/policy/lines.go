package policy

import (
	"regexp"
	"strings"
)

// lineFinder recovers the line of a key, because the TOML decoder does not
// expose positions of keys that decoded fine but fail goshim's schema.
// It understands the shapes a policy is written in: [table] headers with
// bare or quoted keys, and dotted keys such as env.GOPATH at the top level.
type lineFinder struct{ lines []string }

func newLineFinder(text string) *lineFinder {
	return &lineFinder{lines: strings.Split(text, "\n")}
}

var headerRe = regexp.MustCompile(`^\s*\[\s*([^\]]*?)\s*\]`)

func unquote(k string) string { return strings.Trim(strings.TrimSpace(k), `"'`) }

// table returns the line of [name], of a [name.x] header, or of a top-level name.x key.
func (f *lineFinder) table(name string) int {
	for i, l := range f.lines {
		if m := headerRe.FindStringSubmatch(l); m != nil {
			if parts := strings.SplitN(m[1], ".", 2); unquote(parts[0]) == name {
				return i + 1
			}
			continue
		}
		if k, _, ok := strings.Cut(l, "="); ok {
			if parts := strings.SplitN(k, ".", 2); unquote(parts[0]) == name {
				return i + 1
			}
		}
	}
	return 0
}

// key returns the line where table.key is defined, or 0 if it cannot tell.
func (f *lineFinder) key(table, key string) int {
	current := ""
	for i, l := range f.lines {
		if m := headerRe.FindStringSubmatch(l); m != nil {
			current = unquote(m[1])
			if current == table+"."+key || current == table+`."`+key+`"` {
				return i + 1
			}
			continue
		}
		k, _, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		parts := strings.Split(k, ".")
		for j := range parts {
			parts[j] = unquote(parts[j])
		}
		switch {
		case current == table && len(parts) >= 1 && parts[0] == key:
			return i + 1
		case current == "" && len(parts) >= 2 && parts[0] == table && parts[1] == key:
			return i + 1
		}
	}
	return 0
}

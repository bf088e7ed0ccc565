// Package shell owns what differs between the shells conda runs hooks in:
// names and aliases, file extensions, and quoting. Quoting lives here, in Go,
// so no value from a policy or environment.yml reaches a script unquoted.
package shell

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goshim/goshim/shim/expr"
)

// Shell is one script dialect goshim writes.
type Shell interface {
	Name() string      // canonical name, also the template's name
	Ext() string       // extension conda looks for in activate.d, e.g. ".sh"
	Aliases() []string // other names users type: bash, zsh, powershell, ...
	// Quote returns a word that the shell reads back as exactly s,
	// or an error when the shell cannot hold s.
	Quote(s string) (string, error)
	// Expand returns a word that evaluates to v at activation time.
	Expand(v expr.Value) (string, error)
	// Comment prefix for header lines.
	Comment() string
}

var registry = map[string]Shell{}

func register(s Shell) {
	registry[s.Name()] = s
	for _, a := range s.Aliases() {
		registry[a] = s
	}
}

// Lookup finds a shell by name, also as $SHELL or argv[0] spell it:
// "zsh", "/bin/zsh", "-zsh", "pwsh.exe".
func Lookup(name string) (Shell, error) {
	n := strings.TrimPrefix(filepath.Base(strings.ReplaceAll(name, `\`, "/")), "-")
	n = strings.TrimSuffix(strings.ToLower(n), ".exe")
	if s, ok := registry[n]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("unknown shell %q: use one of %s", name, strings.Join(Names(), ", "))
}

// All returns every shell, sorted by name, so output order is stable.
func All() []Shell {
	seen := map[string]bool{}
	var out []Shell
	for _, s := range registry {
		if !seen[s.Name()] {
			seen[s.Name()] = true
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Names lists every accepted name, canonical names first, for help and completion.
func Names() []string {
	var canon, aliases []string
	for _, s := range All() {
		canon = append(canon, s.Name())
		aliases = append(aliases, s.Aliases()...)
	}
	sort.Strings(aliases)
	return append(canon, aliases...)
}

// common checks every shell shares: NUL ends a C string, so no
// environment variable anywhere can hold it.
func common(shell, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%s cannot hold a NUL byte", shell)
	}
	return nil
}

// expand renders v with lit for literal pieces and ref for variable reads.
func expand(v expr.Value, empty string, lit func(string) (string, error), ref func(string) string, home string) (string, error) {
	if len(v.Segs) == 0 {
		return empty, nil
	}
	var b strings.Builder
	for _, s := range v.Segs {
		switch s.Kind {
		case expr.Literal:
			q, err := lit(s.Text)
			if err != nil {
				return "", err
			}
			b.WriteString(q)
		case expr.Var:
			if !expr.ValidName(s.Text) {
				return "", fmt.Errorf("invalid variable name %q", s.Text)
			}
			b.WriteString(ref(s.Text))
		case expr.Home:
			b.WriteString(home)
		}
	}
	return b.String(), nil
}

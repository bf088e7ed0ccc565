package shell

import (
	"strings"

	"github.com/goshim/goshim/shim/expr"
)

// posix is the .sh dialect conda sources in bash, zsh, dash and ash.
type posix struct{}

func init() { register(posix{}) }

func (posix) Name() string      { return "sh" }
func (posix) Ext() string       { return ".sh" }
func (posix) Aliases() []string { return []string{"bash", "zsh", "dash", "ash", "ksh", "posix"} }
func (posix) Comment() string   { return "#" }

// Quote uses single quotes, inside which POSIX shells give every byte its
// literal meaning; a single quote itself is closed, escaped and reopened.
func (posix) Quote(s string) (string, error) {
	if err := common("sh", s); err != nil {
		return "", err
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'", nil
}

// CheckValue refuses a value longer than Linux passes to programs.
func (posix) CheckValue(v expr.Value) error { return checkUnixLength(v) }

// Expand reads variables as "${NAME-}", which is empty for an unset
// variable even under `set -u`, and never splits or globs.
func (p posix) Expand(v expr.Value) (string, error) {
	return expand(v, "''", p.Quote, func(n string) string { return `"${` + n + `-}"` }, `"${HOME-}"`)
}

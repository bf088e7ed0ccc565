package main

import "strings"

// shellRow is one interpreter the benchmark runs. Adding a shell is one row
// here: hooks of an existing goshim shell need nothing else; a new script
// dialect also needs a dialect value (dialects.go).
type shellRow struct {
	Name  string   // row name, and the interpreter looked up on PATH unless Argv says otherwise
	Hooks string   // the goshim shell (shell.Lookup name or alias) whose hooks it sources
	Argv  []string // runs a script file given as the last argument, with the user's strictest options
	D     *dialect
	// LinkProcs is how many processes one activation may start to resolve a
	// symlinked system go: 1 where the shell has no builtin for it (bash, dash).
	LinkProcs int
	Version   []string // prints the version; nil: ask dpkg
}

var shellRows = []shellRow{
	{Name: "bash", Hooks: "sh", Argv: []string{"bash", "--noprofile", "--norc", "-euo", "pipefail"}, D: posixDialect, LinkProcs: 1, Version: []string{"bash", "--version"}},
	{Name: "zsh", Hooks: "sh", Argv: []string{"zsh", "-f", "-o", "err_exit", "-o", "no_unset"}, D: posixDialect, Version: []string{"zsh", "--version"}},
	{Name: "dash", Hooks: "sh", Argv: []string{"dash", "-eu"}, D: posixDialect, LinkProcs: 1},
	{Name: "ksh", Hooks: "sh", Argv: []string{"ksh", "-eu"}, D: posixDialect, LinkProcs: 1, Version: []string{"ksh", "-c", "echo ${.sh.version}"}},
	{Name: "ash", Hooks: "sh", Argv: []string{"busybox", "ash", "-eu"}, D: posixDialect, LinkProcs: 1, Version: []string{"busybox"}},
	{Name: "fish", Hooks: "fish", Argv: []string{"fish", "--no-config"}, D: fishDialect, Version: []string{"fish", "--version"}},
	{Name: "pwsh", Hooks: "pwsh", Argv: []string{"pwsh", "-NoProfile", "-NonInteractive", "-File"}, D: pwshDialect, Version: []string{"pwsh", "--version"}},
	{Name: "tcsh", Hooks: "tcsh", Argv: []string{"tcsh", "-f", "-e"}, D: cshDialect, LinkProcs: 1, Version: []string{"tcsh", "--version"}},
}

// firstLine keeps the part of a version banner worth a table cell.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

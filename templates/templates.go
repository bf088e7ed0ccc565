// Package templates holds one script template per shell, embedded into the
// binary. Each defines "save", "apply" and "restore"; every value in them
// goes through the shell's quote functions (a test enforces it).
package templates

import "embed"

// FS holds <shell>.<ext>.tmpl for every shell.
//
//go:embed *.tmpl
var FS embed.FS

package emu

import (
	"fmt"
	"strings"
)

// Dialect is one of conda's activator classes: script extension, how
// commands are written, how they are joined.
//
// One deliberate difference from conda: conda interpolates values raw
// (`export %s='%s'`, `set -gx %s "%s"`, xonsh's `$%s = '%s'`), so a value holding a quote breaks
// its own script. The emulator quotes every value correctly, so a test can
// hand conda hostile values for the variables conda backs up without
// testing conda's quoting bug instead of goshim.
type Dialect struct {
	Name string // posix, csh, fish, powershell, xonsh
	Ext  string // activate.d extension (xonsh: .sh, run through source-bash)

	quote   func(string) (string, error)
	export  func(kv KV, q func(string) (string, error)) (string, error)
	unset   func(name string, f Flavor) string
	set     func(name, quoted string) string
	run     func(quoted string) string
	join    string
	windows bool
}

// DialectFor maps conda's shell names (`conda shell.<name>`) to a dialect.
func DialectFor(shell, goos string) (*Dialect, error) {
	win := goos == "windows"
	switch shell {
	case "posix", "bash", "zsh", "dash", "ash", "sh":
		return &Dialect{
			Name: "posix", Ext: ".sh", quote: quotePosix, join: "\n",
			export: func(kv KV, q func(string) (string, error)) (string, error) {
				v, err := q(kv.Value)
				return "export " + kv.Name + "=" + v, err
			},
			unset: func(n string, f Flavor) string {
				if f.PosixUnsetEmpty {
					return "export " + n + "=''"
				}
				return "unset " + n
			},
			set: func(n, q string) string { return n + "=" + q },
			run: func(q string) string { return ". " + q },
		}, nil
	case "csh", "tcsh":
		return &Dialect{
			Name: "csh", Ext: ".csh", quote: quoteCsh, join: ";\n",
			export: func(kv KV, q func(string) (string, error)) (string, error) {
				v, err := q(kv.Value)
				return "setenv " + kv.Name + " " + v, err
			},
			unset: func(n string, _ Flavor) string { return "unsetenv " + n },
			set:   func(n, q string) string { return "set " + n + "=" + q },
			run:   func(q string) string { return "source " + q },
		}, nil
	case "fish":
		return &Dialect{
			Name: "fish", Ext: ".fish", quote: quoteFish, join: ";\n",
			export: func(kv KV, q func(string) (string, error)) (string, error) {
				words := []string{kv.Value}
				if kv.List != nil {
					words = kv.List // FishActivator.pathsep_join: PATH is a list
				}
				out := "set -gx " + kv.Name
				for _, w := range words {
					v, err := q(w)
					if err != nil {
						return "", err
					}
					out += " " + v
				}
				return out, nil
			},
			unset: func(n string, _ Flavor) string { return "set -e " + n },
			set:   func(n, q string) string { return "set -g " + n + " " + q },
			run:   func(q string) string { return "source " + q },
		}, nil
	case "powershell", "pwsh":
		return &Dialect{
			Name: "powershell", Ext: ".ps1", quote: quotePwsh, join: "\n", windows: win,
			export: func(kv KV, q func(string) (string, error)) (string, error) {
				v, err := q(kv.Value)
				return "$Env:" + kv.Name + " = " + v, err
			},
			// PowerShellActivator.unset_var_tmpl: assigning "" removes the variable
			unset: func(n string, _ Flavor) string { return `$Env:` + n + ` = ""` },
			set:   func(n, q string) string { return "$Env:" + n + " = " + q },
			run:   func(q string) string { return ". " + q },
		}, nil
	case "xonsh":
		if win {
			return nil, fmt.Errorf("xonsh: the emulator models conda's XonshActivator on Unix only (on Windows it runs .bat scripts through source-cmd)")
		}
		// XonshActivator (Unix): export_var_tmpl and path_var_tmpl are
		// "$%s = '%s'", unset_var_tmpl a del guarded against KeyError, and
		// the scripts are the .sh ones, each run in a new bash by
		// run_script_tmpl 'source-bash --suppress-skip-message -n "%s"'.
		return &Dialect{
			Name: "xonsh", Ext: ".sh", quote: quoteXonsh, join: "\n",
			export: func(kv KV, q func(string) (string, error)) (string, error) {
				v, err := q(kv.Value)
				return "$" + kv.Name + " = " + v, err
			},
			unset: func(n string, _ Flavor) string {
				return "try:\n    del $" + n + "\nexcept KeyError:\n    pass"
			},
			set: func(n, q string) string { return "$" + n + " = " + q },
			run: func(q string) string { return "source-bash --suppress-skip-message -n " + q },
		}, nil
	}
	return nil, fmt.Errorf("unknown shell %q: use posix, bash, zsh, dash, csh, tcsh, fish, powershell or xonsh", shell)
}

// Render is _yield_commands followed by _finalize: the script conda prints.
func (d *Dialect) Render(c *Commands, f Flavor) (string, error) {
	var lines []string
	add := func(s string, err error) error {
		if err != nil {
			return err
		}
		lines = append(lines, s)
		return nil
	}
	for _, kv := range c.ExportPath {
		if err := add(d.export(kv, d.quote)); err != nil {
			return "", err
		}
	}
	for _, s := range c.DeactivateScripts {
		q, err := d.quote(s)
		if err := add(d.run(q), err); err != nil {
			return "", err
		}
	}
	for _, n := range c.UnsetVars {
		lines = append(lines, d.unset(n, f))
	}
	for _, kv := range c.SetVars {
		q, err := d.quote(kv.Value)
		if err := add(d.set(kv.Name, q), err); err != nil {
			return "", err
		}
	}
	for _, kv := range c.ExportVars {
		if err := add(d.export(kv, d.quote)); err != nil {
			return "", err
		}
	}
	for _, s := range c.ActivateScripts {
		q, err := d.quote(s)
		if err := add(d.run(q), err); err != nil {
			return "", err
		}
	}
	lines = append(lines, "")
	return strings.Join(lines, d.join), nil
}

// Quote quotes s as one word in the dialect.
func (d *Dialect) Quote(s string) (string, error) { return d.quote(s) }

func checkNUL(s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("a NUL byte cannot be held in an environment variable")
	}
	return nil
}

func quotePosix(s string) (string, error) {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'", checkNUL(s)
}

// quoteFish: inside single quotes fish knows only \\ and \'. A newline is
// written as an unquoted \n so every command stays on one line: conda.fish
// runs `eval (conda shell.fish ...)`, which splits the output into lines.
func quoteFish(s string) (string, error) {
	var b strings.Builder
	parts := strings.Split(s, "\n")
	for i, p := range parts {
		if i > 0 {
			b.WriteString(`\n`)
		}
		if p == "" && len(parts) > 1 {
			continue
		}
		b.WriteString("'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(p) + "'")
	}
	return b.String(), checkNUL(s)
}

// quotePwsh: single quotes, with every kind of single quote PowerShell
// accepts (’ ‘ ‚ ‛ too) doubled.
func quotePwsh(s string) (string, error) {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String(), checkNUL(s)
}

// quoteCsh: single quotes; ' and ! are written outside them. csh cannot
// put a newline in a quoted word of an eval'd line.
func quoteCsh(s string) (string, error) {
	if strings.ContainsAny(s, "\n\r") {
		return "", fmt.Errorf("csh: the emulator cannot write a newline in a value")
	}
	r := strings.NewReplacer(`'`, `'\''`, `!`, `'\!'`)
	return "'" + r.Replace(s) + "'", checkNUL(s)
}

// quoteXonsh is a Python string literal (xonsh evaluates quoted words as
// Python literals, in Python and in subprocess mode): single quotes, with
// \\, \' and control characters escaped, so every command stays on its line.
func quoteXonsh(s string) (string, error) {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String(), checkNUL(s)
}

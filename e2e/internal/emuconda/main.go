// Command emuconda is the e2e tests' stand-in for conda's executable. It is
// installed as <root>/bin/conda and answers the calls conda's shell
// functions make:
//
//	conda [flags] shell.<shell> hook
//	conda [flags] shell.<shell> activate [--stack|--no-stack] PREFIX
//	conda [flags] shell.<shell> deactivate
//	conda [flags] shell.<shell> reactivate
//
// reading the calling shell's exported environment and printing the
// commands for it to eval, as conda does (see package emu). Flags select
// the conda release being emulated:
//
//	--posix-unset=export-empty  conda >= 25.7 (default): posix unset is export X=''
//	--posix-unset=unset         older conda: a real unset
//	--restore-empty-backups     older conda: restore empty __CONDA_SHLVL_ backups too
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/goshim/goshim/e2e/internal/emu"
)

func main() {
	out, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "emuconda:", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

func run(args []string) (string, error) {
	flavor := emu.Conda
	var flags []string
	for len(args) > 0 && strings.HasPrefix(args[0], "--") {
		a := args[0]
		switch {
		case a == "--version" || a == "-V":
			return "conda 26.7.0 (goshim e2e emulator)\n", nil
		case a == "--posix-unset=export-empty":
			flavor.PosixUnsetEmpty = true
		case a == "--posix-unset=unset":
			flavor.PosixUnsetEmpty = false
		case a == "--restore-empty-backups":
			flavor.RestoreEmptyBackups = true
		default:
			return "", fmt.Errorf("unknown flag %s", a)
		}
		flags = append(flags, a)
		args = args[1:]
	}
	if len(args) < 2 || !strings.HasPrefix(args[0], "shell.") {
		return "", fmt.Errorf("usage: conda [flags] shell.<shell> hook|activate|deactivate|reactivate [args]")
	}
	dialect, err := emu.DialectFor(strings.TrimPrefix(args[0], "shell."), runtime.GOOS)
	if err != nil {
		return "", err
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	cwd, _ := os.Getwd()
	environ := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			continue // Windows' "=C:" entries
		}
		if runtime.GOOS == "windows" {
			k = strings.ToUpper(k) // os.environ on Windows
		}
		environ[k] = v
	}
	sys := emu.System{
		GOOS:       runtime.GOOS,
		RootPrefix: filepath.Dir(filepath.Dir(exe)),
		Exe:        exe,
		Cwd:        cwd,
		ChangePS1:  !strings.EqualFold(environ["CONDA_CHANGEPS1"], "false"),
		EnvPrompt:  "({default_env}) ",
	}
	a := &emu.Activator{Sys: sys, Flavor: flavor, Dialect: dialect, Environ: environ}
	cmd, rest := args[1], args[2:]
	var c *emu.Commands
	switch cmd {
	case "hook":
		if dialect.Name == "csh" {
			prof, err := emu.CshProfile(sys, flags)
			if err != nil {
				return "", err
			}
			p := filepath.FromSlash(emu.CshProfilePath(sys, flags))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return "", err
			}
			// atomically: another shell may be sourcing it right now
			tmp, err := os.CreateTemp(filepath.Dir(p), ".conda-*.csh")
			if err != nil {
				return "", err
			}
			_, werr := tmp.WriteString(prof)
			if cerr := tmp.Close(); werr == nil {
				werr = cerr
			}
			if werr == nil {
				werr = os.Rename(tmp.Name(), p)
			}
			if werr != nil {
				os.Remove(tmp.Name())
				return "", werr
			}
		}
		return emu.Hook(dialect, sys, flags)
	case "activate":
		stack := false
		var target []string
		for _, r := range rest {
			switch r {
			case "--stack":
				stack = true
			case "--no-stack":
				stack = false
			case "--dev", "":
			default:
				target = append(target, r)
			}
		}
		if len(target) > 1 {
			return "", fmt.Errorf("activate does not accept more than one argument: %q", target)
		}
		name := "base"
		if len(target) == 1 {
			name = target[0]
		}
		c, err = a.Activate(name, stack)
	case "deactivate":
		if len(rest) > 0 {
			return "", fmt.Errorf("deactivate does not accept arguments: %q", rest)
		}
		c, err = a.Deactivate()
	case "reactivate":
		c, err = a.Reactivate()
	default:
		return "", fmt.Errorf("invalid command %q", cmd)
	}
	if err != nil {
		return "", err
	}
	for _, w := range a.Warn {
		fmt.Fprintln(os.Stderr, w)
	}
	return dialect.Render(c, flavor)
}

package policy

import (
	"strings"

	"github.com/goshim/goshim/shim/expr"
)

// Which names a policy may manage. A policy may come from anywhere, and the
// hooks run in every shell conda runs, so a name is refused when any of
// those shells, conda, or goshim itself gives it a meaning of its own.
// Names are compared in upper case where Windows is involved: there GOPATH
// and gopath are one variable.

// nameProblem says why name cannot be managed, or "" when it can; hint is
// the fix.
func nameProblem(name string) (msg, hint string) {
	up := strings.ToUpper(name)
	switch {
	case up == "PATH" && name != "PATH":
		return name + " is PATH under another spelling (Windows ignores case; zsh's path is an array tied to PATH)",
			`write it PATH, edited entry by entry: PATH = { prepend = ["dir"] }`
	case condaOwns(up):
		return name + " is conda's own bookkeeping and cannot be managed", "remove it: conda owns this variable"
	case strings.HasPrefix(up, "_GOSHIM_"):
		return name + " is goshim's own state or a temporary of its hooks", "remove it, or rename it: names starting _GOSHIM_ (any case) belong to goshim"
	}
	if who := shellOwns(up); who != "" {
		return name + " is special to " + who + ": setting it breaks the shell or is refused there", "remove it: goshim cannot manage it in every shell"
	}
	return "", ""
}

// condaOwns reports whether up (an upper-cased name) is one conda, mamba or
// conda's cmd.exe wrapper reads or writes for itself (conda-activation.md
// §3). conda's _conda_activate.bat CALLs and then deletes
// %_TEMP_SCRIPT_PATH%: a policy setting it could make conda delete any file.
func condaOwns(up string) bool {
	switch up {
	case "CONDA_PREFIX", "CONDA_SHLVL", "CONDA_DEFAULT_ENV", "CONDA_PROMPT_MODIFIER",
		"CONDA_EXE", "CONDA_PYTHON_EXE", "CONDA_ROOT", "CONDA_CHANGEPS1", "CONDA_TEST_SAVE_TEMPS",
		"PS1", "PROMPT", "OLDPATH", "ASK_CONDA", "_TEMP_SCRIPT_PATH", "CONDA_BAT":
		return true
	}
	for _, p := range []string{"CONDA_PREFIX_", "CONDA_STACKED_"} {
		if rest, ok := strings.CutPrefix(up, p); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	for _, p := range []string{"_CONDA_", "__CONDA_SHLVL_", "CONDA_ENV_SHLVL_", "_CE_", "MAMBA_"} {
		if strings.HasPrefix(up, p) {
			return true
		}
	}
	return false
}

// shellSpecial maps an upper-cased name to the shells that give it a meaning
// of their own: read-only or dynamic variables (setting them fails or does
// something else, e.g. zsh's UID changes the user id when run as root), and
// variables that change how the shell parses or starts.
var shellSpecial = map[string]string{
	"_": "bash, zsh and fish (the last argument)",
	// bash (BASH* by prefix, below) and POSIX sh
	"BASHOPTS": "bash", "SHELLOPTS": "bash", "EUID": "bash and zsh", "UID": "bash and zsh",
	"PPID": "bash and zsh", "GROUPS": "bash", "FUNCNAME": "bash", "HISTCMD": "bash and zsh",
	"LINENO": "bash and zsh", "RANDOM": "bash, zsh and cmd.exe", "SRANDOM": "bash", "SECONDS": "bash and zsh",
	"EPOCHSECONDS": "bash and zsh", "EPOCHREALTIME": "bash and zsh", "PIPESTATUS": "bash and fish",
	"DIRSTACK": "bash", "IFS": "sh", "PS2": "sh", "PS3": "sh", "PS4": "sh", "ENV": "sh",
	"PROMPT_COMMAND": "bash", "OPTIND": "sh", "OPTARG": "sh", "PWD": "sh and fish", "OLDPWD": "sh",
	"SHLVL": "sh and fish", "HOSTNAME": "fish", "HISTFILE": "sh",
	// zsh
	"GID": "zsh", "EGID": "zsh", "USERNAME": "zsh (as root, setting it changes the user)", "ARGC": "zsh",
	"ARGV": "zsh and fish", "STATUS": "zsh, fish and tcsh", "TTY": "zsh", "ERRNO": "zsh",
	"OPTIONS": "zsh", "PARAMETERS": "zsh", "KEYBOARD_HACK": "zsh", "FPATH": "zsh", "CDPATH": "zsh",
	"MODULE_PATH": "zsh", "MAILPATH": "zsh", "PSVAR": "zsh", "HISTCHARS": "zsh",
	// fish (fish_* by prefix, below)
	"VERSION": "fish and tcsh", "HISTORY": "fish", "UMASK": "fish", "CMD_DURATION": "fish",
	"LAST_PID": "fish", "COLUMNS": "fish", "LINES": "fish",
	// cmd.exe's dynamic variables, and what Windows needs to run any program
	"CD": "cmd.exe", "DATE": "cmd.exe", "TIME": "cmd.exe", "ERRORLEVEL": "cmd.exe (conda 26.1+ reads it)",
	"CMDEXTVERSION": "cmd.exe", "CMDCMDLINE": "cmd.exe", "HIGHESTNUMANODENUMBER": "cmd.exe",
	"COMSPEC": "cmd.exe", "PATHEXT": "Windows", "SYSTEMROOT": "Windows", "WINDIR": "Windows",
}

// shellOwns returns the shells that give up (an upper-cased name) a meaning
// of their own, or "".
func shellOwns(up string) string {
	if who, ok := shellSpecial[up]; ok {
		return who
	}
	switch {
	case strings.HasPrefix(up, "BASH"):
		return "bash"
	case strings.HasPrefix(up, "ZSH_"):
		return "zsh"
	case strings.HasPrefix(up, "FISH_"):
		return "fish"
	}
	return ""
}

// refProblem says why a value may not read ref at activation, or "". The
// hooks' temporaries are named _goshim_*, and a special variable reads
// differently in each shell (${_} is "]" in bash, "export" in zsh).
func refProblem(ref string) string {
	up := strings.ToUpper(ref)
	if strings.HasPrefix(up, "_GOSHIM_") {
		return "${" + ref + "} reads goshim's own state or temporaries, which change while the hooks run"
	}
	if who := shellOwns(up); who != "" && !stableToRead[up] {
		return "${" + ref + "} is special to " + who + " and reads differently in each shell"
	}
	return ""
}

// stableToRead are special names that every shell reads the same way (the
// environment's value), so a value may use them.
var stableToRead = map[string]bool{
	"PWD": true, "OLDPWD": true, "HOSTNAME": true, "USERNAME": true, "HISTFILE": true, "ENV": true,
	"CDPATH": true, "FPATH": true, "MAILPATH": true, "MODULE_PATH": true,
	"COMSPEC": true, "PATHEXT": true, "SYSTEMROOT": true, "WINDIR": true,
}

// checkRefs applies refProblem to every variable v reads.
func checkRefs(v expr.Value) string {
	for _, r := range v.Refs() {
		if msg := refProblem(r); msg != "" {
			return msg
		}
	}
	return ""
}

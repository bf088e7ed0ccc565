package emu

import (
	"fmt"
	"strings"
)

// Hook is `conda shell.<shell> hook`: the code a user's rc file evals to
// get the `conda` command. It mirrors conda's own shell files
// (etc/profile.d/conda.sh, conda.fish, conda.csh, Conda.psm1): the
// activation scripts run inside a shell function (a module function in
// PowerShell, a sourced file in csh), from an eval of what the executable
// printed. args are the emulator's own flags, passed on every call.
func Hook(d *Dialect, sys System, args []string) (string, error) {
	condabin := sys.RootPrefix + "/condabin"
	if d.windows {
		condabin = sys.RootPrefix + `\condabin`
	}
	switch d.Name {
	case "posix":
		return posixHook(sys, args, condabin)
	case "fish":
		return fishHook(sys, args, condabin)
	case "powershell":
		return pwshHook(sys, args, condabin)
	case "csh":
		return cshHook(sys, args, condabin)
	case "xonsh":
		return xonshHook(sys, args)
	}
	return "", fmt.Errorf("no hook for %s", d.Name)
}

func quoteAll(q func(string) (string, error), words []string) (string, error) {
	var out []string
	for _, w := range words {
		s, err := q(w)
		if err != nil {
			return "", err
		}
		out = append(out, s)
	}
	return strings.Join(out, " "), nil
}

func posixHook(sys System, args []string, condabin string) (string, error) {
	exe, _ := quotePosix(sys.Exe)
	flags, err := quoteAll(quotePosix, args)
	if err != nil {
		return "", err
	}
	bin, _ := quotePosix(condabin)
	return `export CONDA_EXE=` + exe + `
export _CE_M=''
export _CE_CONDA=''
export CONDA_PYTHON_EXE=` + exe + `

__conda_exe() (
    "$CONDA_EXE" ` + flags + ` "$@"
)

__conda_hashr() {
    if [ -n "${ZSH_VERSION:+x}" ]; then
        \rehash
    elif [ -n "${POSH_VERSION:+x}" ]; then
        :
    else
        \hash -r
    fi
}

__conda_activate() {
    \local ask_conda
    ask_conda="$(PS1="${PS1:-}" __conda_exe shell.posix "$@")" || \return
    \eval "$ask_conda"
    __conda_hashr
}

__conda_reactivate() {
    \local ask_conda
    ask_conda="$(PS1="${PS1:-}" __conda_exe shell.posix reactivate)" || \return
    \eval "$ask_conda"
    __conda_hashr
}

conda() {
    \local cmd="${1-__missing__}"
    case "$cmd" in
        activate|deactivate)
            __conda_activate "$@"
            ;;
        reactivate)
            __conda_reactivate
            ;;
        *)
            __conda_exe "$@"
            ;;
    esac
}

if [ -z "${CONDA_SHLVL+x}" ]; then
    \export CONDA_SHLVL=0
    PATH=` + bin + `"${PATH:+":${PATH}"}"
    \export PATH
    if [ -z "${PS1+x}" ]; then
        PS1=
    fi
fi
`, nil
}

func fishHook(sys System, args []string, condabin string) (string, error) {
	exe, _ := quoteFish(sys.Exe)
	flags, err := quoteAll(quoteFish, args)
	if err != nil {
		return "", err
	}
	bin, _ := quoteFish(condabin)
	return `set -gx CONDA_EXE ` + exe + `
set _CONDA_ROOT ` + bin + `
set _CONDA_EXE ` + exe + `
set -gx CONDA_PYTHON_EXE ` + exe + `
if not set -q CONDA_SHLVL
    set -gx CONDA_SHLVL 0
    set -gx PATH ` + bin + ` $PATH
end

function conda --inherit-variable CONDA_EXE
    if test (count $argv) -lt 1
        $CONDA_EXE ` + flags + `
        return
    end
    set -l cmd $argv[1]
    set -e argv[1]
    switch $cmd
        case activate deactivate reactivate
            # conda.fish: eval ($CONDA_EXE shell.fish $cmd $argv); a failure is
            # reported here instead of evaluating nothing
            set -l ask_conda ($CONDA_EXE ` + flags + ` shell.fish $cmd $argv)
            or return
            eval $ask_conda
        case '*'
            $CONDA_EXE ` + flags + ` $cmd $argv
    end
end
`, nil
}

func pwshHook(sys System, args []string, condabin string) (string, error) {
	exe, _ := quotePwsh(sys.Exe)
	flags, err := quoteAll(quotePwsh, args)
	if err != nil {
		return "", err
	}
	if flags == "" {
		flags = "@()"
	} else {
		flags = "@(" + strings.ReplaceAll(flags, " ", ", ") + ")"
	}
	bin, _ := quotePwsh(condabin)
	sep := "':'"
	if strings.Contains(condabin, `\`) {
		sep = "';'"
	}
	// Conda.psm1: Invoke-Conda / Enter-CondaEnvironment run
	// `& $CONDA_EXE shell.powershell activate ... | Out-String` and
	// Invoke-Expression it inside a module function, so activate.d
	// scripts are dot-sourced in that function's scope.
	return `$Env:CONDA_EXE = ` + exe + `
$Env:_CONDA_EXE = ` + exe + `
if (-not (Test-Path Env:CONDA_SHLVL)) {
    $Env:CONDA_SHLVL = '0'
    $Env:PATH = ` + bin + ` + ` + sep + ` + $Env:PATH
}
New-Module -Name CondaEmulator -ScriptBlock {
    $EmuFlags = ` + flags + `
    function Invoke-Conda {
        # A module does not inherit the caller's strict mode; the emulator
        # is stricter than Conda.psm1 so the hooks are held to it.
        Set-StrictMode -Version Latest
        $argv = @($args)
        if ($argv.Count -ge 1 -and @('activate', 'deactivate', 'reactivate') -contains $argv[0]) {
            $activateCommand = (& $Env:CONDA_EXE @EmuFlags 'shell.powershell' @argv | Out-String)
            if ($LASTEXITCODE -ne 0) {
                throw "conda $($argv -join ' ') failed"
            }
            Invoke-Expression -Command $activateCommand
        } else {
            & $Env:CONDA_EXE @EmuFlags @argv
        }
    }
    Set-Alias -Name conda -Value Invoke-Conda
    Export-ModuleMember -Function Invoke-Conda -Alias conda
} | Import-Module -Global
`, nil
}

// xonshHook mirrors conda.xsh as `conda shell.xonsh hook` prints it (and
// `conda init` has xonsh exec it into a module): a callable alias `conda`
// whose activate/deactivate exec what `$CONDA_EXE shell.xonsh ...` printed
// in the user's context, with __xonsh__.execer.exec. Like the fish hook, it
// passes every argument through (emuconda reads --stack) and also answers
// `conda reactivate`; unlike conda.xsh, a failing call raises instead of
// executing nothing.
func xonshHook(sys System, args []string) (string, error) {
	exe, err := quoteXonsh(sys.Exe)
	if err != nil {
		return "", err
	}
	var flags []string
	for _, a := range args {
		q, err := quoteXonsh(a)
		if err != nil {
			return "", err
		}
		flags = append(flags, q)
	}
	return `$CONDA_EXE = ` + exe + `
$_CE_M = ''
$_CE_CONDA = ''
$CONDA_PYTHON_EXE = ` + exe + `

_CONDA_EMU_FLAGS = [` + strings.Join(flags, ", ") + `]


def _conda_main(args=None):
    import sys
    args = list(args or [])
    if args and args[0] in ('activate', 'deactivate', 'reactivate'):
        with __xonsh__.env.swap(RAISE_SUBPROC_ERROR=False):
            p = !(@($CONDA_EXE) @(_CONDA_EMU_FLAGS) shell.xonsh @(args))
            p.end()
        if p.err:
            sys.stderr.write(p.err)
        if p.returncode != 0:
            raise RuntimeError('conda ' + ' '.join(args) + ' failed')
        __xonsh__.execer.exec(p.out, glbs=__xonsh__.ctx,
                              filename='$(conda shell.xonsh ' + ' '.join(args) + ')')
    else:
        ![@($CONDA_EXE) @(_CONDA_EMU_FLAGS) @(args)]


if 'CONDA_SHLVL' not in __xonsh__.env:
    $CONDA_SHLVL = '0'

aliases['conda'] = _conda_main
`, nil
}

func cshHook(sys System, args []string, condabin string) (string, error) {
	exe, err := quoteCsh(sys.Exe)
	if err != nil {
		return "", err
	}
	bin, _ := quoteCsh(condabin)
	profile := CshProfilePath(sys, args)
	if strings.ContainsAny(profile, "'\"!$ ") {
		return "", fmt.Errorf("csh: the emulator needs a plain path for %s", profile)
	}
	// conda.csh is sourced through an alias (csh has no functions); the
	// emulator's copy is written next to the executable by emuconda. The
	// hook is eval'd from backquotes, which join its lines: one-line ifs only.
	return `setenv CONDA_EXE ` + exe + `;
setenv _CONDA_EXE ` + exe + `;
if ( ! $?CONDA_SHLVL ) setenv PATH ` + bin + `":${PATH}";
if ( ! $?CONDA_SHLVL ) setenv CONDA_SHLVL 0;
alias conda 'source ` + profile + `';
`, nil
}

// CshProfilePath is where the emulator's conda.csh for these flags lives:
// one file per set of flags, so emulators of different conda releases can
// run side by side.
func CshProfilePath(sys System, args []string) string {
	name := "conda"
	for _, a := range args {
		name += "_" + strings.NewReplacer("-", "", "=", "_").Replace(a)
	}
	return sys.RootPrefix + "/etc/profile.d/" + name + ".csh"
}

// CshProfile is the emulator's etc/profile.d/conda.csh, sourced by the
// `conda` alias with the alias's arguments as argv.
func CshProfile(sys System, args []string) (string, error) {
	exe, err := quoteCsh(sys.Exe)
	if err != nil {
		return "", err
	}
	flags, err := quoteAll(quoteCsh, args)
	if err != nil {
		return "", err
	}
	return `if ( $#argv < 1 ) then
    ` + exe + ` ` + flags + `
else
    switch ( "$argv[1]" )
        case activate:
        case deactivate:
        case reactivate:
            set ask_conda = "` + "`" + exe + ` ` + flags + ` shell.csh $argv:q` + "`" + `"
            eval "$ask_conda"
            unset ask_conda
            rehash
            breaksw
        default:
            ` + exe + ` ` + flags + ` $argv:q
            breaksw
    endsw
endif
`, nil
}

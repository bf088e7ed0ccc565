package main

import (
	"fmt"
	"strings"
)

// dialect writes the benchmark's own scripts in one shell language: the
// driver loop, conda's part of a cycle, the no-checks floor and the state
// dumps that prove a cycle really activated and restored. Hooks come from
// goshim; only what the benchmark adds around them lives here. None of it
// may start a process (the process count of a cycle must be goshim's alone).
type dialect struct {
	Name string
	Ext  string // extension of the driver, floor and empty scripts
	// Quote is for the benchmark's own literals (temp paths, names); policy
	// values in the floor go through goshim's own quoting instead.
	Quote    func(string) string
	Setenv   func(name, word string) string
	Unsetenv func(name string) string
	Source   func(file string) string
	// Prologue starts every script (strict mode where the shell has one).
	Prologue []string
	// Loop repeats body $_BENCH_N times (read from the environment, so the
	// same script file, parsed the same way, times 0 and N cycles).
	Loop func(body []string) []string
	// Join concatenates shell words into one word.
	Join func(words ...string) string
	// PathFront and PathBack add entries (shell words) to PATH;
	// PathDropFront and PathDropBack take n entries off its ends.
	PathFront, PathBack         func(words []string) []string
	PathDropFront, PathDropBack func(n int) []string
	// CondaActivate is conda's step 5 (docs: conda-activation.md §1): PATH
	// with the prefix first, its bookkeeping and the env's env_vars, before
	// activate.d. CondaDropPrefix is a plain deactivate's step 1 (the prefix
	// bin taken out of PATH before deactivate.d); CondaDeactivated is what
	// conda unsets after deactivate.d.
	CondaActivate    func(prefix string, vars map[string]string) []string
	CondaDropPrefix  func(prefix string) []string
	CondaDeactivated func(vars map[string]string) []string
	// Dump prints "@label NAME=s<value>" or "@label NAME=u" for each name,
	// list variables joined with ':'.
	Dump func(label string, names []string) []string
}

func posixQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var posixDialect = &dialect{
	Name:     "posix",
	Ext:      ".sh",
	Quote:    posixQuote,
	Setenv:   func(n, w string) string { return "export " + n + "=" + w },
	Unsetenv: func(n string) string { return "unset " + n },
	Source:   func(f string) string { return ". " + posixQuote(f) },
	Loop: func(body []string) []string {
		out := []string{"_bench_i=0", `while [ "$_bench_i" -lt "$_BENCH_N" ]; do`, "_bench_i=$((_bench_i + 1))"}
		return append(append(out, body...), "done")
	},
	Join:      func(w ...string) string { return strings.Join(w, "") },
	PathFront: func(w []string) []string { return []string{"PATH=" + strings.Join(w, ":") + ":$PATH", "export PATH"} },
	PathBack:  func(w []string) []string { return []string{"PATH=$PATH:" + strings.Join(w, ":"), "export PATH"} },
	PathDropFront: func(n int) []string {
		return repeat(n, "PATH=${PATH#*:}")
	},
	PathDropBack: func(n int) []string {
		return repeat(n, "PATH=${PATH%:*}")
	},
	CondaActivate: func(prefix string, vars map[string]string) []string {
		out := []string{"PATH=" + posixQuote(prefix+"/bin") + ":$PATH",
			"export PATH CONDA_PREFIX=" + posixQuote(prefix) + " CONDA_SHLVL=1"}
		for _, k := range sorted(vars) {
			out = append(out, "export "+k+"="+posixQuote(vars[k]))
		}
		return out
	},
	CondaDropPrefix: func(prefix string) []string {
		e := posixQuote(prefix + "/bin")
		return []string{
			"_bench_t=:$PATH:",
			"_bench_t=${_bench_t%%:" + e + ":*}:${_bench_t#*:" + e + ":}",
			"_bench_t=${_bench_t#:}",
			"PATH=${_bench_t%:}",
			"export PATH",
		}
	},
	CondaDeactivated: func(vars map[string]string) []string {
		return []string{"unset CONDA_PREFIX " + strings.Join(sorted(vars), " "), "export CONDA_SHLVL=0"}
	},
	Dump: func(label string, names []string) []string {
		var out []string
		for _, n := range names {
			out = append(out, fmt.Sprintf(`if [ -n "${%s+x}" ]; then printf '%%s\n' "@%s %s=s$%s"; else printf '%%s\n' '@%s %s=u'; fi`, n, label, n, n, label, n))
		}
		return out
	},
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

var fishDialect = &dialect{
	Name:     "fish",
	Ext:      ".fish",
	Quote:    fishQuote,
	Setenv:   func(n, w string) string { return "set -gx " + n + " " + w },
	Unsetenv: func(n string) string { return "set -e " + n },
	Source:   func(f string) string { return "source " + fishQuote(f) },
	Loop: func(body []string) []string {
		// math and test are builtins: the loop starts no process
		out := []string{"set -g _bench_i 0", "while test $_bench_i -lt $_BENCH_N", "set _bench_i (math $_bench_i + 1)"}
		// a while loop ends with the status of a `set -e` of an unset variable (4)
		return append(append(out, body...), "end", "true")
	},
	Join:          func(w ...string) string { return strings.Join(w, "") },
	PathFront:     func(w []string) []string { return []string{"set -gx PATH " + strings.Join(w, " ") + " $PATH"} },
	PathBack:      func(w []string) []string { return []string{"set -gx PATH $PATH " + strings.Join(w, " ")} },
	PathDropFront: func(n int) []string { return []string{fmt.Sprintf("set -e PATH[1..%d]", n)} },
	PathDropBack:  func(n int) []string { return []string{fmt.Sprintf("set -e PATH[-%d..-1]", n)} },
	CondaActivate: func(prefix string, vars map[string]string) []string {
		out := []string{"set -gx PATH " + fishQuote(prefix+"/bin") + " $PATH",
			"set -gx CONDA_PREFIX " + fishQuote(prefix), "set -gx CONDA_SHLVL 1"}
		for _, k := range sorted(vars) {
			out = append(out, "set -gx "+k+" "+fishQuote(vars[k]))
		}
		return out
	},
	CondaDropPrefix: func(prefix string) []string {
		e := fishQuote(prefix + "/bin")
		return []string{"if contains -- " + e + " $PATH", "set -e PATH[(contains -i -- " + e + " $PATH)]", "end"}
	},
	CondaDeactivated: func(vars map[string]string) []string {
		out := []string{"set -e CONDA_PREFIX"}
		for _, k := range sorted(vars) {
			out = append(out, "set -e "+k)
		}
		return append(out, "set -gx CONDA_SHLVL 0")
	},
	Dump: func(label string, names []string) []string {
		var out []string
		for _, n := range names {
			out = append(out,
				"if set -q "+n,
				"set -g _bench_v (string join : -- $"+n+")",
				`printf '%s\n' "@`+label+" "+n+`=s$_bench_v"`,
				"else",
				`printf '%s\n' '@`+label+" "+n+`=u'`,
				"end")
		}
		return out
	},
}

func pwshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// pwshDialect is written to the same contract but has not run on this
// machine (no pwsh here); the correctness check before any timing run
// rejects it loudly if it is wrong. PATH uses ':' (the benchmark runs on Unix).
var pwshDialect = &dialect{
	Name:     "pwsh",
	Ext:      ".ps1",
	Quote:    pwshQuote,
	Setenv:   func(n, w string) string { return "$Env:" + n + " = " + w },
	Unsetenv: func(n string) string { return "$Env:" + n + " = $null" },
	Source:   func(f string) string { return ". " + pwshQuote(f) },
	Prologue: []string{"Set-StrictMode -Version Latest", "$ErrorActionPreference = 'Stop'"},
	Loop: func(body []string) []string {
		out := []string{"for ($_bench_i = 0; $_bench_i -lt [int]$Env:_BENCH_N; $_bench_i++) {"}
		return append(append(out, body...), "}")
	},
	Join: func(w ...string) string { return "(" + strings.Join(w, " + ") + ")" },
	PathFront: func(w []string) []string {
		return []string{"$Env:PATH = " + strings.Join(w, " + ':' + ") + " + ':' + $Env:PATH"}
	},
	PathBack: func(w []string) []string {
		return []string{"$Env:PATH = $Env:PATH + ':' + " + strings.Join(w, " + ':' + ")}
	},
	PathDropFront: func(n int) []string {
		return []string{fmt.Sprintf("$Env:PATH = ($Env:PATH -split ':' | Select-Object -Skip %d) -join ':'", n)}
	},
	PathDropBack: func(n int) []string {
		return []string{fmt.Sprintf("$Env:PATH = ($Env:PATH -split ':' | Select-Object -SkipLast %d) -join ':'", n)}
	},
	CondaActivate: func(prefix string, vars map[string]string) []string {
		out := []string{"$Env:PATH = " + pwshQuote(prefix+"/bin:") + " + $Env:PATH",
			"$Env:CONDA_PREFIX = " + pwshQuote(prefix), "$Env:CONDA_SHLVL = '1'"}
		for _, k := range sorted(vars) {
			out = append(out, "$Env:"+k+" = "+pwshQuote(vars[k]))
		}
		return out
	},
	CondaDropPrefix: func(prefix string) []string {
		return []string{"$Env:PATH = ($Env:PATH -split ':' | Where-Object { $_ -ne " + pwshQuote(prefix+"/bin") + " }) -join ':'"}
	},
	CondaDeactivated: func(vars map[string]string) []string {
		out := []string{"$Env:CONDA_PREFIX = $null"}
		for _, k := range sorted(vars) {
			out = append(out, "$Env:"+k+" = $null")
		}
		return append(out, "$Env:CONDA_SHLVL = '0'")
	},
	Dump: func(label string, names []string) []string {
		var out []string
		for _, n := range names {
			out = append(out, fmt.Sprintf("if (Test-Path -LiteralPath 'Env:%s') { Write-Output ('@%s %s=s' + $Env:%s) } else { Write-Output '@%s %s=u' }", n, label, n, n, label, n))
		}
		return out
	},
}

// cshQuote is for the benchmark's temp paths: csh has no way to quote a newline.
func cshQuote(s string) string {
	return "'" + strings.NewReplacer(`'`, `'\''`, `!`, `\!`).Replace(s) + "'"
}

// cshDialect edits PATH through tcsh's path array, which tcsh keeps in sync with PATH.
var cshDialect = &dialect{
	Name:     "csh",
	Ext:      ".csh",
	Quote:    cshQuote,
	Setenv:   func(n, w string) string { return "setenv " + n + " " + w },
	Unsetenv: func(n string) string { return "unsetenv " + n },
	Source:   func(f string) string { return "source " + cshQuote(f) },
	Loop: func(body []string) []string {
		out := []string{"@ _bench_i = 0", "while ( $_bench_i < $_BENCH_N )", "@ _bench_i++"}
		return append(append(out, body...), "end")
	},
	Join:      func(w ...string) string { return strings.Join(w, "") },
	PathFront: func(w []string) []string { return []string{"set path = ( " + strings.Join(w, " ") + " $path:q )"} },
	PathBack:  func(w []string) []string { return []string{"set path = ( $path:q " + strings.Join(w, " ") + " )"} },
	PathDropFront: func(n int) []string {
		return repeat(n, "shift path")
	},
	PathDropBack: func(n int) []string {
		return []string{fmt.Sprintf("@ _bench_k = $#path - %d", n), "set path = ( $path[1-$_bench_k]:q )"}
	},
	CondaActivate: func(prefix string, vars map[string]string) []string {
		out := []string{"set path = ( " + cshQuote(prefix+"/bin") + " $path:q )",
			"setenv CONDA_PREFIX " + cshQuote(prefix), "setenv CONDA_SHLVL 1"}
		for _, k := range sorted(vars) {
			out = append(out, "setenv "+k+" "+cshQuote(vars[k]))
		}
		return out
	},
	CondaDropPrefix: func(prefix string) []string {
		return []string{
			"set _bench_p = ( )",
			"foreach _bench_d ( $path:q )",
			`if ( "$_bench_d" != ` + cshQuote(prefix+"/bin") + ` ) set _bench_p = ( $_bench_p:q "$_bench_d" )`,
			"end",
			"set path = ( $_bench_p:q )",
		}
	},
	CondaDeactivated: func(vars map[string]string) []string {
		out := []string{"unsetenv CONDA_PREFIX"}
		for _, k := range sorted(vars) {
			out = append(out, "unsetenv "+k)
		}
		return append(out, "setenv CONDA_SHLVL 0")
	},
	Dump: func(label string, names []string) []string {
		var out []string
		for _, n := range names {
			out = append(out, "if ( $?"+n+" ) then", `echo "@`+label+" "+n+`=s$`+n+`"`, "else", "echo '@"+label+" "+n+"=u'", "endif")
		}
		return out
	},
}

func repeat(n int, line string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = line
	}
	return out
}

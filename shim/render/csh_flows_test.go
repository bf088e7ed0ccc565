package render

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
)

// The conda flows of sh_flows_test.go (conda#14762 switch and reactivate, a
// list variable the user changes while active) with the .csh hooks in tcsh
// -f -e. conda's csh activator sources each script at the top level
// (`source "path"`). csh (bsd-csh) is left out: there the hooks only print
// their notice (csh_roundtrip_test.go).

// cshFlow writes the steps in tcsh.
type cshFlow struct{}

func (cshFlow) install(t *testing.T, p *plan.Plan) string { return cshPrefix(t, p) }

func (cshFlow) preamble(path string, before map[string]*string) string {
	var b strings.Builder
	b.WriteString("setenv PATH " + cshq(path) + "\n")
	for _, k := range sortedKeys(before) {
		if v := before[k]; v != nil {
			b.WriteString("setenv " + k + " " + cshq(*v) + "\n")
		} else {
			b.WriteString("unsetenv " + k + "\n")
		}
	}
	return b.String()
}

func (cshFlow) sourceAll(t *testing.T, dir string, reverse bool) string {
	var b strings.Builder
	for _, s := range condaOrder(t, dir, ".csh", reverse) {
		b.WriteString("source " + cshq(s) + "\n")
	}
	return b.String()
}

func (d cshFlow) activate(t *testing.T, prefix string) string {
	return "setenv PATH " + cshq(prefix+"/bin") + ":${PATH:q}\n" +
		"setenv CONDA_PREFIX " + cshq(prefix) + "\nsetenv CONDA_SHLVL 1\nsetenv CONDA_DEFAULT_ENV " + cshq(filepath.Base(prefix)) + "\n" +
		"if ( $?GOTOOLCHAIN ) then\nsetenv __CONDA_SHLVL_0_GOTOOLCHAIN ${GOTOOLCHAIN:q}\nendif\n" +
		"setenv GOTOOLCHAIN local\n" +
		d.sourceAll(t, filepath.Join(prefix, "etc/conda/activate.d"), false)
}

func (d cshFlow) reactivate(t *testing.T, prefix string) string {
	return "set _t_path = ${PATH:q}\n" +
		d.sourceAll(t, filepath.Join(prefix, "etc/conda/deactivate.d"), true) +
		"setenv PATH ${_t_path:q}\nunset _t_path\nsetenv CONDA_SHLVL 1\nsetenv GOTOOLCHAIN local\n" +
		d.sourceAll(t, filepath.Join(prefix, "etc/conda/activate.d"), false)
}

func (d cshFlow) switchEnv(t *testing.T, from, to string) string {
	return "set _t_d = ( )\n" +
		"foreach _t_e ( $path:q )\n" +
		"if ( x${_t_e:q} == x" + cshq(from+"/bin") + " ) then\n" +
		"set _t_d = ( $_t_d:q " + cshq(to+"/bin") + " )\n" +
		"else\n" +
		"set _t_d = ( $_t_d:q ${_t_e:q} )\n" +
		"endif\n" +
		"end\n" +
		d.sourceAll(t, filepath.Join(from, "etc/conda/deactivate.d"), true) +
		"set path = ( $_t_d:q )\nunset _t_d _t_e\n" +
		"setenv CONDA_PREFIX " + cshq(to) + "\nsetenv CONDA_SHLVL 1\nsetenv CONDA_DEFAULT_ENV " + cshq(filepath.Base(to)) + "\nsetenv GOTOOLCHAIN local\n" +
		d.sourceAll(t, filepath.Join(to, "etc/conda/activate.d"), false)
}

func (d cshFlow) deactivate(t *testing.T, prefix string) string {
	return "set _t_d = ( )\n" +
		"foreach _t_e ( $path:q )\n" +
		"if ( x${_t_e:q} != x" + cshq(prefix+"/bin") + " ) then\n" +
		"set _t_d = ( $_t_d:q ${_t_e:q} )\n" +
		"endif\n" +
		"end\n" +
		"set path = ( $_t_d:q )\nunset _t_d _t_e\n" +
		d.sourceAll(t, filepath.Join(prefix, "etc/conda/deactivate.d"), true) +
		"unsetenv CONDA_PREFIX CONDA_DEFAULT_ENV\nsetenv CONDA_SHLVL 0\n"
}

func (cshFlow) edit(name string, e listEdit) string {
	switch e.op {
	case "prepend":
		return "setenv " + name + " " + cshq(e.value) + ":${" + name + ":q}\n"
	case "append":
		return "setenv " + name + " ${" + name + ":q}:" + cshq(e.value) + "\n"
	}
	return "setenv " + name + " " + cshq(e.value) + "\n"
}

func (cshFlow) dump(file string) string { return "/usr/bin/env -0 > " + cshq(file) + "\n" }

func tcshFlowShell() flowShell {
	return flowShell{cshShells[0].name, cshShells[0].argv, cshFlow{}} // tcsh -f -e
}

func TestCshCondaPathFlows(t *testing.T) {
	needSystemGo(t)
	needCsh(t, "tcsh")
	testCondaPathFlows(t, tcshFlowShell())
}

func TestCshUserEditsListVar(t *testing.T) {
	needSystemGo(t)
	needCsh(t, "tcsh")
	testUserEditsListVar(t, tcshFlowShell())
}

package doctor

import (
	"fmt"
	"path/filepath"
	"strings"
)

// checkCgo: with cgo on, the C compilers CC and CXX name must exist. conda's
// compiler packages export CC=x86_64-conda-linux-gnu-cc and the like, which
// exist only in the env's bin/.
func (d *diag) checkCgo() {
	cgo, _ := d.effective("CGO_ENABLED")
	if cgo == "0" {
		d.add(Finding{Check: "cgo-compiler", Severity: OK, Var: "CGO_ENABLED", Value: cgo, Problem: "cgo is off"})
		return
	}
	n := len(d.findings)
	for _, name := range []string{"CC", "CXX"} {
		v := strings.TrimSpace(d.getenv(name))
		if v == "" {
			continue
		}
		exe := strings.Fields(v)[0]
		found := false
		if filepath.IsAbs(exe) {
			found = isExecutable(exe)
		} else {
			found = len(d.which(exe)) > 0
		}
		if found {
			continue
		}
		f := Finding{Check: "cgo-compiler", Severity: Error, Var: name, Value: v, Where: d.origin(name)}
		if looksConda(exe) || d.condaPrefixOf(exe) != "" {
			f.Problem = fmt.Sprintf("%s=%s names a conda compiler that is not on PATH", name, v)
			f.Fix = fmt.Sprintf("unset %s (left over from the compiler activation of an env that is no longer active), or activate that env", name)
		} else {
			f.Problem = fmt.Sprintf("%s=%s is not on PATH", name, v)
			f.Fix = fmt.Sprintf("unset %s, or install that compiler", name)
		}
		f.Why = fmt.Sprintf("every cgo build fails: \"cgo: C compiler %q not found\" (net, os/user and any package with import \"C\" use cgo while CGO_ENABLED=1)", exe)
		if cgo == "" {
			f.Why = fmt.Sprintf("cgo builds fail: \"cgo: C compiler %q not found\"", exe)
		}
		d.add(f)
	}
	if len(d.findings) == n {
		msg := "cgo's C compilers are on PATH"
		if d.getenv("CC") == "" && d.getenv("CXX") == "" {
			msg = "CC and CXX unset: cgo uses go's default compiler"
		}
		d.add(Finding{Check: "cgo-compiler", Severity: OK, Var: "CC", Value: d.getenv("CC"), Problem: msg})
	}
}

// looksConda reports whether a compiler name is one of conda's: conda-forge
// names its toolchains <triplet>-conda-<os>-<abi>-cc, or conda_ for some.
func looksConda(exe string) bool {
	b := strings.ToLower(filepath.Base(exe))
	return strings.Contains(b, "-conda-") || strings.Contains(b, "conda_") || strings.Contains(b, "conda-")
}

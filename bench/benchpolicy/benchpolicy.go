// Package benchpolicy holds the policies goshim's benchmarks measure, so the
// Go benchmarks (shim/render) and the activation benchmark (bench/activation)
// time exactly the same inputs.
package benchpolicy

import (
	"fmt"
	"strings"

	"github.com/goshim/goshim/shim/plan"
)

// Root is the Go root the benchmark policies name. The activation benchmark
// needs a real Go installation there (or passes its own with -goroot).
const Root = "/usr/local/go"

// Large uses every action kind on 30 variables (GOTOOLCHAIN through [go]
// gotoolchain, 6 set, 4 unset, 8 keep, 5 default, 6 list edits) plus 3 PATH
// edits, with an explicit [go] root so the hooks search no further.
func Large(root string) string {
	return fmt.Sprintf(`[go]
toolchain = "system"
root = %q
gotoolchain = "local"

[env]
# set (6)
GO111MODULE = "on"
GOFLAGS = { set = "-mod=mod -trimpath" }
GOPROXY = "https://proxy.golang.org,direct"
GOSUMDB = "sum.golang.org"
CGO_ENABLED = "1"
GOAMD64 = "v3"
# unset (4)
GOBIN = { unset = true }
GOOS = { unset = true }
GOARCH = { unset = true }
CONDA_GO_COMPILER = { unset = true }
# keep (8)
GOPATH = { keep = true }
GOENV = { keep = true }
GOPRIVATE = { keep = true }
GONOPROXY = { keep = true }
GONOSUMDB = { keep = true }
GOINSECURE = { keep = true }
GOWORK = { keep = true }
GOEXPERIMENT = { keep = true }
# default (5)
GOCACHE = { default = "${HOME}/.cache/go-build" }
GOMODCACHE = { default = "${HOME}/go/pkg/mod" }
GOTMPDIR = { default = "/tmp" }
GODEBUG = { default = "http2client=0" }
GOTELEMETRY = { default = "off" }
# list edits (6)
CGO_CFLAGS = { prepend = ["-I${CONDA_PREFIX}/include"], sep = " " }
CGO_CPPFLAGS = { prepend = ["-DGOSHIM"], sep = " " }
CGO_LDFLAGS = { append = ["-L${CONDA_PREFIX}/lib", "-Wl,-rpath,${CONDA_PREFIX}/lib"], sep = " " }
PKG_CONFIG_PATH = { append = ["${CONDA_PREFIX}/lib/pkgconfig"] }
LD_LIBRARY_PATH = { prepend = ["${CONDA_PREFIX}/lib"] }
GOFLAGS_EXTRA = { prepend = ["-v"], append = ["-x"], sep = " " }
# PATH (3 edits)
PATH = { prepend = ["~/go/bin", "/opt/go-tools/bin"], append = ["/opt/last/bin"] }
`, root)
}

// Scale has n variables, cycling through keep, set, default, unset and a
// list append, and an explicit [go] root: the cost that grows with n is
// per-variable work only.
func Scale(n int, root string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[go]\ntoolchain = \"system\"\nroot = %q\n\n[env]\n", root)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("GOSHIM_BENCH_V%03d", i)
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "%s = { keep = true }\n", name)
		case 1:
			fmt.Fprintf(&b, "%s = \"v%03d\"\n", name, i)
		case 2:
			fmt.Fprintf(&b, "%s = { default = \"${HOME}/v%03d\" }\n", name, i)
		case 3:
			fmt.Fprintf(&b, "%s = { unset = true }\n", name)
		case 4:
			fmt.Fprintf(&b, "%s = { append = [\"${CONDA_PREFIX}/v%03d\"] }\n", name, i)
		}
	}
	return b.String()
}

// CondaVars is what conda exports before any script runs in an env with
// conda-forge's go package (env_vars.d/go.json), for every policy measured.
func CondaVars() []plan.CondaVar {
	return []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "etc/conda/env_vars.d/go.json"}}
}

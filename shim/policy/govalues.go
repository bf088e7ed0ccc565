package policy

import (
	"regexp"
	"strings"

	"github.com/goshim/goshim/shim/expr"
)

type valueError struct{ msg, hint string }

var (
	goVersion   = `go1(\.[0-9]+){0,2}((rc|beta)[0-9]+)?`
	toolchainRe = regexp.MustCompile(`^(local|auto|path|` + goVersion + `|` + goVersion + `\+(auto|path))$`)
	goosArchRe  = regexp.MustCompile(`^[a-z0-9]+$`)
)

// checkGoValue validates literal values of variables the go command reads,
// so a typo fails at generation instead of inside every `go build`.
// Values that read other variables at activation cannot be checked here.
func checkGoValue(name string, v expr.Value) *valueError {
	if !v.IsLiteral() {
		return nil
	}
	s := v.Literal()
	switch name {
	case "GO111MODULE":
		if s != "on" && s != "off" && s != "auto" {
			return &valueError{`"` + s + `" is not a GO111MODULE value`, `use "on", "off" or "auto"`}
		}
	case "CGO_ENABLED":
		if s != "0" && s != "1" {
			return &valueError{`"` + s + `" is not a CGO_ENABLED value`, `use "0" or "1"`}
		}
	case "GOTOOLCHAIN":
		if !toolchainRe.MatchString(s) {
			return &valueError{`"` + s + `" is not a GOTOOLCHAIN value`, `use "local", "auto", "path", "go1.22.3", or "go1.22.3+auto"`}
		}
	case "GOFLAGS":
		for _, f := range strings.Fields(s) {
			if !strings.HasPrefix(f, "-") {
				return &valueError{`GOFLAGS entry "` + f + `" does not start with -`, `write flags like "-mod=mod -trimpath"`}
			}
		}
	case "GOOS", "GOARCH":
		if !goosArchRe.MatchString(s) {
			return &valueError{`"` + s + `" is not a ` + name + ` value`, "see `go tool dist list`"}
		}
	}
	return nil
}

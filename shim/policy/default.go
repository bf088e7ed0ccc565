package policy

import (
	_ "embed"
)

// DefaultFile is the name the embedded default policy reports in errors and headers.
const DefaultFile = "(embedded default policy)"

// DefaultTOML is the embedded default policy, written with comments by
// `goshim init`. It is parsed like any user file, so the default can never
// drift from what init writes.
//
//go:embed default.toml
var DefaultTOML []byte

// Builtin returns the embedded default policy.
func Builtin() *Policy {
	p, err := Parse(DefaultFile, DefaultTOML)
	if err != nil {
		panic("embedded default policy is invalid: " + err.Error())
	}
	return p
}

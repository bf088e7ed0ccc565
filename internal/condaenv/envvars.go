package condaenv

import (
	"fmt"
	"sort"
)

// EnvVar is a variable conda exports on activation, before any activate.d
// script runs, with where it comes from for messages.
type EnvVar struct {
	Name, Value string
	Source      string // e.g. "environment.yml:14 variables" or "etc/conda/env_vars.d/go.json:2"
}

// unsetMarker is the value conda's `conda env config vars unset` stores
// (CONDA_ENV_VARS_UNSET_VAR): conda unsets such a variable on activation
// instead of exporting it.
const unsetMarker = "***unset***"

// packageEnvVar is a variable a known package exports through its
// etc/conda/env_vars.d file.
type packageEnvVar struct {
	pkg, file string
	brings    func(dep string) bool
	EnvVar
}

// knownPackageEnvVars lists what conda-forge packages put in env_vars.d and
// that matters to Go. conda-forge's go exports GOTOOLCHAIN=local to every
// shell of the env, so `go` never downloads another toolchain.
var knownPackageEnvVars = []packageEnvVar{
	{pkg: "go", file: "etc/conda/env_vars.d/go.json", brings: bringsGoPackage,
		EnvVar: EnvVar{Name: "GOTOOLCHAIN", Value: "local"}},
}

// CondaEnvVars returns the variables conda itself will export when this
// env activates, before any script runs: the `variables:` section plus the
// env_vars.d files of known packages. Sorted by name; a `variables:` entry
// wins over a package default, as conda-meta/state wins over env_vars.d.
func (e *Environment) CondaEnvVars() []EnvVar {
	vars := map[string]EnvVar{}
	for _, kv := range knownPackageEnvVars {
		for _, d := range e.Dependencies {
			if !kv.brings(d.Name) {
				continue
			}
			src := fmt.Sprintf("package %s (%s)", kv.pkg, kv.file)
			if d.Name != kv.pkg {
				src = fmt.Sprintf("package %s, installed by %s (%s)", kv.pkg, d.Name, kv.file)
			}
			vars[kv.Name] = EnvVar{Name: kv.Name, Value: kv.Value, Source: src}
			break
		}
	}
	for _, v := range e.Variables {
		vars[v.Name] = EnvVar{Name: v.Name, Value: v.Value, Source: fmt.Sprintf("%s:%d variables", e.File, v.Line)}
	}
	return sortedVars(vars)
}

// sortedVars drops variables conda unsets rather than exports, and sorts
// the rest by name so callers print stable messages.
func sortedVars(vars map[string]EnvVar) []EnvVar {
	out := make([]EnvVar, 0, len(vars))
	for _, v := range vars {
		if v.Value != unsetMarker {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Package condaenv owns everything goshim knows about conda environments
// on disk and about environment.yml:
//
//   - env.go, yamlerror.go, spec.go, envvars.go: reading environment.yml
//     (with a line for every error), classifying its dependencies, and
//     predicting which variables conda exports before any activate.d script
//     runs;
//   - prefix.go, scripts.go: reading an installed prefix — the variables conda
//     exports from conda-meta/state and etc/conda/env_vars.d, and the lines of
//     other packages' activate.d scripts that set Go variables;
//   - locate.go, roots.go, condarc.go, suggest.go: finding an environment
//     by name or path the way conda does, without running conda;
//   - error.go: the *Error every file problem is reported with (file, line,
//     column, and a hint saying how to fix it).
//
// Nothing here reads the process environment or the home directory itself:
// callers pass them in (see Locator), so every rule can be tested with fake
// conda installs in a temporary directory.
package condaenv

// Package e2e proves goshim's generated hooks under conda's real activation
// flows, in every shell conda runs them in.
//
// The tests (go test ./e2e/...) build goshim and three helpers once per run
// (TestMain), write test envs as plain conda prefixes (a folder with
// conda-meta/history, so no package download is needed), generate goshim's
// hooks into them, and run each scenario as ONE script in ONE shell process:
// the script installs an activator's shell hook, sets up the variables a
// user had, runs `conda activate/deactivate` steps, and dumps the whole
// environment at checkpoints (helper envdump, NUL-separated so values
// holding newlines compare exactly). Checkpoint scripts placed in the envs'
// activate.d/deactivate.d around goshim's own ("!e2e-checkpoint" and
// "~~e2e-checkpoint") record the state right before and right after
// goshim's hooks ran, so goshim's part is asserted exactly and conda's own
// restoration of its env_vars is asserted separately, as documented.
//
// Files:
//
//	shells_test.go       the shell table (bash, zsh, dash, fish, tcsh, csh,
//	                     pwsh, xonsh: binary, syntax check, strict run
//	                     options); csh is tcsh started as csh, the csh of
//	                     macOS, FreeBSD and RHEL
//	bsdcsh_test.go       why BSD csh (Debian's csh) has no row: conda's
//	                     conda.csh cannot activate there
//	                     and one script writer per language; xonsh runs
//	                     the .sh hooks as conda does, each in a new bash
//	                     (source-bash), so a value holding a newline cannot
//	                     come back (hostileFor drops it there)
//	activators_test.go   emulated and real activators behind one interface
//	fixtures_test.go     the hijacking test envs and goshim generate
//	scenarios_test.go    TestScenarios: every scenario x shell x activator
//	conformance_test.go  TestConformance: an activator against the doc's table
//	lint_test.go         syntax checks, shellcheck, fish_indent
//	internal/emu         the Go model of conda's _Activator, and its unit tests
//	internal/emuconda    the model as a conda executable (installed as bin/conda)
//	internal/envdump     the checkpoint helper
//	internal/fakego      the hijacking "go" of the test envs
//
// A missing shell, or a shell goshim writes no hooks for yet, skips with a
// reason. Activators:
//   - emulated: emuconda, a Go model of conda's _Activator with conda's own
//     shell functions, as conda >= 25.7 ("emulated": a posix unset leaves
//     the variable set and empty) and before ("emulated-legacy": real
//     unsets, empty backups restored).
//   - real: conda, mamba (2.x) or micromamba named by GOSHIM_E2E_CONDA
//     (comma-separated), else found on PATH. scripts/e2e-container.sh runs
//     the suite in continuumio/miniconda3 and mambaorg/micromamba.
//
// Environment:
//
//	GOSHIM_E2E_REQUIRE=bash,zsh,dash,fish  these skips become failures; also
//	                                       tcsh, csh, bsd-csh, pwsh, xonsh, shellcheck, fish_indent,
//	                                       and real (a real conda must run)
//	GOSHIM_E2E_CONDA=/path/to/conda        real activator(s) to use
//	GOSHIM_E2E_SHELLS=bash,fish            run only these rows
//	GOSHIM_E2E_ACTIVATORS=emulated,conda   run only these activators
//	GOSHIM_E2E_GOROOT=/usr/local/go        the system Go (default: go env GOROOT)
//	GOSHIM_E2E_KEEP=1                      keep the temporary folder (scripts,
//	                                       checkpoints) and print where it is
package e2e

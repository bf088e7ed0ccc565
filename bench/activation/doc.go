package main

// docHead and docMethod frame the generated block when docs/benchmarks.md
// does not exist yet; afterwards only the block between the markers is
// rewritten, and the text around it is the maintainers'.
const docHead = "# Benchmarks\n\n" +
	"What goshim's hooks cost a shell, measured by `make bench` (`go run ./bench/activation -o docs/benchmarks.md`," +
	" plus the Go benchmarks in `shim/render`). The block below is rewritten by every run; the text around it is not.\n\n"

const docMethod = `
## How it is measured

- **Hooks** are built in process by the same packages ` + "`goshim generate`" + ` uses (policy → plan → render) into
  fake conda prefixes (` + "`conda-meta/`" + `, and a conda-forge-style ` + "`bin/go`" + ` symlink into ` + "`go/bin`" + ` that the hooks must skip).
- **A cycle** is conda's part of an activation (PATH with ` + "`$CONDA_PREFIX/bin`" + ` first, ` + "`CONDA_PREFIX`" + `, ` + "`CONDA_SHLVL=1`" + `,
  conda-forge go's ` + "`GOTOOLCHAIN=local`" + `), the activate.d hooks, a plain deactivate's step 1 (the prefix bin taken off PATH
  before deactivate.d), the deactivate.d hook, and conda unsetting its variables (docs: conda-activation.md §1).
  The user's shell has GOPATH, GOFLAGS, GOPROXY, CGO_CFLAGS and PKG_CONFIG_PATH set, the other managed variables unset.
  Every shell runs with its strictest options (` + "`bash -euo pipefail`, `dash -eu`, `zsh -o err_exit -o no_unset`" + `, ...).
- **Timing.** One shell process sources the cycle N times in a loop. Go measures the wall time of that whole process with
  N cycles and with 0 cycles — the same script file, N read from the environment — and divides the difference by N, so
  process start and parsing the driver cancel out. One method for every shell: dash has no clock at all and fish none
  without starting ` + "`date`" + `, which would be a process inside the loop. N is calibrated per case so that a timed process
  runs about 150 ms, which makes process-start jitter (tens of µs) negligible.
- **Runs** are interleaved (every shell and case once per run, then the next run), so drift on the machine hits every
  row alike. The table gives the median and the range (min–max) over runs; ×floor is the median of the per-run ratio
  to the floor measured in the same run.
- **Floor**: a hand-written activate/deactivate pair that exports every managed variable (a keep as a fixed value),
  unsets the unset ones and GOROOT, puts the same entries on PATH (the system Go's bin hard-coded), and on deactivation
  unsets everything and takes the PATH entries off by position: no checks, no saving, no search. Its values are
  hard-coded as a hand-written script would have them (` + "`${HOME}`" + ` and ` + "`${CONDA_PREFIX}`" + ` already expanded) and
  quoted by goshim's own quoting.
- **Empty**: an empty file sourced where each of goshim's three hooks is: what any hook costs merely by being sourced,
  plus the harness (the loop and conda's part).
- **Correctness gate.** Before anything is timed, every case runs one cycle with the state printed before, during and
  after: goshim must put the system Go's bin first and restore PATH and every managed variable exactly; the floor must
  put the same Go first and leave PATH as it found it; nothing may be printed on stderr. A broken case fails the run
  instead of producing a fast number.
- **Processes**: ` + "`strace -f -e trace=execve,clone,clone3,fork,vfork`" + ` on the driver with 3 cycles, minus the same with 0,
  threads (CLONE_THREAD) excluded. The harness itself starts none (see the empty and floor rows).
- **Shells**: every row of ` + "`bench/activation/shells.go`" + ` whose goshim shell renders hooks and whose interpreter is on
  PATH. A shell whose hooks exist is one row there; a new script language also needs a dialect (` + "`dialects.go`" + `).
- **Whole process**: ` + "`goshim generate`" + ` and ` + "`goshim install -p PREFIX`" + ` (a row that appears once ` + "`goshim install --help`" + `
  works) against ` + "`true`" + `, each goshim run paired with a ` + "`true`" + ` run, after 3 warm-up runs.
- **Scale**: the same cycle for policies of 10 to 500 variables; the fit and the growth exponent show whether the cost
  per variable stays constant.
- **Go benchmarks**: ` + "`go test -run '^$' -bench . -benchmem ./shim/render`" + ` (BenchmarkRenderDefault, BenchmarkRenderLarge,
  Benchmark500Vars); the tables above repeat the same pipeline in process so one run gives every number.
- The policies are in ` + "`bench/benchpolicy`" + `. The process count is also asserted, untimed, by
  ` + "`shim/render/sh_processes_test.go`" + ` (bash, zsh, dash) and ` + "`TestFishStartsNoProcess`" + ` in
  ` + "`shim/render/fish_render_test.go`" + ` (fish).
`

// Command activation measures what goshim's hooks cost a shell: the time of
// one conda activate+deactivate cycle in every shell that has goshim hooks
// and an interpreter here, against a no-checks floor and empty scripts
// measured in the same run; the processes a cycle starts; how a cycle
// grows with the number of variables; and the whole-process time of
// `goshim generate` (and `goshim install`) against `true`.
//
// Run from the module root: go run ./bench/activation [-o docs/benchmarks.md].
// docs/benchmarks.md explains the method; -o rewrites its generated part.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goshim/goshim/shim/render"
	"github.com/goshim/goshim/shim/shell"
)

type config struct {
	out        string
	runs       int
	scaleRuns  int
	target     time.Duration
	shells     []string
	cases      []string
	sizes      []int
	goroot     string
	cliRuns    int
	noScale    bool
	noCLI      bool
	keep       bool
	straceK    int
	minCycles  int
	maxCycles  int
	moduleRoot string
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench/activation:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	var c config
	fs := flag.NewFlagSet("activation", flag.ContinueOnError)
	fs.StringVar(&c.out, "o", "", "write the results into this markdown file (its generated block; the whole file if it has none)")
	fs.IntVar(&c.runs, "runs", 5, "timed runs per shell and case")
	fs.IntVar(&c.scaleRuns, "scale-runs", 5, "timed runs per shell and size in the scale table")
	fs.DurationVar(&c.target, "target", 150*time.Millisecond, "how long one timed shell process should run (sets the cycles per process)")
	shells := fs.String("shells", "", "comma-separated rows to run (default: every shell with goshim hooks and an interpreter)")
	cases := fs.String("cases", "", "comma-separated cases of the main table to run, e.g. floor-default,default-path (default: all)")
	sizes := fs.String("sizes", "10,50,100,250,500", "variable counts for the scale table")
	fs.StringVar(&c.goroot, "goroot", "/usr/local/go", "a real (non-symlink) system Go installation the hooks must find")
	fs.IntVar(&c.cliRuns, "cli-runs", 30, "runs per command in the whole-process table")
	fs.BoolVar(&c.noScale, "no-scale", false, "skip the scale table")
	fs.BoolVar(&c.noCLI, "no-cli", false, "skip the CLI and in-process pipeline tables")
	fs.BoolVar(&c.keep, "keep", false, "keep the temp folder with the prefixes, drivers and strace logs")
	fs.IntVar(&c.straceK, "strace-cycles", 3, "cycles traced to count processes")
	fs.IntVar(&c.minCycles, "min-cycles", 5, "fewest cycles per timed process")
	fs.IntVar(&c.maxCycles, "max-cycles", 20000, "most cycles per timed process")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *shells != "" {
		c.shells = strings.Split(*shells, ",")
	}
	if *cases != "" {
		c.cases = strings.Split(*cases, ",")
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a positive number", s)
		}
		c.sizes = append(c.sizes, n)
	}
	if c.runs < 1 || c.scaleRuns < 1 || c.cliRuns < 1 {
		return errors.New("-runs, -scale-runs and -cli-runs must be at least 1")
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	c.moduleRoot = root
	return bench(c)
}

// moduleRoot finds goshim's go.mod from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(data), "module github.com/goshim/goshim\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run from inside the goshim module")
		}
		dir = parent
	}
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// result is everything one run of the benchmark found.
type result struct {
	machine  machine
	cfg      config
	rows     []shellRow // the shells measured
	skipped  []string   // shells not measured, and why
	main     []variant
	scale    []variant
	cells    map[string]*cell // row.Name + "/" + variant.Key
	cli      []cliRow
	pipeline []pipelineRow
	strace   string // why processes were not counted, or ""
	elapsed  time.Duration
}

// cell is one shell running one variant.
type cell struct {
	job       *job
	cycles    int
	per       time.Duration // estimated by calibration
	samples   []float64     // µs per cycle (wall), one per run
	cpu       []float64     // µs of CPU per cycle, one per run
	ratios    []float64     // to the floor of the same run
	cpuRatios []float64     // the same for CPU time, for the scale table
	procs     float64
	execs     string // what strace saw started, when procs > 0
	procsOK   bool   // procs counted
	err       error
}

func key(row shellRow, v variant) string { return row.Name + "/" + v.Key }

func bench(c config) error {
	began := time.Now()
	if fi, err := os.Lstat(filepath.Join(c.goroot, "bin", "go")); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("-goroot %s: no real bin/go there (a symlink does not count): the hooks need a system Go to find", c.goroot)
	}
	dir, err := os.MkdirTemp("", "goshim-bench-")
	if err != nil {
		return err
	}
	if c.keep {
		logf("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	sizes := c.sizes
	if c.noScale {
		sizes = nil
	}
	cliSizes := sizes
	if !c.noCLI && !contains(sizes, 500) {
		cliSizes = append(append([]int{}, sizes...), 500)
	}
	l, err := newLab(dir, c.goroot, cliSizes)
	if err != nil {
		return err
	}
	r := &result{cfg: c, scale: scaleVariants(sizes), cells: map[string]*cell{}}
	want := map[string]bool{}
	for _, v := range mainVariants() {
		if len(c.cases) == 0 || containsStr(c.cases, v.Key) {
			want[v.Key], want[v.Floor] = true, true // a case needs its floor for ×floor
		}
	}
	for _, v := range mainVariants() {
		if want[v.Key] {
			r.main = append(r.main, v)
		}
	}
	r.machine = describeMachine(dir)

	// which shells: a goshim template for its hooks, and an interpreter
	for _, row := range shellRows {
		if len(c.shells) > 0 && !containsStr(c.shells, row.Name) {
			continue
		}
		sh, err := shell.Lookup(row.Hooks)
		if err == nil {
			_, err = render.Files(l.plans["default"], sh)
		}
		if err != nil {
			r.skipped = append(r.skipped, fmt.Sprintf("%s: no goshim hooks for it yet (%v)", row.Name, err))
			continue
		}
		if _, err := exec.LookPath(row.Argv[0]); err != nil {
			r.skipped = append(r.skipped, fmt.Sprintf("%s: %s not installed", row.Name, row.Argv[0]))
			continue
		}
		r.rows = append(r.rows, row)
		r.machine.Shells = append(r.machine.Shells, [2]string{row.Name, shellVersion(row)})
	}
	for _, s := range r.skipped {
		logf("skip %s", s)
	}
	if len(r.rows) == 0 {
		return errors.New("no shell to measure")
	}
	if _, err := exec.LookPath("strace"); err != nil {
		r.strace = "strace not installed (Debian package strace)"
	} else if out, err := exec.Command("strace", "-f", "-qq", "-e", "trace=execve", "true").CombinedOutput(); err != nil {
		r.strace = fmt.Sprintf("strace cannot trace here: %v %s", err, strings.TrimSpace(string(out)))
	}

	// prepare, check and calibrate every cell before timing anything. The
	// scale table's big policies may run as few as 2 cycles and trace one:
	// in tcsh one cycle of 500 variables takes a second.
	isScale := map[string]bool{}
	for _, v := range r.scale {
		isScale[v.Key] = true
	}
	for _, row := range r.rows {
		sh, _ := shell.Lookup(row.Hooks)
		for _, v := range append(append([]variant{}, r.main...), r.scale...) {
			ce := &cell{}
			r.cells[key(row, v)] = ce
			if ce.job, ce.err = l.prepare(row, sh, v); ce.err != nil {
				continue
			}
			if ce.err = l.verify(ce.job); ce.err != nil {
				logf("FAIL %v", ce.err)
				continue
			}
			minN, k := c.minCycles, c.straceK
			if isScale[v.Key] {
				minN, k = 2, 1
			}
			if ce.cycles, ce.per, ce.err = l.calibrate(ce.job, c.target, minN, c.maxCycles); ce.err != nil {
				continue
			}
			if r.strace == "" {
				var err error
				ce.procs, ce.execs, err = l.processes(ce.job, k)
				if ce.procsOK = err == nil; err != nil {
					logf("not counted: %v", err) // the verdict says so; the timing goes on
				}
			}
			logf("%5.0fs %-5s %-22s verified, %5d cycles per process, %g processes per cycle", time.Since(began).Seconds(), row.Name, v.Key, ce.cycles, ce.procs)
		}
	}

	timeAll := func(vs []variant, runs int) {
		for i := 0; i < runs; i++ {
			logf("%5.0fs run %d/%d: %s", time.Since(began).Seconds(), i+1, runs, vs[0].Case)
			for _, row := range r.rows {
				for _, v := range vs {
					ce := r.cells[key(row, v)]
					if ce.err != nil {
						continue
					}
					if i > 0 && ce.per*time.Duration(ce.cycles) > 4*c.target {
						continue // a process this slow is measured once: its start is noise already
					}
					wall, cpu, err := l.sample(ce.job, ce.cycles)
					if err != nil {
						ce.err = err
						continue
					}
					ce.samples = append(ce.samples, micros(wall))
					ce.cpu = append(ce.cpu, micros(cpu))
				}
				for _, v := range vs {
					ce, fl := r.cells[key(row, v)], r.cells[key(row, variant{Key: v.Floor})]
					// a ratio only from two samples of this very run
					if ce.err == nil && fl != nil && fl.err == nil && len(ce.samples) == i+1 && len(fl.samples) == i+1 {
						ce.ratios = append(ce.ratios, ce.samples[len(ce.samples)-1]/fl.samples[len(fl.samples)-1])
						ce.cpuRatios = append(ce.cpuRatios, ce.cpu[len(ce.cpu)-1]/fl.cpu[len(fl.cpu)-1])
					}
				}
			}
		}
	}
	if len(r.main) > 0 {
		timeAll(r.main, c.runs)
	}
	if len(r.scale) > 0 {
		timeAll(r.scale, c.scaleRuns)
	}

	if !c.noCLI {
		logf("%5.0fs whole-process timings", time.Since(began).Seconds())
		bin, err := buildGoshim(c.moduleRoot, dir)
		if err != nil {
			r.cli = []cliRow{{Name: "build", Err: err.Error()}}
		} else {
			r.cli = cliTimings(l, bin, c.cliRuns)
		}
		logf("%5.0fs parse → plan → render in process", time.Since(began).Seconds())
		r.pipeline = pipelines(l)
	}
	r.elapsed = time.Since(began)

	md := r.markdown()
	fmt.Print(md)
	if c.out != "" {
		path := c.out
		if !filepath.IsAbs(path) {
			path = filepath.Join(c.moduleRoot, path)
		}
		if err := writeDoc(path, md); err != nil {
			return err
		}
		logf("wrote %s", c.out)
	}
	for _, ce := range r.cells {
		if ce.err != nil {
			return errors.New("some cases failed: see the table")
		}
	}
	return nil
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func containsStr(xs []string, x string) bool {
	for _, y := range xs {
		if strings.TrimSpace(y) == x {
			return true
		}
	}
	return false
}

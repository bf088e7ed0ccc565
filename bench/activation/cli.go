package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/goshim/goshim/bench/benchpolicy"
	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/render"
	"github.com/goshim/goshim/shim/shell"
)

// cliRow is one whole-process timing: a command and what it is compared with.
type cliRow struct {
	Name  string
	Runs  int
	Stats stats // ms
	Over  stats // ms over `true`, per run pair
	Err   string
}

// buildGoshim compiles the CLI from the module at root, as a user runs it.
func buildGoshim(root, dir string) (string, error) {
	bin := filepath.Join(dir, "goshim")
	goTool := os.Getenv("GO")
	if goTool == "" {
		goTool = "go"
	}
	cmd := exec.Command(goTool, "build", "-o", bin, "./cmd/goshim")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building goshim: %v: %s", err, out)
	}
	return bin, nil
}

// cliTimings times whole processes: `true` (the cost of starting any
// process), `goshim generate` on the default and the 500-variable policy,
// and `goshim install` into a fresh prefix once that command exists. Each
// goshim run is paired with a `true` run right before it.
func cliTimings(l *lab, bin string, runs int) []cliRow {
	work := filepath.Join(l.dir, "cli")
	trueBin, err := exec.LookPath("true")
	if err != nil {
		return []cliRow{{Name: "`true`", Err: err.Error()}}
	}
	pol500 := filepath.Join(work, "goshim-500.toml")
	if err := writeFile(pol500, l.tomls["scale-500"]); err != nil {
		return []cliRow{{Name: "setup", Err: err.Error()}}
	}
	type spec struct {
		name  string
		setup func(i int) ([]string, error) // argv for run i
	}
	specs := []spec{
		{"`true` (process start)", func(int) ([]string, error) { return []string{trueBin}, nil }},
		{"`goshim generate` (default policy, all shells)", func(int) ([]string, error) {
			return []string{bin, "generate", "-o", filepath.Join(work, "out-default")}, nil
		}},
		{"`goshim generate` (500 variables, all shells)", func(int) ([]string, error) {
			return []string{bin, "generate", "--policy", pol500, "-o", filepath.Join(work, "out-500")}, nil
		}},
	}
	if exec.Command(bin, "install", "--help").Run() == nil {
		specs = append(specs, spec{"`goshim install -p PREFIX` (default policy, fresh prefix)", func(i int) ([]string, error) {
			prefix := filepath.Join(work, fmt.Sprintf("install-%d", i))
			if err := writeFile(filepath.Join(prefix, "conda-meta", "history"), ""); err != nil {
				return nil, err
			}
			return []string{bin, "install", "-p", prefix}, nil
		}}, spec{"`goshim install -p PREFIX` again (nothing to change)", func(i int) ([]string, error) {
			prefix := filepath.Join(work, "install-again")
			if err := writeFile(filepath.Join(prefix, "conda-meta", "history"), ""); err != nil {
				return nil, err
			}
			return []string{bin, "install", "-p", prefix}, nil
		}})
	}
	exe := func(argv []string) (time.Duration, error) {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = work
		cmd.Env = []string{"HOME=" + l.home, "PATH=/usr/bin:/bin"}
		var errb bytes.Buffer
		cmd.Stderr = &errb
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil {
			return 0, fmt.Errorf("%v: %s", err, bytes.TrimSpace(errb.Bytes()))
		}
		return d, nil
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return []cliRow{{Name: "setup", Err: err.Error()}}
	}
	var rows []cliRow
	for _, s := range specs {
		var xs, over []float64
		row := cliRow{Name: s.name}
		n := runs
		for i := -3; i < n && row.Err == ""; i++ { // 3 warm-up runs
			argv, err := s.setup(i + 3)
			if err != nil {
				row.Err = err.Error()
				break
			}
			tt, err := exe([]string{trueBin})
			if err != nil {
				row.Err = err.Error()
				break
			}
			d, err := exe(argv)
			if err != nil {
				row.Err = err.Error()
				break
			}
			if i >= 0 {
				xs = append(xs, ms(d))
				over = append(over, ms(d)-ms(tt))
			} else if budget := 3 * time.Second; d*time.Duration(n) > budget {
				n = max(5, int(budget/d)) // a slow command gets fewer runs, not minutes
			}
		}
		row.Stats, row.Over = summarize(xs), summarize(over)
		row.Runs = len(xs)
		rows = append(rows, row)
	}
	return rows
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// pipelineRow is parse → plan → render for every shell, in process.
type pipelineRow struct {
	Name        string
	NsPerOp     int64
	AllocsPerOp int64
	BytesPerOp  int64
	Err         string
}

// pipeline is what `goshim generate` computes before it writes: the same
// work as the Go benchmarks in shim/render (render_bench_test.go).
func pipeline(name string, toml []byte) error {
	pol, err := policy.Parse(name, toml)
	if err != nil {
		return err
	}
	p, err := plan.Build(pol, plan.Options{CondaVars: benchpolicy.CondaVars()})
	if err != nil {
		return err
	}
	_, err = render.All(p, shell.All())
	return err
}

func pipelines(l *lab) []pipelineRow {
	var rows []pipelineRow
	for _, c := range []struct{ name, key string }{
		{"default policy", "default"}, {"large policy (30 variables)", "large"}, {"500 variables", "scale-500"},
	} {
		toml := []byte(l.tomls[c.key])
		if err := pipeline(c.key, toml); err != nil {
			rows = append(rows, pipelineRow{Name: c.name, Err: err.Error()})
			continue
		}
		r := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := pipeline(c.key, toml); err != nil {
					b.Fatal(err)
				}
			}
		})
		rows = append(rows, pipelineRow{Name: c.name, NsPerOp: r.NsPerOp(), AllocsPerOp: r.AllocsPerOp(), BytesPerOp: r.AllocedBytesPerOp()})
	}
	return rows
}

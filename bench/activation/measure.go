package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// run starts the shell on script with n cycles and returns its wall time,
// from fork to exit as Go sees it. Any output on stderr is a failure: the
// hooks print only when they cannot find a Go, and then nothing here is valid.
func (l *lab) run(j *job, script string, n int) (time.Duration, []byte, error) {
	d, _, out, err := l.runCPU(j, script, n)
	return d, out, err
}

// runCPU is run that also returns the CPU time (user+system) of the shell
// and every process it waited for.
func (l *lab) runCPU(j *job, script string, n int) (wall, cpu time.Duration, out []byte, err error) {
	argv := append(append([]string{}, j.row.Argv...), script)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = l.env(j.v, n)
	cmd.Dir = l.dir
	var stdout, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &errb
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil || errb.Len() > 0 {
		return 0, 0, nil, fmt.Errorf("%s %s: %v: %s", j.row.Name, filepath.Base(script), err, strings.TrimSpace(errb.String()))
	}
	cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return wall, cpu, stdout.Bytes(), nil
}

// verify runs one cycle with the state dumped before, during and after, and
// fails unless the cycle did what the variant claims: goshim puts the
// system Go first while active and restores every variable exactly; the
// floor puts the same Go first and leaves PATH as it found it.
func (l *lab) verify(j *job) error {
	_, out, err := l.run(j, j.check, 1)
	if err != nil {
		return err
	}
	st := map[string]map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		label, rest, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(label, "@") {
			continue
		}
		k, v, _ := strings.Cut(rest, "=")
		if st[label[1:]] == nil {
			st[label[1:]] = map[string]string{}
		}
		st[label[1:]][k] = v
	}
	for _, at := range []string{"before", "active", "after"} {
		if len(st[at]) != len(j.dump) {
			return fmt.Errorf("%s %s: the check printed %d of %d variables %s:\n%s", j.row.Name, j.v.Key, len(st[at]), len(j.dump), at, out)
		}
	}
	before, active, after := st["before"], st["active"], st["after"]
	if before["PATH"] != "s"+l.basePath(j.v) {
		return fmt.Errorf("%s %s: PATH before activation is %q, want the base PATH", j.row.Name, j.v.Key, before["PATH"])
	}
	want := "s" + filepath.Join(l.goroot, "bin") + ":"
	if j.v.Kind != kindEmpty && !strings.HasPrefix(active["PATH"], want) {
		return fmt.Errorf("%s %s: PATH while active is %q, want the system Go's bin first", j.row.Name, j.v.Key, active["PATH"])
	}
	if after["PATH"] != before["PATH"] {
		return fmt.Errorf("%s %s: PATH after deactivation is %q, want %q", j.row.Name, j.v.Key, after["PATH"], before["PATH"])
	}
	if j.v.Kind == kindGoshim {
		for _, k := range j.dump {
			if after[k] != before[k] {
				return fmt.Errorf("%s %s: %s is %q after deactivation, was %q", j.row.Name, j.v.Key, k, after[k], before[k])
			}
		}
	}
	return nil
}

// calibrate picks the number of cycles that makes one timed process run
// for about target, so process start is a small part of what is measured.
// It estimates from one cycle first, so a slow shell is not probed long.
func (l *lab) calibrate(j *job, target time.Duration, minN, maxN int) (n int, per time.Duration, err error) {
	var t0, t1 time.Duration
	for i := 0; i < 2; i++ { // the first run warms the page cache
		if t0, _, err = l.run(j, j.driver, 0); err != nil {
			return 0, 0, err
		}
		if t1, _, err = l.run(j, j.driver, 1); err != nil {
			return 0, 0, err
		}
	}
	per = t1 - t0
	if probe := 20; per < target/time.Duration(probe) {
		tn, _, err := l.run(j, j.driver, probe)
		if err != nil {
			return 0, 0, err
		}
		per = (tn - t0) / time.Duration(probe)
	}
	if per < time.Microsecond {
		per = time.Microsecond
	}
	return max(minN, min(int(target/per), maxN)), per, nil
}

// sample is one run of a job: wall time of the process with N cycles minus
// with 0 cycles (same script, same parse, same start), divided by N.
// The CPU time is measured the same way: on a busy machine wall time
// grows with waiting for a CPU, CPU time much less.
func (l *lab) sample(j *job, n int) (wall, cpu time.Duration, err error) {
	w0, c0, _, err := l.runCPU(j, j.driver, 0)
	if err != nil {
		return 0, 0, err
	}
	wn, cn, _, err := l.runCPU(j, j.driver, n)
	if err != nil {
		return 0, 0, err
	}
	return (wn - w0) / time.Duration(n), (cn - c0) / time.Duration(n), nil
}

var startRe = regexp.MustCompile(`\b(clone3?|fork|vfork)\(`)

// processes counts, with strace, the processes (not threads) the shell
// starts in k cycles beyond what it starts with 0 cycles, per cycle.
func (l *lab) processes(j *job, k int) (float64, string, error) {
	count := func(n int) (int, string, error) {
		log := filepath.Join(l.dir, "strace", fmt.Sprintf("%s-%s-%d.log", j.row.Name, j.v.Key, n))
		if err := os.MkdirAll(filepath.Dir(log), 0o755); err != nil {
			return 0, "", err
		}
		args := append([]string{"-f", "-qq", "-o", log, "-e", "trace=execve,clone,clone3,fork,vfork"}, j.row.Argv...)
		cmd := exec.Command("strace", append(args, j.driver)...)
		cmd.Env = l.env(j.v, n)
		cmd.Dir = l.dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, "", fmt.Errorf("strace %s %s: %v: %s", j.row.Name, j.v.Key, err, out)
		}
		data, err := os.ReadFile(log)
		if err != nil {
			return 0, "", err
		}
		c := 0
		var started []string
		for _, line := range strings.Split(string(data), "\n") {
			if startRe.MatchString(line) && !strings.Contains(line, "CLONE_THREAD") {
				c++
			}
			if strings.Contains(line, "execve(") {
				started = append(started, line)
			}
		}
		return c, strings.Join(started, "\n"), nil
	}
	c0, _, err := count(0)
	if err != nil {
		return 0, "", err
	}
	ck, execs, err := count(k)
	if err != nil {
		return 0, "", err
	}
	return float64(ck-c0) / float64(k), execs, nil
}

// stats summarises samples: the median and the range.
type stats struct {
	Median, Min, Max float64
	N                int
}

func summarize(xs []float64) stats {
	if len(xs) == 0 {
		return stats{}
	}
	s := append([]float64{}, xs...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{Median: m, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

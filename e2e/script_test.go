package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// script is one scenario as one script for one shell and one activator.
type script struct {
	sh     *shellOK
	act    *activator
	l      lang
	b      strings.Builder
	labels map[string]bool
	keys   map[string]bool
}

func newScript(sh *shellOK, act *activator) *script {
	s := &script{sh: sh, act: act, l: sh.lang, labels: map[string]bool{}, keys: map[string]bool{}}
	if p := s.l.prelude(); p != "" {
		s.line(p)
	}
	return s
}

func (s *script) line(code string) { s.b.WriteString(code + "\n") }

// hook installs the activator's shell function.
func (s *script) hook() { s.line(s.l.evalHook(s.act.hook(s.sh)...)) }

func (s *script) export(name, value string) { s.line(s.l.export(name, value)) }
func (s *script) unset(name string)         { s.line(s.l.unset(name)) }

// vars sets up variables: nil values are unset.
func (s *script) vars(vs map[string]*string) {
	names := make([]string, 0, len(vs))
	for n := range vs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if vs[n] == nil {
			s.unset(n)
		} else {
			s.export(n, *vs[n])
		}
	}
}

func (s *script) activate(e *testEnv)   { s.line(s.l.call(s.act.activate(e.prefix)...)) }
func (s *script) stack(e *testEnv)      { s.line(s.l.call(s.act.stack(e.prefix)...)) }
func (s *script) deactivate()           { s.line(s.l.call(s.act.deactivate()...)) }
func (s *script) reactivate(e *testEnv) { s.line(s.l.call(s.act.reactivate(s.sh, e.prefix)...)) }
func (s *script) prependPath(d string)  { s.line(s.l.prependPath(d)) }
func (s *script) appendPath(d string)   { s.line(s.l.appendPath(d)) }

// cp is a checkpoint with a label unique in the scenario.
func (s *script) cp(label string) {
	if s.labels[label] {
		panic("checkpoint label used twice: " + label)
	}
	s.labels[label] = true
	s.line(s.l.checkpoint(label))
}

func (s *script) which(key, name string) { s.useKey(key); s.line(s.l.which(key, name)) }
func (s *script) capture(key string, argv ...string) {
	s.useKey(key)
	s.line(s.l.capture(key, argv...))
}

func (s *script) useKey(key string) {
	if s.keys[key] {
		panic("output key used twice: " + key)
	}
	s.keys[key] = true
}

// result is what one run left behind.
type result struct {
	t      *testing.T
	dir    string // the run's folder, also its working directory
	home   string
	cps    []checkpoint
	out    string // the shell's stdout and stderr
	script string
	sh     *shellOK
	act    *activator
}

type checkpoint struct {
	seq   int
	label string
	env   map[string]string
}

// env is a variable's value at a checkpoint, nil when unset.
func (c checkpoint) get(name string) *string {
	if v, ok := c.env[name]; ok {
		return &v
	}
	return nil
}

// runScript writes the script, runs it in the shell with the row's strict
// options, and reads back the checkpoints. The script must end (the shell
// exits 0 and the last line ran), else the test fails with the shell's
// output and the last checkpoint reached.
func runScript(t *testing.T, s *script, dir, home string, extra map[string]string) *result {
	t.Helper()
	cpdir := filepath.Join(dir, "cp")
	for _, d := range []string{cpdir, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s.line(s.l.done())
	file := filepath.Join(dir, "scenario"+s.l.ext())
	if err := os.WriteFile(file, []byte(s.b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"HOME":                home,
		"GOSHIM_E2E_ENVDUMP":  h.envdump,
		"GOSHIM_E2E_CPDIR":    cpdir,
		"GOSHIM_E2E_SCENARIO": t.Name(),
	}
	for k, v := range s.act.extraEnv(dir) {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	args := append(append([]string{}, s.sh.run...), file)
	out, err := command(3*time.Minute, dir, shellEnv(env), s.sh.bin, args...)
	r := &result{t: t, dir: dir, home: home, out: out, script: s.b.String(), sh: s.sh, act: s.act}
	r.cps, _ = readCheckpoints(cpdir)
	if o, ok := s.l.(interface{ owned(string) bool }); ok {
		for _, c := range r.cps {
			for k := range c.env {
				if o.owned(k) {
					delete(c.env, k)
				}
			}
		}
	}
	if _, derr := os.Stat(filepath.Join(cpdir, "done")); err != nil || derr != nil {
		last := "none"
		if len(r.cps) > 0 {
			last = r.cps[len(r.cps)-1].label
		}
		t.Fatalf("%s under %s did not run to the end (exit: %v; last checkpoint: %s)\n--- output:\n%s\n--- script %s:\n%s",
			s.sh.name, s.act.name, err, last, out, file, numbered(s.b.String()))
	}
	return r
}

func numbered(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = fmt.Sprintf("%4d  %s", i+1, lines[i])
	}
	return strings.Join(lines, "\n")
}

func readCheckpoints(dir string) ([]checkpoint, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.env"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []checkpoint
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		fields := bytes.Split(data, []byte{0})
		seq, _ := strconv.Atoi(strings.TrimSuffix(filepath.Base(f), ".env"))
		c := checkpoint{seq: seq, label: string(fields[0]), env: map[string]string{}}
		for _, kv := range fields[1:] {
			if len(kv) == 0 {
				continue
			}
			k, v, _ := strings.Cut(string(kv), "=")
			if runtime.GOOS == "windows" {
				k = strings.ToUpper(k) // names are case-insensitive there: Path is PATH
			}
			c.env[k] = v
		}
		out = append(out, c)
	}
	return out, nil
}

// at is the scenario checkpoint with this label.
func (r *result) at(label string) checkpoint {
	r.t.Helper()
	for _, c := range r.cps {
		if c.label == label {
			return c
		}
	}
	r.t.Fatalf("no checkpoint %q; have %s", label, r.labels())
	return checkpoint{}
}

// hook is the first checkpoint with this (hook) label after the scenario
// checkpoint after.
func (r *result) hook(after, label string) checkpoint {
	r.t.Helper()
	start := r.at(after).seq
	for _, c := range r.cps {
		if c.seq > start && c.label == label {
			return c
		}
	}
	r.t.Fatalf("no checkpoint %q after %q; have %s", label, after, r.labels())
	return checkpoint{}
}

// between lists the labels of the checkpoints between two scenario checkpoints.
func (r *result) between(from, to string) []string {
	r.t.Helper()
	a, b := r.at(from).seq, r.at(to).seq
	var out []string
	for _, c := range r.cps {
		if c.seq > a && c.seq < b {
			out = append(out, c.label)
		}
	}
	return out
}

func (r *result) labels() string {
	var l []string
	for _, c := range r.cps {
		l = append(l, c.label)
	}
	return strings.Join(l, ", ")
}

// output is what a which or capture step wrote, and its exit status (-1 if none).
func (r *result) output(key string) (string, int) {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(r.dir, "cp", "out-"+key))
	if err != nil {
		r.t.Fatalf("no output %q: %v", key, err)
	}
	rc := -1
	if b, err := os.ReadFile(filepath.Join(r.dir, "cp", "rc-"+key)); err == nil {
		rc, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	return strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), rc
}

var shellVarLine = regexp.MustCompile(`(?m)^(_goshim_[A-Za-z0-9_]*)`)

// leakedTemporaries lists the _goshim_* shell variables (exported or not)
// alive at a scenario checkpoint: hooks must unset their temporaries.
func (r *result) leakedTemporaries(label string) []string {
	data, err := os.ReadFile(filepath.Join(r.dir, "cp", "vars-"+label))
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range shellVarLine.FindAllStringSubmatch(string(data), -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// fail reports a failed assertion with where to look.
func (r *result) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Errorf("%s under %s: %s", r.sh.name, r.act.name, fmt.Sprintf(format, args...))
}

// dumpOnFailure prints the script and output once when the test failed.
func (r *result) dumpOnFailure() {
	if r.t.Failed() {
		r.t.Logf("--- shell output:\n%s\n--- script (%s):\n%s", r.out, r.dir, numbered(r.script))
	}
}

// benignOutput is what activators print on their own while activating.
var benignOutput = []*regexp.Regexp{
	regexp.MustCompile(`^WARNING: overwriting environment variables set in the machine$`),
	regexp.MustCompile(`^overwriting variable \[.*\]$`),
	regexp.MustCompile(`^(warning +libmamba )?(WARNING: )?[Oo]verwriting variables?:? `),
	regexp.MustCompile(`^Did not find path entry `),
}

// assertQuiet fails on any other output: hooks must not print (an error
// in a sourced fish or csh file only shows here), and goshim prints only
// when it finds no system Go.
func (r *result) assertQuiet() {
	r.t.Helper()
	var bad []string
	for _, l := range strings.Split(strings.ReplaceAll(r.out, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ok := false
		for _, re := range benignOutput {
			ok = ok || re.MatchString(l)
		}
		if !ok {
			bad = append(bad, l)
		}
	}
	if len(bad) == 0 {
		return
	}
	if r.act.real {
		r.t.Logf("%s under %s printed:\n  %s", r.sh.name, r.act.name, strings.Join(bad, "\n  "))
		return
	}
	r.fail("unexpected output:\n  %s", strings.Join(bad, "\n  "))
}

package render

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
)

// TestCshStartsNoProcess is TestSHStartsNoProcess for the .csh hooks in
// tcsh: a full save+apply+restore cycle starts no process, but for the one
// the design allows, `readlink -f` on a symlinked go (tcsh has no builtin
// that resolves a link).
//
// tcsh forks by itself at startup (a child that looks up REMOTEHOST), so
// only the processes started between two markers are counted: `cd` (a builtin, seen by strace as chdir) into a
// "begin" folder before the first hook and into an "end" folder after the last.
func TestCshStartsNoProcess(t *testing.T) {
	needSystemGo(t)
	needCsh(t, "tcsh")
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not found (Debian package strace): cannot count processes")
	}
	if out, err := exec.Command("strace", "-f", "-qq", "-e", "trace=execve", "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here: %v %s", err, out)
	}
	p, err := plan.Build(policy.Builtin(), plan.Options{ID: "count", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local"}}})
	if err != nil {
		t.Fatal(err)
	}
	prefix := cshPrefix(t, p)
	linkDir := filepath.Join(t.TempDir(), "bin")
	if err := os.MkdirAll(linkDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(systemGo+"/bin/go", filepath.Join(linkDir, "go")); err != nil {
		t.Fatal(err)
	}
	// a go on PATH outside the prefix that is only a link into a conda prefix
	condaLinkDir := filepath.Join(t.TempDir(), "bin")
	if err := os.MkdirAll(condaLinkDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(prefix, "go/bin/go"), filepath.Join(condaLinkDir, "go")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string // PATH after conda put the prefix first
		want int
	}{
		{"system go on PATH", prefix + "/bin:/usr/bin:/bin:" + systemGo + "/bin", 0},
		{"system go in a well-known place", prefix + "/bin:/usr/bin:/bin", 0},
		{"symlinked system go", prefix + "/bin:" + linkDir + ":/usr/bin:/bin", 1},
		{"link into a conda prefix is skipped", prefix + "/bin:" + condaLinkDir + ":/usr/bin:/bin", 1},
	}
	sh := cshShells[0] // tcsh -f -e
	clone := regexp.MustCompile(`\b(clone|clone3|fork|vfork)\(`)
	execve := regexp.MustCompile(`\bexecve\("([^"]*)".*\) = 0`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			begin, end := filepath.Join(dir, "begin"), filepath.Join(dir, "end")
			for _, d := range []string{begin, end} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(dir, "toolchain")
			var src strings.Builder
			src.WriteString("setenv CONDA_PREFIX " + cshq(prefix) + "\nsetenv CONDA_SHLVL 1\nsetenv PATH " + cshq(tc.path) + "\n")
			src.WriteString("cd " + cshq(begin) + "\n")
			for _, f := range []string{"activate.d/+goshim-count-save.csh", "activate.d/~goshim-count.csh", "deactivate.d/+goshim-count.csh"} {
				src.WriteString("source " + cshq(filepath.Join(prefix, "etc/conda", f)) + "\n")
				if strings.Contains(f, "~") {
					// echo and its redirection: a builtin, no process
					src.WriteString("echo -n ${_GOSHIM_COUNT__T_PATH:q} > " + cshq(out) + "\n")
				}
			}
			src.WriteString("cd " + cshq(end) + "\n")
			script := filepath.Join(dir, "cycle.csh")
			if err := os.WriteFile(script, []byte(src.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(dir, "strace.log")
			args := append([]string{"-f", "-qq", "-o", log, "-e", "trace=execve,clone,clone3,fork,vfork,chdir"}, sh.argv...)
			cmd := exec.Command("strace", append(args, script)...)
			cmd.Env = []string{"HOME=/home/goshim-user", "PATH=/usr/bin:/bin"}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			data, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(out); string(got) != systemGo+"/bin" {
				t.Errorf("toolchain entry %q, want %s/bin", got, systemGo)
			}
			trace := string(data)
			from := strings.Index(trace, "chdir("+`"`+begin+`"`)
			to := strings.Index(trace, "chdir("+`"`+end+`"`)
			if from < 0 || to < from {
				t.Fatalf("markers chdir(%q) and chdir(%q) not found in order in the trace:\n%s", begin, end, trace)
			}
			hooks := trace[from:to]
			if started := len(clone.FindAllString(hooks, -1)); started != tc.want {
				t.Errorf("tcsh started %d processes in one cycle, want %d:\n%s", started, tc.want, hooks)
			}
			// and the one allowed runs readlink, nothing else
			for _, m := range execve.FindAllStringSubmatch(hooks, -1) {
				if filepath.Base(m[1]) != "readlink" {
					t.Errorf("the hooks ran %s; only readlink is allowed:\n%s", m[1], hooks)
				}
			}
		})
	}
}

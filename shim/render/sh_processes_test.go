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

// TestSHStartsNoProcess counts, with strace, the processes a full
// activate+deactivate cycle starts: hooks run on every activation, so they
// use builtins only. The one exception the design allows: resolving a
// symlinked system go in bash or dash, which have no builtin for it.
func TestSHStartsNoProcess(t *testing.T) {
	needSystemGo(t)
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
	prefix := fakePrefix(t, p)
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
		name    string
		path    string // PATH after conda put the prefix first
		allowed map[string]int
	}{
		{"system go on PATH", prefix + "/bin:/usr/bin:/bin:" + systemGo + "/bin", map[string]int{}},
		{"system go in a well-known place", prefix + "/bin:/usr/bin:/bin", map[string]int{}},
		{"symlinked system go", prefix + "/bin:" + linkDir + ":/usr/bin:/bin", map[string]int{"bash": 1, "dash": 1}},
		{"link into a conda prefix is skipped", prefix + "/bin:" + condaLinkDir + ":/usr/bin:/bin", map[string]int{"bash": 1, "dash": 1}},
	}
	clone := regexp.MustCompile(`\b(clone|clone3|fork|vfork)\(`)
	for _, sh := range strictShells {
		t.Run(sh.name, func(t *testing.T) {
			need(t, sh.name)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					var src strings.Builder
					src.WriteString("export CONDA_PREFIX=" + shq(prefix) + " CONDA_SHLVL=1 PATH=" + shq(tc.path) + "\n")
					out := filepath.Join(t.TempDir(), "toolchain")
					for _, f := range []string{"activate.d/+goshim-count-save.sh", "activate.d/~goshim-count.sh", "deactivate.d/+goshim-count.sh"} {
						src.WriteString(". " + shq(filepath.Join(prefix, "etc/conda", f)) + "\n")
						if strings.Contains(f, "~") {
							// printf and redirection are builtins: no process
							src.WriteString(`printf '%s' "$_GOSHIM_COUNT__T_PATH" > ` + shq(out) + "\n")
						}
					}
					script := filepath.Join(t.TempDir(), "cycle.sh")
					if err := os.WriteFile(script, []byte(src.String()), 0o644); err != nil {
						t.Fatal(err)
					}
					log := filepath.Join(t.TempDir(), "strace.log")
					args := append([]string{"-f", "-qq", "-o", log, "-e", "trace=execve,clone,clone3,fork,vfork"}, sh.argv...)
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
					started := len(clone.FindAllString(string(data), -1))
					if want := tc.allowed[sh.name]; started != want {
						t.Errorf("%s started %d processes in one cycle, want %d:\n%s", sh.name, started, want, data)
					}
				})
			}
		})
	}
}

package render

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
)

// TestCshNoclobber: many tcshrc files set noclobber, under which `>&` to an
// existing file (/dev/stderr) fails with "File exists" and -e ends the
// shell. The hooks' messages must still reach stderr and the hooks finish.
// The message checked is the one for a [go] root without bin/go (tcsh), and
// the one-line notice in BSD csh.
func TestCshNoclobber(t *testing.T) {
	pol, err := policy.Parse("goshim.toml", []byte("[go]\ntoolchain = \"path\"\nroot = \"/nonexistent/go\"\n[env]\nGOFLAGS = { keep = true }\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(pol, plan.Options{ID: "clobber"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ shell, want string }{
		{"tcsh", "goshim: [go] root holds no bin/go"},
		{"csh", "goshim: these hooks need tcsh"},
	} {
		t.Run(c.shell, func(t *testing.T) {
			needCsh(t, c.shell)
			prefix := cshPrefix(t, p)
			var b strings.Builder
			b.WriteString("set noclobber\n")
			b.WriteString("setenv CONDA_PREFIX " + cshq(prefix) + "\nsetenv CONDA_SHLVL 1\n")
			for _, s := range condaOrder(t, filepath.Join(prefix, "etc/conda/activate.d"), ".csh", false) {
				b.WriteString("source " + cshq(s) + "\n")
			}
			b.WriteString("echo finished\n")
			cmd := exec.Command(c.shell, "-f", "-e", "-c", b.String())
			cmd.Env = []string{"HOME=/home/goshim-user", "PATH=/usr/bin:/bin"}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil || !strings.Contains(stdout.String(), "finished") {
				t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", c.shell, err, stdout.String(), stderr.String())
			}
			if !strings.HasPrefix(stderr.String(), c.want) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", stderr.String(), c.want)
			}
		})
	}
}

package render

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
)

// TestSHUserShellOptions sources the hooks under shell options a user may
// have on that change how the hooks' own code behaves, and checks the
// toolchain search still finds the system Go with no go on PATH and no
// ~/sdk (the glob ~/sdk/go* matches nothing), and that the option is still
// set afterwards.
func TestSHUserShellOptions(t *testing.T) {
	needSystemGo(t)
	p, err := plan.Build(policy.Builtin(), plan.Options{ID: "hijack"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		shell, set, check string
	}{
		// failglob: an unmatched glob is an error that aborts the command
		{"bash", "shopt -s failglob", "shopt -q failglob"},
		// nullglob already on in zsh must stay on
		{"zsh", "setopt nullglob", "[[ -o nullglob ]]"},
		{"zsh", "setopt no_nomatch", "[[ ! -o nomatch ]]"},
	}
	for _, c := range cases {
		t.Run(c.shell+"/"+c.set, func(t *testing.T) {
			need(t, c.shell)
			prefix := fakePrefix(t, p)
			home := t.TempDir() // no sdk/ in it
			var b strings.Builder
			b.WriteString("set -eu\n" + c.set + "\n")
			b.WriteString("export PATH=" + shq(prefix+"/bin") + ":/usr/bin:/bin CONDA_PREFIX=" + shq(prefix) + " CONDA_SHLVL=1 HOME=" + shq(home) + "\n")
			for _, s := range scripts(t, filepath.Join(prefix, "etc/conda/activate.d"), false) {
				b.WriteString(". " + shq(s) + "\n")
			}
			b.WriteString(`printf 'PATH=%s\n' "$PATH"` + "\n")
			b.WriteString(c.check + " && echo option-kept\n")
			out, err := exec.Command(c.shell, "-c", b.String()).CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", c.shell, err, out)
			}
			want := "PATH=" + filepath.Join(systemGo, "bin") + ":"
			if !strings.Contains(string(out), want) {
				t.Errorf("the system Go's bin is not first on PATH (want a line starting %q):\n%s", want, out)
			}
			if !strings.Contains(string(out), "option-kept") {
				t.Errorf("%q no longer holds after activation:\n%s", c.check, out)
			}
		})
	}
}

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

// TestSHNocasematch: under bash's nocasematch a case pattern ignores case
// but ${v#pattern} does not, so a list entry /Opt/X next to the user's
// /opt/x was once "found" after the user took /Opt/X out, and re-running the
// apply hook (conda reactivates) doubled the list. Expected values by hand.
func TestSHNocasematch(t *testing.T) {
	need(t, "bash")
	pol, err := policy.Parse("goshim.toml", []byte("[go]\ntoolchain = \"conda\"\n[env]\nL = { prepend = [\"/Opt/X\"] }\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(pol, plan.Options{ID: "nocase"})
	if err != nil {
		t.Fatal(err)
	}
	prefix := fakePrefix(t, p)
	act := scripts(t, filepath.Join(prefix, "etc/conda/activate.d"), false)
	deact := scripts(t, filepath.Join(prefix, "etc/conda/deactivate.d"), true)
	var b strings.Builder
	b.WriteString("set -eu\nshopt -s nocasematch\nexport CONDA_PREFIX=" + shq(prefix) + " L=/a:/opt/x:/b\n")
	for _, s := range act {
		b.WriteString(". " + shq(s) + "\n")
	}
	b.WriteString(`printf 'active=%s\n' "$L"` + "\n")
	b.WriteString("L=/a:/opt/x:/b\n")                 // the user takes /Opt/X out
	b.WriteString(". " + shq(act[len(act)-1]) + "\n") // and conda reactivates
	b.WriteString(`printf 'again=%s\n' "$L"` + "\n")
	for _, s := range deact {
		b.WriteString(". " + shq(s) + "\n")
	}
	b.WriteString(`printf 'after=%s\n' "$L"` + "\n")
	b.WriteString("shopt -q nocasematch && echo option-kept\n")
	out, err := exec.Command("bash", "--norc", "--noprofile", "-c", b.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	want := "active=/Opt/X:/a:/opt/x:/b\nagain=/Opt/X:/a:/opt/x:/b\nafter=/a:/opt/x:/b\noption-kept\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// TestSHOddCondaShlvl: conda writes CONDA_SHLVL as 1, 2, ...; a value such as
// 08 is not a number to $((...)) in bash or dash and ended the hook under
// set -e. Anything odd reads as level 0: with no __CONDA_SHLVL_0_ backup,
// the original of a variable conda exports is "unset".
func TestSHOddCondaShlvl(t *testing.T) {
	p, err := plan.Build(policy.Builtin(), plan.Options{ID: "lvl", CondaVars: []plan.CondaVar{{Name: "GOFLAGS", Value: "-v", Source: "environment.yml"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range strictShells {
		for _, lvl := range []string{"08", "010", "123456789012345678901", "1x"} {
			t.Run(sh.name+"/"+lvl, func(t *testing.T) {
				need(t, sh.name)
				prefix := fakePrefix(t, p)
				save := scripts(t, filepath.Join(prefix, "etc/conda/activate.d"), false)[0]
				script := "export CONDA_SHLVL=" + lvl + " GOFLAGS=-v\n. " + shq(save) + "\n" +
					`printf 'O=%s\n' "$_GOSHIM_LVL__O_GOFLAGS"` + "\n"
				out, err := exec.Command(sh.argv[0], append(sh.argv[1:], "-c", script)...).CombinedOutput()
				if err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				if string(out) != "O=u\n" {
					t.Errorf("got %q, want the original read as unset (level 0, no backup)", out)
				}
			})
		}
	}
}

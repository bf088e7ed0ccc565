package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/expr"
)

// hostile are values a copied policy might hold; every shell test uses them.
var hostile = []string{
	"", "plain", "with space", "  lead and trail  ",
	"'", "''", "it's", `"`, `\`, `a\`, `\'`, "`", "`id`", "$(touch canary)", "${HOME}", "$HOME", "$$", "$",
	";", "a;b", "&", "|", "a|b", "&&", "||", ">", "<", "2>&1",
	"\n", "a\nb", "\r\n", "\t", "trailing\n\n", "%PATH%", "%", "!", "!!", "!$", "*", "?", "[a]", "{a,b}", "~", "~/x", "#",
	"‘’‚‛", "“”„", "héllo wörld", "日本語", "emoji 🐹", "\u2028", "\x7f", "\x01",
	"-n", "-e", "--", "=", "a=b",
}

func TestPosixQuoteExact(t *testing.T) {
	// Checked by hand against POSIX 2.2.2/2.2.3: single quotes keep every byte literal.
	tests := map[string]string{
		"":       "''",
		"plain":  "'plain'",
		"it's":   `'it'\''s'`,
		"''":     `''\'''\'''`,
		"$(x)`y": "'$(x)`y'",
		"a\nb":   "'a\nb'",
		`a\`:     `'a\'`,
	}
	for in, want := range tests {
		got, err := posix{}.Quote(in)
		if err != nil || got != want {
			t.Errorf("Quote(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := (posix{}).Quote("a\x00b"); err == nil {
		t.Error("Quote accepted NUL")
	}
}

func TestPosixExpandExact(t *testing.T) {
	tests := map[string]string{
		"":                   "''",
		"${HOME}/.cache":     `"${HOME-}"'/.cache'`,
		"~/go/bin":           `"${HOME-}"'/go/bin'`,
		"-I${CONDA_PREFIX}x": `'-I'"${CONDA_PREFIX-}"'x'`,
		"$$5":                `'$5'`,
	}
	for in, want := range tests {
		got, err := posix{}.Expand(expr.MustParse(in))
		if err != nil || got != want {
			t.Errorf("Expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// posixShells are the shells that source .sh hooks, with strict options.
var posixShells = [][]string{
	{"bash", "--noprofile", "--norc", "-euo", "pipefail", "-c"},
	{"dash", "-eu", "-c"},
	{"zsh", "-f", "-o", "err_exit", "-o", "no_unset", "-c"},
}

func requireShell(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if strings.Contains(","+os.Getenv("GOSHIM_E2E_REQUIRE")+",", ","+name+",") {
			t.Fatalf("%s is required (GOSHIM_E2E_REQUIRE) but not found", name)
		}
		t.Skipf("%s not found: install it to run this round trip", name)
	}
	return p
}

// roundTrip runs `printf %s WORD` in a real shell and returns what it printed.
func roundTrip(t testing.TB, argv []string, word, dir string, env ...string) string {
	t.Helper()
	cmd := exec.Command(argv[0], append(argv[1:], "printf '%s' "+word)...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=/home/goshim-test"}, env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v (word %q)", argv[0], err, word)
	}
	return string(out)
}

func TestPosixQuoteRoundTrip(t *testing.T) {
	for _, argv := range posixShells {
		t.Run(argv[0], func(t *testing.T) {
			requireShell(t, argv[0])
			dir := t.TempDir()
			for _, s := range hostile {
				q, err := posix{}.Quote(s)
				if err != nil {
					t.Fatal(err)
				}
				if got := roundTrip(t, argv, q, dir); got != s {
					t.Errorf("%q came back as %q", s, got)
				}
			}
			assertNoCanary(t, dir)
		})
	}
}

func TestPosixExpandRoundTrip(t *testing.T) {
	for _, argv := range posixShells {
		t.Run(argv[0], func(t *testing.T) {
			requireShell(t, argv[0])
			dir := t.TempDir()
			for _, s := range hostile {
				// the hostile text both as a literal piece and as a variable's value
				v := expr.Value{Segs: []expr.Segment{{Kind: expr.Literal, Text: s + "|"}, {Kind: expr.Var, Text: "GOSHIM_T"}, {Kind: expr.Var, Text: "GOSHIM_UNSET"}}}
				if s == "" {
					v.Segs[0].Text = "|"
				}
				w, err := posix{}.Expand(v)
				if err != nil {
					t.Fatal(err)
				}
				if got := roundTrip(t, argv, w, dir, "GOSHIM_T="+s); got != s+"|"+s {
					t.Errorf("%q came back as %q", s+"|"+s, got)
				}
			}
			home := expr.MustParse("~/x")
			w, _ := posix{}.Expand(home)
			if got := roundTrip(t, argv, w, dir); got != "/home/goshim-test/x" {
				t.Errorf("~/x expanded to %q", got)
			}
			assertNoCanary(t, dir)
		})
	}
}

func FuzzPosixQuoteRoundTrip(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := posix{}.Quote(s)
		if strings.IndexByte(s, 0) >= 0 {
			if err == nil {
				t.Fatal("NUL accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		requireShell(t, "dash")
		dir := t.TempDir()
		if got := roundTrip(t, posixShells[1], q, dir); got != s {
			t.Fatalf("%q came back as %q", s, got)
		}
		assertNoCanary(t, dir)
	})
}

func assertNoCanary(t testing.TB, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "canary")); err == nil {
		t.Fatal("a quoted value executed a command: canary file exists")
	}
}

func TestLookup(t *testing.T) {
	for _, name := range []string{"sh", "bash", "/bin/zsh", "-zsh", "DASH", "/usr/local/bin/bash"} {
		s, err := Lookup(name)
		if err != nil || s.Name() != "sh" {
			t.Errorf("Lookup(%q) = %v, %v", name, s, err)
		}
	}
	if _, err := Lookup("nushell"); err == nil || !strings.Contains(err.Error(), "use one of") {
		t.Errorf("Lookup(nushell) error = %v", err)
	}
}

package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goshim/goshim/shim/expr"
)

func TestCshQuoteExact(t *testing.T) {
	// Checked by hand against tcsh(1) and bsd-csh, and by the round trips below.
	tests := map[string]string{
		"":                 "''",
		"plain":            "'plain'",
		"it's":             `'it'\''s'`,
		"!":                `'\!'`,
		"a!!b":             `'a\!\!b'`,
		`\!`:               `'\\!'`,
		"a\nb":             "'a\\\nb'",
		"$(x)`y`$HOME":     "'$(x)`y`$HOME'",
		`a\`:               `'a\'`,
		`"`:                `'"'`,
		"^a^b":             "'^a^b'",
		"日本":               "'日本'",
		"%PATH% ; & | * ~": "'%PATH% ; & | * ~'",
	}
	for in, want := range tests {
		got, err := csh{}.Quote(in)
		if err != nil || got != want {
			t.Errorf("Quote(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := (csh{}).Quote("a\x00b"); err == nil {
		t.Error("Quote accepted NUL")
	}
	if _, err := (csh{}).Quote(strings.Repeat("x", 9000)); err == nil || !strings.Contains(err.Error(), "csh") {
		t.Errorf("Quote accepted a word over csh's limit: %v", err)
	}
	if _, err := (csh{}).Quote(TemplateError + "GOFLAGS: bad sep"); err == nil || err.Error() != "GOFLAGS: bad sep" {
		t.Errorf("template error came back as %v", err)
	}
}

func TestCshExpandExact(t *testing.T) {
	tests := map[string]string{
		"":                   "''",
		"${HOME}/.cache":     `${_goshim_r_HOME:q}'/.cache'`,
		"~/go/bin":           `${_goshim_r_HOME:q}'/go/bin'`,
		"-I${CONDA_PREFIX}x": `'-I'${_goshim_r_CONDA_PREFIX:q}'x'`,
		"$$5!":               `'$5\!'`,
	}
	for in, want := range tests {
		got, err := csh{}.Expand(expr.MustParse(in))
		if err != nil || got != want {
			t.Errorf("Expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if err := (csh{}).CheckValue(expr.MustParse(strings.Repeat("ab", 4100))); err == nil {
		t.Error("CheckValue accepted a value over csh's word limit")
	}
}

// cshShells source a file the way conda does, with -e.
var cshArgv = [][]string{{"tcsh", "-f", "-e"}, {"csh", "-f", "-e"}}

// cshRoundTrip writes `setenv GOSHIM_OUT WORD` to a file, sources it in a real
// csh with `-f -e`, and returns GOSHIM_OUT from the environment of a child.
func cshRoundTrip(t testing.TB, argv []string, pre, word, dir string, env ...string) string {
	t.Helper()
	file := filepath.Join(dir, "hook.csh")
	out := filepath.Join(dir, "out")
	qout, _ := csh{}.Quote(out)
	body := pre + "setenv GOSHIM_OUT " + word + "\n/usr/bin/printenv GOSHIM_OUT > " + qout + "\n"
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(out)
	qf, _ := csh{}.Quote(file)
	cmd := exec.Command(argv[0], append(argv[1:], "-c", "source "+qf)...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=/home/goshim-test"}, env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v %s (word %q)", argv[0], err, b, word)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(got), "\n") // printenv adds one
}

var cshHostile = append(append([]string{}, hostile...), "!x", "a!b", `\!`, `\\!`, "\n^a^b", "a\\\nb", "x\\", "!$ !* !-1", strings.Repeat("ab/", 2000))

func TestCshQuoteRoundTrip(t *testing.T) {
	for _, argv := range cshArgv {
		t.Run(argv[0], func(t *testing.T) {
			requireShell(t, argv[0])
			dir := t.TempDir()
			for _, s := range cshHostile {
				q, err := csh{}.Quote(s)
				if err != nil {
					t.Fatal(err)
				}
				if got := cshRoundTrip(t, argv, "", q, dir); got != s {
					t.Errorf("%q came back as %q", s, got)
				}
			}
			assertNoCanary(t, dir)
		})
	}
}

// TestCshExpandRoundTrip loads the variables the way the template does
// before the line that uses the value (tcsh only: the hooks run only there).
func TestCshExpandRoundTrip(t *testing.T) {
	argv := cshArgv[0]
	requireShell(t, argv[0])
	dir := t.TempDir()
	load := func(names ...string) string {
		var b strings.Builder
		for _, n := range names {
			b.WriteString("if ( $?" + n + " ) then\n\tset " + CshRef(n) + " = ${" + n + ":q}\nelse\n\tset " + CshRef(n) + " = ''\nendif\n")
		}
		return b.String()
	}
	for _, s := range cshHostile {
		v := expr.Value{Segs: []expr.Segment{{Kind: expr.Literal, Text: s + "|"}, {Kind: expr.Var, Text: "GOSHIM_T"}, {Kind: expr.Var, Text: "GOSHIM_UNSET"}}}
		if s == "" {
			v.Segs[0].Text = "|"
		}
		w, err := csh{}.Expand(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := cshRoundTrip(t, argv, load("GOSHIM_T", "GOSHIM_UNSET"), w, dir, "GOSHIM_T="+s); got != s+"|"+s {
			t.Errorf("%q came back as %q", s+"|"+s, got)
		}
	}
	w, _ := csh{}.Expand(expr.MustParse("~/x"))
	if got := cshRoundTrip(t, argv, load("HOME"), w, dir); got != "/home/goshim-test/x" {
		t.Errorf("~/x expanded to %q", got)
	}
	assertNoCanary(t, dir)
}

func FuzzCshQuoteRoundTrip(f *testing.F) {
	for _, s := range cshHostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := csh{}.Quote(s)
		if strings.IndexByte(s, 0) >= 0 || len(s) > 2000 || !utf8.ValidString(s) {
			return // NUL: refused (TestCshQuoteExact); long: csh's word limit; policies are UTF-8
		}
		if err != nil {
			t.Fatal(err)
		}
		requireShell(t, "tcsh")
		dir := t.TempDir()
		if got := cshRoundTrip(t, cshArgv[0], "", q, dir); got != s {
			t.Fatalf("%q came back as %q", s, got)
		}
		assertNoCanary(t, dir)
	})
}

func TestCshLookup(t *testing.T) {
	for _, name := range []string{"tcsh", "csh", "/bin/csh", "-tcsh", "TCSH"} {
		s, err := Lookup(name)
		if err != nil || s.Name() != "tcsh" || s.Ext() != ".csh" {
			t.Errorf("Lookup(%q) = %v, %v", name, s, err)
		}
	}
}

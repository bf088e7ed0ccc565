package shell

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goshim/goshim/shim/expr"
)

// fishHostile are values a policy or environment.yml could hand the fish
// quoting: every kind of quote, substitution, separator, glob and escape.
// The canary substitutions name "CANARY", replaced by a path in a temp dir.
var fishHostile = []string{
	"",
	"plain",
	"/usr/local/go/bin",
	"-mod=mod",
	"-x",
	"--",
	"a b",
	"  leading and trailing  ",
	"'",
	"''",
	"it's",
	`"`,
	`say "hi"`,
	"`touch CANARY`",
	"$(touch CANARY)",
	"(touch CANARY)",
	"x(touch CANARY)y",
	`"$(touch CANARY)"`,
	"'(touch CANARY)'",
	"$HOME",
	"${HOME}",
	"$$",
	"a;touch CANARY",
	"a&touch CANARY",
	"a|touch CANARY",
	"a\ntouch CANARY",
	"line1\nline2\n",
	"\n",
	"cr\rlf\r\n",
	"tab\there\t",
	`back\slash`,
	`trailing\`,
	`\\`,
	`\'`,
	`'\`,
	`\n\t\x41\u0041\e`,
	"%self",
	"%1",
	"!",
	"!!",
	"*",
	"**",
	"?",
	"a*b?c",
	"{a,b}",
	"{}",
	"~",
	"~root",
	"~/go",
	"[1]",
	"a[1..2]",
	"#not a comment",
	"a#b",
	"<in >out 2>&1 ^err",
	"&&||",
	"\u2018single\u2019 \u201achevron\u201b",
	"\u201cdouble\u201d \u201elow\u201f",
	"\u2018x\u2019",
	"café",
	"/home/josé/go",
	"日本語",
	"😀 emoji",
	"\U0001F600",
	"\u00a0nbsp",
	"\u0085nel\u2028ls\u2029ps",
	"\ufeffbom",
	"\u200bzero\u200dwidth",
	"\ue000 private \uf8ff",
	"\uf700\uf73f\uf8ff",
	"\U000F0000\U0010FFFD",
	"\ufffe\uffff",
	"\x01\x07\x1b[31m\x7f",
	"\u0080\u00ff",
}

func fishCanary(t testing.TB, dir, s string) string {
	t.Helper()
	return strings.ReplaceAll(s, "CANARY", filepath.Join(dir, "canary"))
}

// TestFishQuoteExact pins the quoting of a few values, checked by hand.
func TestFishQuoteExact(t *testing.T) {
	sh, err := Lookup("fish")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ in, want string }{
		{"", `''`},
		{"plain", `plain`},
		{"/usr/local/go/bin", `/usr/local/go/bin`},
		{"-x", `-x`},
		{"-mod=mod", `'-mod=mod'`},
		{"a b", `'a b'`},
		{"it's", `'it\'s'`},
		{`back\slash`, `'back\\slash'`},
		{`trailing\`, `'trailing\\'`},
		{`\'`, `'\\\''`},
		{"$(touch x)", `'$(touch x)'`},
		{"(touch x)", `'(touch x)'`},
		{"a\nb", "'a\nb'"},
		{"~/go", `'~/go'`},
		{"{a,b}", `'{a,b}'`},
		{"café", `caf\u00e9`},
		{"/home/josé/go", `/home/jos\u00e9/go`},
		{"\u2018x\u2019", `\u2018x\u2019`},
		{"\U0001F600", `\U0001f600`},
		{"café au lait", `'café au lait'`},
		{"\ue000x", "'\ue000x'"},
	}
	for _, c := range cases {
		got, err := sh.Quote(c.in)
		if err != nil {
			t.Errorf("Quote(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Quote(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestFishQuoteRejects(t *testing.T) {
	sh, _ := Lookup("fish")
	for _, s := range []string{"a\x00b", "\xff", "a\xc3", "\xed\xa0\x80", "\uf600", "x\uf6ffy", "\ufdd0", "\ufdef"} {
		if q, err := sh.Quote(s); err == nil {
			t.Errorf("Quote(%q) = %s, want an error", s, q)
		} else if !strings.Contains(err.Error(), "fish") {
			t.Errorf("Quote(%q): error %q does not name the shell", s, err)
		}
	}
}

func TestFishExpand(t *testing.T) {
	sh, _ := Lookup("fish")
	cases := []struct{ in, want string }{
		{"", `''`},
		{"${GOPATH}", `"$GOPATH"`},
		{"~", `"$HOME"`},
		{"~/go/bin", `"$HOME"/go/bin`},
		{"-I${CONDA_PREFIX}/include", `-I"$CONDA_PREFIX"/include`},
		{"${A}${B}", `"$A""$B"`},
		{"${A}[1] $$x", `"$A"'[1] $x'`},
	}
	for _, c := range cases {
		got, err := sh.Expand(expr.MustParse(c.in))
		if err != nil {
			t.Errorf("Expand(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("Expand(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// needFish returns the fish binary, or skips (fails when GOSHIM_E2E_REQUIRE
// names fish: CI that installs fish must not silently skip).
func needFish(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("fish")
	if err != nil {
		if strings.Contains(os.Getenv("GOSHIM_E2E_REQUIRE"), "fish") {
			t.Fatalf("fish is required (GOSHIM_E2E_REQUIRE=%q) but not found: %v", os.Getenv("GOSHIM_E2E_REQUIRE"), err)
		}
		t.Skipf("fish not installed (%v): the fish round trips need a real fish; install fish or set GOSHIM_E2E_REQUIRE=fish to make this a failure", err)
	}
	return p
}

// fishRoundTrip checks that fish reads the quoted word back as exactly s,
// as an argument and through an exported variable, that no substitution
// runs, and that fish_indent leaves the word alone.
// home is fish's HOME: one per test, as fish's first start in a new home is slow.
func fishRoundTrip(t testing.TB, fishBin, home, s string) {
	t.Helper()
	sh, _ := Lookup("fish")
	q, err := sh.Quote(s)
	if err != nil {
		t.Fatalf("Quote(%q): %v", s, err)
	}
	dir := t.TempDir()
	script := "printf '%s' " + q + "\nprintf '\\0'\nset -gx GOSHIM_T " + q + "\nprintf '%s' \"$GOSHIM_T\"\nprintf '\\0'\nenv -0\n"
	cmd := exec.Command(fishBin, "--no-config", "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("fish failed for %q (quoted %s): %v\n%s", s, q, err, stderr.String())
	}
	parts := bytes.SplitN(out, []byte{0}, 3)
	if len(parts) != 3 {
		t.Fatalf("fish output for %q (quoted %s) is malformed: %q", s, q, out)
	}
	if string(parts[0]) != s {
		t.Errorf("argument: fish read %s back as %q, want %q", q, parts[0], s)
	}
	if string(parts[1]) != s {
		t.Errorf("set -gx: fish read %s back as %q, want %q", q, parts[1], s)
	}
	var exported []byte
	found := false
	for _, kv := range bytes.Split(parts[2], []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte("GOSHIM_T=")); ok {
			exported, found = v, true
		}
	}
	if !found || string(exported) != s {
		t.Errorf("environment: fish exported %s as %q (found %v), want %q", q, exported, found, s)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("quoting %q as %q ran a command: %s exists", s, q, entries[0].Name())
	}
	if stderr.Len() > 0 {
		t.Errorf("fish wrote to stderr for %q: %s", s, stderr.String())
	}
	// fish_indent must leave a hook untouched, so it must leave the word too.
	if ind, err := exec.LookPath("fish_indent"); err == nil {
		line := "set -gx GOSHIM_T " + q + "\n"
		ic := exec.Command(ind)
		ic.Env = []string{"LANG=C.UTF-8", "HOME=" + home}
		ic.Stdin = strings.NewReader(line)
		got, err := ic.Output()
		if err != nil {
			t.Errorf("fish_indent on %s: %v", q, err)
		} else if string(got) != line {
			t.Errorf("fish_indent rewrites %q: %q -> %q", s, line, got)
		}
	}
}

func TestFishQuoteRoundTrip(t *testing.T) {
	fishBin := needFish(t)
	home := t.TempDir()
	for _, s := range fishHostile {
		dir := t.TempDir()
		v := fishCanary(t, dir, s)
		t.Run("", func(t *testing.T) {
			fishRoundTrip(t, fishBin, home, v)
			if _, err := os.Stat(filepath.Join(dir, "canary")); err == nil {
				t.Errorf("quoting %q ran a command: the canary exists", v)
			}
		})
	}
}

// TestFishExpandRoundTrip runs expanded values in fish: variables read as
// one word, empty when unset; literal pieces stay literal.
func TestFishExpandRoundTrip(t *testing.T) {
	fishBin := needFish(t)
	sh, _ := Lookup("fish")
	dir := t.TempDir()
	cases := []struct {
		in, want string
	}{
		{"~/go/bin", dir + "/go/bin"},
		{"${GS_SPACES}", "a  b *"},
		{"${GS_UNSET}", ""},
		{"x${GS_EMPTY}y", "xy"},
		{"${GS_SPACES}/${GS_SPACES}", "a  b */a  b *"},
		{"-I${GS_FOO_PATH}/include", "-I/a::/b/include"},
		{"'${GS_SPACES}'(touch " + dir + "/canary)$$x", "'a  b *'(touch " + dir + "/canary)$x"},
	}
	for _, c := range cases {
		w, err := sh.Expand(expr.MustParse(c.in))
		if err != nil {
			t.Fatalf("Expand(%q): %v", c.in, err)
		}
		cmd := exec.Command(fishBin, "--no-config", "-c", "printf '%s' "+w)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "GS_SPACES=a  b *", "GS_EMPTY=", "GS_FOO_PATH=/a::/b", "LANG=C.UTF-8"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish on %s: %v: %s", w, err, out)
		}
		if string(out) != c.want {
			t.Errorf("Expand(%q) = %s evaluates to %q, want %q", c.in, w, out, c.want)
		}
	}
	if _, err := os.Stat(dir + "/canary"); err == nil {
		t.Error("an expanded value ran a command")
	}
}

// FuzzFishQuoteRoundTrip: any value Quote accepts reads back byte for byte
// in real fish; anything it refuses is NUL, invalid UTF-8 or a character
// fish reserves.
func FuzzFishQuoteRoundTrip(f *testing.F) {
	for _, s := range fishHostile {
		f.Add(s)
	}
	fishBin := needFish(f)
	home := f.TempDir()
	sh, _ := Lookup("fish")
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := sh.Quote(s); err != nil {
			ok := strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s)
			for _, r := range s {
				ok = ok || fishReserved(r)
			}
			if !ok {
				t.Fatalf("Quote(%q) refused a value fish can hold: %v", s, err)
			}
			return
		}
		fishRoundTrip(t, fishBin, home, s)
	})
}

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHookSyntax parses every hook goshim generated, for every env, with
// each shell's own syntax check (bash -n, zsh -n, dash -n, fish
// --no-execute, tcsh -n, PowerShell's Parser).
func TestHookSyntax(t *testing.T) {
	fx := getFixtures(t)
	for _, row := range selectedShells() {
		row := row
		t.Run(row.name, func(t *testing.T) {
			sh := findShell(t, row)
			var files []string
			for _, e := range fx.all {
				files = append(files, e.goshimFiles(row.lang.ext())...)
			}
			if len(files) == 0 {
				fx.a.hasHooks(t, sh) // skips with goshim's reason
				t.Fatalf("no %s hooks found", row.lang.ext())
			}
			for _, f := range files {
				if out, err := sh.syntaxCheck(f); err != nil {
					t.Errorf("%s: %s does not parse: %v\n%s", row.name, rel(f), err, out)
				}
			}
		})
	}
}

// shellcheckArgs is the strictest useful level: every optional check
// (--enable=all) down to style, as POSIX sh and as dash. Left out:
// SC2250 (braces around every $var: noise in generated code) and SC2249
// (a default *) branch in every case: the hooks' cases are exhaustive on
// purpose). The hooks' own `# shellcheck shell=sh` directive is overridden
// by --shell.
var shellcheckArgs = []string{"--severity=style", "--enable=all", "--exclude=SC2250,SC2249", "--format=gcc"}

// hostileContent are shellcheck's warnings about what a literal holds, not
// about code: the hostile env's values hold `$(...)` and unicode quotes on
// purpose, inside correct single quotes (the scenarios prove they round-trip).
const hostileContent = "SC2016,SC1110,SC1111,SC1112,SC2089,SC2090"

// TestShellcheck lints every generated .sh hook.
func TestShellcheck(t *testing.T) {
	fx := getFixtures(t)
	bin, err := exec.LookPath("shellcheck")
	if err != nil {
		skipOrFail(t, "shellcheck: not installed (Debian package shellcheck)", "shellcheck")
	}
	for _, e := range fx.all {
		files := e.goshimFiles(".sh")
		if len(files) == 0 {
			continue
		}
		args := append([]string{}, shellcheckArgs...)
		if e == fx.hostile || e == fx.hostile1line {
			args = append(args, "--exclude="+hostileContent)
		}
		for _, dialect := range []string{"sh", "dash"} {
			out, err := command(2*time.Minute, h.tmp, os.Environ(), bin, append(append([]string{"--shell=" + dialect}, args...), files...)...)
			if err != nil {
				t.Errorf("shellcheck --shell=%s %s (%s):\n%s", dialect, strings.Join(args, " "), e.name, relAll(out))
			}
		}
	}
}

// TestFishIndent: fish_indent must leave every generated .fish hook unchanged.
func TestFishIndent(t *testing.T) {
	fx := getFixtures(t)
	bin, err := exec.LookPath("fish_indent")
	if err != nil {
		skipOrFail(t, "fish_indent: not installed (it comes with fish)", "fish_indent", "fish")
	}
	var files []string
	for _, e := range fx.all {
		files = append(files, e.goshimFiles(".fish")...)
	}
	if len(files) == 0 {
		fx.a.hasHooks(t, &shellOK{shellRow: &shellRow{name: "fish", lang: fishLang{}}})
		t.Fatal("no .fish hooks generated")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := exec.Command(bin)
		c.Stdin = bytes.NewReader(data)
		var out, errb bytes.Buffer
		c.Stdout, c.Stderr = &out, &errb
		if err := c.Run(); err != nil {
			t.Errorf("fish_indent %s: %v\n%s", rel(f), err, errb.String())
			continue
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Errorf("fish_indent changes %s:\n%s", rel(f), lineDiff(string(data), out.String()))
		}
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "  line "+strconv.Itoa(i+1)+":\n    generated:   "+quoteLine(x)+"\n    fish_indent: "+quoteLine(y))
			if len(out) == 5 {
				out = append(out, "  ...")
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

func quoteLine(s string) string { return strings.ReplaceAll(s, "\t", "\\t") }

// rel names a file inside the test envs by env and path.
func rel(p string) string {
	if r, err := filepath.Rel(filepath.Join(h.tmp, "envs"), p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

func relAll(s string) string {
	return strings.ReplaceAll(s, filepath.Join(h.tmp, "envs")+string(filepath.Separator), "")
}

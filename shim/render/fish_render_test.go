package render

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/shell"
)

// fishEveryAction uses every action kind, hostile values (quotes of all
// kinds, substitutions, newlines, non-ASCII, a separator that is itself a
// quote and a backslash) and a configured root.
const fishEveryAction = `[go]
toolchain = "system"
root = "~/sdk/go 1.22 ('x')"
gotoolchain = "go1.22.3+auto"

[env]
GO111MODULE = "on"
GOFLAGS = { set = "-mod=mod -ldflags=-X=main.v='1'" }
GOPATH = { keep = true }
GOBIN = { unset = true }
GOCACHE = { default = "${HOME}/.cache/go build\n(touch x) $$(touch y) \"q\" 'q' \\" }
GOPRIVATE = "café,日本,/home/josé,\u2018x\u2019"
GONOSUMDB = ""
CC = "gcc; touch x | y & z ` + "`w`" + ` {a,b} * ? ~ % !"
PATH = { prepend = ["~/go/bin", "/opt/with space", "${HOME}/a:b"], append = ["/opt/last'", "\"${GOPATH}\""] }
PKG_CONFIG_PATH = { append = ["${CONDA_PREFIX}/lib/pkgconfig"] }
CGO_CFLAGS = { prepend = ["-I${CONDA_PREFIX}/include", "-O2"], append = ["-DX='1\t2'"], sep = " " }
CGO_LDFLAGS = { append = ["-L/x"], sep = "'\\" }
GOTOOLCHAIN_EXTRA = { default = "" }
`

func fishPlans(t *testing.T) map[string]*plan.Plan {
	t.Helper()
	build := func(src string, opt plan.Options) *plan.Plan {
		t.Helper()
		pol, err := policy.Parse("goshim.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan.Build(pol, opt)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	def, err := plan.Build(policy.Builtin(), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*plan.Plan{
		"default": def,
		"every-action": build(fishEveryAction, plan.Options{ID: "My Env!", CondaVars: []plan.CondaVar{
			{Name: "GOPATH", Value: "/x", Source: "environment.yml"},
			{Name: "GOROOT", Value: "/c/go", Source: "go"},
			{Name: "GOTOOLCHAIN", Value: "local", Source: "go"},
			{Name: "CGO_CFLAGS", Value: "-O3", Source: "gcc"},
		}}),
		"path":       build("[go]\ntoolchain = \"path\"\nroot = \"/opt/go\"\n[env]\nPATH = { append = [\"/x\"] }\n", plan.Options{ID: "pinned"}),
		"conda":      build("[go]\ntoolchain = \"conda\"\n[env]\nGOFLAGS = { keep = true }\n", plan.Options{ID: "conda-go"}),
		"conda-path": build("[go]\ntoolchain = \"conda\"\n[env]\nPATH = { prepend = [\"/p\"] }\n", plan.Options{ID: "conda-path"}),
	}
}

// TestFishRenderEveryAction: every plan renders to scripts fish parses,
// that fish_indent leaves unchanged and that call builtins only.
func TestFishRenderEveryAction(t *testing.T) {
	sh, err := shell.Lookup("fish")
	if err != nil {
		t.Fatal(err)
	}
	fishBin, _ := exec.LookPath("fish")
	indent, _ := exec.LookPath("fish_indent")
	if fishBin == "" || indent == "" {
		if strings.Contains(os.Getenv("GOSHIM_E2E_REQUIRE"), "fish") {
			t.Fatal("fish and fish_indent are required (GOSHIM_E2E_REQUIRE) but not found")
		}
		t.Log("fish or fish_indent not installed: checking only the builtins lint")
	}
	dir := t.TempDir()
	for name, p := range fishPlans(t) {
		files, err := Files(p, sh)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range files {
			src := string(f.Data)
			for _, msg := range fishLint(src) {
				t.Errorf("%s %s: %s", name, f.Path, msg)
			}
			path := filepath.Join(dir, name, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			if fishBin != "" {
				if out, err := exec.Command(fishBin, "--no-config", "--no-execute", path).CombinedOutput(); err != nil {
					t.Errorf("%s %s: fish --no-execute: %v\n%s", name, f.Path, err, out)
				}
			}
			if indent != "" {
				cmd := exec.Command(indent)
				cmd.Stdin = strings.NewReader(src)
				cmd.Env = []string{"LANG=C.UTF-8", "HOME=" + dir}
				out, err := cmd.Output()
				if err != nil {
					t.Errorf("%s %s: fish_indent: %v", name, f.Path, err)
				} else if string(out) != src {
					t.Errorf("%s %s: fish_indent changes the file:\n%s", name, f.Path, lineDiff(src, string(out)))
				}
			}
		}
	}
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %q\n+ %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(al), len(bl))
}

// fishAllowed are the commands a hook may run: fish keywords and builtins.
// Builtins a function may shadow are only allowed through `builtin`.
var (
	fishAllowed = map[string]bool{
		"set": true, "test": true, "string": true, "for": true, "end": true, "else": true,
		"continue": true, "break": true, "builtin": true,
	}
	fishAllowedBuiltin = map[string]bool{"contains": true, "count": true, "math": true, "path": true, "printf": true}
	fishPrefixWords    = map[string]bool{"if": true, "not": true, "and": true, "or": true, "while": true, "else": true}
)

// fishLint reads a fish script with a small lexer (quotes, escapes,
// comments, command substitutions, pipes) and reports every command that is
// not a builtin or keyword, and every construct goshim never writes.
func fishLint(src string) []string {
	var problems []string
	cmds, err := fishCommands(src)
	if err != nil {
		return []string{err.Error()}
	}
	for _, c := range cmds {
		words := c
		for len(words) > 1 && fishPrefixWords[words[0]] {
			words = words[1:]
		}
		if len(words) == 0 {
			continue
		}
		switch {
		case !fishAllowed[words[0]]:
			problems = append(problems, fmt.Sprintf("runs %q, which is not a builtin goshim allows", strings.Join(c, " ")))
		case words[0] == "builtin" && (len(words) < 2 || !fishAllowedBuiltin[words[1]]):
			problems = append(problems, fmt.Sprintf("runs %q", strings.Join(c, " ")))
		case words[0] == "set" && fishErasesUnscoped(words[1:]):
			problems = append(problems, fmt.Sprintf("%q erases without -g or -l: it would erase a universal variable", strings.Join(c, " ")))
		}
	}
	return problems
}

// fishErasesUnscoped reports a `set` erasing with no scope option.
func fishErasesUnscoped(args []string) bool {
	erase, scoped := false, false
	for _, a := range args {
		switch {
		case a == "--erase":
			erase = true
		case a == "--global" || a == "--local":
			scoped = true
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(a) > 1:
			erase = erase || strings.Contains(a, "e")
			scoped = scoped || strings.ContainsAny(a, "gl")
		default:
			return erase && !scoped
		}
	}
	return erase && !scoped
}

// fishCommands splits src into simple commands (their words, quotes
// removed). It knows what goshim writes, and fails on anything else that
// could hide a command: $( in double quotes, backquotes are literal in fish.
func fishCommands(src string) ([][]string, error) {
	type ctx struct {
		words []string
		word  strings.Builder
		in    bool // a word is open
	}
	var out [][]string
	stack := []*ctx{{}}
	cur := func() *ctx { return stack[len(stack)-1] }
	endWord := func() {
		c := cur()
		if c.in {
			c.words = append(c.words, c.word.String())
			c.word.Reset()
			c.in = false
		}
	}
	endCmd := func() {
		endWord()
		c := cur()
		if len(c.words) > 0 {
			out = append(out, c.words)
		}
		c.words = nil
	}
	r := []rune(src)
	for i := 0; i < len(r); i++ {
		ch := r[i]
		switch {
		case ch == '#' && !cur().in:
			for i < len(r) && r[i] != '\n' {
				i++
			}
			endCmd()
		case ch == ' ' || ch == '\t':
			endWord()
		case ch == '&' && i > 0 && (r[i-1] == '>' || r[i-1] == '<'):
			cur().word.WriteRune(ch) // >&2 is a redirection
		case ch == '\n' || ch == ';' || ch == '|' || ch == '&':
			endCmd()
		case ch == '(':
			cur().in = true
			stack = append(stack, &ctx{})
		case ch == ')':
			if len(stack) == 1 {
				return nil, fmt.Errorf("unbalanced ) at rune %d", i)
			}
			endCmd()
			stack = stack[:len(stack)-1]
		case ch == '\\':
			cur().in = true
			i++
			if i < len(r) {
				cur().word.WriteRune(r[i])
			}
		case ch == '\'':
			cur().in = true
			for i++; i < len(r) && r[i] != '\''; i++ {
				if r[i] == '\\' && i+1 < len(r) && (r[i+1] == '\\' || r[i+1] == '\'') {
					i++
				}
				cur().word.WriteRune(r[i])
			}
			if i >= len(r) {
				return nil, fmt.Errorf("unterminated single quote")
			}
		case ch == '"':
			cur().in = true
			for i++; i < len(r) && r[i] != '"'; i++ {
				if r[i] == '\\' && i+1 < len(r) {
					i++
				} else if r[i] == '$' && i+1 < len(r) && r[i+1] == '(' {
					return nil, fmt.Errorf("command substitution inside double quotes at rune %d", i)
				}
				cur().word.WriteRune(r[i])
			}
			if i >= len(r) {
				return nil, fmt.Errorf("unterminated double quote")
			}
		default:
			cur().in = true
			cur().word.WriteRune(ch)
		}
	}
	endCmd()
	if len(stack) != 1 {
		return nil, fmt.Errorf("unbalanced (")
	}
	return out, nil
}

func TestFishLintCatches(t *testing.T) {
	for _, bad := range []string{
		"set x (basename /a)\n",
		"set x 'a'; command ls\n",
		"if test -n x; and eval foo\nend\n",
		"string split : x | sed s/a/b/\n",
		"contains x $PATH\n",
		"builtin realpath x\n",
		"set -e GOPATH\n",
		"echo \"$(ls)\"\n",
	} {
		if len(fishLint(bad)) == 0 {
			t.Errorf("fishLint accepts %q", bad)
		}
	}
	for _, good := range []string{
		"set -gx A 'a (b) | c; d'\n# (ls)\nset -e -g A\nset -e -l _goshim_x _goshim_y\n",
		"if set _goshim_i (builtin contains -i -- \"$x\" $PATH[-1..1])\n    set -e -g PATH[-$_goshim_i]\nend\n",
		"set _goshim_g (builtin path resolve -Z -- \"$g\" | string split0)\n",
	} {
		if p := fishLint(good); len(p) > 0 {
			t.Errorf("fishLint rejects %q: %v", good, p)
		}
	}
}

// TestFishStartsNoProcess counts, with strace, the processes a full
// activate+deactivate cycle starts in fish: none, also when the system go
// is a symlink (fish resolves it with `builtin path resolve`).
func TestFishStartsNoProcess(t *testing.T) {
	fishBin := rtNeedShell(t, "fish")
	const sysGo = "/usr/local/go"
	if _, err := os.Stat(sysGo + "/bin/go"); err != nil {
		t.Skipf("no Go at %s: this test uses it as the system Go", sysGo)
	}
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not found (Debian package strace): cannot count processes")
	}
	if out, err := exec.Command("strace", "-f", "-qq", "-e", "trace=execve", "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here: %v %s", err, out)
	}
	fishSh, _ := shell.Lookup("fish")
	d := rtDialect{name: "fish", ext: ".fish", sh: fishSh}
	p, err := plan.Build(policy.Builtin(), plan.Options{ID: "count", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local"}}})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "env")
	for _, m := range []string{filepath.Join(prefix, "conda-meta"), filepath.Join(prefix, "bin"), filepath.Join(tmp, "link"), filepath.Join(tmp, "condalink")} {
		if err := os.MkdirAll(m, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(prefix, "bin", "go"), []byte("#!/bin/sh\necho conda go\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(sysGo+"/bin/go", filepath.Join(tmp, "link", "go")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(prefix, "bin", "go"), filepath.Join(tmp, "condalink", "go")); err != nil {
		t.Fatal(err)
	}
	files, err := Files(p, fishSh)
	if err != nil {
		t.Fatal(err)
	}
	var hooks []string
	for _, f := range files {
		path := filepath.Join(prefix, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		hooks = append(hooks, path) // save, apply, restore
	}
	// clone without CLONE_THREAD is a new process; fish's own threads are not
	call := regexp.MustCompile(`^\d+ +(execve|fork|vfork|clone|clone3)\(`)
	processes := func(log string) (n int) {
		for _, line := range strings.Split(log, "\n") {
			if call.MatchString(line) && !strings.Contains(line, "CLONE_THREAD") {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct{ name, path string }{
		{"system go on PATH", prefix + "/bin:/usr/bin:/bin:" + sysGo + "/bin"},
		{"system go in a well-known place", prefix + "/bin:/usr/bin:/bin"},
		{"symlinked system go", prefix + "/bin:" + tmp + "/link:/usr/bin:/bin"},
		{"link into a conda prefix is skipped", prefix + "/bin:" + tmp + "/condalink:/usr/bin:/bin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "toolchain")
			var src strings.Builder
			src.WriteString(d.export(t, "CONDA_PREFIX", prefix) + d.export(t, "CONDA_SHLVL", "1"))
			src.WriteString("set -gx PATH (string split -- : " + d.q(t, tc.path) + ")\n")
			for _, h := range hooks {
				src.WriteString("source " + d.q(t, h) + "\n")
				if strings.Contains(h, "~goshim") {
					src.WriteString("builtin printf '%s' \"$_GOSHIM_COUNT__T_PATH\" >" + d.q(t, out) + "\n")
				}
			}
			script := filepath.Join(t.TempDir(), "cycle.fish")
			if err := os.WriteFile(script, []byte(src.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(t.TempDir(), "strace.log")
			cmd := exec.Command("strace", "-f", "-qq", "-o", log, "-e", "trace=execve,clone,clone3,fork,vfork", fishBin, "--no-config", script)
			cmd.Env = []string{"HOME=" + tmp, "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
			if o, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, o)
			}
			data, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(out); string(got) != sysGo+"/bin" {
				t.Errorf("toolchain entry %q, want %s/bin", got, sysGo)
			}
			// the one execve is strace starting fish itself
			if started := processes(string(data)); started != 1 {
				t.Errorf("fish started %d processes in one cycle, want none:\n%s", started-1, data)
			}
		})
	}
}

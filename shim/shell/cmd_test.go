package shell

import (
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/expr"
)

func TestCmdQuoteExact(t *testing.T) {
	// Checked by hand against cmd's parsing rules: inside set "K=..." only %
	// needs doubling; & | < > ( ) ; blanks ' ` $ * ~ stay literal.
	tests := map[string]string{
		"":                   "",
		"plain":              "plain",
		"100%":               "100%%",
		"%PATH%":             "%%PATH%%",
		"a & b | c < d > e":  "a & b | c < d > e",
		"(x) ; 'y' `z` $(w)": "(x) ; 'y' `z` $(w)",
		"C:\\Go\\bin":        "C:\\Go\\bin",
		"tab\there ~ *":      "tab\there ~ *",
	}
	for in, want := range tests {
		got, err := cmd{}.Quote(in)
		if err != nil || got != want {
			t.Errorf("Quote(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// non-ASCII: cmd reads a .bat in the OEM code page (é came back as
	// other bytes under wine's cmd); \x1a is Ctrl-Z, end of file to cmd.
	for _, bad := range []string{"a\nb", "a\rb", `a"b`, "a!b", "a^b", "a\x00b", "日本", "é", "\u00a0", "a\x1ab", "\x1b[0m"} {
		if _, err := (cmd{}).Quote(bad); err == nil || !strings.Contains(err.Error(), "cmd") {
			t.Errorf("Quote(%q) accepted, or error does not name cmd: %v", bad, err)
		}
	}
	for _, s := range hostile {
		q, err := cmd{}.Quote(s)
		if err != nil {
			continue
		}
		if strings.ContainsAny(q, "\r\n\"!^") || strings.Count(q, "%")%2 != 0 {
			t.Errorf("Quote(%q) = %q is not safe inside set \"K=...\"", s, q)
		}
	}
}

func TestCmdValueLimits(t *testing.T) {
	// 4096 characters as written: 2048 % become 4096 %%.
	if err := (cmd{}).CheckValue(expr.MustParse(strings.Repeat("a", 4096))); err != nil {
		t.Errorf("4096 characters refused: %v", err)
	}
	for _, v := range []string{strings.Repeat("a", 4097), strings.Repeat("%", 2049),
		strings.Repeat("a", 8180) + " & echo PWNED > pwned.txt & rem "} {
		if err := (cmd{}).CheckValue(expr.MustParse(v)); err == nil || !strings.Contains(err.Error(), "8191") {
			t.Errorf("a value of %d characters accepted, or the error does not give cmd's limit: %v", len(v), err)
		}
	}
	// a ${NAME} read does not count: its length is known only at activation
	if err := (cmd{}).CheckValue(expr.MustParse(strings.Repeat("a", 4000) + "${X}")); err != nil {
		t.Error(err)
	}
}

func TestCmdListEntries(t *testing.T) {
	for _, bad := range []string{"C:\\100%", "C:\\a%OS%b", "%%"} {
		if err := (cmd{}).CheckEntry(expr.MustParse(bad)); err == nil || !strings.Contains(err.Error(), "list entry") {
			t.Errorf("entry %q accepted: %v", bad, err)
		}
	}
	// a variable read is not literal text; its value is the user's
	for _, ok := range []string{"C:\\Go\\bin", "${APPDATA}\\go\\bin", "~\\go\\bin"} {
		if err := (cmd{}).CheckEntry(expr.MustParse(ok)); err != nil {
			t.Errorf("entry %q refused: %v", ok, err)
		}
	}
}

func TestUnixAndWindowsValueLimits(t *testing.T) {
	long := expr.MustParse(strings.Repeat("a", 131072))
	for _, sh := range []Shell{posix{}, fish{}} {
		c := sh.(interface{ CheckValue(expr.Value) error })
		if err := c.CheckValue(long); err == nil || !strings.Contains(err.Error(), "128 KiB") {
			t.Errorf("%s: a 128 KiB value accepted: %v", sh.Name(), err)
		}
		if err := c.CheckValue(expr.MustParse(strings.Repeat("a", 100000))); err != nil {
			t.Errorf("%s: a 100000-byte value refused: %v", sh.Name(), err)
		}
	}
	// 32767 UTF-16 units: an emoji is two
	if err := (pwsh{}).CheckValue(expr.MustParse(strings.Repeat("a", 32767))); err != nil {
		t.Errorf("pwsh: 32767 units refused: %v", err)
	}
	if err := (pwsh{}).CheckValue(expr.MustParse(strings.Repeat("a", 32766) + "😀")); err == nil || !strings.Contains(err.Error(), "32767") {
		t.Errorf("pwsh: 32768 units accepted: %v", err)
	}
}

func TestCmdExpandExact(t *testing.T) {
	tests := map[string]string{
		"":                   "",
		"${HOME}/.cache":     `%_goshim_r_HOME%/.cache`,
		"~/go/bin":           `%_goshim_r_USERPROFILE%/go/bin`,
		"-I${CONDA_PREFIX}x": `-I%_goshim_r_CONDA_PREFIX%x`,
		"$$5%":               `$5%%`,
	}
	for in, want := range tests {
		got, err := cmd{}.Expand(expr.MustParse(in))
		if err != nil || got != want {
			t.Errorf("Expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, name := range []string{"cmd", "bat", "cmd.exe", `C:\Windows\System32\cmd.exe`} {
		if s, err := Lookup(name); err != nil || s.Name() != "cmd" || s.Ext() != ".bat" {
			t.Errorf("Lookup(%q) = %v, %v", name, s, err)
		}
	}
}

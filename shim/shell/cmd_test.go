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
		"日本 ~ *":             "日本 ~ *",
	}
	for in, want := range tests {
		got, err := cmd{}.Quote(in)
		if err != nil || got != want {
			t.Errorf("Quote(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a\nb", "a\rb", `a"b`, "a!b", "a^b", "a\x00b"} {
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

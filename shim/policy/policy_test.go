package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFullSchema(t *testing.T) {
	src := `[go]
toolchain = "path"
root = "~/sdk/go1.22.3"
gotoolchain = "local"

[env]
GO111MODULE = "on"
GOFLAGS = { set = "-mod=mod" }
GOPATH = { keep = true }
GOBIN = { unset = true }
GOCACHE = { default = "${HOME}/.cache/go-build" }
PATH = { prepend = ["${HOME}/go/bin", "/opt/a"], append = ["/opt/z"] }
CGO_CFLAGS = { append = ["-I${CONDA_PREFIX}/include"], sep = " " }
`
	p, err := Parse("goshim.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if p.Toolchain != ToolchainPath || p.Root == nil || p.Root.Raw != "~/sdk/go1.22.3" {
		t.Errorf("toolchain/root = %q %v", p.Toolchain, p.Root)
	}
	var names []string
	for _, r := range p.Rules {
		names = append(names, r.Name)
	}
	want := "CGO_CFLAGS GO111MODULE GOBIN GOCACHE GOFLAGS GOPATH GOTOOLCHAIN PATH"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("rules = %s, want %s (sorted)", got, want)
	}
	check := func(name string, a Action, line int) Rule {
		t.Helper()
		r, ok := p.Rule(name)
		if !ok {
			t.Fatalf("no rule %s", name)
		}
		if r.Action != a || r.Line != line {
			t.Errorf("%s: action %v line %d, want %v line %d", name, r.Action, r.Line, a, line)
		}
		return r
	}
	check("GO111MODULE", Set, 7)
	check("GOFLAGS", Set, 8)
	check("GOPATH", Keep, 9)
	check("GOBIN", Unset, 10)
	if r := check("GOCACHE", Default, 11); r.Value.Raw != "${HOME}/.cache/go-build" {
		t.Errorf("GOCACHE value %q", r.Value.Raw)
	}
	if r := check("PATH", Edit, 12); len(r.Prepend) != 2 || len(r.Append) != 1 || r.Sep != "" {
		t.Errorf("PATH edit %+v", r)
	}
	if r := check("CGO_CFLAGS", Edit, 13); r.Sep != " " || len(r.Append) != 1 {
		t.Errorf("CGO_CFLAGS edit %+v", r)
	}
	if r := check("GOTOOLCHAIN", Set, 4); r.Value.Literal() != "local" {
		t.Errorf("GOTOOLCHAIN %q", r.Value.Literal())
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg, hint string
	}{
		{"malformed toml", "[env]\nGOPATH = \n", 2, "invalid TOML", ""},
		{"unknown table", "[go]\ntoolchain = \"system\"\n[envs]\nX = \"1\"\n", 3, `unknown key "envs"`, "[go] and [env]"},
		{"unknown go key", "[go]\ntoolchian = \"system\"\n", 2, `unknown key "toolchian" in [go]`, "toolchain, root"},
		{"bad toolchain", "[go]\n\ntoolchain = \"brew\"\n", 3, `unknown toolchain "brew"`, `"system", "conda" or "path"`},
		{"toolchain type", "[go]\ntoolchain = 1\n", 2, "must be a string", "quote the value"},
		{"path needs root", "[go]\ntoolchain = \"path\"\n", 2, `needs a root`, "root ="},
		{"invalid name", "[env]\n\"GO-FLAGS\" = \"x\"\n", 2, `invalid variable name "GO-FLAGS"`, "[A-Za-z_]"},
		{"conda name", "[env]\nCONDA_PREFIX = \"/x\"\n", 2, "conda's own bookkeeping", "remove it"},
		{"conda level name", "[env]\n\nCONDA_PREFIX_1 = \"/x\"\n", 3, "conda's own bookkeeping", ""},
		{"conda backup name", "[env]\n__CONDA_SHLVL_1_GOPATH = \"/x\"\n", 2, "conda's own bookkeeping", ""},
		{"goshim state", "[env]\n_GOSHIM_X = \"1\"\n", 2, "goshim's own state", "belong to goshim"},
		{"goshim temporary, any case", "[env]\n_goshim_v = { prepend = [\"P\"] }\n", 2, "goshim's own state", ""},
		{"cmd temp script", "[env]\n_TEMP_SCRIPT_PATH = 'C:\\x'\n", 2, "conda's own bookkeeping", ""},
		{"conda name, other case", "[env]\nconda_prefix = { unset = true }\n", 2, "conda's own bookkeeping", ""},
		{"mamba name", "[env]\nMAMBA_ROOT_PREFIX = \"/x\"\n", 2, "conda's own bookkeeping", ""},
		{"cmd prompt", "[env]\nprompt = \"x\"\n", 2, "conda's own bookkeeping", ""},
		{"lower-case path", "[env]\npath = \"/evil\"\n", 2, "PATH under another spelling", "write it PATH"},
		{"Windows Path", "[env]\nPath = { prepend = [\"/x\"] }\n", 2, "PATH under another spelling", ""},
		{"zsh UID", "[env]\nUID = \"42\"\n", 2, "special to bash and zsh", "remove it"},
		{"fish status", "[env]\nstatus = { keep = true }\n", 2, "special to zsh, fish and tcsh", ""},
		{"fish prefix", "[env]\nfish_greeting = \"\"\n", 2, "special to fish", ""},
		{"bash prefix", "[env]\nBASH_ENV = \"/x\"\n", 2, "special to bash", ""},
		{"underscore", "[env]\n_ = \"x\"\n", 2, "special to bash, zsh and fish", ""},
		{"cmd ERRORLEVEL", "[env]\nERRORLEVEL = \"0\"\n", 2, "special to cmd.exe", ""},
		{"reads a goshim temporary", "[env]\nB = \"${_goshim_v}\"\n", 2, "reads goshim's own state", "read another variable"},
		{"entry reads a special", "[env]\nL = { append = [\"${status}\"] }\n", 2, "${status} is special", ""},
		{"root reads a special", "[go]\nroot = \"${_}/go\"\n", 2, "[go] root: ${_} is special", ""},
		{"PS1", "[env]\nPS1 = \"$$ \"\n", 2, "bookkeeping", ""},
		{"conflict", "[env]\nGOPATH = { keep = true, unset = true }\n", 2, "conflicting actions: keep, unset", "exactly one action"},
		{"set with append", "[env]\nX = { set = \"a\", append = [\"b\"] }\n", 2, "conflicting actions", ""},
		{"no action", "[env]\nX = { sep = \":\" }\n", 2, "has no action", ""},
		{"unknown action", "[env]\nX = { keeep = true }\n", 2, `unknown key "keeep" for X`, "one of set"},
		{"keep false", "[env]\nX = { keep = false }\n", 2, "X.keep must be true", "remove the line"},
		{"wrong value type", "[env]\nGOPATH = 3\n", 2, "must be a string or an inline table, not an integer", ""},
		{"set type", "[env]\nGOPATH = { set = 3 }\n", 2, "GOPATH.set must be a string, not an integer", ""},
		{"bare dollar", "[env]\nGOPATH = \"$HOME/go\"\n", 2, "bare $ in \"$HOME/go\": write ${NAME}", ""},
		{"GO111MODULE", "[env]\nGO111MODULE = \"yes\"\n", 2, `"yes" is not a GO111MODULE value`, `"on", "off" or "auto"`},
		{"CGO_ENABLED", "[env]\nCGO_ENABLED = \"true\"\n", 2, "CGO_ENABLED", `"0" or "1"`},
		{"GOTOOLCHAIN", "[env]\nGOTOOLCHAIN = \"1.22\"\n", 2, "GOTOOLCHAIN", "go1.22.3"},
		{"GOFLAGS", "[env]\nGOFLAGS = \"-mod=mod trimpath\"\n", 2, `"trimpath" does not start with -`, ""},
		{"gotoolchain twice", "[go]\ngotoolchain = \"local\"\n[env]\nGOTOOLCHAIN = \"auto\"\n", 4, "both by [go] gotoolchain (line 2)", "keep one"},
		{"bad gotoolchain", "[go]\ngotoolchain = \"latest\"\n", 2, "is not a GOTOOLCHAIN value", ""},
		{"GOROOT with system", "[env]\nGOROOT = \"/opt/go\"\n", 2, "GOROOT is managed by the [go] toolchain", `toolchain = "conda"`},
		{"case duplicate", "[env]\nGoPath = \"a\"\nGOPATH = \"b\"\n", 2, "GoPath and GOPATH (line 3) differ only in case", ""},
		{"PATH set", "[env]\nPATH = \"/bin\"\n", 2, "PATH can only be edited entry by entry", "prepend"},
		{"PATH keep", "[env]\nPATH = { keep = true }\n", 2, "PATH can only be edited", ""},
		{"PATH sep", "[env]\nPATH = { prepend = [\"/a\"], sep = \";\" }\n", 2, "platform's path-list separator", "remove sep"},
		{"empty list", "[env]\nX = { append = [] }\n", 2, "X.append is empty", ""},
		{"empty entry", "[env]\nX = { append = [\"\"] }\n", 2, "empty or non-string entry", ""},
		{"entry with sep", "[env]\nX = { append = [\"a b\"], sep = \" \" }\n", 2, "contains the separator", ""},
		{"sep without edit", "[env]\nX = { set = \"a\", sep = \" \" }\n", 2, "sep only goes with prepend or append", ""},
		{"dotted key line", "env.GOPATH = 3\n", 1, "GOPATH must be a string", ""},
		{"nul in value", "[env]\nX = \"a\\u0000b\"\n", 2, "NUL", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("goshim.toml", []byte(tt.src))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want *Error", err)
			}
			if pe.File != "goshim.toml" || pe.Line != tt.line {
				t.Errorf("position %s:%d, want goshim.toml:%d (%v)", pe.File, pe.Line, tt.line, err)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("message %q, want it to contain %q", pe.Msg, tt.msg)
			}
			if !strings.Contains(pe.Hint, tt.hint) {
				t.Errorf("hint %q, want it to contain %q", pe.Hint, tt.hint)
			}
		})
	}
}

func TestBuiltinDefault(t *testing.T) {
	p := Builtin()
	if p.Toolchain != ToolchainSystem {
		t.Errorf("toolchain %q", p.Toolchain)
	}
	// The list, by hand: every Go variable conda packages touch, GOROOT aside.
	want := []string{"CGO_ENABLED", "CONDA_GO_COMPILER", "GO111MODULE", "GOARCH", "GOBIN", "GOCACHE", "GOENV",
		"GOFLAGS", "GOINSECURE", "GOMODCACHE", "GONOPROXY", "GONOSUMDB", "GOOS", "GOPATH", "GOPRIVATE",
		"GOPROXY", "GOSUMDB", "GOTOOLCHAIN", "GOWORK"}
	if len(p.Rules) != len(want) {
		t.Fatalf("%d rules, want %d", len(p.Rules), len(want))
	}
	for i, r := range p.Rules {
		if r.Name != want[i] || r.Action != Keep {
			t.Errorf("rule %d = %s %v, want %s keep", i, r.Name, r.Action, want[i])
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{File: "goshim.toml", Line: 3, Msg: "bad", Hint: "do x"}
	if got := e.Error(); got != "goshim.toml:3: bad (fix: do x)" {
		t.Errorf("got %q", got)
	}
	e = &Error{File: "goshim.toml", Msg: "bad"}
	if got := e.Error(); got != "goshim.toml: bad" {
		t.Errorf("got %q", got)
	}
}

// TestNamesStillAllowed: the name rules must not catch ordinary variables,
// nor reads of special names every shell reads the same way.
func TestNamesStillAllowed(t *testing.T) {
	src := "[env]\n" +
		"MANPATH = { append = [\"/opt/man\"] }\n" + // zsh's manpath array, but MANPATH itself is ordinary
		"GOPATH = \"${PWD}/go\"\n" +
		"GOENV = \"${USERNAME}-goenv\"\n" +
		"CONDA_GO_COMPILER = { keep = true }\n" + // set by go-cgo, not conda's own
		"PATH = { prepend = [\"${HOME}/bin\"] }\n"
	if _, err := Parse("goshim.toml", []byte(src)); err != nil {
		t.Fatal(err)
	}
}

package condaenv

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// realistic is a typical Go project's environment.yml; the line numbers
// in the comments are what the tests below expect.
const realistic = `# goshim test env
name: goapp
channels:
  - conda-forge
  - nodefaults
dependencies:
  - conda-forge::go >=1.22
  - go-cgo_linux-64=1.22.*
  - python=3.12
  - "c-compiler"
  - gxx_linux-64 13.2 h123_0
  - clang-format
  - nodejs[version='>=20']
  - pip
  - pip:
      - requests==2.31
      - -e .
variables:
  GO111MODULE: on
  GOFLAGS: -mod=mod -trimpath
  CGO_ENABLED: 1
  GOAMD64: "v3"
  DEBUG: true
prefix: /opt/envs/goapp
x-tool-key: tolerated
`

func TestParseRealistic(t *testing.T) {
	env, err := Parse("environment.yml", []byte(realistic))
	if err != nil {
		t.Fatal(err)
	}
	if env.File != "environment.yml" || env.Name != "goapp" || env.Prefix != "/opt/envs/goapp" {
		t.Errorf("file/name/prefix = %q %q %q", env.File, env.Name, env.Prefix)
	}
	if want := []string{"conda-forge", "nodefaults"}; !reflect.DeepEqual(env.Channels, want) {
		t.Errorf("channels = %q, want %q", env.Channels, want)
	}
	wantDeps := []Dependency{
		{"conda-forge::go >=1.22", "go", 7},
		{"go-cgo_linux-64=1.22.*", "go-cgo_linux-64", 8},
		{"python=3.12", "python", 9},
		{"c-compiler", "c-compiler", 10},
		{"gxx_linux-64 13.2 h123_0", "gxx_linux-64", 11},
		{"clang-format", "clang-format", 12},
		{"nodejs[version='>=20']", "nodejs", 13},
		{"pip", "pip", 14},
	}
	if !reflect.DeepEqual(env.Dependencies, wantDeps) {
		t.Errorf("dependencies =\n%+v\nwant\n%+v", env.Dependencies, wantDeps)
	}
	if want := []string{"requests==2.31", "-e ."}; !reflect.DeepEqual(env.Pip, want) {
		t.Errorf("pip = %q, want %q", env.Pip, want)
	}
	wantVars := []Variable{
		{"GO111MODULE", "on", 19},
		{"GOFLAGS", "-mod=mod -trimpath", 20},
		{"CGO_ENABLED", "1", 21},
		{"GOAMD64", "v3", 22},
		{"DEBUG", "true", 23},
	}
	if !reflect.DeepEqual(env.Variables, wantVars) {
		t.Errorf("variables =\n%+v\nwant\n%+v", env.Variables, wantVars)
	}

	if got := names(env.GoPackages()); !reflect.DeepEqual(got, []string{"go", "go-cgo_linux-64"}) {
		t.Errorf("GoPackages = %q", got)
	}
	if got := names(env.Compilers()); !reflect.DeepEqual(got, []string{"c-compiler", "gxx_linux-64"}) {
		t.Errorf("Compilers = %q", got)
	}
	wantEnv := []EnvVar{
		{"CGO_ENABLED", "1", "environment.yml:21 variables"},
		{"DEBUG", "true", "environment.yml:23 variables"},
		{"GO111MODULE", "on", "environment.yml:19 variables"},
		{"GOAMD64", "v3", "environment.yml:22 variables"},
		{"GOFLAGS", "-mod=mod -trimpath", "environment.yml:20 variables"},
		{"GOTOOLCHAIN", "local", "package go (etc/conda/env_vars.d/go.json)"},
	}
	if got := env.CondaEnvVars(); !reflect.DeepEqual(got, wantEnv) {
		t.Errorf("CondaEnvVars =\n%+v\nwant\n%+v", got, wantEnv)
	}
}

func names(deps []Dependency) []string {
	var out []string
	for _, d := range deps {
		out = append(out, d.Name)
	}
	return out
}

func TestParseMinimalAndNulls(t *testing.T) {
	for _, src := range []string{
		"name: x\n",
		"name: x\nchannels:\ndependencies:\nvariables:\n",
		"name: x\ndependencies: []\nvariables: {}\n",
	} {
		env, err := Parse("e.yml", []byte(src))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if env.Name != "x" || len(env.Channels)+len(env.Dependencies)+len(env.Variables)+len(env.Pip) != 0 {
			t.Errorf("%q: got %+v", src, env)
		}
	}
}

func TestParseAliases(t *testing.T) {
	src := "x-flags: &flags -mod=mod\nvariables:\n  GOFLAGS: *flags\n"
	env, err := Parse("e.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := []Variable{{"GOFLAGS", "-mod=mod", 3}}; !reflect.DeepEqual(env.Variables, want) {
		t.Errorf("variables = %+v, want %+v", env.Variables, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"empty", "", 0, 0, "empty environment file"},
		{"only comment", "# nothing here\n", 0, 0, "empty environment file"},
		{"empty document", "---\n", 0, 0, "empty environment file"},
		{"null document", "~\n", 0, 0, "empty environment file"},
		{"top is a list", "- go\n- python\n", 1, 1, "top level must be a mapping"},
		{"top is a scalar", "hello\n", 1, 1, "top level must be a mapping"},
		{"deps scalar", "name: x\ndependencies: go\n", 2, 15, "dependencies must be a list, but it is a single value"},
		{"deps mapping", "name: x\ndependencies:\n  go: 1.22\n", 3, 3, "dependencies must be a list, but it is a mapping"},
		{"name list", "name: [a, b]\n", 1, 7, "name must be a string, but it is a list"},
		{"name empty", "name:\nchannels: []\n", 1, 6, "name must be a string, but it is empty"},
		{"prefix mapping", "prefix:\n  a: b\n", 2, 3, "prefix must be a string"},
		{"channels scalar", "channels: conda-forge\n", 1, 11, "channels must be a list"},
		{"channel list", "channels:\n  - [a]\n", 2, 5, "each entry of channels must be a string"},
		{"channel empty", "channels:\n  - conda-forge\n  - ''\n", 3, 5, "empty entry in channels"},
		{"dep null", "dependencies:\n  - go\n  -\n  - python\n", 3, 4, "empty dependency"},
		{"dep list", "dependencies:\n  - [go, python]\n", 2, 5, "a dependency must be a package spec, not a list"},
		{"dep bad spec", "dependencies:\n  - '>=1.22'\n", 2, 5, `cannot read a package name from ">=1.22"`},
		{"dep other key", "dependencies:\n  - go\n  - conda:\n      - x\n", 3, 5, `unknown key "conda" in dependencies`},
		{"pip scalar", "dependencies:\n  - pip: requests\n", 2, 10, "pip must be a list, but it is a single value"},
		{"pip empty", "dependencies:\n  - pip:\n", 2, 9, "pip: has no packages"},
		{"pip mapping item", "dependencies:\n  - pip:\n      - a: b\n", 3, 9, "each entry of pip must be a string"},
		{"variables list", "variables:\n  - GOFLAGS=-x\n", 2, 3, "variables must be a mapping"},
		{"variables scalar", "name: x\nvariables: GOFLAGS\n", 2, 12, "variables must be a mapping"},
		{"variable null", "variables:\n  GOPATH: /x\n  GOFLAGS:\n", 3, 11, "variable GOFLAGS has no value"},
		{"variable tilde null", "variables:\n  GOFLAGS: ~\n", 2, 12, "variable GOFLAGS has no value"},
		{"variable list", "variables:\n  GOFLAGS: [-a, -b]\n", 2, 12, "variable GOFLAGS must be a single value, but it is a list"},
		{"variable map", "variables:\n  GOFLAGS:\n    a: b\n", 3, 5, "variable GOFLAGS must be a single value, but it is a mapping"},
		{"variable dash", "variables:\n  GO-FLAGS: x\n", 2, 3, `"GO-FLAGS" is not a valid variable name`},
		{"variable digit", "variables:\n  GOOS: linux\n  1GO: x\n", 3, 3, `"1GO" is not a valid variable name`},
		{"variable dup", "variables:\n  A: 1\n  B: 2\n  A: 3\n", 4, 3, "variable A is given twice (first on line 2)"},
		{"top dup", "name: a\nchannels: []\nname: b\n", 3, 1, `key "name" is given twice (first on line 1)`},
		// yaml.v3's parser prints 0-based lines; these check the fix.
		{"bad indent", "name: x\nchannels:\n  - a\n - b\n", 4, 0, "invalid YAML: did not find expected key"},
		{"unclosed flow at the end", "[a, b\n", 2, 0, "invalid YAML: did not find expected ',' or ']'"},
		{"bad node", "name: x\nvariables:\n  GOFLAGS: ]\n", 3, 0, "invalid YAML: did not find expected node content"},
		{"tab", "name: x\n\tchannels: []\n", 2, 0, "invalid YAML: found a tab character"},
		{"unclosed flow", "name: x\nchannels: [a, b\nvariables: {}\n", 2, 0, "invalid YAML: did not find expected ',' or ']'"},
		{"no line from yaml", "a: b: c\n", 1, 0, "invalid YAML: mapping values are not allowed in this context"},
		{"control character", "name: x\nchannels:\n  - a\x01b\n", 3, 6, "invalid YAML: control characters are not allowed"},
		{"latin-1 byte", "name: x\nprefix: caf\xe9\n", 2, 12, "UTF-8"},
		{"unterminated quote", "name: \"x\nfoo: 1\n", 3, 0, "invalid YAML: found unexpected end of stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse("environment.yml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; got %+v", env)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if e.File != "environment.yml" || e.Line != tt.line || e.Col != tt.col {
				t.Errorf("position = %s:%d:%d, want environment.yml:%d:%d (%v)", e.File, e.Line, e.Col, tt.line, tt.col, err)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("msg = %q, want it to contain %q", e.Msg, tt.msg)
			}
			if e.Hint == "" {
				t.Errorf("no hint in %v", err)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "environment.yml", Line: 12, Col: 3, Msg: "dependencies must be a list", Hint: "write a list"},
			"environment.yml:12:3: dependencies must be a list (hint: write a list)"},
		{Error{File: "environment.yml", Line: 12, Msg: "bad"}, "environment.yml:12: bad"},
		{Error{File: "environment.yml", Col: 3, Msg: "bad", Hint: "fix"}, "environment.yml: bad (hint: fix)"},
		{Error{Msg: "bad"}, "bad"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "environment.yml")
	if err := os.WriteFile(path, []byte(realistic), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if env.File != path || env.Name != "goapp" {
		t.Errorf("got File=%q Name=%q", env.File, env.Name)
	}
	if got := env.CondaEnvVars()[0].Source; got != path+":21 variables" {
		t.Errorf("source = %q", got)
	}

	bad := filepath.Join(dir, "bad.yml")
	if err := os.WriteFile(bad, []byte("name: x\ndependencies: go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":2:15: dependencies must be a list") {
		t.Errorf("Load(bad) = %v", err)
	}

	missing := filepath.Join(dir, "nope.yml")
	_, err = Load(missing)
	var e *Error
	if !errors.As(err, &e) || e.File != missing || !errors.Is(err, fs.ErrNotExist) || e.Hint == "" {
		t.Errorf("Load(missing) = %v", err)
	}
}

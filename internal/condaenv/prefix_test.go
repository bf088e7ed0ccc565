package condaenv

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeFiles creates files under dir from "relative/path" → content; a
// path ending in "/" is created as a directory.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if strings.HasSuffix(rel, "/") {
			if err := os.MkdirAll(path, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIsPrefix(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"env/conda-meta/history": "",
		"empty/conda-meta/":      "",
		"notenv/bin/go":          "",
		"fileonly/conda-meta":    "not a dir",
	})
	for name, want := range map[string]bool{"env": true, "empty": true, "notenv": false, "fileonly": false, "missing": false} {
		if got := IsPrefix(filepath.Join(dir, name)); got != want {
			t.Errorf("IsPrefix(%s) = %v, want %v", name, got, want)
		}
	}
}

func TestPrefixEnvVars(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []EnvVar
	}{
		{"nothing", map[string]string{"conda-meta/history": ""}, []EnvVar{}},
		{"go package", map[string]string{
			"etc/conda/env_vars.d/go.json": "{\n  \"GOTOOLCHAIN\": \"local\"\n}",
		}, []EnvVar{{"GOTOOLCHAIN", "local", "etc/conda/env_vars.d/go.json:2"}}},
		{"later file wins, state wins over files", map[string]string{
			"etc/conda/env_vars.d/go.json": `{"GOTOOLCHAIN": "local", "GOFLAGS": "-a"}`,
			"etc/conda/env_vars.d/zz.json": "{\n\n  \"GOFLAGS\": \"-b\"}",
			"conda-meta/state":             "{\n  \"env_vars\": {\n    \"GOTOOLCHAIN\": \"go1.23.0\",\n    \"GOPATH\": \"/p\"\n  }\n}\n",
		}, []EnvVar{
			{"GOFLAGS", "-b", "etc/conda/env_vars.d/zz.json:3"},
			{"GOPATH", "/p", "conda-meta/state:4"},
			{"GOTOOLCHAIN", "go1.23.0", "conda-meta/state:3"},
		}},
		{"unset in state hides the package value", map[string]string{
			"etc/conda/env_vars.d/go.json": `{"GOTOOLCHAIN": "local"}`,
			"conda-meta/state":             `{"env_vars": {"GOTOOLCHAIN": "***unset***"}}`,
		}, []EnvVar{}},
		{"other state keys are skipped", map[string]string{
			"conda-meta/state": `{"version": 1, "x": {"env_vars": {"NO": "1"}}, "env_vars": {"A": "1"}, "y": [1, 2]}`,
		}, []EnvVar{{"A", "1", "conda-meta/state:1"}}},
		{"non-string values are exported as conda prints them", map[string]string{
			"etc/conda/env_vars.d/x.json": `{"CGO_ENABLED": 1, "ON": true, "OFF": false, "F": 1.50}`,
		}, []EnvVar{
			{"CGO_ENABLED", "1", "etc/conda/env_vars.d/x.json:1"},
			{"F", "1.50", "etc/conda/env_vars.d/x.json:1"},
			{"OFF", "False", "etc/conda/env_vars.d/x.json:1"},
			{"ON", "True", "etc/conda/env_vars.d/x.json:1"},
		}},
		{"every file is read, as conda does, and dirs are skipped", map[string]string{
			"etc/conda/env_vars.d/a-no-extension": `{"A": "1"}`,
			"etc/conda/env_vars.d/sub/":           "",
		}, []EnvVar{{"A", "1", "etc/conda/env_vars.d/a-no-extension:1"}}},
		{"state without env_vars", map[string]string{"conda-meta/state": `{}`}, []EnvVar{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := t.TempDir()
			writeFiles(t, prefix, tt.files)
			got, err := PrefixEnvVars(prefix)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPrefixEnvVarsErrors(t *testing.T) {
	tests := []struct {
		name      string
		rel, data string
		line      int
		msg       string
	}{
		{"syntax", "etc/conda/env_vars.d/go.json", "{\n  \"GOTOOLCHAIN\": local\n}", 2, "invalid JSON"},
		{"truncated", "etc/conda/env_vars.d/go.json", "{\n  \"GOTOOLCHAIN\": \"local\",\n", 3, "unexpected end of file"},
		{"empty file", "etc/conda/env_vars.d/go.json", "", 1, "unexpected end of file"},
		{"not an object", "etc/conda/env_vars.d/go.json", "\n[\"GOTOOLCHAIN\"]", 2, "must be a JSON object"},
		{"null value", "etc/conda/env_vars.d/go.json", "{\n \"A\": \"1\",\n \"GOTOOLCHAIN\": null}", 3, "variable GOTOOLCHAIN must have a string value"},
		{"object value", "conda-meta/state", "{\"env_vars\": {\n\"A\": {}}}", 2, "variable A must have a string value"},
		{"state env_vars not an object", "conda-meta/state", "{\n\"env_vars\": [1]}", 2, "must be a JSON object"},
		{"state syntax", "conda-meta/state", "{\"env_vars\": {\"A\": \"1\"}", 1, "unexpected end of file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := t.TempDir()
			writeFiles(t, prefix, map[string]string{"conda-meta/history": "", tt.rel: tt.data})
			_, err := PrefixEnvVars(prefix)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if want := filepath.Join(prefix, filepath.FromSlash(tt.rel)); e.File != want {
				t.Errorf("file = %q, want %q", e.File, want)
			}
			if e.Line != tt.line || !strings.Contains(e.Msg, tt.msg) || e.Hint == "" {
				t.Errorf("got line %d %q (hint %q), want line %d %q", e.Line, e.Msg, e.Hint, tt.line, tt.msg)
			}
		})
	}
}

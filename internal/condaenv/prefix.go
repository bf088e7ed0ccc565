package condaenv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// IsPrefix reports whether dir is a conda environment: conda marks every
// prefix, base included, with a conda-meta/ directory.
func IsPrefix(dir string) bool {
	return isDir(filepath.Join(dir, "conda-meta"))
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// Where conda keeps the variables it exports on activation (conda's
// PREFIX_STATE_FILE and PACKAGE_ENV_VARS_DIR).
const (
	stateFile  = "conda-meta/state"
	envVarsDir = "etc/conda/env_vars.d"
)

// PrefixEnvVars reads what conda exports when this prefix activates, before
// any activate.d script runs, in conda's own order: every file of
// etc/conda/env_vars.d sorted by name (later files win), then the env_vars
// of conda-meta/state (`conda env config vars set`, or environment.yml's
// variables:), which win over packages. A value of "***unset***" means conda
// unsets the variable, so it is left out. Sorted by name.
//
// Source is the file relative to prefix and the line of the key, e.g.
// "etc/conda/env_vars.d/go.json:2". Malformed JSON is an *Error naming the
// file: conda would fail to activate the env too.
func PrefixEnvVars(prefix string) ([]EnvVar, error) {
	vars := map[string]EnvVar{}
	entries, err := os.ReadDir(filepath.Join(prefix, filepath.FromSlash(envVarsDir)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	// conda reads every file here, not only *.json (os.scandir, sorted), so
	// goshim does too: a stray file breaks conda's activation just the same.
	for _, ent := range entries {
		if ent.IsDir() {
			continue
		}
		rel := envVarsDir + "/" + ent.Name()
		found, err := readVarsFile(prefix, rel, false)
		if err != nil {
			return nil, err
		}
		for _, v := range found {
			vars[v.Name] = v
		}
	}
	found, err := readVarsFile(prefix, stateFile, true)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, v := range found {
		vars[v.Name] = v
	}
	return sortedVars(vars), nil
}

// readVarsFile reads a JSON object of NAME → value (or, for the state file,
// the object under its "env_vars" key), keeping the line of each key.
func readVarsFile(prefix, rel string, state bool) ([]EnvVar, error) {
	path := filepath.Join(prefix, filepath.FromSlash(rel))
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := &jsonVars{path: path, rel: rel, data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	r.dec.UseNumber()
	if state {
		r.hint = "fix the JSON, or reset the variables with `conda env config vars unset NAME`"
		return r.state()
	}
	r.hint = "this file comes from a package: fix the JSON or reinstall the package with `conda install --force-reinstall`"
	return r.object()
}

type jsonVars struct {
	path, rel, hint string
	data            []byte
	dec             *json.Decoder
}

// state reads {"env_vars": {...}, ...other keys conda keeps...}.
func (r *jsonVars) state() ([]EnvVar, error) {
	if err := r.expectObject(); err != nil {
		return nil, err
	}
	var out []EnvVar
	for r.dec.More() {
		key, err := r.key()
		if err != nil {
			return nil, err
		}
		if key != "env_vars" {
			var skip json.RawMessage
			if err := r.dec.Decode(&skip); err != nil {
				return nil, r.syntax(err)
			}
			continue
		}
		if out, err = r.object(); err != nil {
			return nil, err
		}
	}
	return out, r.end()
}

// object reads {"NAME": "value", ...}.
func (r *jsonVars) object() ([]EnvVar, error) {
	if err := r.expectObject(); err != nil {
		return nil, err
	}
	var out []EnvVar
	for r.dec.More() {
		name, err := r.key()
		if err != nil {
			return nil, err
		}
		line := r.line(r.dec.InputOffset())
		tok, err := r.dec.Token()
		if err != nil {
			return nil, r.syntax(err)
		}
		var value string
		switch t := tok.(type) {
		case string:
			value = t
		// conda exports str(value): a JSON true becomes "True".
		case bool:
			value = map[bool]string{true: "True", false: "False"}[t]
		case json.Number:
			value = t.String()
		default:
			return nil, &Error{File: r.path, Line: line, Msg: fmt.Sprintf("variable %s must have a string value", name),
				Hint: r.hint}
		}
		out = append(out, EnvVar{Name: name, Value: value, Source: fmt.Sprintf("%s:%d", r.rel, line)})
	}
	// Consume the closing brace.
	if _, err := r.dec.Token(); err != nil {
		return nil, r.syntax(err)
	}
	return out, nil
}

func (r *jsonVars) expectObject() error {
	tok, err := r.dec.Token()
	if err != nil {
		return r.syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return &Error{File: r.path, Line: r.line(r.dec.InputOffset()),
			Msg: "must be a JSON object of NAME: value pairs", Hint: r.hint}
	}
	return nil
}

func (r *jsonVars) key() (string, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return "", r.syntax(err)
	}
	return tok.(string), nil // json.Decoder only yields string keys inside objects
}

// end checks the top-level object is closed.
func (r *jsonVars) end() error {
	if _, err := r.dec.Token(); err != nil {
		return r.syntax(err)
	}
	return nil
}

func (r *jsonVars) line(off int64) int {
	if off > int64(len(r.data)) {
		off = int64(len(r.data))
	}
	return 1 + bytes.Count(r.data[:off], []byte("\n"))
}

func (r *jsonVars) syntax(err error) *Error {
	e := &Error{File: r.path, Msg: "invalid JSON: " + err.Error(), Hint: r.hint, cause: err}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		e.Line = r.line(se.Offset)
		e.Col = int(se.Offset) - (strings.LastIndexByte(string(r.data[:min(se.Offset, int64(len(r.data)))]), '\n') + 1)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		e.Msg = "invalid JSON: unexpected end of file"
		e.Line = r.line(int64(len(r.data)))
	}
	return e
}

package condaenv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Dependency is one conda package of environment.yml's dependencies list.
type Dependency struct {
	Spec string // the match spec as written, e.g. "conda-forge::go >=1.22"
	Name string // the package name from Spec, lowercased, e.g. "go"
	Line int
}

// Variable is one entry of environment.yml's variables mapping.
type Variable struct {
	Name, Value string
	Line        int
}

// Environment is what goshim needs from an environment.yml.
type Environment struct {
	File         string
	Name, Prefix string
	Channels     []string
	Dependencies []Dependency // conda deps only (strings), in file order
	Pip          []string
	Variables    []Variable // file order
}

// varNameRe is a name every shell goshim writes for accepts as a variable;
// conda would pass any name through, and the user's shell would choke on it.
var varNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Load reads and parses an environment.yml.
func Load(path string) (*Environment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{File: path, Msg: "file not found",
				Hint: "run goshim in the folder that holds environment.yml, or pass its path", cause: err}
		}
		return nil, &Error{File: path, Msg: "cannot read: " + err.Error(), Hint: "check the file's permissions", cause: err}
	}
	return Parse(path, data)
}

// Parse reads environment.yml content. file names the file in errors.
//
// It works on yaml.Node rather than decoding into a struct so that every
// error, including a wrong type deep inside, carries a line and column.
// Unknown top-level keys are tolerated: other tools and newer conda
// versions add keys (conda-lock's platforms:, for one) that goshim ignores.
func Parse(file string, data []byte) (*Environment, error) {
	p := &envParser{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, p.yamlError(err, data)
	}
	if len(doc.Content) == 0 || isNull(resolve(doc.Content[0])) {
		return nil, &Error{File: file, Msg: "empty environment file",
			Hint: "write at least `name: myenv` and a `dependencies:` list"}
	}
	top := resolve(doc.Content[0])
	if top.Kind != yaml.MappingNode {
		return nil, p.errAt(top, "the top level must be a mapping of keys (name:, channels:, dependencies:, variables:)",
			"start the file with `name: myenv` and list packages under `dependencies:`")
	}
	env := &Environment{File: file}
	seen := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], resolve(top.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			return nil, p.errAt(k, fmt.Sprintf("key %q is given twice (first on line %d)", k.Value, first),
				"keep one of them: YAML readers disagree on which one wins")
		}
		seen[k.Value] = k.Line
		var err error
		switch k.Value {
		case "name":
			env.Name, err = p.scalar(v, "name", "write `name: myenv`")
		case "prefix":
			env.Prefix, err = p.scalar(v, "prefix", "write `prefix: /path/to/env`, or remove the line")
		case "channels":
			env.Channels, err = p.stringList(v, "channels", "write one `- conda-forge` line per channel under `channels:`")
		case "dependencies":
			err = p.dependencies(env, v)
		case "variables":
			env.Variables, err = p.variables(v)
		}
		if err != nil {
			return nil, err
		}
	}
	return env, nil
}

type envParser struct{ file string }

func (p *envParser) errAt(n *yaml.Node, msg, hint string) *Error {
	return &Error{File: p.file, Line: n.Line, Col: n.Column, Msg: msg, Hint: hint}
}

// resolve follows YAML aliases (*name) to the anchored node, so an anchor
// is read like the value it stands for.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func kindName(n *yaml.Node) string {
	switch {
	case isNull(n):
		return "empty"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	}
	return "a single value"
}

// scalar returns the text of a single value, as written.
func (p *envParser) scalar(n *yaml.Node, what, hint string) (string, error) {
	if isNull(n) || n.Kind != yaml.ScalarNode {
		return "", p.errAt(n, fmt.Sprintf("%s must be a string, but it is %s", what, kindName(n)), hint)
	}
	return n.Value, nil
}

// stringList reads a list of single values; an empty key (`channels:`) is
// an empty list, as conda reads it.
func (p *envParser) stringList(n *yaml.Node, what, hint string) ([]string, error) {
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errAt(n, fmt.Sprintf("%s must be a list, but it is %s", what, kindName(n)), hint)
	}
	var out []string
	for _, item := range n.Content {
		item = resolve(item)
		s, err := p.scalar(item, "each entry of "+what, hint)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(s) == "" {
			return nil, p.errAt(item, fmt.Sprintf("empty entry in %s", what), "remove the empty `-` line")
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, nil
}

func (p *envParser) dependencies(env *Environment, n *yaml.Node) error {
	const hint = "write one conda package per `- ` line, e.g. `- go >=1.22`, and pip packages under `- pip:`"
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return p.errAt(n, "dependencies must be a list, but it is "+kindName(n), hint)
	}
	for _, item := range n.Content {
		item = resolve(item)
		switch {
		case isNull(item):
			return p.errAt(item, "empty dependency", "remove the empty `-` line or write a package name")
		case item.Kind == yaml.ScalarNode:
			spec := strings.TrimSpace(item.Value)
			name := specName(spec)
			if name == "" {
				return p.errAt(item, fmt.Sprintf("cannot read a package name from %q", spec),
					"write a conda match spec such as `go >=1.22` or `conda-forge::go`")
			}
			env.Dependencies = append(env.Dependencies, Dependency{Spec: spec, Name: name, Line: item.Line})
		case item.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(item.Content); i += 2 {
				k, v := item.Content[i], resolve(item.Content[i+1])
				if k.Value != "pip" {
					return p.errAt(k, fmt.Sprintf("unknown key %q in dependencies: only `pip:` may hold a list there", k.Value),
						"move these packages into the main dependencies list, or under `- pip:` if they come from PyPI")
				}
				pip, err := p.stringList(v, "pip", "write one `- package` line per PyPI package under `- pip:`")
				if err != nil {
					return err
				}
				if pip == nil && isNull(v) {
					return p.errAt(v, "pip: has no packages", "list PyPI packages under it, or remove the `- pip:` line")
				}
				env.Pip = append(env.Pip, pip...)
			}
		default:
			return p.errAt(item, "a dependency must be a package spec, not "+kindName(item), hint)
		}
	}
	return nil
}

func (p *envParser) variables(n *yaml.Node) ([]Variable, error) {
	const hint = "write `variables:` followed by indented `NAME: value` lines, e.g. `GOFLAGS: -mod=mod`"
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errAt(n, "variables must be a mapping of NAME: value, but it is "+kindName(n), hint)
	}
	var out []Variable
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		name := k.Value
		if k.Kind != yaml.ScalarNode || !varNameRe.MatchString(name) {
			return nil, p.errAt(k, fmt.Sprintf("%q is not a valid variable name", name),
				"use letters, digits and _ only, not starting with a digit, e.g. GO111MODULE")
		}
		if first, dup := seen[name]; dup {
			return nil, p.errAt(k, fmt.Sprintf("variable %s is given twice (first on line %d)", name, first), "keep one of them")
		}
		seen[name] = k.Line
		switch {
		case isNull(v):
			return nil, p.errAt(v, fmt.Sprintf("variable %s has no value", name),
				fmt.Sprintf(`write %s: "" for an empty value, or remove the line`, name))
		case v.Kind != yaml.ScalarNode:
			return nil, p.errAt(v, fmt.Sprintf("variable %s must be a single value, but it is %s", name, kindName(v)),
				fmt.Sprintf(`join the parts into one string, e.g. %s: "-a -b"`, name))
		}
		// The text as written, not the YAML-typed value: "1.10" must stay
		// "1.10", and GO111MODULE: on must stay "on".
		out = append(out, Variable{Name: name, Value: v.Value, Line: k.Line})
	}
	return out, nil
}

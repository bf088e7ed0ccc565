package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/goshim/goshim/shim/expr"
)

// Parse reads and validates a goshim.toml. file is the name used in errors.
// Every problem is an *Error naming the line and the fix.
func Parse(file string, data []byte) (*Policy, error) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: file, Line: pe.Position.Line, Msg: "invalid TOML: " + pe.Message,
				Hint: "see the policy reference in the README"}
		}
		return nil, &Error{File: file, Msg: "invalid TOML: " + err.Error()}
	}
	p := &parser{file: file, lines: newLineFinder(string(data))}
	return p.policy(raw)
}

type parser struct {
	file  string
	lines *lineFinder
}

func (p *parser) errAt(line int, hint, format string, args ...any) error {
	return &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func (p *parser) policy(raw map[string]any) (*Policy, error) {
	pol := &Policy{File: p.file, Toolchain: ToolchainSystem}
	for _, k := range sortedKeys(raw) {
		if k != "go" && k != "env" {
			return nil, p.errAt(p.lines.table(k), `the only tables are [go] and [env]`, "unknown key %q", k)
		}
	}
	var gotoolchain *Rule
	if g, ok := raw["go"]; ok {
		tbl, ok := g.(map[string]any)
		if !ok {
			return nil, p.errAt(p.lines.table("go"), `write it as a [go] table`, "go must be a table")
		}
		var err error
		if gotoolchain, err = p.goTable(pol, tbl); err != nil {
			return nil, err
		}
	}
	if e, ok := raw["env"]; ok {
		tbl, ok := e.(map[string]any)
		if !ok {
			return nil, p.errAt(p.lines.table("env"), `write it as an [env] table`, "env must be a table")
		}
		for _, name := range sortedKeys(tbl) {
			r, err := p.rule(name, tbl[name])
			if err != nil {
				return nil, err
			}
			pol.Rules = append(pol.Rules, r)
		}
	}
	if gotoolchain != nil {
		if r, ok := pol.Rule("GOTOOLCHAIN"); ok {
			return nil, p.errAt(r.Line, "keep one of the two", "GOTOOLCHAIN is set both by [go] gotoolchain (line %d) and in [env]", gotoolchain.Line)
		}
		pol.Rules = append(pol.Rules, *gotoolchain)
	}
	if err := p.crossCheck(pol); err != nil {
		return nil, err
	}
	sortRules(pol.Rules)
	return pol, nil
}

func (p *parser) goTable(pol *Policy, tbl map[string]any) (*Rule, error) {
	var gotoolchain *Rule
	for _, k := range sortedKeys(tbl) {
		line := p.lines.key("go", k)
		s, ok := tbl[k].(string)
		switch k {
		case "toolchain", "root", "gotoolchain":
			if !ok {
				return nil, p.errAt(line, `quote the value: `+k+` = "..."`, "[go] %s must be a string, not %s", k, typeName(tbl[k]))
			}
		default:
			return nil, p.errAt(line, "[go] takes toolchain, root and gotoolchain", "unknown key %q in [go]", k)
		}
		switch k {
		case "toolchain":
			switch s {
			case ToolchainSystem, ToolchainConda, ToolchainPath:
				pol.Toolchain = s
			default:
				return nil, p.errAt(line, `use "system", "conda" or "path"`, "unknown toolchain %q", s)
			}
		case "root":
			if s == "" {
				return nil, p.errAt(line, "remove the line, or name the folder that holds bin/go", "[go] root is empty")
			}
			v, err := p.value(line, "[go] root", s)
			if err != nil {
				return nil, err
			}
			pol.Root = &v
		case "gotoolchain":
			v, err := p.value(line, "[go] gotoolchain", s)
			if err != nil {
				return nil, err
			}
			if err := checkGoValue("GOTOOLCHAIN", v); err != nil {
				return nil, p.errAt(line, err.hint, "[go] gotoolchain: %s", err.msg)
			}
			gotoolchain = &Rule{Name: "GOTOOLCHAIN", Action: Set, Value: v, Line: line}
		}
	}
	if pol.Toolchain == ToolchainPath && pol.Root == nil {
		return nil, p.errAt(p.lines.key("go", "toolchain"), `add root = "/path/to/go" under [go]`, `toolchain "path" needs a root`)
	}
	return gotoolchain, nil
}

// rule turns one [env] entry into a Rule: NAME = "v" or NAME = { action }.
func (p *parser) rule(name string, val any) (Rule, error) {
	line := p.lines.key("env", name)
	r := Rule{Name: name, Line: line}
	if !expr.ValidName(name) {
		return r, p.errAt(line, "names match [A-Za-z_][A-Za-z0-9_]*", "invalid variable name %q", name)
	}
	if msg, hint := nameProblem(name); msg != "" {
		return r, p.errAt(line, hint, "%s", msg)
	}
	if s, ok := val.(string); ok {
		return p.setRule(r, "set", s)
	}
	tbl, ok := val.(map[string]any)
	if !ok {
		return r, p.errAt(line, name+` = "value", or `+name+` = { keep = true }`, "%s must be a string or an inline table, not %s", name, typeName(val))
	}
	var actions []string
	for _, k := range sortedKeys(tbl) {
		switch k {
		case "set", "keep", "unset", "default", "prepend", "append", "sep":
		default:
			return r, p.errAt(line, "use one of set, keep, unset, default, prepend/append (with optional sep)", "unknown key %q for %s", k, name)
		}
		if k != "sep" && k != "append" {
			actions = append(actions, k)
		}
	}
	if _, ok := tbl["append"]; ok && !contains(actions, "prepend") {
		actions = append(actions, "append")
	}
	if len(actions) != 1 {
		if len(actions) == 0 {
			return r, p.errAt(line, "add one of set, keep, unset, default, prepend, append", "%s has no action", name)
		}
		return r, p.errAt(line, "give each variable exactly one action (prepend and append may go together)", "%s has conflicting actions: %s", name, strings.Join(actions, ", "))
	}
	if _, ok := tbl["sep"]; ok && actions[0] != "prepend" && actions[0] != "append" {
		return r, p.errAt(line, "remove sep, or use prepend/append", "sep only goes with prepend or append (%s)", name)
	}
	switch a := actions[0]; a {
	case "set", "default":
		s, ok := tbl[a].(string)
		if !ok {
			return r, p.errAt(line, fmt.Sprintf(`%s = { %s = "value" }`, name, a), "%s.%s must be a string, not %s", name, a, typeName(tbl[a]))
		}
		return p.setRule(r, a, s)
	case "keep", "unset":
		b, ok := tbl[a].(bool)
		if !ok || !b {
			return r, p.errAt(line, fmt.Sprintf(`%s = { %s = true }, or remove the line`, name, a), "%s.%s must be true", name, a)
		}
		if name == "PATH" {
			return r, p.errAt(line, `PATH = { prepend = ["dir"] } or { append = [...] }`, "PATH can only be edited entry by entry")
		}
		r.Action = Keep
		if a == "unset" {
			r.Action = Unset
		}
		return r, nil
	default: // prepend and/or append
		return p.editRule(r, tbl)
	}
}

func (p *parser) setRule(r Rule, kind, s string) (Rule, error) {
	if r.Name == "PATH" {
		return r, p.errAt(r.Line, `PATH = { prepend = ["dir"] } or { append = [...] }`, "PATH can only be edited entry by entry, not set")
	}
	v, err := p.value(r.Line, r.Name, s)
	if err != nil {
		return r, err
	}
	if err := checkGoValue(r.Name, v); err != nil {
		return r, p.errAt(r.Line, err.hint, "%s: %s", r.Name, err.msg)
	}
	r.Action, r.Value = Set, v
	if kind == "default" {
		r.Action = Default
	}
	return r, nil
}

// value parses s, written for what at line, as a policy value that reads
// no name goshim or a shell owns.
func (p *parser) value(line int, what, s string) (expr.Value, error) {
	v, err := expr.Parse(s)
	if err != nil {
		return v, p.errAt(line, "", "%s: %v", what, err)
	}
	if msg := checkRefs(v); msg != "" {
		return v, p.errAt(line, "read another variable, or write the value out", "%s: %s", what, msg)
	}
	return v, nil
}

func (p *parser) editRule(r Rule, tbl map[string]any) (Rule, error) {
	r.Action = Edit
	if s, ok := tbl["sep"]; ok {
		sep, ok := s.(string)
		if !ok || sep == "" || strings.IndexByte(sep, 0) >= 0 {
			return r, p.errAt(r.Line, `sep = " "`, "%s.sep must be a non-empty string", r.Name)
		}
		if r.Name == "PATH" {
			return r, p.errAt(r.Line, "remove sep", "PATH always uses the platform's path-list separator")
		}
		r.Sep = sep
	}
	for _, k := range []string{"prepend", "append"} {
		raw, ok := tbl[k]
		if !ok {
			continue
		}
		list, ok := raw.([]any)
		if !ok {
			return r, p.errAt(r.Line, fmt.Sprintf(`%s = { %s = ["entry"] }`, r.Name, k), "%s.%s must be a list of strings", r.Name, k)
		}
		if len(list) == 0 {
			return r, p.errAt(r.Line, "add an entry or remove the key", "%s.%s is empty", r.Name, k)
		}
		for _, item := range list {
			s, ok := item.(string)
			if !ok || s == "" {
				return r, p.errAt(r.Line, "every entry is a non-empty string", "%s.%s has an empty or non-string entry", r.Name, k)
			}
			if r.Sep != "" && strings.Contains(s, r.Sep) {
				return r, p.errAt(r.Line, "give each entry separately", "%s.%s entry %q contains the separator %q", r.Name, k, s, r.Sep)
			}
			v, err := p.value(r.Line, r.Name+"."+k, s)
			if err != nil {
				return r, err
			}
			if k == "prepend" {
				r.Prepend = append(r.Prepend, v)
			} else {
				r.Append = append(r.Append, v)
			}
		}
	}
	return r, nil
}

// crossCheck enforces rules that span entries.
func (p *parser) crossCheck(pol *Policy) error {
	seen := map[string]Rule{}
	for _, r := range pol.Rules {
		// Windows names are case-insensitive: GOPATH and GoPath are one variable there.
		up := strings.ToUpper(r.Name)
		if o, ok := seen[up]; ok {
			return p.errAt(r.Line, "keep one spelling", "%s and %s (line %d) differ only in case, which Windows treats as one variable", r.Name, o.Name, o.Line)
		}
		seen[up] = r
		if up == "GOROOT" && pol.Toolchain != ToolchainConda {
			return p.errAt(r.Line, `remove it, or set toolchain = "conda" under [go] to manage GOROOT yourself`, "GOROOT is managed by the [go] toolchain")
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	default:
		return fmt.Sprintf("%T", v)
	}
}

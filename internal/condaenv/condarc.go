package condaenv

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// condarcEnvsDirs reads the envs_dirs list of one .condarc. conda's alias
// envs_path is read too. It is a minimal reader on purpose: a missing or
// broken .condarc is skipped, because finding an env must not fail over a
// file that conda itself would report better.
func condarcEnvsDirs(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	top := resolve(doc.Content[0])
	if top.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(top.Content); i += 2 {
		// conda's "#!final" markers are YAML comments, so keys are plain.
		if key := top.Content[i].Value; key != "envs_dirs" && key != "envs_path" {
			continue
		}
		v := resolve(top.Content[i+1])
		switch v.Kind {
		case yaml.ScalarNode:
			if !isNull(v) && v.Value != "" {
				out = append(out, v.Value)
			}
		case yaml.SequenceNode:
			for _, item := range v.Content {
				if item = resolve(item); item.Kind == yaml.ScalarNode && !isNull(item) && item.Value != "" {
					out = append(out, item.Value)
				}
			}
		}
	}
	return out
}

var (
	posixVarRe = regexp.MustCompile(`\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))`)
	winVarRe   = regexp.MustCompile(`%([A-Za-z_][A-Za-z0-9_()]*)%`)
)

// expand does what conda does to a configured path: expand ~ and
// environment variables ($VAR, ${VAR}, and %VAR% on Windows). Unknown
// variables are left as written, as Python's os.path.expandvars does.
func (l Locator) expand(path string) string {
	path = l.expandVars(path)
	if p, err := l.expandHome(path); err == nil {
		path = p
	}
	if path == "" {
		return ""
	}
	return filepath.Clean(path)
}

func (l Locator) expandVars(s string) string {
	s = posixVarRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := posixVarRe.FindStringSubmatch(m)
		name := sub[1] + sub[2]
		if v, ok := l.lookup(name); ok {
			return v
		}
		return m
	})
	if l.windows() {
		s = winVarRe.ReplaceAllStringFunc(s, func(m string) string {
			if v, ok := l.lookup(m[1 : len(m)-1]); ok {
				return v
			}
			return m
		})
	}
	return s
}

// expandHome expands a leading ~ like go-homedir, but with the injected
// home directory: "~" and "~/x" (and "~\x" on Windows); "~user" is an error.
func (l Locator) expandHome(path string) (string, error) {
	if !strings.HasPrefix(path, "~") {
		return path, nil
	}
	if len(path) > 1 && path[1] != '/' && !(l.windows() && path[1] == '\\') {
		return "", &Error{File: path, Msg: "cannot expand ~user paths", Hint: "write the full path instead"}
	}
	if l.Home == "" {
		return "", &Error{File: path, Msg: "cannot expand ~: home directory unknown", Hint: "write the full path instead"}
	}
	return filepath.Join(l.Home, path[1:]), nil
}

// tilde shortens a path under the home directory for messages: ~/.condarc.
func (l Locator) tilde(path string) string {
	if l.Home != "" {
		if rel, err := filepath.Rel(l.Home, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			if rel == "." {
				return "~"
			}
			return "~/" + filepath.ToSlash(rel)
		}
	}
	return path
}

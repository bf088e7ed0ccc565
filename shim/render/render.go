// Package render turns a Plan into the hook files for one shell, using that
// shell's embedded template and quoting. Output is byte-stable: the same
// plan always renders to the same bytes.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"
	"text/template"

	"github.com/goshim/goshim/shim/expr"
	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/shell"
	"github.com/goshim/goshim/templates"
)

// File is one generated hook, at a slash-separated path relative to an env prefix.
type File struct {
	Path string
	Data []byte
}

// The three hooks of a hook set, and where conda finds them. activate.d runs
// in code-point order and deactivate.d in reverse, so "+" (sorting before
// digits and letters) and "~" (after them) bracket every package's scripts:
// save runs first on activation, apply last; restore runs last on deactivation.
type role struct {
	template string
	dir      string
	prefix   string
	suffix   string
	about    string
}

var roles = []role{
	{"save", "activate.d", "+goshim-", "-save", "runs first on activation: records every managed variable as it was before `conda activate`"},
	{"apply", "activate.d", "~goshim-", "", "runs last on activation: applies the policy over whatever conda and packages set"},
	{"restore", "deactivate.d", "+goshim-", "", "runs last on deactivation: puts every managed variable back exactly"},
}

// Files renders the hook set of p for sh.
func Files(p *plan.Plan, sh shell.Shell) ([]File, error) {
	tmpl, err := parseTemplate(p, sh)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, r := range roles {
		var body bytes.Buffer
		if err := tmpl.ExecuteTemplate(&body, r.template, p); err != nil {
			return nil, unwrapExecError(sh, err)
		}
		name := r.prefix + p.ID + r.suffix + sh.Ext()
		data := append(header(p, sh, r), body.Bytes()...)
		out = append(out, File{Path: path.Join("etc/conda", r.dir, name), Data: data})
	}
	return out, nil
}

// All renders every shell's hook set, in the shells' order.
func All(p *plan.Plan, shells []shell.Shell) ([]File, error) {
	var out []File
	for _, sh := range shells {
		fs, err := Files(p, sh)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// parsed holds each shell's template, parsed once per process (with the
// functions of an empty plan: parsing needs only their names).
var parsed struct {
	sync.Mutex
	m map[string]*template.Template
}

// parseTemplate returns sh's template bound to p's functions: a clone of
// the parsed one, so concurrent renders never share function bindings.
func parseTemplate(p *plan.Plan, sh shell.Shell) (*template.Template, error) {
	parsed.Lock()
	t, ok := parsed.m[sh.Name()]
	if !ok {
		src, err := templates.FS.ReadFile(sh.Name() + sh.Ext() + ".tmpl")
		if err != nil {
			parsed.Unlock()
			return nil, fmt.Errorf("no template for shell %s: %w", sh.Name(), err)
		}
		t, err = template.New(sh.Name()).Delims("{%", "%}").Option("missingkey=error").Funcs(funcs(&plan.Plan{}, sh)).Parse(string(src))
		if err != nil {
			parsed.Unlock()
			return nil, err
		}
		if parsed.m == nil {
			parsed.m = map[string]*template.Template{}
		}
		parsed.m[sh.Name()] = t
	}
	parsed.Unlock()
	c, err := t.Clone()
	if err != nil {
		return nil, err
	}
	return c.Funcs(funcs(p, sh)), nil
}

// Templates use {% %} as delimiters: "{{" collides with shell text such as "${{".

// funcs are the only way data reaches a script: q quotes a literal, v
// expands a policy value, n and st emit names after checking them again.
func funcs(p *plan.Plan, sh shell.Shell) template.FuncMap {
	name := func(s string) (string, error) {
		if !expr.ValidName(s) {
			return "", fmt.Errorf("invalid variable name %q", s)
		}
		return s, nil
	}
	return template.FuncMap{
		"q": sh.Quote,
		"v": func(varName string, val any) (string, error) {
			v, ok := val.(expr.Value)
			if pv, isPtr := val.(*expr.Value); isPtr && pv != nil {
				v, ok = *pv, true
			}
			if !ok {
				return "", fmt.Errorf("%s: template passed %T, not a value", varName, val)
			}
			return expandValue(sh, varName, v, false)
		},
		// ve is v for a list entry, which a shell may read once more when it
		// takes the entry out again (cmd's CALL SET).
		"ve": func(varName string, val expr.Value) (string, error) {
			return expandValue(sh, varName, val, true)
		},
		"n": name,
		"st": func(kind, varName string) (string, error) {
			return name("_GOSHIM_" + p.StateID + "__" + kind + "_" + varName)
		},
		"marker": func() (string, error) {
			return name("_GOSHIM_" + p.StateID + "__SAVED")
		},
		"entries": entries,
		// removal is the order to take entries out from the ends of a list
		// (cmd): prepended ones from the front in policy order, appended ones
		// from the end, last first
		"removal": func(of any) ([]Entry, error) {
			es, err := entries(of)
			if err != nil {
				return nil, err
			}
			var pre, app []Entry
			for _, e := range es {
				if e.Prepend {
					pre = append([]Entry{e}, pre...)
				} else {
					app = append([]Entry{e}, app...)
				}
			}
			return append(pre, app...), nil
		},
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs key/value pairs")
			}
			m := map[string]any{}
			for i := 0; i < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m, nil
		},
	}
}

// expandValue writes v for sh, after the shell's own vetoes of a value it
// cannot hold as a whole (e.g. an empty string in PowerShell), and of a
// list entry (entry), beyond what quoting each piece catches.
func expandValue(sh shell.Shell, varName string, v expr.Value, entry bool) (string, error) {
	fail := func(err error) (string, error) { return "", &ValueError{Shell: sh.Name(), Var: varName, Err: err} }
	if c, ok := sh.(interface{ CheckEntry(expr.Value) error }); ok && entry {
		if err := c.CheckEntry(v); err != nil {
			return fail(err)
		}
	}
	if c, ok := sh.(interface{ CheckValue(expr.Value) error }); ok {
		if err := c.CheckValue(v); err != nil {
			return fail(err)
		}
	}
	s, err := sh.Expand(v)
	if err != nil {
		return fail(err)
	}
	return s, nil
}

// Entry is one list entry a hook adds, with the name of the state variable
// that remembers it. Prepend entries come in reverse policy order, so that
// adding each one at the front leaves them in the order the policy wrote.
type Entry struct {
	Key     string // P1.. for prepend, X1.. for append
	Value   expr.Value
	Prepend bool
}

func entries(of any) ([]Entry, error) {
	var r policy.Rule
	switch x := of.(type) {
	case policy.Rule:
		r = x
	case *policy.Rule:
		r = *x
	case plan.Var:
		r = x.Rule
	default:
		return nil, fmt.Errorf("entries of %T", of)
	}
	var out []Entry
	for i := len(r.Prepend) - 1; i >= 0; i-- {
		out = append(out, Entry{Key: fmt.Sprintf("P%d", i+1), Value: r.Prepend[i], Prepend: true})
	}
	for i, v := range r.Append {
		out = append(out, Entry{Key: fmt.Sprintf("X%d", i+1), Value: v})
	}
	return out, nil
}

func header(p *plan.Plan, sh shell.Shell, r role) []byte {
	c := sh.Comment()
	var inputs []string
	for _, in := range p.Inputs {
		inputs = append(inputs, fmt.Sprintf("%s (sha256:%s)", commentSafe(sh, in.Name), in.Digest))
	}
	if len(inputs) == 0 {
		inputs = []string{"embedded default policy"}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s Generated by goshim. DO NOT EDIT: regenerate with `goshim generate`, check with `goshim check`.\n", c)
	fmt.Fprintf(&b, "%s Hook set %q, %s: %s.\n", c, p.ID, r.template, r.about)
	fmt.Fprintf(&b, "%s Inputs: %s\n", c, strings.Join(inputs, ", "))
	fmt.Fprintf(&b, "%s Digest: sha256:%s\n", c, p.Digest)
	return b.Bytes()
}

// commentSafe keeps a file name from ending a comment line early. cmd.exe
// still expands %VAR% and honours a trailing ^ inside @REM, so there only
// plainly safe characters pass.
func commentSafe(sh shell.Shell, s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029':
			return '?'
		case sh.Name() == "cmd" && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-+~ ", r)):
			return '_'
		}
		return r
	}, s)
}

// ValueError is a policy value a shell cannot hold.
type ValueError struct {
	Shell string // canonical shell name
	Var   string // the variable, or "[go] root"
	Err   error
}

func (e *ValueError) Error() string { return e.Shell + ": " + e.Var + ": " + e.Err.Error() }
func (e *ValueError) Unwrap() error { return e.Err }

func unwrapExecError(sh shell.Shell, err error) error {
	var ve *ValueError
	if errors.As(err, &ve) {
		return ve
	}
	msg := err.Error()
	// text/template prefixes "template: sh:12:3: executing ... error calling q:"; keep the cause.
	if i := strings.LastIndex(msg, "error calling "); i >= 0 {
		if j := strings.Index(msg[i:], ": "); j >= 0 {
			msg = msg[i+j+2:]
		}
	}
	return fmt.Errorf("%s: %s", sh.Name(), msg)
}

// Package plan turns a validated policy and what is known of the conda env
// into a shell-neutral, ordered Plan: which variables the hooks save, how
// each one is overridden while the env is active, and the hook identity.
// Renderers for each shell only translate a Plan; they decide nothing.
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/goshim/goshim/shim/expr"
	"github.com/goshim/goshim/shim/policy"
)

// Var is one managed variable other than PATH.
type Var struct {
	policy.Rule
	// Toolchain marks GOROOT under a system/path toolchain: saved and
	// restored like keep, unset while the found system Go is in use.
	Toolchain bool
	// FromConda marks a variable conda itself exports before any activate.d
	// script runs (environment.yml variables, packages' env_vars.d). Its
	// value from before activation is then conda's backup, not the current one.
	FromConda bool
	// CondaSource says where conda's value comes from, for messages.
	CondaSource string
}

// Input is one file the plan was made from, for headers and drift checks.
type Input struct {
	Name   string // as shown in headers: the base name, so output is machine-independent
	Digest string // sha256 of the bytes, hex
}

// Plan is everything a renderer needs, already validated and sorted.
type Plan struct {
	ID        string      // hook identity in file names: [a-z0-9._-]
	StateID   string      // hook identity in state variable names: [A-Z0-9_], no "__"
	Toolchain string      // policy.Toolchain*
	Root      *expr.Value // configured Go root, nil if none
	Vars      []Var       // sorted by name
	Path      *policy.Rule
	Inputs    []Input
	Digest    string // sha256 over all inputs
	Notes     []string
}

// CondaVar is a variable conda exports on activation, and where it comes from.
type CondaVar struct{ Name, Value, Source string }

// Options are the facts about the env that the policy alone does not give.
type Options struct {
	ID        string     // hook identity; "" means "goshim"
	CondaVars []CondaVar // what conda exports before scripts run
	Inputs    []Input
}

// Build makes the plan. It fails only for facts that contradict the policy.
func Build(pol *policy.Policy, opt Options) (*Plan, error) {
	id := opt.ID
	if id == "" {
		id = "goshim"
	}
	p := &Plan{
		ID:        FileID(id),
		StateID:   StateID(FileID(id)),
		Toolchain: pol.Toolchain,
		Root:      pol.Root,
		Inputs:    opt.Inputs,
	}
	conda := map[string]CondaVar{}
	for _, cv := range opt.CondaVars {
		conda[cv.Name] = cv
	}
	for _, r := range pol.Rules {
		if r.Name == "PATH" {
			rule := r
			p.Path = &rule
			continue
		}
		v := Var{Rule: r}
		if cv, ok := conda[r.Name]; ok {
			v.FromConda, v.CondaSource = true, cv.Source
			p.Notes = append(p.Notes, condaNote(r, cv))
		}
		p.Vars = append(p.Vars, v)
	}
	if pol.Toolchain != policy.ToolchainConda {
		v := Var{Rule: policy.Rule{Name: "GOROOT", Action: policy.Keep}, Toolchain: true}
		if cv, ok := conda["GOROOT"]; ok {
			v.FromConda, v.CondaSource = true, cv.Source
		}
		p.Vars = append(p.Vars, v)
	}
	for _, cv := range opt.CondaVars {
		if _, managed := pol.Rule(cv.Name); !managed && isGoVar(cv.Name) && !(cv.Name == "GOROOT" && pol.Toolchain != policy.ToolchainConda) {
			p.Notes = append(p.Notes, fmt.Sprintf("%s=%q is exported by conda (%s) and not managed by the policy: it stays in effect while the env is active", cv.Name, cv.Value, cv.Source))
		}
	}
	sort.Slice(p.Vars, func(i, j int) bool { return p.Vars[i].Name < p.Vars[j].Name })
	p.Digest = digest(opt.Inputs)
	return p, nil
}

func condaNote(r policy.Rule, cv CondaVar) string {
	var wins string
	switch r.Action {
	case policy.Set:
		wins = fmt.Sprintf("goshim's value %q wins", r.Value.Raw)
	case policy.Unset:
		wins = "goshim unsets it"
	case policy.Keep:
		wins = "goshim puts back the value from before activation (conda's backup)"
	case policy.Default:
		wins = fmt.Sprintf("goshim puts back the value from before activation, or %q if there was none", r.Value.Raw)
	case policy.Edit:
		wins = "goshim adds its entries to conda's value"
	}
	return fmt.Sprintf("%s=%q is exported by conda (%s) before goshim runs; while active %s; on deactivate conda restores its own backup after goshim's hook (an originally unset variable comes back as set-but-empty in conda's posix shells)", r.Name, cv.Value, cv.Source, wins)
}

func isGoVar(name string) bool {
	return strings.HasPrefix(name, "GO") || strings.HasPrefix(name, "CGO_") || name == "CONDA_GO_COMPILER"
}

func digest(inputs []Input) string {
	h := sha256.New()
	for _, in := range inputs {
		fmt.Fprintf(h, "%s\x00%s\x00", in.Name, in.Digest)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// DigestBytes is the sha256 of one input's content.
func DigestBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// FileID makes an env or package name safe for a file name on every OS.
func FileID(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		return "goshim"
	}
	return s
}

// StateID makes a FileID usable inside variable names. It has no "__", so
// "_GOSHIM_<ID>__<rest>" can never be read two ways. Where the mapping loses
// something (ml-env and ml_env would both be ML_ENV), a short hash of the
// FileID follows, so two envs stacked one on the other never share state.
func StateID(fileID string) string {
	name := fileID
	var b strings.Builder
	under := false
	for _, r := range strings.ToUpper(name) {
		ok := r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !ok {
			if !under {
				b.WriteByte('_')
			}
			under = true
			continue
		}
		under = false
		b.WriteRune(r)
	}
	s := strings.Trim(b.String(), "_")
	if s == "" {
		s = "GOSHIM"
	}
	if strings.ToLower(s) != fileID {
		sum := sha256.Sum256([]byte(fileID))
		s += "_" + strings.ToUpper(hex.EncodeToString(sum[:3]))
	}
	return s
}

// HasCondaVars reports whether any managed variable is one conda exports,
// so hooks need the level of conda's backups.
func (p *Plan) HasCondaVars() bool {
	for _, v := range p.Vars {
		if v.FromConda {
			return true
		}
	}
	return false
}

// HasToolchain reports whether the hooks look for a Go toolchain.
func (p *Plan) HasToolchain() bool { return p.Toolchain != policy.ToolchainConda }

// Lists returns the managed variables that are list edits, PATH excluded.
func (p *Plan) Lists() []Var {
	var out []Var
	for _, v := range p.Vars {
		if v.Action == policy.Edit {
			out = append(out, v)
		}
	}
	return out
}

// Package policy owns goshim.toml: its strict schema, its validation and the
// embedded default policy. It turns text a user may have copied from anywhere
// into typed, validated rules; nothing in it is ever executed.
package policy

import (
	"fmt"
	"sort"

	"github.com/goshim/goshim/shim/expr"
)

// Toolchain modes: which go wins on PATH while the env is active.
const (
	ToolchainSystem = "system" // find the system Go at activation, put it first
	ToolchainConda  = "conda"  // leave the toolchain to conda
	ToolchainPath   = "path"   // like system, but only the configured root
)

// Action is what a rule does to its variable while the env is active.
type Action int

const (
	Set     Action = iota // export Value
	Unset                 // unset
	Keep                  // the value from before `conda activate` began
	Default               // the value from before activation, or Value if it was unset
	Edit                  // add Prepend/Append entries to a list, remove exactly those after
)

func (a Action) String() string {
	return [...]string{"set", "unset", "keep", "default", "edit"}[a]
}

// Rule is one validated [env] entry.
type Rule struct {
	Name    string
	Action  Action
	Value   expr.Value   // Set and Default
	Prepend []expr.Value // Edit
	Append  []expr.Value // Edit
	Sep     string       // Edit; "" means the platform's path-list separator
	Line    int          // where it was written (0 for built-in rules)
}

// Policy is a validated goshim.toml.
type Policy struct {
	File      string // the name errors and headers use
	Toolchain string
	Root      *expr.Value // [go] root; nil when not given
	Rules     []Rule      // sorted by Name, so output is byte-stable
}

// Rule returns the rule for name, if any.
func (p *Policy) Rule(name string) (Rule, bool) {
	for _, r := range p.Rules {
		if r.Name == name {
			return r, true
		}
	}
	return Rule{}, false
}

// Error is a problem in a policy file, with where it is and how to fix it.
type Error struct {
	File string
	Line int
	Msg  string
	Hint string
}

func (e *Error) Error() string {
	pos := e.File
	if e.Line > 0 {
		pos = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Hint == "" {
		return fmt.Sprintf("%s: %s", pos, e.Msg)
	}
	return fmt.Sprintf("%s: %s (fix: %s)", pos, e.Msg, e.Hint)
}

func sortRules(rules []Rule) {
	sort.Slice(rules, func(i, j int) bool { return rules[i].Name < rules[j].Name })
}

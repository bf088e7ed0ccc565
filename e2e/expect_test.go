package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goshim/goshim/shim/expr"
	"github.com/goshim/goshim/shim/policy"
)

func sp(s string) *string { return &s }

func show(v *string) string {
	if v == nil {
		return "unset"
	}
	return fmt.Sprintf("%q", *v)
}

func eqp(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// condaOwned is conda's own bookkeeping, which comparisons skip: CONDA_*
// (unless an env's policy manages the name, like CONDA_GO_COMPILER),
// __CONDA_SHLVL_* backups, _CE_*, PS1.
func condaOwned(envs ...*testEnv) func(string) bool {
	return func(n string) bool {
		for _, e := range envs {
			if e.managed(n) {
				return false
			}
		}
		return strings.HasPrefix(n, "CONDA_") || strings.HasPrefix(n, "__CONDA_SHLVL_") ||
			strings.HasPrefix(n, "_CE_") || n == "PS1"
	}
}

func splitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, string(os.PathListSeparator))
}

func joinPath(parts ...[]string) string {
	var all []string
	for _, p := range parts {
		all = append(all, p...)
	}
	return strings.Join(all, string(os.PathListSeparator))
}

// normPath drops the condabin entries an activator added that base does
// not have (conda/micromamba put <root>/condabin on PATH on a first
// activation when the hook did not; that entry is conda's, not goshim's).
func normPath(p, base string) string {
	in := map[string]bool{}
	for _, e := range splitPath(base) {
		in[e] = true
	}
	var out []string
	for _, e := range splitPath(p) {
		if strings.HasSuffix(e, "condabin") && !in[e] {
			continue
		}
		out = append(out, e)
	}
	return joinPath(out)
}

// diffEnv lists every difference between two environments, except the
// names ignore skips; PATH compares after normPath against base.
func diffEnv(want, got map[string]string, ignore func(string) bool, basePath string) []string {
	names := map[string]bool{}
	for n := range want {
		names[n] = true
	}
	for n := range got {
		names[n] = true
	}
	var sorted []string
	for n := range names {
		if !ignore(n) {
			sorted = append(sorted, n)
		}
	}
	sort.Strings(sorted)
	var out []string
	for _, n := range sorted {
		w, wok := want[n]
		g, gok := got[n]
		if n == "PATH" && wok && gok {
			w, g = normPath(w, basePath), normPath(g, basePath)
		}
		if wok != gok || w != g {
			var wp, gp *string
			if wok {
				wp = &w
			}
			if gok {
				gp = &g
			}
			out = append(out, fmt.Sprintf("%s: want %s, got %s", n, show(wp), show(gp)))
		}
	}
	return out
}

// expand renders a policy value the way the hooks do at activation: ${X}
// reads X (unset is empty) from env, a leading ~ is HOME.
func expand(v expr.Value, env map[string]string) string {
	var b strings.Builder
	for _, s := range v.Segs {
		switch s.Kind {
		case expr.Literal:
			b.WriteString(s.Text)
		case expr.Var:
			b.WriteString(env[s.Text])
		case expr.Home:
			b.WriteString(env["HOME"])
		}
	}
	return b.String()
}

// applyEdit adds a list rule's entries to cur (docs/hooks.md, apply 2).
func applyEdit(cur *string, r policy.Rule, env map[string]string) *string {
	sep := r.Sep
	if sep == "" {
		sep = string(os.PathListSeparator)
	}
	v := ""
	if cur != nil {
		v = *cur
	}
	for i := len(r.Prepend) - 1; i >= 0; i-- {
		if e := expand(r.Prepend[i], env); e != "" {
			if v == "" {
				v = e
			} else {
				v = e + sep + v
			}
		}
	}
	for _, a := range r.Append {
		if e := expand(a, env); e != "" {
			if v == "" {
				v = e
			} else {
				v = v + sep + e
			}
		}
	}
	if v != "" || cur != nil {
		return &v
	}
	return nil
}

// expectInside is what an env's policy makes of every managed variable
// while active (PATH aside): orig is the state before `conda activate`,
// pre the state goshim's apply started from (after conda and the package
// scripts ran), which list edits build on.
func expectInside(e *testEnv, orig, pre checkpoint) map[string]*string {
	want := map[string]*string{}
	for _, r := range e.policy.Rules {
		if r.Name == "PATH" {
			continue
		}
		o := orig.get(r.Name)
		switch r.Action {
		case policy.Set:
			want[r.Name] = sp(expand(r.Value, pre.env))
		case policy.Unset:
			want[r.Name] = nil
		case policy.Keep:
			want[r.Name] = o
		case policy.Default:
			if o != nil {
				want[r.Name] = o
			} else {
				want[r.Name] = sp(expand(r.Value, pre.env))
			}
		case policy.Edit:
			want[r.Name] = applyEdit(pre.get(r.Name), r, pre.env)
		}
	}
	if e.policy.Toolchain != policy.ToolchainConda {
		want["GOROOT"] = nil // the system Go was found: GOROOT is unset while active
	}
	return want
}

// expectInsidePath is PATH after goshim's apply: the toolchain's bin
// first, then the policy's prepends, then PATH as conda and the package
// scripts left it minus one occurrence of each stale entry
// (_GOSHIM_STALE_PATH), then the appends.
func expectInsidePath(e *testEnv, pre checkpoint) string {
	cur := splitPath(pre.env["PATH"])
	for _, s := range splitPath(pre.env["_GOSHIM_STALE_PATH"]) {
		cur = removeOnce(cur, s)
	}
	var front, back []string
	if e.policy.Toolchain != policy.ToolchainConda {
		front = append(front, filepath.Join(h.goroot, "bin"))
	}
	if r, ok := e.policy.Rule("PATH"); ok {
		for _, p := range r.Prepend {
			if x := expand(p, pre.env); x != "" {
				front = append(front, x)
			}
		}
		for _, a := range r.Append {
			if x := expand(a, pre.env); x != "" {
				back = append(back, x)
			}
		}
	}
	return joinPath(front, cur, back)
}

func removeOnce(list []string, e string) []string {
	for i, x := range list {
		if x == e {
			return append(append([]string{}, list[:i]...), list[i+1:]...)
		}
	}
	return list
}

// managedNames are the variables an env's hooks save and restore (PATH aside).
func managedNames(e *testEnv) []string {
	var out []string
	for _, r := range e.policy.Rules {
		if r.Name != "PATH" {
			out = append(out, r.Name)
		}
	}
	if e.policy.Toolchain != policy.ToolchainConda {
		out = append(out, "GOROOT")
	}
	sort.Strings(out)
	return out
}

package e2e

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestConformance checks an activator against the table in
// shared/docs/conda-activation.md §1-2, with two plain envs whose
// activate.d/deactivate.d hold one checkpoint script per interesting first
// character. It holds the emulator to the doc, and, where a real conda
// runs, the doc (and so the emulator) to the real conda:
//
//	activate from nothing, --stack, switch, reactivate, deactivate of a
//	stacked and of a nested env, deactivate to nothing: which scripts run,
//	in which order, and what CONDA_PREFIX, PATH and env_vars they see.
func TestConformance(t *testing.T) {
	fx := getFixtures(t)
	acts := selectedActivators(t)
	for _, row := range selectedShells() {
		row := row
		t.Run(row.name, func(t *testing.T) {
			sh := findShell(t, row)
			for _, act := range acts {
				act := act
				t.Run(act.name, func(t *testing.T) {
					t.Parallel()
					conformance(t, fx, sh, act)
				})
			}
		})
	}
}

func probeOrder() []string {
	names := append([]string{}, probeScriptNames...)
	sort.Strings(names)
	return names
}

func probeActs(e *testEnv) []string {
	var out []string
	for _, n := range probeOrder() {
		out = append(out, e.name+":act:"+n)
	}
	return out
}

func probeDeacts(e *testEnv) []string {
	names := probeOrder()
	var out []string
	for i := len(names) - 1; i >= 0; i-- {
		out = append(out, e.name+":deact:"+names[i])
	}
	return out
}

func conformance(t *testing.T, fx *fixtures, sh *shellOK, act *activator) {
	p1, p2 := fx.probe1, fx.probe2
	dir := runDir(t)
	home := filepath.Join(dir, "home")
	s := newScript(sh, act)
	s.export("E2E_PROBE_VAR", "user")
	s.unset("E2E_STATE_VAR")
	s.hook()
	s.cp("base")
	s.activate(p1)
	s.cp("in-1")
	s.activate(p2)
	s.cp("in-2-switched")
	s.activate(p2)
	s.cp("in-2-re")
	s.deactivate()
	s.cp("back-1-nested")
	// the stack comes after the switch: conda >= 25.7 "unsets" CONDA_STACKED_2
	// as export CONDA_STACKED_2='', which build_deactivate still finds `in
	// environ`, so a later deactivate of a switched-to env at level 2 would
	// be taken for a stacked one (the emulator reproduces that)
	s.stack(p2)
	s.cp("in-2-stacked")
	s.deactivate()
	s.cp("back-1")
	s.deactivate()
	s.cp("end")
	r := runScript(t, s, dir, home, nil)
	defer r.dumpOnFailure()
	r.assertQuiet()

	bin := func(e *testEnv) string { return filepath.Join(e.prefix, "bin") }
	seq := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	order := func(from, to string, want []string) {
		t.Helper()
		if got := r.between(from, to); strings.Join(got, " ") != strings.Join(want, " ") {
			r.fail("%s -> %s: scripts ran as\n  %s\nwant\n  %s", from, to, strings.Join(got, " "), strings.Join(want, " "))
		}
	}
	// see checks what a probe script saw
	see := func(from, label, name string, want *string) {
		t.Helper()
		c := r.hook(from, label)
		if got := c.get(name); !eqp(got, want) {
			r.fail("%s (after %s): %s = %s, want %s", label, from, name, show(got), show(want))
		}
	}
	pathFirst := func(from, label, want string) {
		t.Helper()
		c := r.hook(from, label)
		if p := splitPath(c.env["PATH"]); len(p) == 0 || p[0] != want {
			r.fail("%s (after %s): PATH starts %v, want %s first", label, from, p, want)
		}
	}
	onPath := func(c checkpoint, where, entry string, want bool) {
		t.Helper()
		if got := contains(splitPath(c.env["PATH"]), entry); got != want {
			r.fail("%s: %s on PATH = %v, want %v (PATH %s)", where, entry, got, want, c.env["PATH"])
		}
	}
	first, last := func(e *testEnv) string { return e.name + ":act:" + probeOrder()[0] },
		func(e *testEnv) string { return e.name + ":deact:" + probeOrder()[0] }
	firstDeact := func(e *testEnv) string { return probeDeacts(e)[0] }

	// activate from nothing: no deactivate.d, activate.d sorted; scripts see
	// the new CONDA_PREFIX, PATH and env_vars (with conda's backup)
	order("base", "in-1", probeActs(p1))
	see("base", first(p1), "CONDA_PREFIX", sp(p1.prefix))
	pathFirst("base", first(p1), bin(p1))
	see("base", first(p1), "E2E_PROBE_VAR", sp("pkg-probe-1"))
	see("base", first(p1), "E2E_STATE_VAR", sp("state-probe-1"))
	see("base", first(p1), "__CONDA_SHLVL_0_E2E_PROBE_VAR", sp("user"))

	// --stack: only the new env's activate.d; the lower env stays on PATH
	order("back-1-nested", "in-2-stacked", probeActs(p2))
	pathFirst("back-1-nested", first(p2), bin(p2))
	onPath(r.hook("back-1-nested", first(p2)), "stacked activation", bin(p1), true)
	see("back-1-nested", first(p2), "CONDA_SHLVL", sp("2"))

	// deactivate of a stacked env: PATH first (the env's bin already gone),
	// its deactivate.d reverse-sorted, then the lower env's activate.d AGAIN
	order("in-2-stacked", "back-1", seq(probeDeacts(p2), probeActs(p1)))
	see("in-2-stacked", firstDeact(p2), "CONDA_PREFIX", sp(p2.prefix))
	onPath(r.hook("in-2-stacked", firstDeact(p2)), "stacked deactivate.d", bin(p2), false)
	see("in-2-stacked", firstDeact(p2), "E2E_PROBE_VAR", sp("pkg-probe-2"))
	see("in-2-stacked", first(p1), "CONDA_PREFIX", sp(p1.prefix))
	see("in-2-stacked", first(p1), "E2E_PROBE_VAR", sp("pkg-probe-1"))
	if got, want := r.at("back-1").env["PATH"], r.at("back-1-nested").env["PATH"]; got != want {
		r.fail("back-1: PATH = %s, want it as before the stack: %s", got, want)
	}

	// switch: the old env's deactivate.d first, seeing the OLD PATH; then a
	// PATH computed before them (a deactivate.d PATH edit is lost: conda#14762)
	order("in-1", "in-2-switched", seq(probeDeacts(p1), probeActs(p2)))
	see("in-1", firstDeact(p1), "CONDA_PREFIX", sp(p1.prefix))
	onPath(r.hook("in-1", firstDeact(p1)), "switch deactivate.d", bin(p1), true)
	onPath(r.hook("in-1", last(p1)), "switch deactivate.d after probe-1's PATH edit", deactPathEdit, true)
	pathFirst("in-1", first(p2), bin(p2))
	onPath(r.hook("in-1", first(p2)), "switch activate.d", bin(p1), false)
	onPath(r.at("in-2-switched"), "after the switch", deactPathEdit, false)
	see("in-1", first(p2), "CONDA_PREFIX_1", sp(p1.prefix))

	// activate of the active env = reactivate: its deactivate.d, then its activate.d
	order("in-2-switched", "in-2-re", seq(probeDeacts(p2), probeActs(p2)))
	onPath(r.hook("in-2-switched", firstDeact(p2)), "reactivate deactivate.d", bin(p2), true)
	if got, want := r.at("in-2-re").env["PATH"], r.at("in-2-switched").env["PATH"]; got != want {
		r.fail("reactivate changed PATH: %s, was %s", got, want)
	}

	// deactivate of a nested (switched-to) env: back to the lower env, whose activate.d runs again
	order("in-2-re", "back-1-nested", seq(probeDeacts(p2), probeActs(p1)))
	onPath(r.hook("in-2-re", firstDeact(p2)), "nested deactivate.d", bin(p2), false)
	pathFirst("in-2-re", first(p1), bin(p1))

	// deactivate to nothing: PATH first, deactivate.d reverse-sorted, no
	// activate.d; env_vars restored after the scripts, from conda's backups
	order("back-1", "end", probeDeacts(p1))
	see("back-1", firstDeact(p1), "CONDA_PREFIX", sp(p1.prefix))
	onPath(r.hook("back-1", firstDeact(p1)), "deactivate.d to nothing", bin(p1), false)
	see("back-1", last(p1), "E2E_PROBE_VAR", sp("pkg-probe-1"))
	end := r.at("end")
	if got := end.get("E2E_PROBE_VAR"); !eqp(got, sp("user")) {
		r.fail("end: E2E_PROBE_VAR = %s, want the user's \"user\" back from conda's backup", show(got))
	}
	okState := false
	var alts []string
	for _, w := range act.afterDeactivate(sh.lang, nil) {
		okState = okState || eqp(end.get("E2E_STATE_VAR"), w)
		alts = append(alts, show(w))
	}
	if !okState {
		r.fail("end: E2E_STATE_VAR = %s, want %s (unset before activation)", show(end.get("E2E_STATE_VAR")), strings.Join(alts, " or "))
	}
	want := joinPath([]string{deactPathEdit}, splitPath(r.at("base").env["PATH"]))
	if got := normPath(end.env["PATH"], r.at("base").env["PATH"]); got != want {
		r.fail("end: PATH = %s, want %s (the plain deactivate keeps deactivate.d's PATH edit)", got, want)
	}
	if t.Failed() {
		t.Log(fmt.Sprintf("checkpoints: %s", r.labels()))
	}
}

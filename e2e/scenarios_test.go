package e2e

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// sctx is one scenario run: a shell, an activator, the envs.
type sctx struct {
	t    *testing.T
	fx   *fixtures
	sh   *shellOK
	act  *activator
	dir  string
	home string
}

// scenario is written once and runs in every shell under every activator.
type scenario struct {
	name string
	// skip returns a reason not to run here, or "".
	skip  func(c *sctx) string
	build func(c *sctx, s *script)
	check func(c *sctx, r *result)
}

// userValues are realistic values a user has set before `conda activate`.
func userValues(c *sctx) map[string]string {
	return map[string]string{
		"CGO_CFLAGS":        "-g -O2",
		"CGO_ENABLED":       "0",
		"CONDA_GO_COMPILER": "user-value",
		"GO111MODULE":       "auto",
		"GOARCH":            runtime.GOARCH,
		"GOBIN":             filepath.Join(c.home, "user-gobin"),
		"GOCACHE":           h.gocache,
		"GOENV":             filepath.Join(c.home, "user-go.env"),
		"GOFLAGS":           "-v",
		"GOINSECURE":        "insecure.invalid",
		"GOMODCACHE":        h.gomodcache,
		"GONOPROXY":         "noproxy.invalid",
		"GONOSUMDB":         "nosumdb.invalid",
		"GOOS":              runtime.GOOS,
		"GOPATH":            filepath.Join(c.home, "user-gopath"),
		"GOPRIVATE":         "private.invalid",
		"GOPROXY":           "https://proxy.user.invalid",
		"GOROOT":            h.goroot,
		"GOSUMDB":           "off",
		"GOTOOLCHAIN":       "local",
		"GOWORK":            "off",
		"CC":                "cc-user",
	}
}

// baseline sets every variable the envs manage: mode "unset", "empty",
// "set" (userValues), or "realistic" (only the caches and CC are set, so
// the real go builds with a warm cache).
func baseline(c *sctx, s *script, mode string, envs ...*testEnv) map[string]*string {
	names := map[string]bool{"CC": true}
	for _, e := range envs {
		for _, n := range managedNames(e) {
			names[n] = true
		}
	}
	uv := userValues(c)
	vs := map[string]*string{}
	for n := range names {
		switch mode {
		case "unset":
			vs[n] = nil
		case "empty":
			vs[n] = sp("")
		case "set":
			v, ok := uv[n]
			if !ok {
				v = "user-" + strings.ToLower(n)
			}
			vs[n] = sp(v)
		case "realistic":
			vs[n] = nil
		}
	}
	if mode == "realistic" {
		vs["GOCACHE"], vs["GOMODCACHE"], vs["CC"] = sp(h.gocache), sp(h.gomodcache), sp("cc-user")
	}
	s.vars(vs)
	return vs
}

// start writes the common opening: variables, the activator's hook, the
// "baseline" checkpoint.
func start(c *sctx, s *script, mode string, envs ...*testEnv) {
	baseline(c, s, mode, envs...)
	s.hook()
	s.cp("baseline")
}

// --- assertions ----------------------------------------------------------

// assertInside checks every variable e manages at checkpoint label, for an
// activation that started at checkpoint orig (fresh: goshim's save ran).
func (c *sctx) assertInside(r *result, e *testEnv, label, orig string) {
	c.t.Helper()
	in := r.at(label)
	pre := r.hook(orig, "hook:act-start:"+e.name)
	for name, want := range expectInside(e, r.at(orig), pre) {
		if got := in.get(name); !eqp(got, want) {
			r.fail("%s: inside %s: %s = %s, want %s (policy; before activation %s)", label, e.name, name, show(got), show(want), show(r.at(orig).get(name)))
		}
	}
	if got, want := in.env["PATH"], expectInsidePath(e, pre); got != want {
		r.fail("%s: inside %s: PATH =\n  %s\nwant\n  %s\n(conda's PATH before goshim: %s)", label, e.name, got, want, pre.env["PATH"])
	}
	if got := in.env["_GOSHIM_"+e.stateID+"__SAVED"]; got != "1" {
		r.fail("%s: inside %s: _GOSHIM_%s__SAVED = %q, want \"1\"", label, e.name, e.stateID, got)
	}
	c.assertNoTemporaries(r, label)
}

func (c *sctx) assertNoTemporaries(r *result, label string) {
	c.t.Helper()
	if leaked := r.leakedTemporaries(label); len(leaked) > 0 {
		r.fail("%s: hook temporaries still set in the shell: %s", label, strings.Join(leaked, " "))
	}
}

// assertSame checks that two checkpoints hold the same environment, apart
// from conda's bookkeeping and the names in skip.
func (c *sctx) assertSame(r *result, wantLabel, gotLabel string, envs []*testEnv, skip ...string) {
	c.t.Helper()
	want, got := r.at(wantLabel), r.at(gotLabel)
	c.assertEnvEqual(r, want, got, wantLabel, gotLabel, envs, skip...)
}

func (c *sctx) assertEnvEqual(r *result, want, got checkpoint, wantLabel, gotLabel string, envs []*testEnv, skip ...string) {
	c.t.Helper()
	owned := condaOwned(envs...)
	ignore := func(n string) bool {
		for _, s := range skip {
			if n == s {
				return true
			}
		}
		return owned(n)
	}
	if d := diffEnv(want.env, got.env, ignore, want.env["PATH"]); len(d) > 0 {
		r.fail("environment at %q differs from %q:\n  %s", gotLabel, wantLabel, strings.Join(d, "\n  "))
	}
}

// assertRestored checks a deactivation of e back to the state at base:
// right after goshim's restore (the last deactivate.d script) every
// variable is exactly as before, conda's bookkeeping aside; at after,
// conda has also restored its env_vars as documented (docs §1).
func (c *sctx) assertRestored(r *result, e *testEnv, base, after string, envs []*testEnv, skip ...string) {
	c.t.Helper()
	c.assertRestoredTo(r, e, nil, base, after, envs, skip...)
}

// assertRestoredTo is assertRestored for a deactivation back to a lower
// env (nil: to none), which conda re-exports its own env_vars for.
func (c *sctx) assertRestoredTo(r *result, e, lower *testEnv, base, after string, envs []*testEnv, skip ...string) {
	c.t.Helper()
	end := r.lastBefore(after, "hook:deact-end:"+e.name)
	b := r.at(base)
	c.assertEnvEqual(r, b, end, base, "right after goshim's restore before "+after, envs, skip...)
	// conda's part: the env_vars it exported come back by its own rules
	a := r.at(after)
	condaVars := map[string]bool{}
	for n := range e.condaVars {
		if lower != nil {
			if _, again := lower.condaVars[n]; again {
				continue // conda exports the lower env's value again: compared below
			}
		}
		condaVars[n] = true
		orig := b.get(n)
		ok := false
		var alts []string
		for _, w := range c.act.afterDeactivate(c.sh.lang, orig) {
			alts = append(alts, show(w))
			ok = ok || eqp(a.get(n), w)
		}
		if !ok {
			r.fail("%s: %s = %s after conda restored its env_vars, want %s (before activation: %s)", after, n, show(a.get(n)), strings.Join(alts, " or "), show(orig))
		}
	}
	c.assertEnvEqual(r, b, a, base, after, envs, append(skip, keys(condaVars)...)...)
	c.assertNoTemporaries(r, after)
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// lastBefore is the last checkpoint with a (hook) label before scenario checkpoint label.
func (r *result) lastBefore(label, hookLabel string) checkpoint {
	r.t.Helper()
	end := r.at(label).seq
	var found *checkpoint
	for i := range r.cps {
		if r.cps[i].seq < end && r.cps[i].label == hookLabel {
			found = &r.cps[i]
		}
	}
	if found == nil {
		r.t.Fatalf("no checkpoint %q before %q; have %s", hookLabel, label, r.labels())
	}
	return *found
}

func (c *sctx) assertWhichGo(r *result, key string) {
	c.t.Helper()
	got, _ := r.output(key)
	want := filepath.Join(h.goroot, "bin", exe("go"))
	if got != want {
		r.fail("%s: the go found on PATH is %q, want the system Go %q", key, got, want)
	}
}

func (c *sctx) assertNoCanary(r *result) {
	c.t.Helper()
	for _, d := range []string{r.dir, r.home, filepath.Join(r.dir, "cp")} {
		for _, n := range []string{"canary", "canary-bt"} {
			if _, err := os.Stat(filepath.Join(d, n)); err == nil {
				r.fail("a value was executed: %s exists", filepath.Join(d, n))
			}
		}
	}
}

// --- the scenarios -------------------------------------------------------

func noEmpty(c *sctx) string {
	if !c.sh.lang.canHoldEmpty() {
		return c.sh.name + " cannot hold an empty environment variable (assigning \"\" removes it)"
	}
	return ""
}

// hostileEnv is the env whose policy holds hostileFor(the shell's language).
func (c *sctx) hostileEnv() *testEnv {
	if hostileFor(c.sh.lang) != hostile {
		return c.fx.hostile1line
	}
	return c.fx.hostile
}

func noHostile(c *sctx) string {
	if !c.sh.lang.canHold(hostileFor(c.sh.lang)) {
		return c.sh.name + " cannot hold the hostile value (it has a newline)"
	}
	return ""
}

// restoreScenario activates A over a baseline and deactivates.
func restoreScenario(mode string) scenario {
	return scenario{
		name: "restore-" + mode,
		skip: func(c *sctx) string {
			if mode == "empty" {
				return noEmpty(c)
			}
			return ""
		},
		build: func(c *sctx, s *script) {
			start(c, s, mode, c.fx.a)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.which("which-in", "go")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			c.assertInside(r, c.fx.a, "in-a", "baseline")
			c.assertWhichGo(r, "which-in")
			c.assertRestored(r, c.fx.a, "baseline", "after", []*testEnv{c.fx.a})
		},
	}
}

var scenarios = []scenario{
	{
		// inside the env the real go is the system Go with the policy's values, and it builds
		name: "inside",
		build: func(c *sctx, s *script) {
			start(c, s, "realistic", c.fx.a)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.which("which", "go")
			s.capture("version", "go", "version")
			s.capture("env", "go", "env", "GOROOT", "GO111MODULE", "GOPATH", "GOCACHE", "GOFLAGS", "GOTOOLCHAIN", "GOPROXY", "GOBIN")
			s.capture("build", "go", "build", "-C", h.tinyModule, "-o", filepath.Join(c.dir, exe("tiny")), ".")
			s.capture("tiny", filepath.Join(c.dir, exe("tiny")))
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			a := c.fx.a
			pre := r.hook("baseline", "hook:act-start:"+a.name)
			if p := splitPath(pre.env["PATH"]); len(p) == 0 || p[0] != filepath.Join(a.prefix, "bin") {
				r.fail("before goshim's hooks conda should have put %s/bin first on PATH, got %s", a.prefix, pre.env["PATH"])
			}
			if got := pre.env["GOTOOLCHAIN"]; got != "local" {
				r.fail("conda should have exported env_vars.d's GOTOOLCHAIN=local before activate.d, got %q", got)
			}
			c.assertInside(r, a, "in-a", "baseline")
			in := r.at("in-a")
			if got, want := in.env["CC"], filepath.Join(a.prefix, "bin")+"/"; !strings.HasPrefix(got, want) {
				r.fail("CC = %q inside: the compiler package's own setting should stay (goshim does not manage CC)", got)
			}
			if got := in.env["CONDA_BACKUP_CC"]; got != "cc-user" {
				r.fail("CONDA_BACKUP_CC = %q inside, want the user's \"cc-user\"", got)
			}
			c.assertWhichGo(r, "which")
			if got, _ := r.output("version"); got != h.goVersion {
				r.fail("go version = %q, want the system Go's %q", got, h.goVersion)
			}
			wantEnv := []string{h.goroot, "on", filepath.Join(c.home, "gopath-goshim"), h.gocache,
				"-mod=readonly -buildvcs=false", h.goDefaults["GOTOOLCHAIN"], "off", ""}
			got, rc := r.output("env")
			if rc != 0 || got != strings.TrimRight(strings.Join(wantEnv, "\n"), "\n") {
				r.fail("go env GOROOT GO111MODULE GOPATH GOCACHE GOFLAGS GOTOOLCHAIN GOPROXY GOBIN (exit %d):\n%s\nwant:\n%s", rc, got, strings.Join(wantEnv, "\n"))
			}
			if out, rc := r.output("build"); rc != 0 {
				r.fail("go build of a tiny module failed (exit %d):\n%s", rc, out)
			} else if out, rc := r.output("tiny"); rc != 0 || out != h.goVersionID {
				r.fail("the tiny program says %q (exit %d), want %q: it was not built by the system Go", out, rc, h.goVersionID)
			}
			c.assertRestored(r, a, "baseline", "after", []*testEnv{a})
		},
	},
	restoreScenario("unset"),
	restoreScenario("empty"),
	restoreScenario("set"),
	{
		// stack two goshim envs and unwind: the stacked deactivate re-runs A's activate.d
		name: "stack",
		build: func(c *sctx, s *script) {
			start(c, s, "set", c.fx.a, c.fx.b)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.stack(c.fx.b)
			s.cp("in-b")
			s.which("which-in-b", "go")
			s.deactivate()
			s.cp("back-a")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			a, b := c.fx.a, c.fx.b
			envs := []*testEnv{a, b}
			c.assertInside(r, a, "in-a", "baseline")
			c.assertInside(r, b, "in-b", "in-a")
			c.assertWhichGo(r, "which-in-b")
			if p := splitPath(r.at("in-b").env["PATH"]); !contains(p, filepath.Join(a.prefix, "bin")) {
				r.fail("in-b: a stacked activation keeps A's bin on PATH: %v", p)
			}
			// B's restore puts back what A had applied
			endB := r.hook("in-b", "hook:deact-end:"+b.name)
			inA := r.at("in-a")
			for _, n := range managedNames(b) {
				if got, want := endB.get(n), inA.get(n); !eqp(got, want) {
					r.fail("right after B's restore: %s = %s, want %s (its value while A was active)", n, show(got), show(want))
				}
			}
			c.assertSame(r, "in-a", "back-a", envs)
			c.assertNoTemporaries(r, "back-a")
			// CC: the compiler package's single-slot CONDA_BACKUP_CC is lost when the
			// stacked deactivate re-runs A's activate.d (docs §4) — its leak, not goshim's.
			c.assertRestored(r, a, "baseline", "after", envs, "CC")
		},
	},
	{
		// a goshim env stacked over an env where conda's go is active (often base):
		// the other prefix's go is passed over too, and unstacking gives that env back
		name: "stack-over-plain-env",
		build: func(c *sctx, s *script) {
			start(c, s, "realistic", c.fx.a)
			s.activate(c.fx.plain)
			s.cp("in-plain")
			s.which("which-plain", "go")
			s.stack(c.fx.a)
			s.cp("in-a")
			s.which("which-in-a", "go")
			s.deactivate()
			s.cp("back-plain")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			a := c.fx.a
			if got, _ := r.output("which-plain"); got != filepath.Join(c.fx.plain.prefix, "bin", exe("go")) {
				r.fail("in the plain env, go is %q: the fixture should hijack it", got)
			}
			c.assertInside(r, a, "in-a", "in-plain")
			c.assertWhichGo(r, "which-in-a")
			c.assertRestoredTo(r, a, c.fx.plain, "in-plain", "back-plain", []*testEnv{a, c.fx.plain})
		},
	},
	{
		// switch A -> B (A's deactivate.d, then a PATH conda computed beforehand),
		// deactivate back to A, deactivate
		name: "switch",
		build: func(c *sctx, s *script) {
			start(c, s, "set", c.fx.a, c.fx.b)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.activate(c.fx.b)
			s.cp("in-b")
			s.which("which-in-b", "go")
			s.deactivate()
			s.cp("back-a")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			a, b := c.fx.a, c.fx.b
			envs := []*testEnv{a, b}
			c.assertInside(r, a, "in-a", "baseline")
			// A's restore ran first: B starts from the user's values
			endA := r.hook("in-a", "hook:deact-end:"+a.name)
			base := r.at("baseline")
			for _, n := range managedNames(a) {
				if got, want := endA.get(n), base.get(n); !eqp(got, want) {
					r.fail("switch: right after A's restore: %s = %s, want %s", n, show(got), show(want))
				}
			}
			c.assertInside(r, b, "in-b", "baseline")
			inB := splitPath(r.at("in-b").env["PATH"])
			want := joinPath([]string{filepath.Join(h.goroot, "bin"), filepath.Join(b.prefix, "bin")}, splitPath(base.env["PATH"]))
			if got := joinPath(inB); normPath(got, base.env["PATH"]) != want {
				r.fail("switch: PATH in B = %s\nwant %s\n(A's entries must not survive the switch: conda#14762)", got, want)
			}
			c.assertWhichGo(r, "which-in-b")
			c.assertSame(r, "in-a", "back-a", envs)
			c.assertNoTemporaries(r, "back-a")
			c.assertRestored(r, a, "baseline", "after", envs)
		},
	},
	{
		// reactivate (what conda runs after install/remove): A's deactivate.d, then its activate.d
		name: "reactivate",
		build: func(c *sctx, s *script) {
			start(c, s, "set", c.fx.a)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.reactivate(c.fx.a)
			s.cp("re-a")
			s.which("which-re", "go")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			envs := []*testEnv{c.fx.a}
			c.assertInside(r, c.fx.a, "in-a", "baseline")
			c.assertSame(r, "in-a", "re-a", envs)
			c.assertNoTemporaries(r, "re-a")
			c.assertWhichGo(r, "which-re")
			c.assertRestored(r, c.fx.a, "baseline", "after", envs)
		},
	},
	{
		// `conda activate A` while A is active: conda turns it into a reactivate
		name: "activate-twice",
		build: func(c *sctx, s *script) {
			start(c, s, "unset", c.fx.a)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.activate(c.fx.a)
			s.cp("again-a")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			envs := []*testEnv{c.fx.a}
			c.assertInside(r, c.fx.a, "in-a", "baseline")
			c.assertSame(r, "in-a", "again-a", envs)
			c.assertNoTemporaries(r, "again-a")
			c.assertRestored(r, c.fx.a, "baseline", "after", envs)
		},
	},
	{
		// activate, deactivate, activate again: the second time is like the first
		name: "cycle",
		build: func(c *sctx, s *script) {
			start(c, s, "set", c.fx.a)
			s.activate(c.fx.a)
			s.cp("in-a-1")
			s.deactivate()
			s.cp("between")
			s.activate(c.fx.a)
			s.cp("in-a-2")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			envs := []*testEnv{c.fx.a}
			c.assertInside(r, c.fx.a, "in-a-1", "baseline")
			c.assertRestored(r, c.fx.a, "baseline", "between", envs)
			c.assertInside(r, c.fx.a, "in-a-2", "between")
			c.assertSame(r, "in-a-1", "in-a-2", envs)
			c.assertRestored(r, c.fx.a, "between", "after", envs)
		},
	},
	{
		// the user unsets a variable conda backed up on an earlier activation.
		// conda never clears __CONDA_SHLVL_0_<NAME>, so on the next activation
		// the backup is stale and looks exactly like a fresh one: no hook can
		// tell them apart, and conda itself restores the stale value at the
		// end. goshim must then agree with conda (documented limitation);
		// under an activator that clears its backups (micromamba), "keep"
		// must mean the value from before THIS activation: unset.
		name: "stale-conda-backup",
		build: func(c *sctx, s *script) {
			start(c, s, "set", c.fx.a)
			s.activate(c.fx.a)
			s.deactivate()
			s.unset("GOTOOLCHAIN")
			s.unset("GOPROXY")
			s.cp("unset-by-user")
			s.activate(c.fx.a)
			s.cp("in-a")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			a := c.fx.a
			in := r.at("in-a")
			end := r.lastBefore("after", "hook:deact-end:"+a.name)
			stale := r.at("unset-by-user").get("__CONDA_SHLVL_0_GOTOOLCHAIN")
			if c.act.clearsBackups || stale == nil {
				if got := in.get("GOTOOLCHAIN"); got != nil {
					r.fail("inside: GOTOOLCHAIN = %s, want unset: the policy keeps the value from before this activation", show(got))
				}
				for _, n := range []string{"GOTOOLCHAIN", "GOPROXY"} {
					if got := end.get(n); got != nil {
						r.fail("right after goshim's restore: %s = %s, want unset (as before this activation)", n, show(got))
					}
				}
				return
			}
			// conda: goshim reads the stale backup as the original, like conda does
			if got := in.get("GOTOOLCHAIN"); got == nil || *got != *stale {
				r.fail("inside: GOTOOLCHAIN = %s, want conda's backup %s (the documented stale-backup limitation)", show(got), show(stale))
			}
			if got := end.get("GOTOOLCHAIN"); got == nil || *got != *stale {
				r.fail("right after goshim's restore: GOTOOLCHAIN = %s, want %s, the value conda restores next", show(got), show(stale))
			}
			if got := r.at("after").get("GOTOOLCHAIN"); got == nil || *got != *stale {
				r.fail("after deactivate: GOTOOLCHAIN = %s, want conda's stale backup %s", show(got), show(stale))
			}
		},
	},
	{
		// entries the user adds to PATH (and to a list the policy edits) while active survive
		name: "user-path-edit",
		build: func(c *sctx, s *script) {
			start(c, s, "set", c.fx.a)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.prependPath("/e2e/user-first")
			s.appendPath("/e2e/user-last")
			s.export("CGO_CFLAGS", "-g -O2 -O1 -DUSER")
			s.cp("edited")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			c.assertInside(r, c.fx.a, "in-a", "baseline")
			base := r.at("baseline")
			after := r.at("after")
			want := joinPath([]string{"/e2e/user-first"}, splitPath(base.env["PATH"]), []string{"/e2e/user-last"})
			if got := normPath(after.env["PATH"], base.env["PATH"]); got != want {
				r.fail("PATH after deactivate = %s\nwant %s (the user's entries kept, goshim's and conda's gone)", got, want)
			}
			if got := after.get("CGO_CFLAGS"); !eqp(got, sp("-g -O2 -DUSER")) {
				r.fail("CGO_CFLAGS after deactivate = %s, want \"-g -O2 -DUSER\" (goshim's -O1 taken out, the user's -DUSER kept)", show(got))
			}
			c.assertNoTemporaries(r, "after")
		},
	},
	{
		// the env's bin is on PATH before activation (a Docker image's ENV
		// PATH, an IDE terminal that inherited an activated PATH): conda adds
		// it again and, on a plain deactivate, takes out one copy. goshim must
		// still see a plain deactivate, not a switch (conda#14762), and put
		// PATH back exactly, leaving no stale entries behind.
		name: "env-bin-already-on-path",
		skip: func(c *sctx) string {
			if runtime.GOOS == "windows" {
				return "conda's Windows prefix has several bin folders"
			}
			return ""
		},
		build: func(c *sctx, s *script) {
			start(c, s, "set", c.fx.a)
			s.prependPath(filepath.Join(c.fx.a.prefix, "bin"))
			s.cp("with-bin")
			s.activate(c.fx.a)
			s.cp("in-a")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			envs := []*testEnv{c.fx.a}
			c.assertInside(r, c.fx.a, "in-a", "with-bin")
			c.assertRestored(r, c.fx.a, "with-bin", "after", envs)
			if v, ok := r.at("after").env["_GOSHIM_STALE_PATH"]; ok {
				r.fail("after: _GOSHIM_STALE_PATH = %q, want it unset (a plain deactivate is no switch)", v)
			}
		},
	},
	{
		// the user unsets, while active, a list the policy edits: it stays
		// unset after deactivation (not the original, not set-but-empty)
		name: "user-unsets-list",
		build: func(c *sctx, s *script) {
			start(c, s, "set", c.fx.a)
			s.activate(c.fx.a)
			s.unset("CGO_CFLAGS")
			s.cp("edited")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			if got := r.at("after").get("CGO_CFLAGS"); got != nil {
				r.fail("CGO_CFLAGS after deactivate = %s, want unset (the user unset it while active)", show(got))
			}
			c.assertNoTemporaries(r, "after")
		},
	},
	{
		// a user PATH entry survives a reactivation too
		name: "user-path-edit-reactivate",
		build: func(c *sctx, s *script) {
			start(c, s, "unset", c.fx.a)
			s.activate(c.fx.a)
			s.prependPath("/e2e/user-first")
			s.reactivate(c.fx.a)
			s.cp("re-a")
			s.which("which-re", "go")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			base := r.at("baseline")
			re := splitPath(r.at("re-a").env["PATH"])
			if !contains(re, "/e2e/user-first") {
				r.fail("re-a: the user's PATH entry is gone after reactivate: %v", re)
			}
			if n := count(re, filepath.Join(h.goroot, "bin")); n != 1+count(splitPath(base.env["PATH"]), filepath.Join(h.goroot, "bin")) {
				r.fail("re-a: the system Go's bin is on PATH %d times after reactivate: %v", n, re)
			}
			c.assertWhichGo(r, "which-re")
			want := joinPath([]string{"/e2e/user-first"}, splitPath(base.env["PATH"]))
			if got := normPath(r.at("after").env["PATH"], base.env["PATH"]); got != want {
				r.fail("PATH after deactivate = %s\nwant %s", got, want)
			}
		},
	},
	{
		// hostile values before activation round-trip, and nothing in them runs
		name: "hostile-originals",
		skip: noHostile,
		build: func(c *sctx, s *script) {
			vs := map[string]*string{}
			for _, n := range managedNames(c.fx.a) {
				v := n + ": " + hostileFor(c.sh.lang) // xonsh: no newline (hostileFor)
				if _, byConda := c.fx.a.condaVars[n]; byConda && (c.act.real || c.sh.lang.name() == "csh") {
					// conda writes its backups of these raw (export X='%s'), and
					// conda.csh evals its commands from "`...`", where a `"` or a
					// newline in the output breaks it: conda's limits, not goshim's
					v = "plain-" + strings.ToLower(n)
				}
				vs[n] = sp(v)
			}
			vs["CC"] = sp("cc " + hostileFor(c.sh.lang))
			s.vars(vs)
			s.prependPath(filepath.Join(c.home, "dir with space"))
			s.hook()
			s.cp("baseline")
			s.activate(c.fx.a)
			s.cp("in-a")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			c.assertInside(r, c.fx.a, "in-a", "baseline")
			c.assertRestored(r, c.fx.a, "baseline", "after", []*testEnv{c.fx.a})
			c.assertNoCanary(r)
		},
	},
	{
		// hostile values in the policy reach the shell exactly
		name: "hostile-policy",
		skip: noHostile,
		build: func(c *sctx, s *script) {
			start(c, s, "unset", c.hostileEnv())
			s.activate(c.hostileEnv())
			s.cp("in-h")
			s.deactivate()
			s.cp("between")
			s.export("E2E_HOSTILE_DEFAULT", "user "+hostileFor(c.sh.lang))
			s.export("E2E_HOSTILE_LIST", "user 'entry'")
			s.cp("baseline-2")
			s.activate(c.hostileEnv())
			s.cp("in-h-2")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			e := c.hostileEnv()
			envs := []*testEnv{e}
			c.assertInside(r, e, "in-h", "baseline")
			if got, want := r.at("in-h").env["E2E_HOSTILE"], hostileFor(c.sh.lang); got != want {
				r.fail("E2E_HOSTILE inside = %q\nwant %q", got, want)
			}
			c.assertRestored(r, e, "baseline", "between", envs)
			c.assertInside(r, e, "in-h-2", "baseline-2")
			c.assertRestored(r, e, "baseline-2", "after", envs)
			c.assertNoCanary(r)
		},
	},
	{
		// the system go on PATH is a symlink into its root (Debian's /usr/bin/go,
		// Homebrew's bin/go): the hooks resolve it and put the root's bin first
		name: "system-go-symlink",
		skip: func(c *sctx) string {
			if runtime.GOOS == "windows" {
				return "symlinks need privileges on Windows"
			}
			return ""
		},
		build: func(c *sctx, s *script) {
			link := filepath.Join(c.dir, "links")
			if err := os.MkdirAll(link, 0o755); err != nil {
				c.t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(h.goroot, "bin", "go"), filepath.Join(link, "go")); err != nil {
				c.t.Fatal(err)
			}
			s.export("PATH", link+string(os.PathListSeparator)+systemPath())
			start(c, s, "realistic", c.fx.a)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.which("which", "go")
			s.capture("goroot", "go", "env", "GOROOT")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			c.assertInside(r, c.fx.a, "in-a", "baseline")
			c.assertWhichGo(r, "which")
			if got, rc := r.output("goroot"); rc != 0 || got != h.goroot {
				r.fail("go env GOROOT = %q (exit %d), want %q", got, rc, h.goroot)
			}
			c.assertRestored(r, c.fx.a, "baseline", "after", []*testEnv{c.fx.a})
		},
	},
	{
		// no go on PATH before activation: the hooks find the system Go in its usual place
		name: "no-system-go-on-path",
		skip: func(c *sctx) string {
			for _, p := range []string{"/usr/local/go", "/usr/lib/go", "/opt/homebrew/opt/go/libexec", "/usr/local/opt/go/libexec"} {
				if r, err := filepath.EvalSymlinks(p); err == nil && r == h.goroot {
					return ""
				}
			}
			return "the system Go (" + h.goroot + ") is not in a place goshim searches when no go is on PATH"
		},
		build: func(c *sctx, s *script) {
			s.export("PATH", systemPath())
			start(c, s, "realistic", c.fx.a)
			s.activate(c.fx.a)
			s.cp("in-a")
			s.which("which", "go")
			s.capture("goroot", "go", "env", "GOROOT")
			s.deactivate()
			s.cp("after")
		},
		check: func(c *sctx, r *result) {
			c.assertInside(r, c.fx.a, "in-a", "baseline")
			c.assertWhichGo(r, "which")
			if got, rc := r.output("goroot"); rc != 0 || got != h.goroot {
				r.fail("go env GOROOT = %q (exit %d), want %q", got, rc, h.goroot)
			}
			c.assertRestored(r, c.fx.a, "baseline", "after", []*testEnv{c.fx.a})
		},
	},
}

func contains(list []string, s string) bool { return count(list, s) > 0 }

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// TestScenarios runs every scenario in every shell under every activator.
func TestScenarios(t *testing.T) {
	fx := getFixtures(t)
	acts := selectedActivators(t)
	for _, row := range selectedShells() {
		row := row
		t.Run(row.name, func(t *testing.T) {
			sh := findShell(t, row)
			fx.a.hasHooks(t, sh)
			for _, act := range acts {
				act := act
				t.Run(act.name, func(t *testing.T) {
					for _, sc := range scenarios {
						sc := sc
						t.Run(sc.name, func(t *testing.T) {
							t.Parallel()
							runScenario(t, fx, sh, act, sc)
						})
					}
				})
			}
		})
	}
}

func runScenario(t *testing.T, fx *fixtures, sh *shellOK, act *activator, sc scenario) {
	dir := runDir(t)
	c := &sctx{t: t, fx: fx, sh: sh, act: act, dir: dir, home: filepath.Join(dir, "home")}
	for _, e := range []*testEnv{fx.a, fx.b, c.hostileEnv()} {
		if sc.name == "hostile-policy" && e != c.hostileEnv() || sc.name != "hostile-policy" && e == c.hostileEnv() {
			continue
		}
		e.hasHooks(t, sh)
	}
	if sc.skip != nil {
		if why := sc.skip(c); why != "" {
			t.Skip(why)
		}
	}
	s := newScript(sh, act)
	sc.build(c, s)
	r := runScript(t, s, dir, c.home, nil)
	defer r.dumpOnFailure()
	r.assertQuiet()
	sc.check(c, r)
}

// runDir is a fresh folder for one run: under the kept temporary folder
// with GOSHIM_E2E_KEEP, else removed when the test ends.
func runDir(t *testing.T) string {
	var dir string
	if os.Getenv("GOSHIM_E2E_KEEP") != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
		dir = filepath.Join(h.tmp, "runs", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	} else {
		dir = t.TempDir()
	}
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	return dir
}

package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
)

// Two of goshim's core guarantees, played through conda's flows in real
// shells (bash, dash, zsh here; tcsh in csh_flows_test.go):
//
//   - conda#14762: on a switch or a reactivation (`conda activate` of the
//     active env, or what conda runs after install/remove) deactivate.d runs
//     while $CONDA_PREFIX/bin is still on PATH, and conda then exports the
//     PATH it computed before any script ran, which still holds goshim's
//     entries. After activate.d runs again, PATH must hold exactly one
//     system Go entry ahead of the env's bin, and a later plain deactivate
//     must give back PATH byte for byte.
//   - a list variable the user changes while active (PKG_CONFIG_PATH): on
//     deactivation only goshim's entries go, the user's stay.

// flowDialect writes conda's steps for one shell family.
type flowDialect interface {
	// install builds a hijacking env prefix holding p's hooks.
	install(t *testing.T, p *plan.Plan) string
	// preamble sets the environment before activation.
	preamble(path string, before map[string]*string) string
	// activate from nothing: PATH, conda's variables and env_vars, activate.d.
	activate(t *testing.T, prefix string) string
	// reactivate: deactivate.d with the PATH conda computed before it (the
	// current one), that PATH exported again, env_vars, activate.d.
	reactivate(t *testing.T, prefix string) string
	// switchEnv: from's deactivate.d, then the PATH computed before it (from's
	// bin replaced by to's in place) and to's variables, then to's activate.d.
	switchEnv(t *testing.T, from, to string) string
	// deactivate to nothing: PATH without the env's bin first, then
	// deactivate.d. conda's own restore of its env_vars afterwards is left
	// out, as in driver: goshim's restore alone must give back the originals.
	deactivate(t *testing.T, prefix string) string
	// edit is the user changing a list variable while active.
	edit(name string, e listEdit) string
	dump(file string) string
}

// listEdit: the user prepends or appends an entry, or sets the whole value.
// "$PREFIX" in value is the active env's prefix.
type listEdit struct{ op, value string }

type flowShell struct {
	name string
	argv []string
	d    flowDialect
}

// runFlow runs script in sh and reads the `env -0` dumps it wrote into out.
func runFlow(t *testing.T, sh flowShell, script, out string, dumps []string) map[string]map[string]string {
	t.Helper()
	path := filepath.Join(out, "flow")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sh.argv[0], append(sh.argv[1:], path)...)
	cmd.Dir = out
	cmd.Env = []string{"HOME=/home/goshim-user", "PATH=/usr/bin:/bin"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s failed: %v\nstderr:\n%s\nscript:\n%s", sh.name, err, stderr.String(), script)
	}
	if stderr.Len() > 0 {
		t.Errorf("%s wrote to stderr:\n%s", sh.name, stderr.String())
	}
	points := map[string]map[string]string{}
	for _, p := range dumps {
		points[p] = readEnv(t, filepath.Join(out, p+".env"))
	}
	return points
}

// flowBefores are the PATHs before activation: the system Go only in its
// well-known place; already on the user's PATH (the user's own entry, which
// must survive every step); entries with characters the hooks must carry
// through untouched (tcsh encodes % and / itself, and globs and ! are special).
var flowBefores = []struct{ name, path string }{
	{"go not on PATH", "/usr/bin:/bin"},
	{"go on PATH", systemGo + "/bin:/usr/bin:/opt/my tools:/bin"},
	{"odd entries", "/opt/50%p%f dir:/usr/bin:/opt/a*b?[c]:/opt/it's \"q\":/opt/x!y:/bin"},
}

// flowVars are the other variables before activation.
var flowVars = map[string]*string{
	"GOTOOLCHAIN":     str("auto"),
	"GOPATH":          str("/srv/go path"),
	"GOFLAGS":         nil,
	"CGO_CFLAGS":      str("-O2 -g"),
	"PKG_CONFIG_PATH": nil,
}

// flowPrefixes are where the env lives: a plain path, and one with every
// character a shell treats specially in a word or a pattern (tcsh most of
// all: space, %, !, *, [ and ?). conda takes such a path with -p.
var flowPrefixes = []string{"plain prefix", "odd prefix"}

// installAt installs p's env for d, moved to an odd path if kind says so
// (the env's go link is relative, its hooks read $CONDA_PREFIX).
func installAt(t *testing.T, d flowDialect, p *plan.Plan, kind string) string {
	t.Helper()
	prefix := d.install(t, p)
	if kind == "plain prefix" {
		return prefix
	}
	dst := filepath.Join(t.TempDir(), "my envs %p!x", "o*d[1]?")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(prefix, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// condaOrder lists dir's scripts ending in ext as conda runs them: sorted by
// code point, reversed for deactivate.d. Unlike filepath.Glob it takes dir
// literally, so a prefix may hold pattern characters.
func condaOrder(t *testing.T, dir, ext string, reverse bool) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ext) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if reverse {
		sort.Sort(sort.Reverse(sort.StringSlice(names)))
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, n)
	}
	return out
}

func flowPlans(t *testing.T, id string) map[string]*plan.Plan {
	t.Helper()
	cv := []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}
	def, err := plan.Build(policy.Builtin(), plan.Options{ID: id, CondaVars: cv})
	if err != nil {
		t.Fatal(err)
	}
	fullPol, err := policy.Parse("goshim.toml", []byte(roundTripPolicy))
	if err != nil {
		t.Fatal(err)
	}
	full, err := plan.Build(fullPol, plan.Options{ID: id, CondaVars: cv})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*plan.Plan{"default": def, "full": full}
}

// checkToolchainAhead: exactly one system Go entry ahead of prefix's bin,
// and it comes first.
func checkToolchainAhead(t *testing.T, at, path, prefix string) {
	t.Helper()
	entries := strings.Split(path, ":")
	bin := -1
	for i, e := range entries {
		if e == prefix+"/bin" {
			bin = i
			break
		}
	}
	if bin < 0 {
		t.Errorf("%s: PATH = %q has no %s/bin", at, path, prefix)
		return
	}
	n := 0
	for _, e := range entries[:bin] {
		if e == systemGo+"/bin" {
			n++
		}
	}
	if n != 1 || entries[0] != systemGo+"/bin" {
		t.Errorf("%s: PATH = %q, want exactly one %s/bin ahead of the env's bin, first", at, path, systemGo)
	}
}

// checkSameEnv: after equals want but for conda's own names and the shell's.
func checkSameEnv(t *testing.T, at string, want, after map[string]string) {
	t.Helper()
	for _, k := range sortedKeys(want) {
		if !ignoredAfter(k) {
			expectVar(t, at, after, k, lookup(want, k))
		}
	}
	for _, k := range sortedKeys(after) {
		if _, ok := want[k]; !ok && !ignoredAfter(k) {
			t.Errorf("%s: %s=%q is new", at, k, after[k])
		}
	}
}

// testCondaPathFlows runs every policy, prefix and PATH through both flows.
func testCondaPathFlows(t *testing.T, sh flowShell) {
	t.Helper()
	alphas, betas := flowPlans(t, "alpha"), flowPlans(t, "beta")
	for _, pol := range sortedKeys(alphas) {
		for _, kind := range flowPrefixes {
			for _, bf := range flowBefores {
				name := pol + "/" + kind + "/" + bf.name
				t.Run(name+"/reactivate", func(t *testing.T) {
					testReactivateFlow(t, sh, alphas[pol], kind, bf.path)
				})
				t.Run(name+"/switch", func(t *testing.T) {
					testSwitchFlow(t, sh, alphas[pol], betas[pol], kind, bf.path)
				})
			}
		}
	}
}

// testReactivateFlow: activate, reactivate twice (conda install, conda
// activate of the active env), deactivate.
func testReactivateFlow(t *testing.T, sh flowShell, p *plan.Plan, kind, path string) {
	t.Helper()
	d := sh.d
	a := installAt(t, d, p, kind)
	out := t.TempDir()
	s := d.preamble(path, flowVars) + d.dump(filepath.Join(out, "before.env")) +
		d.activate(t, a) + d.dump(filepath.Join(out, "active.env")) +
		d.reactivate(t, a) + d.dump(filepath.Join(out, "reactivated.env")) +
		d.reactivate(t, a) + d.dump(filepath.Join(out, "reactivated2.env")) +
		d.deactivate(t, a) + d.dump(filepath.Join(out, "restored.env"))
	pts := runFlow(t, sh, s, out, []string{"before", "active", "reactivated", "reactivated2", "restored"})
	checkToolchainAhead(t, "active", pts["active"]["PATH"], a)
	for _, at := range []string{"reactivated", "reactivated2"} {
		checkToolchainAhead(t, at, pts[at]["PATH"], a)
		if pts[at]["PATH"] != pts["active"]["PATH"] {
			t.Errorf("%s: PATH = %q\nwant the PATH of the first activation %q", at, pts[at]["PATH"], pts["active"]["PATH"])
		}
		// reactivating changes nothing at all (conda's own bookkeeping aside)
		checkSameEnv(t, at, pts["active"], pts[at])
	}
	if pts["restored"]["PATH"] != path {
		t.Errorf("restored: PATH = %q, want %q byte for byte", pts["restored"]["PATH"], path)
	}
	checkSameEnv(t, "restored", pts["before"], pts["restored"])
}

// testSwitchFlow: activate A, switch to B (both with goshim hooks, under
// different ids: A's entries reach B's apply through _GOSHIM_STALE_PATH),
// deactivate.
func testSwitchFlow(t *testing.T, sh flowShell, alpha, beta *plan.Plan, kind, path string) {
	t.Helper()
	d := sh.d
	a, b := installAt(t, d, alpha, kind), installAt(t, d, beta, kind)
	out := t.TempDir()
	s := d.preamble(path, flowVars) + d.dump(filepath.Join(out, "before.env")) +
		d.activate(t, a) + d.dump(filepath.Join(out, "active.env")) +
		d.switchEnv(t, a, b) + d.dump(filepath.Join(out, "switched.env")) +
		d.deactivate(t, b) + d.dump(filepath.Join(out, "restored.env"))
	pts := runFlow(t, sh, s, out, []string{"before", "active", "switched", "restored"})
	checkToolchainAhead(t, "active", pts["active"]["PATH"], a)
	checkToolchainAhead(t, "switched", pts["switched"]["PATH"], b)
	want := strings.Replace(pts["active"]["PATH"], a+"/bin", b+"/bin", 1)
	if pts["switched"]["PATH"] != want {
		t.Errorf("switched: PATH = %q\nwant %q (the first activation's, with B's bin for A's)", pts["switched"]["PATH"], want)
	}
	for _, k := range sortedKeys(pts["switched"]) {
		if strings.HasPrefix(k, "_GOSHIM_ALPHA_") || k == "_GOSHIM_STALE_PATH" {
			t.Errorf("switched: %s=%q left behind", k, pts["switched"][k])
		}
	}
	if pts["restored"]["PATH"] != path {
		t.Errorf("restored: PATH = %q, want %q byte for byte", pts["restored"]["PATH"], path)
	}
	checkSameEnv(t, "restored", pts["before"], pts["restored"])
}

// listPolicy is the default policy (its last table is [env]) where goshim
// also prepends and appends an entry to PKG_CONFIG_PATH.
func listPolicy() []byte {
	return append(append([]byte{}, policy.DefaultTOML...),
		"\nPKG_CONFIG_PATH = { prepend = [\"${CONDA_PREFIX}/lib/pkgconfig\"], append = [\"${CONDA_PREFIX}/share/pkgconfig\"] }\n"...)
}

type listCase struct {
	name       string
	before     *string
	edits      []listEdit
	reactivate bool    // conda reactivates after the edits (conda install)
	want       *string // after deactivation; "$PREFIX" is the env's prefix
}

var listCases = []listCase{
	{name: "unset, user prepends", before: nil,
		edits: []listEdit{{"prepend", "/user/it's pc"}}, want: str("/user/it's pc")},
	{name: "set, user prepends and appends", before: str("/a b:/c"),
		edits: []listEdit{{"prepend", "/user/first"}, {"append", "/user/last"}}, want: str("/user/first:/a b:/c:/user/last")},
	{name: "empty, user appends", before: str(""),
		edits: []listEdit{{"append", "/user/last"}}, want: str("/user/last")},
	{name: "user adds goshim's entry again", before: str("/a b:/c"),
		edits: []listEdit{{"append", "$PREFIX/lib/pkgconfig"}}, want: str("/a b:/c:$PREFIX/lib/pkgconfig")},
	{name: "user replaces the value", before: str("/a b:/c"),
		edits: []listEdit{{"set", "/user/only"}}, want: str("/user/only")},
	{name: "user prepends, then conda reactivates", before: str("/a b:/c"),
		edits: []listEdit{{"prepend", "/user/first"}}, reactivate: true, want: str("/user/first:/a b:/c")},
}

func testUserEditsListVar(t *testing.T, sh flowShell) {
	t.Helper()
	pol, err := policy.Parse("goshim.toml", listPolicy())
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(pol, plan.Options{ID: "list", CondaVars: []plan.CondaVar{{Name: "GOTOOLCHAIN", Value: "local", Source: "go"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range flowPrefixes {
		for _, c := range listCases {
			t.Run(kind+"/"+c.name, func(t *testing.T) {
				testListEdit(t, sh, p, kind, c)
			})
		}
	}
}

// testListEdit: activate, the user's edits, maybe a reactivation,
// deactivate; then only goshim's entries are gone.
func testListEdit(t *testing.T, sh flowShell, p *plan.Plan, kind string, c listCase) {
	t.Helper()
	d := sh.d
	prefix := installAt(t, d, p, kind)
	out := t.TempDir()
	vars := map[string]*string{"PKG_CONFIG_PATH": c.before}
	s := d.preamble("/usr/bin:/bin", vars) + d.dump(filepath.Join(out, "before.env")) + d.activate(t, prefix)
	for _, e := range c.edits {
		e.value = strings.ReplaceAll(e.value, "$PREFIX", prefix)
		s += d.edit("PKG_CONFIG_PATH", e)
	}
	if c.reactivate {
		s += d.reactivate(t, prefix)
	}
	s += d.deactivate(t, prefix) + d.dump(filepath.Join(out, "restored.env"))
	pts := runFlow(t, sh, s, out, []string{"before", "restored"})
	var want *string
	if c.want != nil {
		want = str(strings.ReplaceAll(*c.want, "$PREFIX", prefix))
	}
	expectVar(t, "restored", pts["restored"], "PKG_CONFIG_PATH", want)
	// everything else as before, PATH byte for byte
	delete(pts["before"], "PKG_CONFIG_PATH")
	delete(pts["restored"], "PKG_CONFIG_PATH")
	checkSameEnv(t, "restored", pts["before"], pts["restored"])
}

// shFlow writes the steps in POSIX sh; conda sources scripts from inside a
// shell function, in code-point order (deactivate.d reversed).
type shFlow struct{}

func (shFlow) install(t *testing.T, p *plan.Plan) string { return fakePrefix(t, p) }

func (shFlow) preamble(path string, before map[string]*string) string {
	var b strings.Builder
	b.WriteString("conda_source() { . \"$1\"; }\n")
	b.WriteString("export PATH=" + shq(path) + "\n")
	for _, k := range sortedKeys(before) {
		if v := before[k]; v != nil {
			b.WriteString("export " + k + "=" + shq(*v) + "\n")
		} else {
			b.WriteString("unset " + k + "\n")
		}
	}
	return b.String()
}

func (shFlow) sourceAll(t *testing.T, dir string, reverse bool) string {
	var b strings.Builder
	for _, s := range condaOrder(t, dir, ".sh", reverse) {
		b.WriteString("conda_source " + shq(s) + "\n")
	}
	return b.String()
}

func (d shFlow) activate(t *testing.T, prefix string) string {
	return "export PATH=" + shq(prefix+"/bin") + ":\"$PATH\" CONDA_PREFIX=" + shq(prefix) + " CONDA_SHLVL=1 CONDA_DEFAULT_ENV=" + shq(filepath.Base(prefix)) + "\n" +
		"if [ -n \"${GOTOOLCHAIN+x}\" ]; then export __CONDA_SHLVL_0_GOTOOLCHAIN=\"$GOTOOLCHAIN\"; fi\n" +
		"export GOTOOLCHAIN=local\n" +
		d.sourceAll(t, filepath.Join(prefix, "etc/conda/activate.d"), false)
}

func (d shFlow) reactivate(t *testing.T, prefix string) string {
	return "_t_path=$PATH\n" +
		d.sourceAll(t, filepath.Join(prefix, "etc/conda/deactivate.d"), true) +
		"export PATH=\"$_t_path\" CONDA_SHLVL=1 GOTOOLCHAIN=local\nunset _t_path\n" +
		d.sourceAll(t, filepath.Join(prefix, "etc/conda/activate.d"), false)
}

func (d shFlow) switchEnv(t *testing.T, from, to string) string {
	return "_t_path= _t_first=1 _t_r=$PATH:\n" +
		"while [ -n \"$_t_r\" ]; do\n" +
		"\t_t_e=${_t_r%%:*}; _t_r=${_t_r#*:}\n" +
		"\tif [ \"$_t_e\" = " + shq(from+"/bin") + " ]; then _t_e=" + shq(to+"/bin") + "; fi\n" +
		"\tif [ -n \"$_t_first\" ]; then _t_path=$_t_e _t_first=; else _t_path=$_t_path:$_t_e; fi\n" +
		"done\n" +
		d.sourceAll(t, filepath.Join(from, "etc/conda/deactivate.d"), true) +
		"export PATH=\"$_t_path\" CONDA_PREFIX=" + shq(to) + " CONDA_SHLVL=1 CONDA_DEFAULT_ENV=" + shq(filepath.Base(to)) + " GOTOOLCHAIN=local\n" +
		"unset _t_path _t_first _t_r _t_e\n" +
		d.sourceAll(t, filepath.Join(to, "etc/conda/activate.d"), false)
}

func (d shFlow) deactivate(t *testing.T, prefix string) string {
	return "_t_n= _t_first=1 _t_r=$PATH:\n" +
		"while [ -n \"$_t_r\" ]; do\n" +
		"\t_t_e=${_t_r%%:*}; _t_r=${_t_r#*:}\n" +
		"\tif [ \"$_t_e\" = " + shq(prefix+"/bin") + " ]; then continue; fi\n" +
		"\tif [ -n \"$_t_first\" ]; then _t_n=$_t_e _t_first=; else _t_n=$_t_n:$_t_e; fi\n" +
		"done\n" +
		"export PATH=\"$_t_n\"\nunset _t_n _t_first _t_r _t_e\n" +
		d.sourceAll(t, filepath.Join(prefix, "etc/conda/deactivate.d"), true) +
		"unset CONDA_PREFIX CONDA_DEFAULT_ENV\nexport CONDA_SHLVL=0\n"
}

func (shFlow) edit(name string, e listEdit) string {
	switch e.op {
	case "prepend":
		return "export " + name + "=" + shq(e.value) + "\":$" + name + "\"\n"
	case "append":
		return "export " + name + "=\"$" + name + ":\"" + shq(e.value) + "\n"
	}
	return "export " + name + "=" + shq(e.value) + "\n"
}

func (shFlow) dump(file string) string { return "/usr/bin/env -0 > " + shq(file) + "\n" }

func shFlowShells() []flowShell {
	var out []flowShell
	for _, sh := range strictShells {
		out = append(out, flowShell{sh.name, sh.argv, shFlow{}})
	}
	return out
}

func TestSHCondaPathFlows(t *testing.T) {
	needSystemGo(t)
	for _, sh := range shFlowShells() {
		t.Run(sh.name, func(t *testing.T) {
			need(t, sh.name)
			testCondaPathFlows(t, sh)
		})
	}
}

func TestSHUserEditsListVar(t *testing.T) {
	needSystemGo(t)
	for _, sh := range shFlowShells() {
		t.Run(sh.name, func(t *testing.T) {
			need(t, sh.name)
			testUserEditsListVar(t, sh)
		})
	}
}

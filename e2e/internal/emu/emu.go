// Package emu is a Go model of conda's activation, for goshim's end-to-end
// tests on machines without conda. It mirrors conda/activate.py's
// _Activator (build_activate/_build_activate_stack, build_deactivate,
// build_reactivate, _yield_commands) as documented in
// shared/docs/conda-activation.md §1-2:
//
//   - every value, PATH included, is computed from the environment BEFORE any
//     script runs, exactly like conda's Python process does;
//   - commands come out in _yield_commands' order: PATH for a plain
//     deactivate, the old env's deactivate.d (reverse-sorted), unsets, prompt,
//     exports (PATH for activate/switch/reactivate, CONDA_*, env_vars with
//     __CONDA_SHLVL_<n>_ backups), the new env's activate.d (sorted);
//   - env_vars come from etc/conda/env_vars.d/*.json, then conda-meta/state.
//
// Like conda, the model runs as a separate process (cmd emuconda) that reads
// the shell's exported environment and prints commands for the shell to
// eval. What differs between conda releases is a Flavor.
package emu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// UnsetMarker is conda's CONDA_ENV_VARS_UNSET_VAR: `conda env config vars
// unset` stores it, and activation skips (activate) or unsets (reactivate)
// such a variable.
const UnsetMarker = "***unset***"

// Flavor holds the behaviours that changed between conda releases.
type Flavor struct {
	// PosixUnsetEmpty: since conda 25.7 the posix activator writes an
	// "unset" as `export NAME=''` (set but empty), not `unset NAME`.
	PosixUnsetEmpty bool
	// RestoreEmptyBackups: older conda restored a __CONDA_SHLVL_<n>_NAME
	// backup on deactivate whenever it existed; conda 26.7 restores it only
	// when it is non-empty (docs §1).
	RestoreEmptyBackups bool
}

// Conda is conda as documented (26.7): a posix unset leaves an empty value, and
// empty backups not restored.
var Conda = Flavor{PosixUnsetEmpty: true}

// CondaLegacy is conda before 25.7: real unsets, every backup restored.
var CondaLegacy = Flavor{PosixUnsetEmpty: false, RestoreEmptyBackups: true}

// System is what conda knows besides the environment.
type System struct {
	GOOS       string // "windows" selects Windows path dirs, ';' and case-insensitive paths
	RootPrefix string // conda's root prefix (base env; condabin lives here)
	Exe        string // CONDA_EXE
	Cwd        string // for abspath of relative PATH entries
	ChangePS1  bool
	EnvPrompt  string // context.env_prompt, "({default_env}) " by default
}

// KV is one variable. List is set for PATH in dialects that keep it as a
// list (fish); Value always holds the joined form.
type KV struct {
	Name  string
	Value string
	List  []string
}

// Commands is conda's cmds_dict: what _yield_commands turns into a script.
type Commands struct {
	ExportPath        []KV // step 1: only for deactivate
	DeactivateScripts []string
	UnsetVars         []string
	SetVars           []KV // the prompt; not exported
	ExportVars        []KV
	ActivateScripts   []string
}

// Activator computes Commands from an environment, like one run of
// `conda shell.<shell> activate|deactivate|reactivate`.
type Activator struct {
	Sys     System
	Flavor  Flavor
	Dialect *Dialect
	Environ map[string]string
	Stack   bool // set by Activate, read by the prompt modifier

	action string // "activate", "deactivate", "reactivate"
	Warn   []string
}

// odict is a Python dict: insertion-ordered, a re-set key keeps its place.
type odict struct {
	keys []string
	vals map[string]string
	list map[string][]string
}

func newODict() *odict { return &odict{vals: map[string]string{}, list: map[string][]string{}} }

func (d *odict) set(k, v string) {
	if _, ok := d.vals[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.vals[k] = v
	delete(d.list, k)
}

func (d *odict) setList(k string, l []string, joined string) {
	d.set(k, joined)
	d.list[k] = l
}

func (d *odict) kvs() []KV {
	out := make([]KV, 0, len(d.keys))
	for _, k := range d.keys {
		out = append(out, KV{Name: k, Value: d.vals[k], List: d.list[k]})
	}
	return out
}

// value is what get_export_unset_vars receives: nil means "unset".
type value *string

func str(s string) value { return &s }

func (a *Activator) windows() bool { return a.Sys.GOOS == "windows" }

// pathsep is os.pathsep of the machine conda runs on.
func (a *Activator) pathsep() string {
	if a.windows() {
		return ";"
	}
	return ":"
}

func (a *Activator) shlvl() int {
	n, err := strconv.Atoi(strings.TrimSpace(a.Environ["CONDA_SHLVL"]))
	if err != nil {
		return 0
	}
	return n
}

// exportUnset is _Activator.get_export_unset_vars: names are upper-cased,
// nil values become unsets, and conda's own exe variables follow.
func (a *Activator) exportUnset(names []string, vals []value, pathList []string) (*odict, []string) {
	exp := newODict()
	var unset []string
	for i, n := range names {
		n = strings.ToUpper(n)
		switch {
		case vals[i] == nil:
			unset = append(unset, n)
		case n == "PATH" && pathList != nil:
			exp.setList(n, pathList, *vals[i])
		default:
			exp.set(n, *vals[i])
		}
	}
	// context.conda_exe_vars_dict outside dev mode
	exp.set("CONDA_EXE", a.Sys.Exe)
	unset = append(unset, "_CE_M", "_CE_CONDA")
	exp.set("CONDA_PYTHON_EXE", a.Sys.Exe)
	return exp, unset
}

// Activate is _build_activate_stack.
func (a *Activator) Activate(envNameOrPrefix string, stack bool) (*Commands, error) {
	a.action, a.Stack = "activate", stack
	prefix, err := a.locate(envNameOrPrefix)
	if err != nil {
		return nil, err
	}
	oldShlvl := a.shlvl()
	oldPrefix, hasOld := a.Environ["CONDA_PREFIX"]
	if hasOld && oldPrefix == prefix && oldShlvl > 0 {
		return a.Reactivate()
	}
	// (older conda and micromamba turn `activate` of the env one level down into
	// a deactivate; current conda does not, and neither does the model.)
	activateScripts, err := a.scripts(prefix, "activate.d", false)
	if err != nil {
		return nil, err
	}
	shlvl := oldShlvl + 1
	defaultEnv := a.defaultEnv(prefix)
	prompt := a.promptModifier(prefix, defaultEnv)
	all, err := a.envVars(prefix)
	if err != nil {
		return nil, err
	}
	envVars := newODict()
	for _, kv := range all {
		if kv.Value != UnsetMarker {
			envVars.set(kv.Name, kv.Value)
		}
	}
	// clobbered variables: conda keeps what was there as __CONDA_SHLVL_<old>_NAME
	var clobber, overwritten []string
	for _, n := range envVars.keys {
		if cur, ok := a.Environ[n]; ok {
			clobber = append(clobber, n)
			if cur != envVars.vals[n] {
				overwritten = append(overwritten, n)
			}
		}
	}
	if len(overwritten) > 0 {
		a.Warn = append(a.Warn, "WARNING: overwriting environment variables set in the machine",
			fmt.Sprintf("overwriting variable %v", overwritten))
	}
	for _, n := range clobber {
		envVars.set(fmt.Sprintf("__CONDA_SHLVL_%d_%s", oldShlvl, n), a.Environ[n])
	}

	names := []string{"path", "conda_prefix", "conda_shlvl", "conda_default_env", "conda_prompt_modifier"}
	var pathList []string
	var deactivateScripts []string
	switch {
	case oldShlvl == 0 || stack:
		pathList = a.addPrefixToPath(prefix)
	default:
		pathList = a.replacePrefixInPath(oldPrefix, prefix)
		if deactivateScripts, err = a.scripts(oldPrefix, "deactivate.d", true); err != nil {
			return nil, err
		}
	}
	vals := []value{str(strings.Join(pathList, a.pathsep())), str(prefix), str(strconv.Itoa(shlvl)), str(defaultEnv), str(prompt)}
	for _, k := range envVars.keys {
		names = append(names, k)
		vals = append(vals, str(envVars.vals[k]))
	}
	if oldShlvl > 0 {
		names = append(names, fmt.Sprintf("CONDA_PREFIX_%d", oldShlvl))
		vals = append(vals, str(oldPrefix))
		if stack {
			names = append(names, fmt.Sprintf("CONDA_STACKED_%d", shlvl))
			vals = append(vals, str("true"))
		}
	}
	exp, unset := a.exportUnset(names, vals, pathList)
	return &Commands{
		DeactivateScripts: deactivateScripts,
		UnsetVars:         unset,
		SetVars:           a.prompt(prompt),
		ExportVars:        exp.kvs(),
		ActivateScripts:   activateScripts,
	}, nil
}

// Deactivate is build_deactivate.
func (a *Activator) Deactivate() (*Commands, error) {
	a.action = "deactivate"
	oldPrefix := a.Environ["CONDA_PREFIX"]
	oldShlvl := a.shlvl()
	if oldPrefix == "" || oldShlvl < 1 {
		return &Commands{}, nil
	}
	deactivateScripts, err := a.scripts(oldPrefix, "deactivate.d", true)
	if err != nil {
		return nil, err
	}
	oldEnvVars, err := a.envVars(oldPrefix)
	if err != nil {
		return nil, err
	}
	newShlvl := oldShlvl - 1
	var (
		exp             *odict
		unset           []string
		prompt          string
		activateScripts []string
		pathList        []string
	)
	if oldShlvl == 1 {
		pathList = a.removePrefixFromPath(oldPrefix)
		exp, unset = a.exportUnset(
			[]string{"conda_prefix", "conda_shlvl", "conda_default_env", "conda_prompt_modifier"},
			[]value{nil, str(strconv.Itoa(newShlvl)), nil, nil}, nil)
	} else {
		newPrefix := a.Environ[fmt.Sprintf("CONDA_PREFIX_%d", newShlvl)]
		defaultEnv := a.defaultEnv(newPrefix)
		prompt = a.promptModifier(newPrefix, defaultEnv)
		newEnvVars, err := a.envVars(newPrefix)
		if err != nil {
			return nil, err
		}
		_, stacked := a.Environ[fmt.Sprintf("CONDA_STACKED_%d", oldShlvl)]
		unset = []string{fmt.Sprintf("CONDA_PREFIX_%d", newShlvl)}
		if stacked {
			pathList = a.removePrefixFromPath(oldPrefix)
			unset = append(unset, fmt.Sprintf("CONDA_STACKED_%d", oldShlvl))
		} else {
			pathList = a.replacePrefixInPath(oldPrefix, newPrefix)
		}
		names := []string{"conda_prefix", "conda_shlvl", "conda_default_env", "conda_prompt_modifier"}
		vals := []value{str(newPrefix), str(strconv.Itoa(newShlvl)), str(defaultEnv), str(prompt)}
		for _, kv := range newEnvVars {
			names = append(names, kv.Name)
			vals = append(vals, str(kv.Value))
		}
		var unset2 []string
		exp, unset2 = a.exportUnset(names, vals, nil)
		unset = append(unset, unset2...)
		if activateScripts, err = a.scripts(newPrefix, "activate.d", false); err != nil {
			return nil, err
		}
	}
	// conda restores its env_vars AFTER the deactivate.d scripts ran, from
	// backups it never clears.
	for _, kv := range oldEnvVars {
		unset = append(unset, kv.Name)
		save := fmt.Sprintf("__CONDA_SHLVL_%d_%s", newShlvl, kv.Name)
		if v, ok := a.Environ[save]; ok && (v != "" || a.Flavor.RestoreEmptyBackups) {
			exp.set(kv.Name, v)
		}
	}
	return &Commands{
		ExportPath:        []KV{{Name: "PATH", Value: strings.Join(pathList, a.pathsep()), List: pathList}},
		DeactivateScripts: deactivateScripts,
		UnsetVars:         unset,
		SetVars:           a.prompt(prompt),
		ExportVars:        exp.kvs(),
		ActivateScripts:   activateScripts,
	}, nil
}

// Reactivate is build_reactivate (also what `activate X` becomes while X
// is the active env, and what conda runs after install/remove).
func (a *Activator) Reactivate() (*Commands, error) {
	a.action = "reactivate"
	prefix := a.Environ["CONDA_PREFIX"]
	shlvl := a.shlvl()
	if prefix == "" || shlvl < 1 {
		return &Commands{}, nil
	}
	defaultEnv, ok := a.Environ["CONDA_DEFAULT_ENV"]
	if !ok {
		defaultEnv = a.defaultEnv(prefix)
	}
	pathList := a.replacePrefixInPath(prefix, prefix)
	prompt := a.promptModifier(prefix, defaultEnv)
	exp := newODict()
	exp.setList("PATH", pathList, strings.Join(pathList, a.pathsep()))
	exp.set("CONDA_SHLVL", strconv.Itoa(shlvl))
	exp.set("CONDA_PROMPT_MODIFIER", prompt)
	var unset []string
	envVars, err := a.envVars(prefix)
	if err != nil {
		return nil, err
	}
	for _, kv := range envVars {
		if kv.Value == UnsetMarker {
			unset = append(unset, kv.Name)
		} else {
			exp.set(kv.Name, kv.Value)
		}
	}
	deact, err := a.scripts(prefix, "deactivate.d", true)
	if err != nil {
		return nil, err
	}
	act, err := a.scripts(prefix, "activate.d", false)
	if err != nil {
		return nil, err
	}
	return &Commands{
		DeactivateScripts: deact,
		UnsetVars:         unset,
		SetVars:           a.prompt(prompt),
		ExportVars:        exp.kvs(),
		ActivateScripts:   act,
	}, nil
}

// locate resolves what `conda activate` was given. Only paths are
// supported (test envs are plain prefixes), plus "base".
func (a *Activator) locate(s string) (string, error) {
	if strings.ContainsAny(s, `/\`) {
		p := os.Expand(s, func(k string) string { return a.Environ[k] })
		if strings.HasPrefix(p, "~") {
			p = a.Environ["HOME"] + p[1:]
		}
		p = a.abspath(p)
		if fi, err := os.Stat(filepath.Join(p, "conda-meta")); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("EnvironmentLocationNotFound: Not a conda environment: %s", p)
		}
		return p, nil
	}
	if s == "base" || s == "root" {
		return a.Sys.RootPrefix, nil
	}
	return "", fmt.Errorf("EnvironmentNameNotFound: the emulator activates prefixes only, not %q", s)
}

// scripts is _get_activate_scripts / _get_deactivate_scripts: the files of
// the dialect's extension, sorted by full path (code-point order), reversed
// for deactivate.d.
func (a *Activator) scripts(prefix, dir string, reverse bool) ([]string, error) {
	d := a.join(prefix, "etc", "conda", dir)
	entries, err := os.ReadDir(d)
	if err != nil {
		return nil, nil // conda: except OSError: return ()
	}
	var out []string
	for _, e := range entries {
		p := a.join(d, e.Name())
		if strings.HasSuffix(p, a.Dialect.Ext) {
			out = append(out, a.normpath(p))
		}
	}
	sort.Strings(out) // Go compares bytes: for UTF-8 that is code-point order, like Python
	if reverse {
		sort.Sort(sort.Reverse(sort.StringSlice(out)))
	}
	return out, nil
}

// envVars is _get_environment_env_vars: env_vars.d/*.json (sorted), then
// conda-meta/state's env_vars, which win. Key order is kept.
func (a *Activator) envVars(prefix string) ([]KV, error) {
	vars := newODict()
	d := a.join(prefix, "etc", "conda", "env_vars.d")
	if entries, err := os.ReadDir(d); err == nil {
		var files []string
		for _, e := range entries {
			files = append(files, a.join(d, e.Name()))
		}
		sort.Strings(files)
		for _, f := range files {
			kvs, err := readJSONObject(f, "")
			if err != nil {
				return nil, err
			}
			for _, kv := range kvs {
				vars.set(kv.Name, kv.Value)
			}
		}
	}
	state := a.join(prefix, "conda-meta", "state")
	if _, err := os.Stat(state); err == nil {
		kvs, err := readJSONObject(state, "env_vars")
		if err != nil {
			return nil, err
		}
		for _, kv := range kvs {
			if _, dup := vars.vals[kv.Name]; dup {
				a.Warn = append(a.Warn, "WARNING: duplicate env vars detected. Vars from the environment will overwrite those from packages",
					"variable "+kv.Name+" duplicated")
			}
			vars.set(kv.Name, kv.Value)
		}
	}
	return vars.kvs(), nil
}

// readJSONObject reads a JSON object of strings in file order; with key, the
// object under that top-level key.
func readJSONObject(file, key string) ([]KV, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	if key != "" {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(data, &top); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		raw, ok := top[key]
		if !ok {
			return nil, nil
		}
		data = raw
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s: want a JSON object", file)
	}
	var out []KV
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: value of %v: %w", file, tok, err)
		}
		out = append(out, KV{Name: tok.(string), Value: v})
	}
	return out, nil
}

// --- paths --------------------------------------------------------------

func (a *Activator) join(elem ...string) string {
	if a.windows() {
		return strings.Join(elem, `\`)
	}
	return path.Join(elem...)
}

// normpath is os.path.normpath (posixpath or ntpath).
func (a *Activator) normpath(p string) string {
	if a.windows() {
		if p == "" {
			return "."
		}
		return filepath.Clean(strings.ReplaceAll(p, "/", `\`))
	}
	return posixNormpath(p)
}

// posixNormpath is Python's posixpath.normpath: "" is ".", exactly two
// leading slashes stay, "." and ".." and duplicate slashes collapse.
func posixNormpath(p string) string {
	if p == "" {
		return "."
	}
	initial := 0
	if strings.HasPrefix(p, "/") {
		initial = 1
		if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
			initial = 2
		}
	}
	var comps []string
	for _, c := range strings.Split(p, "/") {
		if c == "" || c == "." {
			continue
		}
		if c != ".." || (initial == 0 && len(comps) == 0) || (len(comps) > 0 && comps[len(comps)-1] == "..") {
			comps = append(comps, c)
		} else if len(comps) > 0 {
			comps = comps[:len(comps)-1]
		}
	}
	out := strings.Repeat("/", initial) + strings.Join(comps, "/")
	if out == "" {
		return "."
	}
	return out
}

func (a *Activator) abspath(p string) string {
	if a.windows() {
		if !filepath.IsAbs(p) {
			p = a.Sys.Cwd + `\` + p
		}
		return a.normpath(p)
	}
	if !strings.HasPrefix(p, "/") {
		p = a.Sys.Cwd + "/" + p
	}
	return posixNormpath(p)
}

// pathsEqual is conda.common.path.paths_equal.
func (a *Activator) pathsEqual(x, y string) bool {
	if a.windows() {
		return strings.EqualFold(a.abspath(x), a.abspath(y))
	}
	return a.abspath(x) == a.abspath(y)
}

// pathDirs is _get_path_dirs.
func (a *Activator) pathDirs(prefix string) []string {
	if a.windows() {
		return []string{
			strings.TrimRight(prefix, `\`),
			prefix + `\Library\mingw-w64\bin`,
			prefix + `\Library\usr\bin`,
			prefix + `\Library\bin`,
			prefix + `\Scripts`,
			prefix + `\bin`,
		}
	}
	return []string{prefix + "/bin"}
}

// startingPath is _get_starting_path_list after path_conversion: every
// entry normalised (normpath), which is how conda rewrites a user's PATH.
func (a *Activator) startingPath() []string {
	p, ok := a.Environ["PATH"]
	if !ok {
		p = "/usr/bin"
		if a.windows() {
			p = `C:\Windows\system32;C:\Windows;C:\Windows\System32\Wbem;C:\Windows\System32\WindowsPowerShell\v1.0\`
		}
	}
	parts := strings.Split(p, a.pathsep())
	out := make([]string, len(parts))
	for i, e := range parts {
		out[i] = a.normpath(e)
	}
	return out
}

// addPrefixToPath is _add_prefix_to_path: the prefix's dirs go first; on a
// first activation conda also makes sure some entry ends with "condabin".
func (a *Activator) addPrefixToPath(prefix string) []string {
	list := a.startingPath()
	if a.shlvl() == 0 {
		found := false
		for _, e := range list {
			if strings.HasSuffix(e, "condabin") {
				found = true
				break
			}
		}
		if !found {
			list = append([]string{a.normpath(a.join(a.Sys.RootPrefix, "condabin"))}, list...)
		}
	}
	dirs := a.pathDirs(a.normpath(prefix))
	return append(append([]string{}, dirs...), list...)
}

func (a *Activator) removePrefixFromPath(prefix string) []string {
	return a.replacePrefixInPath(prefix, "")
}

// replacePrefixInPath is _replace_prefix_in_path: the old prefix's dirs
// (first occurrence of the first dir through the last dir) are replaced in
// place by the new prefix's dirs; when the old prefix is not on PATH the new
// dirs go first.
func (a *Activator) replacePrefixInPath(oldPrefix, newPrefix string) []string {
	list := a.startingPath()
	index := func(p string) int {
		for i, e := range list {
			if a.pathsEqual(e, p) {
				return i
			}
		}
		return -1
	}
	first := 0
	if oldPrefix != "" {
		dirs := a.pathDirs(a.normpath(oldPrefix))
		first = index(dirs[0])
		if first < 0 {
			first = 0
		} else {
			last := -1
			for i := len(dirs) - 1; last < 0 && i >= 0; i-- {
				last = index(dirs[i])
				if last < 0 {
					a.Warn = append(a.Warn, "Did not find path entry "+dirs[i])
				}
			}
			if last < first {
				last = first
			}
			list = append(list[:first:first], list[last+1:]...)
		}
	}
	if newPrefix != "" {
		dirs := a.pathDirs(a.normpath(newPrefix))
		rest := append([]string{}, list[first:]...)
		list = append(append(list[:first:first], dirs...), rest...)
	}
	return list
}

// --- names and prompt ---------------------------------------------------

// defaultEnv is _default_env: "base", the name under an envs/ folder, or
// the prefix.
func (a *Activator) defaultEnv(prefix string) string {
	if a.Sys.RootPrefix != "" && a.pathsEqual(prefix, a.Sys.RootPrefix) {
		return "base"
	}
	base, dir := a.split(prefix)
	if parent, _ := a.split(dir); parent == "envs" {
		return base
	}
	return prefix
}

// split returns basename(p) and dirname(p).
func (a *Activator) split(p string) (base, dir string) {
	sep := "/"
	if a.windows() {
		sep = `\`
	}
	i := strings.LastIndex(p, sep)
	if i < 0 {
		return p, ""
	}
	return p[i+1:], p[:i]
}

// promptModifier is _prompt_modifier.
func (a *Activator) promptModifier(prefix, defaultEnv string) string {
	if !a.Sys.ChangePS1 {
		return ""
	}
	var envStack, promptStack []string
	old := a.shlvl()
	for i := 1; i <= old; i++ {
		var env string
		if i == old {
			env = a.defaultEnv(a.Environ["CONDA_PREFIX"])
		} else {
			env = a.defaultEnv(strings.TrimRight(a.Environ[fmt.Sprintf("CONDA_PREFIX_%d", i)], " \t\n"))
		}
		stacked := strings.TrimRight(a.Environ[fmt.Sprintf("CONDA_STACKED_%d", i)], " \t\n") != ""
		envStack = append(envStack, env)
		if !stacked && len(promptStack) > 0 {
			promptStack = promptStack[:len(promptStack)-1]
		}
		promptStack = append(promptStack, env)
	}
	switch a.action {
	case "deactivate":
		if len(promptStack) > 0 {
			promptStack = promptStack[:len(promptStack)-1]
		}
		if len(envStack) > 0 {
			envStack = envStack[:len(envStack)-1]
		}
		stacked := strings.TrimRight(a.Environ[fmt.Sprintf("CONDA_STACKED_%d", old)], " \t\n") != ""
		if !stacked && len(envStack) > 0 {
			promptStack = append(promptStack, envStack[len(envStack)-1])
		}
	case "reactivate":
	default:
		if !a.Stack && len(promptStack) > 0 {
			promptStack = promptStack[:len(promptStack)-1]
		}
		promptStack = append(promptStack, defaultEnv)
	}
	stacked := make([]string, len(promptStack))
	for i, e := range promptStack {
		stacked[len(promptStack)-1-i] = e
	}
	tmpl := a.Sys.EnvPrompt
	if tmpl == "" {
		tmpl = "({default_env}) "
	}
	base, _ := a.split(prefix)
	r := strings.NewReplacer("{default_env}", defaultEnv, "{stacked_env}", strings.Join(stacked, ","),
		"{prefix}", prefix, "{name}", base)
	return r.Replace(tmpl)
}

// prompt is _update_prompt: posix sets PS1, csh sets prompt, the others
// leave the prompt alone.
func (a *Activator) prompt(modifier string) []KV {
	if !a.Sys.ChangePS1 {
		return nil
	}
	var name string
	switch a.Dialect.Name {
	case "posix":
		name = "PS1"
	case "csh":
		name = "prompt"
	default:
		return nil
	}
	cur := a.Environ[name]
	if strings.Contains(cur, "POWERLINE_COMMAND") && name == "PS1" {
		return nil
	}
	if m := a.Environ["CONDA_PROMPT_MODIFIER"]; m != "" {
		cur = strings.ReplaceAll(cur, m, "")
	}
	return []KV{{Name: name, Value: modifier + cur}}
}

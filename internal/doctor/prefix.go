package doctor

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goshim/goshim/internal/condaenv"
	"github.com/goshim/goshim/internal/manifest"
	"github.com/goshim/goshim/shim/plan"
)

// prefixInfo is what doctor read from one env prefix, read once.
type prefixInfo struct {
	prefix    string
	envVars   []condaenv.EnvVar // what conda exports on activation
	envErr    error
	scripts   []condaenv.ScriptSetting // other activate.d lines setting Go variables
	scriptErr error
	sets      []*hookSet // goshim hook sets, sorted by id
	setsErr   error
}

// hookSet is one goshim hook set found in a prefix.
type hookSet struct {
	id, stateID string
	files       map[string]map[string]string // ext → role (save, apply, restore) → slash path
	manifest    *manifest.Manifest
	apply       [][]byte // the apply hooks' content, every shell
}

func (d *diag) prefixInfo(p string) *prefixInfo {
	p = filepath.Clean(p)
	if info, ok := d.prefixes[p]; ok {
		return info
	}
	info := &prefixInfo{prefix: p}
	d.prefixes[p] = info
	if !condaenv.IsPrefix(p) {
		return info
	}
	info.envVars, info.envErr = condaenv.PrefixEnvVars(p)
	info.scripts, info.scriptErr = condaenv.ScriptVars(p)
	info.sets, info.setsErr = findHookSets(p)
	return info
}

var roleDirs = []struct{ dir, role string }{
	{"etc/conda/activate.d", ""}, // save or apply, by the first character
	{"etc/conda/deactivate.d", "restore"},
}

// findHookSets lists goshim's hook files in prefix and its manifests.
func findHookSets(prefix string) ([]*hookSet, error) {
	byID := map[string]*hookSet{}
	get := func(id string) *hookSet {
		s := byID[id]
		if s == nil {
			s = &hookSet{id: id, stateID: plan.StateID(id), files: map[string]map[string]string{}}
			byID[id] = s
		}
		return s
	}
	for _, rd := range roleDirs {
		entries, err := os.ReadDir(filepath.Join(prefix, filepath.FromSlash(rd.dir)))
		if err != nil {
			continue // no such folder: no hooks there
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			name := e.Name()
			ext := path.Ext(name)
			base := strings.TrimSuffix(name, ext)
			role := rd.role
			var id string
			switch {
			case strings.HasPrefix(base, "+goshim-") && role == "":
				id, role = strings.TrimSuffix(strings.TrimPrefix(base, "+goshim-"), "-save"), "save"
			case strings.HasPrefix(base, "~goshim-") && role == "":
				id, role = strings.TrimPrefix(base, "~goshim-"), "apply"
			case strings.HasPrefix(base, "+goshim-") && role == "restore":
				id = strings.TrimPrefix(base, "+goshim-")
			default:
				continue
			}
			if id == "" {
				continue
			}
			s := get(id)
			if s.files[ext] == nil {
				s.files[ext] = map[string]string{}
			}
			rel := rd.dir + "/" + name
			s.files[ext][role] = rel
			if role == "apply" {
				if data, err := os.ReadFile(filepath.Join(prefix, filepath.FromSlash(rel))); err == nil {
					s.apply = append(s.apply, data)
				}
			}
		}
	}
	mans, err := manifest.All(prefix)
	for _, m := range mans {
		get(m.ID).manifest = m
	}
	out := make([]*hookSet, 0, len(byID))
	for _, s := range byID {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, err
}

// intendsCondaGo reports whether a goshim policy in this env leaves the
// toolchain to conda: its apply hooks never record a toolchain PATH entry.
func (info *prefixInfo) intendsCondaGo() bool {
	if len(info.sets) == 0 {
		return false
	}
	for _, s := range info.sets {
		for _, a := range s.apply {
			if bytes.Contains(a, []byte("__T_PATH")) {
				return false
			}
		}
		if len(s.apply) == 0 {
			return false
		}
	}
	return true
}

// manages reports whether a goshim hook set in this env saves and restores
// name: every shell's hooks keep the original in _GOSHIM_<ID>__O_<NAME>.
func (info *prefixInfo) manages(name string) bool {
	re := regexp.MustCompile(`__O_` + regexp.QuoteMeta(name) + `\b`)
	for _, s := range info.sets {
		for _, a := range s.apply {
			if re.Match(a) {
				return true
			}
		}
	}
	return false
}

// hijacks reports whether the env changes Go at all: its own go, or Go
// variables in env_vars or activate.d.
func (info *prefixInfo) hijacks() bool {
	if isFile(filepath.Join(info.prefix, "bin", "go")) || isFile(filepath.Join(info.prefix, "go", "bin", "go")) {
		return true
	}
	for _, v := range info.envVars {
		if isGoVar(v.Name) {
			return true
		}
	}
	return len(info.scripts) > 0
}

func (info *prefixInfo) envVarWhere(v condaenv.EnvVar) string {
	file, line, _ := strings.Cut(v.Source, ":")
	w := filepath.Join(info.prefix, filepath.FromSlash(file))
	if line != "" {
		w += ":" + line
	}
	return w
}

func (info *prefixInfo) scriptWhere(s condaenv.ScriptSetting) string {
	return filepath.Join(info.prefix, filepath.FromSlash(s.File)) + ":" + strconv.Itoa(s.Line)
}

// setter returns where this env sets name, in conda's order (env_vars
// before activate.d scripts, scripts by name): the last one wins. Scripts
// of the shells that do not run here are skipped when one of this shell's
// sets it too.
func (info *prefixInfo) setter(name string, windows bool) string {
	where := ""
	for _, v := range info.envVars {
		if v.Name == name {
			where = info.envVarWhere(v)
		}
	}
	native := map[string]bool{".sh": !windows, ".bat": windows, ".ps1": windows}
	var own, other string
	for _, s := range info.scripts {
		if s.Name != name {
			continue
		}
		if native[path.Ext(s.File)] {
			own = info.scriptWhere(s)
		} else {
			other = info.scriptWhere(s)
		}
	}
	switch {
	case own != "":
		return own
	case other != "":
		return other
	}
	return where
}

// origin says where name was most likely set: by an active env, else by
// the inspected one (a leftover after its deactivation).
func (d *diag) origin(name string) string {
	if w := d.activeOrigin(name); w != "" {
		return w
	}
	if d.target != "" {
		return d.prefixInfo(d.target).setter(name, d.windows())
	}
	return ""
}

// activeOrigin is where an active env sets name, "" when none does.
func (d *diag) activeOrigin(name string) string {
	for _, p := range d.active {
		if w := d.prefixInfo(p).setter(name, d.windows()); w != "" {
			return w
		}
	}
	return ""
}

// readHeader reads the "Inputs:" and "Digest:" lines goshim writes at the
// top of every hook.
func readHeader(file string) (inputs []string, digest string) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, ""
	}
	lines := strings.SplitN(string(data), "\n", 8)
	for _, l := range lines {
		if _, rest, ok := strings.Cut(l, " Inputs: "); ok {
			if strings.TrimSpace(rest) == "embedded default policy" {
				continue
			}
			for _, in := range strings.Split(rest, "), ") {
				name, _, _ := strings.Cut(in, " (sha256:")
				if name = strings.TrimSpace(name); name != "" {
					inputs = append(inputs, name)
				}
			}
		}
		if _, rest, ok := strings.Cut(l, " Digest: sha256:"); ok {
			digest = strings.TrimSpace(rest)
		}
	}
	return inputs, digest
}

func (s *hookSet) exts() []string {
	var out []string
	for ext := range s.files {
		out = append(out, ext)
	}
	sort.Strings(out)
	return out
}

// paths lists the set's files, sorted.
func (s *hookSet) paths() []string {
	var out []string
	for _, roles := range s.files {
		for _, p := range roles {
			out = append(out, p)
		}
	}
	if s.manifest != nil {
		for _, f := range s.manifest.Files {
			if !contains(out, f.Path) {
				out = append(out, f.Path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// checkPrefix: the inspected env's hooks, and what else in it sets Go.
func (d *diag) checkPrefix() {
	if d.target == "" {
		return
	}
	info := d.prefixInfo(d.target)
	if !condaenv.IsPrefix(info.prefix) {
		d.add(Finding{Check: "hooks", Severity: Error, Value: info.prefix,
			Problem: info.prefix + " is not a conda env (no conda-meta/)",
			Fix:     "pass the env's own folder, e.g. ~/miniforge3/envs/NAME"})
		return
	}
	d.checkHooks(info)
	d.checkEnvVars(info)
	d.checkScripts(info)
}

func (d *diag) checkHooks(info *prefixInfo) {
	p := info.prefix
	if info.setsErr != nil {
		d.add(Finding{Check: "hooks", Severity: Error, Problem: oneLine(info.setsErr.Error()),
			Why: "goshim cannot tell which hooks it installed here", Fix: fmt.Sprintf("remove the broken manifest, then reinstall: goshim install -p %s --force", p)})
	}
	if len(info.sets) == 0 {
		if info.hijacks() {
			d.add(Finding{Check: "hooks", Severity: Warn, Value: p,
				Problem: "no goshim hooks in " + p,
				Why:     "this env changes Go (its own go, or Go variables in env_vars.d or activate.d) and nothing puts the system Go and your values back",
				Fix:     fmt.Sprintf("goshim install -p %s, then re-activate the env", p)})
		} else {
			d.add(Finding{Check: "hooks", Severity: OK, Value: p, Problem: "no goshim hooks, and nothing in " + p + " changes Go"})
		}
		return
	}
	active := d.getenv("CONDA_PREFIX") != "" && sameDir(d.getenv("CONDA_PREFIX"), p)
	for _, s := range info.sets {
		f := Finding{Check: "hooks", Var: "", Value: s.id}
		var incomplete []string
		for _, ext := range s.exts() {
			var missing []string
			for _, role := range []string{"save", "apply", "restore"} {
				if s.files[ext][role] == "" {
					missing = append(missing, role)
				}
			}
			if len(missing) > 0 {
				incomplete = append(incomplete, fmt.Sprintf("%s lacks %s", ext, strings.Join(missing, ", ")))
			}
		}
		var modified []string
		if s.manifest != nil {
			modified = s.manifest.Modified(p)
		}
		switch {
		case len(s.files) == 0:
			f.Severity = Error
			f.Problem = fmt.Sprintf("hook set %q has a manifest but none of its files", s.id)
			f.Why = "the env is not protected, and deactivation will not restore Go variables"
			f.Fix = fmt.Sprintf("reinstall: goshim install -p %s --force", p)
		case len(incomplete) > 0:
			f.Severity = Error
			f.Problem = fmt.Sprintf("hook set %q is incomplete: %s", s.id, strings.Join(incomplete, "; "))
			f.Why = "without its save hook the originals are not recorded; without its restore hook deactivation leaves the env's values behind"
			f.Fix = fmt.Sprintf("reinstall: goshim install -p %s --force", p)
		case len(modified) > 0:
			f.Severity = Error
			f.Problem = fmt.Sprintf("hook set %q: %s changed or missing since goshim installed %s", s.id, strings.Join(modified, ", "), plural(len(modified), "it", "them"))
			f.Why = "edited hooks may not save or restore what the manifest says; the checksums in " + manifest.PathFor(s.id) + " no longer match"
			f.Fix = fmt.Sprintf("reinstall: goshim install -p %s --force", p)
		default:
			if _, ok := d.lookup("_GOSHIM_" + s.stateID + "__SAVED"); active && !ok {
				f.Severity = Error
				f.Problem = fmt.Sprintf("hook set %q is installed but did not run in this shell", s.id)
				f.Why = "hooks take effect on activation: this shell was activated before they were installed, or by a tool that skips activate.d"
				f.Fix = "re-activate the env: conda activate " + p
				break
			}
			f.Severity = OK
			how := "copied without a manifest"
			if s.manifest != nil {
				how = "manifest checksums match"
			}
			f.Problem = fmt.Sprintf("hook set %q installed for %s (%s)", s.id, strings.Join(s.exts(), ", "), how)
		}
		d.add(f)
		d.checkHooksCurrent(info, s)
	}
}

// checkHooksCurrent compares a hook set with what the current inputs
// generate: the inputs' digest first, then the bytes.
func (d *diag) checkHooksCurrent(info *prefixInfo, s *hookSet) {
	if d.o.Generate == nil || len(s.files) == 0 {
		return
	}
	p := info.prefix
	f := Finding{Check: "hooks-current", Value: s.id}
	if s.manifest != nil && strings.HasPrefix(s.manifest.Source, "package:") {
		f.Severity = OK
		f.Problem = fmt.Sprintf("hook set %q came with conda package %s: not compared with inputs here", s.id, strings.TrimPrefix(s.manifest.Source, "package:"))
		d.add(f)
		return
	}
	var installedInputs []string
	var digest string
	for _, ext := range s.exts() {
		if rel := s.files[ext]["save"]; rel != "" {
			installedInputs, digest = readHeader(filepath.Join(p, filepath.FromSlash(rel)))
			if digest != "" {
				break
			}
		}
	}
	if digest == "" && s.manifest != nil && s.manifest.Source == "generated" {
		digest = s.manifest.Digest
		for _, in := range s.manifest.Inputs {
			installedInputs = append(installedInputs, in.Name)
		}
	}
	gen, err := d.o.Generate(p, s.id)
	switch {
	case err != nil:
		f.Severity = Warn
		f.Problem = "cannot compare with the inputs here: " + oneLine(err.Error())
		f.Why = "goshim generate and install would fail on these inputs too"
		f.Fix = "fix the inputs named in the message"
	case gen == nil || (len(installedInputs) > 0 && len(gen.Inputs) == 0):
		f.Severity = OK
		f.Problem = fmt.Sprintf("hook set %q was generated from %s, which %s not here: run doctor in the project folder to compare", s.id, strings.Join(installedInputs, ", "), plural(len(installedInputs), "is", "are"))
	case digest != gen.Digest:
		f.Severity = Warn
		f.Problem = fmt.Sprintf("hook set %q was generated from other inputs than %s", s.id, inputsText(gen.Inputs, d.o.Dir))
		f.Why = "the env runs the policy as it was, not as it is now"
		f.Fix = fmt.Sprintf("goshim install -p %s (in this folder), then re-activate the env", p)
	default:
		var differ []string
		for _, rel := range s.paths() {
			want, ok := gen.Files[rel]
			if !ok {
				continue
			}
			have, err := os.ReadFile(filepath.Join(p, filepath.FromSlash(rel)))
			if err != nil || !bytes.Equal(have, want) {
				differ = append(differ, rel)
			}
		}
		if len(differ) > 0 {
			f.Severity = Warn
			f.Problem = fmt.Sprintf("hook set %q: %s differ from what this goshim generates from the same inputs for this env", s.id, strings.Join(differ, ", "))
			f.Why = "another goshim version wrote them, or what conda exports in this env (env_vars.d, conda-meta/state) changed since"
			f.Fix = fmt.Sprintf("goshim install -p %s, then re-activate the env", p)
			if s.manifest != nil && s.manifest.Goshim != "" {
				f.Why = "goshim " + s.manifest.Goshim + " installed them, or what conda exports in this env (env_vars.d, conda-meta/state) changed since"
			}
		} else {
			f.Severity = OK
			f.Problem = fmt.Sprintf("hook set %q is up to date with %s", s.id, inputsText(gen.Inputs, d.o.Dir))
		}
	}
	d.add(f)
}

func inputsText(inputs []string, dir string) string {
	if len(inputs) == 0 {
		return "the embedded default policy"
	}
	return strings.Join(inputs, ", ")
}

func (d *diag) checkEnvVars(info *prefixInfo) {
	if info.envErr != nil {
		d.add(Finding{Check: "prefix-env-vars", Severity: Error, Problem: oneLine(info.envErr.Error()),
			Why: "conda fails to activate this env too", Fix: "fix or remove the file named in the message"})
		return
	}
	n := 0
	for _, v := range info.envVars {
		if !isGoVar(v.Name) {
			continue
		}
		n++
		f := Finding{Check: "prefix-env-vars", Var: v.Name, Value: v.Value, Where: info.envVarWhere(v)}
		if info.manages(v.Name) {
			f.Severity = OK
			f.Problem = fmt.Sprintf("conda exports %s=%s on activation; goshim's hooks undo it", v.Name, shq(v.Value))
		} else {
			f.Severity = Warn
			f.Problem = fmt.Sprintf("conda exports %s=%s whenever this env activates, and no goshim hook undoes it", v.Name, shq(v.Value))
			f.Why = "every shell of the env gets it, and after deactivation conda's posix shells leave it set but empty"
			if v.Name == "GOTOOLCHAIN" && v.Value == "local" {
				f.Why = "go never switches to the toolchain a go.mod asks for: builds fail with \"go.mod requires go >= …\" instead"
			}
			f.Fix = fmt.Sprintf("goshim install -p %s (the default policy keeps %s from before activation)", info.prefix, v.Name)
			if strings.HasPrefix(v.Source, "conda-meta/state") {
				f.Fix += fmt.Sprintf(", or conda env config vars unset %s -p %s", v.Name, info.prefix)
			}
		}
		d.add(f)
	}
	if n == 0 {
		d.add(Finding{Check: "prefix-env-vars", Severity: OK, Problem: "conda exports no Go variable when this env activates"})
	}
}

func (d *diag) checkScripts(info *prefixInfo) {
	if info.scriptErr != nil {
		d.add(Finding{Check: "prefix-scripts", Severity: Warn, Problem: "cannot read activate.d: " + oneLine(info.scriptErr.Error()),
			Why: "doctor cannot tell which scripts set Go variables", Fix: "check the folder's permissions"})
		return
	}
	for _, s := range info.scripts {
		f := Finding{Check: "prefix-scripts", Var: s.Name, Value: s.Text, Where: info.scriptWhere(s)}
		if info.manages(s.Name) {
			f.Severity = OK
			f.Problem = fmt.Sprintf("%s sets %s; goshim's hooks undo it", path.Base(s.File), s.Name)
		} else {
			f.Severity = Warn
			f.Problem = fmt.Sprintf("%s sets %s on activation, and no goshim hook undoes it", path.Base(s.File), s.Name)
			f.Why = "the value changes every build in the env's shells, and package scripts rarely restore it on deactivation (go-cgo's only unsets CONDA_GO_COMPILER)"
			f.Fix = fmt.Sprintf("goshim install -p %s (add %s to goshim.toml if the policy does not manage it)", info.prefix, s.Name)
		}
		d.add(f)
	}
	if len(info.scripts) == 0 {
		d.add(Finding{Check: "prefix-scripts", Severity: OK, Problem: "no other activate.d script sets a Go variable"})
	}
}

package doctor

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/goshim/goshim/internal/condaenv"
)

// checkLeftovers: what envs that are gone left in this shell.
func (d *diag) checkLeftovers() {
	d.checkActivePrefix()
	d.checkGoshimState()
	d.checkStalePath()
	d.checkCondaPath()
	d.checkCondaBackups()
	d.checkPathDuplicates()
}

// shlvl is conda's nesting level: 0 when no env is active.
func (d *diag) shlvl() int {
	n, err := strconv.Atoi(d.getenv("CONDA_SHLVL"))
	if err != nil || n < 0 {
		if d.getenv("CONDA_PREFIX") != "" {
			return 1
		}
		return 0
	}
	return n
}

func (d *diag) checkActivePrefix() {
	p := d.getenv("CONDA_PREFIX")
	if p == "" || condaenv.IsPrefix(p) {
		return
	}
	d.add(Finding{Check: "conda-prefix", Severity: Warn, Var: "CONDA_PREFIX", Value: p,
		Problem: "CONDA_PREFIX=" + p + " is not a conda env (no conda-meta/)",
		Why:     "the active env was deleted or moved: its PATH entries and variables stay until deactivation",
		Fix:     "conda deactivate, or start a new shell"})
}

// stateSets groups the _GOSHIM_<ID>__* variables by hook set id.
func (d *diag) stateSets() map[string][]string {
	out := map[string][]string{}
	for k := range d.o.Env {
		rest, ok := strings.CutPrefix(k, "_GOSHIM_")
		if !ok {
			continue
		}
		id, _, ok := strings.Cut(rest, "__")
		if !ok || id == "" {
			continue // _GOSHIM_STALE_PATH and other shared names
		}
		out[id] = append(out[id], k)
	}
	for id := range out {
		sort.Strings(out[id])
	}
	return out
}

// activeStateIDs are the hook sets installed in active envs.
func (d *diag) activeStateIDs() map[string]bool {
	ids := map[string]bool{}
	for _, p := range d.active {
		for _, s := range d.prefixInfo(p).sets {
			ids[s.stateID] = true
		}
	}
	return ids
}

func (d *diag) checkGoshimState() {
	sets := d.stateSets()
	if len(sets) == 0 {
		return
	}
	active := d.activeStateIDs()
	ids := make([]string, 0, len(sets))
	for id := range sets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		names := sets[id]
		if active[id] {
			d.add(Finding{Check: "goshim-state", Severity: OK, Var: "_GOSHIM_" + id + "__*",
				Problem: fmt.Sprintf("state of hook set %s belongs to an active env", id)})
			continue
		}
		where := "no env is active"
		if len(d.active) > 0 {
			where = "no active env has its hooks"
		}
		d.add(Finding{Check: "goshim-state", Severity: Error, Var: "_GOSHIM_" + id + "__*", Value: strings.Join(names, " "),
			Problem: fmt.Sprintf("goshim state of hook set %s is set, but %s", id, where),
			Why:     "its deactivate hook did not run (the env was left without conda deactivate, or the hook failed): variables still hold the env's values, and the next activation keeps this stale record of the originals instead of saving new ones",
			Fix:     "start a new shell, or unset " + strings.Join(names, " ")})
	}
}

func (d *diag) checkStalePath() {
	stale := d.getenv("_GOSHIM_STALE_PATH")
	if stale == "" {
		return
	}
	path := d.pathEntries()
	var on []string
	for _, e := range strings.Split(stale, d.listSep()) {
		if e != "" && contains(path, e) {
			on = append(on, e)
		}
	}
	f := Finding{Check: "stale-path", Severity: Warn, Var: "PATH", Value: stale}
	if len(on) == 0 {
		f.Var = "_GOSHIM_STALE_PATH"
		f.Problem = "_GOSHIM_STALE_PATH is set, but none of its entries is on PATH"
		f.Why = "harmless: goshim's next activation clears it"
		f.Fix = "unset _GOSHIM_STALE_PATH"
		d.add(f)
		return
	}
	f.Problem = fmt.Sprintf("%s on PATH %s goshim added for an env that is no longer active", strings.Join(on, ", "), plural(len(on), "was", "were"))
	f.Why = "conda exported a PATH it computed before goshim's deactivate hook ran (conda#14762), so the entry outlived its env; goshim removes it at its next activation"
	f.Fix = "activate any env with goshim hooks, or export PATH=" + shq(d.withoutOnce(on))
	d.add(f)
}

// withoutOnce is PATH with one occurrence of each entry taken out.
func (d *diag) withoutOnce(drop []string) string {
	left := map[string]int{}
	for _, e := range drop {
		left[e]++
	}
	var out []string
	for _, e := range strings.Split(d.getenv("PATH"), d.listSep()) {
		if left[e] > 0 {
			left[e]--
			continue
		}
		out = append(out, e)
	}
	return strings.Join(out, d.listSep())
}

// prefixBin returns the conda env whose bin/ (Scripts/, Library/bin on
// Windows) dir is, or "".
func prefixBin(dir string) string {
	dir = filepath.Clean(dir)
	switch filepath.Base(dir) {
	case "bin":
		p := filepath.Dir(dir)
		if filepath.Base(p) == "Library" {
			p = filepath.Dir(p)
		}
		if condaenv.IsPrefix(p) {
			return p
		}
	case "Scripts":
		if p := filepath.Dir(dir); condaenv.IsPrefix(p) {
			return p
		}
	}
	return ""
}

func (d *diag) checkCondaPath() {
	n := len(d.findings)
	seen := map[string]bool{}
	for _, e := range d.pathEntries() {
		p := prefixBin(e)
		if p == "" || seen[p] || d.isActive(p) {
			continue
		}
		seen[p] = true
		d.add(Finding{Check: "conda-path", Severity: Warn, Var: "PATH", Value: e,
			Problem: fmt.Sprintf("PATH holds %s of conda env %s, which is not active", e, p),
			Why:     "its programs (go, gcc, python…) shadow the system's with no env active, and conda deactivate will not remove the entry",
			Fix:     fmt.Sprintf("remove %s from PATH (a shell profile may add it; `conda init` is the supported way to use conda)", e)})
	}
	if len(d.findings) == n {
		d.add(Finding{Check: "conda-path", Severity: OK, Var: "PATH", Problem: "PATH holds the bin/ of active conda envs only"})
	}
}

// checkCondaBackups: conda's compiler packages keep CONDA_BACKUP_<VAR> while
// an env is active; conda keeps __CONDA_SHLVL_<n>_<VAR> for env_vars and
// never clears it. Either one at a level that is no longer active is stale.
func (d *diag) checkCondaBackups() {
	lvl := d.shlvl()
	var backups, shlvl []string
	for k := range d.o.Env {
		if name, ok := strings.CutPrefix(k, "CONDA_BACKUP_"); ok && lvl == 0 && relevant(name) {
			backups = append(backups, k)
		}
		if rest, ok := strings.CutPrefix(k, "__CONDA_SHLVL_"); ok {
			ns, name, ok := strings.Cut(rest, "_")
			n, err := strconv.Atoi(ns)
			if ok && err == nil && n >= lvl && relevant(name) {
				shlvl = append(shlvl, k)
			}
		}
	}
	sort.Strings(backups)
	sort.Strings(shlvl)
	if len(backups) > 0 {
		d.add(Finding{Check: "conda-backups", Severity: Warn, Var: "CONDA_BACKUP_*", Value: strings.Join(backups, " "),
			Problem: fmt.Sprintf("%s with no env active", strings.Join(backups, ", ")),
			Why:     "a compiler activation's deactivate script did not run: CC, CFLAGS, LDFLAGS… may still hold the env's values, which cgo uses",
			Fix:     "start a new shell, or unset " + strings.Join(backups, " ") + " and the variables they back up"})
	}
	if len(shlvl) > 0 {
		d.add(Finding{Check: "conda-backups", Severity: Warn, Var: "__CONDA_SHLVL_*", Value: strings.Join(shlvl, " "),
			Problem: fmt.Sprintf("stale conda backups %s (conda level is %d)", strings.Join(shlvl, ", "), lvl),
			Why:     "conda never clears these: the next activation at that level that does not overwrite one restores this old value on deactivation, and goshim's save hook takes it as the value from before activation",
			Fix:     "unset " + strings.Join(shlvl, " ")})
	}
	if len(backups) == 0 && len(shlvl) == 0 {
		d.add(Finding{Check: "conda-backups", Severity: OK, Problem: "no stale conda backups of Go or C toolchain variables"})
	}
}

func relevant(name string) bool { return isGoVar(name) || cgoVars[name] }

// checkPathDuplicates reports PATH entries listed twice that belong to a
// conda env or that goshim left behind: the mark of a reactivation or switch
// that did not clean up. Other duplicates (a profile adding /usr/local/go/bin
// twice) are harmless: the first occurrence wins either way.
func (d *diag) checkPathDuplicates() {
	count := map[string]int{}
	var order []string
	for _, e := range d.pathEntries() {
		c := filepath.Clean(e)
		if count[c] == 0 {
			order = append(order, c)
		}
		count[c]++
	}
	stale := strings.Split(d.getenv("_GOSHIM_STALE_PATH"), d.listSep())
	var dups []string
	other := 0
	for _, e := range order {
		if count[e] < 2 {
			continue
		}
		if d.condaPrefixOf(e) != "" || contains(stale, e) {
			dups = append(dups, e)
		} else {
			other++
		}
	}
	if len(dups) > 0 {
		d.add(Finding{Check: "path-duplicates", Severity: Warn, Var: "PATH", Value: strings.Join(dups, d.listSep()),
			Problem: fmt.Sprintf("PATH lists %s more than once", strings.Join(dups, ", ")),
			Why:     "a conda env's entry listed twice is left by a reactivation or switch that did not clean up (conda#14762): deactivation removes one occurrence and leaves the other in front",
			Fix:     "start a new shell, or remove the extra occurrences from PATH"})
		return
	}
	msg := "no conda env's PATH entry is listed twice"
	if other > 0 {
		msg += fmt.Sprintf(" (%d other duplicate%s, harmless to Go)", other, plural(other, "", "s"))
	}
	d.add(Finding{Check: "path-duplicates", Severity: OK, Var: "PATH", Problem: msg})
}

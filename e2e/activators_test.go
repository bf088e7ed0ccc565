package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// activator is what runs `activate`/`deactivate` in a scenario: the
// emulator, or a real conda, mamba or micromamba. Scenarios only use these
// methods, so every scenario runs through every activator the same way.
type activator struct {
	name    string
	exe     string
	cli     string   // "conda": `exe shell.<x> hook`; "mamba": `exe shell hook --shell <x>`
	fn      string   // the shell function the hook defines
	flags   []string // emulator flags, passed to every call
	real    bool
	version string

	// What the activator itself does, for the assertions on conda's part.
	posixUnsetEmpty bool // posix "unset" is export X='' (conda >= 25.7)
	restoreEmpty    int  // an empty __CONDA_SHLVL_ backup on deactivate: 1 restored, 0 not, -1 either (unknown version)
	clearsBackups   bool // unsets its __CONDA_SHLVL_ backups on deactivate (micromamba); conda never does
}

func (a *activator) String() string { return a.name }

// hook is the command whose output a shell evaluates to get the activator's function.
func (a *activator) hook(s *shellOK) []string {
	if a.cli == "mamba" {
		return []string{a.exe, "shell", "hook", "--shell", s.mamba}
	}
	return append(append([]string{a.exe}, a.flags...), s.conda, "hook")
}

func (a *activator) activate(prefix string) []string { return []string{a.fn, "activate", prefix} }
func (a *activator) stack(prefix string) []string {
	return []string{a.fn, "activate", "--stack", prefix}
}
func (a *activator) deactivate() []string { return []string{a.fn, "deactivate"} }

// reactivate is what conda runs after install/remove. conda's posix
// functions have __conda_reactivate; elsewhere `activate` of the active env
// is the same flow (conda turns it into build_reactivate).
func (a *activator) reactivate(s *shellOK, activePrefix string) []string {
	switch {
	case !a.real:
		return []string{a.fn, "reactivate"}
	case a.cli == "conda" && s.lang.name() == "posix":
		return []string{"__conda_reactivate"}
	}
	return a.activate(activePrefix)
}

// extraEnv is what the activator needs in the shell's environment.
func (a *activator) extraEnv(tmp string) map[string]string {
	env := map[string]string{}
	if a.cli == "mamba" {
		if v := os.Getenv("MAMBA_ROOT_PREFIX"); v != "" {
			env["MAMBA_ROOT_PREFIX"] = v
		} else {
			env["MAMBA_ROOT_PREFIX"] = filepath.Join(tmp, "mambaroot")
		}
	}
	return env
}

// afterDeactivate is what conda's own restoration leaves in a variable the
// deactivated env exported through env_vars, given its value before
// activation (nil: unset). Several answers mean the releases differ.
func (a *activator) afterDeactivate(l lang, orig *string) []*string {
	unset := (*string)(nil)
	empty := ""
	switch {
	case orig != nil && *orig != "":
		return []*string{orig}
	case a.cli == "mamba":
		// micromamba restores any backup, and really unsets
		if orig != nil && l.canHoldEmpty() {
			return []*string{&empty}
		}
		return []*string{unset}
	}
	// conda: unset (posix >= 25.7: export X=''), then the backup if non-empty (26.7)
	// or if it exists (older)
	var out []*string
	if l.name() == "posix" && a.posixUnsetEmpty {
		return []*string{&empty}
	}
	if orig != nil && a.restoreEmpty != 0 && l.canHoldEmpty() {
		out = append(out, &empty)
	}
	if orig == nil || a.restoreEmpty != 1 || !l.canHoldEmpty() {
		out = append(out, unset)
	}
	return out
}

var (
	activatorsOnce sync.Once
	allActivators  []*activator
	realNote       string
)

// activators returns the emulated activators and every real one found.
func activators() ([]*activator, string) {
	activatorsOnce.Do(findActivators)
	return allActivators, realNote
}

func findActivators() {
	allActivators = []*activator{
		{name: "emulated", exe: h.emuExe, cli: "conda", fn: "conda", flags: []string{"--posix-unset=export-empty"},
			posixUnsetEmpty: true, restoreEmpty: 0},
		{name: "emulated-legacy", exe: h.emuExe, cli: "conda", fn: "conda", flags: []string{"--posix-unset=unset", "--restore-empty-backups"},
			posixUnsetEmpty: false, restoreEmpty: 1},
	}
	reals, note := findReal()
	allActivators = append(allActivators, reals...)
	realNote = note
}

var versionRe = regexp.MustCompile(`(\d+)\.(\d+)(?:\.(\d+))?`)

// findReal looks for conda, mamba and micromamba: GOSHIM_E2E_CONDA
// (comma-separated names or paths), else on PATH.
func findReal() ([]*activator, string) {
	var cands []string
	spec := os.Getenv("GOSHIM_E2E_CONDA")
	if spec != "" {
		cands = strings.Split(spec, ",")
	} else {
		cands = []string{"conda", "micromamba", "mamba"}
	}
	var out []*activator
	var notes []string
	seen := map[string]bool{}
	for _, c := range cands {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		p, err := exec.LookPath(c)
		if err != nil {
			if spec != "" {
				notes = append(notes, fmt.Sprintf("GOSHIM_E2E_CONDA names %q, which is not an executable: %v", c, err))
			}
			continue
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			if seen[r] {
				continue
			}
			seen[r] = true
		}
		verOut, err := command(2*time.Minute, "", shellEnv(nil), p, "--version")
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s --version failed: %v: %s", p, err, strings.TrimSpace(verOut)))
			continue
		}
		base := strings.TrimSuffix(strings.ToLower(filepath.Base(p)), ".exe")
		base = strings.TrimSuffix(base, ".bat")
		a := &activator{exe: p, real: true, version: strings.TrimSpace(verOut), restoreEmpty: -1}
		major, minor := parseVersion(verOut)
		switch {
		case base == "micromamba" || base == "mamba" && major >= 2:
			// micromamba also unsets its __CONDA_SHLVL_ backups, and the old
			// env's env_vars on a switch (conda does neither: conda#11726)
			a.name, a.cli, a.fn = base, "mamba", base
			a.clearsBackups = true
		case base == "mamba":
			notes = append(notes, fmt.Sprintf("%s is mamba %d.x, which activates through conda: name conda in GOSHIM_E2E_CONDA", p, major))
			continue
		default:
			a.name, a.cli, a.fn = "conda", "conda", "conda"
			a.posixUnsetEmpty = major > 25 || major == 25 && minor >= 7
		}
		out = append(out, a)
	}
	note := ""
	if len(out) == 0 {
		note = "no real conda: GOSHIM_E2E_CONDA is unset and no conda, mamba or micromamba is on PATH"
		if spec != "" {
			note = "no usable real conda"
		}
	}
	if len(notes) > 0 {
		note = strings.TrimSpace(note + "; " + strings.Join(notes, "; "))
	}
	return out, strings.Trim(note, "; ")
}

func parseVersion(s string) (int, int) {
	m := versionRe.FindStringSubmatch(s)
	if m == nil {
		return 0, 0
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	return a, b
}

// selectedActivators are the activators GOSHIM_E2E_ACTIVATORS lets run; it
// fails the test when a real one is required and none was found.
func selectedActivators(t *testing.T) []*activator {
	all, note := activators()
	only := map[string]bool{}
	for _, s := range strings.Split(os.Getenv("GOSHIM_E2E_ACTIVATORS"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			only[s] = true
		}
	}
	var out []*activator
	hasReal := false
	for _, a := range all {
		if len(only) == 0 || only[a.name] {
			out = append(out, a)
			hasReal = hasReal || a.real
		}
	}
	if !hasReal {
		if h.require["real"] {
			t.Fatalf("real activator required by GOSHIM_E2E_REQUIRE, but: %s", note)
		}
		if note != "" {
			t.Logf("real activator: skipped: %s", note)
		}
	}
	return out
}

// TestActivators reports which activators run, so a log shows it.
func TestActivators(t *testing.T) {
	for _, a := range selectedActivators(t) {
		kind := "emulated (conda model in Go, e2e/internal/emu)"
		if a.real {
			kind = "real: " + a.version
		}
		t.Logf("%-16s %s  %s", a.name, a.exe, kind)
	}
}

package condaenv

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Locator finds conda environments by name or path the way conda does, but
// without running conda (which costs a second or more). Everything it
// depends on is injected, so main passes the real values and tests pass
// fake ones; it never reads os.Getenv or the user's home itself.
//
// Asking a conda executable (`conda info --envs --json`) as a last resort
// is not done for now: the files read here are the ones conda reads, and
// running conda would make every goshim command a second slower.
type Locator struct {
	Env  map[string]string // process environment
	Home string            // home directory (callers get it with go-homedir)
	GOOS string            // runtime.GOOS normally; "windows" changes default roots

	// systemRoots replaces the default install roots outside the home
	// directory (/opt/conda, C:\ProgramData\miniconda3, ...) when non-nil,
	// so tests do not depend on what the machine has installed.
	systemRoots []string
}

// EnvInfo is one environment found.
type EnvInfo struct {
	Name, Prefix string
	Source       string // how it was found, e.g. "~/.condarc envs_dirs", "~/.conda/environments.txt", "CONDA_EXE root"
}

// dirSource is a directory and how goshim learned about it, for messages.
type dirSource struct{ dir, source string }

func (l Locator) windows() bool { return l.GOOS == "windows" }

// lookup reads the injected environment; names are case-insensitive on
// Windows (Path and PATH are the same variable there).
func (l Locator) lookup(name string) (string, bool) {
	if v, ok := l.Env[name]; ok {
		return v, true
	}
	if l.windows() {
		for k, v := range l.Env {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
	}
	return "", false
}

func (l Locator) getenv(name string) string {
	v, _ := l.lookup(name)
	return v
}

// key identifies a directory for deduplication: cleaned, and case-folded
// on Windows, whose file systems ignore case.
func (l Locator) key(dir string) string {
	k := filepath.Clean(dir)
	if l.windows() {
		k = strings.ToLower(strings.ReplaceAll(k, `\`, "/"))
	}
	return k
}

// dedupe keeps the first of each directory, dropping empty ones.
func (l Locator) dedupe(in []dirSource) []dirSource {
	seen := map[string]bool{}
	var out []dirSource
	for _, d := range in {
		if d.dir == "" {
			continue
		}
		d.dir = filepath.Clean(d.dir)
		if k := l.key(d.dir); !seen[k] {
			seen[k] = true
			out = append(out, d)
		}
	}
	return out
}

// EnvsDirs returns where conda looks for and creates named envs, in
// conda's order of precedence: CONDA_ENVS_PATH / CONDA_ENVS_DIRS, the
// envs_dirs of the .condarc files, then ROOT/envs of each root and
// ~/.conda/envs. Deduplicated; the dirs need not exist.
func (l Locator) EnvsDirs() []string {
	var out []string
	for _, d := range l.envsDirs() {
		out = append(out, d.dir)
	}
	return out
}

func (l Locator) envsDirs() []dirSource {
	roots := l.roots()
	var c []dirSource
	sep := ":"
	if l.windows() {
		sep = ";"
	}
	for _, v := range []string{"CONDA_ENVS_PATH", "CONDA_ENVS_DIRS"} {
		for _, p := range strings.Split(l.getenv(v), sep) {
			if p = strings.TrimSpace(p); p != "" {
				c = append(c, dirSource{l.expand(p), v})
			}
		}
	}
	for _, rc := range l.condarcFiles(roots) {
		for _, p := range condarcEnvsDirs(rc) {
			c = append(c, dirSource{l.expand(p), l.tilde(rc) + " envs_dirs"})
		}
	}
	for _, r := range roots {
		c = append(c, dirSource{filepath.Join(r.dir, "envs"), r.source + " envs/"})
	}
	if l.Home != "" {
		c = append(c, dirSource{filepath.Join(l.Home, ".conda", "envs"), "~/.conda/envs"})
	}
	if l.windows() {
		if la := l.getenv("LOCALAPPDATA"); la != "" {
			c = append(c, dirSource{filepath.Join(la, "conda", "conda", "envs"), "%LOCALAPPDATA% conda envs"})
		}
	}
	return l.dedupe(c)
}

// condarcFiles lists the .condarc files whose envs_dirs count, the user's
// first. System-wide files (/etc/conda/.condarc) are not read: they rarely
// set envs_dirs and would make results depend on the machine.
func (l Locator) condarcFiles(roots []dirSource) []string {
	var files []string
	if rc := l.getenv("CONDARC"); rc != "" {
		files = append(files, l.expand(rc))
	}
	if l.Home != "" {
		files = append(files, filepath.Join(l.Home, ".condarc"), filepath.Join(l.Home, ".conda", ".condarc"))
	}
	if x := l.getenv("XDG_CONFIG_HOME"); x != "" {
		files = append(files, filepath.Join(l.expand(x), "conda", ".condarc"))
	} else if l.Home != "" {
		files = append(files, filepath.Join(l.Home, ".config", "conda", ".condarc"))
	}
	for _, r := range roots {
		files = append(files, filepath.Join(r.dir, ".condarc"), filepath.Join(r.dir, "condarc"))
	}
	return files
}

// List returns every env found: the roots (the first is "base", others are
// named by their path), every env in an envs dir, and every env conda
// recorded in ~/.conda/environments.txt (envs created with -p). Each prefix
// once, the first way it was found.
func (l Locator) List() []EnvInfo {
	var out []EnvInfo
	seen := map[string]bool{}
	add := func(name, prefix, source string) {
		if k := l.key(prefix); !seen[k] {
			seen[k] = true
			out = append(out, EnvInfo{Name: name, Prefix: filepath.Clean(prefix), Source: source})
		}
	}
	base := true
	for _, r := range l.roots() {
		if !IsPrefix(r.dir) {
			continue
		}
		if base {
			add("base", r.dir, r.source)
			base = false
		} else {
			add(r.dir, r.dir, r.source)
		}
	}
	for _, d := range l.envsDirs() {
		entries, _ := os.ReadDir(d.dir) // a missing envs dir just has no envs
		for _, ent := range entries {
			if p := filepath.Join(d.dir, ent.Name()); ent.IsDir() && IsPrefix(p) {
				add(ent.Name(), p, d.source)
			}
		}
	}
	for _, p := range l.environmentsTxt() {
		if IsPrefix(p) {
			add(l.base(p), p, "~/.conda/environments.txt")
		}
	}
	return out
}

// environmentsTxt reads the prefixes conda records on every create.
// Entries whose env was deleted stay in the file, so callers check them.
func (l Locator) environmentsTxt() []string {
	if l.Home == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(l.Home, ".conda", "environments.txt"))
	if err != nil {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, l.expand(line))
		}
	}
	return out
}

// Find returns the env called name, as `conda activate name` would: "base"
// is the first root; otherwise the first envs dir holding an env of that
// name; otherwise an env of that name from List (say, one created with -p
// and recorded in environments.txt). A miss is a *NotFoundError.
func (l Locator) Find(name string) (EnvInfo, error) {
	name = strings.TrimSpace(name)
	list := l.List()
	if name == "base" {
		for _, r := range l.roots() {
			if IsPrefix(r.dir) {
				return EnvInfo{Name: "base", Prefix: r.dir, Source: r.source}, nil
			}
		}
	} else if name != "" {
		for _, d := range l.envsDirs() {
			if p := filepath.Join(d.dir, name); IsPrefix(p) {
				return EnvInfo{Name: name, Prefix: p, Source: d.source}, nil
			}
		}
		for _, e := range list {
			if e.Name == name || (l.windows() && strings.EqualFold(e.Name, name)) {
				return e, nil
			}
		}
	}
	var known []string
	seen := map[string]bool{}
	for _, e := range list {
		if !seen[e.Name] {
			seen[e.Name] = true
			known = append(known, e.Name)
		}
	}
	return EnvInfo{}, &NotFoundError{Name: name, Known: known, Suggestion: suggest(name, known)}
}

// ResolvePrefix turns a -p argument into a clean absolute prefix, expanding
// a leading ~ with the injected home, and checks it is a conda env.
func (l Locator) ResolvePrefix(path string) (string, error) {
	p, err := l.expandHome(strings.TrimSpace(path))
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("%s does not exist (hint: pass the env's folder, e.g. ~/miniconda3/envs/NAME, or create it with `conda create -p %s`)", abs, path)
	}
	if !IsPrefix(abs) {
		return "", fmt.Errorf("%s is not a conda environment: no conda-meta/ folder (hint: pass the env's own folder, e.g. ~/miniconda3/envs/NAME, not a folder inside it)", abs)
	}
	return abs, nil
}

package condaenv

import (
	"path/filepath"
	"strings"
)

// Roots returns the conda install roots (where base lives), most specific
// first: the one the running conda says, then the usual install places.
// Only existing roots are returned: a dir with conda-meta/, or a
// micromamba root prefix, which has envs/ but no conda-meta/ until
// something is installed in base.
func (l Locator) Roots() []string {
	var out []string
	for _, r := range l.roots() {
		out = append(out, r.dir)
	}
	return out
}

func (l Locator) roots() []dirSource {
	var c []dirSource
	if exe := l.getenv("CONDA_EXE"); exe != "" {
		c = append(c, dirSource{l.exeRoot(exe), "CONDA_EXE root"})
	}
	for _, v := range []string{"_CONDA_ROOT", "CONDA_ROOT", "MAMBA_ROOT_PREFIX"} {
		if p := l.getenv(v); p != "" {
			c = append(c, dirSource{l.expand(p), v})
		}
	}
	// CONDA_PREFIX_1 is the env below the active one; it is base when the
	// user's shell auto-activates base, but may be any env when stacking,
	// so it counts only if it looks like an install root.
	if p := l.getenv("CONDA_PREFIX_1"); p != "" && looksLikeRoot(p) {
		c = append(c, dirSource{p, "CONDA_PREFIX_1 root"})
	}
	if l.getenv("CONDA_DEFAULT_ENV") == "base" {
		if p := l.getenv("CONDA_PREFIX"); p != "" {
			c = append(c, dirSource{p, "CONDA_PREFIX (base is active)"})
		}
	}
	for _, p := range l.defaultRoots() {
		c = append(c, dirSource{p, "default install location"})
	}
	var out []dirSource
	for _, r := range l.dedupe(c) {
		if IsPrefix(r.dir) || isDir(filepath.Join(r.dir, "envs")) {
			out = append(out, r)
		}
	}
	return out
}

// looksLikeRoot tells an install root from a plain env: a root has conda's
// own folders (condabin/ for conda, envs/ and pkgs/ for conda and mamba).
func looksLikeRoot(dir string) bool {
	if !IsPrefix(dir) {
		return false
	}
	for _, sub := range []string{"condabin", "envs", "pkgs"} {
		if isDir(filepath.Join(dir, sub)) {
			return true
		}
	}
	return false
}

// exeRoot turns CONDA_EXE into its install root: ROOT/bin/conda,
// ROOT/condabin/conda, ROOT\Scripts\conda.exe, ROOT\condabin\conda.bat,
// ROOT\Library\bin\conda.bat.
func (l Locator) exeRoot(exe string) string {
	dir := l.parent(exe)
	switch strings.ToLower(l.base(dir)) {
	case "bin", "condabin", "scripts":
		dir = l.parent(dir)
		if strings.EqualFold(l.base(dir), "library") {
			dir = l.parent(dir)
		}
	}
	return dir
}

// parent and base split on "\" too for Windows paths, whatever the host.
func (l Locator) parent(p string) string {
	if !l.windows() {
		return filepath.Dir(p)
	}
	p = strings.TrimRight(p, `/\`)
	i := strings.LastIndexAny(p, `/\`)
	if i < 0 {
		return "."
	}
	if i == 0 || (i == 2 && p[1] == ':') {
		return p[:i+1] // keep "/" or "C:\"
	}
	return p[:i]
}

func (l Locator) base(p string) string {
	if !l.windows() {
		return filepath.Base(p)
	}
	p = strings.TrimRight(p, `/\`)
	return p[strings.LastIndexAny(p, `/\`)+1:]
}

// installNames are the folders the common installers create.
var installNames = []string{"miniconda3", "miniforge3", "mambaforge", "anaconda3", "micromamba"}

func (l Locator) defaultRoots() []string {
	var out []string
	home := l.Home
	if l.windows() {
		if up := l.getenv("USERPROFILE"); up != "" {
			home = up
		}
	}
	if home != "" {
		for _, n := range installNames {
			out = append(out, filepath.Join(home, n))
		}
		if !l.windows() {
			// micromamba 2's default root prefix.
			out = append(out, filepath.Join(home, ".local", "share", "mamba"))
		}
	}
	if l.windows() {
		if la := l.getenv("LOCALAPPDATA"); la != "" {
			for _, n := range installNames {
				out = append(out, filepath.Join(la, n))
			}
		}
	}
	if l.systemRoots != nil {
		return append(out, l.systemRoots...)
	}
	if l.windows() {
		pd := l.getenv("ProgramData")
		if pd == "" {
			pd = `C:\ProgramData`
		}
		for _, n := range []string{"miniconda3", "miniforge3", "anaconda3"} {
			out = append(out, filepath.Join(pd, n))
		}
		return out
	}
	return append(out, "/opt/conda", "/opt/miniconda3", "/opt/miniforge3", "/opt/anaconda3")
}

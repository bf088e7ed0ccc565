package condaenv

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fakeWorld builds a machine with a miniforge install (found through
// CONDA_EXE), a micromamba root, a system install, .condarc files in every
// place conda reads them, environments.txt, and envs everywhere.
func fakeWorld(t *testing.T) (Locator, string) {
	t.Helper()
	tmp := t.TempDir()
	home := filepath.Join(tmp, "home")
	writeFiles(t, tmp, map[string]string{
		"home/miniforge3/conda-meta/history":        "",
		"home/miniforge3/condabin/":                 "",
		"home/miniforge3/envs/dev/conda-meta/":      "",
		"home/miniforge3/envs/web/conda-meta/":      "",
		"home/miniforge3/envs/shadow/conda-meta/":   "",
		"home/miniforge3/envs/notenv/bin/":          "",
		"home/miniforge3/envs/.conda_envs_dir_test": "",
		"home/miniforge3/.condarc":                  "channels: [conda-forge]\nenvs_dirs:\n  - $PROJ/envs\n  - ~/other-envs\n",
		"home/.condarc":                             "envs_dirs:\n  - ~/condarc-envs\n  - ${WORK}/team-envs\n  - $UNSET_VAR/x\n",
		"home/.conda/envs/old/conda-meta/":          "",
		"home/condarc-envs/fromrc/conda-meta/":      "",
		"work/team-envs/team/conda-meta/":           "",
		"xdg/conda/.condarc":                        "envs_path: " + filepath.Join(tmp, "xdg-envs") + "\n",
		"xdg-envs/xdgenv/conda-meta/":               "",
		"proj/envs/rootrc/conda-meta/":              "",
		"envpath1/shadow/conda-meta/":               "",
		"envpath2/":                                 "",
		"mamba/envs/mm/conda-meta/":                 "",
		"opt/conda/conda-meta/":                     "",
		"opt/conda/envs/legacy/conda-meta/":         "",
		"projects/p1/.env/conda-meta/":              "",
		"home/.conda/environments.txt": filepath.Join(tmp, "projects/p1/.env") + "\n" +
			filepath.Join(tmp, "deleted") + "\n\n" +
			filepath.Join(home, "miniforge3") + "  \r\n" +
			filepath.Join(home, "miniforge3", "envs", "dev") + "\n",
	})
	l := Locator{
		Home: home,
		GOOS: "linux",
		Env: map[string]string{
			"CONDA_EXE":         filepath.Join(home, "miniforge3", "bin", "conda"),
			"MAMBA_ROOT_PREFIX": filepath.Join(tmp, "mamba"),
			"CONDA_ENVS_PATH":   filepath.Join(tmp, "envpath1") + ":" + filepath.Join(tmp, "envpath2"),
			"XDG_CONFIG_HOME":   filepath.Join(tmp, "xdg"),
			"PROJ":              filepath.Join(tmp, "proj"),
			"WORK":              filepath.Join(tmp, "work"),
		},
		systemRoots: []string{filepath.Join(tmp, "opt", "conda"), filepath.Join(tmp, "opt", "missing")},
	}
	return l, tmp
}

func TestLocatorWorld(t *testing.T) {
	l, tmp := fakeWorld(t)
	j := func(p string) string { return filepath.Join(tmp, filepath.FromSlash(p)) }
	mf := j("home/miniforge3")

	if got, want := l.Roots(), []string{mf, j("mamba"), j("opt/conda")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Roots =\n%q\nwant\n%q", got, want)
	}

	wantDirs := []string{
		j("envpath1"), j("envpath2"), // CONDA_ENVS_PATH
		j("home/condarc-envs"), j("work/team-envs"), "$UNSET_VAR/x", // ~/.condarc
		j("xdg-envs"),                        // $XDG_CONFIG_HOME/conda/.condarc
		j("proj/envs"), j("home/other-envs"), // <root>/.condarc
		filepath.Join(mf, "envs"), j("mamba/envs"), j("opt/conda/envs"), // <root>/envs
		j("home/.conda/envs"),
	}
	if got := l.EnvsDirs(); !reflect.DeepEqual(got, wantDirs) {
		t.Errorf("EnvsDirs =\n%q\nwant\n%q", got, wantDirs)
	}

	wantList := []EnvInfo{
		{"base", mf, "CONDA_EXE root"},
		{j("opt/conda"), j("opt/conda"), "default install location"},
		{"shadow", j("envpath1/shadow"), "CONDA_ENVS_PATH"},
		{"fromrc", j("home/condarc-envs/fromrc"), "~/.condarc envs_dirs"},
		{"team", j("work/team-envs/team"), "~/.condarc envs_dirs"},
		{"xdgenv", j("xdg-envs/xdgenv"), j("xdg/conda/.condarc") + " envs_dirs"},
		{"rootrc", j("proj/envs/rootrc"), "~/miniforge3/.condarc envs_dirs"},
		{"dev", filepath.Join(mf, "envs/dev"), "CONDA_EXE root envs/"},
		{"shadow", filepath.Join(mf, "envs/shadow"), "CONDA_EXE root envs/"},
		{"web", filepath.Join(mf, "envs/web"), "CONDA_EXE root envs/"},
		{"mm", j("mamba/envs/mm"), "MAMBA_ROOT_PREFIX envs/"},
		{"legacy", j("opt/conda/envs/legacy"), "default install location envs/"},
		{"old", j("home/.conda/envs/old"), "~/.conda/envs"},
		{".env", j("projects/p1/.env"), "~/.conda/environments.txt"},
	}
	if got := l.List(); !reflect.DeepEqual(got, wantList) {
		t.Errorf("List =\n%+v\nwant\n%+v", got, wantList)
	}

	finds := []struct {
		name string
		want EnvInfo
	}{
		{"base", EnvInfo{"base", mf, "CONDA_EXE root"}},
		{"dev", EnvInfo{"dev", filepath.Join(mf, "envs/dev"), "CONDA_EXE root envs/"}},
		{" dev ", EnvInfo{"dev", filepath.Join(mf, "envs/dev"), "CONDA_EXE root envs/"}},
		{"shadow", EnvInfo{"shadow", j("envpath1/shadow"), "CONDA_ENVS_PATH"}},
		{"team", EnvInfo{"team", j("work/team-envs/team"), "~/.condarc envs_dirs"}},
		{"rootrc", EnvInfo{"rootrc", j("proj/envs/rootrc"), "~/miniforge3/.condarc envs_dirs"}},
		{"mm", EnvInfo{"mm", j("mamba/envs/mm"), "MAMBA_ROOT_PREFIX envs/"}},
		{".env", EnvInfo{".env", j("projects/p1/.env"), "~/.conda/environments.txt"}},
	}
	for _, f := range finds {
		got, err := l.Find(f.name)
		if err != nil || got != f.want {
			t.Errorf("Find(%q) = %+v, %v; want %+v", f.name, got, err, f.want)
		}
	}

	misses := []struct{ name, suggestion string }{
		{"dve", "dev"},
		{"webb", "web"},
		{"Dev", "dev"},
		{"xdg", "xdgenv"},
		{"notenv", ""},
		{"zzzzzzzz", ""},
		{"", ""},
	}
	known := []string{"base", j("opt/conda"), "shadow", "fromrc", "team", "xdgenv", "rootrc", "dev", "web", "mm", "legacy", "old", ".env"}
	for _, m := range misses {
		_, err := l.Find(m.name)
		var nf *NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("Find(%q) error = %v, want *NotFoundError", m.name, err)
			continue
		}
		if nf.Name != m.name || nf.Suggestion != m.suggestion || !reflect.DeepEqual(nf.Known, known) {
			t.Errorf("Find(%q) = %+v", m.name, nf)
		}
	}
	_, err := l.Find("dve")
	want := `conda env "dve" not found; known envs: ` + strings.Join(known, ", ") +
		"; did you mean \"dev\"? (hint: create it with `conda create -n dve`, or pass -p PREFIX)"
	if err.Error() != want {
		t.Errorf("error =\n%s\nwant\n%s", err, want)
	}
}

func TestNotFoundErrorString(t *testing.T) {
	tests := []struct {
		e    NotFoundError
		want string
	}{
		{NotFoundError{"myenv", []string{"a", "b", "c"}, "myen"},
			"conda env \"myenv\" not found; known envs: a, b, c; did you mean \"myen\"? (hint: create it with `conda create -n myenv`, or pass -p PREFIX)"},
		{NotFoundError{"x", []string{"base"}, ""},
			"conda env \"x\" not found; known envs: base (hint: create it with `conda create -n x`, or pass -p PREFIX)"},
		{NotFoundError{Known: []string{"a"}}, "no conda env name given (hint: pass -n NAME or -p PREFIX)"},
		{NotFoundError{Name: "base"},
			"conda env \"base\" not found; no conda envs found on this machine (hint: run goshim from a shell where `conda activate` works, or pass -p PREFIX)"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"base", "myenv", "data-science", "go122"}
	tests := []struct{ name, want string }{
		{"myen", "myenv"},
		{"myenv2", "myenv"},
		{"MyEnv", "myenv"},
		{"bsae", "base"},
		{"go121", "go122"},
		{"data", "data-science"},
		{"data-science-gpu", "data-science"},
		{"python", ""},
		{"x", ""},
		{"b", "base"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.name, known); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"dve", "dev", 2}, {"héllo", "hello", 1}} {
		if got := levenshtein(tt.a, tt.b); got != tt.d {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

func TestFindNoConda(t *testing.T) {
	l := Locator{Home: t.TempDir(), GOOS: "linux", systemRoots: []string{}}
	if got := l.Roots(); got != nil {
		t.Errorf("Roots = %q", got)
	}
	_, err := l.Find("base")
	var nf *NotFoundError
	if !errors.As(err, &nf) || len(nf.Known) != 0 || !strings.Contains(err.Error(), "no conda envs found") {
		t.Errorf("Find(base) = %v", err)
	}
}

func TestRootsFromEnvironment(t *testing.T) {
	tmp := t.TempDir()
	writeFiles(t, tmp, map[string]string{
		"root/conda-meta/":                    "",
		"root/pkgs/":                          "",
		"root/envs/a/conda-meta/":             "",
		"plain/conda-meta/":                   "",
		"other/conda-meta/":                   "",
		"mm/envs/":                            "",
		"notconda/bin/":                       "",
		"home/miniconda3/conda-meta/":         "",
		"home/micromamba/envs/x/conda-meta/":  "",
		"home/.local/share/mamba/conda-meta/": "",
	})
	j := func(p string) string { return filepath.Join(tmp, filepath.FromSlash(p)) }
	home := j("home")
	defaults := []string{j("home/miniconda3"), j("home/micromamba"), j("home/.local/share/mamba")}
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"defaults only", nil, defaults},
		{"CONDA_EXE bin/conda", map[string]string{"CONDA_EXE": j("root/bin/conda")}, append([]string{j("root")}, defaults...)},
		{"CONDA_EXE condabin/conda", map[string]string{"CONDA_EXE": j("root/condabin/conda")}, append([]string{j("root")}, defaults...)},
		{"CONDA_EXE outside a prefix", map[string]string{"CONDA_EXE": j("notconda/bin/conda")}, defaults},
		{"_CONDA_ROOT and CONDA_ROOT", map[string]string{"_CONDA_ROOT": j("other"), "CONDA_ROOT": j("root")},
			append([]string{j("other"), j("root")}, defaults...)},
		{"MAMBA_ROOT_PREFIX without conda-meta", map[string]string{"MAMBA_ROOT_PREFIX": j("mm")}, append([]string{j("mm")}, defaults...)},
		{"CONDA_PREFIX_1 that is a root", map[string]string{"CONDA_PREFIX_1": j("root")}, append([]string{j("root")}, defaults...)},
		{"CONDA_PREFIX_1 that is a plain env", map[string]string{"CONDA_PREFIX_1": j("plain")}, defaults},
		{"CONDA_PREFIX of active base", map[string]string{"CONDA_PREFIX": j("plain"), "CONDA_DEFAULT_ENV": "base"},
			append([]string{j("plain")}, defaults...)},
		{"CONDA_PREFIX of another env", map[string]string{"CONDA_PREFIX": j("plain"), "CONDA_DEFAULT_ENV": "plain"}, defaults},
		{"duplicates", map[string]string{"CONDA_EXE": j("root/bin/conda"), "CONDA_ROOT": j("root") + "/", "_CONDA_ROOT": j("home/miniconda3")},
			append([]string{j("root")}, defaults...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Locator{Env: tt.env, Home: home, GOOS: "linux", systemRoots: []string{}}
			if got := l.Roots(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Roots =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestExeRoot(t *testing.T) {
	tests := []struct{ goos, exe, want string }{
		{"linux", "/opt/mf/bin/conda", "/opt/mf"},
		{"linux", "/opt/mf/condabin/conda", "/opt/mf"},
		{"darwin", "/opt/mf/bin/mamba", "/opt/mf"},
		{"linux", "/opt/weird/conda", "/opt/weird"},
		{"windows", `C:\Users\me\miniconda3\Scripts\conda.exe`, `C:\Users\me\miniconda3`},
		{"windows", `C:\Users\me\miniconda3\condabin\conda.bat`, `C:\Users\me\miniconda3`},
		{"windows", `C:\Users\me\miniconda3\Library\bin\conda.bat`, `C:\Users\me\miniconda3`},
		{"windows", `C:/Users/me/miniforge3/Scripts/conda.exe`, `C:/Users/me/miniforge3`},
		{"windows", `C:\Scripts\conda.exe`, `C:\`},
	}
	for _, tt := range tests {
		if got := (Locator{GOOS: tt.goos}).exeRoot(tt.exe); got != tt.want {
			t.Errorf("exeRoot(%s, %q) = %q, want %q", tt.goos, tt.exe, got, tt.want)
		}
	}
}

func TestWindowsLocator(t *testing.T) {
	tmp := t.TempDir()
	writeFiles(t, tmp, map[string]string{
		"up/miniconda3/conda-meta/":           "",
		"up/miniconda3/envs/web/conda-meta/":  "",
		"mf/conda-meta/":                      "",
		"a/one/conda-meta/":                   "",
		"b/two/conda-meta/":                   "",
		"la/conda/conda/envs/loc/conda-meta/": "",
	})
	j := func(p string) string { return filepath.Join(tmp, filepath.FromSlash(p)) }
	l := Locator{
		GOOS: "windows",
		Home: j("home"),
		Env: map[string]string{
			"UserProfile":     j("up"),                        // names are case-insensitive on Windows
			"conda_exe":       j("mf") + `\Scripts\conda.exe`, // backslashes, whatever the host
			"CONDA_ENVS_PATH": j("a") + ";" + j("b"),
			"LOCALAPPDATA":    j("la"),
			"DIR":             j("b"),
			"CONDARC":         j("rc.yml"),
		},
		systemRoots: []string{},
	}
	writeFiles(t, tmp, map[string]string{"rc.yml": "envs_dirs: ['%DIR%', '%NOPE%']\n"})
	if got, want := l.Roots(), []string{j("mf"), j("up/miniconda3")}; !reflect.DeepEqual(got, want) {
		t.Errorf("Roots = %q, want %q", got, want)
	}
	wantDirs := []string{j("a"), j("b"), "%NOPE%", j("mf/envs"), j("up/miniconda3/envs"), j("home/.conda/envs"), j("la/conda/conda/envs")}
	if got := l.EnvsDirs(); !reflect.DeepEqual(got, wantDirs) {
		t.Errorf("EnvsDirs =\n%q\nwant\n%q", got, wantDirs)
	}
	for name, want := range map[string]string{"one": j("a/one"), "two": j("b/two"), "web": j("up/miniconda3/envs/web"), "loc": j("la/conda/conda/envs/loc")} {
		if got, err := l.Find(name); err != nil || got.Prefix != want {
			t.Errorf("Find(%q) = %+v, %v; want prefix %s", name, got, err, want)
		}
	}
	// The same CONDA_ENVS_PATH is a single (missing) dir on Unix, where ";"
	// is no separator.
	l.GOOS = "linux"
	l.Env = map[string]string{"CONDA_ENVS_PATH": j("a") + ";" + j("b")}
	if got := l.EnvsDirs(); got[0] != j("a")+";"+j("b") {
		t.Errorf("unix EnvsDirs[0] = %q", got[0])
	}
}

func TestCondarcEnvsDirs(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"list", "envs_dirs:\n  - /a\n  - /b\n", []string{"/a", "/b"}},
		{"flow list", "envs_dirs: [/a, /b]\n", []string{"/a", "/b"}},
		{"alias envs_path", "envs_path:\n  - /a\n", []string{"/a"}},
		{"single value", "envs_dirs: /a\n", []string{"/a"}},
		{"final marker", "envs_dirs: #!final\n  - /a\n", []string{"/a"}},
		{"null and empty items", "envs_dirs:\n  - \n  - ''\n  - /a\n", []string{"/a"}},
		{"other keys", "channels: [conda-forge]\npkgs_dirs: [/p]\n", nil},
		{"broken yaml", "envs_dirs: [/a\n", nil},
		{"not a mapping", "- /a\n", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".condarc")
			if err := os.WriteFile(path, []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := condarcEnvsDirs(path); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := condarcEnvsDirs(filepath.Join(t.TempDir(), "missing")); got != nil {
		t.Errorf("missing file: %q", got)
	}
}

func TestCondarcDefaultXDG(t *testing.T) {
	tmp := t.TempDir()
	writeFiles(t, tmp, map[string]string{
		"home/.config/conda/.condarc": "envs_dirs: [~/xdg-default]\n",
		"home/.conda/.condarc":        "envs_dirs: [~/dot-conda]\n",
	})
	l := Locator{Home: filepath.Join(tmp, "home"), GOOS: "darwin", systemRoots: []string{}}
	want := []string{filepath.Join(tmp, "home/dot-conda"), filepath.Join(tmp, "home/xdg-default"), filepath.Join(tmp, "home/.conda/envs")}
	if got := l.EnvsDirs(); !reflect.DeepEqual(got, want) {
		t.Errorf("EnvsDirs = %q, want %q", got, want)
	}
}

func TestExpand(t *testing.T) {
	l := Locator{Home: "/home/me", GOOS: "linux", Env: map[string]string{"A": "/a", "B": "b"}}
	tests := []struct{ in, want string }{
		{"~", "/home/me"},
		{"~/envs", "/home/me/envs"},
		{"$A/envs", "/a/envs"},
		{"${A}/${B}", "/a/b"},
		{"$MISSING/x", "$MISSING/x"},
		{"${MISSING}/x", "${MISSING}/x"},
		{"%A%", "%A%"}, // only on Windows
		{"/x//y/", "/x/y"},
		{"~other/x", "~other/x"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := l.expand(tt.in); got != tt.want {
			t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestResolvePrefix(t *testing.T) {
	tmp := t.TempDir()
	writeFiles(t, tmp, map[string]string{
		"home/envs/dev/conda-meta/": "",
		"home/notenv/bin/":          "",
	})
	home := filepath.Join(tmp, "home")
	l := Locator{Home: home, GOOS: "linux"}
	dev := filepath.Join(home, "envs", "dev")
	for _, in := range []string{"~/envs/dev", dev, dev + "/", dev + "/../dev", " " + dev + " "} {
		if got, err := l.ResolvePrefix(in); err != nil || got != dev {
			t.Errorf("ResolvePrefix(%q) = %q, %v; want %q", in, got, err, dev)
		}
	}
	t.Chdir(home)
	if got, err := l.ResolvePrefix("envs/dev"); err != nil || got != dev {
		t.Errorf("relative: %q, %v", got, err)
	}

	errs := []struct{ in, want string }{
		{"~/notenv", filepath.Join(home, "notenv") + " is not a conda environment: no conda-meta/ folder (hint:"},
		{"~/missing", filepath.Join(home, "missing") + " does not exist (hint:"},
		{"~bob/envs", "~bob/envs: cannot expand ~user paths (hint:"},
	}
	for _, e := range errs {
		_, err := l.ResolvePrefix(e.in)
		if err == nil || !strings.HasPrefix(err.Error(), e.want) {
			t.Errorf("ResolvePrefix(%q) = %v, want %q...", e.in, err, e.want)
		}
	}
	if _, err := (Locator{GOOS: "linux"}).ResolvePrefix("~/x"); err == nil || !strings.Contains(err.Error(), "home directory unknown") {
		t.Errorf("no home: %v", err)
	}
}

func TestDefaultRoots(t *testing.T) {
	home := filepath.Join("/", "h")
	unix := Locator{Home: home, GOOS: "linux"}.defaultRoots()
	want := []string{"/h/miniconda3", "/h/miniforge3", "/h/mambaforge", "/h/anaconda3", "/h/micromamba", "/h/.local/share/mamba",
		"/opt/conda", "/opt/miniconda3", "/opt/miniforge3", "/opt/anaconda3"}
	if !reflect.DeepEqual(unix, want) {
		t.Errorf("unix = %q", unix)
	}
	win := Locator{Home: home, GOOS: "windows", Env: map[string]string{"USERPROFILE": "/up"}}.defaultRoots()
	want = []string{"/up/miniconda3", "/up/miniforge3", "/up/mambaforge", "/up/anaconda3", "/up/micromamba",
		filepath.Join(`C:\ProgramData`, "miniconda3"), filepath.Join(`C:\ProgramData`, "miniforge3"), filepath.Join(`C:\ProgramData`, "anaconda3")}
	if !reflect.DeepEqual(win, want) {
		t.Errorf("windows = %q", win)
	}
}

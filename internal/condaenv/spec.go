package condaenv

import (
	"strings"
	"unicode"
)

// specName returns the lowercased package name of a conda match spec:
//
//	go                          → go
//	conda-forge::go >=1.22      → go      (channel prefix)
//	go=1.22.*  go 1.22 h123     → go      (version, build)
//	go[version='>=1.22']        → go      (bracket options)
//	https://…/go-1.22.5-h1_0.conda → go   (an explicit package file)
//
// It returns "" when no name can be read.
func specName(spec string) string {
	s := strings.TrimSpace(spec)
	if strings.Contains(s, "://") || strings.HasSuffix(s, ".conda") || strings.HasSuffix(s, ".tar.bz2") {
		return archiveName(s)
	}
	if i := strings.LastIndex(s, "::"); i >= 0 {
		s = s[i+2:]
	}
	if i := strings.IndexByte(s, '['); i >= 0 {
		s = s[:i]
	}
	// Package names are letters, digits, "_", "-" and "."; the first other
	// character (space, =, <, >, !, ~, *, comma, |) starts the version.
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '_' || r == '-' || r == '.')
	})
	if end >= 0 {
		s = s[:end]
	}
	return strings.ToLower(s)
}

// archiveName reads the name from a package file name-version-build.ext.
func archiveName(s string) string {
	base := s[strings.LastIndexAny(s, `/\`)+1:]
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".conda"), ".tar.bz2")
	parts := strings.Split(base, "-")
	if len(parts) < 3 {
		return ""
	}
	return strings.ToLower(strings.Join(parts[:len(parts)-2], "-"))
}

// GoPackages returns the dependencies that install or configure Go: conda-forge's
// go, its cgo/nocgo activation packages (go-cgo_linux-64, ...), and go-licenses.
func (e *Environment) GoPackages() []Dependency {
	return e.filterDeps(isGoPackage)
}

// Compilers returns the dependencies that bring a C/C++ compiler and its
// activation scripts (CC, CFLAGS, LDFLAGS, ...), which cgo then picks up.
func (e *Environment) Compilers() []Dependency {
	return e.filterDeps(isCompiler)
}

func (e *Environment) filterDeps(keep func(string) bool) []Dependency {
	var out []Dependency
	for _, d := range e.Dependencies {
		if keep(d.Name) {
			out = append(out, d)
		}
	}
	return out
}

func isGoPackage(name string) bool {
	return name == "go" || name == "go-licenses" ||
		strings.HasPrefix(name, "go-cgo") || strings.HasPrefix(name, "go-nocgo") || strings.HasPrefix(name, "go_")
}

// bringsGoPackage reports whether installing name installs conda-forge's go
// package (and so its env_vars.d file): go itself, and go-cgo / go-nocgo,
// which depend on it.
func bringsGoPackage(name string) bool {
	return name == "go" || strings.HasPrefix(name, "go-cgo") || strings.HasPrefix(name, "go-nocgo")
}

// conda subdirs: compiler activation packages are named <tool>_<subdir>.
var subdirs = []string{
	"linux-64", "linux-32", "linux-aarch64", "linux-armv6l", "linux-armv7l", "linux-ppc64le",
	"linux-ppc64", "linux-s390x", "linux-riscv64", "osx-64", "osx-arm64", "win-64", "win-32",
	"win-arm64", "emscripten-wasm32", "wasi-wasm32", "zos-z",
}

func isCompiler(name string) bool {
	switch name {
	case "c-compiler", "cxx-compiler", "fortran-compiler", "compilers", "m2w64-toolchain":
		return true
	}
	// gcc, gxx, clang, clangxx and their versioned or per-platform builds
	// (gcc_impl_linux-64, clang-18); not tools such as clang-format.
	for _, c := range []string{"gcc", "gxx", "clang", "clangxx", "m2w64-gcc"} {
		if rest, ok := strings.CutPrefix(name, c); ok &&
			(rest == "" || rest[0] == '_' || rest[0] == '-' && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9') {
			return true
		}
	}
	// <tool>_<subdir>: gcc_linux-64, clang_osx-arm64, vs2019_win-64, ...
	// Go's own activation packages (go-cgo_linux-64) are Go packages, and
	// sysroot/kernel-headers set no variables.
	if isGoPackage(name) || strings.HasPrefix(name, "sysroot_") || strings.HasPrefix(name, "kernel-headers_") {
		return false
	}
	for _, sd := range subdirs {
		if strings.HasSuffix(name, "_"+sd) && len(name) > len(sd)+1 {
			return true
		}
	}
	return false
}

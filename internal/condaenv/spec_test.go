package condaenv

import (
	"reflect"
	"testing"
)

func TestSpecName(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"go", "go"},
		{"  Go  ", "go"},
		{"conda-forge::go", "go"},
		{"conda-forge/label/dev::go >=1.22", "go"},
		{"go >=1.22", "go"},
		{"go>=1.22,<1.24", "go"},
		{"go=1.22.*", "go"},
		{"go==1.22.5=h123_0", "go"},
		{"go 1.22 h123", "go"},
		{"go[version='>=1.22']", "go"},
		{"conda-forge::go[version='>=1.22', build=*cgo*]", "go"},
		{"go!=1.21", "go"},
		{"go~=1.22", "go"},
		{"go-cgo_linux-64=1.22", "go-cgo_linux-64"},
		{"python_abi", "python_abi"},
		{"ca-certificates", "ca-certificates"},
		{"zope.interface", "zope.interface"},
		{"https://conda.anaconda.org/conda-forge/linux-64/go-1.22.5-h1_0.conda", "go"},
		{"/tmp/pkgs/go-cgo_linux-64-1.22.5-h0_0.tar.bz2", "go-cgo_linux-64"},
		{">=1.22", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := specName(tt.spec); got != tt.want {
			t.Errorf("specName(%q) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}

func TestPackageKinds(t *testing.T) {
	tests := []struct {
		name            string
		goPkg, compiler bool
	}{
		{"go", true, false},
		{"go-cgo", true, false},
		{"go-cgo_linux-64", true, false},
		{"go-nocgo_osx-arm64", true, false},
		{"go_linux-64", true, false},
		{"go-licenses", true, false},
		{"go-task", false, false},
		{"golang", false, false},
		{"gopls", false, false},
		{"c-compiler", false, true},
		{"cxx-compiler", false, true},
		{"fortran-compiler", false, true},
		{"compilers", false, true},
		{"gcc", false, true},
		{"gcc_linux-64", false, true},
		{"gcc_impl_linux-64", false, true},
		{"gxx_linux-aarch64", false, true},
		{"gcc-13", false, true},
		{"clang", false, true},
		{"clang-18", false, true},
		{"clangxx", false, true},
		{"clang_osx-arm64", false, true},
		{"clangxx_osx-64", false, true},
		{"vs2019_win-64", false, true},
		{"vs2022_win-arm64", false, true},
		{"gfortran_linux-64", false, true},
		{"m2w64-toolchain", false, true},
		{"m2w64-gcc", false, true},
		{"clang-format", false, false},
		{"clang-tools", false, false},
		{"gccxml", false, false},
		{"sysroot_linux-64", false, false},
		{"kernel-headers_linux-64", false, false},
		{"python", false, false},
		{"_linux-64", false, false},
	}
	for _, tt := range tests {
		if got := isGoPackage(tt.name); got != tt.goPkg {
			t.Errorf("isGoPackage(%q) = %v", tt.name, got)
		}
		if got := isCompiler(tt.name); got != tt.compiler {
			t.Errorf("isCompiler(%q) = %v", tt.name, got)
		}
	}
}

func TestCondaEnvVars(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []EnvVar
	}{
		{"no go, no variables", "dependencies:\n  - python\n", []EnvVar{}},
		{"go-cgo brings go", "dependencies:\n  - go-cgo_linux-64\n",
			[]EnvVar{{"GOTOOLCHAIN", "local", "package go, installed by go-cgo_linux-64 (etc/conda/env_vars.d/go.json)"}}},
		{"go-nocgo brings go", "dependencies:\n  - go-nocgo\n",
			[]EnvVar{{"GOTOOLCHAIN", "local", "package go, installed by go-nocgo (etc/conda/env_vars.d/go.json)"}}},
		{"go-licenses alone does not", "dependencies:\n  - go-licenses\n", []EnvVar{}},
		{"variables win over the package", "dependencies:\n  - go\nvariables:\n  GOTOOLCHAIN: auto\n",
			[]EnvVar{{"GOTOOLCHAIN", "auto", "env.yml:4 variables"}}},
		{"unset marker removes", "dependencies:\n  - go\nvariables:\n  GOTOOLCHAIN: '***unset***'\n  B: x\n",
			[]EnvVar{{"B", "x", "env.yml:5 variables"}}},
		{"sorted", "variables:\n  Z: 1\n  A: 2\n",
			[]EnvVar{{"A", "2", "env.yml:3 variables"}, {"Z", "1", "env.yml:2 variables"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := Parse("env.yml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := env.CondaEnvVars(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

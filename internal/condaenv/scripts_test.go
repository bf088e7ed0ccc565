package condaenv

import (
	"reflect"
	"testing"
)

func TestScriptVars(t *testing.T) {
	prefix := t.TempDir()
	const d = "etc/conda/activate.d/"
	writeFiles(t, prefix, map[string]string{
		"conda-meta/history": "",
		// conda-forge go-cgo_linux-64's script, as shipped.
		d + "activate-z61-go-cgo_linux-64.sh": "export CGO_ENABLED=1\nexport GOOS=linux\nexport GOARCH=amd64\n" +
			"export CONDA_GO_COMPILER=1\nexport GOFLAGS=\"-modcacherw -buildmode=pie -trimpath\"\n",
		d + "activate-z61-go-cgo_win-64.bat": "@echo off\r\nset \"CONDA_GO_COMPILER=1\"\r\nset \"GOFLAGS=-modcacherw -buildmode=pie -trimpath\"\r\n",
		d + "custom.bat": "rem set GOPATH=commented\n:: set GOPATH=commented\n" +
			"if not defined GOPATH set GOPATH=%CONDA_PREFIX%\\go\nSET GoBin=x\nset /p GOPROXY=\nset CC=cl\n",
		d + "custom.csh":  "# setenv GOPATH x\nsetenv GOROOT \"$CONDA_PREFIX/go\"\nsetenv CC gcc\n",
		d + "custom.fish": "set -gx GOPATH $CONDA_PREFIX/go\nset -l GOBIN x\nset --global --export GOFLAGS -mod=mod\nset -e GOROOT\nset -x -g CGO_CFLAGS -O2\n",
		d + "custom.ps1": "$Env:GOPATH = \"$Env:CONDA_PREFIX\\go\"\n${env:GOBIN}=\"x\"\nif ($env:GOROOT -eq $null) { }\n" +
			"[Environment]::SetEnvironmentVariable(\"GOPROXY\", \"off\")\nSet-Item -Path Env:GOTOOLCHAIN -Value local\n$env:Path = \"x\"\n",
		d + "custom.sh": "# export GOPATH=/commented\n" +
			"GOPATH=\"$CONDA_PREFIX/share/go\"; export GOPATH\n" +
			"if [ -z \"${GOCACHE-}\" ]; then export GOCACHE=/tmp/x; fi\n" +
			"export GOOGLE_CLOUD_PROJECT=p\n" +
			"test -n \"$X\" && export GO111MODULE=auto\n" +
			"echo \"export GOPROXY=off\"\n" +
			"  export GOOS=linux GOARCH=arm64 CC=gcc\n" +
			"unset GOROOT\n",
		d + "gcc.sh":                  "export CC=gcc\nexport CFLAGS=\"-O2\"\nexport CGO_CFLAGS=\"$CFLAGS\"\n",
		d + "zz-goshim.sh":            "export GOPATH=ours\n",
		d + "GOSHIM-old.bat":          "set GOPATH=ours\n",
		d + "sub/":                    "",
		d + "binary.so":               "export GOPATH=\x00",
		"etc/conda/deactivate.d/x.sh": "export GOPATH=not-scanned\n",
	})
	const a = "etc/conda/activate.d/"
	want := []ScriptSetting{
		{a + "activate-z61-go-cgo_linux-64.sh", 1, "CGO_ENABLED", "export CGO_ENABLED=1"},
		{a + "activate-z61-go-cgo_linux-64.sh", 2, "GOOS", "export GOOS=linux"},
		{a + "activate-z61-go-cgo_linux-64.sh", 3, "GOARCH", "export GOARCH=amd64"},
		{a + "activate-z61-go-cgo_linux-64.sh", 4, "CONDA_GO_COMPILER", "export CONDA_GO_COMPILER=1"},
		{a + "activate-z61-go-cgo_linux-64.sh", 5, "GOFLAGS", "export GOFLAGS=\"-modcacherw -buildmode=pie -trimpath\""},
		{a + "activate-z61-go-cgo_win-64.bat", 2, "CONDA_GO_COMPILER", "set \"CONDA_GO_COMPILER=1\""},
		{a + "activate-z61-go-cgo_win-64.bat", 3, "GOFLAGS", "set \"GOFLAGS=-modcacherw -buildmode=pie -trimpath\""},
		{a + "custom.bat", 3, "GOPATH", "if not defined GOPATH set GOPATH=%CONDA_PREFIX%\\go"},
		{a + "custom.bat", 4, "GoBin", "SET GoBin=x"},
		{a + "custom.bat", 5, "GOPROXY", "set /p GOPROXY="},
		{a + "custom.csh", 2, "GOROOT", "setenv GOROOT \"$CONDA_PREFIX/go\""},
		{a + "custom.fish", 1, "GOPATH", "set -gx GOPATH $CONDA_PREFIX/go"},
		{a + "custom.fish", 3, "GOFLAGS", "set --global --export GOFLAGS -mod=mod"},
		{a + "custom.fish", 5, "CGO_CFLAGS", "set -x -g CGO_CFLAGS -O2"},
		{a + "custom.ps1", 1, "GOPATH", "$Env:GOPATH = \"$Env:CONDA_PREFIX\\go\""},
		{a + "custom.ps1", 2, "GOBIN", "${env:GOBIN}=\"x\""},
		{a + "custom.ps1", 4, "GOPROXY", "[Environment]::SetEnvironmentVariable(\"GOPROXY\", \"off\")"},
		{a + "custom.ps1", 5, "GOTOOLCHAIN", "Set-Item -Path Env:GOTOOLCHAIN -Value local"},
		{a + "custom.sh", 2, "GOPATH", "GOPATH=\"$CONDA_PREFIX/share/go\"; export GOPATH"},
		{a + "custom.sh", 3, "GOCACHE", "if [ -z \"${GOCACHE-}\" ]; then export GOCACHE=/tmp/x; fi"},
		{a + "custom.sh", 5, "GO111MODULE", "test -n \"$X\" && export GO111MODULE=auto"},
		{a + "custom.sh", 7, "GOOS", "export GOOS=linux GOARCH=arm64 CC=gcc"},
		{a + "custom.sh", 7, "GOARCH", "export GOOS=linux GOARCH=arm64 CC=gcc"},
		{a + "gcc.sh", 3, "CGO_CFLAGS", "export CGO_CFLAGS=\"$CFLAGS\""},
	}
	got, err := ScriptVars(prefix)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		for i := 0; i < max(len(got), len(want)); i++ {
			var g, w ScriptSetting
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("#%d\n got  %+v\n want %+v", i, g, w)
			}
		}
	}
}

func TestScriptVarsNoActivateDir(t *testing.T) {
	prefix := t.TempDir()
	writeFiles(t, prefix, map[string]string{"conda-meta/history": ""})
	got, err := ScriptVars(prefix)
	if err != nil || got != nil {
		t.Errorf("got %v, %v; want nil, nil", got, err)
	}
}

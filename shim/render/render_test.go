package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/shell"
	"github.com/goshim/goshim/templates"
)

var update = flag.Bool("update", false, "rewrite golden files from the current output")

// fullPolicy uses every action kind, a configured root, and values that
// need quoting, so the golden files show every code path of every template.
const fullPolicy = `[go]
toolchain = "system"
root = "~/sdk/go1.22.3"
gotoolchain = "go1.22.3+auto"

[env]
GO111MODULE = "on"
GOFLAGS = { set = "-mod=mod -ldflags=-X=main.v='1'" }
GOPATH = { keep = true }
GOBIN = { unset = true }
GOCACHE = { default = "${HOME}/.cache/go-build" }
PATH = { prepend = ["~/go/bin", "/opt/with space"], append = ["/opt/last"] }
PKG_CONFIG_PATH = { append = ["${CONDA_PREFIX}/lib/pkgconfig"] }
CGO_CFLAGS = { prepend = ["-I${CONDA_PREFIX}/include"], sep = " " }
`

func testPlans(t *testing.T) map[string]*plan.Plan {
	t.Helper()
	def, err := plan.Build(policy.Builtin(), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Parse("goshim.toml", []byte(fullPolicy))
	if err != nil {
		t.Fatal(err)
	}
	full, err := plan.Build(pol, plan.Options{
		ID:        "ml-env",
		CondaVars: []plan.CondaVar{{Name: "GOPATH", Value: "/x", Source: "environment.yml:9 variables"}},
		Inputs:    []plan.Input{{Name: "goshim.toml", Digest: plan.DigestBytes([]byte(fullPolicy))}},
	})
	if err != nil {
		t.Fatal(err)
	}
	pathPol, err := policy.Parse("goshim.toml", []byte("[go]\ntoolchain = \"path\"\nroot = \"/opt/go\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	pathPlan, err := plan.Build(pathPol, plan.Options{ID: "pinned"})
	if err != nil {
		t.Fatal(err)
	}
	condaPol, err := policy.Parse("goshim.toml", []byte("[go]\ntoolchain = \"conda\"\n[env]\nGOFLAGS = { keep = true }\n"))
	if err != nil {
		t.Fatal(err)
	}
	condaPlan, err := plan.Build(condaPol, plan.Options{ID: "conda-go"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*plan.Plan{"default": def, "full": full, "path": pathPlan, "conda": condaPlan}
}

func TestGolden(t *testing.T) {
	for name, p := range testPlans(t) {
		for _, sh := range shell.All() {
			files, err := Files(p, sh)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, sh.Name(), err)
			}
			for _, f := range files {
				golden := filepath.Join("testdata", "golden", name, filepath.FromSlash(f.Path))
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, f.Data, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Errorf("%v (run: go test ./shim/render -update)", err)
					continue
				}
				if !bytes.Equal(f.Data, want) {
					t.Errorf("%s differs from the golden file (review, then: go test ./shim/render -update)", golden)
				}
			}
		}
	}
}

func TestFileNamesSortAroundPackageScripts(t *testing.T) {
	p := testPlans(t)["full"]
	sh, _ := shell.Lookup("sh")
	files, err := Files(p, sh)
	if err != nil {
		t.Fatal(err)
	}
	var save, apply, restore string
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.Path, "-save.sh"):
			save = filepath.Base(f.Path)
		case strings.Contains(f.Path, "/activate.d/"):
			apply = filepath.Base(f.Path)
		default:
			restore = filepath.Base(f.Path)
		}
	}
	// Real package script names: conda-forge go-cgo, compilers, hand-written ones.
	pkgs := []string{"activate-z61-go-cgo_linux-64.sh", "activate-gcc_linux-64.sh", "0-first.sh", "-dash.sh", "Zeta.sh", "_under.sh", "zzz-last.sh", "~ascii-tilde-is-after-z.sh"[1:]}
	for _, pkg := range pkgs {
		if !(save < pkg) {
			t.Errorf("save hook %q does not sort before %q", save, pkg)
		}
		if !(apply > pkg) {
			t.Errorf("apply hook %q does not sort after %q", apply, pkg)
		}
		// deactivate.d runs reverse-sorted: last to run means sorting first.
		if !(restore < pkg) {
			t.Errorf("restore hook %q does not sort before %q", restore, pkg)
		}
	}
	if save != "+goshim-ml-env-save.sh" || apply != "~goshim-ml-env.sh" || restore != "+goshim-ml-env.sh" {
		t.Errorf("names %q %q %q", save, apply, restore)
	}
}

func TestByteStable(t *testing.T) {
	for name, p := range testPlans(t) {
		first, err := All(p, shell.All())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			again, _ := All(p, shell.All())
			for j := range first {
				if !bytes.Equal(first[j].Data, again[j].Data) || first[j].Path != again[j].Path {
					t.Fatalf("%s: output of %s changed between runs", name, first[j].Path)
				}
			}
		}
	}
}

// TestTemplatesQuoteEverything enforces that every action printing into a
// script goes through a quoting or name-checking function: a bare {% .X %}
// would paste policy text into a shell unescaped.
func TestTemplatesQuoteEverything(t *testing.T) {
	allowed := map[string]bool{"q": true, "v": true, "ve": true, "n": true, "st": true, "marker": true}
	entries, err := templates.FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".tmpl") {
			continue
		}
		seen++
		src, _ := templates.FS.ReadFile(e.Name())
		sh, _ := shell.Lookup("sh")
		// text/template's builtins parse too; printing through them is still flagged below
		known := map[string]any{}
		for _, b := range []string{"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "call", "html", "js", "urlquery"} {
			known[b] = true
		}
		for k, v := range funcs(&plan.Plan{}, sh) {
			known[k] = v
		}
		trees, err := parse.Parse(e.Name(), string(src), "{%", "%}", known)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		for _, tree := range trees {
			walk(tree.Root, func(a *parse.ActionNode) {
				if len(a.Pipe.Decl) > 0 {
					return // {% $x := ... %} prints nothing
				}
				cmd := a.Pipe.Cmds[len(a.Pipe.Cmds)-1]
				id, ok := cmd.Args[0].(*parse.IdentifierNode)
				if !ok || !allowed[id.Ident] {
					t.Errorf("%s: %q prints data without quoting it (use q, v, n or st)", e.Name(), a.String())
				}
			})
		}
	}
	if seen == 0 {
		t.Fatal("no templates found")
	}
}

func walk(n parse.Node, f func(*parse.ActionNode)) {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walk(c, f)
		}
	case *parse.ActionNode:
		f(x)
	case *parse.IfNode:
		walk(x.List, f)
		walk(x.ElseList, f)
	case *parse.RangeNode:
		walk(x.List, f)
		walk(x.ElseList, f)
	case *parse.WithNode:
		walk(x.List, f)
		walk(x.ElseList, f)
	}
}

func TestHeaderNamesCannotEscapeComments(t *testing.T) {
	p, err := plan.Build(policy.Builtin(), plan.Options{Inputs: []plan.Input{{Name: "evil\n%PATH%^&echo pwned.toml", Digest: "00"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range shell.All() {
		files, err := Files(p, sh)
		if err != nil {
			t.Fatal(err)
		}
		first := strings.SplitN(string(files[0].Data), "\n", 5)
		for _, l := range first[:4] {
			if !strings.HasPrefix(l, sh.Comment()) {
				t.Errorf("%s: header line %q is not a comment", sh.Name(), l)
			}
		}
		if sh.Name() == "cmd" && strings.ContainsAny(first[2], "%^&") {
			t.Errorf("cmd header keeps characters cmd.exe acts on inside @REM: %q", first[2])
		}
	}
}

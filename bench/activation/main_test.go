package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/shell"
)

// TestEveryCaseVerifies runs the correctness gate of every case in every
// shell that is here, without timing anything: the drivers, the floor and
// the state dumps must keep working as templates and shells change, or
// `make bench` fails where nobody looks.
func TestEveryCaseVerifies(t *testing.T) {
	const goroot = "/usr/local/go"
	if fi, err := os.Lstat(filepath.Join(goroot, "bin", "go")); err != nil || !fi.Mode().IsRegular() {
		t.Skipf("no real Go at %s: the hooks need a system Go to find", goroot)
	}
	l, err := newLab(t.TempDir(), goroot, []int{3})
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, row := range shellRows {
		sh, err := shell.Lookup(row.Hooks)
		if err != nil {
			continue // no goshim hooks for it yet
		}
		if _, err := exec.LookPath(row.Argv[0]); err != nil {
			continue
		}
		ran++
		t.Run(row.Name, func(t *testing.T) {
			for _, v := range append(mainVariants(), scaleVariants([]int{3})...) {
				j, err := l.prepare(row, sh, v)
				if err != nil {
					t.Fatalf("%s: %v", v.Key, err)
				}
				if err := l.verify(j); err != nil {
					t.Error(err)
				}
			}
		})
	}
	if ran == 0 {
		t.Skip("no shell with goshim hooks installed")
	}
}

func TestWriteDocKeepsHandWrittenText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	if err := writeDoc(path, "GENERATED-ONE\n"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	doc := strings.Replace(string(data), "## How it is measured", "## Findings\n\nhand-written\n\n## How it is measured", 1)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeDoc(path, "GENERATED-TWO\n"); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(path)
	got := string(data)
	if strings.Contains(got, "GENERATED-ONE") || !strings.Contains(got, "GENERATED-TWO") || !strings.Contains(got, "hand-written") {
		t.Errorf("generated block not replaced in place:\n%s", got)
	}
	if strings.Count(got, beginMark) != 1 || strings.Count(got, endMark) != 1 {
		t.Errorf("markers duplicated:\n%s", got)
	}
}

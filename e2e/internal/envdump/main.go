// Command envdump is the e2e tests' checkpoint: it writes its whole
// environment, NUL-separated so values holding newlines compare exactly,
// to the next numbered file in a folder. Scenario scripts and the
// checkpoint scripts placed in test envs' activate.d/deactivate.d run it,
// so the files' order is the order things happened in one shell.
//
//	envdump -dir DIR -label LABEL
//
// File DIR/NNNN.env holds LABEL, NUL, then NAME=VALUE NUL for each variable.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	dir := flag.String("dir", "", "folder of checkpoint files")
	label := flag.String("label", "", "what this checkpoint is")
	flag.Parse()
	if *dir == "" || *label == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: envdump -dir DIR -label LABEL")
		os.Exit(2)
	}
	if err := dump(*dir, *label); err != nil {
		fmt.Fprintln(os.Stderr, "envdump:", err)
		os.Exit(1)
	}
}

func dump(dir, label string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".env") {
			n++
		}
	}
	env := os.Environ()
	sort.Strings(env)
	var b bytes.Buffer
	b.WriteString(label)
	b.WriteByte(0)
	for _, kv := range env {
		if strings.HasPrefix(kv, "=") {
			continue // Windows' per-drive "=C:=C:\..." entries
		}
		b.WriteString(kv)
		b.WriteByte(0)
	}
	name := filepath.Join(dir, fmt.Sprintf("%04d.env", n+1))
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

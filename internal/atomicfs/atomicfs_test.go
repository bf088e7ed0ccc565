package atomicfs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	files := []File{
		{Path: filepath.Join(dir, "a", "one.sh"), Data: []byte("1"), Perm: 0o644},
		{Path: filepath.Join(dir, "a", "two.sh"), Data: []byte("2"), Perm: 0o600},
		{Path: filepath.Join(dir, "b", "three.sh"), Data: []byte("3"), Perm: 0o644},
	}
	if err := WriteFiles(files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, err := os.ReadFile(f.Path)
		if err != nil || string(got) != string(f.Data) {
			t.Errorf("%s = %q, %v; want %q", f.Path, got, err, f.Data)
		}
		if st, _ := os.Stat(f.Path); st == nil || st.Mode().Perm() != f.Perm {
			t.Errorf("%s: mode %v, want %v", f.Path, st.Mode().Perm(), f.Perm)
		}
	}
	assertNoTemps(t, dir)
}

// A file that cannot be staged (its folder is a file) means no file of the
// set is written, and no temporary is left behind.
func TestWriteFilesAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "blocker"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	files := []File{
		{Path: filepath.Join(dir, "ok", "first.sh"), Data: []byte("1"), Perm: 0o644},
		{Path: filepath.Join(dir, "blocker", "second.sh"), Data: []byte("2"), Perm: 0o644},
	}
	if err := WriteFiles(files); err == nil {
		t.Fatal("writing under a file succeeded")
	}
	if _, err := os.Stat(files[0].Path); !os.IsNotExist(err) {
		t.Errorf("%s was written though the set failed (%v)", files[0].Path, err)
	}
	assertNoTemps(t, dir)
}

func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if m, _ := filepath.Match(".goshim-*.tmp", d.Name()); m {
				t.Errorf("temporary left behind: %s", p)
			}
		}
		return nil
	})
}

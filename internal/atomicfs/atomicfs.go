// Package atomicfs writes files so that a reader sees the old content or the
// new, never a torn one, and a crash or full disk leaves no half-written file:
// the data goes to a temporary file in the same folder, is synced, and is
// renamed over the target.
package atomicfs

import (
	"fmt"
	"os"
	"path/filepath"
)

// Staged is new content written and synced next to its target, not yet in
// place: Commit renames it over the target, Discard removes it. Staging
// several files before committing any lets a caller change all or nothing.
type Staged struct{ tmp, dst string }

// Stage writes data to a temporary file in dst's folder (created with 0755
// when missing) and syncs it.
func Stage(dst string, data []byte, perm os.FileMode) (s Staged, err error) {
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Staged{}, err
	}
	tmp, err := os.CreateTemp(dir, ".goshim-*.tmp")
	if err != nil {
		return Staged{}, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return Staged{}, err
	}
	if err = tmp.Chmod(perm); err != nil {
		return Staged{}, err
	}
	if err = tmp.Sync(); err != nil {
		return Staged{}, err
	}
	if err = tmp.Close(); err != nil {
		return Staged{}, err
	}
	return Staged{tmp: tmp.Name(), dst: dst}, nil
}

// Commit renames the staged file over its target.
func (s Staged) Commit() error { return os.Rename(s.tmp, s.dst) }

// Discard removes the staged file (after a failed or abandoned change).
func (s Staged) Discard() {
	if s.tmp != "" {
		os.Remove(s.tmp)
	}
}

// WriteFile replaces path with data, creating missing folders with 0755.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	s, err := Stage(path, data, perm)
	if err != nil {
		return err
	}
	if err := s.Commit(); err != nil {
		s.Discard()
		return err
	}
	return syncDir(filepath.Dir(path))
}

// File is one file for WriteFiles.
type File struct {
	Path string
	Data []byte
	Perm os.FileMode
}

// WriteFiles replaces every file, all or nothing as far as a file system
// allows: every file is staged (written and synced) before any is renamed
// into place, and each folder is synced once at the end, not once a file.
func WriteFiles(files []File) error {
	staged := make([]Staged, 0, len(files))
	discard := func() {
		for _, s := range staged {
			s.Discard()
		}
	}
	for _, f := range files {
		s, err := Stage(f.Path, f.Data, f.Perm)
		if err != nil {
			discard()
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
		staged = append(staged, s)
	}
	dirs := map[string]bool{}
	for i, s := range staged {
		if err := s.Commit(); err != nil {
			discard() // the ones not yet renamed; those renamed stay new
			return fmt.Errorf("writing %s: %w", files[i].Path, err)
		}
		staged[i] = Staged{} // renamed: nothing left to discard
		dirs[filepath.Dir(files[i].Path)] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// syncDir makes the rename itself durable. Not every OS can sync a folder
// (Windows cannot open one for it), so only a failed sync of an opened folder counts.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !os.IsPermission(err) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// Writable reports, without writing anything, whether files can be created
// in dir or in the nearest existing folder above it.
func Writable(dir string) error {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err == nil {
			if !st.IsDir() {
				return fmt.Errorf("%s is not a folder", d)
			}
			tmp, err := os.CreateTemp(d, ".goshim-probe-*")
			if err != nil {
				return fmt.Errorf("%s is not writable: %w", d, err)
			}
			tmp.Close()
			return os.Remove(tmp.Name())
		}
		if parent := filepath.Dir(d); parent == d {
			return err
		}
	}
}

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

// WriteFile replaces path with data, creating missing folders with 0755.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".goshim-*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
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

//go:build unix

package installer

import (
	"os"
	"path/filepath"
	"syscall"
)

// Lock serializes installs into one prefix by flock-ing its conda-meta
// folder: no lock file is left behind (uninstall must leave the prefix as it
// was), and the kernel releases the lock if the process dies.
func Lock(prefix string) (unlock func(), err error) {
	f, err := os.Open(filepath.Join(prefix, "conda-meta"))
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

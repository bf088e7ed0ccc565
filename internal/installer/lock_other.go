//go:build !unix

package installer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Lock serializes installs into one prefix where flock does not exist: an
// exclusively created lock file in conda-meta, removed on unlock, waited for
// up to a minute.
func Lock(prefix string) (unlock func(), err error) {
	p := filepath.Join(prefix, "conda-meta", ".goshim.lock")
	deadline := time.Now().Add(time.Minute)
	for {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			f.Close()
			return func() { os.Remove(p) }, nil
		}
		if !errors.Is(err, fs.ErrExist) || time.Now().After(deadline) {
			return nil, fmt.Errorf("%s: another goshim holds the lock (fix: if none runs, delete the file): %w", p, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

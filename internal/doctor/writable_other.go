//go:build !unix

package doctor

import (
	"fmt"
	"os"
)

// canWrite reads the folder's permission bits: Windows has no access(2),
// and doctor never writes to find out.
func canWrite(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("%s is read-only", dir)
	}
	return nil
}

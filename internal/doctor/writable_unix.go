//go:build unix

package doctor

import (
	"fmt"
	"syscall"
)

// canWrite asks the kernel whether this process may create files in dir,
// without creating one: access(2) honours permissions, ACLs and read-only
// mounts.
func canWrite(dir string) error {
	const wOK = 0x2
	if err := syscall.Access(dir, wOK); err != nil {
		return fmt.Errorf("%s: %v", dir, err)
	}
	return nil
}

// Command goshim writes conda activate.d/deactivate.d hooks that keep conda
// from hijacking Go. All behaviour lives in package cmd.
package main

import (
	"os"

	"github.com/goshim/goshim/cmd"
)

func main() { os.Exit(cmd.Main()) }

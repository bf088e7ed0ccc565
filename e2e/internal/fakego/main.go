// Command fakego is the hijacking `go` of the e2e test envs: it stands
// where conda-forge's go puts itself ($PREFIX/go/bin/go, linked from
// $PREFIX/bin/go) and identifies itself in every answer, so a test that
// ran it instead of the system Go sees it at once. It never builds.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

const version = "go1.0.0-condafake"

func main() {
	exe, _ := os.Executable()
	root := filepath.Dir(filepath.Dir(exe)) // <prefix>/go
	args := os.Args[1:]
	if len(args) == 0 {
		fmt.Println("fake conda go")
		return
	}
	switch args[0] {
	case "version":
		fmt.Printf("go version %s %s/%s\n", version, runtime.GOOS, runtime.GOARCH)
	case "env":
		for _, name := range args[1:] {
			if name == "GOROOT" {
				fmt.Println(root)
			} else {
				fmt.Println("CONDAFAKE-" + name)
			}
		}
	default:
		fmt.Fprintf(os.Stderr, "fake conda go (%s): refusing to %s\n", exe, args[0])
		os.Exit(3)
	}
}

package cmd

import (
	"os"
	"testing"
)

// TestMain lets tests run goshim as a separate process (for concurrency and
// crash tests) by re-executing the test binary with GOSHIM_TEST_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("GOSHIM_TEST_MAIN") == "1" {
		os.Exit(Main())
	}
	os.Exit(m.Run())
}

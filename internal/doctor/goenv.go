package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// RunGoEnv runs `go env -json` with goBin in env, the way doctor needs it:
//
//   - in a new empty folder, so no go.mod or go.work can make go switch
//     toolchains, and with GOTOOLCHAIN=local, so go never downloads one for
//     doctor (GOTOOLCHAIN=go1.N.M alone would). The GOTOOLCHAIN reported is
//     then what go would have used: the environment's, else go's env file's,
//     else $GOROOT/go.env's, else local;
//   - with ctx's deadline, so a hanging go cannot hang doctor.
func RunGoEnv(ctx context.Context, goBin string, env map[string]string) (map[string]string, error) {
	dir, err := os.MkdirTemp("", "goshim-doctor-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	keys := make([]string, 0, len(env))
	for k := range env {
		if k != "GOTOOLCHAIN" && k != "PWD" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	list := make([]string, 0, len(keys)+2)
	for _, k := range keys {
		list = append(list, k+"="+env[k])
	}
	list = append(list, "GOTOOLCHAIN=local", "PWD="+dir)

	cmd := exec.CommandContext(ctx, goBin, "env", "-json")
	cmd.Dir = dir
	cmd.Env = list
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s env -json did not finish in time", goBin)
		}
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, errors.New(msg)
		}
		return nil, fmt.Errorf("%s env -json: %v", goBin, err)
	}
	out := map[string]string{}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("%s env -json printed no JSON object: %v", goBin, err)
	}
	out["GOTOOLCHAIN"] = goToolchainSetting(env, out)
	return out, nil
}

// goToolchainSetting is the GOTOOLCHAIN go would use outside a module,
// read the way go reads it: the environment (an empty value counts as
// unset), the user's env file (go env -w), $GOROOT/go.env, then local.
func goToolchainSetting(env, goEnv map[string]string) string {
	if v := env["GOTOOLCHAIN"]; v != "" {
		return v
	}
	for _, file := range []string{goEnv["GOENV"], filepath.Join(goEnv["GOROOT"], "go.env")} {
		if file == "" || file == "off" || !filepath.IsAbs(file) {
			continue
		}
		if v, ok := envFileValue(file, "GOTOOLCHAIN"); ok && v != "" {
			return v
		}
	}
	return "local"
}

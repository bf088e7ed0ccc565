package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/mitchellh/go-homedir"
	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/condaenv"
)

// envTarget names a conda env on the command line: -n NAME or -p PREFIX.
type envTarget struct {
	Name   string
	Prefix string
}

func (e *envTarget) register(c *cobra.Command) {
	c.Flags().StringVarP(&e.Name, "name", "n", "", "conda env name (also \"base\")")
	c.Flags().StringVarP(&e.Prefix, "prefix", "p", "", "conda env prefix (a folder with conda-meta/)")
	_ = c.MarkFlagDirname("prefix")
}

// homeDir is the user's home: from the injected environment first, so
// tests and callers control it, else go-homedir's answer.
func homeDir(streams *IO) string {
	for _, k := range []string{"HOME", "USERPROFILE"} {
		if h := streams.Env[k]; h != "" {
			return h
		}
	}
	h, _ := homedir.Dir()
	return h
}

func locator(streams *IO) condaenv.Locator {
	return condaenv.Locator{Env: streams.Env, Home: homeDir(streams), GOOS: runtime.GOOS}
}

// resolve finds the prefix: -n, -p, then environment.yml's prefix:/name:,
// then the active env. It reads the disk only; it never runs conda.
func (e *envTarget) resolve(streams *IO, env *condaenv.Environment) (string, error) {
	loc := locator(streams)
	if e.Name != "" && e.Prefix != "" {
		return "", usageErr("-n and -p name two envs; give one")
	}
	switch {
	case e.Name != "":
		info, err := loc.Find(e.Name)
		if err != nil {
			return "", usageErr("%v", err)
		}
		return info.Prefix, nil
	case e.Prefix != "":
		p := e.Prefix
		if !filepath.IsAbs(p) && p[0] != '~' {
			p = filepath.Join(streams.Dir, p)
		}
		prefix, err := loc.ResolvePrefix(p)
		if err != nil {
			return "", usageErr("%v", err)
		}
		return prefix, nil
	case env != nil && env.Prefix != "":
		prefix, err := loc.ResolvePrefix(env.Prefix)
		if err != nil {
			return "", usageErr("%s prefix: %v", env.File, err)
		}
		return prefix, nil
	case env != nil && env.Name != "":
		info, err := loc.Find(env.Name)
		if err != nil {
			return "", usageErr("%s name: %v", env.File, err)
		}
		return info.Prefix, nil
	case streams.Env["CONDA_PREFIX"] != "":
		prefix, err := loc.ResolvePrefix(streams.Env["CONDA_PREFIX"])
		if err != nil {
			return "", usageErr("CONDA_PREFIX: %v", err)
		}
		return prefix, nil
	}
	return "", usageErr("no conda env given: pass -n NAME or -p PREFIX, or run inside an activated env")
}

// peekEnv reads environment.yml only to find the env it names.
func peekEnv(dir, flagValue string) (*condaenv.Environment, error) {
	p, err := pick(dir, flagValue, defaultEnvFile, "-f")
	if err != nil || p == "" {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return condaenv.Parse(displayName(dir, p), data)
}

func noteScripts(streams *IO, prefix string) {
	found, err := condaenv.ScriptVars(prefix)
	if err != nil {
		fmt.Fprintf(streams.Err, "note: could not read the env's activate.d: %v\n", err)
		return
	}
	for _, s := range found {
		fmt.Fprintf(streams.Err, "note: %s:%d sets %s; goshim saves the value from before activation and restores it after deactivation\n", s.File, s.Line, s.Name)
	}
}

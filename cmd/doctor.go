package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/condaenv"
	"github.com/goshim/goshim/internal/doctor"
	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/render"
	"github.com/goshim/goshim/shim/shell"
)

// DoctorOptions are doctor's flags.
type DoctorOptions struct {
	IO     *IO
	Target envTarget
	JSON   bool
	Color  string // auto, always, never

	// GoEnv runs `go env -json`; nil runs the go doctor found (tests fake it).
	GoEnv func(goBin string) (map[string]string, error)
	// SystemRoots and TempDirs replace doctor's defaults when non-nil, so
	// tests do not depend on the machine.
	SystemRoots, TempDirs []string
}

// goEnvTimeout bounds the one go process doctor runs.
const goEnvTimeout = 30 * time.Second

// NewCmdDoctor builds `goshim doctor`.
func NewCmdDoctor(streams *IO, runF func(*DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{IO: streams}
	c := &cobra.Command{
		Use:   "doctor",
		Short: "Diagnose a hijacked Go in this shell and, with -n/-p or when active, an env",
		Long: `Inspect this shell's environment, and an env prefix (-n NAME, -p PREFIX, or the
active env), for everything that makes Go misbehave under conda: which go wins
on PATH, a GOROOT of another release, caches inside an env or a temp folder,
GOFLAGS/CGO_ENABLED/GOOS/GOARCH left over by go-cgo, GOTOOLCHAIN=local below
go.mod's version, a conda compiler that is gone, stale goshim or conda state,
and whether goshim's hooks in the env are installed and up to date.

Each finding has a severity (ok, warn, error), the variable, what is wrong,
why it matters, the fix, and the file:line that set it when known. doctor runs
the go it finds once ('go env -json') and never downloads a toolchain.

Exit status: 0 healthy, 1 problems found (any warn or error), 2 usage error.
--json prints a stable schema (see docs/doctor.md).`,
		Example: `  goshim doctor
  goshim doctor -n ml-env
  goshim doctor --json | jq '.findings[] | select(.severity != "ok")'`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return doctorRun(opts)
		},
	}
	opts.Target.register(c)
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the findings as JSON (schema in docs/doctor.md)")
	c.Flags().StringVar(&opts.Color, "color", "auto", "colour the table: auto (on a terminal, unless NO_COLOR is set), always, never")
	_ = c.RegisterFlagCompletionFunc("color", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"auto", "always", "never"}, cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// DoctorReport is doctor's JSON output. Field names are a stable schema
// (docs/doctor.md); change them only with doctor.SchemaVersion.
type DoctorReport struct {
	Version  int              `json:"version"` // schema version
	Goshim   string           `json:"goshim"`  // goshim's own version
	Healthy  bool             `json:"healthy"`
	Prefix   string           `json:"prefix"` // the env inspected, "" when none
	Summary  doctor.Summary   `json:"summary"`
	Findings []doctor.Finding `json:"findings"`
}

func doctorRun(opts *DoctorOptions) error {
	streams := opts.IO
	switch opts.Color {
	case "auto", "always", "never":
	default:
		return usageErr("--color %s: use auto, always or never", opts.Color)
	}
	prefix := ""
	if opts.Target.Name != "" || opts.Target.Prefix != "" {
		var err error
		if prefix, err = opts.Target.resolve(streams, nil); err != nil {
			return err
		}
	}
	goEnv := opts.GoEnv
	if goEnv == nil {
		goEnv = func(goBin string) (map[string]string, error) {
			ctx, cancel := context.WithTimeout(context.Background(), goEnvTimeout)
			defer cancel()
			return doctor.RunGoEnv(ctx, goBin, streams.Env)
		}
	}
	dopts := doctor.Options{
		Env:         streams.Env,
		Dir:         streams.Dir,
		Prefix:      prefix,
		GoEnv:       goEnv,
		Generate:    func(prefix, id string) (*doctor.Generated, error) { return generateCurrent(streams, prefix, id) },
		SystemRoots: opts.SystemRoots,
		TempDirs:    opts.TempDirs,
	}
	findings := doctor.Diagnose(dopts)
	sum := doctor.Summarize(findings)
	if opts.JSON {
		rep := DoctorReport{Version: doctor.SchemaVersion, Goshim: Version(), Healthy: sum.Healthy(),
			Prefix: dopts.TargetPrefix(), Summary: sum, Findings: findings}
		if rep.Findings == nil {
			rep.Findings = []doctor.Finding{}
		}
		enc := json.NewEncoder(streams.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printDoctor(streams.Out, dopts.TargetPrefix(), findings, sum, useColor(opts.Color, streams))
	}
	if !sum.Healthy() {
		return errSilent{ExitProblem}
	}
	return nil
}

// generateCurrent renders what the inputs in the working folder generate
// for hook set id in prefix, exactly as install does: with the variables
// conda exports in that prefix. Shells that cannot render are left out;
// doctor compares only the files it gets.
func generateCurrent(streams *IO, prefix, id string) (*doctor.Generated, error) {
	var extra []plan.CondaVar
	vars, err := condaenv.PrefixEnvVars(prefix)
	if err != nil {
		return nil, err
	}
	for _, v := range vars {
		extra = append(extra, plan.CondaVar{Name: v.Name, Value: v.Value, Source: v.Source})
	}
	flags := inputFlags{ID: id}
	in, err := flags.load(streams.Dir, extra)
	if err != nil {
		return nil, err
	}
	g := &doctor.Generated{Digest: in.Plan.Digest, Files: map[string][]byte{}}
	for _, i := range in.Plan.Inputs {
		g.Inputs = append(g.Inputs, i.Name)
	}
	for _, sh := range shell.All() {
		files, err := render.Files(in.Plan, sh)
		if err != nil {
			continue
		}
		for _, f := range files {
			g.Files[f.Path] = f.Data
		}
	}
	return g, nil
}

// useColor decides whether the table is coloured: never on a pipe or file,
// never with NO_COLOR set (https://no-color.org) or TERM=dumb, unless
// --color=always asks.
func useColor(mode string, streams *IO) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if streams.Env["NO_COLOR"] != "" || streams.Env["TERM"] == "dumb" {
		return false
	}
	f, ok := streams.Out.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

var severityMark = map[doctor.Severity]struct{ mark, color string }{
	doctor.OK:    {"✓", "\x1b[32m"},
	doctor.Warn:  {"!", "\x1b[33m"},
	doctor.Error: {"✗", "\x1b[31m"},
}

// printDoctor writes the compact table: one line per finding, and for
// problems the why, the fix and where, indented under it.
func printDoctor(w io.Writer, prefix string, findings []doctor.Finding, sum doctor.Summary, color bool) {
	scope := "this shell"
	if prefix != "" {
		scope += ", env " + prefix
	}
	fmt.Fprintf(w, "goshim doctor: %s\n", scope)
	checkW, varW := 0, 0
	for _, f := range findings {
		checkW = max(checkW, utf8.RuneCountInString(f.Check))
		varW = max(varW, utf8.RuneCountInString(f.Var))
	}
	indent := strings.Repeat(" ", 2+checkW+2+varW+2)
	paint := func(s doctor.Severity, text string) string {
		if !color {
			return text
		}
		return severityMark[s].color + text + "\x1b[0m"
	}
	for _, f := range findings {
		fmt.Fprintf(w, "%s %s  %s  %s\n", paint(f.Severity, severityMark[f.Severity].mark),
			pad(f.Check, checkW), pad(f.Var, varW), f.Problem)
		if f.Severity == doctor.OK {
			if f.Where != "" {
				fmt.Fprintf(w, "%sat:  %s\n", indent, f.Where)
			}
			continue
		}
		for _, l := range []struct{ label, text string }{{"why", f.Why}, {"fix", f.Fix}, {"at", f.Where}} {
			if l.text != "" {
				fmt.Fprintf(w, "%s%s:%s%s\n", indent, l.label, strings.Repeat(" ", 5-len(l.label)), l.text)
			}
		}
	}
	var parts []string
	if sum.Error > 0 {
		parts = append(parts, fmt.Sprintf("%d error%s", sum.Error, plural(sum.Error)))
	}
	if sum.Warn > 0 {
		parts = append(parts, fmt.Sprintf("%d warning%s", sum.Warn, plural(sum.Warn)))
	}
	parts = append(parts, fmt.Sprintf("%d ok", sum.OK))
	verdict := "healthy"
	if !sum.Healthy() {
		verdict = "problems found"
	}
	fmt.Fprintf(w, "%s: %s\n", verdict, strings.Join(parts, ", "))
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

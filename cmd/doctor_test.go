package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/goshim/goshim/internal/doctor"
)

const systemGoRoot = "/usr/local/go"

func needSystemGo(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(systemGoRoot, "bin", "go")); err != nil {
		t.Skipf("no system Go at %s", systemGoRoot)
	}
}

// doctorEnv is a healthy environment: the system Go, a home of its own
// with Go's telemetry off (so the go doctor runs starts no background
// process writing into it), and no folder doctor takes for a temp dir.
func doctorEnv(t *testing.T) map[string]string {
	t.Helper()
	needSystemGo(t)
	home := t.TempDir()
	write(t, home, ".config/go/telemetry/mode", "off")
	return map[string]string{"HOME": home, "PATH": systemGoRoot + "/bin"}
}

// runDoctor runs `goshim doctor` through the real command tree, with
// doctor's machine-dependent defaults (system Go roots, temp dirs) off.
func runDoctor(t *testing.T, dir string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	streams := &IO{In: strings.NewReader(""), Out: &out, Err: &errb, Env: env, Dir: dir}
	code := runWith(streams, append([]string{"doctor"}, args...), func(root *cobra.Command) {
		for _, c := range root.Commands() {
			if c.Name() == "doctor" {
				root.RemoveCommand(c)
			}
		}
		root.AddCommand(NewCmdDoctor(streams, func(o *DoctorOptions) error {
			o.SystemRoots, o.TempDirs = []string{}, []string{}
			return doctorRun(o)
		}))
	})
	return result{code, out.String(), errb.String()}
}

func TestDoctorHealthy(t *testing.T) {
	env := doctorEnv(t)
	r := runDoctor(t, t.TempDir(), env)
	if r.code != ExitOK {
		t.Fatalf("exit %d:\n%s%s", r.code, r.out, r.err)
	}
	for _, s := range []string{"goshim doctor: this shell\n", "✓ go-on-path", "/usr/local/go/bin/go", "healthy: "} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
	if strings.Contains(r.out, "\x1b[") {
		t.Error("colour on a buffer")
	}
}

func TestDoctorProblems(t *testing.T) {
	env := doctorEnv(t)
	env["GO111MODULE"] = "off"
	env["GOSUMDB"] = "off"
	r := runDoctor(t, t.TempDir(), env)
	if r.code != ExitProblem {
		t.Fatalf("exit %d, want %d:\n%s", r.code, ExitProblem, r.out)
	}
	for _, s := range []string{"✗ go111module", "! gosumdb", "why:", "fix:  unset GO111MODULE", "problems found: 1 error, 1 warning"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
	// a warning alone is a problem too
	delete(env, "GO111MODULE")
	if r := runDoctor(t, t.TempDir(), env); r.code != ExitProblem {
		t.Errorf("warning only: exit %d", r.code)
	}
}

func TestDoctorColor(t *testing.T) {
	env := doctorEnv(t)
	env["GO111MODULE"] = "off"
	r := runDoctor(t, t.TempDir(), env, "--color=always")
	if !strings.Contains(r.out, "\x1b[31m✗\x1b[0m go111module") || !strings.Contains(r.out, "\x1b[32m✓\x1b[0m") {
		t.Errorf("--color=always:\n%q", r.out)
	}
	env["NO_COLOR"] = "1"
	if r := runDoctor(t, t.TempDir(), env, "--color=auto"); strings.Contains(r.out, "\x1b[") {
		t.Error("NO_COLOR ignored")
	}
	if !useColor("always", &IO{Env: map[string]string{"NO_COLOR": "1"}}) || useColor("auto", &IO{Env: map[string]string{}, Out: &bytes.Buffer{}}) {
		t.Error("useColor")
	}
}

func TestDoctorUsage(t *testing.T) {
	env := doctorEnv(t)
	dir := t.TempDir()
	notEnv := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "a", "-p", "b"}, "-n and -p"},
		{[]string{"-p", notEnv}, "is not a conda environment"},
		{[]string{"-p", filepath.Join(notEnv, "nope")}, "does not exist"},
		{[]string{"-n", "nosuchenv"}, `conda env "nosuchenv" not found`},
		{[]string{"--color", "sometimes"}, "--color sometimes"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--bogus"}, "unknown flag"},
	} {
		r := runDoctor(t, dir, env, tt.args...)
		if r.code != ExitInput || !strings.Contains(r.err, tt.want) {
			t.Errorf("doctor %v: exit %d, stderr %q; want %d and %q", tt.args, r.code, r.err, ExitInput, tt.want)
		}
	}
}

// TestDoctorNamedEnv finds an env by name the way conda does (here
// ~/.conda/envs) and inspects it without it being active.
func TestDoctorNamedEnv(t *testing.T) {
	env := doctorEnv(t)
	prefix := filepath.Join(env["HOME"], ".conda", "envs", "ml")
	write(t, prefix, "conda-meta/history", "")
	write(t, prefix, "etc/conda/env_vars.d/go.json", "{\n  \"GOTOOLCHAIN\": \"local\"\n}\n")
	r := runDoctor(t, t.TempDir(), env, "-n", "ml")
	if r.code != ExitProblem {
		t.Fatalf("exit %d:\n%s%s", r.code, r.out, r.err)
	}
	for _, s := range []string{"env " + prefix, "! hooks", "no goshim hooks in " + prefix, "! prefix-env-vars  GOTOOLCHAIN", "at:   " + filepath.Join(prefix, "etc/conda/env_vars.d/go.json") + ":2"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("output lacks %q:\n%s", s, r.out)
		}
	}
}

// The JSON schema's field names, pinned: changing one is a schema change
// (bump doctor.SchemaVersion and docs/doctor.md).
var (
	reportFields  = []string{"findings", "goshim", "healthy", "prefix", "summary", "version"}
	summaryFields = []string{"error", "ok", "warn"}
	findingFields = []string{"check", "fix", "problem", "severity", "value", "var", "where", "why"}
)

func keysOf(m map[string]any) []string {
	var k []string
	for name := range m {
		k = append(k, name)
	}
	sort.Strings(k)
	return k
}

func jsonTags(v any) []string {
	var out []string
	ty := reflect.TypeOf(v)
	for i := 0; i < ty.NumField(); i++ {
		tag, _, _ := strings.Cut(ty.Field(i).Tag.Get("json"), ",")
		out = append(out, tag)
	}
	sort.Strings(out)
	return out
}

func TestDoctorJSONSchema(t *testing.T) {
	if doctor.SchemaVersion != 1 {
		t.Fatalf("schema version %d: update the pinned fields and docs/doctor.md", doctor.SchemaVersion)
	}
	for _, c := range []struct {
		name string
		got  []string
		want []string
	}{
		{"DoctorReport", jsonTags(DoctorReport{}), reportFields},
		{"doctor.Summary", jsonTags(doctor.Summary{}), summaryFields},
		{"doctor.Finding", jsonTags(doctor.Finding{}), findingFields},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s fields %v, pinned %v", c.name, c.got, c.want)
		}
	}

	env := doctorEnv(t)
	prefix := filepath.Join(t.TempDir(), "envs", "ml")
	write(t, prefix, "conda-meta/history", "")
	write(t, prefix, "etc/conda/activate.d/goenv.sh", "export GOPATH=\"$CONDA_PREFIX/share/go\"\n")
	env["GOPATH"] = filepath.Join(prefix, "share", "go")
	env["CONDA_PREFIX"] = prefix
	r := runDoctor(t, t.TempDir(), env, "--json")
	if r.code != ExitProblem {
		t.Fatalf("exit %d:\n%s%s", r.code, r.out, r.err)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	if got := keysOf(rep); !reflect.DeepEqual(got, reportFields) {
		t.Errorf("report keys %v, want %v", got, reportFields)
	}
	if rep["version"] != float64(1) || rep["healthy"] != false || rep["prefix"] != prefix {
		t.Errorf("version %v, healthy %v, prefix %v", rep["version"], rep["healthy"], rep["prefix"])
	}
	sum := rep["summary"].(map[string]any)
	if got := keysOf(sum); !reflect.DeepEqual(got, summaryFields) {
		t.Errorf("summary keys %v", got)
	}
	findings := rep["findings"].([]any)
	total := sum["ok"].(float64) + sum["warn"].(float64) + sum["error"].(float64)
	if int(total) != len(findings) || len(findings) == 0 {
		t.Errorf("summary counts %v findings, there are %d", total, len(findings))
	}
	sawWhere := false
	for _, f := range findings {
		fm := f.(map[string]any)
		if got := keysOf(fm); !reflect.DeepEqual(got, findingFields) {
			t.Errorf("finding keys %v, want %v", got, findingFields)
		}
		for k, v := range fm {
			if _, ok := v.(string); !ok {
				t.Errorf("finding field %s is %T, want string", k, v)
			}
		}
		switch fm["severity"] {
		case "ok", "warn", "error":
		default:
			t.Errorf("severity %v", fm["severity"])
		}
		if fm["check"] == "prefix-scripts" && strings.HasSuffix(fm["where"].(string), "goenv.sh:1") {
			sawWhere = true
		}
	}
	if !sawWhere {
		t.Errorf("no prefix-scripts finding with where = goenv.sh:1:\n%s", r.out)
	}
}

// TestDoctorDocs keeps docs/doctor.md in step with the schema and checks.
func TestDoctorDocs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "doctor.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, f := range reportFields {
		if !strings.Contains(doc, "| `"+f+"` |") {
			t.Errorf("docs/doctor.md does not document report field %q", f)
		}
	}
	for _, f := range findingFields {
		if !strings.Contains(doc, "| `findings[]."+f+"` |") {
			t.Errorf("docs/doctor.md does not document finding field %q", f)
		}
	}
	for _, c := range doctor.Checks {
		if !strings.Contains(doc, "| `"+c+"` |") {
			t.Errorf("docs/doctor.md does not document check %q", c)
		}
	}
}

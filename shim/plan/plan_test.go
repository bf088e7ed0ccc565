package plan

import (
	"strings"
	"testing"

	"github.com/goshim/goshim/shim/policy"
)

func TestIDs(t *testing.T) {
	// A state id that loses something of the file id carries the first 6
	// hex digits of sha256(file id), computed by hand with sha256sum.
	tests := []struct{ in, file, state string }{
		{"ml-env", "ml-env", "ML_ENV_CEE45B"},
		{"ml_env", "ml_env", "ML_ENV"},
		{"My Env.v2", "my_env.v2", "MY_ENV_V2_66D2A7"},
		{"a__b", "a__b", "A_B_63E5C1"},
		{"_x_", "_x_", "X_F1F6BD"},
		{"", "goshim", "GOSHIM"},
		{"...", "goshim", "GOSHIM"},
		{"日本", "__", "GOSHIM_9911F4"},
		{"../../etc", "_.._etc", "ETC_210357"},
	}
	for _, tt := range tests {
		if got := FileID(tt.in); got != tt.file {
			t.Errorf("FileID(%q) = %q, want %q", tt.in, got, tt.file)
		}
		if got := StateID(FileID(tt.in)); got != tt.state {
			t.Errorf("StateID(%q) = %q, want %q", FileID(tt.in), got, tt.state)
		}
		if strings.Contains(StateID(FileID(tt.in)), "__") {
			t.Errorf("StateID(%q) contains __", FileID(tt.in))
		}
	}
}

func TestBuild(t *testing.T) {
	pol, err := policy.Parse("goshim.toml", []byte("[env]\nGOFLAGS = \"-mod=mod\"\nGOPATH = { keep = true }\nPATH = { prepend = [\"/x\"] }\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Build(pol, Options{ID: "env", CondaVars: []CondaVar{
		{Name: "GOPATH", Value: "/p", Source: "environment.yml:7 variables"},
		{Name: "GOTOOLCHAIN", Value: "local", Source: "package go"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range p.Vars {
		names = append(names, v.Name)
		if v.Name == "GOPATH" && !v.FromConda {
			t.Error("GOPATH is exported by conda but not marked")
		}
		if v.Name == "GOROOT" && !v.Toolchain {
			t.Error("GOROOT not marked as the toolchain's")
		}
	}
	if got := strings.Join(names, " "); got != "GOFLAGS GOPATH GOROOT" {
		t.Errorf("vars %q (PATH is separate, GOROOT added by the system toolchain)", got)
	}
	if p.Path == nil || len(p.Path.Prepend) != 1 {
		t.Errorf("PATH rule %+v", p.Path)
	}
	notes := strings.Join(p.Notes, "\n")
	if !strings.Contains(notes, `GOPATH="/p" is exported by conda (environment.yml:7 variables)`) || !strings.Contains(notes, "value from before activation") {
		t.Errorf("no note on which GOPATH wins:\n%s", notes)
	}
	if !strings.Contains(notes, `GOTOOLCHAIN="local" is exported by conda (package go) and not managed`) {
		t.Errorf("no note on the unmanaged GOTOOLCHAIN:\n%s", notes)
	}
	if !p.HasCondaVars() || !p.HasToolchain() {
		t.Error("HasCondaVars/HasToolchain")
	}

	conda, _ := policy.Parse("goshim.toml", []byte("[go]\ntoolchain = \"conda\"\n"))
	p, _ = Build(conda, Options{})
	if len(p.Vars) != 0 || p.HasToolchain() || p.ID != "goshim" {
		t.Errorf("conda toolchain plan: %+v", p)
	}
}

func TestDigestChangesWithInputs(t *testing.T) {
	a, _ := Build(policy.Builtin(), Options{Inputs: []Input{{Name: "goshim.toml", Digest: DigestBytes([]byte("a"))}}})
	b, _ := Build(policy.Builtin(), Options{Inputs: []Input{{Name: "goshim.toml", Digest: DigestBytes([]byte("b"))}}})
	if a.Digest == b.Digest || len(a.Digest) != 64 {
		t.Errorf("digests %q %q", a.Digest, b.Digest)
	}
}

package expr

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	lit := func(s string) Segment { return Segment{Kind: Literal, Text: s} }
	ref := func(s string) Segment { return Segment{Kind: Var, Text: s} }
	home := Segment{Kind: Home}
	tests := []struct {
		in   string
		want []Segment
	}{
		{"", nil},
		{"plain", []Segment{lit("plain")}},
		{"${HOME}/.cache", []Segment{ref("HOME"), lit("/.cache")}},
		{"a${X}b${Y}", []Segment{lit("a"), ref("X"), lit("b"), ref("Y")}},
		{"$$HOME", []Segment{lit("$HOME")}},
		{"cost: $$5 and $$$$", []Segment{lit("cost: $5 and $$")}},
		{"~", []Segment{home}},
		{"~/go/bin", []Segment{home, lit("/go/bin")}},
		{"~user/go", []Segment{lit("~user/go")}},
		{"a/~/b", []Segment{lit("a/~/b")}},
		{"-I${CONDA_PREFIX}/include", []Segment{lit("-I"), ref("CONDA_PREFIX"), lit("/include")}},
		{"'\"`;|&\n", []Segment{lit("'\"`;|&\n")}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got.Segs, tt.want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.in, got.Segs, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, wantSub string }{
		{"$HOME", "bare $"},
		{"${HOME", "unclosed"},
		{"${1X}", "invalid variable name"},
		{"${A-B}", "invalid variable name"},
		{"${}", "invalid variable name"},
		{"a$", "bare $"},
		{"nul\x00here", "NUL"},
		{"\xff", "UTF-8"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.wantSub) {
			t.Errorf("Parse(%q) error = %v, want it to mention %q", tt.in, err, tt.wantSub)
		}
	}
}

func TestLiteralAndRefs(t *testing.T) {
	v := MustParse("a$$b")
	if !v.IsLiteral() || v.Literal() != "a$b" {
		t.Errorf("a$$b: literal=%v %q", v.IsLiteral(), v.Literal())
	}
	v = MustParse("~/x${A}y${B}")
	if v.IsLiteral() {
		t.Error("value with refs reported literal")
	}
	if got := v.Refs(); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("Refs = %v", got)
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"A", "_", "GOPATH", "a_1", "_GOSHIM_X"} {
		if !ValidName(ok) {
			t.Errorf("ValidName(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "1A", "A-B", "A B", "A.B", "É", "A\n", "9", "A\x00", "[", "`", "{", "@", "A/"} {
		if ValidName(bad) {
			t.Errorf("ValidName(%q) = true", bad)
		}
	}
}

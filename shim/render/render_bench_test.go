package render_test

import (
	"testing"

	"github.com/goshim/goshim/bench/benchpolicy"
	"github.com/goshim/goshim/shim/plan"
	"github.com/goshim/goshim/shim/policy"
	"github.com/goshim/goshim/shim/render"
	"github.com/goshim/goshim/shim/shell"
)

// The work of `goshim generate` before it writes: parse the policy, build
// the plan, render the hooks of every shell. bench/activation repeats the
// same pipeline in process for docs/benchmarks.md.
func benchPipeline(b *testing.B, toml []byte) {
	b.Helper()
	b.ReportAllocs()
	var size int
	for i := 0; i < b.N; i++ {
		pol, err := policy.Parse("goshim.toml", toml)
		if err != nil {
			b.Fatal(err)
		}
		p, err := plan.Build(pol, plan.Options{ID: "bench", CondaVars: benchpolicy.CondaVars()})
		if err != nil {
			b.Fatal(err)
		}
		files, err := render.All(p, shell.All())
		if err != nil {
			b.Fatal(err)
		}
		size = 0
		for _, f := range files {
			size += len(f.Data)
		}
	}
	b.ReportMetric(float64(size), "script-bytes")
}

func BenchmarkRenderDefault(b *testing.B) { benchPipeline(b, policy.DefaultTOML) }

func BenchmarkRenderLarge(b *testing.B) {
	benchPipeline(b, []byte(benchpolicy.Large(benchpolicy.Root)))
}

func Benchmark500Vars(b *testing.B) {
	benchPipeline(b, []byte(benchpolicy.Scale(500, benchpolicy.Root)))
}

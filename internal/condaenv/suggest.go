package condaenv

import (
	"fmt"
	"strings"
)

// NotFoundError says a conda env name matched nothing, lists the envs that
// do exist, and suggests the closest one, since a typo is the usual cause.
type NotFoundError struct {
	Name       string
	Known      []string
	Suggestion string
}

func (e *NotFoundError) Error() string {
	if e.Name == "" {
		return "no conda env name given (hint: pass -n NAME or -p PREFIX)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "conda env %q not found", e.Name)
	if len(e.Known) == 0 {
		b.WriteString("; no conda envs found on this machine (hint: run goshim from a shell where `conda activate` works, or pass -p PREFIX)")
		return b.String()
	}
	b.WriteString("; known envs: " + strings.Join(e.Known, ", "))
	if e.Suggestion != "" {
		fmt.Fprintf(&b, "; did you mean %q?", e.Suggestion)
	}
	fmt.Fprintf(&b, " (hint: create it with `conda create -n %s`, or pass -p PREFIX)", e.Name)
	return b.String()
}

// suggest returns the known name closest to name: the smallest edit
// distance up to 2, else the first name that extends it or that it extends.
// A distance must be less than name's length, or "x" would suggest "mm".
func suggest(name string, known []string) string {
	low := strings.ToLower(name)
	if low == "" {
		return ""
	}
	best, bestDist := "", min(3, len([]rune(low)))
	for _, k := range known {
		if d := levenshtein(low, strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return best
	}
	for _, k := range known {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, low) || strings.HasPrefix(low, lk) {
			return k
		}
	}
	return ""
}

// levenshtein is the edit distance between a and b, counted in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
